/* attest-fleet.c: the fleet at an instant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SQL statement picks, for every (hub, device, module) twin, the newest
 * snapshot changed at or before T through the twin_snapshots_time index
 * (one index seek per twin, no per-device queries), joins the models the
 * snapshot carries and computes "since" with two more index seeks per
 * model row.  The only JSON parsed is the $edgeAgent twin at T of each
 * device (deployments and runtime version).
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include "attest-fleet.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-fleet-private.h"
#include "attest-json.h"
#include "attest-records.h"

G_DEFINE_QUARK (attest-fleet-error-quark, attest_fleet_error)

/* ---------------------------------------------------------------------- */
/* Shared helpers (attest-fleet-private.h) */

gboolean
_attest_fleet_sql_error (sqlite3     *db,
                      const char  *what,
                      GError     **error)
{
  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

void
_attest_split_image (const char  *image,
                     char       **name,
                     char       **version)
{
  g_autofree char *copy = NULL;
  char *at, *slash, *colon;

  *name = NULL;
  *version = NULL;
  if (image == NULL || *image == '\0')
    return;
  copy = g_strdup (image);
  at = strchr (copy, '@');
  if (at)
    *at = '\0';
  slash = strrchr (copy, '/');
  colon = strrchr (slash ? slash : copy, ':');
  if (colon)
    {
      *colon = '\0';
      *version = g_strdup (colon + 1);
    }
  *name = g_strdup (slash ? slash + 1 : copy);
}

gboolean
_attest_agent_info_parse (const char      *raw,
                          gsize            len,
                          AttestAgentInfo *info)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autoptr(GPtrArray) applied = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) targeted = g_ptr_array_new_with_free_func (g_free);
  AttestJsonNode *root, *n, *m;
  const char *v;

  memset (info, 0, sizeof *info);
  info->status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  info->updated_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  root = raw ? attest_json_doc_parse (doc, raw, len, NULL) : NULL;
  if (root == NULL || root->type != ATTEST_JSON_OBJECT)
    {
      info->applied = g_new0 (char *, 1);
      info->targeted = g_new0 (char *, 1);
      return FALSE;
    }

  n = attest_json_get (root, "configurations");
  if (n && n->type == ATTEST_JSON_OBJECT)
    for (m = n->first_child; m; m = m->next)
      {
        const char *status = attest_json_get_string (m, "status");

        g_ptr_array_add (g_strcmp0 (status, "Applied") == 0 ? applied : targeted, g_strdup (m->key));
        g_hash_table_replace (info->status, g_strdup (m->key), g_strdup (status));
      }
  g_ptr_array_add (applied, NULL);
  g_ptr_array_add (targeted, NULL);
  info->applied = (GStrv) g_ptr_array_steal (applied, NULL);
  info->targeted = (GStrv) g_ptr_array_steal (targeted, NULL);

  n = attest_json_path (root, "properties.desired.$metadata.modules");
  if (n && n->type == ATTEST_JSON_OBJECT)
    for (m = n->first_child; m; m = m->next)
      if (m->type == ATTEST_JSON_OBJECT && m->key[0] != '$'
          && (v = attest_json_get_string (m, "$lastUpdatedBy")) != NULL && *v)
        g_hash_table_replace (info->updated_by, g_strdup (m->key), g_strdup (v));

  v = attest_json_path_string (root, "properties.reported.version.version");
  info->edge_runtime = g_strdup (v);
  return TRUE;
}

void
_attest_agent_info_clear (AttestAgentInfo *info)
{
  g_clear_pointer (&info->applied, g_strfreev);
  g_clear_pointer (&info->targeted, g_strfreev);
  g_clear_pointer (&info->status, g_hash_table_unref);
  g_clear_pointer (&info->updated_by, g_hash_table_unref);
  g_clear_pointer (&info->edge_runtime, g_free);
}

typedef struct
{
  gint64 id;
  gint64 at;      /* updated_at, else created_at; ATTEST_TIME_NONE */
} DeployVersion;

struct _AttestDeployIndex
{
  GHashTable *by_key;   /* "hub_id\x1fconfig" -> GArray of DeployVersion, by at */
};

static char *
deploy_key (gint64      hub_id,
            const char *config_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", hub_id, config_id);
}

AttestDeployIndex *
_attest_deploy_index_new (sqlite3  *db,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  AttestDeployIndex *index;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT d.hub_id, d.config_id, v.id, coalesce (v.updated_at, v.created_at)"
                          " FROM deployment_versions v JOIN deployments d ON d.id = v.deployment_id"
                          " ORDER BY d.hub_id, d.config_id, coalesce (v.updated_at, v.created_at), v.id",
                          -1, &st, NULL) != SQLITE_OK)
    {
      _attest_fleet_sql_error (db, "deployment versions", error);
      return NULL;
    }
  index = g_new0 (AttestDeployIndex, 1);
  index->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_array_unref);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autofree char *key = deploy_key (sqlite3_column_int64 (st, 0),
                                         (const char *) sqlite3_column_text (st, 1));
      GArray *versions = g_hash_table_lookup (index->by_key, key);
      DeployVersion dv;

      if (versions == NULL)
        {
          versions = g_array_new (FALSE, FALSE, sizeof (DeployVersion));
          g_hash_table_insert (index->by_key, g_steal_pointer (&key), versions);
        }
      dv.id = sqlite3_column_int64 (st, 2);
      dv.at = sqlite3_column_type (st, 3) == SQLITE_NULL ? ATTEST_TIME_NONE
              : sqlite3_column_int64 (st, 3);
      g_array_append_val (versions, dv);
    }
  if (rc != SQLITE_DONE)
    {
      _attest_fleet_sql_error (db, "deployment versions", error);
      _attest_deploy_index_free (index);
      return NULL;
    }
  return index;
}

void
_attest_deploy_index_free (AttestDeployIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->by_key);
  g_free (index);
}

gint64
_attest_deploy_index_lookup (AttestDeployIndex *index,
                             gint64             hub_id,
                             const char        *config_id,
                             gint64             at)
{
  g_autofree char *key = NULL;
  GArray *versions;
  gint64 best = 0;
  guint i;

  if (config_id == NULL)
    return 0;
  key = deploy_key (hub_id, config_id);
  versions = g_hash_table_lookup (index->by_key, key);
  if (versions == NULL || versions->len == 0)
    return 0;
  for (i = 0; i < versions->len; i++)
    {
      DeployVersion *dv = &g_array_index (versions, DeployVersion, i);
      if (dv->at == ATTEST_TIME_NONE || dv->at <= at)
        best = dv->id;
    }
  return best ? best : g_array_index (versions, DeployVersion, 0).id;
}

/* ---------------------------------------------------------------------- */
/* Results */

void
attest_fleet_module_free (AttestFleetModule *module)
{
  if (module == NULL)
    return;
  g_free (module->module_id);
  g_free (module->model_name);
  g_free (module->model_version);
  g_free (module->via);
  g_free (module->desired_image);
  g_free (module->running_image);
  g_free (module->runtime_status);
  g_free (module->desired_name);
  g_free (module->desired_version);
  g_free (module->deployment);
  g_free (module->deployment_status);
  g_free (module);
}

void
attest_fleet_device_free (AttestFleetDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->hub);
  g_free (device->hub_location);
  g_free (device->device_id);
  g_free (device->region);
  g_free (device->auth_type);
  g_free (device->status);
  g_free (device->connection_state);
  g_free (device->edge_runtime);
  g_strfreev (device->applied);
  g_strfreev (device->targeted);
  g_clear_pointer (&device->modules, g_ptr_array_unref);
  g_free (device);
}

/* ---------------------------------------------------------------------- */
/* The query */

/* ?1 = T (ticks), ?2 = hub row id or NULL.  One row per picked snapshot
 * and model it carries; "since" is the first snapshot after the newest
 * earlier snapshot of the same twin that does not show the same model. */
static const char fleet_sql[] =
  "WITH grp AS ("
  "  SELECT DISTINCT hub_id, device_id, module_id FROM twin_snapshots"
  "   WHERE (?2 IS NULL OR hub_id = ?2) AND module_id <> '$edgeHub'"
  "), pick AS ("
  "  SELECT g.hub_id, g.device_id, g.module_id, coalesce ("
  "    (SELECT s.id FROM twin_snapshots s"
  "      WHERE s.hub_id = g.hub_id AND s.device_id = g.device_id AND s.module_id = g.module_id"
  "        AND s.changed_at = (SELECT max (t.changed_at) FROM twin_snapshots t"
  "                             WHERE t.hub_id = g.hub_id AND t.device_id = g.device_id"
  "                               AND t.module_id = g.module_id AND t.changed_at <= ?1)"
  "      ORDER BY s.twin_version DESC, s.id DESC LIMIT 1),"
  "    (SELECT max (s.id) FROM twin_snapshots s"
  "      WHERE s.hub_id = g.hub_id AND s.device_id = g.device_id AND s.module_id = g.module_id"
  "        AND s.changed_at IS NULL"
  "        AND NOT EXISTS (SELECT 1 FROM twin_snapshots d"
  "                         WHERE d.hub_id = g.hub_id AND d.device_id = g.device_id"
  "                           AND d.module_id = g.module_id AND d.changed_at IS NOT NULL))"
  "  ) AS sid FROM grp g"
  "), rows AS MATERIALIZED ("
  "  SELECT p.hub_id, p.device_id, p.module_id, s.id AS sid, s.twin_version, s.changed_at,"
  "         s.status, s.connection_state, s.last_activity, s.auth_type,"
  "         mm.module_id AS mm_module, mm.model_name, mm.model_version, mm.via,"
  "         mm.image, mm.desired_image, mm.runtime_status,"
  "         CASE WHEN mm.snapshot_id IS NOT NULL AND s.changed_at IS NOT NULL THEN"
  "          (SELECT y.id FROM twin_snapshots y"
  "            WHERE y.hub_id = s.hub_id AND y.device_id = s.device_id AND y.module_id = s.module_id"
  "              AND y.changed_at <= s.changed_at"
  "              AND y.changed_at > coalesce ("
  "                (SELECT max (x.changed_at) FROM twin_snapshots x"
  "                   LEFT JOIN module_models xm ON xm.snapshot_id = x.id AND xm.module_id = mm.module_id"
  "                  WHERE x.hub_id = s.hub_id AND x.device_id = s.device_id AND x.module_id = s.module_id"
  "                    AND x.changed_at <= s.changed_at"
  "                    AND (xm.model_name IS NOT mm.model_name OR xm.model_version IS NOT mm.model_version)),"
  "                -9223372036854775807)"
  "            ORDER BY y.changed_at, y.id LIMIT 1)"
  "         END AS since_id"
  "    FROM pick p JOIN twin_snapshots s ON s.id = p.sid"
  "    LEFT JOIN module_models mm ON mm.snapshot_id = s.id"
  ")"
  " SELECT r.hub_id, h.name, h.location, r.device_id, dv.region, r.module_id,"      /* 0-5 */
  "        r.sid, r.twin_version, r.changed_at, r.status, r.connection_state,"      /* 6-10 */
  "        r.last_activity, r.auth_type, NULL, r.mm_module, r.model_name,"          /* 11-15 */
  "        r.model_version, r.via, r.image, r.desired_image, r.runtime_status,"     /* 16-20 */
  "        coalesce (r.since_id, CASE WHEN r.mm_module IS NOT NULL AND r.changed_at IS NOT NULL"
  "                                   THEN r.sid END),"                            /* 21 */
  "        coalesce (ss.changed_at, CASE WHEN r.mm_module IS NOT NULL THEN r.changed_at END)" /* 22 */
  "   FROM rows r JOIN hubs h ON h.id = r.hub_id"
  "   LEFT JOIN devices dv ON dv.hub_id = r.hub_id AND dv.device_id = r.device_id"
  "   LEFT JOIN twin_snapshots ss ON ss.id = r.since_id"
  "  ORDER BY h.name COLLATE NOCASE, r.hub_id, r.device_id, r.module_id, r.mm_module";

enum {
  COL_HUB_ID, COL_HUB, COL_HUB_LOCATION, COL_DEVICE, COL_REGION, COL_MODULE,
  COL_SID, COL_TWIN_VERSION, COL_CHANGED_AT, COL_STATUS, COL_CONNECTION, COL_LAST_ACTIVITY,
  COL_AUTH, COL_RAW, COL_MM_MODULE, COL_MODEL_NAME, COL_MODEL_VERSION, COL_VIA,
  COL_IMAGE, COL_DESIRED_IMAGE, COL_RUNTIME_STATUS, COL_SINCE_ID, COL_SINCE_AT,
};

static char *
col_dup (sqlite3_stmt *st,
         int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (st, col));
}

static gint64
col_time (sqlite3_stmt *st,
          int           col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? ATTEST_TIME_NONE
         : sqlite3_column_int64 (st, col);
}

static gint64
col_int (sqlite3_stmt *st,
         int           col,
         gint64        fallback)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL ? fallback
         : sqlite3_column_int64 (st, col);
}

/* What the $edgeAgent snapshot says about one module. */
typedef struct
{
  char   *image;
  char   *desired_image;
  char   *runtime_status;
  char   *model_name;
  char   *model_version;
  gint64  since_id;
  gint64  since_at;
} AgentModule;

static void
agent_module_free (AgentModule *am)
{
  g_free (am->image);
  g_free (am->desired_image);
  g_free (am->runtime_status);
  g_free (am->model_name);
  g_free (am->model_version);
  g_free (am);
}

/* The device being assembled from consecutive rows. */
typedef struct
{
  AttestFleetDevice *device;
  gint64             hub_id;
  gint64             agent_at;
  GHashTable        *agent_modules;   /* module id -> AgentModule */
  AttestAgentInfo    agent;
  gboolean           have_agent;
  gint64             last_sid;
  sqlite3_stmt      *raw_stmt;        /* borrowed: raw JSON by snapshot id */
} Pending;

static int
module_compare (gconstpointer a,
                gconstpointer b)
{
  const AttestFleetModule *ma = *(AttestFleetModule **) a;
  const AttestFleetModule *mb = *(AttestFleetModule **) b;

  return strcmp (ma->module_id, mb->module_id);
}

static AttestFleetModule *
find_module (GPtrArray  *modules,
             const char *module_id)
{
  guint i;

  for (i = 0; i < modules->len; i++)
    {
      AttestFleetModule *m = g_ptr_array_index (modules, i);
      if (strcmp (m->module_id, module_id) == 0)
        return m;
    }
  return NULL;
}

/* Fills the $edgeAgent facts into every module, adds the modules only
 * $edgeAgent knows, and hands the device over to @out. */
static void
pending_finish (Pending           *p,
                AttestDeployIndex *deploys,
                gint64             at,
                GPtrArray         *out)
{
  AttestFleetDevice *d = p->device;
  sqlite3_stmt *raw_stmt;
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  if (d == NULL)
    return;
  if (p->agent_modules)
    {
      g_hash_table_iter_init (&iter, p->agent_modules);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (find_module (d->modules, key) == NULL)
          {
            AttestFleetModule *m = g_new0 (AttestFleetModule, 1);

            m->module_id = g_strdup (key);
            m->twin_version = -1;
            m->snapshot_at = ATTEST_TIME_NONE;
            m->since = ATTEST_TIME_NONE;
            g_ptr_array_add (d->modules, m);
          }
    }

  for (i = 0; i < d->modules->len; i++)
    {
      AttestFleetModule *m = g_ptr_array_index (d->modules, i);
      AgentModule *am = p->agent_modules ? g_hash_table_lookup (p->agent_modules, m->module_id) : NULL;

      if (am)
        {
          m->agent_lists = TRUE;
          m->agent_snapshot_id = d->agent_snapshot_id;
          m->desired_image = g_strdup (am->desired_image);
          m->running_image = g_strdup (am->image);
          m->runtime_status = g_strdup (am->runtime_status);
          _attest_split_image (am->desired_image, &m->desired_name, &m->desired_version);
          if (m->via == NULL && (am->model_name || am->model_version))
            {
              /* Nothing reported by the module: the running image tag. */
              m->model_name = g_strdup (am->model_name);
              m->model_version = g_strdup (am->model_version);
              m->via = g_strdup ("image");
              m->snapshot_id = d->agent_snapshot_id;
              m->twin_version = d->agent_twin_version;
              m->snapshot_at = p->agent_at;
              m->undated = d->agent_undated;
              m->since = am->since_at;
              m->since_snapshot_id = am->since_id;
            }
        }
      if (p->have_agent)
        {
          const char *by = g_hash_table_lookup (p->agent.updated_by, m->module_id);
          if (by)
            {
              m->deployment = g_strdup (by);
              m->deployment_status = g_strdup (g_hash_table_lookup (p->agent.status, by));
              m->deployment_version_id = _attest_deploy_index_lookup (deploys, p->hub_id, by, at);
            }
        }
      if (m->desired_version && m->model_version)
        m->sync = g_strcmp0 (m->desired_version, m->model_version) == 0
                  ? ATTEST_FLEET_SYNC_MATCH : ATTEST_FLEET_SYNC_DRIFT;
    }
  g_ptr_array_sort (d->modules, module_compare);

  if (p->have_agent)
    {
      d->applied = g_steal_pointer (&p->agent.applied);
      d->targeted = g_steal_pointer (&p->agent.targeted);
      d->edge_runtime = g_steal_pointer (&p->agent.edge_runtime);
      _attest_agent_info_clear (&p->agent);
    }
  if (d->applied == NULL)
    d->applied = g_new0 (char *, 1);
  if (d->targeted == NULL)
    d->targeted = g_new0 (char *, 1);
  g_clear_pointer (&p->agent_modules, g_hash_table_unref);
  g_ptr_array_add (out, g_steal_pointer (&p->device));
  raw_stmt = p->raw_stmt;
  memset (p, 0, sizeof *p);
  p->raw_stmt = raw_stmt;
}

static void
pending_clear (Pending *p)
{
  g_clear_pointer (&p->device, attest_fleet_device_free);
  g_clear_pointer (&p->agent_modules, g_hash_table_unref);
  if (p->have_agent)
    _attest_agent_info_clear (&p->agent);
  memset (p, 0, sizeof *p);
}

static void
take_row (Pending      *p,
          sqlite3_stmt *st)
{
  AttestFleetDevice *d = p->device;
  const char *module_id = (const char *) sqlite3_column_text (st, COL_MODULE);
  gint64 sid = sqlite3_column_int64 (st, COL_SID);
  gboolean first = sid != p->last_sid;
  gint64 changed_at = col_time (st, COL_CHANGED_AT);

  p->last_sid = sid;
  if (module_id[0] == '\0')
    {
      if (!first)
        return;
      d->device_snapshot_id = sid;
      d->device_twin_version = col_int (st, COL_TWIN_VERSION, -1);
      d->device_undated = changed_at == ATTEST_TIME_NONE;
      d->auth_type = col_dup (st, COL_AUTH);
      d->status = col_dup (st, COL_STATUS);
      d->connection_state = col_dup (st, COL_CONNECTION);
      d->last_activity = col_time (st, COL_LAST_ACTIVITY);
    }
  else if (strcmp (module_id, "$edgeAgent") == 0)
    {
      if (first)
        {
          sqlite3_stmt *rs = p->raw_stmt;

          d->agent_snapshot_id = sid;
          d->agent_twin_version = col_int (st, COL_TWIN_VERSION, -1);
          d->agent_undated = changed_at == ATTEST_TIME_NONE;
          p->agent_at = changed_at;
          sqlite3_bind_int64 (rs, 1, sid);
          if (sqlite3_step (rs) == SQLITE_ROW)
            _attest_agent_info_parse ((const char *) sqlite3_column_text (rs, 0),
                                      sqlite3_column_bytes (rs, 0), &p->agent);
          else
            _attest_agent_info_parse (NULL, 0, &p->agent);
          sqlite3_reset (rs);
          p->have_agent = TRUE;
          p->agent_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) agent_module_free);
        }
      if (sqlite3_column_type (st, COL_MM_MODULE) != SQLITE_NULL)
        {
          AgentModule *am = g_new0 (AgentModule, 1);

          am->image = col_dup (st, COL_IMAGE);
          am->desired_image = col_dup (st, COL_DESIRED_IMAGE);
          am->runtime_status = col_dup (st, COL_RUNTIME_STATUS);
          am->model_name = col_dup (st, COL_MODEL_NAME);
          am->model_version = col_dup (st, COL_MODEL_VERSION);
          am->since_id = col_int (st, COL_SINCE_ID, 0);
          am->since_at = col_time (st, COL_SINCE_AT);
          g_hash_table_replace (p->agent_modules, col_dup (st, COL_MM_MODULE), am);
        }
    }
  else if (strcmp (module_id, "$edgeHub") != 0)
    {
      AttestFleetModule *m;
      const char *via = (const char *) sqlite3_column_text (st, COL_VIA);

      if (!first)
        return;
      m = g_new0 (AttestFleetModule, 1);
      m->module_id = g_strdup (module_id);
      m->twin_version = -1;
      m->snapshot_at = ATTEST_TIME_NONE;
      m->since = ATTEST_TIME_NONE;
      if (g_strcmp0 (via, "reported") == 0)
        {
          m->model_name = col_dup (st, COL_MODEL_NAME);
          m->model_version = col_dup (st, COL_MODEL_VERSION);
          m->via = g_strdup (via);
          m->snapshot_id = sid;
          m->twin_version = col_int (st, COL_TWIN_VERSION, -1);
          m->snapshot_at = changed_at;
          m->undated = changed_at == ATTEST_TIME_NONE;
          m->since = col_time (st, COL_SINCE_AT);
          m->since_snapshot_id = col_int (st, COL_SINCE_ID, 0);
        }
      g_ptr_array_add (d->modules, m);
    }
}

GPtrArray *
attest_fleet_at (AttestStore  *store,
                 gint64        at,
                 const char   *hub,
                 GError      **error)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(sqlite3_stmt) raw_st = NULL;
  g_autoptr(AttestDeployIndex) deploys = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_fleet_device_free);
  Pending p = { 0 };
  gint64 hub_id = 0;
  int rc;

  if (at == ATTEST_TIME_NONE)
    at = G_MAXINT64;

  if (hub)
    {
      g_autoptr(sqlite3_stmt) hs = NULL;

      if (sqlite3_prepare_v2 (db, "SELECT id FROM hubs WHERE name = ?1", -1, &hs, NULL) != SQLITE_OK)
        return _attest_fleet_sql_error (db, "hubs", error), NULL;
      sqlite3_bind_text (hs, 1, hub, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (hs) != SQLITE_ROW)
        {
          g_set_error (error, ATTEST_FLEET_ERROR, ATTEST_FLEET_ERROR_NOT_FOUND,
                       _("no IoT hub named “%s” in the workspace"), hub);
          return NULL;
        }
      hub_id = sqlite3_column_int64 (hs, 0);
    }

  deploys = _attest_deploy_index_new (db, error);
  if (deploys == NULL)
    return NULL;

  if (sqlite3_prepare_v2 (db, fleet_sql, -1, &st, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "SELECT raw FROM twin_snapshots WHERE id = ?1", -1, &raw_st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "fleet query", error), NULL;
  p.raw_stmt = raw_st;
  sqlite3_bind_int64 (st, 1, at);
  if (hub)
    sqlite3_bind_int64 (st, 2, hub_id);
  else
    sqlite3_bind_null (st, 2);

  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 row_hub = sqlite3_column_int64 (st, COL_HUB_ID);
      const char *device_id = (const char *) sqlite3_column_text (st, COL_DEVICE);

      if (p.device == NULL || p.hub_id != row_hub || strcmp (p.device->device_id, device_id) != 0)
        {
          pending_finish (&p, deploys, at, out);
          p.device = g_new0 (AttestFleetDevice, 1);
          p.hub_id = row_hub;
          p.device->hub = col_dup (st, COL_HUB);
          p.device->hub_location = col_dup (st, COL_HUB_LOCATION);
          p.device->device_id = g_strdup (device_id);
          p.device->region = col_dup (st, COL_REGION);
          p.device->device_twin_version = -1;
          p.device->agent_twin_version = -1;
          p.device->last_activity = ATTEST_TIME_NONE;
          p.device->modules = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_fleet_module_free);
        }
      take_row (&p, st);
    }
  if (rc != SQLITE_DONE)
    {
      pending_clear (&p);
      return _attest_fleet_sql_error (db, "fleet query", error), NULL;
    }
  pending_finish (&p, deploys, at, out);
  return g_steal_pointer (&out);
}
