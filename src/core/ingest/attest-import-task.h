/* attest-import-task.h: importing files in a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attest-importer.h"

G_BEGIN_DECLS

typedef struct
{
  guint        file_index;      /* 0-based */
  guint        n_files;
  const char  *file_name;       /* display name */
  guint64      bytes_done;
  guint64      bytes_total;
  gint64       records;
} AttestImportProgress;

/* Runs on the thread-default main context of the caller of
 * attest_import_files_async(). */
typedef void (*AttestImportProgressCallback) (const AttestImportProgress *progress,
                                              gpointer                    user_data);

typedef struct
{
  char              *file_name;     /* display name */
  char              *path;
  gboolean           ok;
  char              *error;         /* names the file, line and field */
  AttestImportResult result;
} AttestImportReport;

void       attest_import_report_free   (AttestImportReport *report);

/* Imports @files one after the other, each in its own transaction, in a
 * worker thread with its own connection to @db_path.  A failing file does
 * not stop the others (its report says why); cancelling rolls back the
 * file in progress and skips the rest. */
void       attest_import_files_async   (const char                  *db_path,
                                        GFile                      **files,
                                        guint                        n_files,
                                        const AttestImportOptions   *options,
                                        AttestImportProgressCallback progress,
                                        gpointer                     progress_data,
                                        GDestroyNotify               progress_destroy,
                                        GCancellable                *cancellable,
                                        GAsyncReadyCallback          callback,
                                        gpointer                     user_data);
/* Returns the reports (AttestImportReport, in file order) or NULL with
 * G_IO_ERROR_CANCELLED or a workspace error. */
GPtrArray *attest_import_files_finish  (GAsyncResult                *result,
                                        GError                     **error);

G_END_DECLS
