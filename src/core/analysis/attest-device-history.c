/* attest-device-history.c: every model change on one device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include "attest-device-history.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-fleet-private.h"
#include "attest-importer.h"
#include "attest-json.h"
#include "attest-records.h"
#include "attest-time.h"

#define CONFIG_WINDOW  (30 * 86400 * ATTEST_TICKS_PER_SECOND)
#define ACCESS_WINDOW  (3600 * ATTEST_TICKS_PER_SECOND)

void
attest_history_event_free (AttestHistoryEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->event_id);
  g_free (event->kind);
  g_free (event->category);
  g_free (event->operation);
  g_free (event->caller);
  g_free (event->status);
  g_free (event->role);
  g_free (event);
}

void
attest_model_change_free (AttestModelChange *change)
{
  if (change == NULL)
    return;
  g_free (change->hub);
  g_free (change->module_id);
  g_free (change->via);
  g_free (change->from_name);
  g_free (change->from_version);
  g_free (change->to_name);
  g_free (change->to_version);
  g_free (change->deployment);
  g_free (change->deployment_source);
  g_free (change->deployment_status);
  g_free (change->label_created_by);
  g_clear_pointer (&change->events, g_ptr_array_unref);
  g_strfreev (change->actors);
  g_free (change);
}

/* One dated snapshot with the model it shows for one module. */
typedef struct
{
  gint64  id;
  gint64  at;
  gint64  twin_version;
  char   *module_id;      /* the module the model row is about */
  char   *name;
  char   *version;
  char   *desired_image;
  char   *raw;            /* module twins and $edgeAgent only */
  gsize   raw_len;
  gboolean agent;         /* a $edgeAgent snapshot */
} Point;

static void
point_free (Point *p)
{
  g_free (p->module_id);
  g_free (p->name);
  g_free (p->version);
  g_free (p->desired_image);
  g_free (p->raw);
  g_free (p);
}

/* The deepest $lastUpdated along the first version path present in the
 * reported properties of a module twin. */
static gint64
reported_at (const Point        *p,
             const char *const  *version_paths)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestJsonNode *root, *reported, *meta;
  gint64 best = ATTEST_TIME_NONE;
  guint i;

  if (p->raw == NULL)
    return ATTEST_TIME_NONE;
  root = attest_json_doc_parse (doc, p->raw, p->raw_len, NULL);
  reported = root ? attest_json_path (root, "properties.reported") : NULL;
  meta = reported ? attest_json_get (reported, "$metadata") : NULL;
  if (meta == NULL)
    return ATTEST_TIME_NONE;
  for (i = 0; version_paths && version_paths[i]; i++)
    {
      g_auto(GStrv) parts = NULL;
      AttestJsonNode *m = meta;
      guint k;

      if (attest_json_path_string (reported, version_paths[i]) == NULL)
        continue;
      parts = g_strsplit (version_paths[i], ".", -1);
      for (k = 0; parts[k] && m; k++)
        {
          const char *s;
          gint64 t;

          m = attest_json_get (m, parts[k]);
          s = m ? attest_json_get_string (m, "$lastUpdated") : NULL;
          if (s && attest_time_parse (s, &t) == ATTEST_TIME_OK)
            best = t;
        }
      break;
    }
  return best;
}

/* $lastUpdatedBy in the desired $metadata of a module twin: the member
 * named like the first segment of a model path first, else any. */
static char *
module_desired_by (const Point        *p,
                   const char *const  *version_paths)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestJsonNode *root, *meta, *m;
  guint i;

  if (p->raw == NULL)
    return NULL;
  root = attest_json_doc_parse (doc, p->raw, p->raw_len, NULL);
  meta = root ? attest_json_path (root, "properties.desired.$metadata") : NULL;
  if (meta == NULL || meta->type != ATTEST_JSON_OBJECT)
    return NULL;
  for (i = 0; version_paths && version_paths[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (version_paths[i], ".", 2);
      const char *by;

      m = attest_json_get (meta, parts[0]);
      by = m ? attest_json_get_string (m, "$lastUpdatedBy") : NULL;
      if (by && *by)
        return g_strdup (by);
    }
  for (m = meta->first_child; m; m = m->next)
    {
      const char *by = m->type == ATTEST_JSON_OBJECT ? attest_json_get_string (m, "$lastUpdatedBy") : NULL;
      if (by && *by)
        return g_strdup (by);
    }
  return NULL;
}

static gboolean
same_model (const char *n1, const char *v1,
            const char *n2, const char *v2)
{
  return g_strcmp0 (n1, n2) == 0 && g_strcmp0 (v1, v2) == 0;
}

/* Audit events behind a deployment at the time of a change. */
static gboolean
collect_events (sqlite3            *db,
                AttestModelChange  *c,
                gint64              created_at,
                GError            **error)
{
  g_autoptr(sqlite3_stmt) conf = NULL;
  g_autoptr(sqlite3_stmt) access = NULL;
  g_autoptr(GArray) anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) actors = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *hub = g_ascii_strdown (c->hub, -1);
  const char *cols = "id, event_id, ts, kind, category, operation, caller, status";
  g_autofree char *conf_sql = NULL;
  g_autofree char *access_sql = NULL;
  guint i;
  int rc;

  conf_sql = g_strdup_printf ("SELECT %s FROM audit_events"
                              " WHERE id BETWEEN ?1 AND ?2 AND kind = 'resource-log'"
                              "   AND category = 'Configurations' AND hub = ?3 AND target = ?4"
                              "   AND operation NOT LIKE 'Read%%' AND operation NOT LIKE 'Get%%'"
                              " ORDER BY id", cols);
  access_sql = g_strdup_printf ("SELECT %s FROM audit_events"
                                " WHERE id BETWEEN ?1 AND ?2 AND kind = 'activity' AND hub = ?3"
                                " ORDER BY id", cols);
  if (sqlite3_prepare_v2 (db, conf_sql, -1, &conf, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, access_sql, -1, &access, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "audit events", error);

  sqlite3_bind_int64 (conf, 1, attest_event_id_first (c->at - CONFIG_WINDOW));
  sqlite3_bind_int64 (conf, 2, attest_event_id_last (c->at));
  sqlite3_bind_text (conf, 3, hub, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (conf, 4, c->deployment, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (conf)) == SQLITE_ROW)
    {
      AttestHistoryEvent *e = g_new0 (AttestHistoryEvent, 1);
      gint64 t;

      e->row_id = sqlite3_column_int64 (conf, 0);
      e->event_id = g_strdup ((const char *) sqlite3_column_text (conf, 1));
      e->at = attest_time_parse ((const char *) sqlite3_column_text (conf, 2), &t) == ATTEST_TIME_OK
              ? t : ATTEST_TIME_NONE;
      e->kind = g_strdup ((const char *) sqlite3_column_text (conf, 3));
      e->category = g_strdup ((const char *) sqlite3_column_text (conf, 4));
      e->operation = g_strdup ((const char *) sqlite3_column_text (conf, 5));
      e->caller = g_strdup ((const char *) sqlite3_column_text (conf, 6));
      e->status = g_strdup ((const char *) sqlite3_column_text (conf, 7));
      e->role = g_strdup ("configuration");
      if (e->at != ATTEST_TIME_NONE)
        g_array_append_val (anchors, e->at);
      g_ptr_array_add (c->events, e);
    }
  if (rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "audit events", error);
  if (anchors->len == 0 && created_at != ATTEST_TIME_NONE)
    g_array_append_val (anchors, created_at);

  for (i = 0; i < anchors->len; i++)
    {
      gint64 anchor = g_array_index (anchors, gint64, i);

      sqlite3_reset (access);
      sqlite3_bind_int64 (access, 1, attest_event_id_first (anchor - ACCESS_WINDOW));
      sqlite3_bind_int64 (access, 2, attest_event_id_last (anchor));
      sqlite3_bind_text (access, 3, hub, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (access)) == SQLITE_ROW)
        {
          gint64 row_id = sqlite3_column_int64 (access, 0);
          AttestHistoryEvent *e;
          const char *caller = (const char *) sqlite3_column_text (access, 6);
          gint64 t;
          guint k;
          gboolean dup = FALSE;

          if (g_hash_table_contains (seen, &row_id))
            continue;
          e = g_new0 (AttestHistoryEvent, 1);
          e->row_id = row_id;
          g_hash_table_add (seen, &e->row_id);
          e->event_id = g_strdup ((const char *) sqlite3_column_text (access, 1));
          e->at = attest_time_parse ((const char *) sqlite3_column_text (access, 2), &t) == ATTEST_TIME_OK
                  ? t : ATTEST_TIME_NONE;
          e->kind = g_strdup ((const char *) sqlite3_column_text (access, 3));
          e->category = g_strdup ((const char *) sqlite3_column_text (access, 4));
          e->operation = g_strdup ((const char *) sqlite3_column_text (access, 5));
          e->caller = g_strdup (caller);
          e->status = g_strdup ((const char *) sqlite3_column_text (access, 7));
          e->role = g_strdup ("hub-access");
          g_ptr_array_add (c->events, e);
          for (k = 0; caller && k < actors->len; k++)
            if (g_ascii_strcasecmp (g_ptr_array_index (actors, k), caller) == 0)
              dup = TRUE;
          if (caller && *caller && !dup)
            g_ptr_array_add (actors, g_strdup (caller));
        }
      if (rc != SQLITE_DONE)
        return _attest_fleet_sql_error (db, "audit events", error);
    }
  g_ptr_array_add (actors, NULL);
  c->actors = (GStrv) g_ptr_array_steal (actors, NULL);
  return TRUE;
}

static int
event_compare (gconstpointer a,
               gconstpointer b)
{
  const AttestHistoryEvent *ea = *(AttestHistoryEvent **) a;
  const AttestHistoryEvent *eb = *(AttestHistoryEvent **) b;

  return ea->row_id < eb->row_id ? -1 : ea->row_id > eb->row_id;
}

/* Deployment facts of one version row: created_at and labels.createdBy. */
static void
version_facts (sqlite3  *db,
               gint64    version_id,
               gint64   *created_at,
               char    **created_by)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  *created_at = ATTEST_TIME_NONE;
  *created_by = NULL;
  if (version_id <= 0
      || sqlite3_prepare_v2 (db, "SELECT created_at, labels FROM deployment_versions WHERE id = ?1",
                             -1, &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64 (st, 1, version_id);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *labels = (const char *) sqlite3_column_text (st, 1);

      if (sqlite3_column_type (st, 0) != SQLITE_NULL)
        *created_at = sqlite3_column_int64 (st, 0);
      if (labels)
        {
          g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
          AttestJsonNode *root = attest_json_doc_parse (doc, labels, strlen (labels), NULL);
          const char *by = root ? attest_json_get_string (root, "createdBy") : NULL;

          *created_by = g_strdup (by);
        }
    }
}

static gboolean
desired_is (const Point *a,
            const char  *version)
{
  g_autofree char *name = NULL;
  g_autofree char *tag = NULL;

  _attest_split_image (a->desired_image, &name, &tag);
  return tag && g_strcmp0 (tag, version) == 0;
}

static AttestAgentInfo *
agent_info (GHashTable  *infos,
            const Point *a)
{
  AttestAgentInfo *info = g_hash_table_lookup (infos, &a->id);

  return info;
}

/* The series of one module (Points by time) -> changes. */
static gboolean
module_changes (sqlite3            *db,
                const char         *hub,
                gint64              hub_id,
                const char         *module_id,
                GPtrArray          *series,
                GPtrArray          *agent_series,
                GHashTable         *infos,
                AttestDeployIndex  *deploys,
                const char *const  *version_paths,
                gboolean            via_image,
                GPtrArray          *out,
                GError            **error)
{
  Point *prev = NULL;
  guint i, k;

  for (i = 0; i < series->len; i++)
    {
      Point *p = g_ptr_array_index (series, i);
      Point *match = NULL, *observed = NULL, *before = NULL, *agent;
      AttestAgentInfo *info = NULL;
      g_autoptr(AttestModelChange) c = NULL;
      gint64 created_at = ATTEST_TIME_NONE;

      if (prev && same_model (prev->name, prev->version, p->name, p->version))
        {
          prev = p;
          continue;
        }
      c = g_new0 (AttestModelChange, 1);
      c->hub = g_strdup (hub);
      c->module_id = g_strdup (module_id);
      c->via = g_strdup (via_image ? "image" : "reported");
      c->from_name = prev ? g_strdup (prev->name) : NULL;
      c->from_version = prev ? g_strdup (prev->version) : NULL;
      c->to_name = g_strdup (p->name);
      c->to_version = g_strdup (p->version);
      c->snapshot_id = p->id;
      c->twin_version = p->twin_version;
      c->observed_at = p->at;
      c->prev_snapshot_id = prev ? prev->id : 0;
      c->prev_at = prev ? prev->at : ATTEST_TIME_NONE;
      c->at = p->at;
      c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_history_event_free);
      if (!via_image)
        {
          gint64 r = reported_at (p, version_paths);
          if (r != ATTEST_TIME_NONE && r <= p->at && (prev == NULL || r > prev->at))
            c->at = r;
        }

      /* The $edgeAgent snapshot in effect at the change. */
      /* Candidates: snapshots after the last sighting of the old model,
       * up to the first sighting of the new, whose desired image names the
       * new version; the newest at or before the change, else the first. */
      for (k = 0; k < agent_series->len; k++)
        {
          Point *a = g_ptr_array_index (agent_series, k);
          gboolean wants = (prev == NULL || a->at > prev->at) && a->at <= c->observed_at
                           && desired_is (a, p->version);

          if (a->at <= c->at)
            before = a;
          if (wants && a->at <= c->at)
            match = a;
          if (wants && observed == NULL)
            observed = a;
        }
      agent = match ? match : observed ? observed : before;
      if (agent)
        {
          info = agent_info (infos, agent);
          c->agent_snapshot_id = agent->id;
          if (info)
            {
              const char *by = g_hash_table_lookup (info->updated_by, module_id);
              if (by)
                {
                  c->deployment = g_strdup (by);
                  c->deployment_source = g_strdup ("edgeAgent");
                }
            }
        }
      if (c->deployment == NULL && !via_image)
        {
          c->deployment = module_desired_by (p, version_paths);
          if (c->deployment)
            c->deployment_source = g_strdup ("module-twin");
        }
      if (c->deployment)
        {
          if (info)
            c->deployment_status = g_strdup (g_hash_table_lookup (info->status, c->deployment));
          c->deployment_version_id = _attest_deploy_index_lookup (deploys, hub_id, c->deployment, c->at);
          version_facts (db, c->deployment_version_id, &created_at, &c->label_created_by);
          if (!collect_events (db, c, created_at, error))
            return FALSE;
          g_ptr_array_sort (c->events, event_compare);
        }
      if (c->actors == NULL)
        c->actors = g_new0 (char *, 1);
      g_ptr_array_add (out, g_steal_pointer (&c));
      prev = p;
    }
  return TRUE;
}

static const char history_sql[] =
  "SELECT s.id, s.module_id, s.twin_version, s.changed_at,"
  "       CASE WHEN s.module_id <> '' AND s.module_id <> '$edgeHub' THEN s.raw END,"
  "       mm.module_id, mm.model_name, mm.model_version, mm.via, mm.desired_image"
  "  FROM twin_snapshots s"
  "  LEFT JOIN module_models mm ON mm.snapshot_id = s.id"
  " WHERE s.hub_id = ?1 AND s.device_id = ?2 AND s.changed_at IS NOT NULL"
  " ORDER BY s.changed_at, s.twin_version, s.id, mm.module_id";

static void
agent_info_free (AttestAgentInfo *info)
{
  _attest_agent_info_clear (info);
  g_free (info);
}

static gboolean
hub_history (sqlite3            *db,
             gint64              hub_id,
             const char         *hub,
             const char         *device_id,
             AttestDeployIndex  *deploys,
             const char *const  *version_paths,
             GPtrArray          *out,
             GError            **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(GPtrArray) points = g_ptr_array_new_with_free_func ((GDestroyNotify) point_free);
  /* module id -> GPtrArray of Point (borrowed): reported, and image */
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) images = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) infos = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) agent_info_free);
  g_autoptr(GList) modules = NULL;
  GList *l;
  int rc;

  if (sqlite3_prepare_v2 (db, history_sql, -1, &st, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "device history", error);
  sqlite3_bind_int64 (st, 1, hub_id);
  sqlite3_bind_text (st, 2, device_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      const char *module_id = (const char *) sqlite3_column_text (st, 1);
      const char *via = (const char *) sqlite3_column_text (st, 8);
      gboolean is_agent = strcmp (module_id, "$edgeAgent") == 0;
      GHashTable *target;
      GPtrArray *list;
      Point *p;

      if (is_agent && !g_hash_table_contains (infos, &id))
        {
          AttestAgentInfo *info = g_new0 (AttestAgentInfo, 1);
          gint64 *key = g_new (gint64, 1);

          *key = id;
          _attest_agent_info_parse ((const char *) sqlite3_column_text (st, 4),
                                    sqlite3_column_bytes (st, 4), info);
          g_hash_table_insert (infos, key, info);
        }
      if (via == NULL)
        continue;
      if (is_agent ? strcmp (via, "image") != 0 : strcmp (via, "reported") != 0)
        continue;
      p = g_new0 (Point, 1);
      p->id = id;
      p->module_id = g_strdup ((const char *) sqlite3_column_text (st, 5));
      p->twin_version = sqlite3_column_type (st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 2);
      p->at = sqlite3_column_int64 (st, 3);
      p->name = g_strdup ((const char *) sqlite3_column_text (st, 6));
      p->version = g_strdup ((const char *) sqlite3_column_text (st, 7));
      p->desired_image = g_strdup ((const char *) sqlite3_column_text (st, 9));
      p->agent = is_agent;
      if (!is_agent)
        {
          p->raw = g_strdup ((const char *) sqlite3_column_text (st, 4));
          p->raw_len = sqlite3_column_bytes (st, 4);
        }
      g_ptr_array_add (points, p);
      target = is_agent ? images : reported;
      list = g_hash_table_lookup (target, p->module_id);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (target, p->module_id, list);
        }
      g_ptr_array_add (list, p);
    }
  if (rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "device history", error);

  /* Every module either source knows, in id order. */
  {
    g_autoptr(GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, reported);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_hash_table_add (all, key);
    g_hash_table_iter_init (&iter, images);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_hash_table_add (all, key);
    modules = g_hash_table_get_keys (all);
    modules = g_list_sort (modules, (GCompareFunc) strcmp);
  }

  for (l = modules; l; l = l->next)
    {
      GPtrArray *rep = g_hash_table_lookup (reported, l->data);
      GPtrArray *img = g_hash_table_lookup (images, l->data);
      g_autoptr(GPtrArray) none = g_ptr_array_new ();

      if (!module_changes (db, hub, hub_id, l->data, rep ? rep : img, img ? img : none, infos,
                           deploys, version_paths, rep == NULL, out, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
attest_device_history (AttestStore  *store,
                       const char   *device_id,
                       const char   *hub,
                       GError      **error)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) hubs = NULL;
  g_autoptr(AttestDeployIndex) deploys = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_model_change_free);
  g_autofree char *paths_setting = attest_store_get_setting (store, "model-version-paths");
  g_auto(GStrv) paths = paths_setting ? g_strsplit (paths_setting, ",", -1) : NULL;
  const char *const *version_paths = paths ? (const char *const *) paths
                                     : attest_import_default_model_version_paths ();
  gboolean found = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT h.id, h.name FROM hubs h"
                          " WHERE (?2 IS NULL OR h.name = ?2)"
                          "   AND EXISTS (SELECT 1 FROM twin_snapshots s"
                          "                WHERE s.hub_id = h.id AND s.device_id = ?1)"
                          " ORDER BY h.name COLLATE NOCASE",
                          -1, &hubs, NULL) != SQLITE_OK)
    return _attest_fleet_sql_error (db, "device history", error), NULL;
  sqlite3_bind_text (hubs, 1, device_id, -1, SQLITE_TRANSIENT);
  if (hub)
    sqlite3_bind_text (hubs, 2, hub, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (hubs, 2);

  deploys = _attest_deploy_index_new (db, error);
  if (deploys == NULL)
    return NULL;
  while ((rc = sqlite3_step (hubs)) == SQLITE_ROW)
    {
      found = TRUE;
      if (!hub_history (db, sqlite3_column_int64 (hubs, 0), (const char *) sqlite3_column_text (hubs, 1),
                        device_id, deploys, version_paths, out, error))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    return _attest_fleet_sql_error (db, "device history", error), NULL;
  if (!found)
    {
      if (hub)
        g_set_error (error, ATTEST_FLEET_ERROR, ATTEST_FLEET_ERROR_NOT_FOUND,
                     _("no twin of device “%s” on IoT hub “%s” in the workspace"), device_id, hub);
      else
        g_set_error (error, ATTEST_FLEET_ERROR, ATTEST_FLEET_ERROR_NOT_FOUND,
                     _("no twin of device “%s” in the workspace"), device_id);
      return NULL;
    }
  return g_steal_pointer (&out);
}
