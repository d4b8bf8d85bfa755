/* attest-cli-metrics.c: attest-cli metrics NAME[:VERSION]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-metrics.h"
#include "attest-records.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
append_number (GString *out,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
}

static void
append_time (GString *out,
             gint64   ticks)
{
  g_autofree char *t = ticks != ATTEST_TIME_NONE ? attest_time_format (ticks) : NULL;

  json_string (out, t);
}

static char *
human_number (double v)
{
  if (isnan (v))
    return g_strdup ("—");
  return g_strdup_printf ("%.4g", v);
}

static void
print_json (AttestStore *store,
            const char  *name,
            const char  *version,
            gint64       since,
            gint64       until,
            GPtrArray   *versions)
{
  g_autoptr(GString) out = g_string_new ("{\"model\":");
  guint i, m;

  json_string (out, name);
  g_string_append (out, ",\"version\":");
  json_string (out, version);
  g_string_append (out, ",\"since\":");
  append_time (out, since);
  g_string_append (out, ",\"until\":");
  append_time (out, until);
  g_string_append (out, ",\"paths\":{");
  for (m = 0; m < ATTEST_N_METRICS; m++)
    {
      g_auto(GStrv) paths = attest_metrics_get_paths (store, m);
      guint k;

      if (m)
        g_string_append_c (out, ',');
      json_string (out, attest_metric_key (m));
      g_string_append (out, ":[");
      for (k = 0; paths[k]; k++)
        {
          if (k)
            g_string_append_c (out, ',');
          json_string (out, paths[k]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "},\"versions\":[");
  for (i = 0; i < versions->len; i++)
    {
      AttestMetricsVersion *v = g_ptr_array_index (versions, i);
      guint s;

      if (i)
        g_string_append (out, ",\n");
      g_string_append (out, "{\"version\":");
      json_string (out, v->model_version);
      g_string_append_printf (out, ",\"devices\":%u,\"first\":", v->n_devices);
      append_time (out, v->first_at);
      g_string_append (out, ",\"last\":");
      append_time (out, v->last_at);
      g_string_append (out, ",\"summary\":{");
      for (m = 0; m < ATTEST_N_METRICS; m++)
        {
          AttestMetricsSummary *sum = &v->summary[m];
          guint k;

          if (m)
            g_string_append_c (out, ',');
          json_string (out, attest_metric_key (m));
          g_string_append_printf (out, ":{\"n\":%u,\"p10\":", sum->n);
          append_number (out, sum->p10);
          g_string_append (out, ",\"p50\":");
          append_number (out, sum->p50);
          g_string_append (out, ",\"p90\":");
          append_number (out, sum->p90);
          g_string_append (out, ",\"mean\":");
          append_number (out, sum->mean);
          g_string_append (out, ",\"min\":");
          append_number (out, sum->min);
          g_string_append (out, ",\"max\":");
          append_number (out, sum->max);
          g_string_append (out, ",\"snapshot_ids\":[");
          for (k = 0; k < sum->snapshot_ids->len; k++)
            g_string_append_printf (out, "%s%" G_GINT64_FORMAT, k ? "," : "",
                                    g_array_index (sum->snapshot_ids, gint64, k));
          g_string_append (out, "]}");
        }
      g_string_append (out, "},\"series\":[");
      for (s = 0; s < v->series->len; s++)
        {
          AttestMetricsSeries *se = g_ptr_array_index (v->series, s);
          guint p;

          if (s)
            g_string_append_c (out, ',');
          g_string_append (out, "{\"hub\":");
          json_string (out, se->hub);
          g_string_append (out, ",\"device\":");
          json_string (out, se->device_id);
          g_string_append (out, ",\"module\":");
          json_string (out, se->module_id);
          g_string_append (out, ",\"points\":[");
          for (p = 0; p < se->points->len; p++)
            {
              AttestMetricsPoint *pt = &g_array_index (se->points, AttestMetricsPoint, p);

              if (p)
                g_string_append_c (out, ',');
              g_string_append_printf (out, "{\"snapshot_id\":%" G_GINT64_FORMAT ",\"twin_version\":", pt->snapshot_id);
              if (pt->twin_version >= 0)
                g_string_append_printf (out, "%" G_GINT64_FORMAT, pt->twin_version);
              else
                g_string_append (out, "null");
              g_string_append (out, ",\"time\":");
              append_time (out, pt->at);
              for (m = 0; m < ATTEST_N_METRICS; m++)
                {
                  g_string_append_c (out, ',');
                  json_string (out, attest_metric_key (m));
                  g_string_append_c (out, ':');
                  append_number (out, pt->values[m]);
                }
              g_string_append_c (out, '}');
            }
          g_string_append (out, "]}");
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]}");
  g_print ("%s\n", out->str);
}

static void
print_text (GPtrArray *versions,
            gboolean   devices)
{
  static const char *labels[ATTEST_N_METRICS] = {
    N_("accuracy"), N_("latency ms"), N_("CPU %"), N_("memory MB"),
  };
  guint i, m;

  for (i = 0; i < versions->len; i++)
    {
      AttestMetricsVersion *v = g_ptr_array_index (versions, i);
      g_autofree char *name = terminal_safe (v->model_name);
      g_autofree char *ver = terminal_safe (v->model_version ? v->model_version : "?");
      g_autofree char *first = human_time_or (v->first_at, "—");
      g_autofree char *last = human_time_or (v->last_at, "—");

      if (i)
        g_print ("\n");
      g_print (_("%s %s: %u devices, reports %s – %s\n"), name, ver, v->n_devices, first, last);
      g_print ("  %-12s %5s %9s %9s %9s %9s %9s %9s\n", _("metric"), "n", "p10", "p50", "p90",
               _("mean"), _("min"), _("max"));
      for (m = 0; m < ATTEST_N_METRICS; m++)
        {
          AttestMetricsSummary *sum = &v->summary[m];
          g_autofree char *p10 = human_number (sum->p10);
          g_autofree char *p50 = human_number (sum->p50);
          g_autofree char *p90 = human_number (sum->p90);
          g_autofree char *mean = human_number (sum->mean);
          g_autofree char *min = human_number (sum->min);
          g_autofree char *max = human_number (sum->max);

          g_print ("  %-12s %5u %9s %9s %9s %9s %9s %9s\n", _(labels[m]), sum->n, p10, p50, p90, mean, min, max);
        }
      if (!devices)
        continue;
      {
        guint s;

        for (s = 0; s < v->series->len; s++)
          {
            AttestMetricsSeries *se = g_ptr_array_index (v->series, s);
            g_autofree char *hub = terminal_safe (se->hub);
            g_autofree char *dev = terminal_safe (se->device_id);
            g_autofree char *mod = terminal_safe (se->module_id);
            guint p;

            g_print ("  %s/%s/%s\n", hub, dev, mod);
            for (p = 0; p < se->points->len; p++)
              {
                AttestMetricsPoint *pt = &g_array_index (se->points, AttestMetricsPoint, p);
                g_autofree char *at = human_time_or (pt->at, "—");

                g_print ("    %s  #%-8" G_GINT64_FORMAT, at, pt->snapshot_id);
                for (m = 0; m < ATTEST_N_METRICS; m++)
                  {
                    g_autofree char *val = human_number (pt->values[m]);
                    g_print (" %9s", val);
                  }
                g_print ("\n");
              }
          }
      }
    }
}

int
cmd_metrics (int argc, char **argv)
{
  static char *since, *until;
  static gboolean devices;
  GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only reports at or after this time"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only reports at or before this time"), N_("TIME") },
    { "devices", 0, 0, G_OPTION_ARG_NONE, &devices, N_("Also list every device's reports (always in --json)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("metrics", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *name = NULL;
  g_autofree char *desc = NULL;
  const char *version = NULL;
  gint64 since_t, until_t;
  char *colon;

  desc = g_strdup_printf (_("Figures come from properties.reported of the module twins that run the model:\n"
                            "accuracy, latency, CPU and memory at the comma-separated dotted paths in the\n"
                            "workspace settings %s,\n"
                            "%s, %s and %s\n"
                            "(defaults metrics.accuracy, metrics.latencyMs, metrics.cpuPercent, metrics.memoryMb).\n"
                            "Fleet percentiles (p10/p50/p90, linear between ranks) take each device's\n"
                            "latest report in the period."),
                          attest_metric_setting_key (ATTEST_METRIC_ACCURACY),
                          attest_metric_setting_key (ATTEST_METRIC_LATENCY),
                          attest_metric_setting_key (ATTEST_METRIC_CPU),
                          attest_metric_setting_key (ATTEST_METRIC_MEMORY));
  g_option_context_set_description (ctx, desc);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc != 2)
    return usage_error (ctx, argc < 2 ? _("no model given") : _("too many arguments"));
  if (!parse_time_arg (since, "--since", &since_t, &error)
      || !parse_time_arg (until, "--until", &until_t, &error))
    return usage_error (ctx, error->message);
  if (until && strlen (until) == 10)
    until_t += 86400 * ATTEST_TICKS_PER_SECOND - 1;

  name = g_strdup (argv[1]);
  colon = strchr (name, ':');
  if (colon)
    {
      *colon = '\0';
      version = colon + 1;
      if (*version == '\0')
        version = NULL;
    }
  if (*name == '\0')
    return usage_error (ctx, _("no model name given"));

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  versions = attest_metrics_query (store, name, version, since_t, until_t, &error);
  if (versions == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (store, name, version, since_t, until_t, versions);
  else
    {
      print_text (versions, devices);
      if (versions->len == 0)
        g_printerr (_("No module twin reports for this model in the cache.\n"));
    }
  return EXIT_OK;
}
