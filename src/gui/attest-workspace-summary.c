/* attest-workspace-summary.c: the figures the Overview shows, read off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything comes from attest-core readers (attest_store_get_stats(),
 * attest_store_list_imports(), attest_store_list_hubs()), through one
 * read-only connection of the worker thread; the GUI runs no SQL.
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include "attest-workspace-summary.h"

G_DEFINE_BOXED_TYPE (AttestWorkspaceSummary, attest_workspace_summary,
                     attest_workspace_summary_ref, attest_workspace_summary_unref)

static void
summary_clear (AttestWorkspaceSummary *summary)
{
  g_clear_pointer (&summary->recent_imports, g_ptr_array_unref);
  g_clear_pointer (&summary->hubs, g_ptr_array_unref);
}

static AttestWorkspaceSummary *
summary_new (void)
{
  return g_rc_box_new0 (AttestWorkspaceSummary);
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
      || (summary->recent_imports = attest_store_list_imports (store, 5, &error)) == NULL
      || (summary->hubs = attest_store_list_hubs (store, &error)) == NULL)
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
