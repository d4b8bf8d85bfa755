/* attest-workspace-summary.c: the figures the Overview shows, read off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counts come from attest_store_get_stats().  The recent imports and the
 * per-hub device totals have no core reader yet, so their read-only SQL
 * lives in the two read_…_for_overview() functions below and nowhere else
 * in the GUI; replace them when attest-core grows readers for them.
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include "attest-autocleanups.h"
#include "attest-workspace-summary.h"

G_DEFINE_BOXED_TYPE (AttestWorkspaceSummary, attest_workspace_summary,
                     attest_workspace_summary_ref, attest_workspace_summary_unref)

static void
recent_import_free (AttestRecentImport *entry)
{
  g_free (entry->name);
  g_free (entry);
}

static void
hub_total_free (AttestHubTotal *hub)
{
  g_free (hub->name);
  g_free (hub->location);
  g_free (hub);
}

static void
summary_clear (AttestWorkspaceSummary *summary)
{
  g_clear_pointer (&summary->recent_imports, g_ptr_array_unref);
  g_clear_pointer (&summary->hubs, g_ptr_array_unref);
}

static AttestWorkspaceSummary *
summary_new (void)
{
  AttestWorkspaceSummary *summary = g_rc_box_new0 (AttestWorkspaceSummary);

  summary->recent_imports = g_ptr_array_new_with_free_func ((GDestroyNotify) recent_import_free);
  summary->hubs = g_ptr_array_new_with_free_func ((GDestroyNotify) hub_total_free);
  return summary;
}

AttestWorkspaceSummary *
attest_workspace_summary_ref (AttestWorkspaceSummary *summary)
{
  return g_rc_box_acquire (summary);
}

void
attest_workspace_summary_unref (AttestWorkspaceSummary *summary)
{
  g_rc_box_release_full (summary, (GDestroyNotify) summary_clear);
}

gboolean
attest_workspace_summary_is_empty (const AttestWorkspaceSummary *summary)
{
  const AttestStoreStats *s = &summary->stats;

  return s->hubs == 0 && s->devices == 0 && s->twin_snapshots == 0 && s->identities == 0
         && s->deployments == 0 && s->model_containers == 0 && s->model_versions == 0
         && s->jobs == 0 && s->data_versions == 0 && s->audit_events == 0;
}

static gboolean
sqlite_failed (sqlite3     *db,
               const char  *what,
               GError     **error)
{
  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

/* Read-only SQL kept in the GUI until attest-core has a reader for it. */
static gboolean
read_recent_imports_for_overview (AttestStore  *store,
                                  GPtrArray    *out,
                                  GError      **error)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT name, finished_at, new_records FROM imports "
                          "ORDER BY finished_at DESC LIMIT 5",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, "reading recent imports", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestRecentImport *entry = g_new0 (AttestRecentImport, 1);

      entry->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->finished_at = sqlite3_column_int64 (stmt, 1);
      entry->new_records = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (out, entry);
    }
  if (rc != SQLITE_DONE)
    return sqlite_failed (db, "reading recent imports", error);
  return TRUE;
}

/* Read-only SQL kept in the GUI until attest-core has a reader for it. */
static gboolean
read_hub_totals_for_overview (AttestStore  *store,
                              GPtrArray    *out,
                              GError      **error)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT h.name, h.location, count(d.id) FROM hubs h "
                          "LEFT JOIN devices d ON d.hub_id = h.id "
                          "GROUP BY h.id ORDER BY h.name",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sqlite_failed (db, "reading hubs", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestHubTotal *hub = g_new0 (AttestHubTotal, 1);

      hub->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      hub->location = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      hub->devices = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (out, hub);
    }
  if (rc != SQLITE_DONE)
    return sqlite_failed (db, "reading hubs", error);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *db_path = task_data;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestWorkspaceSummary) summary = summary_new ();
  GError *error = NULL;

  /* One connection per thread (DESIGN.md, Store). */
  store = attest_store_open (db_path, ATTEST_STORE_OPEN_READONLY, &error);
  if (store == NULL
      || !attest_store_get_stats (store, &summary->stats, &error)
      || !read_recent_imports_for_overview (store, summary->recent_imports, &error)
      || !read_hub_totals_for_overview (store, summary->hubs, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&summary),
                         (GDestroyNotify) attest_workspace_summary_unref);
}

void
attest_workspace_summary_load_async (const char          *db_path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (db_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, attest_workspace_summary_load_async);
  g_task_set_task_data (task, g_strdup (db_path), g_free);
  g_task_run_in_thread (task, load_thread);
}

AttestWorkspaceSummary *
attest_workspace_summary_load_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == attest_workspace_summary_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
