/* attest-cli-costs.c: attest-cli costs [--inputs FILE] [--prices FILE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-costs.h"
#include "attest-records.h"

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
append_bands (GString      *out,
              const char   *key,
              const double  v[ATTEST_N_COST_BANDS])
{
  g_string_append_printf (out, ",\"%s\":{\"low\":", key);
  append_number (out, v[ATTEST_COST_LOW]);
  g_string_append (out, ",\"expected\":");
  append_number (out, v[ATTEST_COST_EXPECTED]);
  g_string_append (out, ",\"high\":");
  append_number (out, v[ATTEST_COST_HIGH]);
  g_string_append_c (out, '}');
}

static gboolean
line_cites (AttestCostEstimate *est,
            const char         *price_id)
{
  g_autofree char *ref = g_strconcat ("price:", price_id, NULL);
  guint i, k;

  for (i = 0; i < est->lines->len; i++)
    {
      AttestCostLine *l = g_ptr_array_index (est->lines, i);
      for (k = 0; k < l->sources->len; k++)
        if (g_str_equal (g_ptr_array_index (l->sources, k), ref))
          return TRUE;
    }
  return FALSE;
}

static void
print_json (AttestCostEstimate *est)
{
  g_autoptr(GString) out = g_string_new ("{\"currency\":");
  const AttestCostFacts *f = &est->facts;
  guint i, k;

  json_string (out, est->currency);
  g_string_append (out, ",\"per\":\"year\",\"prices\":{\"path\":");
  json_string (out, est->prices_path);
  g_string_append (out, ",\"as_of\":");
  json_string (out, est->prices_as_of);
  g_string_append_printf (out, ",\"age_days\":%d,\"stale\":%s,\"rows\":[", est->prices_age_days,
                          est->prices_stale ? "true" : "false");
  for (i = 0, k = 0; i < est->prices->rows->len; i++)
    {
      AttestPrice *p = g_ptr_array_index (est->prices->rows, i);

      if (!line_cites (est, p->id))
        continue;
      if (k++)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      json_string (out, p->id);
      g_string_append (out, ",\"service\":");
      json_string (out, p->service);
      g_string_append (out, ",\"tier\":");
      json_string (out, p->tier);
      g_string_append (out, ",\"unit\":");
      json_string (out, p->unit);
      g_string_append (out, ",\"currency\":");
      json_string (out, p->currency);
      g_string_append (out, ",\"amount\":");
      append_number (out, p->amount);
      g_string_append (out, ",\"as_of\":");
      json_string (out, p->as_of);
      g_string_append (out, ",\"source\":");
      json_string (out, p->source);
      g_string_append_printf (out, ",\"line\":%u}", p->line);
    }
  g_string_append (out, "]},\"inputs\":");
  json_string (out, est->inputs_path);
  g_string_append (out, ",\"cache\":{\"hubs\":[");
  for (i = 0; i < f->hubs->len; i++)
    {
      AttestCostHub *h = g_ptr_array_index (f->hubs, i);

      g_string_append (out, i ? ",{\"name\":" : "{\"name\":");
      json_string (out, h->name);
      g_string_append (out, ",\"sku\":");
      json_string (out, h->sku);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "],\"devices\":%" G_GINT64_FORMAT ",\"events\":%" G_GINT64_FORMAT
                          ",\"resource_log_events\":%" G_GINT64_FORMAT ",\"event_months\":",
                          f->devices, f->events, f->resource_log_events);
  append_number (out, f->event_months);
  g_string_append (out, ",\"events_per_month\":");
  append_number (out, f->events_per_month);
  g_string_append (out, ",\"resource_log_events_per_month\":");
  append_number (out, f->resource_log_events_per_month);
  g_string_append (out, ",\"event_bytes\":");
  append_number (out, f->event_bytes);
  g_string_append (out, ",\"resource_log_bytes\":");
  append_number (out, f->resource_log_bytes);
  g_string_append_printf (out, ",\"snapshots\":%" G_GINT64_FORMAT ",\"snapshot_months\":", f->snapshots);
  append_number (out, f->snapshot_months);
  g_string_append (out, ",\"snapshots_per_month\":");
  append_number (out, f->snapshots_per_month);
  g_string_append (out, ",\"snapshot_bytes\":");
  append_number (out, f->snapshot_bytes);
  g_string_append_printf (out, ",\"model_versions_per_year\":%" G_GINT64_FORMAT "},\"lines\":[",
                          f->model_versions_per_year);
  for (i = 0; i < est->lines->len; i++)
    {
      AttestCostLine *l = g_ptr_array_index (est->lines, i);

      g_string_append (out, i ? ",\n{\"id\":" : "{\"id\":");
      json_string (out, l->id);
      g_string_append (out, ",\"category\":");
      json_string (out, attest_cost_category_key (l->category));
      g_string_append (out, ",\"label\":");
      json_string (out, l->label);
      g_string_append (out, ",\"unit\":");
      json_string (out, l->unit);
      append_bands (out, "quantity", l->quantity);
      append_bands (out, "unit_price", l->unit_price);
      append_bands (out, "amount", l->amount);
      g_string_append (out, ",\"basis\":");
      json_string (out, l->basis);
      g_string_append (out, ",\"sources\":[");
      for (k = 0; k < l->sources->len; k++)
        {
          if (k)
            g_string_append_c (out, ',');
          json_string (out, g_ptr_array_index (l->sources, k));
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "]");
  append_bands (out, "total", est->total);
  append_bands (out, "platform", est->platform);
  g_string_append (out, ",\"budget\":");
  append_number (out, est->budget);
  g_string_append (out, ",\"warnings\":[");
  for (i = 0; i < est->warnings->len; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      json_string (out, g_ptr_array_index (est->warnings, i));
    }
  g_string_append (out, "]}");
  g_print ("%s\n", out->str);
}

static char *
money (double v)
{
  /* Whole units with thousands separators; cents below 100. */
  g_autofree char *digits = NULL;
  GString *s;
  gsize len, i;

  if (isnan (v))
    return g_strdup ("—");
  if (fabs (v) < 100)
    return g_strdup_printf ("%.2f", v);
  digits = g_strdup_printf ("%.0f", fabs (v));
  len = strlen (digits);
  s = g_string_new (v < 0 ? "-" : "");
  for (i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static void
print_row (const char   *label,
           const double  v[ATTEST_N_COST_BANDS])
{
  g_autofree char *lo = money (v[ATTEST_COST_LOW]);
  g_autofree char *ex = money (v[ATTEST_COST_EXPECTED]);
  g_autofree char *hi = money (v[ATTEST_COST_HIGH]);
  glong pad = 64 - (glong) g_utf8_strlen (label, -1);

  g_print ("%s%*s %12s %12s %12s\n", label, (int) MAX (pad, 1), "", lo, ex, hi);
}

static void
print_text (AttestCostEstimate *est)
{
  static const AttestCostCategory order[] = {
    ATTEST_COST_SERVICES, ATTEST_COST_PEOPLE, ATTEST_COST_EXTERNAL, ATTEST_COST_PLATFORM, ATTEST_COST_BENCHMARK,
  };
  const char *titles[] = {
    _("Azure services for compliance"), _("Compliance work"), _("External audits and training"),
    _("Platform (context, not in the total)"), _("Benchmark (not in the total)"),
  };
  g_autofree char *prices = terminal_safe (est->prices_path);
  g_autofree char *inputs = terminal_safe (est->inputs_path ? est->inputs_path : _("(none)"));
  guint c, i, k;

  g_print (_("Compliance cost estimate per year, in %s\n"), est->currency);
  g_print (_("Prices:  %s, as of %s (%d days ago)\n"), prices, est->prices_as_of, est->prices_age_days);
  for (i = 0; i < est->warnings->len; i++)
    g_print (_("WARNING: %s\n"), (char *) g_ptr_array_index (est->warnings, i));
  g_print (_("Inputs:  %s\n"), inputs);
  g_print (_("Fleet:   %u hubs, %" G_GINT64_FORMAT " devices, %.0f audit events and %.0f twin snapshots a month\n\n"),
           est->facts.hubs->len, est->facts.devices, est->facts.events_per_month, est->facts.snapshots_per_month);
  g_print ("%-64s %12s %12s %12s\n", "", _("low"), _("expected"), _("high"));
  for (c = 0; c < G_N_ELEMENTS (order); c++)
    {
      gboolean any = FALSE;

      for (i = 0; i < est->lines->len; i++)
        {
          AttestCostLine *l = g_ptr_array_index (est->lines, i);
          g_autofree char *label = NULL;
          g_autofree char *basis = NULL;
          g_autoptr(GString) from = g_string_new (NULL);

          if (l->category != order[c])
            continue;
          if (!any)
            g_print ("%s\n", titles[c]);
          any = TRUE;
          label = terminal_safe (l->label);
          basis = terminal_safe (l->basis);
          {
            g_autofree char *indented = g_strconcat ("  ", label, NULL);
            print_row (indented, l->amount);
          }
          for (k = 0; k < l->sources->len; k++)
            g_string_append_printf (from, "%s%s", k ? ", " : "", (char *) g_ptr_array_index (l->sources, k));
          {
            g_autofree char *from_safe = terminal_safe (from->str);
            g_print ("      = %s  [%s]\n", basis, from_safe);
          }
        }
      if (order[c] == ATTEST_COST_EXTERNAL)
        {
          g_print ("\n");
          print_row (_("Compliance total"), est->total);
          g_print ("\n");
        }
    }
  if (!isnan (est->budget) && est->budget > 0)
    g_print (_("\nThe compliance total is %.1f %% of the project budget (expected).\n"),
             est->total[ATTEST_COST_EXPECTED] * 100 / est->budget);
}

int
cmd_costs (int argc, char **argv)
{
  static char *inputs, *prices;
  GOptionEntry entries[] = {
    { "inputs", 0, 0, G_OPTION_ARG_FILENAME, &inputs, N_("Officer inputs (default: cost-inputs.ini in the data folder)"), N_("FILE") },
    { "prices", 0, 0, G_OPTION_ARG_FILENAME, &prices, N_("Price table (default: pricing.json in the data folder)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("costs", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestCostEstimate) est = NULL;
  g_autofree char *inputs_path = NULL;
  g_autofree char *prices_path = NULL;
  guint i;

  g_option_context_set_description (ctx,
    _("Yearly costs in three bands (low, expected, high) from the fleet in the workspace,\n"
      "a dated price table and the officer's inputs.  Every line names the price rows\n"
      "(price:ID), inputs (input:GROUP.KEY, default:GROUP.KEY) and workspace figures\n"
      "(cache:NAME) it was computed from.  The data folder is $ATTEST_DATA_DIR, else the\n"
      "installed one, else the source tree's data/ for an uninstalled build."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("costs takes no arguments"));

  inputs_path = inputs ? g_strdup (inputs) : attest_costs_find_data_file ("cost-inputs.ini");
  prices_path = prices ? g_strdup (prices) : attest_costs_find_data_file ("pricing.json");

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  est = attest_costs_estimate (store, prices_path, inputs_path, ATTEST_TIME_NONE, &error);
  if (est == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    print_json (est);
  else
    print_text (est);
  if (opt_json)
    for (i = 0; i < est->warnings->len; i++)
      g_printerr (_("attest-cli: warning: %s\n"), (char *) g_ptr_array_index (est->warnings, i));
  return EXIT_OK;
}
