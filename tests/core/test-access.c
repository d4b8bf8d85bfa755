/* test-access.c: who changed hubs, deployments, model versions and roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hand-built events whose answers are known by construction:
 *   vera   2026-01-10 role-assignment write (Started + Succeeded, one
 *          correlation id; the grantee is only in the JSON-string
 *          requestbody / responseBody)
 *   vera   2026-01-11 model version write, Failed
 *   sp-1   2026-01-12 hub write, Started only (no outcome)
 *   sp-1   2026-01-13 role-assignment delete (responseBody)
 *   bob    2026-01-14 listKeys (not a change: ignored), storage write (ignored)
 *   —      2026-01-15 CreateOrUpdateConfiguration (resource log, no caller)
 *   —      2026-01-15 ReadManyConfigurations (read: ignored)
 *   —      2026-01-16 DeleteConfiguration with resultType 400 (failed)
 *   bob    2026-02-01 model version delete (outside a January window)
 */
#include "config.h"

#include <string.h>

#include "attest-access.h"
#include "attest-records.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

#define SUB "/subscriptions/s1"
#define HUB SUB "/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub-a"
#define MODEL SUB "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1/models/detector/versions/3"
#define RA SUB "/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/"

#define EVENT(id, ts, caller, name, op, status, corr, resource, props) \
  "{'eventDataId':'" id "','eventTimestamp':'" ts "','caller':'" caller "','correlationId':'" corr "'," \
  "'level':'Informational','operationName':{'value':'" op "'},'status':{'value':'" status "'}," \
  "'category':{'value':'Administrative'},'resourceId':'" resource "','claims':{'name':'" name "'}," \
  "'properties':{" props "}}\n"

#define ROLE_BODY(principal, type, role, scope) \
  "{\\'properties\\':{\\'roleDefinitionId\\':\\'" SUB "/providers/Microsoft.Authorization/roleDefinitions/" role "\\'," \
  "\\'principalId\\':\\'" principal "\\',\\'principalType\\':\\'" type "\\',\\'scope\\':\\'" scope "\\'}}"

static const char *activity_jsonl =
  EVENT ("e1", "2026-01-10T10:00:00Z", "vera@x.io", "Vera", "Microsoft.Authorization/roleAssignments/write", "Started",
         "c1", RA "ra-1", "'requestbody':'" ROLE_BODY ("p-42", "User", "b24988ac-6180-42a0-ab88-20f7382dd24c", SUB "/resourceGroups/rg") "'")
  EVENT ("e2", "2026-01-10T10:00:02Z", "vera@x.io", "Vera", "Microsoft.Authorization/roleAssignments/write", "Succeeded",
         "c1", RA "ra-1", "'statusCode':'Created'")
  EVENT ("e3", "2026-01-11T09:00:00Z", "vera@x.io", "Vera",
         "Microsoft.MachineLearningServices/workspaces/models/versions/write", "Failed", "c3", MODEL, "'statusCode':'Conflict'")
  EVENT ("e4", "2026-01-12T09:00:00Z", "sp-1", "", "Microsoft.Devices/IotHubs/write", "Started", "c4", HUB, "")
  EVENT ("e5", "2026-01-13T09:00:00Z", "sp-1", "", "Microsoft.Authorization/roleAssignments/delete", "Succeeded",
         "c5", RA "ra-2", "'responseBody':'" ROLE_BODY ("p-7", "ServicePrincipal", "00000000-aaaa-bbbb-cccc-000000000000", HUB) "'")
  EVENT ("e6", "2026-01-14T09:00:00Z", "bob@x.io", "Bob", "Microsoft.Devices/IotHubs/listkeys/action", "Succeeded", "c6", HUB, "")
  EVENT ("e7", "2026-01-14T09:30:00Z", "bob@x.io", "Bob", "Microsoft.Storage/storageAccounts/write", "Succeeded", "c7",
         SUB "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1", "")
  EVENT ("e8", "2026-02-01T09:00:00Z", "bob@x.io", "Bob",
         "Microsoft.MachineLearningServices/workspaces/models/versions/delete", "Succeeded", "c8", MODEL, "");

#define RLOG(time, op, result, config) \
  "{'time':'" time "','resourceId':'/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-A'," \
  "'operationName':'" op "','category':'Configurations','resultType':'" result "','resultDescription':''," \
  "'level':'Information','durationMs':'10','properties':'{\\'configurationId\\':\\'" config "\\'}','location':'westeurope'}\n"

static const char *resource_jsonl =
  RLOG ("2026-01-15T08:00:00Z", "CreateOrUpdateConfiguration", "", "det-3-canary")
  RLOG ("2026-01-15T08:05:00Z", "ReadManyConfigurations", "", "")
  RLOG ("2026-01-16T08:00:00Z", "DeleteConfiguration", "400", "det-2-fleet");

static void
import_text (Fixture    *f,
             const char *name,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup (text);
  g_autofree char *path = NULL;
  gint64 n = 0;

  g_strdelimit (json, "'", '"');
  path = attest_test_write_file (f->dir, name, json, -1);
  g_assert_true (attest_test_workspace_import (f, path, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  attest_test_workspace_open (f);
  import_text (f, "activity.jsonl", activity_jsonl);
  import_text (f, "resource.jsonl", resource_jsonl);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static gint64
at (const char *iso)
{
  gint64 t;

  g_assert_cmpint (attest_time_parse (iso, &t), ==, ATTEST_TIME_OK);
  return t;
}

static char *
describe_change (AttestAccessChange *c)
{
  GString *s = g_string_new (NULL);
  g_autofree char *t = attest_time_format (c->time);
  guint i;

  g_string_append_printf (s, "%.19s %s %s %s %s [", t, attest_access_area_name (c->area),
                          attest_access_outcome_name (c->outcome), c->target ? c->target : "-", c->operation);
  for (i = 0; i < c->event_ids->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) g_ptr_array_index (c->event_ids, i));
  g_string_append_c (s, ']');
  g_assert_cmpuint (c->event_ids->len, ==, c->row_ids->len);
  return g_string_free (s, FALSE);
}

static void
test_january (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ps = attest_access_changes (f->store, at ("2026-01-01T00:00:00Z"),
                                                   at ("2026-01-31T23:59:59Z"), &error);
  AttestAccessPrincipal *p;
  AttestAccessChange *c;
  g_autofree char *d0 = NULL, *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
  g_autofree char *d5 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ps);
  /* sp-1, vera, then the resource logs; bob changed nothing in January. */
  g_assert_cmpuint (ps->len, ==, 3);

  p = g_ptr_array_index (ps, 0);
  g_assert_cmpstr (p->principal, ==, "sp-1");
  g_assert_null (p->display_name);
  g_assert_cmpuint (p->changes->len, ==, 2);
  g_assert_cmpuint (p->n_failed, ==, 0);
  d0 = describe_change (g_ptr_array_index (p->changes, 0));
  g_assert_cmpstr (d0, ==, "2026-01-12T09:00:00 hub no-outcome hub-a Microsoft.Devices/IotHubs/write [e4]");
  c = g_ptr_array_index (p->changes, 1);
  d1 = describe_change (c);
  g_assert_cmpstr (d1, ==, "2026-01-13T09:00:00 role-assignment succeeded ra-2 Microsoft.Authorization/roleAssignments/delete [e5]");
  g_assert_cmpstr (c->role_principal_id, ==, "p-7");
  g_assert_cmpstr (c->role_principal_type, ==, "ServicePrincipal");
  g_assert_cmpstr (c->role_definition_id, ==, "00000000-aaaa-bbbb-cccc-000000000000");
  g_assert_null (c->role_name);
  g_assert_cmpstr (c->role_scope, ==, HUB);
  g_assert_cmpstr (c->hub, ==, "hub-a");

  p = g_ptr_array_index (ps, 1);
  g_assert_cmpstr (p->principal, ==, "vera@x.io");
  g_assert_cmpstr (p->display_name, ==, "Vera");
  g_assert_cmpuint (p->changes->len, ==, 2);
  g_assert_cmpuint (p->n_failed, ==, 1);
  c = g_ptr_array_index (p->changes, 0);
  d2 = describe_change (c);
  g_assert_cmpstr (d2, ==, "2026-01-10T10:00:02 role-assignment succeeded ra-1 Microsoft.Authorization/roleAssignments/write [e1,e2]");
  g_assert_cmpstr (c->status, ==, "Succeeded");
  g_assert_cmpstr (c->role_principal_id, ==, "p-42");
  g_assert_cmpstr (c->role_principal_type, ==, "User");
  g_assert_cmpstr (c->role_definition_id, ==, "b24988ac-6180-42a0-ab88-20f7382dd24c");
  g_assert_cmpstr (c->role_name, ==, "Contributor");
  g_assert_cmpstr (c->role_scope, ==, SUB "/resourceGroups/rg");
  c = g_ptr_array_index (p->changes, 1);
  d3 = describe_change (c);
  g_assert_cmpstr (d3, ==, "2026-01-11T09:00:00 model failed detector:3 Microsoft.MachineLearningServices/workspaces/models/versions/write [e3]");
  g_assert_cmpstr (c->status, ==, "Failed");
  g_assert_null (c->role_principal_id);

  p = g_ptr_array_index (ps, 2);
  g_assert_null (p->principal);
  g_assert_cmpuint (p->changes->len, ==, 2);
  g_assert_cmpuint (p->n_failed, ==, 1);
  c = g_ptr_array_index (p->changes, 0);
  d4 = describe_change (c);
  g_assert_true (g_str_has_prefix (d4, "2026-01-15T08:00:00 deployment succeeded det-3-canary CreateOrUpdateConfiguration ["));
  g_assert_cmpstr (c->hub, ==, "hub-a");
  c = g_ptr_array_index (p->changes, 1);
  d5 = describe_change (c);
  g_assert_true (g_str_has_prefix (d5, "2026-01-16T08:00:00 deployment failed det-2-fleet DeleteConfiguration ["));
  g_assert_cmpstr (c->status, ==, "400");
}

static void
test_all_time (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ps = attest_access_changes (f->store, ATTEST_TIME_NONE, ATTEST_TIME_NONE, &error);
  g_autoptr(GPtrArray) feb = attest_access_changes (f->store, at ("2026-02-01T09:00:00Z"), ATTEST_TIME_NONE, &error);
  g_autoptr(GPtrArray) none = attest_access_changes (f->store, at ("2027-01-01T00:00:00Z"), ATTEST_TIME_NONE, &error);
  AttestAccessPrincipal *p;
  g_autofree char *d = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ps->len, ==, 4);
  p = g_ptr_array_index (ps, 0);
  g_assert_cmpstr (p->principal, ==, "bob@x.io");
  g_assert_cmpuint (p->changes->len, ==, 1);
  d = describe_change (g_ptr_array_index (p->changes, 0));
  g_assert_cmpstr (d, ==, "2026-02-01T09:00:00 model succeeded detector:3 Microsoft.MachineLearningServices/workspaces/models/versions/delete [e8]");
  g_assert_null (((AttestAccessPrincipal *) g_ptr_array_index (ps, 3))->principal);

  /* --since is inclusive. */
  g_assert_cmpuint (feb->len, ==, 1);
  g_assert_cmpstr (((AttestAccessPrincipal *) g_ptr_array_index (feb, 0))->principal, ==, "bob@x.io");
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/access/january", Fixture, NULL, fixture_setup, test_january, fixture_teardown);
  g_test_add ("/access/all-time", Fixture, NULL, fixture_setup, test_all_time, fixture_teardown);
  return g_test_run ();
}
