/* attest-deployments.c: the timeline of edge deployments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IoT Hub configurations are immutable in their content (only labels,
 * priority and target condition change), so the model a configuration
 * deploys is read from its first stored version, and rollbacks compare
 * configurations, ordered by creation time, per hub and model family.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-deployments.h"
#include "attest-autocleanups.h"
#include "attest-json.h"
#include "attest-time.h"
#include "attest-version.h"

G_DEFINE_QUARK (attest-deployments-error-quark, attest_deployments_error)

const char *
attest_rollout_phase_name (AttestRolloutPhase phase)
{
  switch (phase)
    {
    case ATTEST_ROLLOUT_CANARY:
      return "canary";
    case ATTEST_ROLLOUT_FLEET:
      return "fleet";
    case ATTEST_ROLLOUT_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
attest_rollout_basis_name (AttestRolloutBasis basis)
{
  switch (basis)
    {
    case ATTEST_ROLLOUT_BASIS_TARGETED_SHARE:
      return "targeted-share";
    case ATTEST_ROLLOUT_BASIS_LABELS:
      return "labels";
    case ATTEST_ROLLOUT_BASIS_TARGET_CONDITION:
      return "target-condition";
    case ATTEST_ROLLOUT_BASIS_NONE:
    default:
      return "none";
    }
}

/* ---------------------------------------------------------------------- */

static void
deployed_model_free (gpointer data)
{
  AttestDeployedModel *m = data;

  if (m == NULL)
    return;
  g_free (m->module_id);
  g_free (m->image);
  g_free (m->model_name);
  g_free (m->model_version);
  g_free (m);
}

static void
deployment_version_free (gpointer data)
{
  AttestDeploymentVersion *v = data;

  if (v == NULL)
    return;
  g_free (v->hub);
  g_free (v->config_id);
  g_free (v->kind);
  g_free (v->etag);
  g_free (v->target_condition);
  g_free (v->labels);
  g_clear_pointer (&v->models, g_ptr_array_unref);
  g_free (v);
}

static void
rollback_free (gpointer data)
{
  AttestRollback *r = data;

  if (r == NULL)
    return;
  g_free (r->hub);
  g_free (r->model_name);
  g_free (r->from_version);
  g_free (r->to_version);
  g_free (r->config_id);
  g_free (r->previous_config_id);
  g_free (r);
}

void
attest_deployment_timeline_free (AttestDeploymentTimeline *timeline)
{
  if (timeline == NULL)
    return;
  g_clear_pointer (&timeline->versions, g_ptr_array_unref);
  g_clear_pointer (&timeline->rollbacks, g_ptr_array_unref);
  g_free (timeline);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  const unsigned char *t = sqlite3_column_text (stmt, col);

  return t ? g_strdup ((const char *) t) : NULL;
}

static gint64
column_int_or (sqlite3_stmt *stmt,
               int           col,
               gint64        fallback)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return fallback;
  return sqlite3_column_int64 (stmt, col);
}

static gboolean
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  const char *what)
{
  g_set_error (error, ATTEST_DEPLOYMENTS_ERROR, ATTEST_DEPLOYMENTS_ERROR_SQLITE,
               "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Rollout phase */

static gboolean
word_in (const char *haystack,
         const char *const *words)
{
  g_autofree char *lower = g_ascii_strdown (haystack, -1);
  guint i;

  for (i = 0; words[i]; i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static const char *const canary_words[] = { "canary", "pilot", "preview", "test", NULL };
static const char *const fleet_words[] = { "fleet", "prod", "production", "broad", "ga", "rollback", "base", NULL };

static AttestRolloutPhase
phase_from_labels (const char *labels)
{
  g_autoptr(AttestJsonDoc) doc = NULL;
  AttestJsonNode *root;
  const char *ring;
  guint i;

  if (labels == NULL)
    return ATTEST_ROLLOUT_UNKNOWN;
  doc = attest_json_doc_new ();
  root = attest_json_doc_parse (doc, labels, strlen (labels), NULL);
  if (root == NULL || root->type != ATTEST_JSON_OBJECT)
    return ATTEST_ROLLOUT_UNKNOWN;
  ring = attest_json_get_string (root, "ring");
  if (ring == NULL)
    return ATTEST_ROLLOUT_UNKNOWN;
  if (word_in (ring, canary_words))
    return ATTEST_ROLLOUT_CANARY;
  for (i = 0; fleet_words[i]; i++)
    if (g_ascii_strcasecmp (ring, fleet_words[i]) == 0)
      return ATTEST_ROLLOUT_FLEET;
  return ATTEST_ROLLOUT_UNKNOWN;
}

static AttestRolloutPhase
phase_from_condition (const char *condition)
{
  static const char *const device_words[] = { "deviceid", NULL };
  g_autofree char *trimmed = NULL;

  if (condition == NULL)
    return ATTEST_ROLLOUT_UNKNOWN;
  trimmed = g_strstrip (g_strdup (condition));
  if (trimmed[0] == '\0')
    return ATTEST_ROLLOUT_UNKNOWN;
  if (g_str_equal (trimmed, "*"))
    return ATTEST_ROLLOUT_FLEET;
  /* Rings named in tags, or devices named one by one. */
  if (word_in (trimmed, canary_words) || word_in (trimmed, device_words))
    return ATTEST_ROLLOUT_CANARY;
  return ATTEST_ROLLOUT_FLEET;
}

static void
classify (AttestDeploymentVersion *v,
          double                   threshold)
{
  v->target_share = -1;
  if (v->targeted >= 0 && v->hub_edge_devices > 0)
    v->target_share = (double) v->targeted / (double) v->hub_edge_devices;
  /* A count of 0 usually means "not evaluated yet", not "no devices". */
  if (v->targeted > 0 && v->hub_edge_devices > 0)
    {
      v->phase = v->target_share < threshold ? ATTEST_ROLLOUT_CANARY : ATTEST_ROLLOUT_FLEET;
      v->phase_basis = ATTEST_ROLLOUT_BASIS_TARGETED_SHARE;
      return;
    }
  v->phase = phase_from_labels (v->labels);
  if (v->phase != ATTEST_ROLLOUT_UNKNOWN)
    {
      v->phase_basis = ATTEST_ROLLOUT_BASIS_LABELS;
      return;
    }
  v->phase = phase_from_condition (v->target_condition);
  v->phase_basis = v->phase != ATTEST_ROLLOUT_UNKNOWN ? ATTEST_ROLLOUT_BASIS_TARGET_CONDITION
                                                      : ATTEST_ROLLOUT_BASIS_NONE;
}

/* ---------------------------------------------------------------------- */
/* Rollbacks */

typedef struct
{
  gint64     deployment_id;
  gint64     created;
  GPtrArray *versions;   /* AttestDeploymentVersion (borrowed), by at */
} Config;

static void
config_free (gpointer data)
{
  Config *c = data;

  g_ptr_array_unref (c->versions);
  g_free (c);
}

static gint64
version_created (AttestDeploymentVersion *v)
{
  return v->created_at != ATTEST_TIME_NONE ? v->created_at : v->at;
}

static int
config_cmp (gconstpointer a,
            gconstpointer b)
{
  const Config *x = *(Config * const *) a;
  const Config *y = *(Config * const *) b;
  AttestDeploymentVersion *fx = g_ptr_array_index (x->versions, 0);
  AttestDeploymentVersion *fy = g_ptr_array_index (y->versions, 0);
  int c;

  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  c = g_ascii_strcasecmp (fx->hub, fy->hub);
  if (c != 0)
    return c;
  return fx->version_id < fy->version_id ? -1 : fx->version_id > fy->version_id;
}

typedef struct
{
  Config     *config;
  const char *version;
} FamilyLast;

static AttestDeploymentVersion *
version_at (Config *c,
            gint64  at)
{
  AttestDeploymentVersion *best = g_ptr_array_index (c->versions, 0);
  guint i;

  for (i = 0; i < c->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (c->versions, i);
      if (v->at != ATTEST_TIME_NONE && v->at <= at)
        best = v;
    }
  return best;
}

/* @all: every version in time order.  Marks rollback configurations and
 * returns the rollbacks in creation order. */
static GPtrArray *
find_rollbacks (GPtrArray *all)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func (config_free);
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *rollbacks = g_ptr_array_new_with_free_func (rollback_free);
  guint i, j;

  for (i = 0; i < all->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (all, i);
      Config *c = g_hash_table_lookup (by_id, &v->deployment_id);

      if (c == NULL)
        {
          c = g_new0 (Config, 1);
          c->deployment_id = v->deployment_id;
          c->created = version_created (v);
          c->versions = g_ptr_array_new ();
          g_hash_table_insert (by_id, &c->deployment_id, c);
          g_ptr_array_add (configs, c);
        }
      g_ptr_array_add (c->versions, v);
      if (version_created (v) < c->created)
        c->created = version_created (v);
    }
  g_ptr_array_sort (configs, config_cmp);

  for (i = 0; i < configs->len; i++)
    {
      Config *c = g_ptr_array_index (configs, i);
      AttestDeploymentVersion *first = g_ptr_array_index (c->versions, 0);

      for (j = 0; j < first->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (first->models, j);
          g_autofree char *key = NULL;
          g_autofree char *hub = NULL;
          FamilyLast *prev;

          if (m->model_name == NULL || m->model_version == NULL)
            continue;
          hub = g_utf8_casefold (first->hub, -1);
          key = g_strdup_printf ("%s\n%s", hub, m->model_name);
          prev = g_hash_table_lookup (last, key);
          if (prev && prev->config != c
              && attest_version_compare (m->model_version, prev->version) < 0)
            {
              AttestRollback *r = g_new0 (AttestRollback, 1);
              AttestDeploymentVersion *pv = version_at (prev->config, c->created);
              AttestDeploymentVersion *pfirst = g_ptr_array_index (prev->config->versions, 0);
              guint k;

              r->hub = g_strdup (first->hub);
              r->model_name = g_strdup (m->model_name);
              r->from_version = g_strdup (prev->version);
              r->to_version = g_strdup (m->model_version);
              r->at = c->created;
              r->config_id = g_strdup (first->config_id);
              r->version_id = first->version_id;
              r->previous_config_id = g_strdup (pfirst->config_id);
              r->previous_version_id = pv->version_id;
              g_ptr_array_add (rollbacks, r);
              for (k = 0; k < c->versions->len; k++)
                ((AttestDeploymentVersion *) g_ptr_array_index (c->versions, k))->rollback = TRUE;
            }
          if (prev == NULL || prev->config != c)
            {
              prev = g_new0 (FamilyLast, 1);
              prev->config = c;
              prev->version = m->model_version;
              g_hash_table_replace (last, g_steal_pointer (&key), prev);
            }
        }
    }
  return rollbacks;
}

/* ---------------------------------------------------------------------- */

static GHashTable *
load_models (sqlite3  *db,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) by_version = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                            (GDestroyNotify) g_ptr_array_unref);
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT version_id, module_id, image, model_name, model_version "
                          "FROM deployment_modules ORDER BY version_id, module_id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, db, "deployment_modules");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      GPtrArray *list = g_hash_table_lookup (by_version, &id);
      AttestDeployedModel *m = g_new0 (AttestDeployedModel, 1);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (deployed_model_free);
          g_hash_table_insert (by_version, g_memdup2 (&id, sizeof id), list);
        }
      m->module_id = column_text (stmt, 1);
      m->image = column_text (stmt, 2);
      m->model_name = column_text (stmt, 3);
      m->model_version = column_text (stmt, 4);
      g_ptr_array_add (list, m);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, db, "deployment_modules");
      return NULL;
    }
  return g_steal_pointer (&by_version);
}

static gboolean
in_window (gint64 at,
           gint64 since,
           gint64 until)
{
  if (since != ATTEST_TIME_NONE && (at == ATTEST_TIME_NONE || at < since))
    return FALSE;
  if (until != ATTEST_TIME_NONE && (at == ATTEST_TIME_NONE || at > until))
    return FALSE;
  return TRUE;
}

AttestDeploymentTimeline *
attest_deployment_timeline (AttestStore                 *store,
                            const AttestDeploymentQuery *query,
                            GError                     **error)
{
  static const AttestDeploymentQuery defaults = { NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, 0 };
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) models = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (deployment_version_free);
  g_autoptr(GPtrArray) rollbacks = NULL;
  g_autoptr(AttestDeploymentTimeline) timeline = g_new0 (AttestDeploymentTimeline, 1);
  double threshold;
  guint i;
  int rc;

  if (query == NULL)
    query = &defaults;
  threshold = query->canary_share > 0 ? query->canary_share : ATTEST_DEFAULT_CANARY_SHARE;
  if (query->since != ATTEST_TIME_NONE && query->until != ATTEST_TIME_NONE && query->since > query->until)
    {
      g_set_error_literal (error, ATTEST_DEPLOYMENTS_ERROR, ATTEST_DEPLOYMENTS_ERROR_INVALID,
                           _("The start of the period is after its end"));
      return NULL;
    }

  models = load_models (db, error);
  if (models == NULL)
    return NULL;

  if (sqlite3_prepare_v2 (db,
                          "SELECT v.id, d.id, h.name, d.config_id, d.kind, v.etag, v.created_at, "
                          "       v.updated_at, v.priority, v.target_condition, v.labels, v.targeted, "
                          "       v.applied, v.reported_ok, v.reported_failed, "
                          "       (SELECT count (*) FROM devices x WHERE x.hub_id = d.hub_id AND x.is_edge = 1) "
                          "FROM deployment_versions v "
                          "JOIN deployments d ON d.id = v.deployment_id "
                          "JOIN hubs h ON h.id = d.hub_id "
                          "WHERE ?1 IS NULL OR h.name = ?1 "
                          "ORDER BY coalesce (v.updated_at, v.created_at), h.name, d.config_id, v.id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, db, "deployment_versions");
      return NULL;
    }
  if (query->hub)
    sqlite3_bind_text (stmt, 1, query->hub, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestDeploymentVersion *v = g_new0 (AttestDeploymentVersion, 1);
      GPtrArray *list;

      v->version_id = sqlite3_column_int64 (stmt, 0);
      v->deployment_id = sqlite3_column_int64 (stmt, 1);
      v->hub = column_text (stmt, 2);
      v->config_id = column_text (stmt, 3);
      v->kind = column_text (stmt, 4);
      v->etag = column_text (stmt, 5);
      v->created_at = column_int_or (stmt, 6, ATTEST_TIME_NONE);
      v->updated_at = column_int_or (stmt, 7, ATTEST_TIME_NONE);
      v->at = v->updated_at != ATTEST_TIME_NONE ? v->updated_at : v->created_at;
      v->has_priority = sqlite3_column_type (stmt, 8) != SQLITE_NULL;
      v->priority = sqlite3_column_int64 (stmt, 8);
      v->target_condition = column_text (stmt, 9);
      v->labels = column_text (stmt, 10);
      v->targeted = column_int_or (stmt, 11, -1);
      v->applied = column_int_or (stmt, 12, -1);
      v->reported_ok = column_int_or (stmt, 13, -1);
      v->reported_failed = column_int_or (stmt, 14, -1);
      v->hub_edge_devices = sqlite3_column_int64 (stmt, 15);
      v->models = g_ptr_array_new_with_free_func (deployed_model_free);
      list = g_hash_table_lookup (models, &v->version_id);
      if (list)
        {
          guint k;
          for (k = 0; k < list->len; k++)
            {
              AttestDeployedModel *src = g_ptr_array_index (list, k);
              AttestDeployedModel *m = g_new0 (AttestDeployedModel, 1);
              m->module_id = g_strdup (src->module_id);
              m->image = g_strdup (src->image);
              m->model_name = g_strdup (src->model_name);
              m->model_version = g_strdup (src->model_version);
              g_ptr_array_add (v->models, m);
            }
        }
      classify (v, threshold);
      g_ptr_array_add (all, v);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, db, "deployment_versions");
      return NULL;
    }

  rollbacks = find_rollbacks (all);

  timeline->versions = g_ptr_array_new_with_free_func (deployment_version_free);
  timeline->rollbacks = g_ptr_array_new_with_free_func (rollback_free);
  for (i = 0; i < all->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (all, i);
      if (in_window (v->at, query->since, query->until))
        g_ptr_array_add (timeline->versions, g_steal_pointer (&all->pdata[i]));
    }
  for (i = 0; i < rollbacks->len; i++)
    {
      AttestRollback *r = g_ptr_array_index (rollbacks, i);
      if (in_window (r->at, query->since, query->until))
        g_ptr_array_add (timeline->rollbacks, g_steal_pointer (&rollbacks->pdata[i]));
    }
  return g_steal_pointer (&timeline);
}
