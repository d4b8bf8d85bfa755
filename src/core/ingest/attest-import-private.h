/* attest-import-private.h: state shared by the importer and its parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attest-importer.h"
#include "attest-json.h"
#include "attest-time.h"

G_BEGIN_DECLS

typedef struct
{
  AttestStoreWriter         *writer;
  const AttestImportOptions *options;
  const char *const         *name_paths;
  const char *const         *version_paths;
  char                      *file_name;    /* for messages */
  char                      *hub;          /* from the file (state export) or options */
  AttestJsonDoc             *doc;          /* the element being read */
  AttestJsonDoc             *inner;        /* JSON embedded in strings */
  GString                   *scratch;
  GString                   *search;
  gint64                     elements;
  gint64                     records;
  gboolean                   last_was_envelope;
  guint                      failed_item;       /* 1-based item of an envelope */
  guint64                    failed_item_line;  /* its line within the element */
} AttestImport;

/* Where an element was found, which decides how it is read. */
typedef enum {
  ATTEST_CONTEXT_ANY,             /* top-level array, value[], records[], JSON Lines */
  ATTEST_CONTEXT_STATE_DEVICE,    /* az iot hub state export: devices.<id> */
  ATTEST_CONTEXT_STATE_CONFIG,    /* az iot hub state export: configurations.*.<id> */
  ATTEST_CONTEXT_CSV,
} AttestContext;

G_GNUC_PRINTF (3, 4)
gboolean _attest_import_fail         (AttestImport    *imp,
                                      GError         **error,
                                      const char      *format,
                                      ...);

gboolean _attest_parse_activity_event (AttestImport   *imp,
                                       AttestJsonNode *node,
                                       const char     *raw,
                                       gsize           raw_len,
                                       GError        **error);
gboolean _attest_parse_diagnostic_record (AttestImport   *imp,
                                          AttestJsonNode *node,
                                          const char     *raw,
                                          gsize           raw_len,
                                          GError        **error);
gboolean _attest_parse_twin          (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *device_id,
                                      const char     *module_id,
                                      const char     *raw,
                                      gsize           raw_len,
                                      GError        **error);
gboolean _attest_parse_identity      (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *device_id,
                                      const char     *module_id,
                                      const char     *parent,
                                      GError        **error);
gboolean _attest_parse_state_device  (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *device_id,
                                      GError        **error);
gboolean _attest_parse_configuration (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *raw,
                                      gsize           raw_len,
                                      GError        **error);
gboolean _attest_parse_arm_template  (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      GError        **error);
gboolean _attest_parse_aml_rest      (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *raw,
                                      gsize           raw_len,
                                      GError        **error);
gboolean _attest_parse_aml_cli       (AttestImport   *imp,
                                      AttestJsonNode *node,
                                      const char     *raw,
                                      gsize           raw_len,
                                      GError        **error);
gboolean _attest_parse_csv_file      (AttestImport   *imp,
                                      GInputStream   *input,
                                      GCancellable   *cancellable,
                                      AttestImportProgressFunc progress,
                                      gpointer        progress_data,
                                      guint64         total,
                                      GError        **error);

/* helpers */
gboolean _attest_node_time           (AttestImport   *imp,
                                      AttestJsonNode *object,
                                      const char     *key,
                                      gboolean        required,
                                      gint64         *out,
                                      GError        **error);
const char *_attest_node_text        (AttestImport   *imp,
                                      AttestJsonNode *object,
                                      const char     *key,
                                      GError        **error);
char     *_attest_node_compact       (AttestJsonNode *node);
char     *_attest_node_canonical     (AttestJsonNode *node);
char     *_attest_sha256_hex         (const char     *data,
                                      gsize           len);
char     *_attest_hub_from_resource  (const char     *resource_id);
char     *_attest_hub_name           (const char     *name_or_host);
gboolean  _attest_is_iothub_log_category (const char *category);
/* Writes @node compactly with secret values replaced; returns TRUE when
 * anything was replaced (then the record's raw is @out, not the bytes). */
gboolean  _attest_write_redacted     (AttestJsonNode *node,
                                      GString        *out,
                                      gboolean        sorted);
gboolean  _attest_may_hold_secret    (const char     *raw,
                                      gsize           len);
void      _attest_search_add         (GString        *search,
                                      const char     *text);
void      _attest_search_add_resource (GString       *search,
                                       const char    *resource_id);

void      _attest_search_add_values  (GString        *search,
                                      AttestJsonNode *node);

G_END_DECLS
