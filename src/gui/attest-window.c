/* attest-window.c: one workspace in a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-audit-view.h"
#include "attest-gui-utils.h"
#include "attest-import-task.h"
#include "attest-overview-view.h"
#include "attest-window.h"
#include "attest-window-private.h"
#include "attest-workspace-summary.h"

/* Toast titles longer than this are cut; the full text is one click away. */
#define TOAST_TITLE_MAX_CHARS 90

struct _AttestWindow
{
  AdwApplicationWindow    parent_instance;

  char                   *db_path;
  AttestStore            *store;
  GSettings              *settings;
  GCancellable           *cancellable;          /* the window's lifetime */
  GCancellable           *import_cancellable;   /* the running import, if any */
  GtkNativeDialog        *chooser;
  AttestWorkspaceSummary *summary;
  guint                   summary_serial;
  gboolean                summary_loading;
  GPtrArray              *toast_titles;

  AdwToastOverlay        *toast_overlay;
  AdwLeaflet             *leaflet;
  GtkListBox             *sidebar;
  AdwWindowTitle         *content_title;
  GtkStack               *stack;
  AttestOverviewView     *overview_view;
  AttestAuditView        *audit_view;
  GtkRevealer            *import_revealer;
  GtkLabel               *import_title;
  GtkLabel               *import_detail;
  GtkProgressBar         *import_progress;
};

enum {
  PROP_0,
  PROP_DB_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AttestWindow, attest_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_disposed (AttestWindow *self)
{
  return self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable);
}

/* ---- toasts ---- */

static void
add_toast (AttestWindow *self,
           AdwToast     *toast)
{
  g_ptr_array_add (self->toast_titles, g_strdup (adw_toast_get_title (toast)));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_toast (AttestWindow *self,
            const char   *text)
{
  g_autofree char *safe = attest_gui_sanitize (text, ATTEST_SANITIZE_DEFAULT);
  g_autofree char *markup = g_markup_escape_text (safe, -1);

  add_toast (self, adw_toast_new (markup));
}

/* The core's message starts with the file's full path; the toast names it
 * by its display name, then the line, record and field. */
static char *
describe_import_error (const AttestImportReport *report)
{
  const char *message = report->error ? report->error : _("The import failed");

  if (report->path != NULL && g_str_has_prefix (message, report->path)
      && g_str_has_prefix (message + strlen (report->path), ": "))
    return g_strdup_printf ("%s: %s", report->file_name, message + strlen (report->path) + 2);
  if (report->file_name != NULL && !g_str_has_prefix (message, report->file_name))
    return g_strdup_printf ("%s: %s", report->file_name, message);
  return g_strdup (message);
}

static void
show_import_error (AttestWindow *self,
                   const char   *file_name,
                   const char   *message)
{
  g_autofree char *safe = attest_gui_sanitize (message, ATTEST_SANITIZE_DEFAULT);
  g_autofree char *markup = NULL;
  AdwToast *toast;

  if (g_utf8_strlen (safe, -1) > TOAST_TITLE_MAX_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (safe, 0, TOAST_TITLE_MAX_CHARS - 1);
      g_autofree char *shortened = g_strconcat (cut, "…", NULL);

      markup = g_markup_escape_text (shortened, -1);
      toast = adw_toast_new (markup);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-import-error");
      adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", file_name ? file_name : "", message));
    }
  else
    {
      markup = g_markup_escape_text (safe, -1);
      toast = adw_toast_new (markup);
    }
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  add_toast (self, toast);
}

static void
show_import_error_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  AttestWindow *self = ATTEST_WINDOW (widget);
  const char *file_name;
  const char *message;
  g_autofree char *safe_name = NULL;
  g_autofree char *safe_message = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_variant_get (param, "(&s&s)", &file_name, &message);
  safe_name = attest_gui_sanitize (file_name, ATTEST_SANITIZE_DEFAULT);
  safe_message = attest_gui_sanitize (message, ATTEST_SANITIZE_KEEP_NEWLINES);
  if (*safe_name != '\0')
    /* Translators: %s is a file name */
    heading = g_strdup_printf (_("Could Not Import “%s”"), safe_name);
  else
    heading = g_strdup (_("Could Not Import"));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, safe_message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- workspace summary (Overview) ---- */

typedef struct
{
  AttestWindow *self;
  guint         serial;
} SummaryLoad;

static void
summary_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SummaryLoad *load = user_data;
  g_autoptr(AttestWindow) self = load->self;
  g_autoptr(AttestWorkspaceSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  guint serial = load->serial;

  g_free (load);
  summary = attest_workspace_summary_load_finish (result, &error);
  if (is_disposed (self))
    return;
  if (serial != self->summary_serial)
    return;     /* a newer load is on its way */
  self->summary_loading = FALSE;
  if (summary == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Loading the workspace summary was cancelled");
          return;
        }
      attest_overview_view_set_error (self->overview_view, error);
      return;
    }
  g_clear_pointer (&self->summary, attest_workspace_summary_unref);
  self->summary = attest_workspace_summary_ref (summary);
  attest_overview_view_set_summary (self->overview_view, summary);
}

static void
reload_summary (AttestWindow *self)
{
  SummaryLoad *load;

  if (self->store == NULL)
    return;
  load = g_new0 (SummaryLoad, 1);
  load->self = g_object_ref (self);
  load->serial = ++self->summary_serial;
  self->summary_loading = TRUE;
  attest_workspace_summary_load_async (self->db_path, self->cancellable, summary_loaded_cb, load);
}

static void
reload_workspace (AttestWindow *self)
{
  reload_summary (self);
  if (self->store != NULL)
    attest_audit_view_reload (self->audit_view);
}

/* ---- importing ---- */

static void
set_importing (AttestWindow *self,
               gboolean      importing)
{
  gtk_revealer_set_reveal_child (self->import_revealer, importing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", !importing && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", importing);
  if (importing)
    {
      gtk_label_set_label (self->import_title, _("Preparing the import…"));
      gtk_label_set_label (self->import_detail, "");
      gtk_progress_bar_set_fraction (self->import_progress, 0.0);
    }
}

static void
import_progress_cb (const AttestImportProgress *progress,
                    gpointer                    user_data)
{
  AttestWindow *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *records = NULL;
  g_autofree char *detail = NULL;

  if (is_disposed (self) || self->import_cancellable == NULL)
    return;

  name = attest_gui_sanitize (progress->file_name, ATTEST_SANITIZE_DEFAULT);
  if (progress->n_files > 1)
    /* Translators: importing FILE (2 of 5) */
    title = g_strdup_printf (_("Importing %s (%u of %u)"), name, progress->file_index + 1, progress->n_files);
  else
    title = g_strdup_printf (_("Importing %s"), name);
  gtk_label_set_label (self->import_title, title);

  records = attest_gui_format_count (progress->records);
  if (progress->bytes_total > 0)
    {
      double fraction = CLAMP ((double) progress->bytes_done / (double) progress->bytes_total, 0.0, 1.0);

      gtk_progress_bar_set_fraction (self->import_progress, fraction);
      /* Translators: "42 % · 12,345 records" */
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d %% · %s record", "%d %% · %s records",
                                             (gulong) progress->records),
                                (int) (fraction * 100.0), records);
    }
  else
    {
      gtk_progress_bar_pulse (self->import_progress);
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records",
                                             (gulong) progress->records),
                                records);
    }
  gtk_label_set_label (self->import_detail, detail);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AttestWindow) self = user_data;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  const char *single_name = NULL;
  gint64 new_records = 0;
  gint64 duplicates = 0;
  guint n_ok = 0;
  guint i;

  reports = attest_import_files_finish (result, &error);
  if (is_disposed (self))
    return;

  g_clear_object (&self->import_cancellable);
  set_importing (self, FALSE);

  if (reports == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Import cancelled");
          show_toast (self, _("Import cancelled"));
        }
      else
        show_import_error (self, "", error->message);
      /* Files before the cancelled one are in. */
      reload_workspace (self);
      return;
    }

  for (i = 0; i < reports->len; i++)
    {
      AttestImportReport *report = g_ptr_array_index (reports, i);

      if (!report->ok)
        {
          g_autofree char *message = describe_import_error (report);

          show_import_error (self, report->file_name, message);
          continue;
        }
      n_ok++;
      single_name = report->file_name;
      new_records += report->result.counts.new_records;
      duplicates += report->result.counts.duplicates;
    }

  if (n_ok > 0)
    {
      g_autofree char *count = attest_gui_format_count (new_records);
      g_autofree char *text = NULL;

      if (n_ok == 1)
        /* Translators: "Imported 1,204 new records from activity.json" */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s new record from %s",
                                             "Imported %s new records from %s", (gulong) new_records),
                                count, single_name);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %s new record from %u files",
                                             "Imported %s new records from %u files", (gulong) new_records),
                                count, n_ok);
      if (new_records == 0 && duplicates > 0)
        {
          g_autofree char *dup = attest_gui_format_count (duplicates);
          g_autofree char *longer = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s already present)",
                                                                  "%s (%s already present)", (gulong) duplicates),
                                                     text, dup);
          show_toast (self, longer);
        }
      else
        show_toast (self, text);
    }
  reload_workspace (self);
}

void
_attest_window_import_files (AttestWindow  *self,
                             GFile        **files,
                             guint          n_files,
                             const char    *hub)
{
  AttestImportOptions options = { 0 };

  g_return_if_fail (ATTEST_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;
  if (self->store == NULL)
    {
      show_toast (self, _("The workspace cannot be opened, so nothing can be imported"));
      return;
    }
  if (self->import_cancellable != NULL)
    {
      show_toast (self, _("An import is already running; wait for it or cancel it first"));
      return;
    }

  options.hub = hub;
  self->import_cancellable = g_cancellable_new ();
  set_importing (self, TRUE);
  attest_import_files_async (self->db_path, files, n_files, &options,
                             import_progress_cb, g_object_ref (self), g_object_unref,
                             self->import_cancellable, import_done_cb, g_object_ref (self));
}

/**
 * attest_window_import:
 * @self: a window
 * @files: (array length=n_files): files to import
 * @n_files: how many
 *
 * Imports @files into the window's workspace in a worker thread, detecting
 * each file's hub from its content.
 */
void
attest_window_import (AttestWindow  *self,
                      GFile        **files,
                      guint          n_files)
{
  _attest_window_import_files (self, files, n_files, NULL);
}

static void
chooser_response_cb (AttestWindow    *self,
                     int              response,
                     GtkNativeDialog *chooser)
{
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  const char *choice;
  const char *hub = NULL;
  char **hubs;
  guint i;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  for (i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (files, g_list_model_get_item (list, i));

  choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "hub");
  hubs = g_object_get_data (G_OBJECT (chooser), "attest-hubs");
  if (choice != NULL && g_str_has_prefix (choice, "hub-") && hubs != NULL)
    {
      guint64 index = g_ascii_strtoull (choice + 4, NULL, 10);

      if (index < g_strv_length (hubs))
        hub = hubs[index];
    }
  _attest_window_import_files (self, (GFile **) files->pdata, files->len, hub);

out:
  if (self->chooser == chooser)
    {
      gtk_native_dialog_destroy (chooser);
      g_clear_object (&self->chooser);
    }
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *const *patterns,
            const char     *const *mime_types)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (; patterns && *patterns; patterns++)
    gtk_file_filter_add_pattern (filter, *patterns);
  for (; mime_types && *mime_types; mime_types++)
    gtk_file_filter_add_mime_type (filter, *mime_types);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  static const char *const all_patterns[] = { "*.json", "*.jsonl", "*.ndjson", "*.csv", NULL };
  static const char *const all_types[] = { "application/json", "application/x-ndjson", "text/csv", NULL };
  static const char *const json_patterns[] = { "*.json", "*.jsonl", "*.ndjson", NULL };
  static const char *const json_types[] = { "application/json", "application/x-ndjson", NULL };
  static const char *const csv_patterns[] = { "*.csv", NULL };
  static const char *const csv_types[] = { "text/csv", NULL };
  static const char *const any_patterns[] = { "*", NULL };
  AttestWindow *self = ATTEST_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (self->chooser);
      return;
    }

  native = gtk_file_chooser_native_new (_("Import Evidence"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native), _("Azure exports (JSON, JSON Lines, CSV)"), all_patterns, all_types);
  add_filter (GTK_FILE_CHOOSER (native), _("JSON and JSON Lines"), json_patterns, json_types);
  add_filter (GTK_FILE_CHOOSER (native), _("CSV (AzureActivity)"), csv_patterns, csv_types);
  add_filter (GTK_FILE_CHOOSER (native), _("All files"), any_patterns, NULL);

  /* Records that do not name their hub (e.g. twin query pages) need one. */
  g_ptr_array_add (ids, g_strdup ("detect"));
  g_ptr_array_add (labels, g_strdup (_("Detect from file")));
  if (self->summary != NULL)
    {
      guint i;

      for (i = 0; i < self->summary->hubs->len; i++)
        {
          AttestHubSummary *hub = g_ptr_array_index (self->summary->hubs, i);

          g_ptr_array_add (ids, g_strdup_printf ("hub-%u", i));
          g_ptr_array_add (labels, attest_gui_sanitize (hub->name, ATTEST_SANITIZE_DEFAULT));
          g_strv_builder_add (names, hub->name);
        }
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (labels, NULL);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "hub", _("Hub"),
                               (const char **) ids->pdata, (const char **) labels->pdata);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "hub", "detect");
  g_object_set_data_full (G_OBJECT (native), "attest-hubs", g_strv_builder_end (names),
                          (GDestroyNotify) g_strfreev);

  g_signal_connect_object (native, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  self->chooser = GTK_NATIVE_DIALOG (native);
  gtk_native_dialog_show (self->chooser);
}

static void
cancel_import_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  AttestWindow *self = ATTEST_WINDOW (widget);

  if (self->import_cancellable != NULL)
    {
      gtk_label_set_label (self->import_title, _("Cancelling…"));
      g_cancellable_cancel (self->import_cancellable);
    }
}

static gboolean
drop_cb (AttestWindow  *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  for (list = gdk_file_list_get_files (g_value_get_boxed (value)); list != NULL; list = list->next)
    g_ptr_array_add (files, list->data);
  if (files->len == 0)
    return FALSE;
  _attest_window_import_files (self, (GFile **) files->pdata, files->len, NULL);
  return TRUE;
}

/* ---- views and navigation ---- */

static void
stack_visible_child_cb (AttestWindow *self,
                        GParamSpec   *pspec,
                        GtkStack     *stack)
{
  GtkWidget *child = gtk_stack_get_visible_child (stack);
  const char *name = gtk_stack_get_visible_child_name (stack);
  GtkWidget *row;

  if (child == NULL)
    return;
  adw_window_title_set_title (self->content_title,
                              gtk_stack_page_get_title (gtk_stack_get_page (stack, child)));
  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (GTK_IS_LIST_BOX_ROW (row) && g_strcmp0 (gtk_widget_get_name (row), name) == 0)
        {
          if (gtk_list_box_get_selected_row (self->sidebar) != GTK_LIST_BOX_ROW (row))
            gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));
          break;
        }
    }
}

static void
show_view (AttestWindow *self,
           const char   *name)
{
  if (gtk_stack_get_child_by_name (self->stack, name) == NULL)
    {
      g_warning ("No view named “%s”", name);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
sidebar_row_activated_cb (AttestWindow  *self,
                          GtkListBoxRow *row,
                          GtkListBox    *box)
{
  show_view (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  show_view (ATTEST_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  AttestWindow *self = ATTEST_WINDOW (widget);

  show_view (self, "audit");
  attest_audit_view_focus_search (self->audit_view);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  adw_leaflet_navigate (ATTEST_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  reload_workspace (ATTEST_WINDOW (widget));
}

/* ---- window state ---- */

static gboolean
attest_window_close_request (GtkWindow *window)
{
  AttestWindow *self = ATTEST_WINDOW (window);
  int width, height;

  if (self->settings != NULL)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set (self->settings, "window-size", "(ii)", width, height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (attest_window_parent_class)->close_request (window);
}

static void
restore_window_state (AttestWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  int width, height;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("The settings schema %s is not installed; the window size will not be remembered "
                 "(set GSETTINGS_SCHEMA_DIR when running from the build directory)", APP_ID);
      return;
    }
  self->settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
open_workspace (AttestWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (self->db_path);
  g_autofree char *display = g_filename_display_name (base);
  g_autofree char *safe = attest_gui_sanitize (display, ATTEST_SANITIZE_DEFAULT);

  adw_window_title_set_subtitle (self->content_title, safe);

  /* Creates the workspace (and migrates it) on first use, so that the
   * read-only connections of the views find a schema. */
  self->store = attest_store_open (self->db_path, ATTEST_STORE_OPEN_DEFAULT, &error);
  if (self->store == NULL)
    {
      attest_overview_view_set_error (self->overview_view, error);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", FALSE);
      return;
    }
  attest_audit_view_set_store (self->audit_view, self->store);
  reload_summary (self);
}

/* ---- GObject ---- */

static void
attest_window_constructed (GObject *object)
{
  AttestWindow *self = ATTEST_WINDOW (object);

  G_OBJECT_CLASS (attest_window_parent_class)->constructed (object);

  if (self->db_path == NULL)
    self->db_path = attest_store_default_path ();
  restore_window_state (self);
  open_workspace (self);
}

static void
attest_window_dispose (GObject *object)
{
  AttestWindow *self = ATTEST_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATTEST_TYPE_WINDOW);

  g_clear_object (&self->import_cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->summary, attest_workspace_summary_unref);
  g_clear_pointer (&self->store, attest_store_unref);

  G_OBJECT_CLASS (attest_window_parent_class)->dispose (object);
}

static void
attest_window_finalize (GObject *object)
{
  AttestWindow *self = ATTEST_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->toast_titles, g_ptr_array_unref);
  g_free (self->db_path);

  G_OBJECT_CLASS (attest_window_parent_class)->finalize (object);
}

static void
attest_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AttestWindow *self = ATTEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attest_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AttestWindow *self = ATTEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_free (self->db_path);
      self->db_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attest_window_class_init (AttestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = attest_window_constructed;
  object_class->dispose = attest_window_dispose;
  object_class->finalize = attest_window_finalize;
  object_class->get_property = attest_window_get_property;
  object_class->set_property = attest_window_set_property;
  window_class->close_request = attest_window_close_request;

  /**
   * AttestWindow:db-path:
   *
   * The workspace file; %NULL for attest_store_default_path().
   */
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ATTEST_TYPE_OVERVIEW_VIEW);
  g_type_ensure (ATTEST_TYPE_AUDIT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/edgeattest/Attest/attest-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, overview_view);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, audit_view);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, import_title);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, import_detail);
  gtk_widget_class_bind_template_child (widget_class, AttestWindow, import_progress);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_cb);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-import", NULL, cancel_import_action);
  gtk_widget_class_install_action (widget_class, "win.show-import-error", "(ss)", show_import_error_action);
  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static void
attest_window_init (AttestWindow *self)
{
  GtkDropTarget *target;

  self->cancellable = g_cancellable_new ();
  self->toast_titles = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", FALSE);
  stack_visible_child_cb (self, NULL, self->stack);
}

AttestWindow *
attest_window_new (GtkApplication *application,
                   const char     *db_path)
{
  return g_object_new (ATTEST_TYPE_WINDOW,
                       "application", application,
                       "db-path", db_path,
                       NULL);
}

const char *
attest_window_get_db_path (AttestWindow *self)
{
  g_return_val_if_fail (ATTEST_IS_WINDOW (self), NULL);
  return self->db_path;
}

gboolean
_attest_window_is_importing (AttestWindow *self)
{
  return self->import_cancellable != NULL;
}

gboolean
_attest_window_is_loading_summary (AttestWindow *self)
{
  return self->summary_loading;
}

GPtrArray *
_attest_window_get_toast_titles (AttestWindow *self)
{
  return self->toast_titles;
}

const char *
_attest_window_get_visible_view (AttestWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

AttestOverviewView *
_attest_window_get_overview (AttestWindow *self)
{
  return self->overview_view;
}

AttestAuditView *
_attest_window_get_audit_view (AttestWindow *self)
{
  return self->audit_view;
}
