/* attest-cli-fleet.c: attest-cli fleet --at TIME
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-fleet.h"
#include "attest-records.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
json_strv (GString            *out,
           const char *const  *v)
{
  guint i;

  g_string_append_c (out, '[');
  for (i = 0; v && v[i]; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      json_string (out, v[i]);
    }
  g_string_append_c (out, ']');
}

static const char *
sync_name (AttestFleetSync sync)
{
  switch (sync)
    {
    case ATTEST_FLEET_SYNC_MATCH:
      return "match";
    case ATTEST_FLEET_SYNC_DRIFT:
      return "drift";
    case ATTEST_FLEET_SYNC_UNKNOWN:
    default:
      return "unknown";
    }
}

static void
print_json (GPtrArray *devices,
            gint64     at)
{
  g_autoptr(GString) out = g_string_new ("{\"at\":");
  guint i, j;

  json_time (out, at);
  g_string_append (out, ",\"devices\":[");
  for (i = 0; i < devices->len; i++)
    {
      AttestFleetDevice *d = g_ptr_array_index (devices, i);

      if (i)
        g_string_append_c (out, ',');
      g_string_append (out, "\n{\"hub\":");
      json_string (out, d->hub);
      g_string_append (out, ",\"hub_location\":");
      json_string (out, d->hub_location);
      g_string_append (out, ",\"device_id\":");
      json_string (out, d->device_id);
      g_string_append (out, ",\"region\":");
      json_string (out, d->region);
      g_string_append (out, ",\"device_snapshot_id\":");
      json_id (out, d->device_snapshot_id);
      g_string_append_printf (out, ",\"device_undated\":%s", d->device_undated ? "true" : "false");
      g_string_append (out, ",\"auth_type\":");
      json_string (out, d->auth_type);
      g_string_append (out, ",\"status\":");
      json_string (out, d->status);
      g_string_append (out, ",\"connection_state\":");
      json_string (out, d->connection_state);
      g_string_append (out, ",\"last_activity\":");
      json_time (out, d->last_activity);
      g_string_append (out, ",\"agent_snapshot_id\":");
      json_id (out, d->agent_snapshot_id);
      g_string_append_printf (out, ",\"agent_undated\":%s", d->agent_undated ? "true" : "false");
      g_string_append (out, ",\"edge_runtime\":");
      json_string (out, d->edge_runtime);
      g_string_append (out, ",\"configurations_applied\":");
      json_strv (out, (const char *const *) d->applied);
      g_string_append (out, ",\"configurations_targeted\":");
      json_strv (out, (const char *const *) d->targeted);
      g_string_append (out, ",\"modules\":[");
      for (j = 0; j < d->modules->len; j++)
        {
          AttestFleetModule *m = g_ptr_array_index (d->modules, j);

          if (j)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"module_id\":");
          json_string (out, m->module_id);
          g_string_append (out, ",\"model_name\":");
          json_string (out, m->model_name);
          g_string_append (out, ",\"model_version\":");
          json_string (out, m->model_version);
          g_string_append (out, ",\"via\":");
          json_string (out, m->via);
          g_string_append (out, ",\"snapshot_id\":");
          json_id (out, m->snapshot_id);
          g_string_append (out, ",\"twin_version\":");
          if (m->twin_version < 0)
            g_string_append (out, "null");
          else
            g_string_append_printf (out, "%" G_GINT64_FORMAT, m->twin_version);
          g_string_append (out, ",\"snapshot_at\":");
          json_time (out, m->snapshot_at);
          g_string_append_printf (out, ",\"undated\":%s", m->undated ? "true" : "false");
          g_string_append (out, ",\"since\":");
          json_time (out, m->since);
          g_string_append (out, ",\"since_snapshot_id\":");
          json_id (out, m->since_snapshot_id);
          g_string_append (out, ",\"desired_name\":");
          json_string (out, m->desired_name);
          g_string_append (out, ",\"desired_version\":");
          json_string (out, m->desired_version);
          g_string_append (out, ",\"sync\":");
          json_string (out, sync_name (m->sync));
          g_string_append (out, ",\"desired_image\":");
          json_string (out, m->desired_image);
          g_string_append (out, ",\"running_image\":");
          json_string (out, m->running_image);
          g_string_append (out, ",\"runtime_status\":");
          json_string (out, m->runtime_status);
          g_string_append_printf (out, ",\"agent_lists\":%s", m->agent_lists ? "true" : "false");
          g_string_append (out, ",\"agent_snapshot_id\":");
          json_id (out, m->agent_snapshot_id);
          g_string_append (out, ",\"deployment\":");
          json_string (out, m->deployment);
          g_string_append (out, ",\"deployment_status\":");
          json_string (out, m->deployment_status);
          g_string_append (out, ",\"deployment_version_id\":");
          json_id (out, m->deployment_version_id);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
  g_print ("%s\n", out->str);
}

static void
print_text (GPtrArray *devices,
            gint64     at)
{
  g_autofree char *at_s = human_time (at);
  guint i, j, n_modules = 0, n_undated = 0;

  g_print (_("Fleet at %s\n\n"), at_s);
  g_print ("%-16s %-16s %-18s %-26s %-23s %-9s %-36s %-12s\n",
           _("HUB"), _("DEVICE"), _("MODULE"), _("MODEL"), _("SINCE"), _("DESIRED"),
           _("DEPLOYMENT"), _("CONNECTION"));
  for (i = 0; i < devices->len; i++)
    {
      AttestFleetDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *hub = terminal_safe_or_dash (d->hub);
      g_autofree char *dev = terminal_safe_or_dash (d->device_id);
      g_autofree char *conn = terminal_safe_or_dash (d->connection_state);

      if (d->modules->len == 0)
        g_print ("%-16s %-16s %-18s %-26s %-23s %-9s %-36s %-12s\n", hub, dev, "-", "-", "-", "-", "-", conn);
      for (j = 0; j < d->modules->len; j++)
        {
          AttestFleetModule *m = g_ptr_array_index (d->modules, j);
          g_autofree char *mod = terminal_safe_or_dash (m->module_id);
          g_autofree char *model = NULL;
          g_autofree char *since = human_time (m->since);
          g_autofree char *desired = NULL;
          g_autofree char *deployment = NULL;
          g_autofree char *name = terminal_safe_or_dash (m->model_name);
          g_autofree char *version = terminal_safe_or_dash (m->model_version);
          g_autofree char *dver = terminal_safe_or_dash (m->desired_version);
          g_autofree char *dep = terminal_safe_or_dash (m->deployment);

          model = g_strdup_printf ("%s:%s%s", name, version,
                                   m->via == NULL ? "" : m->undated ? " (undated)"
                                   : g_str_equal (m->via, "image") ? " (image)" : "");
          desired = g_strdup_printf ("%s%s", dver, m->sync == ATTEST_FLEET_SYNC_DRIFT ? "!" : "");
          deployment = m->deployment_status
                       ? g_strdup_printf ("%s (%s)", dep, m->deployment_status)
                       : g_strdup (dep);
          if (m->via == NULL)
            {
              g_free (model);
              model = g_strdup ("-");
            }
          g_print ("%-16s %-16s %-18s %-26s %-23s %-9s %-36s %-12s\n",
                   hub, dev, mod, model, since, desired, deployment, conn);
          n_modules++;
          if (m->undated)
            n_undated++;
        }
    }
  g_print (_("\n%u devices, %u modules"), devices->len, n_modules);
  if (n_undated)
    g_print (_(", %u from undated snapshots (state export)"), n_undated);
  g_print (_(". “!” marks a running model that differs from the desired image tag.\n"));
}

int
cmd_fleet (int argc, char **argv)
{
  static char *at_arg, *hub;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_arg, N_("The instant (default: now)"), N_("TIME") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("Only devices of this IoT hub"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("fleet", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  gint64 at;

  g_option_context_set_description (ctx,
    _("For every device and module: the model it ran at TIME (the newest twin snapshot\n"
      "changed at or before TIME), since when, the desired image, and the deployment\n"
      "that set it. A bare date means 00:00 UTC of that day."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("fleet takes no arguments"));
  if (!parse_time_arg (at_arg, "--at", &at, &error))
    return usage_error (ctx, error->message);
  if (at == ATTEST_TIME_NONE)
    at = attest_time_now ();

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  devices = attest_fleet_at (store, at, hub, &error);
  if (devices == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (devices, at);
  else
    print_text (devices, at);
  return EXIT_OK;
}
