/* attest-overview-view-private.h: test hooks of AttestOverviewView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attest-overview-view.h"

G_BEGIN_DECLS

/* "summary", "empty", "error" or "loading" */
const char *_attest_overview_view_get_state         (AttestOverviewView *self);
/* The text shown for @hub's device total, or NULL when @hub has no row. */
const char *_attest_overview_view_get_hub_devices   (AttestOverviewView *self,
                                                     const char         *hub);

G_END_DECLS
