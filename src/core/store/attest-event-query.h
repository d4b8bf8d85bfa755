/* attest-event-query.h: reading audit events (search, filters, keyset pages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attest-store.h"

G_BEGIN_DECLS

/* ---- row ids ---- */

/* audit_events.id is the event time in milliseconds * 64 plus a counter
 * for events in the same millisecond (floored towards the past): */
gint64       attest_event_id_first          (gint64 ticks);  /* lowest id of that millisecond */
gint64       attest_event_id_last           (gint64 ticks);  /* highest id of that millisecond */
gint64       attest_event_id_time           (gint64 id);     /* the millisecond, as ticks */

/* ---- one event ---- */

#define ATTEST_TYPE_EVENT (attest_event_get_type ())
G_DECLARE_FINAL_TYPE (AttestEvent, attest_event, ATTEST, EVENT, GObject)

gint64       attest_event_get_id            (AttestEvent *self);
const char  *attest_event_get_event_id      (AttestEvent *self);
const char  *attest_event_get_time          (AttestEvent *self);
const char  *attest_event_get_kind          (AttestEvent *self);
const char  *attest_event_get_category      (AttestEvent *self);
const char  *attest_event_get_caller        (AttestEvent *self);
const char  *attest_event_get_operation     (AttestEvent *self);
const char  *attest_event_get_status        (AttestEvent *self);
const char  *attest_event_get_level         (AttestEvent *self);
const char  *attest_event_get_resource_id   (AttestEvent *self);
const char  *attest_event_get_hub           (AttestEvent *self);
const char  *attest_event_get_target        (AttestEvent *self);
const char  *attest_event_get_correlation_id (AttestEvent *self);

/* ---- filters ---- */

typedef struct
{
  char   *text;        /* search words; see attest_fts_expression() */
  gint64  since;       /* ticks, ATTEST_TIME_NONE for open */
  gint64  until;       /* ticks, inclusive */
  char   *caller;      /* words the caller must contain */
  char   *operation;   /* words the operation must contain */
  char   *status;      /* exact, case-insensitive */
  char   *hub;         /* exact, case-insensitive */
} AttestEventFilter;

AttestEventFilter *attest_event_filter_new   (void);
AttestEventFilter *attest_event_filter_copy  (const AttestEventFilter *filter);
void               attest_event_filter_free  (AttestEventFilter       *filter);
gboolean           attest_event_filter_equal (const AttestEventFilter *a,
                                              const AttestEventFilter *b);

/* Turns what a person types into a valid FTS5 expression: words and
 * "quoted phrases" become phrases, AND/OR/NOT stay operators where they
 * can be, word* is a prefix search, caller:/operation: limit a term to a
 * column.  Never produces an FTS5 syntax error.  NULL for an empty query. */
char              *attest_fts_expression     (const char *text);
/* 8-4-4-4-12 hex digits.  The search text holds GUIDs as one token (their
 * hex digits, lower-case); attest_fts_expression() matches both forms. */
gboolean           attest_text_is_guid       (const char *s,
                                              gsize       len);

/* Newest first, at most @limit events with id <= @max_id (G_MAXINT64 for
 * the newest). */
GPtrArray         *attest_store_query_events (AttestStore             *store,
                                              const AttestEventFilter *filter,
                                              gint64                   max_id,
                                              guint                    limit,
                                              GError                 **error);
/* Counts the matches and records the id of every @stride-th one (the first
 * of each page), newest first. */
gboolean           attest_store_scan_events  (AttestStore             *store,
                                              const AttestEventFilter *filter,
                                              guint                    stride,
                                              GArray                  *anchors,
                                              gint64                  *count,
                                              GCancellable            *cancellable,
                                              GError                 **error);
/* The original JSON of one event, or NULL. */
char              *attest_store_get_event_raw (AttestStore            *store,
                                               gint64                  id,
                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestEventFilter, attest_event_filter_free)

G_END_DECLS
