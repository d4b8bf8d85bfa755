/* attest-lineage.c: data -> job -> model version -> deployments -> devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only over the store.  Upstream comes from lineage_edges (written
 * by the Azure ML importer: data:NAME:VER / data:NAME@latest / uri:URI ->
 * job:NAME -> model:NAME:VER) and ml_assets; raw datastore paths and
 * @latest references are resolved against the data versions' dataUri and
 * creation times (FORMATS.md, 4).  Downstream comes from
 * deployment_modules (model name/version derived from the module image)
 * and module_models (what module twins report, or $edgeAgent's image
 * tags), with the device twin's "configurations" section naming the
 * deployments that reached a device.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include "attest-lineage.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-json.h"
#include "attest-records.h"
#include "attest-time.h"

G_DEFINE_QUARK (attest-lineage-error-quark, attest_lineage_error)

typedef struct
{
  AttestLineage *lineage;
  sqlite3       *db;
  GHashTable    *by_ref;     /* ref -> index + 1 */
  GHashTable    *edge_keys;  /* "from/to/relation" */
  gint64         at;
  const char    *only_hub;   /* device mode: deployments on this hub */
} Builder;

static const char *kind_names[] = {
  "data", "uri", "job", "model", "deployment", "device", "gap",
};

const char *
attest_lineage_kind_name (AttestLineageKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

static void
node_free (AttestLineageNode *n)
{
  g_free (n->ref);
  g_free (n->label);
  g_free (n->scope);
  g_array_unref (n->record_ids);
  g_free (n->reason);
  g_free (n->note);
  g_free (n);
}

static void
edge_free (AttestLineageLink *e)
{
  g_free (e->relation);
  g_free (e);
}

void
attest_lineage_free (AttestLineage *lineage)
{
  if (lineage == NULL)
    return;
  g_free (lineage->model_name);
  g_free (lineage->model_version);
  g_ptr_array_unref (lineage->nodes);
  g_ptr_array_unref (lineage->edges);
  g_free (lineage);
}

gboolean
attest_lineage_parse_model (const char  *text,
                            char       **name,
                            char       **version)
{
  const char *colon;

  if (text == NULL || (colon = strrchr (text, ':')) == NULL || colon == text || colon[1] == '\0')
    return FALSE;
  *name = g_strndup (text, colon - text);
  *version = g_strdup (colon + 1);
  return TRUE;
}

AttestLineageNode *
attest_lineage_find (AttestLineage *lineage,
                     const char    *ref)
{
  guint i;

  for (i = 0; i < lineage->nodes->len; i++)
    {
      AttestLineageNode *n = g_ptr_array_index (lineage->nodes, i);
      if (g_str_equal (n->ref, ref))
        return n;
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */

static gboolean
prepare (Builder       *b,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (b->db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "lineage: %s (SQLite %d)", sqlite3_errmsg (b->db), rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_failed (Builder *b,
             int      rc,
             GError **error)
{
  if (rc == SQLITE_DONE)
    return FALSE;
  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "lineage: %s (SQLite %d)", sqlite3_errmsg (b->db), rc);
  return TRUE;
}

static const char *
col_text (sqlite3_stmt *stmt,
          int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static gint64
col_time (sqlite3_stmt *stmt,
          int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? ATTEST_TIME_NONE : sqlite3_column_int64 (stmt, i);
}

static void
bind_at (sqlite3_stmt *stmt,
         int           i,
         gint64        at)
{
  if (at == ATTEST_TIME_NONE)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_int64 (stmt, i, at);
}

static AttestLineageNode *
add_node (Builder           *b,
          AttestLineageKind  kind,
          const char        *ref,
          const char        *label,
          const char        *scope,
          gboolean          *created)
{
  gpointer idx = g_hash_table_lookup (b->by_ref, ref);
  AttestLineageNode *n;

  if (created)
    *created = idx == NULL;
  if (idx != NULL)
    return g_ptr_array_index (b->lineage->nodes, GPOINTER_TO_UINT (idx) - 1);
  n = g_new0 (AttestLineageNode, 1);
  n->index = b->lineage->nodes->len;
  n->kind = kind;
  n->ref = g_strdup (ref);
  n->label = g_strdup (label);
  n->scope = g_strdup (scope);
  n->record_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  n->time = ATTEST_TIME_NONE;
  g_ptr_array_add (b->lineage->nodes, n);
  g_hash_table_insert (b->by_ref, n->ref, GUINT_TO_POINTER (n->index + 1));
  return n;
}

static void
add_record (AttestLineageNode *n,
            const char        *table,
            gint64             id)
{
  guint i;

  n->record_table = table;
  for (i = 0; i < n->record_ids->len; i++)
    if (g_array_index (n->record_ids, gint64, i) == id)
      return;
  for (i = 0; i < n->record_ids->len && g_array_index (n->record_ids, gint64, i) < id; i++)
    ;
  g_array_insert_val (n->record_ids, i, id);
}

static void
add_edge (Builder    *b,
          guint       from,
          guint       to,
          const char *relation,
          gint64      edge_id)
{
  g_autofree char *key = g_strdup_printf ("%u/%u/%s", from, to, relation);
  AttestLineageLink *e;

  if (g_hash_table_contains (b->edge_keys, key))
    return;
  e = g_new0 (AttestLineageLink, 1);
  e->from = from;
  e->to = to;
  e->relation = g_strdup (relation);
  e->edge_id = edge_id;
  g_ptr_array_add (b->lineage->edges, e);
  g_hash_table_add (b->edge_keys, g_steal_pointer (&key));
}

/* A gap node hanging off @node; @upstream: the missing piece is upstream
 * of it (an edge gap -> node), else downstream (node -> gap). */
static void
add_gap (Builder           *b,
         AttestLineageNode *node,
         const char        *what,
         gboolean           upstream,
         const char        *reason)
{
  g_autofree char *ref = g_strdup_printf ("gap:%s:%s", what, node->ref);
  guint node_index = node->index;
  AttestLineageNode *gap = add_node (b, ATTEST_LINEAGE_GAP, ref, reason, NULL, NULL);

  gap->gap = TRUE;
  g_free (gap->reason);
  gap->reason = g_strdup (reason);
  if (upstream)
    add_edge (b, gap->index, node_index, "missing", 0);
  else
    add_edge (b, node_index, gap->index, "missing", 0);
}

/* "azureml://datastores/<ds>/paths/<p>" and the long form with
 * subscriptions/…/workspaces/<ws>/ -> "<ds>/<p>" (datastore lower-case,
 * no trailing slash); NULL for anything else. */
static char *
datastore_key (const char *uri)
{
  const char *p, *ds, *slash;
  g_autofree char *lower = NULL;
  gsize len;

  if (uri == NULL || !g_str_has_prefix (uri, "azureml://"))
    return NULL;
  lower = g_ascii_strdown (uri, -1);
  p = strstr (lower, "/datastores/");
  if (p == NULL)
    return NULL;
  ds = uri + (p - lower) + strlen ("/datastores/");
  slash = strchr (ds, '/');
  if (slash == NULL || g_ascii_strncasecmp (slash, "/paths/", 7) != 0)
    return NULL;
  p = slash + 7;
  len = strlen (p);
  while (len > 0 && p[len - 1] == '/')
    len--;
  {
    g_autofree char *store = g_ascii_strdown (ds, slash - ds);
    g_autofree char *path = g_strndup (p, len);
    return g_strdup_printf ("%s/%s", store, path);
  }
}

static AttestLineageNode *
data_node (Builder    *b,
           gint64      id,
           const char *registry,
           const char *name,
           const char *version,
           gint64      created)
{
  g_autofree char *ref = g_strdup_printf ("data:%s:%s", name, version);
  g_autofree char *label = g_strdup_printf ("%s:%s", name, version);
  AttestLineageNode *n = add_node (b, ATTEST_LINEAGE_DATA, ref, label, registry, NULL);

  add_record (n, "ml_assets", id);
  n->time = created;
  return n;
}

/* One job input edge: the data node(s) it resolves to, linked to @job. */
static gboolean
add_input (Builder           *b,
           AttestLineageNode *job,
           gint64             job_created,
           const char        *registry,
           gint64             edge_id,
           const char        *src_kind,
           const char        *src_ref,
           const char        *relation,
           GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint job_index = job->index;
  int rc;

  if (g_str_equal (src_kind, "data"))
    {
      const char *at = strstr (src_ref, "@latest");
      const char *colon = strrchr (src_ref, ':');
      g_autofree char *name = NULL;
      g_autofree char *version = NULL;
      gint64 best_id = 0, best_created = ATTEST_TIME_NONE;
      g_autofree char *best_version = NULL;

      if (at != NULL)
        name = g_strndup (src_ref, at - src_ref);
      else if (colon != NULL)
        {
          name = g_strndup (src_ref, colon - src_ref);
          version = g_strdup (colon + 1);
        }
      else
        name = g_strdup (src_ref);

      if (!prepare (b, "SELECT id, version, created_at FROM ml_assets WHERE kind = 8 AND registry = ?1 AND name = ?2 "
                       "AND (?3 IS NULL OR version = ?3) ORDER BY created_at IS NULL DESC, created_at, id",
                    &stmt, error))
        return FALSE;
      sqlite3_bind_text (stmt, 1, registry, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
      if (version)
        sqlite3_bind_text (stmt, 3, version, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 3);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 created = col_time (stmt, 2);

          /* @latest: the newest version registered before the job ran. */
          if (version == NULL && job_created != ATTEST_TIME_NONE && created != ATTEST_TIME_NONE
              && created > job_created && best_id != 0)
            break;
          best_id = sqlite3_column_int64 (stmt, 0);
          best_created = created;
          g_free (best_version);
          best_version = g_strdup (col_text (stmt, 1));
        }
      if (rc != SQLITE_ROW && step_failed (b, rc, error))
        return FALSE;
      if (best_id != 0)
        {
          AttestLineageNode *n = data_node (b, best_id, registry, name, best_version, best_created);
          if (version == NULL && n->note == NULL)
            n->note = g_strdup_printf (_("“%s@latest” taken as version %s, the newest registered before the job"),
                                       name, best_version);
          add_edge (b, n->index, job_index, relation, edge_id);
        }
      else
        {
          g_autofree char *ref = g_strdup_printf ("data:%s", src_ref);
          AttestLineageNode *n = add_node (b, ATTEST_LINEAGE_DATA, ref, src_ref, registry, NULL);
          n->gap = TRUE;
          g_free (n->reason);
          n->reason = g_strdup (_("data asset not in the cache"));
          add_edge (b, n->index, job_index, relation, edge_id);
        }
      return TRUE;
    }
  else
    {
      g_autofree char *key = datastore_key (src_ref);
      gboolean matched = FALSE;

      if (key != NULL)
        {
          if (!prepare (b, "SELECT id, name, version, created_at, uri FROM ml_assets "
                           "WHERE kind = 8 AND registry = ?1 AND uri IS NOT NULL ORDER BY name, created_at, id",
                        &stmt, error))
            return FALSE;
          sqlite3_bind_text (stmt, 1, registry, -1, SQLITE_TRANSIENT);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              g_autofree char *k = datastore_key (col_text (stmt, 4));
              AttestLineageNode *n;

              if (k == NULL || !g_str_equal (k, key))
                continue;
              n = data_node (b, sqlite3_column_int64 (stmt, 0), registry, col_text (stmt, 1),
                             col_text (stmt, 2), col_time (stmt, 3));
              if (n->note == NULL)
                n->note = g_strdup_printf (_("the job read the datastore path %s, which is this data asset’s URI"), src_ref);
              add_edge (b, n->index, job_index, relation, edge_id);
              matched = TRUE;
            }
          if (rc != SQLITE_DONE && step_failed (b, rc, error))
            return FALSE;
        }
      if (!matched)
        {
          g_autofree char *ref = g_strdup_printf ("uri:%s", src_ref);
          AttestLineageNode *n = add_node (b, ATTEST_LINEAGE_URI, ref, src_ref, registry, NULL);
          n->gap = TRUE;
          g_free (n->reason);
          n->reason = g_strdup (_("input is a raw datastore path, not a registered data asset"));
          add_edge (b, n->index, job_index, relation, edge_id);
        }
      return TRUE;
    }
}

static gboolean
add_job (Builder           *b,
         AttestLineageNode *model,
         const char        *registry,
         const char        *job_name,
         gint64             edge_id,
         GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) inputs = NULL;
  g_autofree char *ref = g_strdup_printf ("job:%s", job_name);
  guint model_index = model->index;
  AttestLineageNode *job;
  gboolean created, found = FALSE;
  gint64 job_created = ATTEST_TIME_NONE;
  guint n_inputs = 0;
  int rc;

  job = add_node (b, ATTEST_LINEAGE_JOB, ref, job_name, registry, &created);
  add_edge (b, job->index, model_index, "produced", edge_id);
  if (!created)
    return TRUE;

  if (!prepare (b, "SELECT id, created_at, display_name FROM ml_assets WHERE kind = 7 AND registry = ?1 AND name = ?2",
                &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, registry, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, job_name, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      add_record (job, "ml_assets", sqlite3_column_int64 (stmt, 0));
      job->time = job_created = col_time (stmt, 1);
      found = TRUE;
    }
  if (step_failed (b, rc, error))
    return FALSE;
  if (!found)
    {
      job->gap = TRUE;
      job->reason = g_strdup (_("job not in the cache"));
      return TRUE;
    }

  if (!prepare (b, "SELECT id, src_kind, src_ref, relation FROM lineage_edges "
                   "WHERE registry = ?1 AND dst_kind = 'job' AND dst_ref = ?2 AND relation LIKE 'input:%' "
                   "ORDER BY relation, src_ref",
                &inputs, error))
    return FALSE;
  sqlite3_bind_text (inputs, 1, registry, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (inputs, 2, job_name, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (inputs)) == SQLITE_ROW)
    {
      n_inputs++;
      if (!add_input (b, g_ptr_array_index (b->lineage->nodes, job->index), job_created, registry,
                      sqlite3_column_int64 (inputs, 0), col_text (inputs, 1), col_text (inputs, 2),
                      col_text (inputs, 3), error))
        return FALSE;
    }
  if (step_failed (b, rc, error))
    return FALSE;
  if (n_inputs == 0)
    add_gap (b, g_ptr_array_index (b->lineage->nodes, job->index), "input", TRUE, _("no input data recorded"));
  return TRUE;
}

/* The model version node and everything upstream of it. */
static AttestLineageNode *
add_model (Builder    *b,
           const char *name,
           const char *version,
           GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) jobs = NULL;
  g_autofree char *mref = g_strdup_printf ("%s:%s", name, version);
  g_autofree char *ref = g_strdup_printf ("model:%s", mref);
  g_autoptr(GPtrArray) registries = g_ptr_array_new_with_free_func (g_free);
  AttestLineageNode *model;
  guint model_index, i, n_jobs = 0;
  gboolean created;
  int rc;

  model = add_node (b, ATTEST_LINEAGE_MODEL, ref, mref, NULL, &created);
  if (!created)
    return model;
  model_index = model->index;

  if (!prepare (b, "SELECT id, registry, created_at, job_name FROM ml_assets "
                   "WHERE kind = 6 AND name = ?1 AND version = ?2 ORDER BY registry",
                &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, version, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      add_record (model, "ml_assets", sqlite3_column_int64 (stmt, 0));
      if (model->scope == NULL)
        model->scope = g_strdup (col_text (stmt, 1));
      if (model->time == ATTEST_TIME_NONE)
        model->time = col_time (stmt, 2);
      g_ptr_array_add (registries, g_strdup (col_text (stmt, 1)));
    }
  if (step_failed (b, rc, error))
    return NULL;
  if (registries->len == 0)
    {
      model->gap = TRUE;
      model->reason = g_strdup (_("model version not in the registry"));
      return model;
    }

  for (i = 0; i < registries->len; i++)
    {
      const char *registry = g_ptr_array_index (registries, i);

      sqlite3_finalize (g_steal_pointer (&jobs));
      if (!prepare (b, "SELECT id, src_ref FROM lineage_edges WHERE registry = ?1 AND dst_kind = 'model' "
                       "AND dst_ref = ?2 AND src_kind = 'job' ORDER BY src_ref",
                    &jobs, error))
        return NULL;
      sqlite3_bind_text (jobs, 1, registry, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (jobs, 2, mref, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (jobs)) == SQLITE_ROW)
        {
          n_jobs++;
          if (!add_job (b, g_ptr_array_index (b->lineage->nodes, model_index), registry, col_text (jobs, 1),
                        sqlite3_column_int64 (jobs, 0), error))
            return NULL;
        }
      if (step_failed (b, rc, error))
        return NULL;
    }
  model = g_ptr_array_index (b->lineage->nodes, model_index);
  if (n_jobs == 0)
    add_gap (b, model, "job", TRUE, _("no job recorded"));
  return g_ptr_array_index (b->lineage->nodes, model_index);
}

/* Deployments whose module image is this model version (on b->only_hub
 * when set); a gap node if there are none. */
static gboolean
add_deployments (Builder           *b,
                 AttestLineageNode *model,
                 const char        *name,
                 const char        *version,
                 GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint model_index = model->index, n = 0;
  int rc;

  if (!prepare (b, "SELECT dv.id, h.name, d.config_id, dv.created_at FROM deployment_modules dm "
                   "JOIN deployment_versions dv ON dv.id = dm.version_id "
                   "JOIN deployments d ON d.id = dv.deployment_id JOIN hubs h ON h.id = d.hub_id "
                   "WHERE dm.model_name = ?1 AND dm.model_version = ?2 "
                   "AND (?3 IS NULL OR dv.created_at <= ?3) AND (?4 IS NULL OR h.name = ?4) "
                   "ORDER BY h.name, d.config_id, dv.id",
                &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, version, -1, SQLITE_TRANSIENT);
  bind_at (stmt, 3, b->at);
  if (b->only_hub)
    sqlite3_bind_text (stmt, 4, b->only_hub, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *ref = g_strdup_printf ("deployment:%s/%s", col_text (stmt, 1), col_text (stmt, 2));
      AttestLineageNode *d = add_node (b, ATTEST_LINEAGE_DEPLOYMENT, ref, col_text (stmt, 2), col_text (stmt, 1), NULL);
      gint64 created = col_time (stmt, 3);

      add_record (d, "deployment_versions", sqlite3_column_int64 (stmt, 0));
      if (created != ATTEST_TIME_NONE && (d->time == ATTEST_TIME_NONE || created < d->time))
        d->time = created;
      add_edge (b, model_index, d->index, "deploys", 0);
      n++;
    }
  if (step_failed (b, rc, error))
    return FALSE;
  if (n == 0)
    add_gap (b, g_ptr_array_index (b->lineage->nodes, model_index), "deployment", FALSE,
             _("no deployment found"));
  return TRUE;
}

/* The device's "configurations" section at @at: which deployments were
 * applied to it (or targeted it).  Returns config id -> status. */
static GHashTable *
device_configurations (Builder    *b,
                       gint64      hub_id,
                       const char *device_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* The device twin and $edgeAgent's both may carry the section. */
  if (sqlite3_prepare_v2 (b->db,
                          "SELECT raw FROM twin_snapshots WHERE hub_id = ?1 AND device_id = ?2 AND module_id IN ('', '$edgeAgent') "
                          "AND (?3 IS NULL OR changed_at <= ?3) ORDER BY module_id, changed_at IS NULL, changed_at DESC, id DESC",
                          -1, &stmt, NULL) != SQLITE_OK)
    return out;
  sqlite3_bind_int64 (stmt, 1, hub_id);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  bind_at (stmt, 3, b->at);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
      const char *raw = col_text (stmt, 0);
      AttestJsonNode *root = attest_json_doc_parse (doc, raw, strlen (raw), NULL);
      AttestJsonNode *conf = root ? attest_json_get (root, "configurations") : NULL;
      AttestJsonNode *c;

      if (conf == NULL || conf->type != ATTEST_JSON_OBJECT)
        continue;
      for (c = conf->first_child; c; c = c->next)
        if (!g_hash_table_contains (out, c->key))
          g_hash_table_insert (out, g_strdup (c->key), g_strdup (attest_json_get_string (c, "status")));
      break;  /* the newest snapshot that has the section */
    }
  return out;
}

/* The latest snapshot per (hub, device, module) at b->at, restricted by
 * the caller's WHERE on module_models/twin_snapshots. */
#define LATEST_SNAPSHOT \
  "NOT EXISTS (SELECT 1 FROM twin_snapshots s2 WHERE s2.hub_id = s.hub_id AND s2.device_id = s.device_id " \
  "AND s2.module_id = s.module_id AND (?3 IS NULL OR s2.changed_at <= ?3) " \
  "AND (COALESCE (s2.changed_at, -1) > COALESCE (s.changed_at, -1) " \
  "OR (COALESCE (s2.changed_at, -1) = COALESCE (s.changed_at, -1) AND s2.id > s.id))) " \
  "AND (?3 IS NULL OR s.changed_at <= ?3)"

/* Links a device node to the model: through the deployments that reached
 * it when the twin says so, else directly. */
static void
link_device (Builder           *b,
             AttestLineageNode *model,
             AttestLineageNode *device,
             gint64             hub_id,
             const char        *hub,
             const char        *device_id)
{
  g_autoptr(GHashTable) confs = device_configurations (b, hub_id, device_id);
  guint i, model_index = model->index, device_index = device->index;
  gboolean linked = FALSE;

  for (i = 0; i < b->lineage->edges->len; i++)
    {
      AttestLineageLink *e = g_ptr_array_index (b->lineage->edges, i);
      AttestLineageNode *d = g_ptr_array_index (b->lineage->nodes, e->to);
      const char *status;

      if (e->from != model_index || d->kind != ATTEST_LINEAGE_DEPLOYMENT || g_strcmp0 (d->scope, hub) != 0)
        continue;
      status = g_hash_table_lookup (confs, d->label);
      if (status == NULL)
        continue;
      add_edge (b, e->to, device_index, g_ascii_strcasecmp (status, "Applied") == 0 ? "applied" : "targeted", 0);
      linked = TRUE;
    }
  if (!linked)
    add_edge (b, model_index, device_index, "runs", 0);
}

static AttestLineageNode *
device_node (Builder    *b,
             const char *hub,
             const char *device_id)
{
  g_autofree char *ref = g_strdup_printf ("device:%s/%s", hub, device_id);

  return add_node (b, ATTEST_LINEAGE_DEVICE, ref, device_id, hub, NULL);
}

static gboolean
add_devices (Builder           *b,
             AttestLineageNode *model,
             const char        *name,
             const char        *version,
             GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GArray) hub_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint model_index = model->index, i;
  int rc;

  if (!prepare (b, "SELECT s.id, s.hub_id, h.name, s.device_id, s.changed_at FROM module_models mm "
                   "JOIN twin_snapshots s ON s.id = mm.snapshot_id JOIN hubs h ON h.id = s.hub_id "
                   "WHERE mm.model_name = ?1 AND mm.model_version = ?2 AND " LATEST_SNAPSHOT
                   " ORDER BY h.name, s.device_id, s.id",
                &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, version, -1, SQLITE_TRANSIENT);
  bind_at (stmt, 3, b->at);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean created;
      g_autofree char *ref = g_strdup_printf ("device:%s/%s", col_text (stmt, 2), col_text (stmt, 3));
      AttestLineageNode *d = add_node (b, ATTEST_LINEAGE_DEVICE, ref, col_text (stmt, 3), col_text (stmt, 2), &created);
      gint64 t = col_time (stmt, 4);
      gint64 hub_id = sqlite3_column_int64 (stmt, 1);

      add_record (d, "twin_snapshots", sqlite3_column_int64 (stmt, 0));
      if (t != ATTEST_TIME_NONE && (d->time == ATTEST_TIME_NONE || t > d->time))
        d->time = t;
      if (created)
        {
          g_ptr_array_add (found, d);
          g_array_append_val (hub_ids, hub_id);
        }
    }
  if (step_failed (b, rc, error))
    return FALSE;
  for (i = 0; i < found->len; i++)
    {
      AttestLineageNode *d = g_ptr_array_index (found, i);
      link_device (b, g_ptr_array_index (b->lineage->nodes, model_index), d,
                   g_array_index (hub_ids, gint64, i), d->scope, d->label);
    }
  if (found->len == 0)
    add_gap (b, g_ptr_array_index (b->lineage->nodes, model_index), "device", FALSE,
             b->at == ATTEST_TIME_NONE ? _("no device reports this model version")
                                       : _("no device reported this model version at that time"));
  return TRUE;
}

static void
builder_init (Builder     *b,
              AttestStore *store,
              gint64       at)
{
  memset (b, 0, sizeof *b);
  b->lineage = g_new0 (AttestLineage, 1);
  b->lineage->at = at;
  b->lineage->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  b->lineage->edges = g_ptr_array_new_with_free_func ((GDestroyNotify) edge_free);
  b->db = attest_store_get_db (store);
  b->by_ref = g_hash_table_new (g_str_hash, g_str_equal);
  b->edge_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  b->at = at;
}

static AttestLineage *
builder_finish (Builder  *b,
                gboolean  ok)
{
  AttestLineage *out = b->lineage;

  g_hash_table_unref (b->by_ref);
  g_hash_table_unref (b->edge_keys);
  if (!ok)
    {
      attest_lineage_free (out);
      return NULL;
    }
  return out;
}

AttestLineage *
attest_lineage_for_model (AttestStore  *store,
                          const char   *name,
                          const char   *version,
                          gint64        at,
                          GError      **error)
{
  Builder b;
  AttestLineageNode *model;
  gboolean ok;

  g_return_val_if_fail (store != NULL, NULL);
  if (name == NULL || *name == '\0' || version == NULL || *version == '\0')
    {
      g_set_error (error, ATTEST_LINEAGE_ERROR, ATTEST_LINEAGE_ERROR_INVALID,
                   _("a model version is NAME:VERSION"));
      return NULL;
    }
  builder_init (&b, store, at);
  b.lineage->model_name = g_strdup (name);
  b.lineage->model_version = g_strdup (version);
  model = add_model (&b, name, version, error);
  ok = model != NULL
       && add_deployments (&b, model, name, version, error)
       && add_devices (&b, g_ptr_array_index (b.lineage->nodes, model->index), name, version, error);
  return builder_finish (&b, ok);
}

AttestLineage *
attest_lineage_for_device (AttestStore  *store,
                           const char   *hub,
                           const char   *device_id,
                           gint64        at,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *hub_name = NULL;
  gint64 hub_id = 0;
  guint n_hubs = 0, n_models = 0;
  AttestLineageNode *device;
  Builder b;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (store != NULL && device_id != NULL, NULL);
  builder_init (&b, store, at);

  if (!prepare (&b, "SELECT DISTINCT h.id, h.name FROM twin_snapshots s JOIN hubs h ON h.id = s.hub_id "
                    "WHERE s.device_id = ?1 AND (?2 IS NULL OR h.name = ?2 COLLATE NOCASE) ORDER BY h.name",
                &stmt, error))
    return builder_finish (&b, FALSE);
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  if (hub)
    sqlite3_bind_text (stmt, 2, hub, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      n_hubs++;
      hub_id = sqlite3_column_int64 (stmt, 0);
      g_free (hub_name);
      hub_name = g_strdup (col_text (stmt, 1));
    }
  if (step_failed (&b, rc, error))
    return builder_finish (&b, FALSE);
  sqlite3_finalize (g_steal_pointer (&stmt));
  if (n_hubs == 0)
    {
      if (hub)
        g_set_error (error, ATTEST_LINEAGE_ERROR, ATTEST_LINEAGE_ERROR_NOT_FOUND,
                     _("No twin of device “%s” on hub “%s” in the workspace"), device_id, hub);
      else
        g_set_error (error, ATTEST_LINEAGE_ERROR, ATTEST_LINEAGE_ERROR_NOT_FOUND,
                     _("No twin of device “%s” in the workspace"), device_id);
      return builder_finish (&b, FALSE);
    }
  if (n_hubs > 1)
    {
      g_set_error (error, ATTEST_LINEAGE_ERROR, ATTEST_LINEAGE_ERROR_AMBIGUOUS,
                   _("Device “%s” exists on several hubs; name one"), device_id);
      return builder_finish (&b, FALSE);
    }

  b.only_hub = hub_name;
  device = device_node (&b, hub_name, device_id);

  if (!prepare (&b, "SELECT DISTINCT mm.model_name, mm.model_version, s.id, s.changed_at FROM module_models mm "
                    "JOIN twin_snapshots s ON s.id = mm.snapshot_id "
                    "WHERE s.hub_id = ?1 AND s.device_id = ?2 AND mm.model_name IS NOT NULL "
                    "AND mm.model_version IS NOT NULL AND " LATEST_SNAPSHOT
                    " ORDER BY mm.model_name, mm.model_version, s.id",
                &stmt, error))
    return builder_finish (&b, FALSE);
  sqlite3_bind_int64 (stmt, 1, hub_id);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  bind_at (stmt, 3, at);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *name = g_strdup (col_text (stmt, 0));
      g_autofree char *version = g_strdup (col_text (stmt, 1));
      gint64 t = col_time (stmt, 3);
      AttestLineageNode *model;
      gboolean known;

      device = g_ptr_array_index (b.lineage->nodes, device->index);
      add_record (device, "twin_snapshots", sqlite3_column_int64 (stmt, 2));
      if (t != ATTEST_TIME_NONE && (device->time == ATTEST_TIME_NONE || t > device->time))
        device->time = t;
      {
        g_autofree char *ref = g_strdup_printf ("model:%s:%s", name, version);
        known = g_hash_table_contains (b.by_ref, ref);
      }
      model = add_model (&b, name, version, error);
      if (model == NULL)
        {
          ok = FALSE;
          break;
        }
      if (!known)
        {
          n_models++;
          ok = add_deployments (&b, model, name, version, error);
          if (ok)
            link_device (&b, g_ptr_array_index (b.lineage->nodes, model->index),
                         g_ptr_array_index (b.lineage->nodes, device->index), hub_id, hub_name, device_id);
        }
    }
  if (ok && step_failed (&b, rc, error))
    ok = FALSE;
  if (ok && n_models == 0)
    add_gap (&b, g_ptr_array_index (b.lineage->nodes, device->index), "model", TRUE,
             _("no module of this device reports a model"));
  return builder_finish (&b, ok);
}
