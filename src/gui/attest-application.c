/* attest-application.c: the Attest desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   attest [--db PATH] [FILE…]
 *
 * opens the workspace PATH (default: attest_store_default_path()) in a
 * window, one window per workspace, and imports FILEs into it.
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "attest-application.h"
#include "attest-store.h"
#include "attest-window.h"

struct _AttestApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (AttestApplication, attest_application, ADW_TYPE_APPLICATION)

static AttestWindow *
find_window (AttestApplication *self,
             const char        *db_path)
{
  g_autoptr(GFile) wanted = g_file_new_for_path (db_path);
  GList *l;

  for (l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (ATTEST_IS_WINDOW (l->data))
        {
          g_autoptr(GFile) have = g_file_new_for_path (attest_window_get_db_path (l->data));

          if (g_file_equal (have, wanted))
            return l->data;
        }
    }
  return NULL;
}

static AttestWindow *
ensure_window (AttestApplication *self,
               const char        *db_path)
{
  g_autofree char *fallback = NULL;
  AttestWindow *window;

  if (db_path == NULL)
    {
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

      if (ATTEST_IS_WINDOW (active))
        return ATTEST_WINDOW (active);
      db_path = fallback = attest_store_default_path ();
    }
  window = find_window (self, db_path);
  if (window == NULL)
    window = attest_window_new (GTK_APPLICATION (self), db_path);
  return window;
}

static void
attest_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_window (ATTEST_APPLICATION (app), NULL)));
}

static void
attest_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  AttestWindow *window = ensure_window (ATTEST_APPLICATION (app), NULL);

  gtk_window_present (GTK_WINDOW (window));
  attest_window_import (window, files, (guint) n_files);
}

static int
attest_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  AttestApplication *self = ATTEST_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree char *db = NULL;
  g_autofree char *db_path = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  AttestWindow *window;
  guint i;

  g_variant_dict_lookup (options, "db", "^ay", &db);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^aay", &args);

  if (db != NULL && *db != '\0')
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, db);
      db_path = g_file_get_path (file);
    }
  else
    db_path = attest_store_default_path ();

  for (i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (files, g_application_command_line_create_file_for_arg (cmdline, args[i]));

  window = ensure_window (self, db_path);
  gtk_window_present (GTK_WINDOW (window));
  if (files->len > 0)
    attest_window_import (window, (GFile **) files->pdata, files->len);
  return EXIT_SUCCESS;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Closing (rather than destroying) lets each window save its size. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
  g_application_quit (app);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Attest"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Attest authors"),
                        "comments", _("Audit AI models running on Azure IoT Edge fleets: "
                                      "evidence, lineage, findings and signed evidence packs, offline."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static void
attest_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *import_accels[] = { "<Control>o", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *reload_accels[] = { "F5", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (attest_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.import", import_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.reload", reload_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", help_accels);
}

static void
attest_application_class_init (AttestApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = attest_application_activate;
  app_class->open = attest_application_open;
  app_class->command_line = attest_application_command_line;
  app_class->startup = attest_application_startup;
}

static void
attest_application_init (AttestApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Workspace to open (default: the one in your data folder)"), N_("PATH") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE…]") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  /* G_OPTION_REMAINING already prints "[FILE…]" in the usage line. */
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Audit evidence for AI models on Azure IoT Edge fleets.\n"
                                              "FILEs (Azure exports) are imported into the workspace."));
}

AttestApplication *
attest_application_new (void)
{
  return g_object_new (ATTEST_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/edgeattest/Attest",
                       NULL);
}
