/* attest-rules-fleet.c: findings rules (see attest-rules-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules about devices: weak-identity, stale-device, residency and
 * unregistered-model.  They read the fleet at the reference time
 * (attest_fleet_at), the derived devices table for the newest activity
 * known, and the registry (ml_assets, lineage_edges).
 *
 * Shared conventions:
 * - A device counts as deleted, and is left out of weak-identity,
 *   stale-device and residency, when an IoT Hub resource-log record
 *   (DeviceIdentityOperations / delete) for it is newer than everything
 *   the cache knows about it, or when its hub has a state export
 *   (undated device twins) that does not list it.
 * - Device tags (dataClass, region…) come from the device twin snapshot
 *   the fleet picks at the reference time; the region falls back to the
 *   hub's Azure location when no region tag is set.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-fleet.h"
#include "attest-rules-private.h"
#include "attest-time.h"
#include "attest-version.h"

#define TICKS_PER_DAY (G_GINT64_CONSTANT (86400) * ATTEST_TICKS_PER_SECOND)

/* ---------------------------------------------------------------------- */
/* Helpers */

static gboolean
sql_error (sqlite3    *db,
           const char *what,
           GError    **error)
{
  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (db, "preparing a findings query", error);
      return NULL;
    }
  return stmt;
}

static char *
col_dup (sqlite3_stmt *stmt,
         int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static gint64
col_time (sqlite3_stmt *stmt,
          int           col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return ATTEST_TIME_NONE;
  return sqlite3_column_int64 (stmt, col);
}

/* "YYYY-MM-DD HH:MM:SS UTC" for sentences. */
static char *
format_time (gint64 ticks)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ticks == ATTEST_TIME_NONE)
    return g_strdup (_("an unknown time"));
  dt = attest_time_to_datetime (ticks);
  if (dt == NULL)
    return g_strdup (_("an unknown time"));
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
}

/* "device@3", "device/module@17" (the demo's evidence forms); a snapshot
 * without a twin version (state export) is "device/module@export". */
static char *
snapshot_label (sqlite3 *db,
                gint64   snapshot_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) label = g_string_new (NULL);

  if (sqlite3_prepare_v2 (db, "SELECT device_id, module_id, twin_version FROM twin_snapshots WHERE id = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup_printf ("#%" G_GINT64_FORMAT, snapshot_id);
  sqlite3_bind_int64 (stmt, 1, snapshot_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return g_strdup_printf ("#%" G_GINT64_FORMAT, snapshot_id);
  g_string_append (label, (const char *) sqlite3_column_text (stmt, 0));
  if (sqlite3_column_text (stmt, 1) && *sqlite3_column_text (stmt, 1))
    g_string_append_printf (label, "/%s", sqlite3_column_text (stmt, 1));
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    g_string_append_printf (label, "@%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 2));
  else
    g_string_append (label, "@export");
  return g_string_free (g_steal_pointer (&label), FALSE);
}

static void
add_snapshot (AttestFinding *f,
              sqlite3       *db,
              gint64         snapshot_id)
{
  g_autofree char *label = NULL;

  if (snapshot_id <= 0)
    return;
  label = snapshot_label (db, snapshot_id);
  attest_finding_add_evidence (f, "twin_snapshots", snapshot_id, label);
}

/* "configId@etag". */
static void
add_deployment_version (AttestFinding *f,
                        sqlite3       *db,
                        gint64         version_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *label = NULL;

  if (version_id <= 0)
    return;
  if (sqlite3_prepare_v2 (db,
                          "SELECT d.config_id, v.etag FROM deployment_versions v"
                          "  JOIN deployments d ON d.id = v.deployment_id WHERE v.id = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, version_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        label = g_strdup_printf ("%s@%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
    }
  if (label == NULL)
    label = g_strdup_printf ("#%" G_GINT64_FORMAT, version_id);
  attest_finding_add_evidence (f, "deployment_versions", version_id, label);
}

static gboolean
strv_contains_ci (const char *const *strv,
                  const char        *text)
{
  guint i;

  for (i = 0; strv && strv[i]; i++)
    if (text && g_ascii_strcasecmp (strv[i], text) == 0)
      return TRUE;
  return FALSE;
}

/* Data classes are looked up as written, then in lower case. */
static const char *const *
allowed_regions (const AttestPolicy *policy,
                 const char         *data_class)
{
  const char *const *r;
  g_autofree char *lower = NULL;

  if (data_class == NULL || *data_class == '\0')
    return NULL;
  r = attest_policy_allowed_regions (policy, data_class);
  if (r != NULL)
    return r;
  lower = g_ascii_strdown (data_class, -1);
  return attest_policy_allowed_regions (policy, lower);
}

static const char *const *
allowed_identities (const AttestPolicy *policy,
                    const char         *data_class)
{
  const char *const *r;
  g_autofree char *lower = NULL;

  if (data_class == NULL || *data_class == '\0')
    return NULL;
  r = attest_policy_allowed_identities (policy, data_class);
  if (r != NULL)
    return r;
  lower = g_ascii_strdown (data_class, -1);
  return attest_policy_allowed_identities (policy, lower);
}

/* ---------------------------------------------------------------------- */
/* The devices at the reference time, with what the rules need beyond the
 * fleet: tags, newest activity, deletion, registration time. */

typedef struct
{
  AttestFleetDevice *fleet;          /* borrowed from the fleet array */
  char              *data_class;     /* device tag dataClass */
  char              *region;         /* device tag region…, else hub location */
  gboolean           region_from_tag;
  gint64             last_activity;  /* newest known (devices table) */
  gint64             registered;     /* earliest twin change time known */
  gint64             horizon;        /* newest activity/change known on its hub, <= now */
  gboolean           deleted;
  gint64             identity_id;    /* identities row (device identity), 0 if none */
  char              *identity_auth;
} DeviceInfo;

static void
device_info_free (gpointer data)
{
  DeviceInfo *d = data;

  g_free (d->data_class);
  g_free (d->region);
  g_free (d->identity_auth);
  g_free (d);
}

typedef struct
{
  GPtrArray *fleet;     /* AttestFleetDevice */
  GPtrArray *devices;   /* DeviceInfo, same order */
} FleetView;

static void
fleet_view_clear (FleetView *v)
{
  g_clear_pointer (&v->devices, g_ptr_array_unref);
  g_clear_pointer (&v->fleet, g_ptr_array_unref);
}

static void
fleet_view_free (gpointer data)
{
  fleet_view_clear (data);
  g_free (data);
}

/* Per device: ?1 = hub name, ?2 = device id, ?3 = device twin snapshot id
 * (or NULL). */
static const char device_sql[] =
  "SELECT"
  "  (SELECT CASE WHEN json_valid (raw) THEN json_extract (raw, '$.tags.dataClass') END"
  "     FROM twin_snapshots WHERE id = ?3),"                                           /* 0 */
  "  (SELECT CASE WHEN json_valid (raw) THEN coalesce (json_extract (raw, '$.tags.region'),"
  "          json_extract (raw, '$.tags.location'), json_extract (raw, '$.tags.country'),"
  "          json_extract (raw, '$.tags.site.region')) END"
  "     FROM twin_snapshots WHERE id = ?3),"                                           /* 1 */
  "  d.last_activity,"                                                                 /* 2 */
  "  (SELECT min (s.changed_at) FROM twin_snapshots s"
  "    WHERE s.hub_id = h.id AND s.device_id = ?2 AND s.module_id = ''),"              /* 3 */
  "  (SELECT max (s.changed_at) FROM twin_snapshots s"
  "    WHERE s.hub_id = h.id AND s.device_id = ?2),"                                   /* 4 */
  "  (SELECT i.id FROM identities i WHERE i.hub_id = h.id AND i.device_id = ?2 AND i.module_id = ''"
  "    ORDER BY i.id DESC LIMIT 1),"                                                   /* 5 */
  "  (SELECT i.auth_type FROM identities i WHERE i.hub_id = h.id AND i.device_id = ?2 AND i.module_id = ''"
  "    ORDER BY i.id DESC LIMIT 1),"                                                   /* 6 */
  "  EXISTS (SELECT 1 FROM twin_snapshots u WHERE u.hub_id = h.id AND u.device_id = ?2"
  "           AND u.module_id = '' AND u.changed_at IS NULL)"                          /* 7 */
  " FROM hubs h LEFT JOIN devices d ON d.hub_id = h.id AND d.device_id = ?2"
  " WHERE h.name = ?1";

/* Per hub (name): the newest activity or twin change known, and whether
 * the hub has a state export (undated device twins). */
static const char hub_sql[] =
  "SELECT h.name,"
  "  max (coalesce ((SELECT max (x.last_activity) FROM devices x WHERE x.hub_id = h.id), 0),"
  "       coalesce ((SELECT max (y.changed_at) FROM twin_snapshots y WHERE y.hub_id = h.id), 0)),"
  "  EXISTS (SELECT 1 FROM twin_snapshots u WHERE u.hub_id = h.id AND u.module_id = ''"
  "            AND u.changed_at IS NULL)"
  " FROM hubs h";

/* Device deletions in the IoT Hub resource logs: hub (lower case),
 * device, time. */
static const char deletes_sql[] =
  "SELECT hub, target, max (id >> 6) * 10000 FROM audit_events"
  " WHERE kind = 'resource-log' AND category = 'DeviceIdentityOperations' AND operation = 'delete'"
  "   AND hub IS NOT NULL AND target IS NOT NULL"
  " GROUP BY hub, target";

typedef struct
{
  gint64   horizon;
  gboolean has_export;
} HubInfo;

static gboolean
fleet_view_load (AttestRuleContext *ctx,
                 FleetView         *view,
                 GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  sqlite3 *db = attest_store_get_db (store);
  gint64 now = attest_rule_context_get_now (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) hubs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint i;
  int rc;

  view->fleet = attest_fleet_at (store, now, NULL, error);
  if (view->fleet == NULL)
    return FALSE;
  view->devices = g_ptr_array_new_with_free_func (device_info_free);

  stmt = prepare (db, hub_sql, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HubInfo *h = g_new0 (HubInfo, 1);

      h->horizon = sqlite3_column_int64 (stmt, 1);
      if (h->horizon <= 0 || (now != ATTEST_TIME_NONE && h->horizon > now))
        h->horizon = now;
      h->has_export = sqlite3_column_int (stmt, 2) != 0;
      g_hash_table_insert (hubs, g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1), h);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, "reading hubs", error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (db, deletes_sql, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *t = g_new (gint64, 1);

      *t = sqlite3_column_int64 (stmt, 2);
      g_hash_table_insert (deletes,
                           g_strdup_printf ("%s/%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1)),
                           t);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, "reading device deletions", error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (db, device_sql, error);
  if (stmt == NULL)
    return FALSE;
  for (i = 0; i < view->fleet->len; i++)
    {
      AttestFleetDevice *fd = g_ptr_array_index (view->fleet, i);
      DeviceInfo *d = g_new0 (DeviceInfo, 1);
      g_autofree char *hub_key = g_ascii_strdown (fd->hub, -1);
      g_autofree char *delete_key = g_strdup_printf ("%s/%s", hub_key, fd->device_id);
      HubInfo *hub = g_hash_table_lookup (hubs, hub_key);
      gint64 *deleted_at = g_hash_table_lookup (deletes, delete_key);

      d->fleet = fd;
      d->last_activity = ATTEST_TIME_NONE;
      d->registered = ATTEST_TIME_NONE;
      d->horizon = hub ? hub->horizon : now;
      g_ptr_array_add (view->devices, d);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, fd->hub, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, fd->device_id, -1, SQLITE_STATIC);
      if (fd->device_snapshot_id > 0)
        sqlite3_bind_int64 (stmt, 3, fd->device_snapshot_id);
      else
        sqlite3_bind_null (stmt, 3);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *region = (const char *) sqlite3_column_text (stmt, 1);
          gint64 newest;

          d->data_class = col_dup (stmt, 0);
          d->region_from_tag = region != NULL && *region != '\0';
          d->region = g_strdup (d->region_from_tag ? region : fd->hub_location);
          d->last_activity = col_time (stmt, 2);
          if (d->last_activity == ATTEST_TIME_NONE || d->last_activity <= 0)
            d->last_activity = fd->last_activity;
          if (d->last_activity != ATTEST_TIME_NONE && d->last_activity <= 0)
            d->last_activity = ATTEST_TIME_NONE;
          d->registered = col_time (stmt, 3);
          d->identity_id = sqlite3_column_int64 (stmt, 5);
          d->identity_auth = col_dup (stmt, 6);

          /* Deleted: a delete record newer than anything known about the
           * device, or a state export of its hub that does not list it. */
          newest = MAX (d->last_activity, col_time (stmt, 4));
          if (deleted_at != NULL && *deleted_at > newest)
            d->deleted = TRUE;
          if (hub != NULL && hub->has_export && sqlite3_column_int (stmt, 7) == 0)
            d->deleted = TRUE;
        }
      else if (rc != SQLITE_DONE)
        return sql_error (db, "reading a device", error);
    }
  return TRUE;
}

/* The four rules of this file read the same view of the fleet at the
 * reference time: build it once per computation. */
static FleetView *
shared_fleet_view (AttestRuleContext *ctx,
                   GError           **error)
{
  FleetView *view = attest_rule_context_get_shared (ctx, "rules-fleet-view");

  if (view != NULL)
    return view;
  view = g_new0 (FleetView, 1);
  if (!fleet_view_load (ctx, view, error))
    {
      fleet_view_free (view);
      return NULL;
    }
  attest_rule_context_set_shared (ctx, "rules-fleet-view", view, fleet_view_free);
  return view;
}

/* ---------------------------------------------------------------------- */
/* weak-identity */

/* High: a shared symmetric key on a device that handles data the policy
 * singles out is a direct exposure of that data, not a hygiene issue. */
static gboolean
rule_weak_identity (AttestRuleContext *ctx,
                    GError           **error)
{
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  sqlite3 *db = attest_store_get_db (attest_rule_context_get_store (ctx));
  FleetView *view;
  guint i;

  if ((view = shared_fleet_view (ctx, error)) == NULL)
    return FALSE;

  for (i = 0; i < view->devices->len; i++)
    {
      DeviceInfo *d = g_ptr_array_index (view->devices, i);
      AttestFleetDevice *fd = d->fleet;
      const char *const *allowed = allowed_identities (policy, d->data_class);
      const char *auth = fd->auth_type ? fd->auth_type : d->identity_auth;
      g_autofree char *subject = NULL;
      g_autofree char *allowed_text = NULL;
      AttestFinding *f;

      if (d->deleted || allowed == NULL || auth == NULL || strv_contains_ci (allowed, auth))
        continue;
      subject = g_strdup_printf ("%s/%s", fd->hub, fd->device_id);
      allowed_text = g_strjoinv (", ", (char **) allowed);
      f = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "device", subject, NULL,
                            ATTEST_TIME_NONE,
                            _("%s authenticates with %s, but devices of data class %s must use %s"),
                            fd->device_id, auth, d->data_class, allowed_text);
      add_snapshot (f, db, fd->device_snapshot_id);
      if (d->identity_id > 0 && g_strcmp0 (d->identity_auth, auth) == 0)
        attest_finding_add_evidence (f, "identities", d->identity_id, fd->device_id);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* stale-device */

/* Medium for a device gone quiet (nobody can tell what it runs or does);
 * low for an old runtime on a device that still reports — a maintenance
 * gap with a known fix. */
static gboolean
rule_stale_device (AttestRuleContext *ctx,
                   GError           **error)
{
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  sqlite3 *db = attest_store_get_db (attest_rule_context_get_store (ctx));
  gint64 now = attest_rule_context_get_now (ctx);
  gint64 max_offline = (gint64) (policy->max_offline_days * (double) TICKS_PER_DAY);
  FleetView *view;
  guint i;

  if ((view = shared_fleet_view (ctx, error)) == NULL)
    return FALSE;

  for (i = 0; i < view->devices->len; i++)
    {
      DeviceInfo *d = g_ptr_array_index (view->devices, i);
      AttestFleetDevice *fd = d->fleet;
      g_autofree char *subject = NULL;
      AttestFinding *f;

      if (d->deleted)
        continue;
      subject = g_strdup_printf ("%s/%s", fd->hub, fd->device_id);

      /* Offline: lastActivityTime is only known as of the newest twin
       * listing, so the gap is measured up to the newest activity or
       * twin change the cache holds for the hub (never after "now"):
       * a device active in the last listing is not offline merely
       * because the listing is a month old. */
      if (d->horizon == ATTEST_TIME_NONE)
        ;  /* an empty cache: nothing to measure against */
      else if (d->last_activity != ATTEST_TIME_NONE)
        {
          if (d->horizon - d->last_activity > max_offline)
            {
              g_autofree char *since = format_time (d->last_activity);
              gint64 days = now != ATTEST_TIME_NONE ? (now - d->last_activity) / TICKS_PER_DAY : 0;

              f = attest_rule_emit (ctx, ATTEST_SEVERITY_MEDIUM, "device", subject, "offline",
                                    d->last_activity + max_offline,
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "%s has had no activity since %s (%" G_GINT64_FORMAT " day before the newest evidence)",
                                                 "%s has had no activity since %s (%" G_GINT64_FORMAT " days before the newest evidence)",
                                                 (gulong) days),
                                    fd->device_id, since, days);
              add_snapshot (f, db, fd->device_snapshot_id);
              add_snapshot (f, db, fd->agent_snapshot_id);
            }
        }
      else if (d->registered == ATTEST_TIME_NONE || d->horizon - d->registered > max_offline)
        {
          /* Never connected (lastActivityTime 0001-01-01), registered
           * longer ago than the allowed offline time. */
          g_autofree char *reg = format_time (d->registered);

          f = attest_rule_emit (ctx, ATTEST_SEVERITY_MEDIUM, "device", subject, "offline",
                                d->registered != ATTEST_TIME_NONE ? d->registered + max_offline
                                                                  : ATTEST_TIME_NONE,
                                _("%s was registered at %s but has never connected"),
                                fd->device_id, reg);
          add_snapshot (f, db, fd->device_snapshot_id);
          add_snapshot (f, db, fd->agent_snapshot_id);
        }

      if (fd->edge_runtime != NULL && policy->min_edge_runtime != NULL
          && attest_version_compare (fd->edge_runtime, policy->min_edge_runtime) < 0)
        {
          f = attest_rule_emit (ctx, ATTEST_SEVERITY_LOW, "device", subject, "runtime",
                                ATTEST_TIME_NONE,
                                _("%s runs IoT Edge runtime %s, older than the minimum %s"),
                                fd->device_id, fd->edge_runtime, policy->min_edge_runtime);
          add_snapshot (f, db, fd->device_snapshot_id);
          add_snapshot (f, db, fd->agent_snapshot_id);
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* residency */

/* The data classes of a model version: its own tag dataClass and the tag
 * dataClass of every data asset that fed a job that produced it. */
static GStrv
model_classes (sqlite3    *db,
               GHashTable *cache,
               const char *name,
               const char *version)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", name, version);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GStrvBuilder) b = NULL;
  GStrv classes;

  classes = g_hash_table_lookup (cache, key);
  if (classes != NULL)
    return classes;
  b = g_strv_builder_new ();
  if (sqlite3_prepare_v2 (db,
                          "SELECT DISTINCT c FROM ("
                          "  SELECT json_extract (tags, '$.dataClass') AS c FROM ml_assets"
                          "   WHERE kind = 6 AND name = ?1 AND version = ?2 AND json_valid (tags)"
                          "  UNION ALL"
                          "  SELECT json_extract (a.tags, '$.dataClass') FROM lineage_edges p"
                          "    JOIN lineage_edges i ON i.dst_kind = 'job' AND i.dst_ref = p.src_ref"
                          "                        AND i.registry = p.registry AND i.src_kind = 'data'"
                          "    JOIN ml_assets a ON a.kind = 8 AND a.registry = i.registry"
                          "                    AND a.name || ':' || a.version = i.src_ref"
                          "   WHERE p.src_kind = 'job' AND p.dst_kind = 'model' AND p.dst_ref = ?1 || ':' || ?2"
                          "     AND json_valid (a.tags))"
                          " WHERE c IS NOT NULL AND c <> '' ORDER BY c",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, version, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_strv_builder_add (b, (const char *) sqlite3_column_text (stmt, 0));
    }
  classes = g_strv_builder_end (b);
  g_hash_table_insert (cache, g_steal_pointer (&key), classes);
  return classes;
}

/* The first restricted class of @classes that does not allow @region. */
static const char *
violated_class (const AttestPolicy *policy,
                const char *const  *classes,
                const char         *region)
{
  guint i;

  for (i = 0; classes && classes[i]; i++)
    {
      const char *const *allowed = allowed_regions (policy, classes[i]);
      if (allowed != NULL && !strv_contains_ci (allowed, region))
        return classes[i];
    }
  return NULL;
}

typedef struct
{
  char      *name;
  char      *version;
  char      *data_class;
  char      *hub;
  char      *region;
  GPtrArray *modules;   /* AttestFleetModule, borrowed */
  GPtrArray *devices;   /* AttestFleetDevice, borrowed (one per module) */
} ResidencyGroup;

static void
residency_group_free (gpointer data)
{
  ResidencyGroup *g = data;

  g_free (g->name);
  g_free (g->version);
  g_free (g->data_class);
  g_free (g->hub);
  g_free (g->region);
  g_ptr_array_unref (g->modules);
  g_ptr_array_unref (g->devices);
  g_free (g);
}

static void
add_module_evidence (AttestFinding     *f,
                     sqlite3           *db,
                     AttestFleetModule *m)
{
  add_deployment_version (f, db, m->deployment_version_id);
  add_snapshot (f, db, m->since_snapshot_id);
  add_snapshot (f, db, m->snapshot_id);
}

/* When @device was first observed outside @allowed: the lastActivityTime
 * stored with the earliest device twin version whose region tag is
 * outside (stored at the first listing that showed that version — tags
 * carry no change time of their own); ATTEST_TIME_NONE if unknown. */
static gint64
first_seen_outside (sqlite3            *db,
                    AttestFleetDevice  *device,
                    const char *const  *allowed)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db,
                          "SELECT s.last_activity, CASE WHEN json_valid (s.raw) THEN"
                          "  coalesce (json_extract (s.raw, '$.tags.region'), json_extract (s.raw, '$.tags.location'),"
                          "            json_extract (s.raw, '$.tags.country'), json_extract (s.raw, '$.tags.site.region')) END"
                          "  FROM twin_snapshots s JOIN hubs h ON h.id = s.hub_id"
                          " WHERE h.name = ?1 AND s.device_id = ?2 AND s.module_id = '' AND s.twin_version IS NOT NULL"
                          " ORDER BY s.twin_version, s.id", -1, &stmt, NULL) != SQLITE_OK)
    return ATTEST_TIME_NONE;
  sqlite3_bind_text (stmt, 1, device->hub, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device->device_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *region = (const char *) sqlite3_column_text (stmt, 1);

      if (region != NULL && !strv_contains_ci (allowed, region))
        return col_time (stmt, 0);
    }
  return ATTEST_TIME_NONE;
}

/* The snapshot of the twin behind @snapshot_id (same device and module)
 * in effect at @at, or 0. */
static gint64
snapshot_at (sqlite3 *db,
             gint64   snapshot_id,
             gint64   at)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (snapshot_id <= 0 || at == ATTEST_TIME_NONE
      || sqlite3_prepare_v2 (db,
                             "SELECT s.id FROM twin_snapshots s JOIN twin_snapshots o ON o.id = ?1"
                             " WHERE s.hub_id = o.hub_id AND s.device_id = o.device_id"
                             "   AND s.module_id = o.module_id AND s.changed_at <= ?2"
                             " ORDER BY s.changed_at DESC, s.id DESC LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (stmt, 1, snapshot_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

/* High: restricted data processed outside its allowed regions is a
 * legal exposure, whatever the cause. */
static gboolean
rule_residency (AttestRuleContext *ctx,
                GError           **error)
{
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  sqlite3 *db = attest_store_get_db (attest_rule_context_get_store (ctx));
  FleetView *view;
  g_autoptr(GHashTable) classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_strfreev);
  g_autoptr(GHashTable) group_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (residency_group_free);
  guint i, j;

  if ((view = shared_fleet_view (ctx, error)) == NULL)
    return FALSE;

  for (i = 0; i < view->devices->len; i++)
    {
      DeviceInfo *d = g_ptr_array_index (view->devices, i);
      AttestFleetDevice *fd = d->fleet;
      const char *const *device_allowed = allowed_regions (policy, d->data_class);

      if (d->deleted || d->region == NULL)
        continue;

      /* The device itself is tagged with a restricted class and sits
       * outside its regions: one finding on the device, citing the
       * restricted models it runs too. */
      if (device_allowed != NULL && !strv_contains_ci (device_allowed, d->region))
        {
          g_autofree char *subject = g_strdup_printf ("%s/%s", fd->hub, fd->device_id);
          g_autofree char *allowed_text = g_strjoinv (", ", (char **) device_allowed);
          gint64 outside = first_seen_outside (db, fd, device_allowed);
          AttestFinding *f;

          f = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "device", subject, NULL,
                                outside,
                                _("%s is tagged data class %s but is in region %s, outside the allowed regions (%s)"),
                                fd->device_id, d->data_class, d->region, allowed_text);
          add_snapshot (f, db, fd->device_snapshot_id);
          for (j = 0; j < fd->modules->len; j++)
            {
              AttestFleetModule *m = g_ptr_array_index (fd->modules, j);
              GStrv mc;

              if (m->model_name == NULL || m->model_version == NULL)
                continue;
              mc = model_classes (db, classes, m->model_name, m->model_version);
              if (violated_class (policy, (const char *const *) mc, d->region) != NULL)
                {
                  /* What it ran when first seen outside, then the run now. */
                  add_snapshot (f, db, snapshot_at (db, m->snapshot_id, outside));
                  add_module_evidence (f, db, m);
                }
            }
          continue;
        }

      /* Otherwise: every module whose model's data class does not allow
       * the device's region, grouped by model version, hub and region. */
      for (j = 0; j < fd->modules->len; j++)
        {
          AttestFleetModule *m = g_ptr_array_index (fd->modules, j);
          const char *cls;
          g_autofree char *key = NULL;
          ResidencyGroup *g;
          GStrv mc;

          if (m->model_name == NULL || m->model_version == NULL)
            continue;
          mc = model_classes (db, classes, m->model_name, m->model_version);
          cls = violated_class (policy, (const char *const *) mc, d->region);
          if (cls == NULL)
            continue;
          key = g_strdup_printf ("%s:%s\n%s\n%s", m->model_name, m->model_version, fd->hub, d->region);
          g = g_hash_table_lookup (group_index, key);
          if (g == NULL)
            {
              g = g_new0 (ResidencyGroup, 1);
              g->name = g_strdup (m->model_name);
              g->version = g_strdup (m->model_version);
              g->data_class = g_strdup (cls);
              g->hub = g_strdup (fd->hub);
              g->region = g_strdup (d->region);
              g->modules = g_ptr_array_new ();
              g->devices = g_ptr_array_new ();
              g_ptr_array_add (groups, g);
              g_hash_table_insert (group_index, g_steal_pointer (&key), g);
            }
          g_ptr_array_add (g->modules, m);
          g_ptr_array_add (g->devices, fd);
        }
    }

  for (i = 0; i < groups->len; i++)
    {
      ResidencyGroup *g = g_ptr_array_index (groups, i);
      g_autofree char *subject = g_strdup_printf ("%s:%s", g->name, g->version);
      g_autofree char *key = g_strdup_printf ("%s/%s", g->hub, g->region);
      const char *const *allowed = allowed_regions (policy, g->data_class);
      g_autofree char *allowed_text = g_strjoinv (", ", (char **) allowed);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
      gint64 at = ATTEST_TIME_NONE;
      guint n_devices = 0;
      AttestFinding *f;

      for (j = 0; j < g->modules->len; j++)
        {
          AttestFleetModule *m = g_ptr_array_index (g->modules, j);
          gint64 since = m->since != ATTEST_TIME_NONE ? m->since : m->snapshot_at;

          if (g_hash_table_add (seen, g_ptr_array_index (g->devices, j)))
            n_devices++;
          if (since != ATTEST_TIME_NONE && (at == ATTEST_TIME_NONE || since < at))
            at = since;
        }
      f = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "model-version", subject, key, at,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%s %s (data class %s) runs on %u device of %s in region %s, outside the allowed regions (%s)",
                                         "%s %s (data class %s) runs on %u devices of %s in region %s, outside the allowed regions (%s)",
                                         n_devices),
                            g->name, g->version, g->data_class, n_devices, g->hub, g->region,
                            allowed_text);
      for (j = 0; j < g->modules->len; j++)
        add_module_evidence (f, db, g_ptr_array_index (g->modules, j));
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* unregistered-model */

/* ?1 = now.  Every model a module reported, or the image of a module of
 * a model the registry knows by name, over the whole history up to now. */
static const char reported_sql[] =
  "SELECT m.model_name, m.model_version, h.name, s.device_id, m.module_id, s.id, s.changed_at,"
  "       m.via"
  "  FROM module_models m JOIN twin_snapshots s ON s.id = m.snapshot_id"
  "  JOIN hubs h ON h.id = s.hub_id"
  " WHERE m.model_name IS NOT NULL AND m.model_version IS NOT NULL"
  "   AND (s.changed_at IS NULL OR s.changed_at <= ?1)"
  "   AND (m.via = 'reported' OR EXISTS (SELECT 1 FROM ml_assets a WHERE a.kind IN (5, 6)"
  "                                         AND a.name = m.model_name))"
  " ORDER BY m.model_name, m.model_version, h.name COLLATE NOCASE, s.device_id, m.module_id,"
  "          m.via DESC, s.changed_at IS NULL, s.changed_at, s.id";

static gboolean
is_registered (GHashTable *registry,
               const char *name,
               const char *version)
{
  GPtrArray *versions = g_hash_table_lookup (registry, name);
  guint i;

  for (i = 0; versions && i < versions->len; i++)
    if (attest_version_compare (g_ptr_array_index (versions, i), version) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  gint64 first_id, last_id;
  char  *via;
} RunEnds;

/* High: a model nobody registered has no lineage, no approval and no
 * model card — the fleet runs something the organisation cannot vouch for. */
static gboolean
rule_unregistered_model (AttestRuleContext *ctx,
                         GError           **error)
{
  sqlite3 *db = attest_store_get_db (attest_rule_context_get_store (ctx));
  gint64 now = attest_rule_context_get_now (ctx);
  g_autoptr(GHashTable) registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) deploys = NULL;
  g_autofree char *cur_name = NULL;
  g_autofree char *cur_version = NULL;
  g_autofree char *cur_target = NULL;   /* hub/device/module of the current run */
  g_autoptr(GArray) snaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_free);
  gint64 first_at = ATTEST_TIME_NONE;
  gint64 run_first = 0, run_last = 0;
  g_autofree char *run_via = NULL;
  int rc;

  stmt = prepare (db, "SELECT name, version FROM ml_assets WHERE kind = 6", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      GPtrArray *versions = g_hash_table_lookup (registry, name);

      if (versions == NULL)
        {
          versions = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (registry, g_strdup (name), versions);
        }
      g_ptr_array_add (versions, col_dup (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, "reading model versions", error);
  /* Without any registry data nothing can be judged. */
  if (g_hash_table_size (registry) == 0)
    return TRUE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (db, reported_sql, error);
  if (stmt == NULL)
    return FALSE;
  deploys = prepare (db,
                     "SELECT DISTINCT m.version_id FROM deployment_modules m"
                     "  JOIN deployment_versions v ON v.id = m.version_id"
                     " WHERE m.model_name = ?1 AND m.model_version = ?2"
                     "   AND (coalesce (v.created_at, v.updated_at) IS NULL OR coalesce (v.created_at, v.updated_at) <= ?3)"
                     " ORDER BY m.version_id", error);
  if (deploys == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now != ATTEST_TIME_NONE ? now : G_MAXINT64);

  /* Rows come grouped by model version, then device module; for each
   * device module the first and last snapshot of the best source
   * ("reported" before "image") are cited. */
  for (;;)
    {
      const char *name = NULL, *version = NULL, *via = NULL;
      g_autofree char *target = NULL;
      gboolean new_model, new_target;
      gint64 sid = 0;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          name = (const char *) sqlite3_column_text (stmt, 0);
          version = (const char *) sqlite3_column_text (stmt, 1);
          via = (const char *) sqlite3_column_text (stmt, 7);
          target = g_strdup_printf ("%s/%s/%s", sqlite3_column_text (stmt, 2),
                                    sqlite3_column_text (stmt, 3), sqlite3_column_text (stmt, 4));
          sid = sqlite3_column_int64 (stmt, 5);
          if (is_registered (registry, name, version))
            continue;
        }
      else if (rc != SQLITE_DONE)
        return sql_error (db, "reading reported models", error);

      new_model = rc == SQLITE_DONE || g_strcmp0 (name, cur_name) != 0
                  || g_strcmp0 (version, cur_version) != 0;
      new_target = new_model || g_strcmp0 (target, cur_target) != 0;

      if (new_target && run_first != 0)
        {
          g_array_append_val (snaps, run_first);
          if (run_last != run_first)
            g_array_append_val (snaps, run_last);
          run_first = run_last = 0;
        }

      if (new_model && cur_name != NULL && snaps->len > 0)
        {
          g_autofree char *subject = g_strdup_printf ("%s:%s", cur_name, cur_version);
          g_autofree char *list = NULL;
          AttestFinding *f;
          guint i;

          g_ptr_array_add (devices, NULL);
          list = g_strjoinv (", ", (char **) devices->pdata);
          f = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "model-version", subject, NULL, first_at,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "%s %s, which is not in the model registry, was reported by %u device (%s)",
                                             "%s %s, which is not in the model registry, was reported by %u devices (%s)",
                                             devices->len - 1),
                                cur_name, cur_version, devices->len - 1, list);
          sqlite3_reset (deploys);
          sqlite3_bind_text (deploys, 1, cur_name, -1, SQLITE_STATIC);
          sqlite3_bind_text (deploys, 2, cur_version, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (deploys, 3, now != ATTEST_TIME_NONE ? now : G_MAXINT64);
          while ((rc = sqlite3_step (deploys)) == SQLITE_ROW)
            add_deployment_version (f, db, sqlite3_column_int64 (deploys, 0));
          if (rc != SQLITE_DONE)
            return sql_error (db, "reading deployments", error);
          for (i = 0; i < snaps->len; i++)
            add_snapshot (f, db, g_array_index (snaps, gint64, i));
        }
      if (name == NULL)
        break;

      if (new_model)
        {
          g_free (cur_name);
          g_free (cur_version);
          cur_name = g_strdup (name);
          cur_version = g_strdup (version);
          g_array_set_size (snaps, 0);
          g_ptr_array_set_size (devices, 0);
          first_at = ATTEST_TIME_NONE;
        }
      if (new_target)
        {
          g_autofree char *device = g_strdup_printf ("%s/%s", sqlite3_column_text (stmt, 2),
                                                     sqlite3_column_text (stmt, 3));

          g_free (cur_target);
          cur_target = g_strdup (target);
          g_free (run_via);
          run_via = g_strdup (via);
          if (devices->len == 0 || g_strcmp0 (g_ptr_array_index (devices, devices->len - 1), device) != 0)
            g_ptr_array_add (devices, g_steal_pointer (&device));
        }
      /* Only the best source of a device module ("reported" sorts first). */
      if (g_strcmp0 (via, run_via) != 0)
        continue;
      if (run_first == 0)
        run_first = sid;
      run_last = sid;
      if (col_time (stmt, 6) != ATTEST_TIME_NONE
          && (first_at == ATTEST_TIME_NONE || col_time (stmt, 6) < first_at))
        first_at = col_time (stmt, 6);
    }
  return TRUE;
}

const AttestRule _attest_rules_fleet[] = {
  { "unregistered-model", N_("Model version not in the registry"), rule_unregistered_model },
  { "residency", N_("Restricted data outside its regions"), rule_residency },
  { "weak-identity", N_("Device identity weaker than policy"), rule_weak_identity },
  { "stale-device", N_("Device offline or runtime outdated"), rule_stale_device },
  { NULL, NULL, NULL }
};
