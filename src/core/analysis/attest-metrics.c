/* attest-metrics.c: model performance in the field, from module twins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-metrics"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-metrics.h"

#include "attest-autocleanups.h"
#include "attest-json.h"
#include "attest-records.h"
#include "attest-store.h"

G_DEFINE_QUARK (attest-metrics-error-quark, attest_metrics_error)

static const char *metric_keys[ATTEST_N_METRICS] = {
  "accuracy", "latencyMs", "cpuPercent", "memoryMb",
};
static const char *setting_keys[ATTEST_N_METRICS] = {
  "metrics-accuracy-paths", "metrics-latency-paths", "metrics-cpu-paths", "metrics-memory-paths",
};
static const char *default_accuracy[] = { "metrics.accuracy", NULL };
static const char *default_latency[] = { "metrics.latencyMs", NULL };
static const char *default_cpu[] = { "metrics.cpuPercent", NULL };
static const char *default_memory[] = { "metrics.memoryMb", NULL };
static const char *const *default_paths[ATTEST_N_METRICS] = {
  default_accuracy, default_latency, default_cpu, default_memory,
};

const char *
attest_metric_key (AttestMetric metric)
{
  g_return_val_if_fail (metric < ATTEST_N_METRICS, NULL);
  return metric_keys[metric];
}

const char *
attest_metric_setting_key (AttestMetric metric)
{
  g_return_val_if_fail (metric < ATTEST_N_METRICS, NULL);
  return setting_keys[metric];
}

const char *const *
attest_metric_default_paths (AttestMetric metric)
{
  g_return_val_if_fail (metric < ATTEST_N_METRICS, NULL);
  return default_paths[metric];
}

char **
attest_metrics_get_paths (AttestStore  *store,
                          AttestMetric  metric)
{
  g_autofree char *v = NULL;

  g_return_val_if_fail (metric < ATTEST_N_METRICS, NULL);
  v = attest_store_get_setting (store, setting_keys[metric]);
  if (v != NULL && *v != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (v, ",", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      guint i;

      for (i = 0; parts[i]; i++)
        if (*g_strstrip (parts[i]) != '\0')
          g_ptr_array_add (kept, g_strdup (parts[i]));
      if (kept->len > 0)
        {
          g_ptr_array_add (kept, NULL);
          return (char **) g_ptr_array_free (g_steal_pointer (&kept), FALSE);
        }
    }
  return g_strdupv ((char **) default_paths[metric]);
}

static void
series_free (gpointer data)
{
  AttestMetricsSeries *s = data;

  g_free (s->hub);
  g_free (s->device_id);
  g_free (s->module_id);
  g_array_unref (s->points);
  g_free (s);
}

void
attest_metrics_version_free (AttestMetricsVersion *version)
{
  guint i;

  if (version == NULL)
    return;
  g_free (version->model_name);
  g_free (version->model_version);
  for (i = 0; i < ATTEST_N_METRICS; i++)
    g_clear_pointer (&version->summary[i].snapshot_ids, g_array_unref);
  g_clear_pointer (&version->series, g_ptr_array_unref);
  g_free (version);
}

double
attest_metrics_percentile (const double *sorted,
                           guint         n,
                           double        p)
{
  double rank;
  guint lo;

  g_return_val_if_fail (sorted != NULL && n > 0, NAN);
  rank = (p / 100.0) * (n - 1);
  lo = (guint) floor (rank);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (rank - lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Dotted versions compare segment by segment, digits numerically: 3.10.0
 * after 3.9.1; NULL (unknown version) first. */
static int
compare_versions (const char *a,
                  const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea = a, *eb = b;
          gsize la, lb;
          int c;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          c = strncmp (a, b, la);
          if (c != 0)
            return c;
          a = ea;
          b = eb;
        }
      else
        {
          if (*a != *b)
            return (guchar) *a < (guchar) *b ? -1 : 1;
          a++;
          b++;
        }
    }
  return (*a != '\0') - (*b != '\0');
}

static int
compare_version_ptrs (gconstpointer a,
                      gconstpointer b)
{
  const AttestMetricsVersion *va = *(AttestMetricsVersion *const *) a;
  const AttestMetricsVersion *vb = *(AttestMetricsVersion *const *) b;

  return compare_versions (va->model_version, vb->model_version);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
read_values (AttestJsonDoc       *doc,
             const char          *raw,
             char               **paths[ATTEST_N_METRICS],
             AttestMetricsPoint  *point)
{
  AttestJsonNode *root;
  AttestJsonNode *reported;
  guint m, i;

  for (m = 0; m < ATTEST_N_METRICS; m++)
    point->values[m] = NAN;
  /* raw was stored by the importer after a strict parse; a row that does
   * not parse now has no figures rather than failing the whole query. */
  root = attest_json_doc_parse (doc, raw, strlen (raw), NULL);
  reported = root ? attest_json_path (root, "properties.reported") : NULL;
  if (reported == NULL || reported->type != ATTEST_JSON_OBJECT)
    return;
  for (m = 0; m < ATTEST_N_METRICS; m++)
    for (i = 0; paths[m][i]; i++)
      {
        AttestJsonNode *node = attest_json_path (reported, paths[m][i]);
        double v;

        if (node != NULL && attest_json_node_double (node, &v) && isfinite (v))
          {
            point->values[m] = v;
            break;
          }
      }
}

static void
summarise (AttestMetricsVersion *version)
{
  g_autoptr(GHashTable) devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree double *sample = g_new (double, MAX (version->series->len, 1));
  guint m, i;

  version->first_at = ATTEST_TIME_NONE;
  version->last_at = ATTEST_TIME_NONE;
  for (i = 0; i < version->series->len; i++)
    {
      AttestMetricsSeries *s = g_ptr_array_index (version->series, i);
      guint j;

      g_hash_table_add (devices, g_strconcat (s->hub, "/", s->device_id, NULL));
      for (j = 0; j < s->points->len; j++)
        {
          gint64 at = g_array_index (s->points, AttestMetricsPoint, j).at;

          if (at == ATTEST_TIME_NONE)
            continue;
          if (version->first_at == ATTEST_TIME_NONE || at < version->first_at)
            version->first_at = at;
          if (version->last_at == ATTEST_TIME_NONE || at > version->last_at)
            version->last_at = at;
        }
    }
  version->n_devices = g_hash_table_size (devices);

  for (m = 0; m < ATTEST_N_METRICS; m++)
    {
      AttestMetricsSummary *sum = &version->summary[m];
      double total = 0;
      guint n = 0;

      sum->snapshot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (i = 0; i < version->series->len; i++)
        {
          AttestMetricsSeries *s = g_ptr_array_index (version->series, i);
          guint j = s->points->len;

          /* The series' latest report with a number for this metric. */
          while (j-- > 0)
            {
              AttestMetricsPoint *pt = &g_array_index (s->points, AttestMetricsPoint, j);

              if (!isnan (pt->values[m]))
                {
                  sample[n++] = pt->values[m];
                  total += pt->values[m];
                  g_array_append_val (sum->snapshot_ids, pt->snapshot_id);
                  break;
                }
            }
        }
      sum->n = n;
      if (n == 0)
        {
          sum->p10 = sum->p50 = sum->p90 = sum->mean = sum->min = sum->max = NAN;
          continue;
        }
      qsort (sample, n, sizeof (double), compare_doubles);
      sum->p10 = attest_metrics_percentile (sample, n, 10);
      sum->p50 = attest_metrics_percentile (sample, n, 50);
      sum->p90 = attest_metrics_percentile (sample, n, 90);
      sum->mean = total / n;
      sum->min = sample[0];
      sum->max = sample[n - 1];
    }
}

GPtrArray *
attest_metrics_query (AttestStore  *store,
                      const char   *model_name,
                      const char   *model_version,
                      gint64        since,
                      gint64        until,
                      GError      **error)
{
  /* The module's own twin (s.module_id = m.module_id), not the $edgeAgent
   * twin that names every module's image. */
  static const char sql[] =
    "SELECT s.id, h.name, s.device_id, s.module_id, s.twin_version, s.changed_at,"
    "       m.model_version, s.raw"
    "  FROM module_models m"
    "  JOIN twin_snapshots s ON s.id = m.snapshot_id AND s.module_id = m.module_id"
    "  JOIN hubs h ON h.id = s.hub_id"
    " WHERE m.model_name = ?1"
    "   AND (?2 IS NULL OR m.model_version = ?2)"
    "   AND (?3 IS NULL OR s.changed_at >= ?3)"
    "   AND (?4 IS NULL OR s.changed_at <= ?4)"
    " ORDER BY m.model_version, h.name, s.device_id, s.module_id, s.changed_at, s.id";
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_metrics_version_free);
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  char **paths[ATTEST_N_METRICS];
  AttestMetricsVersion *cur = NULL;
  AttestMetricsSeries *series = NULL;
  guint m, i;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (model_name == NULL || *model_name == '\0')
    {
      g_set_error (error, ATTEST_METRICS_ERROR, ATTEST_METRICS_ERROR_INVALID,
                   _("No model name given"));
      return NULL;
    }

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, ATTEST_METRICS_ERROR, ATTEST_METRICS_ERROR_STORE,
                   _("Cannot read model metrics: %s"), sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, model_name, -1, SQLITE_TRANSIENT);
  if (model_version != NULL)
    sqlite3_bind_text (stmt, 2, model_version, -1, SQLITE_TRANSIENT);
  if (since != ATTEST_TIME_NONE)
    sqlite3_bind_int64 (stmt, 3, since);
  if (until != ATTEST_TIME_NONE)
    sqlite3_bind_int64 (stmt, 4, until);

  for (m = 0; m < ATTEST_N_METRICS; m++)
    paths[m] = attest_metrics_get_paths (store, m);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *hub = (const char *) sqlite3_column_text (stmt, 1);
      const char *device = (const char *) sqlite3_column_text (stmt, 2);
      const char *module = (const char *) sqlite3_column_text (stmt, 3);
      const char *version = (const char *) sqlite3_column_text (stmt, 6);
      const char *raw = (const char *) sqlite3_column_text (stmt, 7);
      AttestMetricsPoint point;

      if (cur == NULL || g_strcmp0 (cur->model_version, version) != 0)
        {
          cur = g_new0 (AttestMetricsVersion, 1);
          cur->model_name = g_strdup (model_name);
          cur->model_version = g_strdup (version);
          cur->series = g_ptr_array_new_with_free_func (series_free);
          g_ptr_array_add (versions, cur);
          series = NULL;
        }
      if (series == NULL || g_strcmp0 (series->hub, hub) != 0
          || g_strcmp0 (series->device_id, device) != 0 || g_strcmp0 (series->module_id, module) != 0)
        {
          series = g_new0 (AttestMetricsSeries, 1);
          series->hub = g_strdup (hub);
          series->device_id = g_strdup (device);
          series->module_id = g_strdup (module);
          series->points = g_array_new (FALSE, FALSE, sizeof (AttestMetricsPoint));
          g_ptr_array_add (cur->series, series);
        }
      point.snapshot_id = sqlite3_column_int64 (stmt, 0);
      point.twin_version = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 4);
      point.at = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? ATTEST_TIME_NONE : sqlite3_column_int64 (stmt, 5);
      read_values (doc, raw ? raw : "", paths, &point);
      g_array_append_val (series->points, point);
    }
  for (m = 0; m < ATTEST_N_METRICS; m++)
    g_strfreev (paths[m]);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, ATTEST_METRICS_ERROR, ATTEST_METRICS_ERROR_STORE,
                   _("Cannot read model metrics: %s"), sqlite3_errmsg (db));
      return NULL;
    }

  for (i = 0; i < versions->len; i++)
    summarise (g_ptr_array_index (versions, i));
  g_ptr_array_sort (versions, compare_version_ptrs);
  return g_steal_pointer (&versions);
}
