/* attest-cli-lineage.c: attest-cli lineage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-lineage.h"
#include "attest-records.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
append_time (GString *out,
             gint64   t)
{
  g_autofree char *s = t != ATTEST_TIME_NONE ? attest_time_format (t) : NULL;

  json_string (out, s);
}

static char *
lineage_json (AttestLineage *l)
{
  GString *out = g_string_new ("{\"model\":");
  guint i, j;

  if (l->model_name)
    {
      g_autofree char *m = g_strdup_printf ("%s:%s", l->model_name, l->model_version);
      json_string (out, m);
    }
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"at\":");
  append_time (out, l->at);
  g_string_append (out, ",\"nodes\":[");
  for (i = 0; i < l->nodes->len; i++)
    {
      AttestLineageNode *n = g_ptr_array_index (l->nodes, i);

      g_string_append_printf (out, "%s\n{\"index\":%u,\"kind\":\"%s\",\"ref\":", i ? "," : "", n->index,
                              attest_lineage_kind_name (n->kind));
      json_string (out, n->ref);
      g_string_append (out, ",\"label\":");
      json_string (out, n->label);
      g_string_append (out, ",\"scope\":");
      json_string (out, n->scope);
      g_string_append (out, ",\"time\":");
      append_time (out, n->time);
      g_string_append (out, ",\"record_table\":");
      json_string (out, n->record_table);
      g_string_append (out, ",\"record_ids\":[");
      for (j = 0; j < n->record_ids->len; j++)
        g_string_append_printf (out, "%s%" G_GINT64_FORMAT, j ? "," : "", g_array_index (n->record_ids, gint64, j));
      g_string_append_printf (out, "],\"gap\":%s,\"reason\":", n->gap ? "true" : "false");
      json_string (out, n->reason);
      g_string_append (out, ",\"note\":");
      json_string (out, n->note);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"edges\":[");
  for (i = 0; i < l->edges->len; i++)
    {
      AttestLineageLink *e = g_ptr_array_index (l->edges, i);

      g_string_append_printf (out, "%s\n{\"from\":%u,\"to\":%u,\"relation\":", i ? "," : "", e->from, e->to);
      json_string (out, e->relation);
      g_string_append (out, ",\"lineage_edge_id\":");
      if (e->edge_id)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, e->edge_id);
      else
        g_string_append (out, "null");
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static const char *
kind_title (AttestLineageKind kind)
{
  switch (kind)
    {
    case ATTEST_LINEAGE_DATA: return _("data");
    case ATTEST_LINEAGE_URI: return _("path");
    case ATTEST_LINEAGE_JOB: return _("job");
    case ATTEST_LINEAGE_MODEL: return _("model");
    case ATTEST_LINEAGE_DEPLOYMENT: return _("deployment");
    case ATTEST_LINEAGE_DEVICE: return _("device");
    case ATTEST_LINEAGE_GAP: return _("GAP");
    default: return "";
    }
}

/* Human output: nodes in chain order (data, jobs, models, deployments,
 * devices), each with what it links to. */
static void
print_lineage (AttestLineage *l)
{
  static const AttestLineageKind order[] = {
    ATTEST_LINEAGE_DATA, ATTEST_LINEAGE_URI, ATTEST_LINEAGE_JOB, ATTEST_LINEAGE_MODEL,
    ATTEST_LINEAGE_DEPLOYMENT, ATTEST_LINEAGE_DEVICE,
  };
  guint k, i, j, n_devices = 0;

  for (k = 0; k < G_N_ELEMENTS (order); k++)
    for (i = 0; i < l->nodes->len; i++)
      {
        AttestLineageNode *n = g_ptr_array_index (l->nodes, i);
        g_autofree char *label = NULL;
        g_autofree char *scope = NULL;
        char when[32] = "";
        guint n_to_devices = 0;

        if (n->kind != order[k])
          continue;
        if (n->kind == ATTEST_LINEAGE_DEVICE && ++n_devices > 50 && l->model_name)
          continue;
        label = terminal_safe (n->label);
        scope = terminal_safe (n->scope);
        if (n->time != ATTEST_TIME_NONE)
          {
            g_autofree char *iso = attest_time_format (n->time);
            g_snprintf (when, sizeof when, "%.10s %.8s", iso, iso + 11);
          }
        g_print ("%-10s %-40s %-18s %-19s", kind_title (n->kind), label, scope, when);
        for (j = 0; j < l->edges->len; j++)
          {
            AttestLineageLink *e = g_ptr_array_index (l->edges, j);
            AttestLineageNode *to = g_ptr_array_index (l->nodes, e->to);
            AttestLineageNode *from = g_ptr_array_index (l->nodes, e->from);

            if (n->kind == ATTEST_LINEAGE_DEVICE && e->to == n->index)
              {
                g_autofree char *fl = terminal_safe (from->label);
                g_print ("  %s ← %s", e->relation, fl);
              }
            else if (e->from == n->index && to->kind == ATTEST_LINEAGE_DEVICE)
              n_to_devices++;
            else if (e->from == n->index && to->kind != ATTEST_LINEAGE_GAP)
              {
                g_autofree char *tl = terminal_safe (to->label);
                g_print ("  %s → %s", e->relation, tl);
              }
          }
        if (n_to_devices > 0)
          g_print (g_dngettext (GETTEXT_PACKAGE, "  → %u device", "  → %u devices", n_to_devices), n_to_devices);
        g_print ("\n");
        if (n->note)
          g_print ("%-10s   %s\n", "", n->note);
        if (n->gap)
          g_print ("%-10s   %s: %s\n", "", _("GAP"), n->reason);
        for (j = 0; j < l->edges->len; j++)
          {
            AttestLineageLink *e = g_ptr_array_index (l->edges, j);
            AttestLineageNode *g;

            if (e->from == n->index)
              g = g_ptr_array_index (l->nodes, e->to);
            else if (e->to == n->index)
              g = g_ptr_array_index (l->nodes, e->from);
            else
              continue;
            if (g->kind == ATTEST_LINEAGE_GAP)
              g_print ("%-10s   %s: %s\n", "", _("GAP"), g->reason);
          }
      }
  if (n_devices > 50 && l->model_name)
    g_print (_("… and %u more devices (use --json for all)\n"), n_devices - 50);
}

int
cmd_lineage (int    argc,
             char **argv)
{
  static char *at_arg, *device, *hub;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_arg, N_("Deployments and devices as they were at this time (default: latest)"), N_("TIME") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("Trace back from this device to the data behind the models it runs"), N_("ID") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("The device’s IoT hub, when its id is on several hubs"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("lineage", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestLineage) lineage = NULL;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  gint64 at;

  g_option_context_set_description (ctx,
    _("Data assets -> training job -> model version -> deployments -> devices.\n"
      "Missing links are shown as GAP lines with the reason."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (!parse_time_arg (at_arg, "--at", &at, &error))
    return usage_error (ctx, error->message);
  if (device == NULL && argc != 2)
    return usage_error (ctx, _("give one model version NAME:VERSION, or --device ID"));
  if (device != NULL && argc != 1)
    return usage_error (ctx, _("--device takes no model version"));
  if (device == NULL && !attest_lineage_parse_model (argv[1], &name, &version))
    return usage_error (ctx, _("a model version is NAME:VERSION, e.g. defect-detector:3.2.1"));
  if (hub != NULL && device == NULL)
    return usage_error (ctx, _("--hub goes with --device"));

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (device)
    lineage = attest_lineage_for_device (store, hub, device, at, &error);
  else
    lineage = attest_lineage_for_model (store, name, version, at, &error);
  if (lineage == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    {
      g_autofree char *json = lineage_json (lineage);
      g_print ("%s\n", json);
    }
  else
    print_lineage (lineage);
  return EXIT_OK;
}
