/* attest-drift.c: desired vs reported, key by key, with "drifting since"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan walks twin_snapshots in the order of its (hub_id, device_id,
 * module_id, changed_at) index, newest snapshot of each twin first, and
 * reads a snapshot's raw JSON only when it is compared.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-drift.h"
#include "attest-autocleanups.h"
#include "attest-json.h"
#include "attest-time.h"

G_DEFINE_QUARK (attest-drift-error-quark, attest_drift_error)

const char *
attest_drift_kind_name (AttestDriftKind kind)
{
  return kind == ATTEST_DRIFT_NOT_REPORTED ? "not-reported" : "different";
}

void
attest_drift_item_free (AttestDriftItem *item)
{
  if (item == NULL)
    return;
  g_free (item->key);
  g_free (item->desired);
  g_free (item->reported);
  g_free (item->detail);
  g_free (item);
}

void
attest_twin_drift_free (AttestTwinDrift *drift)
{
  if (drift == NULL)
    return;
  g_free (drift->hub);
  g_free (drift->device_id);
  g_free (drift->module_id);
  g_clear_pointer (&drift->items, g_ptr_array_unref);
  g_free (drift);
}

/* ---------------------------------------------------------------------- */
/* One twin */

static char *
value_text (AttestJsonNode *node)
{
  GString *out;

  if (node->type == ATTEST_JSON_STRING)
    return g_strdup (node->str);
  out = g_string_new (NULL);
  attest_json_node_write_canonical (node, out);
  return g_string_free (out, FALSE);
}

static gboolean
values_equal (AttestJsonNode *a,
              AttestJsonNode *b)
{
  g_autofree char *ta = NULL;
  g_autofree char *tb = NULL;

  if (a->type == ATTEST_JSON_NUMBER && b->type == ATTEST_JSON_NUMBER)
    {
      double x, y;
      if (attest_json_node_double (a, &x) && attest_json_node_double (b, &y))
        return x == y;
    }
  if (a->type != b->type)
    return FALSE;
  ta = value_text (a);
  tb = value_text (b);
  return g_strcmp0 (ta, tb) == 0;
}

static void
add_item (GPtrArray      *items,
          const char     *key,
          AttestJsonNode *desired,
          const char     *desired_text,
          AttestJsonNode *reported,
          const char     *reported_text)
{
  AttestDriftItem *item = g_new0 (AttestDriftItem, 1);

  item->key = g_strdup (key);
  item->desired = desired ? value_text (desired) : g_strdup (desired_text);
  item->reported = reported ? value_text (reported) : g_strdup (reported_text);
  item->kind = item->reported ? ATTEST_DRIFT_DIFFERENT : ATTEST_DRIFT_NOT_REPORTED;
  item->since = ATTEST_TIME_NONE;
  item->since_snapshot_id = 0;
  item->n_snapshots = 0;
  g_ptr_array_add (items, item);
}

static void
compare (GPtrArray      *items,
         const char     *key,
         AttestJsonNode *desired,
         AttestJsonNode *reported)
{
  if (desired == NULL || desired->type == ATTEST_JSON_NULL)
    return;
  if (reported == NULL)
    add_item (items, key, desired, NULL, NULL, NULL);
  else if (!values_equal (desired, reported))
    add_item (items, key, desired, NULL, reported, NULL);
}

/* $version against lastDesiredVersion, and lastDesiredStatus. */
static void
diff_agent_status (GPtrArray      *items,
                   AttestJsonNode *desired,
                   AttestJsonNode *reported)
{
  AttestJsonNode *status = attest_json_get (reported, "lastDesiredStatus");
  AttestJsonNode *code = attest_json_get (status, "code");
  gint64 c;

  compare (items, "$version", attest_json_get (desired, "$version"),
           attest_json_get (reported, "lastDesiredVersion"));
  if (code && attest_json_node_int64 (code, &c) && c != 200)
    {
      add_item (items, "lastDesiredStatus.code", NULL, "200", code, NULL);
      ((AttestDriftItem *) g_ptr_array_index (items, items->len - 1))->detail =
        g_strdup (attest_json_get_string (status, "description"));
    }
}

static void
diff_edge_agent (GPtrArray      *items,
                 AttestJsonNode *desired,
                 AttestJsonNode *reported)
{
  AttestJsonNode *modules = attest_json_get (desired, "modules");
  AttestJsonNode *rmodules = attest_json_get (reported, "modules");
  AttestJsonNode *m;

  if (modules && modules->type == ATTEST_JSON_OBJECT)
    for (m = modules->first_child; m; m = m->next)
      {
        AttestJsonNode *rm = rmodules ? attest_json_get (rmodules, m->key) : NULL;
        g_autofree char *image_key = g_strdup_printf ("modules.%s.settings.image", m->key);
        g_autofree char *status_key = g_strdup_printf ("modules.%s.status", m->key);

        if (m->type != ATTEST_JSON_OBJECT)
          continue;
        compare (items, image_key, attest_json_path (m, "settings.image"),
                 rm ? attest_json_path (rm, "settings.image") : NULL);
        compare (items, status_key, attest_json_get (m, "status"),
                 rm ? attest_json_get (rm, "runtimeStatus") : NULL);
      }
  diff_agent_status (items, desired, reported);
}

static void
diff_generic (GPtrArray      *items,
              GString        *prefix,
              AttestJsonNode *desired,
              AttestJsonNode *reported)
{
  AttestJsonNode *c;

  for (c = desired->first_child; c; c = c->next)
    {
      AttestJsonNode *r;
      gsize before = prefix->len;

      if (g_str_equal (c->key, "$metadata") || g_str_equal (c->key, "$version"))
        continue;
      r = reported && reported->type == ATTEST_JSON_OBJECT ? attest_json_get (reported, c->key) : NULL;
      if (before)
        g_string_append_c (prefix, '.');
      g_string_append (prefix, c->key);
      if (c->type == ATTEST_JSON_OBJECT && r && r->type == ATTEST_JSON_OBJECT)
        diff_generic (items, prefix, c, r);
      else
        compare (items, prefix->str, c, r);
      g_string_truncate (prefix, before);
    }
}

static GPtrArray *
diff_node (const char     *module_id,
           AttestJsonNode *root,
           gboolean       *has_reported)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_drift_item_free);
  AttestJsonNode *desired = attest_json_path (root, "properties.desired");
  AttestJsonNode *reported = attest_json_path (root, "properties.reported");

  *has_reported = reported != NULL && reported->type == ATTEST_JSON_OBJECT;
  if (!*has_reported || desired == NULL || desired->type != ATTEST_JSON_OBJECT)
    return items;
  if (g_strcmp0 (module_id, "$edgeAgent") == 0)
    diff_edge_agent (items, desired, reported);
  else if (g_strcmp0 (module_id, "$edgeHub") == 0)
    diff_agent_status (items, desired, reported);
  else
    {
      g_autoptr(GString) prefix = g_string_new (NULL);
      diff_generic (items, prefix, desired, reported);
    }
  return items;
}

GPtrArray *
attest_drift_diff_twin (const char  *module_id,
                        const char  *twin_json,
                        gsize        len,
                        gboolean    *has_reported,
                        GError     **error)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestJsonNode *root = attest_json_doc_parse (doc, twin_json, len, error);
  gboolean dummy;

  if (root == NULL)
    return NULL;
  return diff_node (module_id, root, has_reported ? has_reported : &dummy);
}

/* ---------------------------------------------------------------------- */
/* The store */

typedef struct
{
  gint64 id;
  gint64 changed_at;   /* ATTEST_TIME_NONE when undated */
  gint64 version;
} Snap;

static gboolean
sqlite_fail (GError    **error,
             sqlite3    *db,
             const char *what)
{
  g_set_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_SQLITE, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static GPtrArray *
diff_snapshot (sqlite3_stmt *raw_stmt,
               sqlite3      *db,
               const char   *module_id,
               gint64        id,
               gboolean     *has_reported,
               GError      **error)
{
  GPtrArray *items = NULL;
  int rc;

  sqlite3_reset (raw_stmt);
  sqlite3_bind_int64 (raw_stmt, 1, id);
  rc = sqlite3_step (raw_stmt);
  if (rc == SQLITE_ROW)
    {
      const char *raw = (const char *) sqlite3_column_text (raw_stmt, 0);
      gsize len = sqlite3_column_bytes (raw_stmt, 0);
      g_autoptr(GError) local = NULL;

      items = attest_drift_diff_twin (module_id, raw ? raw : "", len, has_reported, &local);
      if (items == NULL)
        g_set_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_SQLITE,
                     "twin snapshot %" G_GINT64_FORMAT ": %s", id, local->message);
    }
  else
    sqlite_fail (error, db, "twin_snapshots");
  sqlite3_reset (raw_stmt);
  return items;
}

static AttestDriftItem *
find_same (GPtrArray       *items,
           AttestDriftItem *item)
{
  guint i;

  for (i = 0; i < items->len; i++)
    {
      AttestDriftItem *o = g_ptr_array_index (items, i);
      if (o->kind == item->kind && g_str_equal (o->key, item->key)
          && g_strcmp0 (o->desired, item->desired) == 0
          && g_strcmp0 (o->reported, item->reported) == 0)
        return o;
    }
  return NULL;
}

/* Compares the newest snapshot of one twin and dates its differences
 * back through the older ones. */
static AttestTwinDrift *
judge_twin (sqlite3      *db,
            sqlite3_stmt *raw_stmt,
            const char   *hub,
            const char   *device_id,
            const char   *module_id,
            GArray       *snaps,
            GError      **error)
{
  Snap *newest = &g_array_index (snaps, Snap, 0);
  g_autoptr(AttestTwinDrift) drift = g_new0 (AttestTwinDrift, 1);
  g_autofree gboolean *alive = NULL;
  guint i, j, n_alive;

  drift->hub = g_strdup (hub);
  drift->device_id = g_strdup (device_id);
  drift->module_id = g_strdup (module_id);
  drift->snapshot_id = newest->id;
  drift->twin_version = newest->version;
  drift->changed_at = newest->changed_at;
  drift->drifting_since = ATTEST_TIME_NONE;
  drift->items = diff_snapshot (raw_stmt, db, module_id, newest->id, &drift->has_reported, error);
  if (drift->items == NULL)
    return NULL;

  for (j = 0; j < drift->items->len; j++)
    {
      AttestDriftItem *item = g_ptr_array_index (drift->items, j);
      item->since = newest->changed_at;
      item->since_snapshot_id = newest->id;
      item->since_twin_version = newest->version;
      item->n_snapshots = 1;
    }
  n_alive = newest->changed_at != ATTEST_TIME_NONE ? drift->items->len : 0;
  alive = g_new (gboolean, MAX (drift->items->len, 1));
  for (j = 0; j < drift->items->len; j++)
    alive[j] = TRUE;

  for (i = 1; i < snaps->len && n_alive > 0; i++)
    {
      Snap *older = &g_array_index (snaps, Snap, i);
      g_autoptr(GPtrArray) old_items = NULL;
      gboolean has_reported;

      if (older->changed_at == ATTEST_TIME_NONE)
        break;
      old_items = diff_snapshot (raw_stmt, db, module_id, older->id, &has_reported, error);
      if (old_items == NULL)
        return NULL;
      for (j = 0; j < drift->items->len; j++)
        {
          AttestDriftItem *item = g_ptr_array_index (drift->items, j);

          if (!alive[j])
            continue;
          if (has_reported && find_same (old_items, item))
            {
              item->since = older->changed_at;
              item->since_snapshot_id = older->id;
              item->since_twin_version = older->version;
              item->n_snapshots++;
            }
          else
            {
              alive[j] = FALSE;
              n_alive--;
            }
        }
    }

  for (j = 0; j < drift->items->len; j++)
    {
      AttestDriftItem *item = g_ptr_array_index (drift->items, j);
      if (item->since != ATTEST_TIME_NONE
          && (drift->drifting_since == ATTEST_TIME_NONE || item->since < drift->drifting_since))
        drift->drifting_since = item->since;
    }
  return g_steal_pointer (&drift);
}

static int
drift_cmp (gconstpointer a,
           gconstpointer b)
{
  const AttestTwinDrift *x = *(AttestTwinDrift * const *) a;
  const AttestTwinDrift *y = *(AttestTwinDrift * const *) b;
  int c;

  if ((c = g_ascii_strcasecmp (x->hub, y->hub)) != 0)
    return c;
  if ((c = strcmp (x->device_id, y->device_id)) != 0)
    return c;
  return strcmp (x->module_id, y->module_id);
}

GPtrArray *
attest_drift_query (AttestStore             *store,
                    const AttestDriftQuery  *query,
                    GError                 **error)
{
  static const AttestDriftQuery all = { NULL, NULL, NULL, ATTEST_TIME_NONE };
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) raw_stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_twin_drift_free);
  g_autoptr(GArray) snaps = g_array_new (FALSE, FALSE, sizeof (Snap));
  g_autofree char *cur_hub = NULL;
  g_autofree char *cur_device = NULL;
  g_autofree char *cur_module = NULL;
  gint64 cur_hub_id = -1;
  gboolean any = FALSE;
  int rc;

  if (query == NULL)
    query = &all;
  /* Index order, read backwards: newest first within a twin, undated
   * (NULL changed_at) last. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT t.id, t.hub_id, h.name, t.device_id, t.module_id, t.twin_version, t.changed_at "
                          "FROM twin_snapshots t JOIN hubs h ON h.id = t.hub_id "
                          "WHERE (?1 IS NULL OR h.name = ?1) AND (?2 IS NULL OR t.device_id = ?2) "
                          "  AND (?3 IS NULL OR t.module_id = ?3) "
                          "  AND (?4 IS NULL OR t.changed_at <= ?4) "
                          "ORDER BY t.hub_id DESC, t.device_id DESC, t.module_id DESC, t.changed_at DESC, t.id DESC",
                          -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "SELECT raw FROM twin_snapshots WHERE id = ?1", -1, &raw_stmt, NULL) != SQLITE_OK)
    {
      sqlite_fail (error, db, "twin_snapshots");
      return NULL;
    }
  if (query->hub)
    sqlite3_bind_text (stmt, 1, query->hub, -1, SQLITE_TRANSIENT);
  if (query->device_id)
    sqlite3_bind_text (stmt, 2, query->device_id, -1, SQLITE_TRANSIENT);
  if (query->module_id)
    sqlite3_bind_text (stmt, 3, query->module_id, -1, SQLITE_TRANSIENT);
  if (query->at != ATTEST_TIME_NONE)
    sqlite3_bind_int64 (stmt, 4, query->at);

  for (;;)
    {
      gint64 hub_id = -1;
      const char *device = NULL, *module = NULL;
      gboolean same;

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          sqlite_fail (error, db, "twin_snapshots");
          return NULL;
        }
      if (rc == SQLITE_ROW)
        {
          hub_id = sqlite3_column_int64 (stmt, 1);
          device = (const char *) sqlite3_column_text (stmt, 3);
          module = (const char *) sqlite3_column_text (stmt, 4);
        }
      same = rc == SQLITE_ROW && snaps->len > 0 && hub_id == cur_hub_id
             && g_strcmp0 (device, cur_device) == 0 && g_strcmp0 (module, cur_module) == 0;
      if (!same && snaps->len > 0)
        {
          AttestTwinDrift *d = judge_twin (db, raw_stmt, cur_hub, cur_device, cur_module, snaps, error);
          if (d == NULL)
            return NULL;
          if (query->device_id || d->items->len > 0)
            g_ptr_array_add (result, d);
          else
            attest_twin_drift_free (d);
          g_array_set_size (snaps, 0);
        }
      if (rc == SQLITE_DONE)
        break;
      any = TRUE;
      if (snaps->len == 0)
        {
          cur_hub_id = hub_id;
          g_free (cur_hub);
          cur_hub = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          g_free (cur_device);
          cur_device = g_strdup (device);
          g_free (cur_module);
          cur_module = g_strdup (module);
        }
      {
        Snap s;
        s.id = sqlite3_column_int64 (stmt, 0);
        s.version = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 5);
        s.changed_at = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? ATTEST_TIME_NONE
                                                                     : sqlite3_column_int64 (stmt, 6);
        g_array_append_val (snaps, s);
      }
    }

  if (query->device_id && !any)
    {
      if (query->at != ATTEST_TIME_NONE)
        g_set_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_NOT_FOUND,
                     _("No twin snapshot of device “%s” at or before that time"), query->device_id);
      else
        g_set_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_NOT_FOUND,
                     _("No twin snapshot of device “%s”"), query->device_id);
      return NULL;
    }
  g_ptr_array_sort (result, drift_cmp);
  return g_steal_pointer (&result);
}
