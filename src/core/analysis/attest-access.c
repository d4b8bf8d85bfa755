/* attest-access.c: who changed deployments, model versions and role
 * assignments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Activity-log events are grouped per ARM operation (correlation id,
 * operation, resource): the BeginRequest ("Started") and EndRequest
 * ("Succeeded"/"Failed") events of one call are one change.  Role
 * assignments name their grantee only inside properties.requestbody or
 * properties.responseBody, a JSON document held in a string: it is
 * decoded here.  IoT Hub resource logs (category Configurations) carry no
 * caller; their changes are listed under a principal of NULL.
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include "attest-access.h"

#include <string.h>

#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-json.h"
#include "attest-records.h"
#include "attest-time.h"

static const char *area_names[] = { "hub", "deployment", "model", "role-assignment" };
static const char *outcome_names[] = { "succeeded", "failed", "no-outcome" };

/* Built-in Azure roles an officer meets on hubs and ML workspaces. */
static const struct { const char *id; const char *name; } builtin_roles[] = {
  { "8e3af657-a8ff-443b-a75c-2fe8c4bcb635", "Owner" },
  { "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor" },
  { "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader" },
  { "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator" },
  { "4fc6c259-987e-4a07-842e-c321cc9d413f", "IoT Hub Data Contributor" },
  { "b447c946-2db7-41ec-983d-d8bf3b1c77e3", "IoT Hub Data Reader" },
  { "4ea46cd5-c1b2-4a8e-910b-273211f9ce47", "IoT Hub Registry Contributor" },
  { "494bdba2-168f-4f31-a0a1-191d2f7c028c", "IoT Hub Twin Contributor" },
  { "f6c7c914-8db3-469d-8ca1-694a8f32e121", "AzureML Data Scientist" },
};

const char *
attest_access_area_name (AttestAccessArea area)
{
  g_return_val_if_fail ((guint) area < G_N_ELEMENTS (area_names), NULL);
  return area_names[area];
}

const char *
attest_access_outcome_name (AttestAccessOutcome outcome)
{
  g_return_val_if_fail ((guint) outcome < G_N_ELEMENTS (outcome_names), NULL);
  return outcome_names[outcome];
}

static void
change_free (AttestAccessChange *c)
{
  g_free (c->operation);
  g_free (c->status);
  g_free (c->resource_id);
  g_free (c->hub);
  g_free (c->target);
  g_free (c->role_principal_id);
  g_free (c->role_principal_type);
  g_free (c->role_definition_id);
  g_free (c->role_name);
  g_free (c->role_scope);
  g_array_unref (c->row_ids);
  g_ptr_array_unref (c->event_ids);
  g_free (c);
}

void
attest_access_principal_free (AttestAccessPrincipal *p)
{
  if (p == NULL)
    return;
  g_free (p->principal);
  g_free (p->display_name);
  g_ptr_array_unref (p->changes);
  g_free (p);
}

/* The path segment after @name/ in an ARM id (case-insensitive), or NULL. */
static char *
segment_after (const char *resource_id,
               const char *name)
{
  g_auto(GStrv) parts = NULL;
  guint i;

  if (resource_id == NULL)
    return NULL;
  parts = g_strsplit (resource_id, "/", -1);
  for (i = 0; parts[i] && parts[i + 1]; i++)
    if (g_ascii_strcasecmp (parts[i], name) == 0 && parts[i + 1][0])
      return g_strdup (parts[i + 1]);
  return NULL;
}

static gboolean
classify (const char       *kind,
          const char       *operation,
          AttestAccessArea *area)
{
  g_autofree char *op = g_ascii_strdown (operation ? operation : "", -1);
  gboolean change = g_str_has_suffix (op, "/write") || g_str_has_suffix (op, "/delete");

  if (g_str_equal (kind, "resource-log"))
    {
      /* Configurations category: anything that is not a read. */
      if (g_str_has_prefix (op, "read") || g_str_has_prefix (op, "get") || g_str_has_prefix (op, "list")
          || *op == '\0')
        return FALSE;
      *area = ATTEST_ACCESS_DEPLOYMENT;
      return TRUE;
    }
  if (!change)
    return FALSE;
  if (g_str_equal (op, "microsoft.authorization/roleassignments/write")
      || g_str_equal (op, "microsoft.authorization/roleassignments/delete"))
    *area = ATTEST_ACCESS_ROLE_ASSIGNMENT;
  else if (g_str_has_prefix (op, "microsoft.devices/iothubs/configurations/"))
    *area = ATTEST_ACCESS_DEPLOYMENT;
  else if (g_str_equal (op, "microsoft.devices/iothubs/write") || g_str_equal (op, "microsoft.devices/iothubs/delete"))
    *area = ATTEST_ACCESS_HUB;
  else if (g_str_has_prefix (op, "microsoft.machinelearningservices/workspaces/models/")
           && (g_str_equal (op + strlen ("microsoft.machinelearningservices/workspaces/models/"), "write")
               || g_str_equal (op + strlen ("microsoft.machinelearningservices/workspaces/models/"), "delete")
               || g_str_has_prefix (op + strlen ("microsoft.machinelearningservices/workspaces/models/"), "versions/")))
    *area = ATTEST_ACCESS_MODEL;
  else
    return FALSE;
  return TRUE;
}

static AttestAccessOutcome
outcome_of (const char *kind,
            const char *status)
{
  if (status == NULL || *status == '\0')
    return g_str_equal (kind, "resource-log") ? ATTEST_ACCESS_SUCCEEDED : ATTEST_ACCESS_NO_OUTCOME;
  if (g_ascii_strcasecmp (status, "Succeeded") == 0 || g_ascii_strcasecmp (status, "Success") == 0)
    return ATTEST_ACCESS_SUCCEEDED;
  if (g_ascii_strcasecmp (status, "Failed") == 0 || g_ascii_strcasecmp (status, "Failure") == 0)
    return ATTEST_ACCESS_FAILED;
  if (g_str_equal (kind, "resource-log"))
    /* resultType is an HTTP status there: 2xx is success. */
    return status[0] == '2' ? ATTEST_ACCESS_SUCCEEDED : ATTEST_ACCESS_FAILED;
  return ATTEST_ACCESS_NO_OUTCOME;
}

static char *
target_of (AttestAccessArea  area,
           const char       *resource_id,
           const char       *log_target)
{
  switch (area)
    {
    case ATTEST_ACCESS_HUB:
      return segment_after (resource_id, "IotHubs");
    case ATTEST_ACCESS_DEPLOYMENT:
      return log_target && *log_target ? g_strdup (log_target) : segment_after (resource_id, "configurations");
    case ATTEST_ACCESS_MODEL:
      {
        g_autofree char *name = segment_after (resource_id, "models");
        g_autofree char *version = segment_after (resource_id, "versions");
        if (name && version)
          return g_strdup_printf ("%s:%s", name, version);
        return g_steal_pointer (&name);
      }
    case ATTEST_ACCESS_ROLE_ASSIGNMENT:
      return segment_after (resource_id, "roleAssignments");
    default:
      return NULL;
    }
}

static void
set_if_empty (char       **field,
              const char  *value)
{
  if (*field == NULL && value != NULL && *value != '\0')
    *field = g_strdup (value);
}

/* properties.requestbody / responseBody: JSON in a string. */
static void
decode_role (AttestAccessChange *c,
             AttestJsonNode     *root)
{
  static const char *keys[] = { "requestbody", "responseBody" };
  AttestJsonNode *props = attest_json_get (root, "properties");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *body = attest_json_get_string (props, keys[i]);
      g_autoptr(AttestJsonDoc) doc = NULL;
      AttestJsonNode *b, *p;
      const char *def;

      if (body == NULL || *body != '{')
        continue;
      doc = attest_json_doc_new ();
      b = attest_json_doc_parse (doc, body, strlen (body), NULL);
      p = b ? attest_json_get (b, "properties") : NULL;
      if (p == NULL)
        continue;
      set_if_empty (&c->role_principal_id, attest_json_get_string (p, "principalId"));
      set_if_empty (&c->role_principal_type, attest_json_get_string (p, "principalType"));
      set_if_empty (&c->role_scope, attest_json_get_string (p, "scope"));
      def = attest_json_get_string (p, "roleDefinitionId");
      if (c->role_definition_id == NULL && def && *def)
        {
          const char *slash = strrchr (def, '/');
          guint k;

          c->role_definition_id = g_strdup (slash ? slash + 1 : def);
          for (k = 0; k < G_N_ELEMENTS (builtin_roles); k++)
            if (g_ascii_strcasecmp (builtin_roles[k].id, c->role_definition_id) == 0)
              c->role_name = g_strdup (builtin_roles[k].name);
        }
    }
}

static gint
compare_principals (gconstpointer a,
                    gconstpointer b)
{
  const AttestAccessPrincipal *pa = *(AttestAccessPrincipal **) a;
  const AttestAccessPrincipal *pb = *(AttestAccessPrincipal **) b;

  if (pa->principal == NULL || pb->principal == NULL)
    return (pa->principal == NULL) - (pb->principal == NULL);
  return g_ascii_strcasecmp (pa->principal, pb->principal);
}

GPtrArray *
attest_access_changes (AttestStore  *store,
                       gint64        since,
                       gint64        until,
                       GError      **error)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) principals = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_access_principal_free);
  AttestAccessPrincipal *unrecorded = NULL;
  gint64 lo = since == ATTEST_TIME_NONE ? G_MININT64 : attest_event_id_first (since);
  gint64 hi = until == ATTEST_TIME_NONE ? G_MAXINT64 : attest_event_id_last (until);
  guint i;
  int rc;

  rc = sqlite3_prepare_v2 (db,
    "SELECT id, event_id, kind, caller, operation, status, resource_id, hub, target, correlation_id, raw "
    "FROM audit_events WHERE id BETWEEN ?1 AND ?2 AND ("
    "(kind = 'activity' AND (operation LIKE 'microsoft.devices/iothubs/%' "
    "OR operation LIKE 'microsoft.machinelearningservices/workspaces/models/%' "
    "OR operation LIKE 'microsoft.authorization/roleassignments/%')) "
    "OR (kind = 'resource-log' AND category = 'Configurations')) ORDER BY id",
    -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "access: %s (SQLite %d)", sqlite3_errmsg (db), rc);
      g_ptr_array_unref (out);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row = sqlite3_column_int64 (stmt, 0);
      const char *event_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *kind = (const char *) sqlite3_column_text (stmt, 2);
      const char *caller = (const char *) sqlite3_column_text (stmt, 3);
      const char *operation = (const char *) sqlite3_column_text (stmt, 4);
      const char *status = (const char *) sqlite3_column_text (stmt, 5);
      const char *resource_id = (const char *) sqlite3_column_text (stmt, 6);
      const char *hub = (const char *) sqlite3_column_text (stmt, 7);
      const char *target = (const char *) sqlite3_column_text (stmt, 8);
      const char *correlation = (const char *) sqlite3_column_text (stmt, 9);
      const char *raw = (const char *) sqlite3_column_text (stmt, 10);
      gboolean activity = g_str_equal (kind, "activity");
      g_autoptr(AttestJsonDoc) doc = NULL;
      AttestJsonNode *root = NULL;
      AttestAccessPrincipal *p;
      AttestAccessChange *c;
      AttestAccessArea area;
      AttestAccessOutcome outcome;
      g_autofree char *key = NULL;

      if (!classify (kind, operation, &area))
        continue;

      if (activity && caller && *caller)
        {
          p = g_hash_table_lookup (principals, caller);
          if (p == NULL)
            {
              p = g_new0 (AttestAccessPrincipal, 1);
              p->principal = g_strdup (caller);
              p->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
              g_ptr_array_add (out, p);
              g_hash_table_insert (principals, p->principal, p);
            }
        }
      else
        {
          if (unrecorded == NULL)
            {
              unrecorded = g_new0 (AttestAccessPrincipal, 1);
              unrecorded->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
              g_ptr_array_add (out, unrecorded);
            }
          p = unrecorded;
        }

      if (activity)
        {
          g_autofree char *op = g_ascii_strdown (operation, -1);
          g_autofree char *res = g_ascii_strdown (resource_id ? resource_id : "", -1);
          key = g_strdup_printf ("%s\n%s\n%s", correlation && *correlation ? correlation : event_id, op, res);
          doc = attest_json_doc_new ();
          root = attest_json_doc_parse (doc, raw, strlen (raw), NULL);
        }
      else
        key = g_strdup_printf ("\n%s", event_id);

      c = g_hash_table_lookup (groups, key);
      if (c == NULL)
        {
          c = g_new0 (AttestAccessChange, 1);
          c->operation = g_strdup (operation);
          c->area = area;
          c->outcome = ATTEST_ACCESS_NO_OUTCOME;
          c->status = g_strdup (status ? status : "");
          c->resource_id = g_strdup (resource_id);
          c->hub = g_strdup (hub);
          c->target = target_of (area, resource_id, activity ? NULL : target);
          c->row_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          c->event_ids = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (p->changes, c);
          g_hash_table_insert (groups, g_steal_pointer (&key), c);
        }
      g_array_append_val (c->row_ids, row);
      g_ptr_array_add (c->event_ids, g_strdup (event_id));
      c->time = attest_event_id_time (row);

      outcome = outcome_of (kind, status);
      /* Failed beats succeeded beats no outcome. */
      if (outcome == ATTEST_ACCESS_FAILED
          || (outcome == ATTEST_ACCESS_SUCCEEDED && c->outcome != ATTEST_ACCESS_FAILED)
          || c->outcome == ATTEST_ACCESS_NO_OUTCOME)
        {
          c->outcome = outcome;
          g_free (c->status);
          c->status = g_strdup (status ? status : "");
        }
      if (root)
        {
          if (p->display_name == NULL)
            set_if_empty (&p->display_name, attest_json_path_string (root, "claims.name"));
          if (area == ATTEST_ACCESS_ROLE_ASSIGNMENT)
            {
              decode_role (c, root);
              /* A grant on a hub names the hub in its scope. */
              if (c->hub == NULL && c->role_scope)
                {
                  g_autofree char *h = segment_after (c->role_scope, "IotHubs");
                  if (h)
                    c->hub = g_ascii_strdown (h, -1);
                }
            }
        }
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "access: %s (SQLite %d)", sqlite3_errmsg (db), rc);
      g_ptr_array_unref (out);
      return NULL;
    }
  for (i = 0; i < out->len; i++)
    {
      AttestAccessPrincipal *p = g_ptr_array_index (out, i);
      guint j;

      for (j = 0; j < p->changes->len; j++)
        if (((AttestAccessChange *) g_ptr_array_index (p->changes, j))->outcome == ATTEST_ACCESS_FAILED)
          p->n_failed++;
    }
  g_ptr_array_sort (out, compare_principals);
  return out;
}
