/* attest-screenshot.c: renders the window on a workspace to PNG files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   attest-screenshot DB OUTDIR [SEARCH [ROW]]
 *
 * Writes OUTDIR/overview.png and OUTDIR/audit-log.png (the audit log with
 * SEARCH typed and the first match selected).  A tool for looking at what
 * the GUI shows on real data (and, later, for the AppStream screenshots);
 * run it under Xvfb.  Not a test.
 */
#include "config.h"

#include <stdlib.h>
#include <adwaita.h>

#include "attest-application.h"
#include "attest-audit-view-private.h"
#include "attest-event-list.h"
#include "attest-resources.h"
#include "attest-window-private.h"

static void
pump (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
save (GtkWidget  *window,
      const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (window);
  int h = gtk_widget_get_height (window);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  return gdk_texture_save_to_png (texture, path);
}

int
main (int argc, char **argv)
{
  g_autofree char *overview = NULL;
  g_autofree char *audit = NULL;
  AttestWindow *window;
  AttestAuditView *view;
  AttestEventList *events;
  guint i;

  if (argc < 3)
    {
      g_printerr ("Usage: attest-screenshot DB OUTDIR [SEARCH]\n");
      return 2;
    }
  gtk_init ();
  adw_init ();
  attest_register_resource ();
  g_mkdir_with_parents (argv[2], 0755);
  overview = g_build_filename (argv[2], "overview.png", NULL);
  audit = g_build_filename (argv[2], "audit-log.png", NULL);

  window = g_object_new (ATTEST_TYPE_WINDOW, "db-path", argv[1],
                         "default-width", 1280, "default-height", 820, NULL);
  gtk_window_present (GTK_WINDOW (window));
  for (i = 0; i < 200 && _attest_window_is_loading_summary (window); i++)
    pump (50);
  pump (500);
  if (!save (GTK_WIDGET (window), overview))
    return 1;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "audit");
  view = _attest_window_get_audit_view (window);
  _attest_audit_view_set_search_text (view, argc > 3 ? argv[3] : "");
  pump (400);
  events = _attest_audit_view_get_events (view);
  for (i = 0; i < 400 && attest_event_list_get_loading (events); i++)
    pump (50);
  pump (300);
  _attest_audit_view_select (view, argc > 4 ? atoi (argv[4]) : 0);
  pump (1000);
  if (!save (GTK_WIDGET (window), audit))
    return 1;
  g_print ("%s\n%s\n", overview, audit);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
