/* attest-rules-deployments.c: findings rules (see attest-rules-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * no-canary, twin-drift and missing-audit: the rules about how model
 * versions reach devices.  Thresholds come from the policy ([canary],
 * [drift]); the reference time is the cache's "now".
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-deployments.h"
#include "attest-fleet-private.h"
#include "attest-records.h"
#include "attest-rules-private.h"
#include "attest-time.h"
#include "attest-version.h"

#define TICKS_PER_HOUR (ATTEST_TICKS_PER_SECOND * 3600)

/* Resource-log Configurations records have whole-second times and are
 * written up to a second before createdTimeUtc / lastUpdatedTimeUtc; a
 * record within this many seconds of the configuration's time is its
 * record.  This is a property of the log format, not a policy choice. */
#define AUDIT_MATCH_SECONDS 3

static char *
version_label (const char *config_id,
               const char *etag)
{
  return g_strdup_printf ("%s@%s", config_id, etag ? etag : "");
}

/* "device@v" for a device twin, "device/module@v" for a module twin. */
static char *
snapshot_label (const char *device_id,
                const char *module_id,
                gint64      twin_version)
{
  g_autofree char *twin = module_id && *module_id ? g_strdup_printf ("%s/%s", device_id, module_id)
                                                  : g_strdup (device_id);

  if (twin_version < 0)
    return g_steal_pointer (&twin);
  return g_strdup_printf ("%s@%" G_GINT64_FORMAT, twin, twin_version);
}

static gint64
col_time (sqlite3_stmt *st,
          int           col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? ATTEST_TIME_NONE : sqlite3_column_int64 (st, col);
}

static void
format_time (gint64 ticks,
             char   buf[32])
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (ticks == ATTEST_TIME_NONE || (dt = attest_time_to_datetime (ticks)) == NULL)
    {
      g_strlcpy (buf, "?", 32);
      return;
    }
  text = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
  g_strlcpy (buf, text, 32);
}

/* ---------------------------------------------------------------------- */
/* no-canary */

/* The phase by the policy's threshold: a version whose targeted share is
 * known is a canary when it targets at most max_share of the hub's edge
 * devices (the timeline's own phase treats the threshold itself as fleet,
 * the policy wording "at most" makes it a canary); without counts the
 * timeline's phase from labels / target condition is used. */
static AttestRolloutPhase
policy_phase (const AttestDeploymentVersion *v,
              double                         max_share)
{
  if (v->targeted > 0 && v->hub_edge_devices > 0)
    return v->target_share > max_share ? ATTEST_ROLLOUT_FLEET : ATTEST_ROLLOUT_CANARY;
  return v->phase;
}

typedef struct
{
  AttestDeploymentVersion *v;       /* borrowed from the timeline */
  const char              *name;    /* model */
  const char              *version;
  char                    *key;     /* hub (casefolded) \n name \n version */
  gint64                   start;   /* when this version's phase began */
  AttestRolloutPhase       phase;
} Rollout;

static void
rollout_free (gpointer data)
{
  Rollout *r = data;

  g_free (r->key);
  g_free (r);
}

static int
rollout_cmp (gconstpointer a,
             gconstpointer b)
{
  const Rollout *x = *(Rollout * const *) a;
  const Rollout *y = *(Rollout * const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->v->version_id != y->v->version_id)
    return x->v->version_id < y->v->version_id ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* When @config_id was deleted from @hub after @after (a DeleteConfiguration
 * resource-log record), else ATTEST_TIME_NONE. */
static gint64
config_deleted_at (sqlite3    *db,
                   const char *hub,
                   const char *config_id,
                   gint64      after,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *lower = g_ascii_strdown (hub, -1);
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT min (id) FROM audit_events"
                          " WHERE kind = 'resource-log' AND category = 'Configurations'"
                          "   AND operation = 'DeleteConfiguration' AND hub = ?1 AND target = ?2"
                          "   AND id >= ?3",
                          -1, &st, NULL) != SQLITE_OK)
    {
      _attest_fleet_sql_error (db, "configuration deletions", error);
      return G_MAXINT64;
    }
  sqlite3_bind_text (st, 1, lower, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, config_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, attest_event_id_first (after));
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      _attest_fleet_sql_error (db, "configuration deletions", error);
      return G_MAXINT64;
    }
  if (sqlite3_column_type (st, 0) == SQLITE_NULL)
    return ATTEST_TIME_NONE;
  return attest_event_id_time (sqlite3_column_int64 (st, 0));
}

/* Cites the module twins of @hub that first reported @name @version at or
 * after @since: the devices the rollout reached. */
static gboolean
cite_reached_modules (sqlite3       *db,
                      AttestFinding *finding,
                      const char    *hub,
                      const char    *name,
                      const char    *version,
                      gint64         since,
                      GError       **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT s.id, s.device_id, s.module_id, coalesce (s.twin_version, -1), min (s.changed_at)"
                          " FROM twin_snapshots s"
                          " JOIN module_models m ON m.snapshot_id = s.id"
                          " JOIN hubs h ON h.id = s.hub_id"
                          " WHERE h.name = ?1 AND m.model_name = ?2 AND m.model_version = ?3"
                          "   AND m.via = 'reported' AND s.changed_at >= ?4"
                          " GROUP BY s.device_id, s.module_id"
                          " ORDER BY s.device_id, s.module_id",
                          -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "module twins", error);
  sqlite3_bind_text (st, 1, hub, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, version, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, since);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autofree char *label = snapshot_label ((const char *) sqlite3_column_text (st, 1),
                                               (const char *) sqlite3_column_text (st, 2),
                                               sqlite3_column_int64 (st, 3));
      attest_finding_add_evidence (finding, "twin_snapshots", sqlite3_column_int64 (st, 0), label);
    }
  if (rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "module twins", error);
  return TRUE;
}

/* Severity high: a model version nobody had observed on a few devices
 * first went to a large part of the fleet at once. */
static gboolean
rule_no_canary (AttestRuleContext *ctx,
                GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  sqlite3 *db = attest_store_get_db (store);
  AttestDeploymentQuery query = { NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, policy->canary_max_share };
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  g_autoptr(GHashTable) first = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) rollouts = g_ptr_array_new_with_free_func (rollout_free);
  g_autoptr(GHashTable) canaries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) fleet_seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 min_run = (gint64) (policy->canary_min_hours * TICKS_PER_HOUR);
  guint i, j;

  timeline = attest_deployment_timeline (store, &query, error);
  if (timeline == NULL)
    return FALSE;

  /* A configuration's first stored version starts at its creation; a
   * later version (retargeted, so possibly another phase) at its update. */
  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);
      gboolean is_first = !g_hash_table_contains (first, &v->deployment_id);
      AttestRolloutPhase phase = policy_phase (v, policy->canary_max_share);

      if (is_first)
        g_hash_table_insert (first, &v->deployment_id, v);
      if (phase == ATTEST_ROLLOUT_UNKNOWN)
        continue;
      for (j = 0; j < v->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (v->models, j);
          g_autofree char *hub = NULL;
          Rollout *r;

          if (m->model_name == NULL || m->model_version == NULL)
            continue;
          r = g_new0 (Rollout, 1);
          r->v = v;
          r->name = m->model_name;
          r->version = m->model_version;
          hub = g_utf8_casefold (v->hub, -1);
          r->key = g_strdup_printf ("%s\n%s\n%s", hub, m->model_name, m->model_version);
          r->start = is_first && v->created_at != ATTEST_TIME_NONE ? v->created_at : v->at;
          r->phase = phase;
          if (r->start == ATTEST_TIME_NONE)
            {
              rollout_free (r);
              continue;
            }
          g_ptr_array_add (rollouts, r);
        }
    }
  g_ptr_array_sort (rollouts, rollout_cmp);

  for (i = 0; i < rollouts->len; i++)
    {
      Rollout *r = g_ptr_array_index (rollouts, i);
      if (r->phase == ATTEST_ROLLOUT_CANARY)
        {
          GPtrArray *list = g_hash_table_lookup (canaries, r->key);
          if (list == NULL)
            {
              list = g_ptr_array_new ();
              g_hash_table_insert (canaries, r->key, list);
            }
          g_ptr_array_add (list, r);
        }
    }

  for (i = 0; i < rollouts->len; i++)
    {
      Rollout *r = g_ptr_array_index (rollouts, i);
      GPtrArray *list;
      g_autoptr(GPtrArray) short_canaries = g_ptr_array_new ();
      gboolean ok = FALSE;
      gint64 longest = -1;
      AttestFinding *finding;
      g_autofree char *subject = NULL;
      g_autofree char *key = NULL;
      g_autofree char *label = NULL;
      char when[32];

      if (r->phase != ATTEST_ROLLOUT_FLEET)
        continue;
      /* Only the first fleet-wide rollout of a version on a hub is judged:
       * a later one (a rollback to a version that already ran fleet-wide,
       * or a retargeted copy) exposes nothing new. */
      if (g_hash_table_contains (fleet_seen, r->key))
        continue;
      g_hash_table_add (fleet_seen, r->key);

      list = g_hash_table_lookup (canaries, r->key);
      for (j = 0; list && j < list->len && !ok; j++)
        {
          Rollout *c = g_ptr_array_index (list, j);
          gint64 end = r->start, deleted;

          if (c->start > r->start)
            break;
          deleted = config_deleted_at (db, c->v->hub, c->v->config_id, c->start, error);
          if (deleted == G_MAXINT64)
            return FALSE;
          if (deleted != ATTEST_TIME_NONE && deleted < end)
            end = deleted;
          if (end - c->start >= min_run)
            ok = TRUE;
          else
            {
              g_ptr_array_add (short_canaries, c);
              longest = MAX (longest, end - c->start);
            }
        }
      if (ok)
        continue;

      format_time (r->start, when);
      subject = g_strdup_printf ("%s/%s", r->v->hub, r->v->config_id);
      key = g_strdup_printf ("%s:%s", r->name, r->version);
      if (short_canaries->len == 0)
        finding = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, r->start,
                                    _("%s rolled %s %s out to %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                                      " edge devices of %s on %s without any canary of that version first"),
                                    r->v->config_id, r->name, r->version, MAX (r->v->targeted, 0),
                                    r->v->hub_edge_devices, r->v->hub, when);
      else
        finding = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, r->start,
                                    _("%s rolled %s %s out to %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                                      " edge devices of %s on %s after a canary of only %.1f hours"
                                      " (the policy asks for %g)"),
                                    r->v->config_id, r->name, r->version, MAX (r->v->targeted, 0),
                                    r->v->hub_edge_devices, r->v->hub, when,
                                    (double) longest / TICKS_PER_HOUR, policy->canary_min_hours);
      label = version_label (r->v->config_id, r->v->etag);
      attest_finding_add_evidence (finding, "deployment_versions", r->v->version_id, label);
      for (j = 0; j < short_canaries->len; j++)
        {
          Rollout *c = g_ptr_array_index (short_canaries, j);
          g_autofree char *clabel = version_label (c->v->config_id, c->v->etag);
          attest_finding_add_evidence (finding, "deployment_versions", c->v->version_id, clabel);
        }
      if (!cite_reached_modules (db, finding, r->v->hub, r->name, r->version, r->start, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* twin-drift */

typedef struct
{
  gint64  id;
  char   *label;
} Cite;

static void
cite_free (gpointer data)
{
  Cite *c = data;

  g_free (c->label);
  g_free (c);
}

/* One custom module of the device being walked. */
typedef struct
{
  char      *module_id;
  char      *desired;          /* version of the desired image tag; NULL: not desired */
  char      *reported;         /* newest known running version */
  gint64     start;            /* drift began; ATTEST_TIME_NONE: in sync */
  char      *start_desired;
  char      *start_reported;
  gint64     start_agent_id;   /* $edgeAgent snapshot in effect when it began */
  GPtrArray *cites;            /* Cite: snapshots showing the drift */
  gboolean   touched;    /* listed by the $edgeAgent snapshot being read */
} ModState;

static void
mod_state_free (gpointer data)
{
  ModState *m = data;

  g_free (m->module_id);
  g_free (m->desired);
  g_free (m->reported);
  g_free (m->start_desired);
  g_free (m->start_reported);
  g_ptr_array_unref (m->cites);
  g_free (m);
}

typedef struct
{
  AttestRuleContext *ctx;
  sqlite3           *db;
  AttestDeployIndex *deploys;
  gint64             tolerance;
  gint64             hub_id;
  char              *hub;
  char              *device_id;
  gint64             agent_id;     /* newest $edgeAgent snapshot seen */
  GHashTable        *modules;      /* module id -> ModState */
} DriftWalk;

/* Whether the device showed any activity (lastActivityTime of any of its
 * twins, or of its latest state) between @from and @to. */
static gboolean
device_active_between (DriftWalk *w,
                       gint64     from,
                       gint64     to,
                       gboolean  *active,
                       GError   **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (w->db,
                          "SELECT 1 FROM twin_snapshots WHERE hub_id = ?1 AND device_id = ?2"
                          "   AND last_activity BETWEEN ?3 AND ?4"
                          " UNION ALL "
                          "SELECT 1 FROM devices WHERE hub_id = ?1 AND device_id = ?2"
                          "   AND last_activity BETWEEN ?3 AND ?4"
                          " LIMIT 1",
                          -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (w->db, "device activity", error);
  sqlite3_bind_int64 (st, 1, w->hub_id);
  sqlite3_bind_text (st, 2, w->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, from);
  sqlite3_bind_int64 (st, 4, to);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _attest_fleet_sql_error (w->db, "device activity", error);
  *active = rc == SQLITE_ROW;
  return TRUE;
}

/* The deployment that set the module's desired image in the $edgeAgent
 * twin @agent_id ($metadata …$lastUpdatedBy), as a deployment_versions row
 * in effect at @at; 0 when not known. */
static gint64
desired_by (DriftWalk  *w,
            gint64      agent_id,
            const char *module_id,
            gint64      at,
            char      **label)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(sqlite3_stmt) vst = NULL;
  AttestAgentInfo info;
  const char *config;
  gint64 version_id = 0;

  *label = NULL;
  if (agent_id == 0
      || sqlite3_prepare_v2 (w->db, "SELECT raw FROM twin_snapshots WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (st, 1, agent_id);
  if (sqlite3_step (st) != SQLITE_ROW)
    return 0;
  _attest_agent_info_parse ((const char *) sqlite3_column_text (st, 0), sqlite3_column_bytes (st, 0), &info);
  config = g_hash_table_lookup (info.updated_by, module_id);
  if (config)
    version_id = _attest_deploy_index_lookup (w->deploys, w->hub_id, config, at);
  if (version_id != 0
      && sqlite3_prepare_v2 (w->db, "SELECT etag FROM deployment_versions WHERE id = ?1", -1, &vst, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (vst, 1, version_id);
      if (sqlite3_step (vst) == SQLITE_ROW)
        *label = version_label (config, (const char *) sqlite3_column_text (vst, 0));
    }
  _attest_agent_info_clear (&info);
  return *label ? version_id : 0;
}

/* Severity medium: the device does not run what the organisation decided
 * it should, which the officer must know, but the model it runs was
 * itself deployed (the rules on deployments judge that). */
static gboolean
drift_finish (DriftWalk *w,
              ModState  *m,
              gint64     end,
              gboolean   ongoing,
              GError   **error)
{
  g_autofree char *subject = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dlabel = NULL;
  AttestFinding *finding;
  gboolean active = FALSE;
  gint64 deployment;
  char from[32], until[32];
  guint i;

  if (end - m->start <= w->tolerance)
    return TRUE;
  /* A device that was not online at all while its desired model moved on
   * (offline, or registered and never connected) could not have pulled
   * it: that is stale-device's finding, not a drift.  A device that came
   * back online and still did not converge is drifting. */
  if (!device_active_between (w, m->start, end, &active, error))
    return FALSE;
  if (!active)
    return TRUE;

  format_time (m->start, from);
  format_time (end, until);
  subject = g_strdup_printf ("%s/%s/%s", w->hub, w->device_id, m->module_id);
  key = g_strdup (from);
  if (ongoing)
    finding = attest_rule_emit (w->ctx, ATTEST_SEVERITY_MEDIUM, "module", subject, key, m->start,
                                _("%s/%s module %s has reported model version %s while %s is desired since %s"
                                  " (%.1f days, tolerance %g hours)"),
                                w->hub, w->device_id, m->module_id, m->start_reported, m->start_desired, from,
                                (double) (end - m->start) / (TICKS_PER_HOUR * 24), w->tolerance / (double) TICKS_PER_HOUR);
  else
    finding = attest_rule_emit (w->ctx, ATTEST_SEVERITY_MEDIUM, "module", subject, key, m->start,
                                _("%s/%s module %s reported model version %s while %s was desired from %s until %s"
                                  " (%.1f days, tolerance %g hours)"),
                                w->hub, w->device_id, m->module_id, m->start_reported, m->start_desired, from, until,
                                (double) (end - m->start) / (TICKS_PER_HOUR * 24), w->tolerance / (double) TICKS_PER_HOUR);
  deployment = desired_by (w, m->start_agent_id, m->module_id, m->start, &dlabel);
  if (deployment)
    attest_finding_add_evidence (finding, "deployment_versions", deployment, dlabel);
  for (i = 0; i < m->cites->len; i++)
    {
      Cite *c = g_ptr_array_index (m->cites, i);
      attest_finding_add_evidence (finding, "twin_snapshots", c->id, c->label);
    }
  return TRUE;
}

static void
cite (ModState   *m,
      gint64      id,
      const char *device_id,
      const char *module_id,
      gint64      twin_version)
{
  Cite *c;
  guint i;

  for (i = 0; i < m->cites->len; i++)
    if (((Cite *) g_ptr_array_index (m->cites, i))->id == id)
      return;
  c = g_new0 (Cite, 1);
  c->id = id;
  c->label = snapshot_label (device_id, module_id, twin_version);
  g_ptr_array_add (m->cites, c);
}

/* After snapshot @id (of twin @twin_module) changed what is known about
 * @m: opens, extends or closes its drift. */
static gboolean
drift_step (DriftWalk  *w,
            ModState   *m,
            gint64      id,
            const char *twin_module,
            gint64      twin_version,
            gint64      at,
            GError    **error)
{
  gboolean drifting = m->desired && m->reported && attest_version_compare (m->desired, m->reported) != 0;

  if (drifting)
    {
      if (m->start == ATTEST_TIME_NONE)
        {
          m->start = at;
          g_free (m->start_desired);
          g_free (m->start_reported);
          m->start_desired = g_strdup (m->desired);
          m->start_reported = g_strdup (m->reported);
          m->start_agent_id = w->agent_id;
          g_ptr_array_set_size (m->cites, 0);
        }
      cite (m, id, w->device_id, twin_module, twin_version);
    }
  else if (m->start != ATTEST_TIME_NONE)
    {
      /* The snapshot that shows it cleared bounds the run: cite it too. */
      cite (m, id, w->device_id, twin_module, twin_version);
      if (!drift_finish (w, m, at, FALSE, error))
        return FALSE;
      m->start = ATTEST_TIME_NONE;
    }
  return TRUE;
}

static ModState *
mod_state (DriftWalk  *w,
           const char *module_id)
{
  ModState *m = g_hash_table_lookup (w->modules, module_id);

  if (m == NULL)
    {
      m = g_new0 (ModState, 1);
      m->module_id = g_strdup (module_id);
      m->start = ATTEST_TIME_NONE;
      m->cites = g_ptr_array_new_with_free_func (cite_free);
      g_hash_table_insert (w->modules, m->module_id, m);
    }
  return m;
}

static gboolean
drift_device_end (DriftWalk *w,
                  gint64     now,
                  GError   **error)
{
  g_autoptr(GList) keys = NULL;
  GList *l;

  if (w->device_id == NULL)
    return TRUE;
  keys = g_list_sort (g_hash_table_get_keys (w->modules), (GCompareFunc) strcmp);
  for (l = keys; l; l = l->next)
    {
      ModState *m = g_hash_table_lookup (w->modules, l->data);
      if (m->start != ATTEST_TIME_NONE && !drift_finish (w, m, MAX (now, m->start), TRUE, error))
        return FALSE;
    }
  g_hash_table_remove_all (w->modules);
  g_clear_pointer (&w->device_id, g_free);
  g_clear_pointer (&w->hub, g_free);
  w->agent_id = 0;
  return TRUE;
}

/* The rows of one snapshot (one per module it names). */
typedef struct
{
  gint64     id;
  gint64     hub_id;
  char      *hub;
  char      *device_id;
  char      *twin_module;
  gint64     twin_version;
  gint64     at;
  GPtrArray *rows;   /* Row */
} Batch;

typedef struct
{
  char *module_id;
  char *model_version;
  char *image;
  char *desired_image;
} Row;

static void
row_free (gpointer data)
{
  Row *r = data;

  g_free (r->module_id);
  g_free (r->model_version);
  g_free (r->image);
  g_free (r->desired_image);
  g_free (r);
}

static void
batch_clear (Batch *b)
{
  g_clear_pointer (&b->hub, g_free);
  g_clear_pointer (&b->device_id, g_free);
  g_clear_pointer (&b->twin_module, g_free);
  if (b->rows)
    g_ptr_array_set_size (b->rows, 0);
  b->id = 0;
}

static gboolean
drift_batch (DriftWalk *w,
             Batch     *b,
             gint64     now,
             GError   **error)
{
  g_autoptr(GList) keys = NULL;
  GList *l;
  guint i;

  if (b->id == 0)
    return TRUE;
  if (w->device_id == NULL || b->hub_id != w->hub_id || g_strcmp0 (b->device_id, w->device_id) != 0)
    {
      if (!drift_device_end (w, now, error))
        return FALSE;
      w->hub_id = b->hub_id;
      w->hub = g_strdup (b->hub);
      w->device_id = g_strdup (b->device_id);
    }

  if (!g_str_equal (b->twin_module, "$edgeAgent"))
    {
      for (i = 0; i < b->rows->len; i++)
        {
          Row *r = g_ptr_array_index (b->rows, i);
          ModState *m = mod_state (w, r->module_id);

          if (r->model_version)
            {
              g_free (m->reported);
              m->reported = g_strdup (r->model_version);
            }
          if (!drift_step (w, m, b->id, b->twin_module, b->twin_version, b->at, error))
            return FALSE;
        }
      return TRUE;
    }

  /* $edgeAgent: a module it does not list is no longer desired. */
  w->agent_id = b->id;
  keys = g_hash_table_get_keys (w->modules);
  for (l = keys; l; l = l->next)
    {
      ModState *m = g_hash_table_lookup (w->modules, l->data);
      m->touched = FALSE;
    }
  for (i = 0; i < b->rows->len; i++)
    {
      Row *r = g_ptr_array_index (b->rows, i);
      ModState *m = mod_state (w, r->module_id);
      g_autofree char *name = NULL;
      g_autofree char *version = NULL;

      m->touched = TRUE;
      _attest_split_image (r->desired_image, &name, &version);
      g_free (m->desired);
      m->desired = g_steal_pointer (&version);
      g_clear_pointer (&name, g_free);
      _attest_split_image (r->image, &name, &version);
      if (version)
        {
          g_free (m->reported);
          m->reported = g_steal_pointer (&version);
        }
    }
  g_clear_pointer (&keys, g_list_free);
  keys = g_list_sort (g_hash_table_get_keys (w->modules), (GCompareFunc) strcmp);
  for (l = keys; l; l = l->next)
    {
      ModState *m = g_hash_table_lookup (w->modules, l->data);

      if (!m->touched)
        g_clear_pointer (&m->desired, g_free);
      if (!drift_step (w, m, b->id, b->twin_module, b->twin_version, b->at, error))
        return FALSE;
    }
  return TRUE;
}

/* Per device and custom module, the dated snapshots are walked in time
 * order: the $edgeAgent twin gives the desired image (its tag is the
 * desired model version; a module it no longer lists is no longer
 * desired) and the running image; the module's own twin gives the model
 * it reports.  The newest of those is what the module runs.  Each run of
 * snapshots in which desired and running versions differ is one drift,
 * from the change time of its first snapshot to that of the snapshot that
 * shows it cleared (or "now" when it has not); it is a finding when that
 * is longer than [drift] tolerance_hours.  Undated snapshots (state
 * exports) cannot be placed in time and are skipped. */
static gboolean
rule_twin_drift (AttestRuleContext *ctx,
                 GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  gint64 now = attest_rule_context_get_now (ctx);
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(AttestDeployIndex) deploys = NULL;
  g_autoptr(GHashTable) modules = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, mod_state_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  DriftWalk w = { 0 };
  Batch b = { 0 };
  gboolean ok = TRUE;
  int rc;

  w.ctx = ctx;
  w.db = attest_store_get_db (store);
  w.tolerance = (gint64) (policy->drift_tolerance_hours * TICKS_PER_HOUR);
  w.modules = modules;
  b.rows = rows;
  deploys = _attest_deploy_index_new (w.db, error);
  if (deploys == NULL)
    return FALSE;
  w.deploys = deploys;

  if (sqlite3_prepare_v2 (w.db,
                          "SELECT s.id, s.hub_id, h.name, s.device_id, s.module_id, coalesce (s.twin_version, -1),"
                          "       s.changed_at, m.module_id, m.model_version, m.image, m.desired_image"
                          " FROM twin_snapshots s"
                          " JOIN hubs h ON h.id = s.hub_id"
                          " LEFT JOIN module_models m ON m.snapshot_id = s.id"
                          " WHERE s.changed_at IS NOT NULL"
                          "   AND (s.module_id = '$edgeAgent' OR m.snapshot_id IS NOT NULL)"
                          " ORDER BY s.hub_id, s.device_id, s.changed_at, s.id, m.module_id",
                          -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (w.db, "twin snapshots", error);

  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);

      if (id != b.id)
        {
          ok = drift_batch (&w, &b, now, error);
          batch_clear (&b);
          b.id = id;
          b.hub_id = sqlite3_column_int64 (st, 1);
          b.hub = g_strdup ((const char *) sqlite3_column_text (st, 2));
          b.device_id = g_strdup ((const char *) sqlite3_column_text (st, 3));
          b.twin_module = g_strdup ((const char *) sqlite3_column_text (st, 4));
          b.twin_version = sqlite3_column_int64 (st, 5);
          b.at = col_time (st, 6);
        }
      if (sqlite3_column_type (st, 7) != SQLITE_NULL)
        {
          Row *r = g_new0 (Row, 1);
          r->module_id = g_strdup ((const char *) sqlite3_column_text (st, 7));
          r->model_version = g_strdup ((const char *) sqlite3_column_text (st, 8));
          r->image = g_strdup ((const char *) sqlite3_column_text (st, 9));
          r->desired_image = g_strdup ((const char *) sqlite3_column_text (st, 10));
          g_ptr_array_add (b.rows, r);
        }
    }
  if (ok && rc != SQLITE_DONE)
    ok = _attest_fleet_sql_error (w.db, "twin snapshots", error);
  if (ok)
    ok = drift_batch (&w, &b, now, error);
  if (ok)
    ok = drift_device_end (&w, now, error);
  batch_clear (&b);
  g_free (w.device_id);
  g_free (w.hub);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* missing-audit */

/* A Configurations resource-log record (create or update) of @config_id on
 * @hub, or an activity-log event naming the configuration, within
 * AUDIT_MATCH_SECONDS of @at. */
static gboolean
audit_record_near (sqlite3    *db,
                   const char *hub,
                   const char *config_id,
                   gint64      at,
                   gboolean   *found,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *lower = g_ascii_strdown (hub, -1);
  g_autofree char *config_lower = NULL;
  g_autofree char *path = NULL;
  gint64 window = AUDIT_MATCH_SECONDS * ATTEST_TICKS_PER_SECOND;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT 1 FROM audit_events"
                          " WHERE id BETWEEN ?1 AND ?2"
                          "   AND ((kind = 'resource-log' AND category = 'Configurations'"
                          "         AND lower (hub) = ?3 AND target = ?4"
                          "         AND (lower (operation) LIKE '%create%' OR lower (operation) LIKE '%update%'))"
                          "     OR (kind = 'activity'"
                          "         AND (target = ?4 OR instr (lower (resource_id), ?5) > 0)))"
                          " LIMIT 1",
                          -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "audit events", error);
  config_lower = g_ascii_strdown (config_id, -1);
  path = g_strdup_printf ("/iothubs/%s/configurations/%s", lower, config_lower);
  sqlite3_bind_int64 (st, 1, attest_event_id_first (at - window));
  sqlite3_bind_int64 (st, 2, attest_event_id_last (at + window));
  sqlite3_bind_text (st, 3, lower, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, config_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, path, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "audit events", error);
  *found = rc == SQLITE_ROW;
  return TRUE;
}

typedef struct
{
  gint64  id;
  char   *event_id;
  gint64  at;
} Event;

static void
event_clear (Event *e)
{
  g_clear_pointer (&e->event_id, g_free);
  e->id = 0;
  e->at = ATTEST_TIME_NONE;
}

/* The newest successful activity-log event of @operation on a diagnostic
 * setting of @hub at or before @before (@newest TRUE), or the oldest at or
 * after @after (@newest FALSE). */
static gboolean
diagnostic_event (sqlite3    *db,
                  const char *hub,
                  const char *operation,
                  gint64      time,
                  gboolean    newest,
                  Event      *out,
                  GError    **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *lower = g_ascii_strdown (hub, -1);
  g_autofree char *path = g_strdup_printf ("/iothubs/%s/providers/microsoft.insights/diagnosticsettings/", lower);
  int rc;

  event_clear (out);
  if (sqlite3_prepare_v2 (db,
                          newest
                          ? "SELECT id, event_id FROM audit_events"
                            " WHERE kind = 'activity' AND id <= ?1 AND lower (operation) = ?2"
                            "   AND lower (coalesce (status, '')) = 'succeeded'"
                            "   AND instr (lower (resource_id), ?3) > 0"
                            " ORDER BY id DESC LIMIT 1"
                          : "SELECT id, event_id FROM audit_events"
                            " WHERE kind = 'activity' AND id >= ?1 AND lower (operation) = ?2"
                            "   AND lower (coalesce (status, '')) = 'succeeded'"
                            "   AND instr (lower (resource_id), ?3) > 0"
                            " ORDER BY id LIMIT 1",
                          -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "audit events", error);
  sqlite3_bind_int64 (st, 1, newest ? attest_event_id_last (time) : attest_event_id_first (time));
  sqlite3_bind_text (st, 2, operation, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, path, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      out->id = sqlite3_column_int64 (st, 0);
      out->event_id = g_strdup ((const char *) sqlite3_column_text (st, 1));
      out->at = attest_event_id_time (out->id);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "audit events", error);
  return TRUE;
}

/* Severity high: a change to what models devices run left no trace in
 * the audit trail, so nobody can show who made it. */
static gboolean
missing_audit_check (AttestRuleContext       *ctx,
                     sqlite3                 *db,
                     AttestDeploymentVersion *v,
                     gboolean                 creation,
                     gint64                   at,
                     GError                 **error)
{
  g_autofree char *subject = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  AttestFinding *finding;
  gboolean found = FALSE;
  Event off = { 0, NULL, ATTEST_TIME_NONE }, on = { 0, NULL, ATTEST_TIME_NONE };
  char when[32], off_at[32], on_at[32];

  if (!audit_record_near (db, v->hub, v->config_id, at, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  /* Was the hub's diagnostic setting deleted at the time?  Then the
   * deletion (and the restore, if any) explain the gap: cite them. */
  if (!diagnostic_event (db, v->hub, "microsoft.insights/diagnosticsettings/delete", at, TRUE, &off, error))
    return FALSE;
  if (off.id != 0
      && !diagnostic_event (db, v->hub, "microsoft.insights/diagnosticsettings/write", off.at, FALSE, &on, error))
    {
      event_clear (&off);
      return FALSE;
    }
  if (on.id != 0 && on.at <= at)
    {
      /* restored before the change: logging was on, no explanation */
      event_clear (&off);
      event_clear (&on);
    }

  format_time (at, when);
  subject = g_strdup_printf ("%s/%s", v->hub, v->config_id);
  key = g_strdup_printf ("%s%s", creation ? "created:" : "", v->etag);
  if (off.id != 0)
    {
      format_time (off.at, off_at);
      if (on.id != 0)
        format_time (on.at, on_at);
      else
        g_strlcpy (on_at, _("not restored"), sizeof on_at);
    }
  if (off.id == 0)
    finding = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, at,
                                creation
                                ? _("Configuration %s on %s was created at %s (etag %s) but no Configurations"
                                    " resource-log record or activity-log event records it")
                                : _("Configuration %s on %s was changed at %s (etag %s) but no Configurations"
                                    " resource-log record or activity-log event records it"),
                                v->config_id, v->hub, when, v->etag);
  else
    finding = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, at,
                                creation
                                ? _("Configuration %s on %s was created at %s (etag %s) while the hub's diagnostic"
                                    " setting was deleted (%s, restored: %s), so no audit record exists for it")
                                : _("Configuration %s on %s was changed at %s (etag %s) while the hub's diagnostic"
                                    " setting was deleted (%s, restored: %s), so no audit record exists for it"),
                                v->config_id, v->hub, when, v->etag, off_at, on_at);
  label = version_label (v->config_id, v->etag);
  attest_finding_add_evidence (finding, "deployment_versions", v->version_id, label);
  if (off.id != 0)
    attest_finding_add_evidence (finding, "audit_events", off.id, off.event_id);
  if (on.id != 0)
    attest_finding_add_evidence (finding, "audit_events", on.id, on.event_id);
  event_clear (&off);
  event_clear (&on);
  return TRUE;
}

/* Every stored configuration version must have its audit record: the
 * first stored version of a configuration its creation (createdTimeUtc),
 * and every version whose lastUpdatedTimeUtc lies after the creation its
 * update.  A version seen in several exports is one row, checked once. */
static gboolean
rule_missing_audit (AttestRuleContext *ctx,
                    GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 window = AUDIT_MATCH_SECONDS * ATTEST_TICKS_PER_SECOND;
  guint i;

  timeline = attest_deployment_timeline (store, NULL, error);
  if (timeline == NULL)
    return FALSE;
  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);
      gboolean first = !g_hash_table_contains (seen, &v->deployment_id);

      if (first)
        g_hash_table_add (seen, &v->deployment_id);
      if (first && v->created_at != ATTEST_TIME_NONE
          && !missing_audit_check (ctx, db, v, TRUE, v->created_at, error))
        return FALSE;
      if (v->updated_at != ATTEST_TIME_NONE
          && (v->created_at == ATTEST_TIME_NONE || v->updated_at - v->created_at > window)
          && !missing_audit_check (ctx, db, v, FALSE, v->updated_at, error))
        return FALSE;
    }
  return TRUE;
}


const AttestRule _attest_rules_deployments[] = {
  { "no-canary", N_("Fleet rollout without a canary"), rule_no_canary },
  { "twin-drift", N_("Desired and running model differ too long"), rule_twin_drift },
  { "missing-audit", N_("Deployment change without an audit record"), rule_missing_audit },
  { NULL, NULL, NULL }
};
