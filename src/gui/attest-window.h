/* attest-window.h: one workspace in a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ATTEST_TYPE_WINDOW (attest_window_get_type ())
G_DECLARE_FINAL_TYPE (AttestWindow, attest_window, ATTEST, WINDOW, AdwApplicationWindow)

AttestWindow *attest_window_new          (GtkApplication *application,
                                          const char     *db_path);
const char   *attest_window_get_db_path  (AttestWindow   *self);
void          attest_window_import       (AttestWindow   *self,
                                          GFile         **files,
                                          guint           n_files);

G_END_DECLS
