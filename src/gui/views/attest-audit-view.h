/* attest-audit-view.h: every audit event, searchable, with its original JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_TYPE_AUDIT_VIEW (attest_audit_view_get_type ())
G_DECLARE_FINAL_TYPE (AttestAuditView, attest_audit_view, ATTEST, AUDIT_VIEW, GtkWidget)

void attest_audit_view_set_store     (AttestAuditView *self,
                                      AttestStore     *store);
void attest_audit_view_reload        (AttestAuditView *self);
void attest_audit_view_focus_search  (AttestAuditView *self);

G_END_DECLS
