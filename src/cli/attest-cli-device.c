/* attest-cli-device.c: attest-cli device ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-device-history.h"
#include "attest-records.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
print_json (const char *device_id,
            GPtrArray  *changes)
{
  g_autoptr(GString) out = g_string_new ("{\"device_id\":");
  guint i, j;

  json_string (out, device_id);
  g_string_append (out, ",\"changes\":[");
  for (i = 0; i < changes->len; i++)
    {
      AttestModelChange *c = g_ptr_array_index (changes, i);

      if (i)
        g_string_append_c (out, ',');
      g_string_append (out, "\n{\"hub\":");
      json_string (out, c->hub);
      g_string_append (out, ",\"module_id\":");
      json_string (out, c->module_id);
      g_string_append (out, ",\"via\":");
      json_string (out, c->via);
      g_string_append (out, ",\"from_name\":");
      json_string (out, c->from_name);
      g_string_append (out, ",\"from_version\":");
      json_string (out, c->from_version);
      g_string_append (out, ",\"to_name\":");
      json_string (out, c->to_name);
      g_string_append (out, ",\"to_version\":");
      json_string (out, c->to_version);
      g_string_append (out, ",\"at\":");
      json_time (out, c->at);
      g_string_append (out, ",\"observed_at\":");
      json_time (out, c->observed_at);
      g_string_append (out, ",\"snapshot_id\":");
      json_id (out, c->snapshot_id);
      g_string_append_printf (out, ",\"twin_version\":%" G_GINT64_FORMAT, c->twin_version);
      g_string_append (out, ",\"prev_at\":");
      json_time (out, c->prev_at);
      g_string_append (out, ",\"prev_snapshot_id\":");
      json_id (out, c->prev_snapshot_id);
      g_string_append (out, ",\"agent_snapshot_id\":");
      json_id (out, c->agent_snapshot_id);
      g_string_append (out, ",\"deployment\":");
      json_string (out, c->deployment);
      g_string_append (out, ",\"deployment_source\":");
      json_string (out, c->deployment_source);
      g_string_append (out, ",\"deployment_status\":");
      json_string (out, c->deployment_status);
      g_string_append (out, ",\"deployment_version_id\":");
      json_id (out, c->deployment_version_id);
      g_string_append (out, ",\"label_created_by\":");
      json_string (out, c->label_created_by);
      g_string_append (out, ",\"actors\":[");
      for (j = 0; c->actors[j]; j++)
        {
          if (j)
            g_string_append_c (out, ',');
          json_string (out, c->actors[j]);
        }
      g_string_append (out, "],\"events\":[");
      for (j = 0; j < c->events->len; j++)
        {
          AttestHistoryEvent *e = g_ptr_array_index (c->events, j);

          if (j)
            g_string_append_c (out, ',');
          g_string_append_printf (out, "{\"row_id\":%" G_GINT64_FORMAT ",\"event_id\":", e->row_id);
          json_string (out, e->event_id);
          g_string_append (out, ",\"time\":");
          json_time (out, e->at);
          g_string_append (out, ",\"role\":");
          json_string (out, e->role);
          g_string_append (out, ",\"kind\":");
          json_string (out, e->kind);
          g_string_append (out, ",\"operation\":");
          json_string (out, e->operation);
          g_string_append (out, ",\"caller\":");
          json_string (out, e->caller);
          g_string_append (out, ",\"status\":");
          json_string (out, e->status);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
  g_print ("%s\n", out->str);
}

static void
print_text (const char *device_id,
            GPtrArray  *changes)
{
  g_autofree char *dev = terminal_safe_or_dash (device_id);
  guint i, j;

  g_print (_("Model history of %s\n\n"), dev);
  g_print ("%-23s %-16s %-18s %-34s %s\n", _("TIME"), _("HUB"), _("MODULE"), _("CHANGE"), _("DEPLOYMENT / ACTORS"));
  for (i = 0; i < changes->len; i++)
    {
      AttestModelChange *c = g_ptr_array_index (changes, i);
      g_autofree char *at = human_time (c->at);
      g_autofree char *hub = terminal_safe_or_dash (c->hub);
      g_autofree char *mod = terminal_safe_or_dash (c->module_id);
      g_autofree char *from = c->from_version ? terminal_safe_or_dash (c->from_version) : NULL;
      g_autofree char *to_name = terminal_safe_or_dash (c->to_name);
      g_autofree char *to = terminal_safe_or_dash (c->to_version);
      g_autofree char *dep = terminal_safe_or_dash (c->deployment);
      g_autofree char *change = from ? g_strdup_printf ("%s %s -> %s", to_name, from, to)
                                     : g_strdup_printf ("%s %s (first seen)", to_name, to);
      g_autoptr(GString) who = g_string_new (dep);

      if (c->deployment_status)
        g_string_append_printf (who, " (%s)", c->deployment_status);
      for (j = 0; c->actors[j]; j++)
        {
          g_autofree char *a = terminal_safe (c->actors[j]);
          g_string_append_printf (who, "%s%s", j ? ", " : _("  by "), a);
        }
      if (c->label_created_by)
        {
          g_autofree char *a = terminal_safe (c->label_created_by);
          g_string_append_printf (who, _("  [labels.createdBy %s]"), a);
        }
      g_print ("%-23s %-16s %-18s %-34s %s\n", at, hub, mod, change, who->str);
    }
  if (changes->len == 0)
    g_printerr (_("No model reported by any module of this device.\n"));
}

int
cmd_device (int argc, char **argv)
{
  static char *hub;
  GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("Only the device of this IoT hub"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("device", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  g_option_context_set_description (ctx,
    _("Every change of model version on the device, per module, with the deployment\n"
      "that set it and the audit events around it (Configurations resource-log records\n"
      "of that deployment, and who accessed the hub just before)."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc != 2)
    return usage_error (ctx, _("give exactly one device id"));

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  changes = attest_device_history (store, argv[1], hub, &error);
  if (changes == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (argv[1], changes);
  else
    print_text (argv[1], changes);
  return EXIT_OK;
}
