/* attest-cli-deployments.c: attest-cli deployments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-deployments.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
json_count (GString *out,
            gint64   n)
{
  if (n < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, n);
}

static char *
count_text (gint64 n)
{
  return n < 0 ? g_strdup ("-") : g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

static void
print_json (AttestDeploymentTimeline *t,
            double                    threshold)
{
  g_autoptr(GString) out = g_string_new ("{");
  guint i, j;

  g_string_append_printf (out, "\"canary_share\":%g,\"versions\":[", threshold);
  for (i = 0; i < t->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (t->versions, i);

      if (i)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "\n{\"version_id\":%" G_GINT64_FORMAT ",\"hub\":", v->version_id);
      json_string (out, v->hub);
      g_string_append (out, ",\"config_id\":");
      json_string (out, v->config_id);
      g_string_append (out, ",\"kind\":");
      json_string (out, v->kind);
      g_string_append (out, ",\"etag\":");
      json_string (out, v->etag);
      g_string_append (out, ",\"created\":");
      json_time (out, v->created_at);
      g_string_append (out, ",\"changed\":");
      json_time (out, v->updated_at);
      g_string_append (out, ",\"at\":");
      json_time (out, v->at);
      g_string_append (out, ",\"priority\":");
      if (v->has_priority)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, v->priority);
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"target_condition\":");
      json_string (out, v->target_condition);
      g_string_append (out, ",\"labels\":");
      g_string_append (out, v->labels ? v->labels : "null");
      g_string_append (out, ",\"targeted\":");
      json_count (out, v->targeted);
      g_string_append (out, ",\"applied\":");
      json_count (out, v->applied);
      g_string_append (out, ",\"reported_ok\":");
      json_count (out, v->reported_ok);
      g_string_append (out, ",\"reported_failed\":");
      json_count (out, v->reported_failed);
      g_string_append_printf (out, ",\"hub_edge_devices\":%" G_GINT64_FORMAT ",\"target_share\":", v->hub_edge_devices);
      if (v->target_share >= 0)
        g_string_append_printf (out, "%.4f", v->target_share);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ",\"phase\":\"%s\",\"phase_basis\":\"%s\",\"rollback\":%s,\"models\":[",
                              attest_rollout_phase_name (v->phase), attest_rollout_basis_name (v->phase_basis),
                              v->rollback ? "true" : "false");
      for (j = 0; j < v->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (v->models, j);
          if (j)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"module_id\":");
          json_string (out, m->module_id);
          g_string_append (out, ",\"image\":");
          json_string (out, m->image);
          g_string_append (out, ",\"model_name\":");
          json_string (out, m->model_name);
          g_string_append (out, ",\"model_version\":");
          json_string (out, m->model_version);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "],\n\"rollbacks\":[");
  for (i = 0; i < t->rollbacks->len; i++)
    {
      AttestRollback *r = g_ptr_array_index (t->rollbacks, i);

      if (i)
        g_string_append_c (out, ',');
      g_string_append (out, "\n{\"hub\":");
      json_string (out, r->hub);
      g_string_append (out, ",\"model_name\":");
      json_string (out, r->model_name);
      g_string_append (out, ",\"from_version\":");
      json_string (out, r->from_version);
      g_string_append (out, ",\"to_version\":");
      json_string (out, r->to_version);
      g_string_append (out, ",\"at\":");
      json_time (out, r->at);
      g_string_append (out, ",\"config_id\":");
      json_string (out, r->config_id);
      g_string_append_printf (out, ",\"version_id\":%" G_GINT64_FORMAT ",\"previous_config_id\":", r->version_id);
      json_string (out, r->previous_config_id);
      g_string_append_printf (out, ",\"previous_version_id\":%" G_GINT64_FORMAT "}", r->previous_version_id);
    }
  g_string_append (out, "]}");
  g_print ("%s\n", out->str);
}

static void
print_text (AttestDeploymentTimeline *t)
{
  guint i, j;

  if (t->versions->len == 0)
    g_printerr (_("No deployments in this period.\n"));
  else
    g_print ("%-23s  %-16s %-32s %-6s %-6s %-16s %-15s %s\n", _("Time"), _("Hub"), _("Configuration"),
             _("Etag"), _("Prio"), _("Phase"), _("Tgt/App/OK/Err"), _("Models"));
  for (i = 0; i < t->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (t->versions, i);
      g_autofree char *when = human_time (v->at);
      g_autofree char *hub = terminal_safe (v->hub);
      g_autofree char *cfg = terminal_safe (v->config_id);
      g_autofree char *etag = terminal_safe (v->etag);
      g_autofree char *tg = count_text (v->targeted);
      g_autofree char *ap = count_text (v->applied);
      g_autofree char *ok = count_text (v->reported_ok);
      g_autofree char *bad = count_text (v->reported_failed);
      g_autofree char *counts = g_strdup_printf ("%s/%s/%s/%s", tg, ap, ok, bad);
      g_autofree char *prio = v->has_priority ? g_strdup_printf ("%" G_GINT64_FORMAT, v->priority) : g_strdup ("-");
      g_autofree char *phase = NULL;
      g_autoptr(GString) models = g_string_new (NULL);

      if (v->target_share >= 0 && v->phase_basis == ATTEST_ROLLOUT_BASIS_TARGETED_SHARE)
        phase = g_strdup_printf ("%s %.0f%%", attest_rollout_phase_name (v->phase), v->target_share * 100);
      else
        phase = g_strdup_printf ("%s (%s)", attest_rollout_phase_name (v->phase),
                                 v->phase_basis == ATTEST_ROLLOUT_BASIS_LABELS ? _("labels")
                                 : v->phase_basis == ATTEST_ROLLOUT_BASIS_TARGET_CONDITION ? _("cond.") : "?");
      for (j = 0; j < v->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (v->models, j);
          g_autofree char *name = terminal_safe (m->model_name ? m->model_name : m->module_id);
          g_autofree char *ver = terminal_safe (m->model_version ? m->model_version : "?");
          g_string_append_printf (models, "%s%s:%s", j ? ", " : "", name, ver);
        }
      g_print ("%-23s  %-16s %-32s %-6s %-6s %-16s %-15s %s%s\n", when, hub, cfg, etag, prio, phase, counts,
               models->str, v->rollback ? _("  [rollback]") : "");
    }
  if (t->rollbacks->len > 0)
    g_print ("\n%s\n", _("Rollbacks:"));
  for (i = 0; i < t->rollbacks->len; i++)
    {
      AttestRollback *r = g_ptr_array_index (t->rollbacks, i);
      g_autofree char *when = human_time (r->at);
      g_autofree char *hub = terminal_safe (r->hub);
      g_autofree char *name = terminal_safe (r->model_name);
      g_autofree char *from = terminal_safe (r->from_version);
      g_autofree char *to = terminal_safe (r->to_version);
      g_autofree char *cfg = terminal_safe (r->config_id);
      g_autofree char *prev = terminal_safe (r->previous_config_id);

      /* TRANSLATORS: time, hub, model, newer version, older version, configuration, previous configuration */
      g_print (_("%s  %s  %s %s -> %s by %s (after %s)\n"), when, hub, name, from, to, cfg, prev);
    }
}

int
cmd_deployments (int argc, char **argv)
{
  static char *since, *until, *hub;
  static double canary_share = ATTEST_DEFAULT_CANARY_SHARE;
  GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only versions changed at or after this time"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only versions changed at or before this time"), N_("TIME") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("Only this IoT hub"), N_("NAME") },
    { "canary-share", 0, 0, G_OPTION_ARG_DOUBLE, &canary_share,
      N_("Share of a hub's edge devices below which a deployment is a canary (default 0.10)"), N_("FRACTION") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("deployments", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  AttestDeploymentQuery query = { 0 };

  g_option_context_set_description (ctx,
    _("Every stored version of every edge deployment, oldest first.  The rollout phase comes\n"
      "from the share of the hub's edge devices a version targets; without counts, from\n"
      "labels.ring or the target condition.  A rollback is a deployment that returns a model\n"
      "to an older version than the previous deployment of that model on the same hub."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("deployments takes no arguments"));
  if (!(canary_share > 0 && canary_share <= 1))
    return usage_error (ctx, _("--canary-share must be between 0 and 1"));
  if (!parse_time_arg (since, "--since", &query.since, &error)
      || !parse_time_arg (until, "--until", &query.until, &error))
    return usage_error (ctx, error->message);
  if (until && strlen (until) == 10)
    query.until += 86400 * ATTEST_TICKS_PER_SECOND - 1;
  query.hub = hub;
  query.canary_share = canary_share;

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  timeline = attest_deployment_timeline (store, &query, &error);
  if (timeline == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (timeline, canary_share);
  else
    print_text (timeline);
  return EXIT_OK;
}
