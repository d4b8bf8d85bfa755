/* attest-audit-view-private.h: test hooks of AttestAuditView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attest-audit-view.h"
#include "attest-event-list.h"

G_BEGIN_DECLS

AttestEventList *_attest_audit_view_get_events      (AttestAuditView *self);
void             _attest_audit_view_set_search_text (AttestAuditView *self,
                                                     const char      *text);
const char      *_attest_audit_view_get_count_text  (AttestAuditView *self);
void             _attest_audit_view_select          (AttestAuditView *self,
                                                     guint            position);
char            *_attest_audit_view_get_json_text   (AttestAuditView *self);

G_END_DECLS
