/* attest-rules-models.c: findings rules (see attest-rules-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * unapproved-deployer, undocumented-model, performance-regression: who
 * wrote deployments and model versions, whether what runs is documented,
 * and whether a model version performs worse in the field than policy
 * allows.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-rules-private.h"

#include "attest-access.h"
#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-deployments.h"
#include "attest-metrics.h"
#include "attest-time.h"
#include "attest-version.h"

/* A deployment change is attributed to the activity-log caller on the same
 * hub within this long before it (the listkeys or similar call that
 * fetched the credentials it was made with); the same window as the
 * device history uses. */
#define ACTOR_WINDOW  (3600 * ATTEST_TICKS_PER_SECOND)
/* A Configurations resource-log record is up to 1 s before the
 * createdTimeUtc / lastUpdatedTimeUtc of the version it wrote. */
#define RECORD_SLACK  (2 * ATTEST_TICKS_PER_SECOND)
/* Comparing reported figures with policy bounds. */
#define EPSILON       1e-9

#define OBJECT_ID_CLAIM "http://schemas.microsoft.com/identity/claims/objectidentifier"

/* ---------------------------------------------------------------- helpers */

static gboolean
sql_error (sqlite3    *db,
           const char *what,
           GError    **error)
{
  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "reading %s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

/* "YYYY-MM-DD HH:MM:SS UTC", or "an unknown time". */
static char *
when_text (gint64 ticks)
{
  char buf[32];

  if (ticks == ATTEST_TIME_NONE)
    return g_strdup (_("an unknown time"));
  attest_time_format_buf (ticks, buf);
  buf[10] = ' ';
  buf[19] = '\0';
  return g_strdup_printf ("%s UTC", buf);
}

static gboolean
has_suffix_ci (const char *text,
               const char *suffix)
{
  gsize n, m;

  if (text == NULL)
    return FALSE;
  n = strlen (text);
  m = strlen (suffix);
  return n >= m && g_ascii_strcasecmp (text + n - m, suffix) == 0;
}

static gboolean
is_delete (const char *operation)
{
  g_autofree char *op = g_ascii_strdown (operation ? operation : "", -1);

  return strstr (op, "delete") != NULL;
}

static char *
model_key (const char *name,
           const char *version)
{
  return g_strdup_printf ("%s:%s", name, version);
}

/* One principal as the activity log's claims know it. */
typedef struct
{
  char *caller;      /* as logged (UPN, app id or object id) */
  char *object_id;   /* claims objectidentifier, or NULL */
  char *name;        /* claims name, or NULL */
} Principal;

static void
principal_free (gpointer data)
{
  Principal *p = data;

  g_free (p->caller);
  g_free (p->object_id);
  g_free (p->name);
  g_free (p);
}

/* Every caller of the activity log with its object id and display name. */
static GPtrArray *
load_principals (sqlite3  *db,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (principal_free);
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT min (caller), max (json_extract (raw, '$.claims.\"" OBJECT_ID_CLAIM "\"')),"
                          "       max (json_extract (raw, '$.claims.name'))"
                          "  FROM audit_events"
                          " WHERE kind = 'activity' AND caller IS NOT NULL AND caller <> ''"
                          "   AND json_valid (raw)"
                          " GROUP BY lower (caller) ORDER BY lower (caller)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, "principals", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Principal *p = g_new0 (Principal, 1);
      const char *oid = (const char *) sqlite3_column_text (stmt, 1);
      const char *name = (const char *) sqlite3_column_text (stmt, 2);

      p->caller = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->object_id = oid && *oid ? g_strdup (oid) : NULL;
      p->name = name && *name ? g_strdup (name) : NULL;
      g_ptr_array_add (all, p);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, "principals", error), NULL;
  return g_steal_pointer (&all);
}

static const Principal *
principal_by_caller (GPtrArray  *principals,
                     const char *caller)
{
  guint i;

  for (i = 0; caller && i < principals->len; i++)
    {
      const Principal *p = g_ptr_array_index (principals, i);
      if (g_ascii_strcasecmp (p->caller, caller) == 0)
        return p;
    }
  return NULL;
}

/* The one caller whose name claim is @display_name (case-insensitive),
 * or NULL when none or several are. */
static const Principal *
principal_by_name (GPtrArray  *principals,
                   const char *display_name)
{
  g_autofree char *want = g_utf8_casefold (display_name, -1);
  const Principal *found = NULL;
  guint i;

  for (i = 0; i < principals->len; i++)
    {
      const Principal *p = g_ptr_array_index (principals, i);
      g_autofree char *have = p->name ? g_utf8_casefold (p->name, -1) : NULL;

      if (have == NULL || strcmp (have, want) != 0)
        continue;
      if (found != NULL)
        return NULL;
      found = p;
    }
  return found;
}

/* Approved by caller, or by the object id the claims give for it. */
static gboolean
approved (const AttestPolicy *policy,
          GPtrArray          *principals,
          const char         *caller)
{
  const Principal *p;

  if (attest_policy_is_approved (policy, caller))
    return TRUE;
  p = principal_by_caller (principals, caller);
  return p != NULL && p->object_id != NULL && attest_policy_is_approved (policy, p->object_id);
}

/* A principal id (UPN, GUID) rather than a display name. */
static gboolean
looks_like_principal_id (const char *text)
{
  return strchr (text, '@') != NULL || g_uuid_string_is_valid (text);
}

static void
add_change_events (AttestFinding      *f,
                   AttestAccessChange *c)
{
  guint i;

  for (i = 0; i < c->row_ids->len; i++)
    attest_finding_add_evidence (f, "audit_events", g_array_index (c->row_ids, gint64, i),
                                 g_ptr_array_index (c->event_ids, i));
}

/* Role grants to @caller (through its object id) before @before. */
static void
add_role_grants (AttestFinding *f,
                 GPtrArray     *access,
                 GPtrArray     *principals,
                 const char    *caller,
                 gint64         before)
{
  const Principal *who = principal_by_caller (principals, caller);
  guint i, j;

  for (i = 0; i < access->len; i++)
    {
      AttestAccessPrincipal *p = g_ptr_array_index (access, i);

      for (j = 0; j < p->changes->len; j++)
        {
          AttestAccessChange *c = g_ptr_array_index (p->changes, j);
          guint last;

          if (c->area != ATTEST_ACCESS_ROLE_ASSIGNMENT || c->outcome != ATTEST_ACCESS_SUCCEEDED
              || !has_suffix_ci (c->operation, "/write") || c->time > before
              || c->role_principal_id == NULL || c->row_ids->len == 0)
            continue;
          if (g_ascii_strcasecmp (c->role_principal_id, caller) != 0
              && (who == NULL || who->object_id == NULL
                  || g_ascii_strcasecmp (c->role_principal_id, who->object_id) != 0))
            continue;
          last = c->row_ids->len - 1;
          attest_finding_add_evidence (f, "audit_events", g_array_index (c->row_ids, gint64, last),
                                       g_ptr_array_index (c->event_ids, last));
        }
    }
}

/* Failed activity-log calls of @caller before @before: on @hub, or (hub
 * NULL) against model versions. */
static gboolean
add_failed_attempts (AttestFinding *f,
                     sqlite3       *db,
                     const char    *caller,
                     const char    *hub,
                     gint64         before,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT id, event_id FROM audit_events"
                          " WHERE kind = 'activity' AND caller = ?1 COLLATE NOCASE AND id <= ?2"
                          "   AND lower (status) IN ('failed', 'failure')"
                          "   AND (CASE WHEN ?3 IS NULL"
                          "        THEN lower (operation) LIKE 'microsoft.machinelearningservices/workspaces/models/%'"
                          "        ELSE hub = ?3 END)"
                          " ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, "failed attempts", error);
  sqlite3_bind_text (stmt, 1, caller, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, attest_event_id_last (before));
  if (hub != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (hub, -1);
      sqlite3_bind_text (stmt, 3, lower, -1, SQLITE_TRANSIENT);
    }
  else
    sqlite3_bind_null (stmt, 3);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    attest_finding_add_evidence (f, "audit_events", sqlite3_column_int64 (stmt, 0),
                                 (const char *) sqlite3_column_text (stmt, 1));
  if (rc != SQLITE_DONE)
    return sql_error (db, "failed attempts", error);
  return TRUE;
}

/* The first stored version of every configuration that deploys
 * @name:@version, oldest first. */
static GPtrArray *
deploying_versions (AttestDeploymentTimeline *timeline,
                    const char               *name,
                    const char               *version)
{
  GPtrArray *out = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint i, j;

  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);

      if (g_hash_table_contains (seen, &v->deployment_id))
        continue;
      for (j = 0; j < v->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (v->models, j);

          if (g_strcmp0 (m->model_name, name) == 0 && g_strcmp0 (m->model_version, version) == 0)
            {
              g_hash_table_add (seen, &v->deployment_id);
              g_ptr_array_add (out, v);
              break;
            }
        }
    }
  return out;
}

static void
add_deployment_version (AttestFinding           *f,
                        AttestDeploymentVersion *v)
{
  g_autofree char *label = g_strdup_printf ("%s@%s", v->config_id, v->etag);

  attest_finding_add_evidence (f, "deployment_versions", v->version_id, label);
}

/* The registry row of a model version (newest registry first). */
typedef struct
{
  gint64  row_id;
  char   *name;
  char   *version;
  char   *registry;
  char   *arm_id;       /* the ARM id, else "name:version" */
  char   *created_by;
  gint64  created_at;
  char   *tags;         /* JSON object text or NULL */
} ModelAsset;

static void
model_asset_free (gpointer data)
{
  ModelAsset *a = data;

  g_free (a->name);
  g_free (a->version);
  g_free (a->registry);
  g_free (a->arm_id);
  g_free (a->created_by);
  g_free (a->tags);
  g_free (a);
}

static GPtrArray *
load_model_assets (sqlite3  *db,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (model_asset_free);
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT id, name, version, registry,"
                          "       CASE WHEN json_valid (raw) THEN json_extract (raw, '$.id') END,"
                          "       created_by, created_at, tags"
                          "  FROM ml_assets WHERE kind = 6 ORDER BY name, version, registry, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, "model versions", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ModelAsset *a = g_new0 (ModelAsset, 1);
      const char *arm = (const char *) sqlite3_column_text (stmt, 4);

      a->row_id = sqlite3_column_int64 (stmt, 0);
      a->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      a->version = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      a->registry = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      a->arm_id = arm && *arm ? g_strdup (arm) : model_key (a->name, a->version);
      a->created_by = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      a->created_at = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? ATTEST_TIME_NONE
                      : sqlite3_column_int64 (stmt, 6);
      a->tags = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      g_ptr_array_add (all, a);
    }
  if (rc != SQLITE_DONE)
    return sql_error (db, "model versions", error), NULL;
  return g_steal_pointer (&all);
}

static void
add_model_assets (AttestFinding *f,
                  GPtrArray     *assets,
                  const char    *name,
                  const char    *version)
{
  guint i;

  for (i = 0; i < assets->len; i++)
    {
      ModelAsset *a = g_ptr_array_index (assets, i);
      if (g_strcmp0 (a->name, name) == 0 && g_strcmp0 (a->version, version) == 0)
        attest_finding_add_evidence (f, "ml_assets", a->row_id, a->arm_id);
    }
}

/* ------------------------------------------------- unapproved-deployer */

typedef struct
{
  AttestRuleContext        *ctx;
  sqlite3                  *db;
  GPtrArray                *access;
  GPtrArray                *principals;
  GPtrArray                *assets;
  AttestDeploymentTimeline *timeline;
} DeployerScan;

/* A model version written by @caller (the activity log) or, when
 * @change is NULL, claimed by the registry's createdBy. */
static gboolean
model_writer_finding (DeployerScan       *s,
                      const char         *name_version,
                      const char         *caller,
                      AttestAccessChange *change,
                      const ModelAsset   *asset,
                      const char         *form,
                      GError            **error)
{
  g_autofree char *key = g_ascii_strdown (caller, -1);
  gint64 at = change ? change->time : asset->created_at;
  g_autofree char *when = when_text (at);
  AttestFinding *f;
  guint i;

  /* High: an unauthorised change to what runs in production is the
   * control this whole policy exists for. */
  if (change != NULL)
    f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "model-version", name_version, key, at,
                          _("Model version %s was registered on %s by %s (activity log, %s), "
                            "who is not an approved deployer"),
                          name_version, when, caller, change->operation);
  else if (g_strcmp0 (form, "principal") == 0)
    f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "model-version", name_version, key, at,
                          _("Model version %s was registered on %s by %s (the registry's createdBy; "
                            "no activity-log record of the write), who is not an approved deployer"),
                          name_version, when, caller);
  else if (g_strcmp0 (form, "mapped") == 0)
    f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "model-version", name_version, key, at,
                          _("Model version %s was registered on %s by %s (the registry's createdBy "
                            "\"%s\", mapped to that principal through the activity log's name claim), "
                            "who is not an approved deployer"),
                          name_version, when, caller, asset->created_by);
  else
    f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "model-version", name_version, key, at,
                          _("Model version %s was registered on %s by \"%s\" (the registry's createdBy, a "
                            "display name no activity-log principal carries, so the name itself was "
                            "compared with the approved list), which is not an approved deployer"),
                          name_version, when, caller);

  if (asset != NULL)
    attest_finding_add_evidence (f, "ml_assets", asset->row_id, asset->arm_id);
  else
    {
      g_auto(GStrv) parts = g_strsplit (name_version, ":", 2);
      if (parts[0] && parts[1])
        add_model_assets (f, s->assets, parts[0], parts[1]);
    }
  if (change != NULL)
    add_change_events (f, change);
  add_role_grants (f, s->access, s->principals, caller, at);
  if (change != NULL && !add_failed_attempts (f, s->db, caller, NULL, at, error))
    return FALSE;
  /* What it went on to reach. */
  {
    g_auto(GStrv) parts = g_strsplit (name_version, ":", 2);
    if (parts[0] && parts[1])
      {
        g_autoptr(GPtrArray) deps = deploying_versions (s->timeline, parts[0], parts[1]);
        for (i = 0; i < deps->len; i++)
          add_deployment_version (f, g_ptr_array_index (deps, i));
      }
  }
  return TRUE;
}

/* The stored version a Configurations record wrote. */
static AttestDeploymentVersion *
version_of_record (AttestDeploymentTimeline *timeline,
                   const char               *hub,
                   const char               *config_id,
                   gint64                    at)
{
  guint i;

  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);
      gint64 t = v->at;

      if (t == ATTEST_TIME_NONE || g_strcmp0 (v->config_id, config_id) != 0
          || hub == NULL || g_ascii_strcasecmp (v->hub, hub) != 0)
        continue;
      if (ABS (t - at) <= RECORD_SLACK)
        return v;
    }
  return NULL;
}

/* labels.createdBy of a version, or NULL. */
static char *
label_created_by (sqlite3                 *db,
                  AttestDeploymentVersion *v)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *text;

  if (v == NULL || v->labels == NULL)
    return NULL;
  if (sqlite3_prepare_v2 (db, "SELECT CASE WHEN json_valid (?1) THEN json_extract (?1, '$.createdBy') END",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, v->labels, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  text = (const char *) sqlite3_column_text (stmt, 0);
  return text && *text ? g_strdup (text) : NULL;
}

/* One write of a deployment: @record (a resource-log change, or NULL)
 * and/or @version; attributed to the nearest successful activity-log
 * call on the hub in the window before it, else to labels.createdBy. */
static gboolean
deployment_write (DeployerScan            *s,
                  const char              *hub,
                  const char              *config_id,
                  gint64                   anchor,
                  const char              *operation,
                  AttestAccessChange      *record,
                  AttestDeploymentVersion *version,
                  GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *hub_lower = g_ascii_strdown (hub, -1);
  g_autofree char *subject = g_strdup_printf ("%s/%s", hub, config_id);
  g_autofree char *when = when_text (anchor);
  g_autofree char *caller = NULL;
  g_autofree char *actor_op = NULL;
  g_autofree char *actor_event = NULL;
  g_autofree char *claimed = NULL;
  g_autofree char *key = NULL;
  gint64 actor_row = 0, actor_at = ATTEST_TIME_NONE;
  AttestFinding *f;
  int rc;

  if (sqlite3_prepare_v2 (s->db,
                          "SELECT id, event_id, caller, operation, ts FROM audit_events"
                          " WHERE kind = 'activity' AND hub = ?1 AND id BETWEEN ?2 AND ?3"
                          "   AND caller IS NOT NULL AND caller <> ''"
                          "   AND lower (status) IN ('succeeded', 'success')"
                          " ORDER BY id DESC LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (s->db, "audit events", error);
  sqlite3_bind_text (stmt, 1, hub_lower, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, attest_event_id_first (anchor - ACTOR_WINDOW));
  sqlite3_bind_int64 (stmt, 3, attest_event_id_last (anchor));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      actor_row = sqlite3_column_int64 (stmt, 0);
      actor_event = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      caller = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      actor_op = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      if (attest_time_parse ((const char *) sqlite3_column_text (stmt, 4), &actor_at) != ATTEST_TIME_OK)
        actor_at = ATTEST_TIME_NONE;
    }
  else if (rc != SQLITE_DONE)
    return sql_error (s->db, "audit events", error);

  if (caller == NULL)
    {
      claimed = label_created_by (s->db, version);
      if (claimed == NULL)
        return TRUE;   /* nobody to attribute it to */
      if (approved (attest_rule_context_get_policy (s->ctx), s->principals, claimed))
        return TRUE;
      key = g_ascii_strdown (claimed, -1);
      /* High: see model_writer_finding(). */
      f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, anchor,
                            _("Deployment %s was written (%s) on %s; no activity-log call on the hub precedes "
                              "it, and its labels.createdBy claims %s (a claim by whoever wrote the deployment, "
                              "not a logged identity), who is not an approved deployer"),
                            subject, operation, when, claimed);
      caller = g_strdup (claimed);
    }
  else
    {
      g_autofree char *actor_when = when_text (actor_at);

      if (approved (attest_rule_context_get_policy (s->ctx), s->principals, caller))
        return TRUE;
      key = g_ascii_strdown (caller, -1);
      claimed = label_created_by (s->db, version);
      f = attest_rule_emit (s->ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, anchor,
                            _("Deployment %s was written (%s) on %s; the last activity-log caller on the hub "
                              "before it was %s (%s at %s), who is not an approved deployer"),
                            subject, operation, when, caller, actor_op, actor_when);
    }

  if (version != NULL)
    add_deployment_version (f, version);
  if (record != NULL)
    add_change_events (f, record);
  if (actor_row != 0)
    attest_finding_add_evidence (f, "audit_events", actor_row, actor_event);
  add_role_grants (f, s->access, s->principals, caller, anchor);
  return add_failed_attempts (f, s->db, caller, hub, anchor, error);
}

static gboolean
rule_unapproved_deployer (AttestRuleContext *ctx,
                          GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  AttestDeploymentQuery query = { NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, 0 };
  g_autoptr(GPtrArray) access = NULL;
  g_autoptr(GPtrArray) principals = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  g_autoptr(GHashTable) logged_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) recorded = g_hash_table_new (g_int64_hash, g_int64_equal);
  DeployerScan s = { ctx, attest_store_get_db (store), NULL, NULL, NULL, NULL };
  guint i, j;

  access = attest_access_changes (store, ATTEST_TIME_NONE, ATTEST_TIME_NONE, error);
  if (access == NULL)
    return FALSE;
  principals = load_principals (s.db, error);
  if (principals == NULL)
    return FALSE;
  assets = load_model_assets (s.db, error);
  if (assets == NULL)
    return FALSE;
  timeline = attest_deployment_timeline (store, &query, error);
  if (timeline == NULL)
    return FALSE;
  s.access = access;
  s.principals = principals;
  s.assets = assets;
  s.timeline = timeline;

  /* Logged writes: model versions and ARM configuration writes by a
   * caller; Configurations resource-log records, which name none. */
  for (i = 0; i < access->len; i++)
    {
      AttestAccessPrincipal *p = g_ptr_array_index (access, i);

      for (j = 0; j < p->changes->len; j++)
        {
          AttestAccessChange *c = g_ptr_array_index (p->changes, j);

          /* Failed attempts are evidence of other findings, never one. */
          if (c->outcome != ATTEST_ACCESS_SUCCEEDED || is_delete (c->operation) || c->target == NULL)
            continue;
          if (c->area == ATTEST_ACCESS_MODEL && p->principal != NULL)
            {
              g_hash_table_add (logged_models, g_strdup (c->target));
              if (!approved (policy, principals, p->principal)
                  && !model_writer_finding (&s, c->target, p->principal, c, NULL, NULL, error))
                return FALSE;
            }
          else if (c->area == ATTEST_ACCESS_DEPLOYMENT && c->hub != NULL)
            {
              AttestDeploymentVersion *v = version_of_record (timeline, c->hub, c->target, c->time);

              if (v != NULL)
                g_hash_table_add (recorded, &v->version_id);
              if (p->principal != NULL)
                {
                  g_autofree char *subject = g_strdup_printf ("%s/%s", c->hub, c->target);
                  g_autofree char *key = g_ascii_strdown (p->principal, -1);
                  g_autofree char *when = when_text (c->time);
                  AttestFinding *f;

                  if (approved (policy, principals, p->principal))
                    continue;
                  f = attest_rule_emit (ctx, ATTEST_SEVERITY_HIGH, "deployment", subject, key, c->time,
                                        _("Deployment %s was written (%s) on %s by %s, who is not an "
                                          "approved deployer"),
                                        subject, c->operation, when, p->principal);
                  if (v != NULL)
                    add_deployment_version (f, v);
                  add_change_events (f, c);
                  add_role_grants (f, access, principals, p->principal, c->time);
                  if (!add_failed_attempts (f, s.db, p->principal, c->hub, c->time, error))
                    return FALSE;
                }
              else if (!deployment_write (&s, c->hub, c->target, c->time, c->operation, c, v, error))
                return FALSE;
            }
        }
    }

  /* Deployment versions no log record covers: attribute at their own time. */
  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);
      const char *what = v->updated_at != ATTEST_TIME_NONE && v->updated_at != v->created_at
                         ? "lastUpdatedTimeUtc" : "createdTimeUtc";

      if (v->at == ATTEST_TIME_NONE || g_hash_table_contains (recorded, &v->version_id))
        continue;
      if (!deployment_write (&s, v->hub, v->config_id, v->at, what, NULL, v, error))
        return FALSE;
    }

  /* Model versions without a logged write: the registry's createdBy. */
  for (i = 0; i < assets->len; i++)
    {
      ModelAsset *a = g_ptr_array_index (assets, i);
      g_autofree char *nv = model_key (a->name, a->version);
      const Principal *mapped;

      if (g_hash_table_contains (logged_models, nv) || a->created_by == NULL || *a->created_by == '\0')
        continue;
      if (looks_like_principal_id (a->created_by))
        {
          if (!approved (policy, principals, a->created_by)
              && !model_writer_finding (&s, nv, a->created_by, NULL, a, "principal", error))
            return FALSE;
        }
      else if ((mapped = principal_by_name (principals, a->created_by)) != NULL)
        {
          if (!approved (policy, principals, mapped->caller)
              && !model_writer_finding (&s, nv, mapped->caller, NULL, a, "mapped", error))
            return FALSE;
        }
      else
        {
          gboolean ok = FALSE;
          g_autofree char *want = g_utf8_casefold (a->created_by, -1);
          char **d;

          for (d = policy->approved_deployers; d && *d && !ok; d++)
            {
              g_autofree char *have = g_utf8_casefold (*d, -1);
              ok = strcmp (have, want) == 0;
            }
          if (!ok && !model_writer_finding (&s, nv, a->created_by, NULL, a, "display-name", error))
            return FALSE;
        }
    }
  return TRUE;
}

/* -------------------------------------------------- undocumented-model */

typedef struct
{
  char   *name;
  char   *version;
  gint64  first_at;
} Deployed;

static void
deployed_free (gpointer data)
{
  Deployed *d = data;

  g_free (d->name);
  g_free (d->version);
  g_free (d);
}

static int
deployed_compare (gconstpointer a,
                  gconstpointer b)
{
  const Deployed *x = *(Deployed **) a;
  const Deployed *y = *(Deployed **) b;
  int c = g_strcmp0 (x->name, y->name);

  return c != 0 ? c : attest_version_compare (x->version, y->version);
}

static void
note_deployed (GHashTable *seen,
               GPtrArray  *list,
               const char *name,
               const char *version,
               gint64      at)
{
  g_autofree char *key = NULL;
  Deployed *d;

  if (name == NULL || version == NULL || *name == '\0' || *version == '\0')
    return;
  key = model_key (name, version);
  d = g_hash_table_lookup (seen, key);
  if (d == NULL)
    {
      d = g_new0 (Deployed, 1);
      d->name = g_strdup (name);
      d->version = g_strdup (version);
      d->first_at = at;
      g_ptr_array_add (list, d);
      g_hash_table_insert (seen, g_steal_pointer (&key), d);
    }
  else if (at != ATTEST_TIME_NONE && (d->first_at == ATTEST_TIME_NONE || at < d->first_at))
    d->first_at = at;
}

/* Required tags missing (absent or blank) from @tags_json, "; "-separated,
 * or NULL when none is. */
static char *
missing_tags (sqlite3            *db,
              const AttestPolicy *policy,
              const char         *tags_json)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  char **t;

  for (t = policy->required_model_tags; t && *t; t++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      gboolean present = FALSE;

      if (tags_json != NULL
          && sqlite3_prepare_v2 (db, "SELECT 1 FROM json_each (?1) WHERE key = ?2"
                                     " AND trim (CAST (value AS TEXT)) <> ''",
                                 -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, tags_json, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, *t, -1, SQLITE_TRANSIENT);
          present = sqlite3_step (stmt) == SQLITE_ROW;
        }
      if (!present)
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", *t);
    }
  return missing->len ? g_string_free (g_steal_pointer (&missing), FALSE) : NULL;
}

static gboolean
rule_undocumented_model (AttestRuleContext *ctx,
                         GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  sqlite3 *db = attest_store_get_db (store);
  AttestDeploymentQuery query = { NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, 0 };
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GPtrArray) deployed = g_ptr_array_new_with_free_func (deployed_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) reports = NULL;
  guint i, j;
  int rc;

  if (policy->required_model_tags == NULL || policy->required_model_tags[0] == NULL)
    return TRUE;
  timeline = attest_deployment_timeline (store, &query, error);
  if (timeline == NULL)
    return FALSE;
  assets = load_model_assets (db, error);
  if (assets == NULL)
    return FALSE;

  /* What is deployed: named by a deployment, or reported by a device. */
  for (i = 0; i < timeline->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, i);
      for (j = 0; j < v->models->len; j++)
        {
          AttestDeployedModel *m = g_ptr_array_index (v->models, j);
          note_deployed (seen, deployed, m->model_name, m->model_version, v->at);
        }
    }
  if (sqlite3_prepare_v2 (db,
                          "SELECT m.model_name, m.model_version, min (s.changed_at) FROM module_models m"
                          "  JOIN twin_snapshots s ON s.id = m.snapshot_id"
                          " WHERE m.model_name IS NOT NULL AND m.model_version IS NOT NULL"
                          " GROUP BY m.model_name, m.model_version", -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, "module models", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    note_deployed (seen, deployed, (const char *) sqlite3_column_text (stmt, 0),
                   (const char *) sqlite3_column_text (stmt, 1),
                   sqlite3_column_type (stmt, 2) == SQLITE_NULL ? ATTEST_TIME_NONE
                   : sqlite3_column_int64 (stmt, 2));
  if (rc != SQLITE_DONE)
    return sql_error (db, "module models", error);
  g_ptr_array_sort (deployed, deployed_compare);

  /* The latest snapshot of each device module reporting a version: the
   * evidence when no deployment names it. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT max (s.id), s.device_id, s.module_id FROM module_models m"
                          "  JOIN twin_snapshots s ON s.id = m.snapshot_id"
                          " WHERE m.model_name = ?1 AND m.model_version = ?2"
                          " GROUP BY s.hub_id, s.device_id, s.module_id ORDER BY s.device_id, s.module_id",
                          -1, &reports, NULL) != SQLITE_OK)
    return sql_error (db, "module models", error);

  for (i = 0; i < deployed->len; i++)
    {
      Deployed *d = g_ptr_array_index (deployed, i);
      g_autofree char *nv = model_key (d->name, d->version);

      for (j = 0; j < assets->len; j++)
        {
          ModelAsset *a = g_ptr_array_index (assets, j);
          g_autofree char *missing = NULL;
          g_autoptr(GPtrArray) deps = NULL;
          g_autoptr(GString) where = g_string_new (NULL);
          g_autofree char *when = NULL;
          AttestFinding *f;
          guint k;

          /* Absent from the registry altogether is unregistered-model's. */
          if (g_strcmp0 (a->name, d->name) != 0 || g_strcmp0 (a->version, d->version) != 0)
            continue;
          missing = missing_tags (db, policy, a->tags);
          if (missing == NULL)
            continue;
          deps = deploying_versions (timeline, d->name, d->version);
          for (k = 0; k < deps->len && k < 4; k++)
            g_string_append_printf (where, "%s%s", k ? ", " : "",
                                    ((AttestDeploymentVersion *) g_ptr_array_index (deps, k))->config_id);
          if (deps->len > 4)
            g_string_append (where, ", …");
          when = when_text (d->first_at);
          /* Medium: a documentation gap, not an unauthorised change; it
           * blocks accountability (who approved it, on what data). */
          if (deps->len > 0)
            f = attest_rule_emit (ctx, ATTEST_SEVERITY_MEDIUM, "model-version", nv, a->registry, d->first_at,
                                  _("Model version %s is deployed (%s, since %s) but its entry in registry %s "
                                    "lacks the required tags %s"),
                                  nv, where->str, when, a->registry, missing);
          else
            f = attest_rule_emit (ctx, ATTEST_SEVERITY_MEDIUM, "model-version", nv, a->registry, d->first_at,
                                  _("Model version %s is reported by devices (since %s) but its entry in "
                                    "registry %s lacks the required tags %s"),
                                  nv, when, a->registry, missing);
          attest_finding_add_evidence (f, "ml_assets", a->row_id, a->arm_id);
          for (k = 0; k < deps->len; k++)
            add_deployment_version (f, g_ptr_array_index (deps, k));
          if (deps->len == 0)
            {
              sqlite3_reset (reports);
              sqlite3_bind_text (reports, 1, d->name, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (reports, 2, d->version, -1, SQLITE_TRANSIENT);
              while ((rc = sqlite3_step (reports)) == SQLITE_ROW)
                {
                  g_autoptr(sqlite3_stmt) tv = NULL;
                  gint64 sid = sqlite3_column_int64 (reports, 0);
                  g_autofree char *label = NULL;
                  gint64 version = -1;

                  if (sqlite3_prepare_v2 (db, "SELECT twin_version FROM twin_snapshots WHERE id = ?1",
                                          -1, &tv, NULL) == SQLITE_OK)
                    {
                      sqlite3_bind_int64 (tv, 1, sid);
                      if (sqlite3_step (tv) == SQLITE_ROW && sqlite3_column_type (tv, 0) != SQLITE_NULL)
                        version = sqlite3_column_int64 (tv, 0);
                    }
                  label = g_strdup_printf ("%s/%s@%" G_GINT64_FORMAT,
                                           (const char *) sqlite3_column_text (reports, 1),
                                           (const char *) sqlite3_column_text (reports, 2), version);
                  attest_finding_add_evidence (f, "twin_snapshots", sid, label);
                }
              if (rc != SQLITE_DONE)
                return sql_error (db, "module models", error);
            }
        }
    }
  return TRUE;
}

/* ---------------------------------------------- performance-regression */

/* The latest report of @series with a number for @metric, or NULL. */
static const AttestMetricsPoint *
latest_with (AttestMetricsSeries *series,
             AttestMetric         metric)
{
  guint i;

  for (i = series->points->len; i > 0; i--)
    {
      const AttestMetricsPoint *p = &g_array_index (series->points, AttestMetricsPoint, i - 1);
      if (!isnan (p->values[metric]))
        return p;
    }
  return NULL;
}

static int
compare_ticks (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gboolean
regression_in (AttestRuleContext        *ctx,
               AttestDeploymentTimeline *timeline,
               GPtrArray                *versions,
               guint                     index)
{
  const AttestPolicy *policy = attest_rule_context_get_policy (ctx);
  AttestMetricsVersion *mv = g_ptr_array_index (versions, index);
  AttestMetricsVersion *pred = NULL;
  double floor_pred = NAN;
  guint n_reporting = 0, n_low = 0, n_drop = 0, n_slow = 0, i;
  g_autoptr(GArray) bad = g_array_new (FALSE, FALSE, sizeof (const AttestMetricsPoint *));
  g_autoptr(GPtrArray) bad_series = g_ptr_array_new ();
  g_autoptr(GArray) bad_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) deps = NULL;
  g_autofree char *nv = model_key (mv->model_name, mv->model_version);
  g_autofree char *when = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  AttestFinding *f;
  guint n_bad, need;
  gint64 at;

  /* The next lower version with field figures. */
  for (i = index; i > 0; i--)
    {
      AttestMetricsVersion *o = g_ptr_array_index (versions, i - 1);
      if (attest_version_compare (o->model_version, mv->model_version) < 0
          && o->summary[ATTEST_METRIC_ACCURACY].n > 0)
        {
          pred = o;
          break;
        }
    }
  if (pred != NULL)
    floor_pred = pred->summary[ATTEST_METRIC_ACCURACY].p50 - policy->max_accuracy_drop;

  for (i = 0; i < mv->series->len; i++)
    {
      AttestMetricsSeries *s = g_ptr_array_index (mv->series, i);
      const AttestMetricsPoint *acc = latest_with (s, ATTEST_METRIC_ACCURACY);
      const AttestMetricsPoint *lat = latest_with (s, ATTEST_METRIC_LATENCY);
      gboolean is_bad = FALSE;

      if (acc == NULL && lat == NULL)
        continue;
      n_reporting++;
      if (acc != NULL)
        {
          double a = acc->values[ATTEST_METRIC_ACCURACY];
          gboolean low = a < policy->min_accuracy - EPSILON;
          gboolean drop = !isnan (floor_pred) && a < floor_pred - EPSILON;

          n_low += low;
          n_drop += drop;
          if (low || drop)
            {
              g_array_append_val (bad, acc);
              g_ptr_array_add (bad_series, s);
              g_array_append_val (bad_times, acc->at);
              is_bad = TRUE;
            }
        }
      if (lat != NULL && lat->values[ATTEST_METRIC_LATENCY] > policy->max_latency_ms + EPSILON)
        {
          n_slow++;
          g_array_append_val (bad, lat);
          g_ptr_array_add (bad_series, s);
          if (!is_bad)
            g_array_append_val (bad_times, lat->at);
          else if (lat->at < g_array_index (bad_times, gint64, bad_times->len - 1))
            g_array_index (bad_times, gint64, bad_times->len - 1) = lat->at;
        }
    }
  n_bad = bad_times->len;
  if (n_reporting == 0 || (double) n_bad <= policy->regression_max_share * n_reporting + EPSILON)
    return TRUE;

  /* It became true with the report that took the share over the bound. */
  g_array_sort (bad_times, compare_ticks);
  need = (guint) floor (policy->regression_max_share * n_reporting + EPSILON) + 1;
  at = g_array_index (bad_times, gint64, MIN (need, n_bad) - 1);
  when = when_text (at);

  g_string_append_printf (why, _("accuracy below %.2f on %u"), policy->min_accuracy, n_low);
  if (pred != NULL)
    g_string_append_printf (why, _(", more than %.2f below %s's fleet median %.3f on %u"),
                            policy->max_accuracy_drop, pred->model_version,
                            pred->summary[ATTEST_METRIC_ACCURACY].p50, n_drop);
  g_string_append_printf (why, _(", latency above %.0f ms on %u"), policy->max_latency_ms, n_slow);

  /* Medium: the model still runs and the officer must weigh the impact;
   * it is a quality finding, not a control breach. */
  f = attest_rule_emit (ctx, ATTEST_SEVERITY_MEDIUM, "model-version", nv, NULL, at,
                        _("Model version %s performs outside the policy bounds on %u of the %u devices reporting "
                          "it (%s), more than the %.0f%% allowed, as of %s"),
                        nv, n_bad, n_reporting, why->str, policy->regression_max_share * 100, when);
  for (i = 0; i < bad->len; i++)
    {
      const AttestMetricsPoint *p = g_array_index (bad, const AttestMetricsPoint *, i);
      AttestMetricsSeries *s = g_ptr_array_index (bad_series, i);
      g_autofree char *label = g_strdup_printf ("%s/%s@%" G_GINT64_FORMAT, s->device_id, s->module_id,
                                                p->twin_version);
      attest_finding_add_evidence (f, "twin_snapshots", p->snapshot_id, label);
    }
  deps = deploying_versions (timeline, mv->model_name, mv->model_version);
  for (i = 0; i < deps->len; i++)
    add_deployment_version (f, g_ptr_array_index (deps, i));
  /* A rollback away from it is part of the story. */
  for (i = 0; i < timeline->rollbacks->len; i++)
    {
      AttestRollback *r = g_ptr_array_index (timeline->rollbacks, i);
      guint k;

      if (g_strcmp0 (r->model_name, mv->model_name) != 0 || g_strcmp0 (r->from_version, mv->model_version) != 0)
        continue;
      for (k = 0; k < timeline->versions->len; k++)
        {
          AttestDeploymentVersion *v = g_ptr_array_index (timeline->versions, k);
          if (v->version_id == r->version_id)
            add_deployment_version (f, v);
        }
    }
  return TRUE;
}

static gboolean
rule_performance_regression (AttestRuleContext *ctx,
                             GError           **error)
{
  AttestStore *store = attest_rule_context_get_store (ctx);
  sqlite3 *db = attest_store_get_db (store);
  AttestDeploymentQuery query = { NULL, ATTEST_TIME_NONE, ATTEST_TIME_NONE, 0 };
  g_autoptr(AttestDeploymentTimeline) timeline = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint i, j;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT DISTINCT model_name FROM module_models"
                          " WHERE model_name IS NOT NULL AND model_name <> '' ORDER BY 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, "module models", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return sql_error (db, "module models", error);
  if (names->len == 0)
    return TRUE;
  timeline = attest_deployment_timeline (store, &query, error);
  if (timeline == NULL)
    return FALSE;

  for (i = 0; i < names->len; i++)
    {
      g_autoptr(GPtrArray) versions = attest_metrics_query (store, g_ptr_array_index (names, i), NULL,
                                                            ATTEST_TIME_NONE, ATTEST_TIME_NONE, error);
      if (versions == NULL)
        return FALSE;
      for (j = 0; j < versions->len; j++)
        if (!regression_in (ctx, timeline, versions, j))
          return FALSE;
    }
  return TRUE;
}

const AttestRule _attest_rules_models[] = {
  { "unapproved-deployer", N_("Change by an unapproved deployer"), rule_unapproved_deployer },
  { "undocumented-model", N_("Deployed model version without required documentation"), rule_undocumented_model },
  { "performance-regression", N_("Model version performs below policy in the field"), rule_performance_regression },
  { NULL, NULL, NULL }
};
