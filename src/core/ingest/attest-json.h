/* attest-json.h: a strict, arena-backed JSON reader and a bounded-memory stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib builds a GObject tree per value and is too slow for a million
 * audit events (../shared/PERF.md, 5.1).  This reader parses one element into
 * nodes allocated from an arena that is reset for the next element, keeps the
 * byte span of every node (so the original bytes of a record can be stored),
 * decodes strings to NUL-terminated UTF-8 and rejects anything that is not
 * RFC 8259 JSON with the line, column and key path of the fault.
 */
#pragma once

#include <gio/gio.h>

#include "attest-types.h"

G_BEGIN_DECLS

#define ATTEST_JSON_MAX_DEPTH        256
#define ATTEST_JSON_MAX_STRING       (4 * 1024 * 1024)
#define ATTEST_JSON_MAX_ELEMENT      (32 * 1024 * 1024)

#define ATTEST_JSON_ERROR (attest_json_error_quark ())
GQuark attest_json_error_quark (void);

typedef enum {
  ATTEST_JSON_ERROR_SYNTAX,
  ATTEST_JSON_ERROR_ENCODING,
  ATTEST_JSON_ERROR_LIMIT,
  ATTEST_JSON_ERROR_TRUNCATED,
  ATTEST_JSON_ERROR_IO,
} AttestJsonError;

typedef enum {
  ATTEST_JSON_NULL,
  ATTEST_JSON_FALSE,
  ATTEST_JSON_TRUE,
  ATTEST_JSON_NUMBER,
  ATTEST_JSON_STRING,
  ATTEST_JSON_ARRAY,
  ATTEST_JSON_OBJECT,
} AttestJsonType;

struct _AttestJsonNode
{
  AttestJsonType  type;
  guint32         n_children;
  guint32         key_len;
  guint32         str_len;
  const char     *key;          /* member name (decoded), NULL in arrays */
  const char     *str;          /* decoded string, or the number's text */
  AttestJsonNode *first_child;
  AttestJsonNode *last_child;
  AttestJsonNode *next;
  gsize           start;        /* byte span of the value in the element */
  gsize           end;
};

AttestJsonDoc  *attest_json_doc_new             (void);
void            attest_json_doc_free            (AttestJsonDoc  *doc);
AttestJsonNode *attest_json_doc_parse           (AttestJsonDoc  *doc,
                                                 const char     *data,
                                                 gsize           len,
                                                 GError        **error);
const char     *attest_json_doc_data            (AttestJsonDoc  *doc);

/* Lookups.  Member names compare ASCII-case-insensitively: Azure exports
 * disagree on casing (FORMATS.md, quirk 9). */
AttestJsonNode *attest_json_get                 (AttestJsonNode *object,
                                                 const char     *key);
AttestJsonNode *attest_json_path                (AttestJsonNode *node,
                                                 const char     *dotted_path);
const char     *attest_json_get_string          (AttestJsonNode *object,
                                                 const char     *key);
const char     *attest_json_path_string         (AttestJsonNode *node,
                                                 const char     *dotted_path);
const char     *attest_json_node_string         (AttestJsonNode *node);
gboolean        attest_json_node_int64          (AttestJsonNode *node,
                                                 gint64         *out);
gboolean        attest_json_node_double         (AttestJsonNode *node,
                                                 double         *out);
const char     *attest_json_type_name           (AttestJsonType  type);

/* Compact re-serialisation (member order kept), used to derive stable ids
 * for records that carry none. */
void            attest_json_node_write_compact  (AttestJsonNode *node,
                                                 GString        *out);

/* Compact with object members sorted by name (bytewise): two exports of
 * the same JSON, REST order or az's sorted order, give the same text. */
void            attest_json_node_write_canonical (AttestJsonNode *node,
                                                  GString        *out);

/* Position helpers: 1-based line and column of @offset in @data. */
void            attest_json_offset_position     (const char     *data,
                                                 gsize           offset,
                                                 guint64        *line,
                                                 guint64        *column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestJsonDoc, attest_json_doc_free)

/* ---------------------------------------------------------------------- */
/* The stream: pulls structural tokens from a GInputStream through a bounded
 * window, so a 1 GB array or JSON Lines file never sits in memory whole.  */

AttestJsonStream *attest_json_stream_new         (GInputStream      *input);
void              attest_json_stream_free        (AttestJsonStream  *stream);
void              attest_json_stream_set_cancellable (AttestJsonStream *stream,
                                                 GCancellable      *cancellable);

/* Next non-whitespace byte, or 0 at end of input.  Skips a UTF-8 BOM at the
 * very start. */
gboolean          attest_json_stream_peek        (AttestJsonStream  *stream,
                                                  char              *c,
                                                  GError           **error);
gboolean          attest_json_stream_expect      (AttestJsonStream  *stream,
                                                  char               c,
                                                  GError           **error);
/* Reads a member name (a JSON string followed by ':'). */
gboolean          attest_json_stream_read_key    (AttestJsonStream  *stream,
                                                  GString           *key,
                                                  GError           **error);
/* Makes the next complete value available without copying it out; the
 * pointer stays valid until the next call on the stream. */
gboolean          attest_json_stream_capture     (AttestJsonStream  *stream,
                                                  const char       **data,
                                                  gsize             *len,
                                                  GError           **error);
/* Like capture, but a value longer than @limit is left unread: *data is
 * NULL and the stream stays at the value's start. */
gboolean          attest_json_stream_capture_bounded (AttestJsonStream *stream,
                                                  gsize              limit,
                                                  const char       **data,
                                                  gsize             *len,
                                                  GError           **error);
/* Keeps bytes from the current position on in the window until
 * attest_json_stream_release(); returns a mark for attest_json_stream_slice(). */
gsize             attest_json_stream_retain      (AttestJsonStream  *stream);
void              attest_json_stream_release     (AttestJsonStream  *stream);
gboolean          attest_json_stream_is_retaining (AttestJsonStream *stream);
const char       *attest_json_stream_slice       (AttestJsonStream  *stream,
                                                  gsize              mark,
                                                  gsize             *len);
guint64           attest_json_stream_line        (AttestJsonStream  *stream);
guint64           attest_json_stream_offset      (AttestJsonStream  *stream);
guint64           attest_json_stream_bytes_read  (AttestJsonStream  *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestJsonStream, attest_json_stream_free)

G_END_DECLS
