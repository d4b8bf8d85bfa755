/* attest-import-task.c: importing files in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <glib/gi18n.h>

#include "attest-import-task.h"

typedef struct
{
  char                        *db_path;
  GPtrArray                   *files;      /* GFile */
  char                        *hub;
  char                        *registry;
  AttestImportProgressCallback progress;
  gpointer                     progress_data;
  GDestroyNotify               progress_destroy;
  GMainContext                *context;
  GPtrArray                   *reports;
  /* progress hand-off: the worker overwrites, the main loop reads */
  GMutex                       lock;
  AttestImportProgress         latest;
  char                        *latest_name;
  gboolean                     pending;
} ImportData;

static void
import_data_free (ImportData *d)
{
  g_free (d->db_path);
  g_ptr_array_unref (d->files);
  g_free (d->hub);
  g_free (d->registry);
  if (d->progress_destroy)
    d->progress_destroy (d->progress_data);
  g_main_context_unref (d->context);
  if (d->reports)
    g_ptr_array_unref (d->reports);
  g_mutex_clear (&d->lock);
  g_free (d->latest_name);
  g_free (d);
}

void
attest_import_report_free (AttestImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file_name);
  g_free (report->path);
  g_free (report->error);
  attest_import_result_clear (&report->result);
  g_free (report);
}

static gboolean
deliver_progress (gpointer user_data)
{
  GTask *task = user_data;
  ImportData *d = g_task_get_task_data (task);
  AttestImportProgress p;
  g_autofree char *name = NULL;

  g_mutex_lock (&d->lock);
  p = d->latest;
  name = g_strdup (d->latest_name);
  d->pending = FALSE;
  g_mutex_unlock (&d->lock);

  p.file_name = name;
  if (d->progress && !g_task_had_error (task))
    d->progress (&p, d->progress_data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GTask *task;
  guint  index;
} ProgressCtx;

static void
worker_progress (guint64  done,
                 guint64  total,
                 gint64   records,
                 gpointer user_data)
{
  ProgressCtx *ctx = user_data;
  ImportData *d = g_task_get_task_data (ctx->task);
  gboolean schedule;

  g_mutex_lock (&d->lock);
  d->latest.file_index = ctx->index;
  d->latest.n_files = d->files->len;
  d->latest.bytes_done = done;
  d->latest.bytes_total = total;
  d->latest.records = records;
  g_free (d->latest_name);
  d->latest_name = g_file_get_basename (g_ptr_array_index (d->files, ctx->index));
  schedule = !d->pending;
  d->pending = TRUE;
  g_mutex_unlock (&d->lock);

  /* Coalesced: at most one pending update on the main loop. */
  if (schedule)
    g_main_context_invoke_full (d->context, G_PRIORITY_DEFAULT, deliver_progress,
                                g_object_ref (ctx->task), g_object_unref);
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_import_report_free);
  AttestImportOptions options = { 0 };
  GError *error = NULL;
  guint i;

  store = attest_store_open (d->db_path, ATTEST_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  options.hub = d->hub;
  options.registry = d->registry;

  for (i = 0; i < d->files->len; i++)
    {
      GFile *file = g_ptr_array_index (d->files, i);
      AttestImportReport *report = g_new0 (AttestImportReport, 1);
      ProgressCtx ctx = { task, i };
      g_autoptr(GError) ierror = NULL;

      report->file_name = g_file_get_basename (file);
      report->path = g_file_get_path (file);
      worker_progress (0, 0, 0, &ctx);
      report->ok = attest_import_file (store, file, &options, worker_progress, &ctx,
                                       cancellable, &report->result, &ierror);
      if (!report->ok)
        {
          if (g_error_matches (ierror, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              attest_import_report_free (report);
              g_task_return_error (task, g_steal_pointer (&ierror));
              return;
            }
          report->error = g_strdup (ierror->message);
        }
      g_ptr_array_add (reports, report);
    }
  g_task_return_pointer (task, g_steal_pointer (&reports), (GDestroyNotify) g_ptr_array_unref);
}

void
attest_import_files_async (const char                  *db_path,
                           GFile                      **files,
                           guint                        n_files,
                           const AttestImportOptions   *options,
                           AttestImportProgressCallback progress,
                           gpointer                     progress_data,
                           GDestroyNotify               progress_destroy,
                           GCancellable                *cancellable,
                           GAsyncReadyCallback          callback,
                           gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *d;
  guint i;

  g_return_if_fail (db_path != NULL);

  d = g_new0 (ImportData, 1);
  g_mutex_init (&d->lock);
  d->db_path = g_strdup (db_path);
  d->files = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < n_files; i++)
    g_ptr_array_add (d->files, g_object_ref (files[i]));
  if (options)
    {
      d->hub = g_strdup (options->hub);
      d->registry = g_strdup (options->registry);
    }
  d->progress = progress;
  d->progress_data = progress_data;
  d->progress_destroy = progress_destroy;
  d->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, attest_import_files_async);
  g_task_set_task_data (task, d, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

GPtrArray *
attest_import_files_finish (GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
