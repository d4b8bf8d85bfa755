/* attest-gui-utils.h: small presentation helpers shared by the GUI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ATTEST_SANITIZE_DEFAULT       = 0,
  ATTEST_SANITIZE_KEEP_NEWLINES = 1 << 0,   /* keep \n and \t (multi-line text) */
} AttestSanitizeFlags;

char *attest_gui_sanitize        (const char          *text,
                                  AttestSanitizeFlags  flags);
char *attest_gui_format_count    (gint64               count);
char *attest_gui_format_time     (const char          *iso_time);
char *attest_gui_format_ticks    (gint64               ticks);
char *attest_gui_pretty_json     (const char          *json);

G_END_DECLS
