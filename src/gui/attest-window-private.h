/* attest-window-private.h: test hooks of AttestWindow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attest-window.h"
#include "attest-audit-view.h"
#include "attest-overview-view.h"

G_BEGIN_DECLS

/* Imports @files with @hub (NULL: detect from each file), as the file
 * chooser and drag-and-drop do. */
void                _attest_window_import_files       (AttestWindow  *self,
                                                       GFile        **files,
                                                       guint          n_files,
                                                       const char    *hub);
gboolean            _attest_window_is_importing       (AttestWindow  *self);
gboolean            _attest_window_is_loading_summary (AttestWindow  *self);
/* Titles of the toasts shown so far, oldest first (never cleared). */
GPtrArray          *_attest_window_get_toast_titles   (AttestWindow  *self);
const char         *_attest_window_get_visible_view   (AttestWindow  *self);
AttestOverviewView *_attest_window_get_overview       (AttestWindow  *self);
AttestAuditView    *_attest_window_get_audit_view     (AttestWindow  *self);

G_END_DECLS
