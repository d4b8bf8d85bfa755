/* attest-store-summary.c: small read models for overviews
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include "attest-autocleanups.h"
#include "attest-store-private.h"
#include "attest-store-summary.h"

void
attest_import_log_entry_free (AttestImportLogEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->locator);
  g_free (entry->format);
  g_free (entry);
}

void
attest_hub_summary_free (AttestHubSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->name);
  g_free (summary->location);
  g_free (summary);
}

GPtrArray *
attest_store_list_imports (AttestStore *store,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_import_log_entry_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_attest_store_prepare (store,
                              "SELECT name, locator, format, finished_at, new_records, duplicates "
                              "FROM imports ORDER BY finished_at DESC, id DESC LIMIT ?", &stmt, error))
    return NULL;
  sqlite3_bind_int (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestImportLogEntry *e = g_new0 (AttestImportLogEntry, 1);

      e->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      e->locator = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      e->format = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      e->finished_at = sqlite3_column_int64 (stmt, 3);
      e->new_records = sqlite3_column_int64 (stmt, 4);
      e->duplicates = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (out, e);
    }
  if (rc != SQLITE_DONE)
    {
      _attest_sqlite_error (attest_store_get_db (store), rc, error, "listing imports");
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
attest_store_list_hubs (AttestStore *store,
                        GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_hub_summary_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_attest_store_prepare (store,
                              "SELECT h.name, h.location, count (d.id), "
                              "       coalesce (sum (d.is_edge = 1), 0) "
                              "FROM hubs h LEFT JOIN devices d ON d.hub_id = h.id "
                              "GROUP BY h.id ORDER BY h.name", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestHubSummary *h = g_new0 (AttestHubSummary, 1);

      h->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      h->location = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      h->devices = sqlite3_column_int64 (stmt, 2);
      h->edge_devices = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (out, h);
    }
  if (rc != SQLITE_DONE)
    {
      _attest_sqlite_error (attest_store_get_db (store), rc, error, "listing hubs");
      return NULL;
    }
  return g_steal_pointer (&out);
}
