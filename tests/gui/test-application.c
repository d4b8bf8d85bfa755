/* test-application.c: `attest --db PATH`, app actions, accelerators, resources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "attest-application.h"
#include "attest-resources.h"
#include "attest-window.h"

typedef struct
{
  GApplication *app;
  char         *db_path;
  guint         timeout;
  gboolean      checked;
} Fixture;

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static void
assert_accel (GtkApplication *app,
              const char     *action,
              const char     *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, action);

  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char *const *) accels, accel));
}

static gboolean
check_cb (gpointer user_data)
{
  Fixture *f = user_data;
  GtkApplication *app = GTK_APPLICATION (f->app);
  GtkWindow *window = gtk_application_get_active_window (app);
  GtkWidget *about;

  if (window == NULL)
    return G_SOURCE_CONTINUE;

  /* The window opened the workspace named by --db. */
  g_assert_true (ATTEST_IS_WINDOW (window));
  g_assert_cmpstr (attest_window_get_db_path (ATTEST_WINDOW (window)), ==, f->db_path);
  g_assert_true (g_file_test (f->db_path, G_FILE_TEST_EXISTS));

  /* resource-base-path is explicit, so the shortcuts window loads. */
  g_assert_cmpstr (g_application_get_resource_base_path (f->app), ==, "/io/github/edgeattest/Attest");
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  assert_accel (app, "app.quit", "<Control>q");
  assert_accel (app, "win.import", "<Control>o");
  assert_accel (app, "win.search", "<Control>f");
  assert_accel (app, "win.show-help-overlay", "<Control>question");

  /* app.about shows an AdwAboutWindow. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  gtk_window_destroy (GTK_WINDOW (about));

  /* Ctrl+? */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  g_assert_nonnull (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));

  f->checked = TRUE;
  f->timeout = 0;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
test_command_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attest-app-XXXXXX", &error);
  g_autoptr(AttestApplication) app = NULL;
  Fixture f = { 0 };
  char *argv[4];
  int status;

  g_assert_no_error (error);
  f.db_path = g_build_filename (dir, "workspace.db", NULL);

  app = attest_application_new ();
  /* Another attest running on the test bus must not answer for us. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  f.app = G_APPLICATION (app);
  argv[0] = (char *) "attest";
  argv[1] = (char *) "--db";
  argv[2] = f.db_path;
  argv[3] = NULL;

  f.timeout = g_timeout_add (50, check_cb, &f);
  status = g_application_run (G_APPLICATION (app), 3, argv);
  g_clear_handle_id (&f.timeout, g_source_remove);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (f.checked);

  {
    g_autofree char *wal = g_strconcat (f.db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (f.db_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (f.db_path);
    g_rmdir (dir);
  }
  g_free (f.db_path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "C.UTF-8");
  if (!gtk_init_check ())
    {
      g_printerr ("No display: skipping (run under xvfb-run)\n");
      return 77;
    }
  attest_register_resource ();

  g_test_add_func ("/gui/application/command-line", test_command_line);

  return g_test_run ();
}
