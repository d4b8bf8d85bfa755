/* attest-audit-view.c: every audit event, searchable, with its original JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GtkColumnView -> GtkSingleSelection -> AttestEventList, declared in the
 * template; the model is lazy and searches in SQL (FTS5), so a million
 * events cost a screenful of rows.
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "attest-audit-view.h"
#include "attest-audit-view-private.h"
#include "attest-event-list.h"
#include "attest-gui-utils.h"

struct _AttestAuditView
{
  GtkWidget           parent_instance;

  AttestStore        *store;
  AttestEventList    *events;
  char               *raw_json;         /* of the selected event, as stored */

  GtkSearchEntry     *search_entry;
  GtkSpinner         *spinner;
  GtkLabel           *count_label;
  GtkStack           *list_stack;
  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *error_page;
  GtkStack           *detail_stack;
  GtkLabel           *detail_title;
  GtkLabel           *time_value;
  GtkLabel           *status_value;
  GtkLabel           *caller_value;
  GtkLabel           *operation_value;
  GtkLabel           *level_value;
  GtkLabel           *category_value;
  GtkLabel           *kind_value;
  GtkLabel           *hub_value;
  GtkLabel           *target_value;
  GtkLabel           *resource_value;
  GtkLabel           *correlation_value;
  GtkLabel           *event_id_value;
  GtkTextView        *json_view;
};

G_DEFINE_FINAL_TYPE (AttestAuditView, attest_audit_view, GTK_TYPE_WIDGET)

/* ---- cell closures (called from the list item templates) ---- */

static char *
sanitize_cb (gpointer    item,
             const char *text)
{
  return attest_gui_sanitize (text, ATTEST_SANITIZE_DEFAULT);
}

static char *
format_time_cb (gpointer    item,
                const char *time)
{
  return attest_gui_format_time (time);
}

static char **
status_classes_cb (gpointer    item,
                   const char *status)
{
  char **classes = g_new0 (char *, 2);

  if (status != NULL && (g_ascii_strncasecmp (status, "fail", 4) == 0
                         || g_ascii_strcasecmp (status, "error") == 0))
    classes[0] = g_strdup ("error");
  return classes;
}

/* The hub (and target) when the event names one, else the last two
 * segments of its ARM resource id. */
static char *
resource_cell_cb (gpointer    item,
                  const char *hub,
                  const char *target,
                  const char *resource_id)
{
  g_autofree char *text = NULL;

  if (hub != NULL && *hub != '\0')
    {
      if (target != NULL && *target != '\0')
        text = g_strdup_printf ("%s · %s", hub, target);
      else
        text = g_strdup (hub);
    }
  else if (resource_id != NULL && *resource_id != '\0')
    {
      const char *end = resource_id + strlen (resource_id);
      const char *p = end;
      int slashes = 0;

      while (p > resource_id && *(p - 1) == '/')
        p--, end--;
      while (p > resource_id && slashes < 2)
        {
          p--;
          if (*p == '/')
            slashes++;
        }
      if (*p == '/')
        p++;
      text = g_strndup (p, end - p);
    }
  return attest_gui_sanitize (text, ATTEST_SANITIZE_DEFAULT);
}

/* ---- count, loading, errors ---- */

static gboolean
has_search (AttestAuditView *self)
{
  const AttestEventFilter *filter;

  if (self->events == NULL)
    return FALSE;
  filter = attest_event_list_get_filter (self->events);
  return filter->text != NULL && *filter->text != '\0';
}

static void
update_status (AttestAuditView *self)
{
  const GError *error;
  gboolean loading;
  gint64 count;
  g_autofree char *n = NULL;
  g_autofree char *text = NULL;

  if (self->events == NULL)
    return;

  loading = attest_event_list_get_loading (self->events);
  count = attest_event_list_get_count (self->events);
  error = attest_event_list_get_error (self->events);

  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  if (loading)
    {
      /* The rows on screen belong to the previous search until the count
       * is in: say so rather than show a stale number. */
      gtk_label_set_label (self->count_label, has_search (self) ? _("Searching…") : _("Counting…"));
      return;
    }

  if (error != NULL)
    {
      g_autofree char *safe = attest_gui_sanitize (error->message, ATTEST_SANITIZE_DEFAULT);
      g_autofree char *markup = g_markup_escape_text (safe, -1);

      adw_status_page_set_description (self->error_page, markup);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
      gtk_label_set_label (self->count_label, _("Search failed"));
      return;
    }

  n = attest_gui_format_count (count);
  if (has_search (self))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s match", "%s matches", (gulong) count), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", (gulong) count), n);
  gtk_label_set_label (self->count_label, text);

  if (count > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    {
      if (has_search (self))
        {
          adw_status_page_set_title (self->empty_page, _("No Matching Events"));
          adw_status_page_set_description (self->empty_page,
                                           _("Try other words, a prefix such as <tt>deploy*</tt>, "
                                             "or <tt>caller:</tt> to search one column."));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Audit Events"));
          adw_status_page_set_description (self->empty_page,
                                           _("Import activity logs or IoT Hub resource logs to see them here."));
        }
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
}

static void
events_notify_cb (AttestAuditView *self,
                  GParamSpec      *pspec,
                  AttestEventList *events)
{
  update_status (self);
}

/* ---- search ---- */

static void
apply_search (AttestAuditView *self,
              const char      *text)
{
  g_autoptr(AttestEventFilter) filter = NULL;

  if (self->events == NULL)
    return;
  filter = attest_event_filter_copy (attest_event_list_get_filter (self->events));
  g_free (filter->text);
  filter->text = (text != NULL && *text != '\0') ? g_strdup (text) : NULL;
  if (attest_event_filter_equal (filter, attest_event_list_get_filter (self->events)))
    return;
  attest_event_list_set_filter (self->events, filter);
}

static void
search_changed_cb (AttestAuditView *self,
                   GtkSearchEntry  *entry)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
stop_search_cb (AttestAuditView *self,
                GtkSearchEntry  *entry)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/* ---- detail pane ---- */

static void
set_field (GtkLabel   *label,
           const char *text)
{
  g_autofree char *safe = attest_gui_sanitize (text, ATTEST_SANITIZE_DEFAULT);

  gtk_label_set_label (label, *safe ? safe : "—");
}

static void
show_json (AttestAuditView *self,
           AttestEvent     *event)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *safe = NULL;

  g_clear_pointer (&self->raw_json, g_free);
  self->raw_json = attest_store_get_event_raw (self->store, attest_event_get_id (event), &error);
  if (self->raw_json == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The original JSON cannot be read: %s"),
                                                  error ? error->message : _("not found"));
      safe = attest_gui_sanitize (message, ATTEST_SANITIZE_DEFAULT);
      gtk_text_buffer_set_text (buffer, safe, -1);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.copy-json", FALSE);
      return;
    }
  pretty = attest_gui_pretty_json (self->raw_json);
  safe = attest_gui_sanitize (pretty, ATTEST_SANITIZE_KEEP_NEWLINES);
  gtk_text_buffer_set_text (buffer, safe, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.copy-json", TRUE);
}

static void
selection_changed_cb (AttestAuditView    *self,
                      GParamSpec         *pspec,
                      GtkSingleSelection *selection)
{
  AttestEvent *event = gtk_single_selection_get_selected_item (selection);

  if (event == NULL || self->store == NULL)
    {
      g_clear_pointer (&self->raw_json, g_free);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.copy-json", FALSE);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  set_field (self->detail_title, attest_event_get_operation (event));
  set_field (self->time_value, attest_event_get_time (event));
  set_field (self->status_value, attest_event_get_status (event));
  set_field (self->caller_value, attest_event_get_caller (event));
  set_field (self->operation_value, attest_event_get_operation (event));
  set_field (self->level_value, attest_event_get_level (event));
  set_field (self->category_value, attest_event_get_category (event));
  set_field (self->kind_value, attest_event_get_kind (event));
  set_field (self->hub_value, attest_event_get_hub (event));
  set_field (self->target_value, attest_event_get_target (event));
  set_field (self->resource_value, attest_event_get_resource_id (event));
  set_field (self->correlation_value, attest_event_get_correlation_id (event));
  set_field (self->event_id_value, attest_event_get_event_id (event));
  show_json (self, event);
  gtk_stack_set_visible_child_name (self->detail_stack, "event");
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  AttestAuditView *self = ATTEST_AUDIT_VIEW (widget);

  if (self->raw_json == NULL)
    return;
  /* The original bytes, not the indented copy on screen. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->raw_json);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  attest_audit_view_focus_search (ATTEST_AUDIT_VIEW (widget));
}

/* ---- GObject ---- */

static void
attest_audit_view_dispose (GObject *object)
{
  AttestAuditView *self = ATTEST_AUDIT_VIEW (object);
  GtkWidget *child;

  if (self->events)
    g_signal_handlers_disconnect_by_data (self->events, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATTEST_TYPE_AUDIT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->events);
  g_clear_pointer (&self->store, attest_store_unref);
  g_clear_pointer (&self->raw_json, g_free);
  G_OBJECT_CLASS (attest_audit_view_parent_class)->dispose (object);
}

static void
attest_audit_view_class_init (AttestAuditViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = attest_audit_view_dispose;

  g_type_ensure (ATTEST_TYPE_EVENT);
  g_type_ensure (ATTEST_TYPE_EVENT_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/edgeattest/Attest/views/attest-audit-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, spinner);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, count_label);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, column_view);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, selection);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, error_page);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, time_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, status_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, caller_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, operation_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, level_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, category_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, kind_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, hub_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, target_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, resource_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, correlation_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, event_id_value);
  gtk_widget_class_bind_template_child (widget_class, AttestAuditView, json_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sanitize_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_time_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_classes_cb);
  gtk_widget_class_bind_template_callback (widget_class, resource_cell_cb);

  gtk_widget_class_install_action (widget_class, "audit.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "audit.focus-search", NULL, focus_search_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
attest_audit_view_init (AttestAuditView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.copy-json", FALSE);
}

/**
 * attest_audit_view_set_store:
 * @self: an audit view
 * @store: the workspace; the view reads pages and raw JSON through it
 *
 * Starts counting the workspace's events in a worker thread.
 */
void
attest_audit_view_set_store (AttestAuditView *self,
                             AttestStore     *store)
{
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  const char *text;

  g_return_if_fail (ATTEST_IS_AUDIT_VIEW (self));
  g_return_if_fail (store != NULL);

  if (self->events)
    g_signal_handlers_disconnect_by_data (self->events, self);
  g_clear_object (&self->events);
  g_clear_pointer (&self->store, attest_store_unref);

  self->store = attest_store_ref (store);
  self->events = attest_event_list_new (attest_store_get_path (store));
  g_signal_connect_object (self->events, "notify::loading", G_CALLBACK (events_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->events, "notify::error", G_CALLBACK (events_notify_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->events, "notify::count", G_CALLBACK (events_notify_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->events));

  text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  filter->text = (text && *text) ? g_strdup (text) : NULL;
  attest_event_list_set_filter (self->events, filter);
}

/* Counts again, e.g. after an import. */
void
attest_audit_view_reload (AttestAuditView *self)
{
  g_return_if_fail (ATTEST_IS_AUDIT_VIEW (self));

  if (self->events)
    attest_event_list_refresh (self->events);
}

void
attest_audit_view_focus_search (AttestAuditView *self)
{
  g_return_if_fail (ATTEST_IS_AUDIT_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

AttestEventList *
_attest_audit_view_get_events (AttestAuditView *self)
{
  return self->events;
}

void
_attest_audit_view_set_search_text (AttestAuditView *self,
                                    const char      *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
}

const char *
_attest_audit_view_get_count_text (AttestAuditView *self)
{
  return gtk_label_get_label (self->count_label);
}

void
_attest_audit_view_select (AttestAuditView *self,
                           guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

char *
_attest_audit_view_get_json_text (AttestAuditView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
