/* attest-bench-query.c: query latency on an imported workspace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Times the calls the event list makes (attest_store_query_events and
 * attest_store_scan_events) on a workspace that already holds the
 * benchmark events.  For every query: one cold run (the database file is
 * written back and dropped from the OS page cache with
 * posix_fadvise(DONTNEED), then a fresh connection runs the query once),
 * then --runs warm runs on one connection; the median is reported.
 * Only the query call is timed, not opening the workspace.
 *
 * Output: a table for people, then one "RESULT key=value" line per
 * figure for run-bench.sh.
 *
 * Usage: attest-bench-query [--runs N] [--no-cold] [--word W] [--rare W]
 *                           [--caller C] [--depth D] DB
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "attest-event-query.h"
#include "attest-store.h"

#define PAGE 200

typedef enum { Q_PAGE, Q_SCAN } QueryKind;

typedef struct
{
  const char *key;        /* RESULT key, "query.<key>_ms" */
  const char *label;
  QueryKind   kind;
  const char *text;       /* filter.text */
  const char *caller;     /* filter.caller */
  gint64      max_id;     /* Q_PAGE: upper id */
} Query;

static const char *db_path;

/* Writes the file back and drops it from the page cache.  Missing files
 * (no -wal after a clean close) are fine. */
static gboolean
evict_file (const char *path)
{
  int fd = open (path, O_RDWR);
  int rc;

  if (fd < 0)
    return errno == ENOENT;
  fdatasync (fd);
  rc = posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
  return rc == 0;
}

static gboolean
evict_db (void)
{
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  return evict_file (db_path) && evict_file (wal) && evict_file (shm);
}

static AttestStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  AttestStore *store = attest_store_open (db_path, ATTEST_STORE_OPEN_DEFAULT, &error);

  if (store == NULL)
    {
      g_printerr ("attest-bench-query: %s\n", error->message);
      exit (1);
    }
  return store;
}

/* Runs @q once; returns milliseconds, and the rows (page) or the match
 * count (scan) in @n. */
static double
run_once (AttestStore *store,
          const Query *q,
          gint64      *n)
{
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  g_autoptr(GError) error = NULL;
  gint64 t0, t1;

  filter->text = g_strdup (q->text);
  filter->caller = g_strdup (q->caller);

  if (q->kind == Q_PAGE)
    {
      g_autoptr(GPtrArray) rows = NULL;

      t0 = g_get_monotonic_time ();
      rows = attest_store_query_events (store, filter, q->max_id, PAGE, &error);
      t1 = g_get_monotonic_time ();
      if (rows == NULL)
        {
          g_printerr ("attest-bench-query: %s: %s\n", q->label, error->message);
          exit (1);
        }
      *n = rows->len;
    }
  else
    {
      g_autoptr(GArray) anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 count = 0;

      t0 = g_get_monotonic_time ();
      if (!attest_store_scan_events (store, filter, PAGE, anchors, &count, NULL, &error))
        {
          g_printerr ("attest-bench-query: %s: %s\n", q->label, error->message);
          exit (1);
        }
      t1 = g_get_monotonic_time ();
      *n = count;
    }
  return (t1 - t0) / 1000.0;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static gint64
id_at_depth (AttestStore *store,
             gint64       depth)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = G_MAXINT64;

  if (sqlite3_prepare_v2 (attest_store_get_db (store),
                          "SELECT id FROM audit_events INDEXED BY audit_events_ids "
                          "ORDER BY id DESC LIMIT 1 OFFSET ?", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("attest-bench-query: %s\n", sqlite3_errmsg (attest_store_get_db (store)));
      exit (1);
    }
  sqlite3_bind_int64 (stmt, 1, depth);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

int
main (int argc, char **argv)
{
  static int runs = 15;
  static gboolean no_cold;
  static char *word = "firmware", *rare = "quarantine", *caller = "vera.becker@northwind.io";
  static gint64 depth = 900000;
  GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Warm runs per query (15)", "N" },
    { "no-cold", 0, 0, G_OPTION_ARG_NONE, &no_cold, "Skip the cold runs", NULL },
    { "word", 0, 0, G_OPTION_ARG_STRING, &word, "Frequent word (firmware)", "W" },
    { "rare", 0, 0, G_OPTION_ARG_STRING, &rare, "Rare word (quarantine)", "W" },
    { "caller", 0, 0, G_OPTION_ARG_STRING, &caller, "Caller to search for", "C" },
    { "depth", 0, 0, G_OPTION_ARG_INT64, &depth, "Keyset page depth (900000)", "D" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("DB");
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  AttestStoreStats stats = { 0 };
  gint64 deep_id;
  guint i;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("attest-bench-query: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || runs < 1)
    {
      g_printerr ("usage: attest-bench-query [--runs N] [--no-cold] DB\n");
      return 2;
    }
  db_path = argv[1];
  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("attest-bench-query: %s: no such workspace\n", db_path);
      return 1;
    }

  store = open_store ();
  if (!attest_store_get_stats (store, &stats, &error))
    {
      g_printerr ("attest-bench-query: %s\n", error->message);
      return 1;
    }
  /* Outside the timing: the id of the row at the given depth. */
  deep_id = id_at_depth (store, depth);

  {
    const Query queries[] = {
      { "newest_page", "newest 200, no filter", Q_PAGE, NULL, NULL, G_MAXINT64 },
      { "fts_first_page", "FTS word, first page", Q_PAGE, word, NULL, G_MAXINT64 },
      { "rare_word_page", "FTS rare word, first page", Q_PAGE, rare, NULL, G_MAXINT64 },
      { "caller_page", "caller filter, first page", Q_PAGE, NULL, caller, G_MAXINT64 },
      { "keyset_page", "keyset page at depth", Q_PAGE, NULL, NULL, deep_id },
      { "scan_fts", "scan (count+anchors), word", Q_SCAN, word, NULL, G_MAXINT64 },
      { "scan_all", "scan (count+anchors), no filter", Q_SCAN, NULL, NULL, G_MAXINT64 },
    };
    g_autoptr(GString) results = g_string_new (NULL);

    g_print ("workspace: %s, %" G_GINT64_FORMAT " events, %" G_GINT64_FORMAT
             " waiting for the search index; SQLite %s\n",
             db_path, stats.audit_events, stats.fts_pending, sqlite3_libversion ());
    g_print ("word \"%s\", rare word \"%s\", caller %s, depth %" G_GINT64_FORMAT
             " (id %" G_GINT64_FORMAT "); %d warm runs%s\n\n",
             word, rare, caller, depth, deep_id, runs, no_cold ? ", no cold runs" : "");
    g_print ("%-33s %9s %10s %10s %10s %10s\n",
             "query", "rows/hits", "warm med", "warm min", "warm max", "cold");

    for (i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        const Query *q = &queries[i];
        g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
        double cold = -1, med;
        gint64 n = 0;
        int r;
        char cold_buf[32];

        if (!no_cold)
          {
            g_clear_pointer (&store, attest_store_unref);
            if (!evict_db ())
              g_printerr ("attest-bench-query: could not drop %s from the page cache\n", db_path);
            store = open_store ();
            cold = run_once (store, q, &n);
          }
        else
          run_once (store, q, &n);   /* warm-up */

        for (r = 0; r < runs; r++)
          {
            double ms = run_once (store, q, &n);
            g_array_append_val (times, ms);
          }
        g_array_sort (times, cmp_double);
        med = times->len % 2 ? g_array_index (times, double, times->len / 2)
                             : (g_array_index (times, double, times->len / 2 - 1)
                                + g_array_index (times, double, times->len / 2)) / 2;
        if (cold >= 0)
          g_snprintf (cold_buf, sizeof cold_buf, "%.2f ms", cold);
        else
          g_strlcpy (cold_buf, "-", sizeof cold_buf);
        g_print ("%-33s %9" G_GINT64_FORMAT " %7.2f ms %7.2f ms %7.2f ms %10s\n",
                 q->label, n, med, g_array_index (times, double, 0),
                 g_array_index (times, double, times->len - 1), cold_buf);

        g_string_append_printf (results, "RESULT query.%s_ms=%.2f\n", q->key, med);
        if (cold >= 0)
          g_string_append_printf (results, "RESULT query.%s_cold_ms=%.2f\n", q->key, cold);
        g_string_append_printf (results, "RESULT query.%s_%s=%" G_GINT64_FORMAT "\n",
                                q->key, q->kind == Q_SCAN ? "hits" : "rows", n);
      }
    g_print ("\n%s", results->str);
  }
  return 0;
}
