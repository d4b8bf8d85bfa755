/* attest-chain.c: re-walking the per-source hash chains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-store-private.h"

static const char *
kind_name (int kind)
{
  switch (kind)
    {
    case ATTEST_KIND_EVENT: return "audit event";
    case ATTEST_KIND_TWIN: return "twin snapshot";
    case ATTEST_KIND_IDENTITY: return "device identity";
    case ATTEST_KIND_DEPLOYMENT: return "deployment version";
    case ATTEST_KIND_MODEL_CONTAINER: return "model container";
    case ATTEST_KIND_MODEL_VERSION: return "model version";
    case ATTEST_KIND_JOB: return "job";
    case ATTEST_KIND_DATA_VERSION: return "data asset version";
    case ATTEST_KIND_WAIVER: return "waiver";
    default: return "record";
    }
}

void
attest_chain_report_clear (AttestChainReport *report)
{
  g_clear_pointer (&report->problem, g_free);
}

static gboolean
canon_row (AttestCanon  *canon,
           sqlite3_stmt *row)
{
  int n = sqlite3_column_count (row);
  int i;

  for (i = 0; i < n; i++)
    {
      switch (sqlite3_column_type (row, i))
        {
        case SQLITE_NULL:
          _attest_canon_null (canon);
          break;
        case SQLITE_INTEGER:
          _attest_canon_int (canon, sqlite3_column_int64 (row, i));
          break;
        case SQLITE_TEXT:
          _attest_canon_text (canon, (const char *) sqlite3_column_text (row, i),
                              sqlite3_column_bytes (row, i));
          break;
        default:
          /* A REAL or BLOB where the writer stored text or integers is
           * itself a sign of tampering. */
          return FALSE;
        }
    }
  return TRUE;
}

static void
set_problem (AttestChainReport *report,
             const char        *source_name,
             gint64             source_id,
             gint64             seq,
             const char        *fmt,
             ...) G_GNUC_PRINTF (5, 6);

static void
set_problem (AttestChainReport *report,
             const char        *source_name,
             gint64             source_id,
             gint64             seq,
             const char        *fmt,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, fmt);
  what = g_strdup_vprintf (fmt, args);
  va_end (args);
  report->ok = FALSE;
  report->problem = g_strdup_printf (_("source %" G_GINT64_FORMAT " (%s), link %" G_GINT64_FORMAT ": %s"),
                                     source_id, source_name, seq, what);
}

gboolean
attest_store_verify_chain (AttestStore       *store,
                           AttestChainReport *report,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_autoptr(sqlite3_stmt) sources = NULL;
  g_autoptr(sqlite3_stmt) links = NULL;
  sqlite3_stmt *selects[ATTEST_N_KINDS] = { NULL };
  AttestCanon canon = { NULL };
  gboolean ret = FALSE;
  int k;

  memset (report, 0, sizeof *report);
  report->ok = TRUE;

  if (!_attest_store_exec (store, "BEGIN", error))
    return FALSE;

  for (k = 1; k < ATTEST_N_KINDS; k++)
    if (!_attest_store_prepare (store, _attest_chain_select (k), &selects[k], error))
      goto out;

  if (!_attest_store_prepare (store,
                              "SELECT id, name, chain_len, chain_head FROM sources ORDER BY id",
                              &sources, error)
      || !_attest_store_prepare (store,
                                 "SELECT seq, kind, rec_id, hash FROM chain WHERE source_id = ? "
                                 "ORDER BY seq", &links, error))
    goto out;

  while (report->ok && sqlite3_step (sources) == SQLITE_ROW)
    {
      gint64 source_id = sqlite3_column_int64 (sources, 0);
      const char *name = (const char *) sqlite3_column_text (sources, 1);
      gint64 chain_len = sqlite3_column_int64 (sources, 2);
      const void *head = sqlite3_column_blob (sources, 3);
      int head_len = sqlite3_column_bytes (sources, 3);
      guint8 prev[32] = { 0 };
      gint64 expect_seq = 1;

      report->sources++;
      sqlite3_bind_int64 (links, 1, source_id);
      while (sqlite3_step (links) == SQLITE_ROW)
        {
          gint64 seq = sqlite3_column_int64 (links, 0);
          int kind = sqlite3_column_int (links, 1);
          gint64 rec_id = sqlite3_column_int64 (links, 2);
          const void *hash = sqlite3_column_blob (links, 3);
          int hash_len = sqlite3_column_bytes (links, 3);
          sqlite3_stmt *sel;
          guint8 computed[32];

          if ((report->links & 0xfff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            goto out;
          report->links++;

          if (seq != expect_seq)
            {
              set_problem (report, name, source_id, expect_seq,
                           _("link missing (next link found is %" G_GINT64_FORMAT ")"), seq);
              break;
            }
          expect_seq++;
          if (kind < 1 || kind >= ATTEST_N_KINDS)
            {
              set_problem (report, name, source_id, seq, _("unknown record kind %d"), kind);
              break;
            }
          sel = selects[kind];
          sqlite3_bind_int64 (sel, 1, rec_id);
          if (sqlite3_step (sel) != SQLITE_ROW)
            {
              sqlite3_reset (sel);
              set_problem (report, name, source_id, seq, _("%s %" G_GINT64_FORMAT " was deleted"),
                           kind_name (kind), rec_id);
              break;
            }
          _attest_canon_begin (&canon, prev, kind, rec_id);
          if (!canon_row (&canon, sel))
            {
              sqlite3_reset (sel);
              set_problem (report, name, source_id, seq,
                           _("%s %" G_GINT64_FORMAT " holds a value of the wrong type"),
                           kind_name (kind), rec_id);
              break;
            }
          sqlite3_reset (sel);
          _attest_canon_finish (&canon, computed);
          if (hash_len != 32 || memcmp (hash, computed, 32) != 0)
            {
              set_problem (report, name, source_id, seq,
                           _("%s %" G_GINT64_FORMAT " was modified after import (hash mismatch)"),
                           kind_name (kind), rec_id);
              break;
            }
          memcpy (prev, computed, 32);
        }
      sqlite3_reset (links);
      if (!report->ok)
        break;

      if (expect_seq - 1 != chain_len)
        set_problem (report, name, source_id, expect_seq,
                     _("the chain has %" G_GINT64_FORMAT " links but the source records %" G_GINT64_FORMAT),
                     expect_seq - 1, chain_len);
      else if (chain_len > 0 && (head_len != 32 || memcmp (head, prev, 32) != 0))
        set_problem (report, name, source_id, chain_len, _("the chain head does not match the last link"));
    }

  /* Every stored record must be on some chain: rows slipped in with the
   * sqlite3 shell are not. */
  if (report->ok)
    {
      static const struct { int kind; const char *sql; } counts[] = {
        { ATTEST_KIND_EVENT, "SELECT (SELECT count(*) FROM audit_events INDEXED BY audit_events_ids) - (SELECT count(*) FROM chain WHERE kind = 1)" },
        { ATTEST_KIND_TWIN, "SELECT (SELECT count(*) FROM twin_snapshots) - (SELECT count(*) FROM chain WHERE kind = 2)" },
        { ATTEST_KIND_IDENTITY, "SELECT (SELECT count(*) FROM identities) - (SELECT count(*) FROM chain WHERE kind = 3)" },
        { ATTEST_KIND_DEPLOYMENT, "SELECT (SELECT count(*) FROM deployment_versions) - (SELECT count(*) FROM chain WHERE kind = 4)" },
        { ATTEST_KIND_MODEL_VERSION, "SELECT (SELECT count(*) FROM ml_assets) - (SELECT count(*) FROM chain WHERE kind BETWEEN 5 AND 8)" },
        { ATTEST_KIND_WAIVER, "SELECT (SELECT count(*) FROM waivers) - (SELECT count(*) FROM chain WHERE kind = 9)" },
      };
      guint i;

      for (i = 0; i < G_N_ELEMENTS (counts) && report->ok; i++)
        {
          g_autoptr(sqlite3_stmt) q = NULL;
          gint64 extra;

          if (!_attest_store_prepare (store, counts[i].sql, &q, error))
            goto out;
          if (sqlite3_step (q) != SQLITE_ROW)
            {
              _attest_sqlite_error (attest_store_get_db (store), sqlite3_errcode (attest_store_get_db (store)), error, "counting records");
              goto out;
            }
          extra = sqlite3_column_int64 (q, 0);
          if (extra != 0)
            {
              report->ok = FALSE;
              report->problem = g_strdup_printf (_("%" G_GINT64_FORMAT " %s record(s) are not on any hash chain (inserted outside Attest?)"),
                                                 extra, kind_name (counts[i].kind));
            }
        }
    }
  ret = TRUE;

out:
  for (k = 1; k < ATTEST_N_KINDS; k++)
    sqlite3_finalize (selects[k]);
  _attest_canon_clear (&canon);
  _attest_store_exec (store, "COMMIT", NULL);
  return ret;
}
