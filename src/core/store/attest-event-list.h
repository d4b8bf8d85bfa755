/* attest-event-list.h: a lazy GListModel of audit events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds only the id of every page's first row (one per 128 events) and the
 * pages currently wanted by the view; rows are fetched by keyset on demand,
 * so a million events cost no more memory than a screenful.
 */
#pragma once

#include <gio/gio.h>

#include "attest-event-query.h"

G_BEGIN_DECLS

#define ATTEST_TYPE_EVENT_LIST (attest_event_list_get_type ())
G_DECLARE_FINAL_TYPE (AttestEventList, attest_event_list, ATTEST, EVENT_LIST, GObject)

AttestEventList         *attest_event_list_new         (const char              *db_path);
/* The filter last asked for (the rows shown follow it once loading ends). */
const AttestEventFilter *attest_event_list_get_filter  (AttestEventList         *self);
/* Starts counting the matches in a worker thread; items-changed follows. */
void                     attest_event_list_set_filter  (AttestEventList         *self,
                                                        const AttestEventFilter *filter);
void                     attest_event_list_refresh     (AttestEventList         *self);
gboolean                 attest_event_list_get_loading (AttestEventList         *self);
gint64                   attest_event_list_get_count   (AttestEventList         *self);
/* The last problem counting or reading rows ("error" is notified). */
const GError            *attest_event_list_get_error   (AttestEventList         *self);

G_END_DECLS
