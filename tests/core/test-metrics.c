/* test-metrics.c: model performance from module twins, by construction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attest-metrics.h"
#include "attest-records.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

/* A module twin of "detector" on @device as az iot hub module-twin list
 * prints it; @metrics is a member (or members) of reported properties. */
static char *
module_twin (const char *device,
             int         version,
             const char *model,
             const char *model_version,
             const char *when,
             const char *metrics)
{
  return g_strdup_printf (
    "{\"authenticationType\":\"sas\",\"connectionState\":\"Connected\",\"deviceId\":\"%s\","
    "\"etag\":\"AAAAAAAAAAE=\",\"lastActivityTime\":\"%s\",\"moduleId\":\"detector\","
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2020-01-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"model\":{\"name\":\"%s\",\"version\":\"%s\"},%s,"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}},"
    "\"status\":\"enabled\",\"version\":%d}",
    device, when, model, model_version, metrics, when, version, version);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json = g_string_new ("[\n");
  g_autofree char *path = NULL;
  gint64 added = 0;
  int i;

  attest_test_workspace_open (f);

  /* det 1.0 on d01..d11, latest report on 2025-03-01 with accuracy
   * 0.80, 0.81, … 0.90 and latency 10 … 110 ms; memory only on d01. */
  for (i = 1; i <= 11; i++)
    {
      g_autofree char *dev = g_strdup_printf ("d%02d", i);
      g_autofree char *m = g_strdup_printf ("\"metrics\":{\"accuracy\":%.2f,\"latencyMs\":%d,\"cpuPercent\":\"%d\"%s}",
                                            0.79 + i * 0.01, i * 10, 20 + i, i == 1 ? ",\"memoryMb\":512" : "");
      g_autofree char *t = module_twin (dev, 10, "det", "1.0", "2025-03-01T06:00:00Z", m);
      g_string_append_printf (json, "%s,\n", t);
    }
  /* An older report on d01 (a different twin version): in the series, not
   * in the fleet figures. */
  {
    g_autofree char *t = module_twin ("d01", 5, "det", "1.0", "2025-02-01T06:00:00Z",
                                      "\"metrics\":{\"accuracy\":0.5,\"latencyMs\":500}");
    g_string_append_printf (json, "%s,\n", t);
  }
  /* det 1.10 on d01 later, accuracy only under a custom path. */
  {
    g_autofree char *t = module_twin ("d01", 20, "det", "1.10", "2025-04-01T06:00:00Z",
                                      "\"perf\":{\"acc\":0.95}");
    g_string_append_printf (json, "%s,\n", t);
  }
  /* det 1.9 on d12, and another model on d13. */
  {
    g_autofree char *t = module_twin ("d12", 3, "det", "1.9", "2025-03-15T06:00:00Z",
                                      "\"metrics\":{\"accuracy\":0.7}");
    g_autofree char *u = module_twin ("d13", 3, "other", "1.0", "2025-03-15T06:00:00Z",
                                      "\"metrics\":{\"accuracy\":0.1}");
    g_string_append_printf (json, "%s,\n%s\n]\n", t, u);
  }
  path = attest_test_write_file (f->dir, "module-twins.json", json->str, json->len);
  g_assert_true (attest_test_workspace_import (f, path, "hub-a", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpint (added, ==, 15);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static AttestMetricsVersion *
find_version (GPtrArray  *versions,
              const char *v)
{
  guint i;

  for (i = 0; i < versions->len; i++)
    {
      AttestMetricsVersion *mv = g_ptr_array_index (versions, i);
      if (g_strcmp0 (mv->model_version, v) == 0)
        return mv;
    }
  return NULL;
}

static void
test_percentile (void)
{
  const double one[] = { 7 };
  const double four[] = { 1, 2, 3, 4 };

  g_assert_cmpfloat (attest_metrics_percentile (one, 1, 10), ==, 7);
  g_assert_cmpfloat (attest_metrics_percentile (one, 1, 90), ==, 7);
  g_assert_cmpfloat_with_epsilon (attest_metrics_percentile (four, 4, 50), 2.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (attest_metrics_percentile (four, 4, 10), 1.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (attest_metrics_percentile (four, 4, 90), 3.7, 1e-12);
  g_assert_cmpfloat (attest_metrics_percentile (four, 4, 100), ==, 4);
}

static void
test_fleet_figures (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = attest_metrics_query (f->store, "det", NULL, ATTEST_TIME_NONE,
                                                        ATTEST_TIME_NONE, &error);
  AttestMetricsVersion *v;
  AttestMetricsSummary *acc, *lat, *cpu, *mem;
  AttestMetricsSeries *s;
  guint i;

  g_assert_no_error (error);
  g_assert_nonnull (versions);
  /* Numeric version order: 1.0, 1.9, 1.10. */
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpstr (((AttestMetricsVersion *) g_ptr_array_index (versions, 0))->model_version, ==, "1.0");
  g_assert_cmpstr (((AttestMetricsVersion *) g_ptr_array_index (versions, 1))->model_version, ==, "1.9");
  g_assert_cmpstr (((AttestMetricsVersion *) g_ptr_array_index (versions, 2))->model_version, ==, "1.10");

  v = find_version (versions, "1.0");
  g_assert_cmpuint (v->n_devices, ==, 11);
  g_assert_cmpuint (v->series->len, ==, 11);
  acc = &v->summary[ATTEST_METRIC_ACCURACY];
  g_assert_cmpuint (acc->n, ==, 11);
  g_assert_cmpfloat_with_epsilon (acc->p10, 0.81, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc->p50, 0.85, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc->p90, 0.89, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc->mean, 0.85, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc->min, 0.80, 1e-9);
  g_assert_cmpfloat_with_epsilon (acc->max, 0.90, 1e-9);
  lat = &v->summary[ATTEST_METRIC_LATENCY];
  g_assert_cmpfloat_with_epsilon (lat->p10, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat->p50, 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat->p90, 100, 1e-9);
  /* Numbers sent as strings are read too. */
  cpu = &v->summary[ATTEST_METRIC_CPU];
  g_assert_cmpuint (cpu->n, ==, 11);
  g_assert_cmpfloat_with_epsilon (cpu->p50, 26, 1e-9);
  mem = &v->summary[ATTEST_METRIC_MEMORY];
  g_assert_cmpuint (mem->n, ==, 1);
  g_assert_cmpfloat (mem->p10, ==, 512);
  g_assert_cmpfloat (mem->p90, ==, 512);

  /* d01's series holds both reports, oldest first; the figures cite the
   * latest snapshot of each device. */
  s = g_ptr_array_index (v->series, 0);
  g_assert_cmpstr (s->hub, ==, "hub-a");
  g_assert_cmpstr (s->device_id, ==, "d01");
  g_assert_cmpstr (s->module_id, ==, "detector");
  g_assert_cmpuint (s->points->len, ==, 2);
  g_assert_cmpint (g_array_index (s->points, AttestMetricsPoint, 0).twin_version, ==, 5);
  g_assert_cmpfloat (g_array_index (s->points, AttestMetricsPoint, 0).values[ATTEST_METRIC_ACCURACY], ==, 0.5);
  g_assert_true (isnan (g_array_index (s->points, AttestMetricsPoint, 0).values[ATTEST_METRIC_CPU]));
  g_assert_cmpint (g_array_index (s->points, AttestMetricsPoint, 1).twin_version, ==, 10);
  g_assert_cmpuint (acc->snapshot_ids->len, ==, 11);
  g_assert_cmpint (g_array_index (acc->snapshot_ids, gint64, 0), ==,
                   g_array_index (s->points, AttestMetricsPoint, 1).snapshot_id);
  for (i = 0; i < acc->snapshot_ids->len; i++)
    g_assert_cmpint (g_array_index (acc->snapshot_ids, gint64, i), !=,
                     g_array_index (s->points, AttestMetricsPoint, 0).snapshot_id);
  g_assert_cmpint (v->first_at, ==, attest_time_from_civil (2025, 2, 1, 6, 0, 0));
  g_assert_cmpint (v->last_at, ==, attest_time_from_civil (2025, 3, 1, 6, 0, 0));

  /* 1.10 reports its accuracy elsewhere: no figure with the defaults. */
  v = find_version (versions, "1.10");
  g_assert_cmpuint (v->n_devices, ==, 1);
  g_assert_cmpuint (v->summary[ATTEST_METRIC_ACCURACY].n, ==, 0);
  g_assert_true (isnan (v->summary[ATTEST_METRIC_ACCURACY].p50));
}

static void
test_version_and_period (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) feb = NULL;
  g_autoptr(GPtrArray) none = NULL;
  AttestMetricsVersion *v;

  one = attest_metrics_query (f->store, "det", "1.9", ATTEST_TIME_NONE, ATTEST_TIME_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  v = g_ptr_array_index (one, 0);
  g_assert_cmpfloat (v->summary[ATTEST_METRIC_ACCURACY].p50, ==, 0.7);

  /* Only February: d01's older report alone. */
  feb = attest_metrics_query (f->store, "det", NULL, attest_time_from_civil (2025, 2, 1, 0, 0, 0),
                              attest_time_from_civil (2025, 2, 28, 23, 59, 59), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feb->len, ==, 1);
  v = g_ptr_array_index (feb, 0);
  g_assert_cmpuint (v->n_devices, ==, 1);
  g_assert_cmpfloat (v->summary[ATTEST_METRIC_ACCURACY].mean, ==, 0.5);
  g_assert_cmpfloat (v->summary[ATTEST_METRIC_LATENCY].p90, ==, 500);

  none = attest_metrics_query (f->store, "absent", NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_null (attest_metrics_query (f->store, "", NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, &error));
  g_assert_error (error, ATTEST_METRICS_ERROR, ATTEST_METRICS_ERROR_INVALID);
}

static void
test_custom_paths (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_auto(GStrv) paths = NULL;
  AttestMetricsVersion *v;

  paths = attest_metrics_get_paths (f->store, ATTEST_METRIC_ACCURACY);
  g_assert_cmpstrv (paths, ((const char *[]) { "metrics.accuracy", NULL }));
  g_clear_pointer (&paths, g_strfreev);

  g_assert_true (attest_store_set_setting (f->store, attest_metric_setting_key (ATTEST_METRIC_ACCURACY),
                                           "perf.acc, metrics.accuracy", &error));
  g_assert_no_error (error);
  paths = attest_metrics_get_paths (f->store, ATTEST_METRIC_ACCURACY);
  g_assert_cmpstrv (paths, ((const char *[]) { "perf.acc", "metrics.accuracy", NULL }));

  versions = attest_metrics_query (f->store, "det", NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, &error);
  g_assert_no_error (error);
  v = find_version (versions, "1.10");
  g_assert_cmpuint (v->summary[ATTEST_METRIC_ACCURACY].n, ==, 1);
  g_assert_cmpfloat (v->summary[ATTEST_METRIC_ACCURACY].p50, ==, 0.95);
  /* The fallback path still serves the others. */
  v = find_version (versions, "1.0");
  g_assert_cmpuint (v->summary[ATTEST_METRIC_ACCURACY].n, ==, 11);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics/percentile", test_percentile);
  g_test_add ("/metrics/fleet-figures", Fixture, NULL, fixture_setup, test_fleet_figures, fixture_teardown);
  g_test_add ("/metrics/version-and-period", Fixture, NULL, fixture_setup, test_version_and_period, fixture_teardown);
  g_test_add ("/metrics/custom-paths", Fixture, NULL, fixture_setup, test_custom_paths, fixture_teardown);
  return g_test_run ();
}
