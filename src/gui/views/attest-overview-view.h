/* attest-overview-view.h: what the workspace holds, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "attest-workspace-summary.h"

G_BEGIN_DECLS

#define ATTEST_TYPE_OVERVIEW_VIEW (attest_overview_view_get_type ())
G_DECLARE_FINAL_TYPE (AttestOverviewView, attest_overview_view, ATTEST, OVERVIEW_VIEW, GtkWidget)

void attest_overview_view_set_summary (AttestOverviewView     *self,
                                       AttestWorkspaceSummary *summary);
void attest_overview_view_set_error   (AttestOverviewView     *self,
                                       const GError           *error);

G_END_DECLS
