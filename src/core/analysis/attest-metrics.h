/* attest-metrics.h: model performance in the field, from module twins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inference modules report their own figures in their twins' reported
 * properties (e.g. "metrics": {"accuracy": 0.946, "latencyMs": 36.6, …}).
 * This reads them from every stored snapshot of a module twin whose
 * module_models row names the model, per model version and device over
 * time, and summarises each version across the fleet.
 */
#pragma once

#include <glib.h>

#include "attest-types.h"

G_BEGIN_DECLS

#define ATTEST_METRICS_ERROR (attest_metrics_error_quark ())
GQuark attest_metrics_error_quark (void);

typedef enum {
  ATTEST_METRICS_ERROR_INVALID,
  ATTEST_METRICS_ERROR_STORE,
} AttestMetricsError;

typedef enum {
  ATTEST_METRIC_ACCURACY,     /* fraction 0..1 as the module reports it */
  ATTEST_METRIC_LATENCY,      /* milliseconds per inference */
  ATTEST_METRIC_CPU,          /* percent of the device's CPU */
  ATTEST_METRIC_MEMORY,       /* megabytes */
  ATTEST_N_METRICS
} AttestMetric;

/* "accuracy", "latencyMs", "cpuPercent", "memoryMb": the JSON key used in
 * --json output for each metric. */
const char         *attest_metric_key            (AttestMetric metric);
/* Workspace settings key holding comma-separated dotted paths (relative to
 * properties.reported) for @metric, e.g. "metrics-accuracy-paths"; the
 * first path that yields a number wins.  Absent: the defaults. */
const char         *attest_metric_setting_key    (AttestMetric metric);
/* Default paths: metrics.accuracy, metrics.latencyMs, metrics.cpuPercent,
 * metrics.memoryMb. */
const char *const  *attest_metric_default_paths  (AttestMetric metric);

/* One stored snapshot of one device's module twin. */
typedef struct
{
  gint64  snapshot_id;               /* twin_snapshots.id */
  gint64  twin_version;              /* twin $version, -1 when unknown */
  gint64  at;                        /* changed_at ticks (time of the report) */
  double  values[ATTEST_N_METRICS];  /* NAN when the twin has no number there */
} AttestMetricsPoint;

/* One device module running one model version: its reports, oldest first. */
typedef struct
{
  char   *hub;
  char   *device_id;
  char   *module_id;
  GArray *points;                    /* of AttestMetricsPoint */
} AttestMetricsSeries;

/* A metric across the fleet for one version.  The sample is one value per
 * series: its latest report in the period that has a number for the
 * metric.  Percentiles interpolate linearly between closest ranks (the
 * "inclusive" method of numpy's default and Excel PERCENTILE.INC). */
typedef struct
{
  guint   n;                         /* series in the sample; 0: no figures */
  double  p10, p50, p90;
  double  mean, min, max;
  GArray *snapshot_ids;              /* gint64: the snapshots of the sample */
} AttestMetricsSummary;

typedef struct
{
  char                 *model_name;
  char                 *model_version;
  guint                 n_devices;   /* distinct (hub, device) running it */
  gint64                first_at;    /* oldest and newest report, ticks */
  gint64                last_at;
  AttestMetricsSummary  summary[ATTEST_N_METRICS];
  GPtrArray            *series;      /* AttestMetricsSeries, by hub, device, module */
} AttestMetricsVersion;

void  attest_metrics_version_free (AttestMetricsVersion *version);

/* Paths in effect for @metric: the workspace setting, else the defaults.
 * Free with g_strfreev(). */
char **attest_metrics_get_paths   (AttestStore  *store,
                                   AttestMetric  metric);

/* Every version of @model_name (only @model_version when not NULL) with
 * reports changed in [@since, @until] (ATTEST_TIME_NONE: unbounded), in
 * version order (numeric dot segments).  Snapshots without any of the
 * metrics still count as reports (their values are NAN).  Returns a
 * GPtrArray of AttestMetricsVersion (empty when nothing matches), or NULL
 * with @error set. */
GPtrArray *attest_metrics_query   (AttestStore  *store,
                                   const char   *model_name,
                                   const char   *model_version,
                                   gint64        since,
                                   gint64        until,
                                   GError      **error);

/* Percentile @p (0..100) of @sorted (ascending, @n > 0), linear
 * interpolation between closest ranks. */
double attest_metrics_percentile  (const double *sorted,
                                   guint         n,
                                   double        p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestMetricsVersion, attest_metrics_version_free)

G_END_DECLS
