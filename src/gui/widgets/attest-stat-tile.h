/* attest-stat-tile.h: one figure of the Overview (a number, what it counts, a caption)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATTEST_TYPE_STAT_TILE (attest_stat_tile_get_type ())
G_DECLARE_FINAL_TYPE (AttestStatTile, attest_stat_tile, ATTEST, STAT_TILE, GtkWidget)

const char *attest_stat_tile_get_title   (AttestStatTile *self);
void        attest_stat_tile_set_title   (AttestStatTile *self,
                                          const char     *title);
const char *attest_stat_tile_get_value   (AttestStatTile *self);
void        attest_stat_tile_set_value   (AttestStatTile *self,
                                          const char     *value);
const char *attest_stat_tile_get_caption (AttestStatTile *self);
void        attest_stat_tile_set_caption (AttestStatTile *self,
                                          const char     *caption);

G_END_DECLS
