/* test-rules-models.c: unapproved-deployer, undocumented-model and
 * performance-regression on a hand-built cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Policy: approved deployers ok@x.io and sp-app; required tags
 * model_card, training_data, approver; accuracy >= 0.80, at most 0.03
 * below the predecessor's median, latency <= 250 ms, share 0.5.
 *
 * Deployments on hub-a (resource logs carry no caller):
 *   det-1-fleet MQ== 2026-01-15 10:00  ok@x.io listkeys 2 min before: fine
 *   det-2-fleet MQ== 2026-01-20 10:00  eve@x.io listkeys 2 min before
 *               (labels.createdBy ok@x.io is only a claim): finding, with
 *               eve's failed listkeys of 01-10 and her role grant of 01-12
 *   det-1-fleet Mg== 2026-01-25 10:00  eve's listkeys 1 h 1 s before is out
 *               of the window; labels.createdBy ok@x.io: fine
 *   det-3-pilot MQ== 2026-02-01 10:00  no record, no caller: labels.createdBy
 *               claimer@x.io: finding (a claim)
 * Model versions (registry ws1, model "detector"):
 *   3  createdBy "Olga Ok" (maps to ok@x.io by the name claim): fine
 *   4  createdBy "Eve Evil" (maps to eve@x.io), no logged write: finding
 *   5  logged write by eve (Started + Succeeded): finding
 *   6  createdBy "Nobody Known" (no principal has that name): finding
 *   7  createdBy "OK@X.IO": fine (case-insensitive)
 *   9  only a failed write by eve, not in the registry: no finding
 * Documentation: detector:3 (det-1-fleet) complete; detector:4 (det-2-fleet)
 *   lacks approver; detector:5 (det-3-pilot) has a blank training_data;
 *   detector:6 lacks model_card but runs nowhere; detector:7 is reported by
 *   device r01 only and lacks training_data; detector:8 is reported but not
 *   registered (unregistered-model's, not this rule's).
 * Performance ("perf" on p01..p04):
 *   1.0 accuracy 0.90 everywhere (median 0.90)
 *   2.0 0.87 (exactly the floor 0.87), 0.86 (below), 0.95 at 300 ms (slow),
 *       0.95 at 250 ms (exactly the bound): 2 of 4 = the share, no finding
 *   2.5 on p05 without figures: not a predecessor
 *   3.0 against 2.0's median 0.91 (floor 0.88): 0.87, 0.85, 0.79, 0.95:
 *       3 of 4, finding citing p01..p03
 */
#include "config.h"

#include <string.h>

#include "attest-findings.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

#define SUB "/subscriptions/s1"
#define HUB SUB "/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub-a"
#define WS SUB "/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws1"
#define RA SUB "/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/"
#define OID "http://schemas.microsoft.com/identity/claims/objectidentifier"

#define EVENT(id, ts, caller, name, oid, op, status, corr, resource, props) \
  "{'eventDataId':'" id "','eventTimestamp':'" ts "','caller':'" caller "','correlationId':'" corr "'," \
  "'level':'Informational','operationName':{'value':'" op "'},'status':{'value':'" status "'}," \
  "'category':{'value':'Administrative'},'resourceId':'" resource "'," \
  "'claims':{'name':'" name "','" OID "':'" oid "'},'properties':{" props "}}\n"

#define ROLE_BODY(principal) \
  "{\\'properties\\':{\\'roleDefinitionId\\':\\'" SUB "/providers/Microsoft.Authorization/roleDefinitions/" \
  "b24988ac-6180-42a0-ab88-20f7382dd24c\\',\\'principalId\\':\\'" principal "\\',\\'principalType\\':\\'User\\'," \
  "\\'scope\\':\\'" HUB "\\'}}"

#define LISTKEYS "Microsoft.Devices/IotHubs/listkeys/action"
#define MODEL_WRITE "Microsoft.MachineLearningServices/workspaces/models/versions/write"

static const char *activity_jsonl =
  EVENT ("a1", "2026-01-15T09:58:00Z", "ok@x.io", "Olga Ok", "oid-ok", LISTKEYS, "Succeeded", "c1", HUB, "")
  EVENT ("a2", "2026-01-10T09:00:00Z", "eve@x.io", "Eve Evil", "oid-eve", LISTKEYS, "Failed", "c2", HUB, "")
  EVENT ("a3", "2026-01-12T10:00:00Z", "ok@x.io", "Olga Ok", "oid-ok", "Microsoft.Authorization/roleAssignments/write",
         "Started", "c3", RA "ra-1", "'requestbody':'" ROLE_BODY ("oid-eve") "'")
  EVENT ("a4", "2026-01-12T10:00:02Z", "ok@x.io", "Olga Ok", "oid-ok", "Microsoft.Authorization/roleAssignments/write",
         "Succeeded", "c3", RA "ra-1", "'statusCode':'Created'")
  EVENT ("a5", "2026-01-20T09:58:00Z", "eve@x.io", "Eve Evil", "oid-eve", LISTKEYS, "Succeeded", "c5", HUB, "")
  EVENT ("a6", "2026-01-25T08:59:59Z", "eve@x.io", "Eve Evil", "oid-eve", LISTKEYS, "Succeeded", "c6", HUB, "")
  EVENT ("m1", "2026-01-21T09:00:00Z", "eve@x.io", "Eve Evil", "oid-eve", MODEL_WRITE, "Failed", "c7",
         WS "/models/detector/versions/9", "'statusCode':'Forbidden'")
  EVENT ("m2", "2026-01-22T09:00:00Z", "eve@x.io", "Eve Evil", "oid-eve", MODEL_WRITE, "Started", "c8",
         WS "/models/detector/versions/5", "")
  EVENT ("m3", "2026-01-22T09:00:02Z", "eve@x.io", "Eve Evil", "oid-eve", MODEL_WRITE, "Succeeded", "c8",
         WS "/models/detector/versions/5", "'statusCode':'OK'");

#define RLOG(time, op, config) \
  "{'time':'" time "','resourceId':'/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-A'," \
  "'operationName':'" op "','category':'Configurations','resultType':'','resultDescription':''," \
  "'level':'Information','durationMs':'10','properties':'{\\'configurationId\\':\\'" config "\\'}','location':'westeurope'}\n"

static const char *resource_jsonl =
  RLOG ("2026-01-15T10:00:00Z", "CreateOrUpdateConfiguration", "det-1-fleet")
  RLOG ("2026-01-20T10:00:00Z", "CreateOrUpdateConfiguration", "det-2-fleet")
  RLOG ("2026-01-25T10:00:00Z", "UpdateConfiguration", "det-1-fleet");

static const char *policy_ini =
  "[deployers]\napproved=ok@x.io;sp-app\n"
  "[canary]\nmax_share=0.10\nmin_hours=24\n"
  "[drift]\ntolerance_hours=336\n"
  "[models]\nrequired_tags=model_card;training_data;approver\n"
  "[residency]\neu-restricted=westeurope\n"
  "[identity]\neu-restricted=selfSigned;certificateAuthority\n"
  "[staleness]\nmax_offline_days=30\nmin_edge_runtime=1.4\n"
  "[performance]\nmin_accuracy=0.80\nmax_accuracy_drop=0.03\nmax_latency_ms=250\nmax_share=0.5\n";

static char *
configuration (const char *id,
               const char *etag,
               const char *created,
               const char *updated,
               const char *created_by,
               const char *image)
{
  return g_strdup_printf (
    "{\"id\":\"%s\",\"etag\":\"%s\",\"schemaVersion\":\"1.0\",\"priority\":10,"
    "\"targetCondition\":\"tags.workload='vision'\",\"createdTimeUtc\":\"%s\",\"lastUpdatedTimeUtc\":\"%s\","
    "\"labels\":{\"createdBy\":\"%s\"},\"contentType\":null,"
    "\"content\":{\"modulesContent\":{\"$edgeAgent\":{\"properties.desired.modules.detector\":"
    "{\"settings\":{\"image\":\"%s\",\"createOptions\":\"{}\"},\"type\":\"docker\","
    "\"status\":\"running\",\"restartPolicy\":\"always\",\"version\":\"1.0\"}}}},"
    "\"systemMetrics\":{\"queries\":{},\"results\":{\"targetedCount\":4,\"appliedCount\":4,"
    "\"reportedSuccessfulCount\":4,\"reportedFailedCount\":0}}}",
    id, etag, created, updated, created_by, image);
}

static char *
model_version (const char *version,
               const char *created_by,
               const char *tags)
{
  return g_strdup_printf (
    "{\"id\":\"" WS "/models/detector/versions/%s\",\"name\":\"%s\","
    "\"type\":\"Microsoft.MachineLearningServices/workspaces/models/versions\","
    "\"properties\":{\"description\":\"\",\"tags\":{%s},\"properties\":{},\"isArchived\":false,"
    "\"isAnonymous\":false,\"flavors\":{},\"modelType\":\"custom_model\","
    "\"modelUri\":\"azureml://datastores/x/paths/detector/%s/\",\"stage\":\"Production\"},"
    "\"systemData\":{\"createdAt\":\"2026-01-0%sT10:00:00Z\",\"createdBy\":\"%s\",\"createdByType\":\"User\","
    "\"lastModifiedAt\":\"2026-01-01T10:00:00Z\",\"lastModifiedBy\":\"%s\",\"lastModifiedByType\":\"User\"}}",
    version, version, tags, version, version, created_by, created_by);
}

#define FULL_TAGS "\"model_card\":\"https://wiki/x\",\"training_data\":\"azureml:frames:1\",\"approver\":\"ok@x.io\""

static char *
module_twin (const char *device,
             const char *module,
             int         version,
             const char *model,
             const char *model_version,
             const char *when,
             const char *metrics)
{
  return g_strdup_printf (
    "{\"authenticationType\":\"sas\",\"connectionState\":\"Connected\",\"deviceId\":\"%s\","
    "\"etag\":\"AAAAAAAAAAE=\",\"lastActivityTime\":\"%s\",\"moduleId\":\"%s\","
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2020-01-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"model\":{\"name\":\"%s\",\"version\":\"%s\"}%s%s,"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}},"
    "\"status\":\"enabled\",\"version\":%d}",
    device, when, module, model, model_version, metrics ? "," : "", metrics ? metrics : "", when, version, version);
}

static void
import_text (Fixture    *f,
             const char *name,
             const char *text,
             const char *hub,
             gboolean    quotes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup (text);
  g_autofree char *path = NULL;
  gint64 n = 0;

  if (quotes)
    g_strdelimit (json, "'", '"');
  path = attest_test_write_file (f->dir, name, json, -1);
  g_assert_true (attest_test_workspace_import (f, path, hub, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
}

static void
add_twin (GString    *json,
          const char *device,
          const char *module,
          int         version,
          const char *model,
          const char *model_version,
          const char *when,
          const char *metrics)
{
  g_autofree char *t = module_twin (device, module, version, model, model_version, when, metrics);

  g_string_append_printf (json, "%s%s\n", json->len > 2 ? "," : "", t);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *d1 = configuration ("det-1-fleet", "MQ==", "2026-01-15T10:00:00.5Z", "2026-01-15T10:00:00.5Z",
                                       "ok@x.io", "acr.io/vision/detector:3");
  g_autofree char *d2 = configuration ("det-2-fleet", "MQ==", "2026-01-20T10:00:01Z", "2026-01-20T10:00:01Z",
                                       "ok@x.io", "acr.io/vision/detector:4");
  g_autofree char *d1b = configuration ("det-1-fleet", "Mg==", "2026-01-15T10:00:00.5Z", "2026-01-25T10:00:00.8Z",
                                        "ok@x.io", "acr.io/vision/detector:3");
  g_autofree char *d3 = configuration ("det-3-pilot", "MQ==", "2026-02-01T10:00:00Z", "2026-02-01T10:00:00Z",
                                       "claimer@x.io", "acr.io/vision/detector:5");
  g_autofree char *list1 = g_strdup_printf ("[%s,%s]", d1, d2);
  g_autofree char *list2 = g_strdup_printf ("[%s,%s,%s]", d1b, d2, d3);
  g_autofree char *v3 = model_version ("3", "Olga Ok", FULL_TAGS);
  g_autofree char *v4 = model_version ("4", "Eve Evil",
                                       "\"model_card\":\"https://wiki/x\",\"training_data\":\"azureml:frames:1\"");
  g_autofree char *v5 = model_version ("5", "Eve Evil",
                                       "\"model_card\":\"https://wiki/x\",\"training_data\":\" \",\"approver\":\"ok@x.io\"");
  g_autofree char *v6 = model_version ("6", "Nobody Known",
                                       "\"training_data\":\"azureml:frames:1\",\"approver\":\"ok@x.io\"");
  g_autofree char *v7 = model_version ("7", "OK@X.IO", "\"model_card\":\"https://wiki/x\",\"approver\":\"ok@x.io\"");
  g_autofree char *models = g_strdup_printf ("{\"value\":[%s,%s,%s,%s,%s]}", v7, v6, v5, v4, v3);
  g_autoptr(GString) twins = g_string_new ("[\n");
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const double acc2[] = { 0.87, 0.86, 0.95, 0.95 };
  const int lat2[] = { 10, 10, 300, 250 };
  const double acc3[] = { 0.87, 0.85, 0.79, 0.95 };
  g_autofree char *policy_path = NULL;
  int i;

  attest_test_workspace_open (f);
  import_text (f, "activity.jsonl", activity_jsonl, NULL, TRUE);
  import_text (f, "resource.jsonl", resource_jsonl, NULL, TRUE);
  import_text (f, "deployments-1.json", list1, "hub-a", FALSE);
  import_text (f, "deployments-2.json", list2, "hub-a", FALSE);
  import_text (f, "model-versions.json", models, NULL, FALSE);

  for (i = 0; i < 4; i++)
    {
      g_autofree char *dev = g_strdup_printf ("p%02d", i + 1);
      g_autofree char *m1 = g_strdup ("\"metrics\":{\"accuracy\":0.90,\"latencyMs\":10}");
      g_autofree char *m2 = g_strdup_printf ("\"metrics\":{\"accuracy\":%.2f,\"latencyMs\":%d}", acc2[i], lat2[i]);
      g_autofree char *m3 = g_strdup_printf ("\"metrics\":{\"accuracy\":%.2f,\"latencyMs\":20}", acc3[i]);

      add_twin (twins, dev, "perfmod", 10, "perf", "1.0", "2026-01-01T06:00:00Z", m1);
      add_twin (twins, dev, "perfmod", 20, "perf", "2.0", "2026-02-01T06:00:00Z", m2);
      add_twin (twins, dev, "perfmod", 30 + i, "perf", "3.0", "2026-03-01T06:00:00Z", m3);
    }
  add_twin (twins, "p05", "perfmod", 5, "perf", "2.5", "2026-02-15T06:00:00Z", NULL);
  add_twin (twins, "r01", "detector", 7, "detector", "7", "2026-02-20T06:00:00Z", NULL);
  add_twin (twins, "r01", "other", 3, "detector", "8", "2026-02-20T06:00:00Z", NULL);
  g_string_append (twins, "]\n");
  import_text (f, "module-twins.json", twins->str, "hub-a", FALSE);

  policy_path = attest_test_write_file (f->dir, "policy.ini", policy_ini, -1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static GPtrArray *
run_rule (Fixture    *f,
          const char *rule)
{
  g_autofree char *path = g_build_filename (f->dir, "policy.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load (path, &error);
  GPtrArray *findings;

  g_assert_no_error (error);
  findings = attest_findings_compute (f->store, policy, rule, &error);
  g_assert_no_error (error);
  g_assert_nonnull (findings);
  return findings;
}

/* "subject|subject|…" of the findings, in their order. */
static char *
subjects (GPtrArray *findings)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < findings->len; i++)
    {
      AttestFinding *fd = g_ptr_array_index (findings, i);
      g_string_append_printf (s, "%s%s", i ? "|" : "", fd->subject);
    }
  return g_string_free (s, FALSE);
}

static AttestFinding *
find_subject (GPtrArray  *findings,
              const char *subject)
{
  guint i;

  for (i = 0; i < findings->len; i++)
    {
      AttestFinding *fd = g_ptr_array_index (findings, i);
      if (g_str_equal (fd->subject, subject))
        return fd;
    }
  g_assert_not_reached ();
  return NULL;
}

/* "table:label table:label …" of a finding's evidence, in order. */
static char *
evidence (AttestFinding *fd)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < fd->evidence->len; i++)
    {
      AttestEvidence *e = g_ptr_array_index (fd->evidence, i);
      const char *label = e->label;

      /* ARM ids: keep the tail. */
      if (g_str_has_prefix (label, "/subscriptions/"))
        label = strstr (label, "/models/");
      /* Resource-log records: the hash is not worth spelling out. */
      if (g_str_has_prefix (label, "sha256:"))
        label = "sha256";
      g_string_append_printf (s, "%s%s:%s", i ? " " : "", e->table, label);
    }
  return g_string_free (s, FALSE);
}

static void
test_unapproved_deployer (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = run_rule (f, "unapproved-deployer");
  g_autofree char *list = subjects (findings);
  AttestFinding *fd;
  g_autofree char *ev = NULL;

  g_assert_cmpstr (list, ==, "detector:4|detector:5|detector:6|hub-a/det-2-fleet|hub-a/det-3-pilot");

  /* The logged write wins over createdBy; the failed write of 9 and the
   * grant are evidence. */
  fd = find_subject (findings, "detector:5");
  g_assert_cmpint (fd->severity, ==, ATTEST_SEVERITY_HIGH);
  g_assert_cmpstr (fd->subject_kind, ==, "model-version");
  g_assert_nonnull (strstr (fd->sentence, "eve@x.io"));
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "ml_assets:/models/detector/versions/5 audit_events:m2 audit_events:m3 "
                           "audit_events:a4 audit_events:m1 deployment_versions:det-3-pilot@MQ==");
  g_clear_pointer (&ev, g_free);
  g_assert_cmpint (fd->at, ==, attest_time_from_civil (2026, 1, 22, 9, 0, 2));

  /* createdBy display names: mapped through the name claim, or compared
   * as they are, and the sentence says which. */
  fd = find_subject (findings, "detector:4");
  g_assert_nonnull (strstr (fd->sentence, "eve@x.io"));
  g_assert_nonnull (strstr (fd->sentence, "\"Eve Evil\""));
  ev = evidence (fd);
  /* Registered on 01-04, before the grant of 01-12: no grant cited. */
  g_assert_cmpstr (ev, ==, "ml_assets:/models/detector/versions/4 deployment_versions:det-2-fleet@MQ==");
  g_clear_pointer (&ev, g_free);
  fd = find_subject (findings, "detector:6");
  g_assert_nonnull (strstr (fd->sentence, "\"Nobody Known\""));
  g_assert_nonnull (strstr (fd->sentence, "display name"));

  /* Attributed to the caller just before the record, not to the label. */
  fd = find_subject (findings, "hub-a/det-2-fleet");
  g_assert_cmpstr (fd->subject_kind, ==, "deployment");
  g_assert_nonnull (strstr (fd->sentence, "eve@x.io"));
  g_assert_cmpint (fd->at, ==, attest_time_from_civil (2026, 1, 20, 10, 0, 0));
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "deployment_versions:det-2-fleet@MQ== audit_events:sha256 audit_events:a5 "
                           "audit_events:a4 audit_events:a2");
  g_clear_pointer (&ev, g_free);

  /* No record, no caller: the label, said to be a claim. */
  fd = find_subject (findings, "hub-a/det-3-pilot");
  g_assert_nonnull (strstr (fd->sentence, "claimer@x.io"));
  g_assert_nonnull (strstr (fd->sentence, "claim"));
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "deployment_versions:det-3-pilot@MQ==");
}

static void
test_undocumented_model (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = run_rule (f, "undocumented-model");
  g_autofree char *list = subjects (findings);
  AttestFinding *fd;
  g_autofree char *ev = NULL;

  g_assert_cmpstr (list, ==, "detector:4|detector:5|detector:7");

  fd = find_subject (findings, "detector:4");
  g_assert_cmpint (fd->severity, ==, ATTEST_SEVERITY_MEDIUM);
  g_assert_nonnull (strstr (fd->sentence, "approver"));
  g_assert_null (strstr (fd->sentence, "model_card"));
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "ml_assets:/models/detector/versions/4 deployment_versions:det-2-fleet@MQ==");
  g_clear_pointer (&ev, g_free);

  /* A blank tag is a missing tag. */
  fd = find_subject (findings, "detector:5");
  g_assert_nonnull (strstr (fd->sentence, "training_data"));

  /* Only reported by a device: the device's snapshot is the evidence. */
  fd = find_subject (findings, "detector:7");
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "ml_assets:/models/detector/versions/7 twin_snapshots:r01/detector@7");
  g_assert_cmpint (fd->at, ==, attest_time_from_civil (2026, 2, 20, 6, 0, 0));
}

static void
test_performance_regression (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = run_rule (f, "performance-regression");
  g_autofree char *list = subjects (findings);
  AttestFinding *fd;
  g_autofree char *ev = NULL;

  /* 2.0 sits exactly on every bound and on the share: no finding. */
  g_assert_cmpstr (list, ==, "perf:3.0");
  fd = g_ptr_array_index (findings, 0);
  g_assert_cmpint (fd->severity, ==, ATTEST_SEVERITY_MEDIUM);
  g_assert_nonnull (strstr (fd->sentence, "3 of the 4"));
  /* The predecessor is 2.0 (median 0.910), not 2.5 which has no figures. */
  g_assert_nonnull (strstr (fd->sentence, "2.0's fleet median 0.910"));
  ev = evidence (fd);
  g_assert_cmpstr (ev, ==, "twin_snapshots:p01/perfmod@30 twin_snapshots:p02/perfmod@31 "
                           "twin_snapshots:p03/perfmod@32");
  g_assert_cmpint (fd->at, ==, attest_time_from_civil (2026, 3, 1, 6, 0, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/rules-models/unapproved-deployer", Fixture, NULL, fixture_setup, test_unapproved_deployer,
              fixture_teardown);
  g_test_add ("/rules-models/undocumented-model", Fixture, NULL, fixture_setup, test_undocumented_model,
              fixture_teardown);
  g_test_add ("/rules-models/performance-regression", Fixture, NULL, fixture_setup, test_performance_regression,
              fixture_teardown);
  return g_test_run ();
}
