/* test-window.c: the main window on a real workspace (Overview, Audit log, import)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <locale.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "attest-audit-view-private.h"
#include "attest-event-list.h"
#include "attest-gui-utils.h"
#include "attest-importer.h"
#include "attest-overview-view-private.h"
#include "attest-resources.h"
#include "attest-stat-tile.h"
#include "attest-window-private.h"

#define N_EVENTS      300
#define SOLO_CALLER   "solo.auditor@contoso.com"
#define N_SOLO        7          /* i % 47 == 3 for i < 300: 3, 50, …, 285 */
#define RTL_EVENT     100        /* its caller holds U+202E (RIGHT-TO-LEFT OVERRIDE) */

/* ---- main-loop pumping with a cap, so that a hang fails fast ---- */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

#define PUMP_UNTIL(cond)                                                  \
  G_STMT_START {                                                          \
    guint pump_tick_ = g_timeout_add (10, tick_cb, NULL);                 \
    guint pump_i_;                                                        \
    for (pump_i_ = 0; !(cond) && pump_i_ < 3000; pump_i_++)               \
      g_main_context_iteration (NULL, TRUE);                              \
    g_source_remove (pump_tick_);                                         \
    if (!(cond))                                                          \
      g_error ("Timed out waiting for: %s", #cond);                       \
  } G_STMT_END

static void
pump_idle (void)
{
  guint i;

  for (i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* G_TEST_OPTION_ISOLATE_DIRS points the XDG dirs at empty folders for each
 * test.  The user dirs should be isolated; the system's read-only data
 * should not: without the shared MIME database gdk-pixbuf cannot tell an
 * SVG icon from anything else, and without GTK's schemas the file chooser
 * aborts.  So the MIME lookup gets the system dirs back, and GSettings
 * gets their schema folders through GSETTINGS_SCHEMA_DIR. */
static char *system_data_dirs;

static void
keep_system_data (void)
{
  const char *env = g_getenv ("XDG_DATA_DIRS");
  g_autoptr(GStrvBuilder) schema_dirs = g_strv_builder_new ();
  g_auto(GStrv) dirs = NULL;
  g_auto(GStrv) joined = NULL;
  g_autofree char *value = NULL;
  guint i;

  system_data_dirs = g_strdup (env && *env ? env : "/usr/local/share:/usr/share");
  if (g_getenv ("GSETTINGS_SCHEMA_DIR"))
    g_strv_builder_add (schema_dirs, g_getenv ("GSETTINGS_SCHEMA_DIR"));
  dirs = g_strsplit (system_data_dirs, G_SEARCHPATH_SEPARATOR_S, -1);
  for (i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *schemas = g_build_filename (dirs[i], "glib-2.0", "schemas", NULL);

      if (*dirs[i])
        g_strv_builder_add (schema_dirs, schemas);
    }
  joined = g_strv_builder_end (schema_dirs);
  value = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, joined);
  g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
}

static void
use_system_data_dirs (void)
{
  g_setenv ("XDG_DATA_DIRS", system_data_dirs, TRUE);
}

/* ---- a workspace made with the core API ---- */

typedef struct
{
  char *dir;
  char *db_path;
} Workspace;

static void
event_id_for (guint i,
              char  buf[40])
{
  g_snprintf (buf, 40, "0000%04u-aaaa-4bbb-8ccc-%012u", i, i * 7919);
}

static const char *
caller_for (guint i)
{
  static char buf[64];

  if (i % 47 == 3)
    return SOLO_CALLER;
  if (i == RTL_EVENT)
    return "mallory\\u202emoc.live@contoso.com";   /* JSON escape */
  g_snprintf (buf, sizeof buf, "user%02u@contoso.com", i % 20);
  return buf;
}

/* JSON Lines of activity-log events shaped like
 * fixtures/azure/activitylog-event-administrative.json. */
static void
write_events (const char *path,
              guint       first,
              guint       n)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = first; i < first + n; i++)
    {
      char id[40];
      const char *op = (i % 3 == 0) ? "Microsoft.Devices/IotHubs/configurations/write"
                                    : "Microsoft.Devices/IotHubs/write";

      event_id_for (i, id);
      g_string_append_printf (out,
        "{\"authorization\": {\"action\": \"%s\", \"scope\": \"/subscriptions/0000/resourcegroups/rg-fleet/providers/Microsoft.Devices/IotHubs/hub-a\"},"
        " \"caller\": \"%s\", \"channels\": \"Operation\","
        " \"correlationId\": \"cccc%04u-bb11-2222-33cc-444444dddddd\","
        " \"eventDataId\": \"%s\","
        " \"eventName\": {\"value\": \"EndRequest\", \"localizedValue\": \"End request\"},"
        " \"category\": {\"value\": \"Administrative\", \"localizedValue\": \"Administrative\"},"
        " \"eventTimestamp\": \"2024-03-01T%02u:%02u:00.%07uZ\","
        " \"id\": \"/subscriptions/0000/resourcegroups/rg-fleet/providers/Microsoft.Devices/IotHubs/hub-a/events/%s/ticks/1\","
        " \"level\": \"Informational\", \"operationId\": \"op-%u\","
        " \"operationName\": {\"value\": \"%s\", \"localizedValue\": \"%s\"},"
        " \"resourceGroupName\": \"rg-fleet\","
        " \"resourceProviderName\": {\"value\": \"Microsoft.Devices\", \"localizedValue\": \"Microsoft.Devices\"},"
        " \"resourceType\": {\"value\": \"Microsoft.Devices/IotHubs\", \"localizedValue\": \"Microsoft.Devices/IotHubs\"},"
        " \"resourceId\": \"/subscriptions/0000/resourcegroups/rg-fleet/providers/Microsoft.Devices/IotHubs/hub-a\","
        " \"status\": {\"value\": \"%s\", \"localizedValue\": \"%s\"},"
        " \"subStatus\": {\"value\": \"\", \"localizedValue\": \"\"},"
        " \"submissionTimestamp\": \"2024-03-01T%02u:%02u:05.0000000Z\","
        " \"subscriptionId\": \"0000\","
        " \"properties\": {\"statusCode\": \"OK\", \"serviceRequestId\": \"req-%u\"},"
        " \"relatedEvents\": []}\n",
        op, caller_for (i), i, id, i / 60, i % 60, i, id, i, op, op,
        i % 10 == 9 ? "Failed" : "Succeeded", i % 10 == 9 ? "Failed" : "Succeeded",
        i / 60, i % 60, i);
    }
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
}

/* A twin query page (az iot hub query) that does not name its hub. */
static void
write_twins (const char *path,
             guint       n)
{
  g_autoptr(GString) out = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (out,
      "%s{\"deviceId\": \"edge-%02u\", \"etag\": \"AAAAAAAAAAE=\", \"version\": 3, \"status\": \"enabled\","
      " \"connectionState\": \"Connected\", \"lastActivityTime\": \"2024-01-02T10:00:00.0000000Z\","
      " \"authenticationType\": \"sas\", \"capabilities\": {\"iotEdge\": true},"
      " \"properties\": {\"desired\": {\"$metadata\": {\"$lastUpdated\": \"2024-01-02T10:00:00.0000000Z\"}, \"$version\": 2},"
      " \"reported\": {\"$metadata\": {\"$lastUpdated\": \"2024-01-02T10:00:00.0000000Z\"}, \"$version\": 5}}}",
      i ? ", " : "", i);
  g_string_append (out, "]");
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
}

static void
import_with_core (const char *db_path,
                  const char *file_path,
                  const char *hub)
{
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(GError) error = NULL;
  AttestImportOptions options = { 0 };
  AttestImportResult result = { 0 };

  options.hub = hub;
  store = attest_store_open (db_path, ATTEST_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  attest_import_file (store, file, &options, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  attest_import_result_clear (&result);
}

static void
workspace_init (Workspace *ws,
                gboolean   with_data)
{
  g_autoptr(GError) error = NULL;

  use_system_data_dirs ();
  ws->dir = g_dir_make_tmp ("attest-gui-XXXXXX", &error);
  g_assert_no_error (error);
  ws->db_path = g_build_filename (ws->dir, "workspace.db", NULL);
  if (with_data)
    {
      g_autofree char *events = g_build_filename (ws->dir, "events.jsonl", NULL);
      g_autofree char *twins = g_build_filename (ws->dir, "twins.json", NULL);

      write_events (events, 0, N_EVENTS);
      write_twins (twins, 3);
      import_with_core (ws->db_path, events, NULL);
      import_with_core (ws->db_path, twins, "hub-twins");
    }
}

static void
workspace_clear (Workspace *ws)
{
  g_autoptr(GDir) dir = g_dir_open (ws->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (ws->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (ws->dir);
  g_free (ws->dir);
  g_free (ws->db_path);
}

static AttestStoreStats
read_stats (const char *db_path)
{
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AttestStoreStats stats = { 0 };

  store = attest_store_open (db_path, ATTEST_STORE_OPEN_READONLY, &error);
  g_assert_no_error (error);
  attest_store_get_stats (store, &stats, &error);
  g_assert_no_error (error);
  return stats;
}

static AttestWindow *
open_window (const char *db_path)
{
  AttestWindow *window = attest_window_new (NULL, db_path);

  /* The test keeps its own reference, to check the window finalizes. */
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (AttestWindow *window)
{
  PUMP_UNTIL (!_attest_window_is_importing (window) && !_attest_window_is_loading_summary (window));
  gtk_window_destroy (GTK_WINDOW (window));
  pump_idle ();
  g_assert_finalize_object (window);
}

static const char *
tile_value (AttestOverviewView *overview,
            const char         *tile)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (overview), ATTEST_TYPE_OVERVIEW_VIEW, tile);

  g_assert_true (ATTEST_IS_STAT_TILE (child));
  return attest_stat_tile_get_value (ATTEST_STAT_TILE (child));
}

static const char *
detail_value (AttestAuditView *audit,
              const char      *field)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (audit), ATTEST_TYPE_AUDIT_VIEW, field);

  g_assert_true (GTK_IS_LABEL (child));
  return gtk_label_get_label (GTK_LABEL (child));
}

static gboolean
search_settled (AttestAuditView *audit,
                const char      *text)
{
  AttestEventList *events = _attest_audit_view_get_events (audit);
  const AttestEventFilter *filter = attest_event_list_get_filter (events);

  return g_strcmp0 (filter->text, text) == 0 && !attest_event_list_get_loading (events);
}

static char *
format_n (gint64 n)
{
  return attest_gui_format_count (n);
}

/* ---- tests ---- */

static void
test_overview_and_audit_log (void)
{
  Workspace ws;
  AttestWindow *window;
  AttestOverviewView *overview;
  AttestAuditView *audit;
  AttestEventList *events;
  AttestStoreStats stats;
  g_autofree char *expected_events = NULL;
  g_autofree char *expected_hubs = NULL;
  g_autofree char *expected_devices = NULL;
  g_autoptr(AttestEvent) first = NULL;
  g_autofree char *json = NULL;
  GObject *tile;
  char solo_id[40];

  workspace_init (&ws, TRUE);
  stats = read_stats (ws.db_path);
  g_assert_cmpint (stats.audit_events, ==, N_EVENTS);

  window = open_window (ws.db_path);
  overview = _attest_window_get_overview (window);
  audit = _attest_window_get_audit_view (window);
  g_assert_cmpstr (_attest_window_get_visible_view (window), ==, "overview");

  /* Overview: the counts of attest_store_get_stats() and per-hub totals. */
  PUMP_UNTIL (g_strcmp0 (_attest_overview_view_get_state (overview), "summary") == 0);
  expected_events = format_n (stats.audit_events);
  expected_hubs = format_n (stats.hubs);
  expected_devices = format_n (stats.devices);
  g_assert_cmpstr (tile_value (overview, "events_tile"), ==, expected_events);
  g_assert_cmpstr (tile_value (overview, "hubs_tile"), ==, expected_hubs);
  g_assert_cmpstr (tile_value (overview, "devices_tile"), ==, expected_devices);
  g_assert_cmpstr (_attest_overview_view_get_hub_devices (overview, "hub-twins"), ==, "3 devices");
  g_assert_cmpstr (_attest_overview_view_get_hub_devices (overview, "hub-a"), ==, "0 devices");
  g_assert_null (_attest_overview_view_get_hub_devices (overview, "no-such-hub"));

  /* The audit events tile opens the audit log. */
  tile = gtk_widget_get_template_child (GTK_WIDGET (overview), ATTEST_TYPE_OVERVIEW_VIEW, "events_tile");
  gtk_widget_activate (gtk_widget_get_parent (GTK_WIDGET (tile)));
  g_assert_cmpstr (_attest_window_get_visible_view (window), ==, "audit");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "overview");
  g_assert_cmpstr (_attest_window_get_visible_view (window), ==, "overview");

  /* Audit log: every event, newest first. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_cmpstr (_attest_window_get_visible_view (window), ==, "audit");
  events = _attest_audit_view_get_events (audit);
  g_assert_nonnull (events);
  PUMP_UNTIL (!attest_event_list_get_loading (events));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), ==, N_EVENTS);
  g_assert_cmpstr (_attest_audit_view_get_count_text (audit), ==, "300 events");

  /* Search: one caller, exactly N_SOLO events. */
  _attest_audit_view_set_search_text (audit, "solo.auditor");
  PUMP_UNTIL (search_settled (audit, "solo.auditor"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), ==, N_SOLO);
  g_assert_cmpstr (_attest_audit_view_get_count_text (audit), ==, "7 matches");
  first = g_list_model_get_item (G_LIST_MODEL (events), 0);
  g_assert_cmpstr (attest_event_get_caller (first), ==, SOLO_CALLER);
  event_id_for (285, solo_id);      /* the newest of them */
  g_assert_cmpstr (attest_event_get_event_id (first), ==, solo_id);

  /* Detail pane: fields and the original JSON. */
  _attest_audit_view_select (audit, 0);
  g_assert_cmpstr (detail_value (audit, "caller_value"), ==, SOLO_CALLER);
  g_assert_cmpstr (detail_value (audit, "event_id_value"), ==, solo_id);
  json = _attest_audit_view_get_json_text (audit);
  g_assert_nonnull (strstr (json, solo_id));
  g_assert_nonnull (strstr (json, "\n  \"caller\": \"" SOLO_CALLER "\""));
  g_clear_pointer (&json, g_free);

  /* A caller with a right-to-left override is shown escaped, not obeyed. */
  _attest_audit_view_set_search_text (audit, "mallory*");
  PUMP_UNTIL (search_settled (audit, "mallory*"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), ==, 1);
  _attest_audit_view_select (audit, 0);
  g_assert_cmpstr (detail_value (audit, "caller_value"), ==, "mallory\\u202Emoc.live@contoso.com");
  json = _attest_audit_view_get_json_text (audit);
  g_assert_null (g_utf8_strchr (json, -1, 0x202e));

  /* Nothing matches: an empty list, said in words. */
  _attest_audit_view_set_search_text (audit, "nobody-at-all");
  PUMP_UNTIL (search_settled (audit, "nobody-at-all"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), ==, 0);
  g_assert_cmpstr (_attest_audit_view_get_count_text (audit), ==, "0 matches");

  /* Escape clears the search. */
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (audit), ATTEST_TYPE_AUDIT_VIEW,
                                                        "search_entry"),
                         "stop-search");
  PUMP_UNTIL (search_settled (audit, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (events)), ==, N_EVENTS);

  close_window (window);
  workspace_clear (&ws);
}

static gboolean
has_toast_with (AttestWindow *window,
                const char   *a,
                const char   *b)
{
  GPtrArray *titles = _attest_window_get_toast_titles (window);
  guint i;

  for (i = 0; i < titles->len; i++)
    {
      const char *title = g_ptr_array_index (titles, i);

      if (strstr (title, a) != NULL && (b == NULL || strstr (title, b) != NULL))
        return TRUE;
    }
  return FALSE;
}

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
test_import (void)
{
  Workspace ws;
  AttestWindow *window;
  AttestOverviewView *overview;
  AttestAuditView *audit;
  AttestEventList *events;
  g_autofree char *bad_path = NULL;
  g_autofree char *good_path = NULL;
  g_autoptr(GFile) bad = NULL;
  g_autoptr(GFile) good = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *bad_contents = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *chooser;
  GFile *both[2];

  workspace_init (&ws, FALSE);
  window = open_window (ws.db_path);
  overview = _attest_window_get_overview (window);
  audit = _attest_window_get_audit_view (window);

  /* A new workspace says so, and offers to import. */
  PUMP_UNTIL (g_strcmp0 (_attest_overview_view_get_state (overview), "empty") == 0);

  /* win.import opens a file chooser offering "Detect from file" for the hub. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL);
  PUMP_UNTIL (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL);
  chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (chooser)));
  g_assert_cmpstr (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "hub"), ==, "detect");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  PUMP_UNTIL (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL);
  g_assert_false (_attest_window_is_importing (window));

  /* A bad file: the toast names the file and the line; nothing lands. */
  bad_path = g_build_filename (ws.dir, "bad-events.jsonl", NULL);
  write_events (bad_path, 0, 1);
  g_file_get_contents (bad_path, &contents, NULL, &error);
  g_assert_no_error (error);
  bad_contents = g_strconcat (contents,
                              "{\"eventDataId\": \"x2\", \"eventTimestamp\": \"yesterday\", \"caller\": \"a@b.c\","
                              " \"operationName\": {\"value\": \"op/write\"}, \"status\": {\"value\": \"Succeeded\"},"
                              " \"category\": {\"value\": \"Administrative\"}, \"level\": \"Informational\","
                              " \"resourceId\": \"/subscriptions/0/x\"}\n",
                              NULL);
  g_file_set_contents (bad_path, bad_contents, -1, &error);
  g_assert_no_error (error);
  bad = g_file_new_for_path (bad_path);

  _attest_window_import_files (window, &bad, 1, NULL);
  g_assert_true (_attest_window_is_importing (window));
  PUMP_UNTIL (!_attest_window_is_importing (window));
  g_assert_true (has_toast_with (window, "bad-events.jsonl", "line 2"));
  g_assert_false (has_toast_with (window, ws.dir, NULL));     /* the name, not the path */
  PUMP_UNTIL (!_attest_window_is_loading_summary (window));
  g_assert_cmpstr (_attest_overview_view_get_state (overview), ==, "empty");

  /* Its details open in a dialog (the toast button's action). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-import-error", "(ss)",
                              "bad-events.jsonl", "line 2 (record 2): field “eventTimestamp”");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "bad-events.jsonl"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "line 2"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A good file beside a bad one: one lands, the other is reported. */
  good_path = g_build_filename (ws.dir, "good.jsonl", NULL);
  write_events (good_path, 1000, 5);
  good = g_file_new_for_path (good_path);
  both[0] = good;
  both[1] = bad;
  _attest_window_import_files (window, both, 2, NULL);
  PUMP_UNTIL (!_attest_window_is_importing (window));
  g_assert_true (has_toast_with (window, "Imported 5 new records from good.jsonl", NULL));

  /* The Overview and the audit log follow. */
  PUMP_UNTIL (g_strcmp0 (_attest_overview_view_get_state (overview), "summary") == 0);
  g_assert_cmpstr (tile_value (overview, "events_tile"), ==, "5");
  events = _attest_audit_view_get_events (audit);
  PUMP_UNTIL (!attest_event_list_get_loading (events)
              && g_list_model_get_n_items (G_LIST_MODEL (events)) == 5);

  /* Importing it again adds nothing, and says so. */
  _attest_window_import_files (window, &good, 1, NULL);
  PUMP_UNTIL (!_attest_window_is_importing (window));
  g_assert_true (has_toast_with (window, "Imported 0 new records from good.jsonl", "5 already present"));

  close_window (window);
  workspace_clear (&ws);
}

static void
test_import_cancel (void)
{
  Workspace ws;
  AttestWindow *window;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  workspace_init (&ws, FALSE);
  path = g_build_filename (ws.dir, "many.jsonl", NULL);
  write_events (path, 0, 5000);
  file = g_file_new_for_path (path);

  window = open_window (ws.db_path);
  _attest_window_import_files (window, &file, 1, NULL);
  g_assert_true (_attest_window_is_importing (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-import", NULL);
  PUMP_UNTIL (!_attest_window_is_importing (window));
  /* Either the cancel landed in time or the import won the race; both
   * end in words, and the window can import again. */
  g_assert_true (has_toast_with (window, "Import cancelled", NULL)
                 || has_toast_with (window, "from many.jsonl", NULL));

  close_window (window);
  workspace_clear (&ws);
}

static void
test_unreadable_workspace (void)
{
  Workspace ws;
  AttestWindow *window;
  AttestOverviewView *overview;
  g_autoptr(GError) error = NULL;

  /* A file that is not SQLite: the Overview says so instead of crashing. */
  workspace_init (&ws, FALSE);
  g_file_set_contents (ws.db_path, "this is not a workspace, but it is long enough to be noticed "
                                   "by SQLite as something other than a database file header", -1, &error);
  g_assert_no_error (error);

  window = open_window (ws.db_path);
  overview = _attest_window_get_overview (window);
  g_assert_cmpstr (_attest_overview_view_get_state (overview), ==, "error");
  /* win.import is disabled: no file chooser opens. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL);
  pump_idle ();
  g_assert_null (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));

  close_window (window);
  workspace_clear (&ws);
}

int
main (int   argc,
      char *argv[])
{
  /* gtk_test_init() ignores its options in GTK 4.8 and g_test_init() may
   * only run once, so initialise the two halves here: isolated XDG dirs,
   * then GTK in the C locale. */
  keep_system_data ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "C.UTF-8");
  if (!gtk_init_check ())
    {
      g_printerr ("No display: skipping (run under xvfb-run)\n");
      return 77;
    }
  adw_init ();
  attest_register_resource ();

  g_test_add_func ("/gui/window/overview-and-audit-log", test_overview_and_audit_log);
  g_test_add_func ("/gui/window/import", test_import);
  g_test_add_func ("/gui/window/import-cancel", test_import_cancel);
  g_test_add_func ("/gui/window/unreadable-workspace", test_unreadable_workspace);

  return g_test_run ();
}
