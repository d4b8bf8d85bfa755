/* attest-overview-view.c: what the workspace holds, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "attest-gui-utils.h"
#include "attest-overview-view.h"
#include "attest-overview-view-private.h"
#include "attest-stat-tile.h"
#include "attest-time.h"

struct _AttestOverviewView
{
  GtkWidget               parent_instance;

  AttestWorkspaceSummary *summary;

  GtkStack               *stack;
  AdwStatusPage          *error_page;
  GtkFlowBox             *tiles;
  AttestStatTile         *events_tile;
  AttestStatTile         *hubs_tile;
  AttestStatTile         *devices_tile;
  AttestStatTile         *modules_tile;
  AttestStatTile         *twins_tile;
  AttestStatTile         *deployments_tile;
  AttestStatTile         *models_tile;
  AttestStatTile         *jobs_tile;
  AttestStatTile         *data_tile;
  AttestStatTile         *lineage_tile;
  AdwPreferencesGroup    *hubs_group;
  GtkListBox             *hubs_list;
  AdwPreferencesGroup    *imports_group;
  GtkListBox             *imports_list;
};

G_DEFINE_FINAL_TYPE (AttestOverviewView, attest_overview_view, GTK_TYPE_WIDGET)

static void
tiles_child_activated_cb (AttestOverviewView *self,
                          GtkFlowBoxChild    *child,
                          GtkFlowBox         *box)
{
  if (gtk_flow_box_child_get_child (child) == GTK_WIDGET (self->events_tile))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-view", "s", "audit");
}

static void
attest_overview_view_dispose (GObject *object)
{
  AttestOverviewView *self = ATTEST_OVERVIEW_VIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), ATTEST_TYPE_OVERVIEW_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->summary, attest_workspace_summary_unref);
  G_OBJECT_CLASS (attest_overview_view_parent_class)->dispose (object);
}

static void
attest_overview_view_class_init (AttestOverviewViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = attest_overview_view_dispose;

  g_type_ensure (ATTEST_TYPE_STAT_TILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/edgeattest/Attest/views/attest-overview-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, stack);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, error_page);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, tiles);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, events_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, hubs_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, devices_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, modules_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, twins_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, deployments_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, models_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, jobs_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, data_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, lineage_tile);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, hubs_group);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, hubs_list);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, imports_group);
  gtk_widget_class_bind_template_child (widget_class, AttestOverviewView, imports_list);
  gtk_widget_class_bind_template_callback (widget_class, tiles_child_activated_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
attest_overview_view_init (AttestOverviewView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_count (AttestStatTile *tile,
           gint64          count)
{
  g_autofree char *text = attest_gui_format_count (MAX (count, 0));

  attest_stat_tile_set_value (tile, text);
}

static char *
format_event_day (gint64 ticks)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ticks == ATTEST_TIME_NONE)
    return NULL;
  dt = attest_time_to_datetime (ticks);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : NULL;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle,
         const char *suffix)
{
  g_autofree char *safe_title = attest_gui_sanitize (title, ATTEST_SANITIZE_DEFAULT);
  g_autofree char *safe_subtitle = subtitle ? attest_gui_sanitize (subtitle, ATTEST_SANITIZE_DEFAULT) : NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (suffix);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), safe_title);
  if (safe_subtitle && *safe_subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), safe_subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  g_object_set_data (G_OBJECT (row), "attest-suffix-label", label);
  return row;
}

static void
update_hubs (AttestOverviewView *self)
{
  GPtrArray *hubs = self->summary->hubs;
  guint i;

  clear_list (self->hubs_list);
  for (i = 0; i < hubs->len; i++)
    {
      AttestHubSummary *hub = g_ptr_array_index (hubs, i);
      g_autofree char *count = attest_gui_format_count (hub->devices);
      g_autofree char *suffix = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s device", "%s devices",
                                                              (gulong) hub->devices),
                                                 count);
      g_autoptr(GString) subtitle = g_string_new (hub->location);
      GtkWidget *row;

      if (hub->edge_devices > 0)
        {
          g_autofree char *edge = attest_gui_format_count (hub->edge_devices);

          if (subtitle->len > 0)
            g_string_append (subtitle, " · ");
          g_string_append_printf (subtitle,
                                  g_dngettext (GETTEXT_PACKAGE, "%s IoT Edge device", "%s IoT Edge devices",
                                               (gulong) hub->edge_devices),
                                  edge);
        }
      row = new_row (hub->name, subtitle->str, suffix);

      g_object_set_data_full (G_OBJECT (row), "attest-hub", g_strdup (hub->name), g_free);
      gtk_list_box_append (self->hubs_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->hubs_group), hubs->len > 0);
}

static void
update_imports (AttestOverviewView *self)
{
  GPtrArray *imports = self->summary->recent_imports;
  g_autofree char *last = NULL;
  g_autofree char *description = NULL;
  guint i;

  clear_list (self->imports_list);
  for (i = 0; i < imports->len; i++)
    {
      AttestImportLogEntry *entry = g_ptr_array_index (imports, i);
      g_autofree char *when = attest_gui_format_ticks (entry->finished_at);
      g_autofree char *count = attest_gui_format_count (entry->new_records);
      g_autofree char *suffix = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s new record", "%s new records",
                                                              (gulong) entry->new_records),
                                                 count);
      g_autofree char *subtitle = entry->format ? g_strdup_printf ("%s · %s", when, entry->format)
                                                : g_strdup (when);

      gtk_list_box_append (self->imports_list, new_row (entry->name, subtitle, suffix));
    }

  last = attest_gui_format_ticks (self->summary->stats.last_import);
  /* Translators: %s is a date and time */
  description = g_strdup_printf (_("Last import %s"), last);
  adw_preferences_group_set_description (self->imports_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->imports_group), imports->len > 0);
}

static void
update_tiles (AttestOverviewView *self)
{
  const AttestStoreStats *s = &self->summary->stats;
  g_autofree char *first = format_event_day (s->first_event);
  g_autofree char *last = format_event_day (s->last_event);
  g_autofree char *caption = NULL;
  g_autofree char *n = NULL;

  set_count (self->events_tile, s->audit_events);
  if (first && last && !g_str_equal (first, last))
    /* Translators: the dates of the first and the last audit event */
    caption = g_strdup_printf (_("%s to %s"), first, last);
  else if (first)
    caption = g_strdup (first);
  else
    caption = NULL;
  attest_stat_tile_set_caption (self->events_tile, caption);
  g_clear_pointer (&caption, g_free);

  set_count (self->hubs_tile, s->hubs);
  set_count (self->devices_tile, s->devices);
  set_count (self->modules_tile, s->modules);
  set_count (self->twins_tile, s->twin_snapshots);

  set_count (self->deployments_tile, s->deployments);
  n = attest_gui_format_count (s->deployment_versions);
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s version", "%s versions",
                                          (gulong) s->deployment_versions),
                             n);
  attest_stat_tile_set_caption (self->deployments_tile, caption);
  g_clear_pointer (&caption, g_free);
  g_clear_pointer (&n, g_free);

  set_count (self->models_tile, s->model_versions);
  n = attest_gui_format_count (s->model_containers);
  caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "of %s model", "of %s models",
                                          (gulong) s->model_containers),
                             n);
  attest_stat_tile_set_caption (self->models_tile, caption);

  set_count (self->jobs_tile, s->jobs);
  set_count (self->data_tile, s->data_versions);
  set_count (self->lineage_tile, s->lineage_edges);
}

/**
 * attest_overview_view_set_summary:
 * @self: an overview
 * @summary: (nullable): figures read by attest_workspace_summary_load_async(),
 *   or %NULL while they load
 */
void
attest_overview_view_set_summary (AttestOverviewView     *self,
                                  AttestWorkspaceSummary *summary)
{
  g_return_if_fail (ATTEST_IS_OVERVIEW_VIEW (self));

  if (summary != NULL)
    attest_workspace_summary_ref (summary);
  g_clear_pointer (&self->summary, attest_workspace_summary_unref);
  self->summary = summary;

  if (summary == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }
  if (attest_workspace_summary_is_empty (summary))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  update_tiles (self);
  update_hubs (self);
  update_imports (self);
  gtk_stack_set_visible_child_name (self->stack, "summary");
}

void
attest_overview_view_set_error (AttestOverviewView *self,
                                const GError       *error)
{
  g_autofree char *safe = NULL;
  g_autofree char *markup = NULL;

  g_return_if_fail (ATTEST_IS_OVERVIEW_VIEW (self));
  g_return_if_fail (error != NULL);

  safe = attest_gui_sanitize (error->message, ATTEST_SANITIZE_DEFAULT);
  markup = g_markup_escape_text (safe, -1);
  adw_status_page_set_description (self->error_page, markup);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

const char *
_attest_overview_view_get_state (AttestOverviewView *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
_attest_overview_view_get_hub_devices (AttestOverviewView *self,
                                       const char         *hub)
{
  GtkWidget *row;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->hubs_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "attest-hub"), hub) == 0)
        return gtk_label_get_label (g_object_get_data (G_OBJECT (row), "attest-suffix-label"));
    }
  return NULL;
}
