/* attest-importer.h: files exported from Azure -> the workspace cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_IMPORT_ERROR (attest_import_error_quark ())
GQuark attest_import_error_quark (void);

typedef enum {
  ATTEST_IMPORT_ERROR_FORMAT,     /* not a format Attest reads */
  ATTEST_IMPORT_ERROR_INVALID,    /* a record is unreadable */
  ATTEST_IMPORT_ERROR_CONTEXT,    /* e.g. twins that do not name their hub */
} AttestImportError;

typedef struct
{
  const char  *hub;                 /* hub for records that do not name theirs */
  const char  *registry;            /* Azure ML workspace for az ml output without ids */
  const char *const *model_name_paths;    /* reported-property paths; NULL = defaults */
  const char *const *model_version_paths;
} AttestImportOptions;

typedef struct
{
  char              *format;        /* what the sniffer found, e.g. "json-array" */
  char              *sha256;        /* of the file's bytes */
  guint64            bytes;
  gint64             elements;      /* top-level elements read */
  AttestImportCounts counts;
} AttestImportResult;

typedef void (*AttestImportProgressFunc) (guint64  bytes_done,
                                          guint64  bytes_total,
                                          gint64   records,
                                          gpointer user_data);

gboolean attest_import_file           (AttestStore                *store,
                                       GFile                      *file,
                                       const AttestImportOptions  *options,
                                       AttestImportProgressFunc    progress,
                                       gpointer                    progress_data,
                                       GCancellable               *cancellable,
                                       AttestImportResult         *result,
                                       GError                    **error);
void     attest_import_result_clear   (AttestImportResult         *result);

/* Default JSON paths (in a module twin's reported properties) that name the
 * model a module runs; the image tag is the fallback. */
const char *const *attest_import_default_model_name_paths    (void);
const char *const *attest_import_default_model_version_paths (void);

G_END_DECLS
