/* attest-cli-drift.c: attest-cli drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-drift.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
print_json (GPtrArray *twins)
{
  g_autoptr(GString) out = g_string_new ("[");
  guint i, j;

  for (i = 0; i < twins->len; i++)
    {
      AttestTwinDrift *d = g_ptr_array_index (twins, i);

      if (i)
        g_string_append_c (out, ',');
      g_string_append (out, "\n{\"hub\":");
      json_string (out, d->hub);
      g_string_append (out, ",\"device_id\":");
      json_string (out, d->device_id);
      g_string_append (out, ",\"module_id\":");
      json_string (out, d->module_id);
      g_string_append_printf (out, ",\"snapshot_id\":%" G_GINT64_FORMAT ",\"twin_version\":", d->snapshot_id);
      if (d->twin_version >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, d->twin_version);
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"changed_at\":");
      json_time (out, d->changed_at);
      /* in_sync is null when the snapshot could not be judged. */
      g_string_append_printf (out, ",\"has_reported\":%s,\"in_sync\":%s,\"drifting_since\":",
                              d->has_reported ? "true" : "false",
                              !d->has_reported ? "null" : d->items->len == 0 ? "true" : "false");
      json_time (out, d->drifting_since);
      g_string_append (out, ",\"differences\":[");
      for (j = 0; j < d->items->len; j++)
        {
          AttestDriftItem *it = g_ptr_array_index (d->items, j);

          if (j)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"key\":");
          json_string (out, it->key);
          g_string_append_printf (out, ",\"kind\":\"%s\",\"desired\":", attest_drift_kind_name (it->kind));
          json_string (out, it->desired);
          g_string_append (out, ",\"reported\":");
          json_string (out, it->reported);
          g_string_append (out, ",\"detail\":");
          json_string (out, it->detail);
          g_string_append (out, ",\"since\":");
          json_time (out, it->since);
          g_string_append_printf (out, ",\"since_snapshot_id\":%" G_GINT64_FORMAT ",\"since_twin_version\":",
                                  it->since_snapshot_id);
          if (it->since_twin_version >= 0)
            g_string_append_printf (out, "%" G_GINT64_FORMAT, it->since_twin_version);
          else
            g_string_append (out, "null");
          g_string_append_printf (out, ",\"snapshots\":%u}", it->n_snapshots);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]");
  g_print ("%s\n", out->str);
}

static void
print_text (GPtrArray *twins)
{
  guint i, j;

  for (i = 0; i < twins->len; i++)
    {
      AttestTwinDrift *d = g_ptr_array_index (twins, i);
      g_autofree char *hub = terminal_safe (d->hub);
      g_autofree char *dev = terminal_safe (d->device_id);
      g_autofree char *mod = terminal_safe (d->module_id);
      g_autofree char *when = human_time_or (d->changed_at, _("undated"));
      g_autofree char *since = human_time_or (d->drifting_since, _("undated"));

      if (i)
        g_print ("\n");
      g_print ("%s  %s%s%s  (snapshot %" G_GINT64_FORMAT ", %s)\n", hub, dev, mod[0] ? "/" : "", mod,
               d->snapshot_id, when);
      if (!d->has_reported)
        {
          g_print ("  %s\n", _("no reported properties in this snapshot: not judged"));
          continue;
        }
      if (d->items->len == 0)
        {
          g_print ("  %s\n", _("in sync"));
          continue;
        }
      g_print ("  %s %s\n", _("drifting since"), since);
      for (j = 0; j < d->items->len; j++)
        {
          AttestDriftItem *it = g_ptr_array_index (d->items, j);
          g_autofree char *key = terminal_safe (it->key);
          g_autofree char *want = terminal_safe (it->desired);
          g_autofree char *have = it->reported ? terminal_safe (it->reported) : g_strdup (_("(not reported)"));
          g_autofree char *it_since = human_time_or (it->since, _("undated"));

          g_print ("  %-40s %s: %s  %s: %s  %s %s\n", key, _("desired"), want, _("reported"), have,
                   _("since"), it_since);
          if (it->detail)
            {
              g_autofree char *detail = terminal_safe (it->detail);
              g_print ("  %-40s %s\n", "", detail);
            }
        }
    }
}

int
cmd_drift (int argc, char **argv)
{
  static char *device, *module, *hub, *at;
  GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("Every twin of this device, in sync or not"), N_("ID") },
    { "module", 0, 0, G_OPTION_ARG_STRING, &module, N_("Only this module twin (\"\" for the device twin)"), N_("ID") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("Only this IoT hub"), N_("NAME") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Compare the newest snapshots at this time (default: newest)"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("drift", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) twins = NULL;
  AttestDriftQuery query = { 0 };

  g_option_context_set_description (ctx,
    _("Desired against reported properties, key by key.  For $edgeAgent: each module's image\n"
      "and status against what is running, and the last desired version and status applied.\n"
      "Without --device, lists every drifting twin of the fleet."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("drift takes no arguments"));
  if (!parse_time_arg (at, "--at", &query.at, &error))
    return usage_error (ctx, error->message);
  query.hub = hub;
  query.device_id = device;
  query.module_id = module;

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  twins = attest_drift_query (store, &query, &error);
  if (twins == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (twins);
  else if (twins->len == 0)
    g_print ("%s\n", _("No drift: every twin reports what is desired."));
  else
    print_text (twins);
  return EXIT_OK;
}
