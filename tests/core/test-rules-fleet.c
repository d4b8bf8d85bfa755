/* test-rules-fleet.c: weak-identity, stale-device, residency, unregistered-model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hand-built hub "hub-t" whose findings are known by construction.
 * Policy: class "restricted" allowed in westeurope;northeurope and with
 * selfSigned;certificateAuthority, 30 days offline, runtime 1.4.
 * The newest evidence is a resource-log record at 2024-06-30T00:00:00Z;
 * the newest activity on the hub is 2024-06-29T00:00:00Z (d-ok).
 *
 *   d-ok      restricted, westeurope, selfSigned, active 06-29, runtime 1.4.0,
 *             runs good 1.0 (registered, tag dataClass restricted): nothing
 *   d-sas     restricted, westeurope, sas: weak-identity
 *   d-gen     general, eastus, sas, runs lin 1.0 (class restricted only through
 *             its training data frames:1): residency on lin:1.0 (hub-t/eastus)
 *   d-moved   restricted, tag region uksouth, runs good 1.0: residency on the device
 *   d-edge30  last activity exactly 30 days before 06-29: not offline;
 *             runtime 1.3.9: stale-device "runtime"
 *   d-old     last activity 30 days and 1 s before: stale-device "offline"
 *   d-back    a first listing says active 01-01, a later listing of the same
 *             twin version says 06-28: not offline
 *   d-never   never connected, registered 2024-01-01: stale-device "offline"
 *   d-new     never connected, registered 2024-06-20: nothing
 *   d-gone    active 01-01, deleted 03-01 (resource log): nothing
 *   d-unreg   reports good 9.9 (deployed by good-9-9-canary): unregistered-model
 */
#include "config.h"

#include <string.h>

#include "attest-findings.h"
#include "attest-test-util.h"

typedef AttestTestWorkspace Fixture;

static const char policy_text[] =
  "[deployers]\napproved=vera@example.com\n"
  "[canary]\nmax_share=0.10\nmin_hours=24\n"
  "[drift]\ntolerance_hours=336\n"
  "[models]\nrequired_tags=model_card\n"
  "[residency]\nrestricted=westeurope;northeurope\n"
  "[identity]\nrestricted=selfSigned;certificateAuthority\n"
  "[staleness]\nmax_offline_days=30\nmin_edge_runtime=1.4\n"
  "[performance]\nmin_accuracy=0.80\nmax_accuracy_drop=0.03\nmax_latency_ms=250\nmax_share=0.5\n";

static char *
device_twin (const char *device,
             int         version,
             const char *auth,
             const char *activity,
             const char *data_class,
             const char *region,
             const char *registered)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"etag\":\"AAAAAAAAAAI=\",\"version\":%d,\"status\":\"enabled\","
    "\"connectionState\":\"Disconnected\",\"lastActivityTime\":\"%s\","
    "\"authenticationType\":\"%s\",\"capabilities\":{\"iotEdge\":true},"
    "\"tags\":{\"dataClass\":\"%s\",\"region\":\"%s\"},"
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":1},"
    "\"reported\":{\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":1}}}",
    device, version, activity, auth, data_class, region, registered, registered);
}

static char *
agent_twin (const char *device,
            const char *runtime,
            const char *image)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"$edgeAgent\",\"etag\":\"AAAAAAAAAAM=\",\"version\":3,"
    "\"status\":\"enabled\",\"connectionState\":\"Connected\",\"authenticationType\":\"sas\","
    "\"properties\":{\"desired\":{\"modules\":{\"det\":{\"type\":\"docker\",\"settings\":{\"image\":\"reg.azurecr.io/%s\"}}},"
    "\"$metadata\":{\"$lastUpdated\":\"2024-02-01T00:00:00Z\"},\"$version\":3},"
    "\"reported\":{\"version\":{\"version\":\"%s\"},"
    "\"modules\":{\"det\":{\"runtimeStatus\":\"running\",\"settings\":{\"image\":\"reg.azurecr.io/%s\"}}},"
    "\"$metadata\":{\"$lastUpdated\":\"2024-02-01T00:00:00Z\"},\"$version\":3}}}",
    device, image, runtime, image);
}

static char *
module_twin (const char *device,
             int         version,
             const char *changed,
             const char *model,
             const char *model_version)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"det\",\"etag\":\"AAAAAAAAAA%d=\",\"version\":%d,"
    "\"status\":\"enabled\",\"connectionState\":\"Connected\",\"authenticationType\":\"sas\","
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2024-02-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"model\":{\"name\":\"%s\",\"version\":\"%s\"},"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}}}",
    device, version, version, model, model_version, changed, version);
}

static void
import_text (Fixture    *f,
             const char *name,
             const char *text,
             const char *hub)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = attest_test_write_file (f->dir, name, text, -1);
  gint64 n = 0;

  g_assert_true (attest_test_workspace_import (f, path, hub, &n, &error));
  g_assert_no_error (error);
}

static void
import_twins (Fixture    *f,
              const char *name,
              GPtrArray  *twins)
{
  g_autoptr(GString) array = g_string_new ("[");
  guint i;

  for (i = 0; i < twins->len; i++)
    g_string_append_printf (array, "%s%s\n", i ? "," : "", (char *) g_ptr_array_index (twins, i));
  g_string_append (array, "]");
  import_text (f, name, array->str, "hub-t");
}

#define WS "/subscriptions/0000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw"

static char *
model_version (const char *name,
               const char *version,
               const char *tags,
               const char *job)
{
  return g_strdup_printf (
    "{\"id\":\"" WS "/models/%s/versions/%s\",\"name\":\"%s\","
    "\"type\":\"Microsoft.MachineLearningServices/workspaces/models/versions\","
    "\"properties\":{\"description\":null,\"tags\":{%s},\"properties\":{},\"isArchived\":false,"
    "\"modelType\":\"custom_model\",\"jobName\":\"%s\"},"
    "\"systemData\":{\"createdAt\":\"2024-01-10T10:00:00+00:00\",\"createdBy\":\"vera@example.com\","
    "\"createdByType\":\"User\"}}",
    name, version, version, tags, job);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) twins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *models = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL;
  static const char *agents[][3] = {
    { "d-ok", "1.4.0", "good:1.0" }, { "d-sas", "1.5.0", "good:1.0" }, { "d-gen", "1.5.0", "lin:1.0" },
    { "d-moved", "1.5.0", "good:1.0" }, { "d-edge30", "1.3.9", "good:1.0" }, { "d-old", "1.5.0", "good:1.0" },
    { "d-back", "1.5.0", "good:1.0" }, { "d-gone", "1.5.0", "good:1.0" }, { "d-unreg", "1.5.0", "good:9.9" },
  };
  guint i;

  attest_test_workspace_open (f);

#define REG "2024-01-01T00:00:00Z"
  g_ptr_array_add (twins, device_twin ("d-ok", 2, "selfSigned", "2024-06-29T00:00:00Z", "restricted", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-sas", 2, "sas", "2024-06-28T00:00:00Z", "restricted", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-gen", 2, "sas", "2024-06-28T00:00:00Z", "general", "eastus", REG));
  g_ptr_array_add (twins, device_twin ("d-moved", 2, "selfSigned", "2024-06-28T00:00:00Z", "restricted", "uksouth", REG));
  g_ptr_array_add (twins, device_twin ("d-edge30", 2, "selfSigned", "2024-05-30T00:00:00Z", "general", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-old", 2, "selfSigned", "2024-05-29T23:59:59Z", "general", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-back", 2, "selfSigned", "2024-01-01T00:00:00Z", "general", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-never", 2, "selfSigned", "0001-01-01T00:00:00Z", "general", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-new", 2, "selfSigned", "0001-01-01T00:00:00Z", "general", "westeurope",
                                       "2024-06-20T00:00:00Z"));
  g_ptr_array_add (twins, device_twin ("d-gone", 2, "selfSigned", "2024-01-01T00:00:00Z", "general", "westeurope", REG));
  g_ptr_array_add (twins, device_twin ("d-unreg", 2, "selfSigned", "2024-06-28T00:00:00Z", "general", "westeurope", REG));
  for (i = 0; i < G_N_ELEMENTS (agents); i++)
    g_ptr_array_add (twins, agent_twin (agents[i][0], agents[i][1], agents[i][2]));
  g_ptr_array_add (twins, module_twin ("d-ok", 10, "2024-03-01T00:00:00Z", "good", "1.0"));
  g_ptr_array_add (twins, module_twin ("d-gen", 10, "2024-03-01T00:00:00Z", "lin", "1.0"));
  g_ptr_array_add (twins, module_twin ("d-moved", 10, "2024-03-01T00:00:00Z", "good", "1.0"));
  g_ptr_array_add (twins, module_twin ("d-unreg", 10, "2024-03-01T00:00:00Z", "good", "9.9"));
  g_ptr_array_add (twins, module_twin ("d-unreg", 11, "2024-04-01T00:00:00Z", "good", "9.9"));
  g_ptr_array_add (twins, module_twin ("d-unreg", 12, "2024-05-01T00:00:00Z", "good", "9.9"));
  import_twins (f, "twins-1.json", twins);

  /* A later listing: the same twin version of d-back, active again. */
  g_ptr_array_add (later, device_twin ("d-back", 2, "selfSigned", "2024-06-28T00:00:00Z", "general", "westeurope", REG));
  import_twins (f, "twins-2.json", later);

  m1 = model_version ("good", "1.0", "\"dataClass\":\"restricted\"", "job0");
  m2 = model_version ("lin", "1.0", "\"team\":\"x\"", "job1");
  models = g_strdup_printf ("{\"value\":[%s,%s]}", m1, m2);
  import_text (f, "models.json", models, NULL);
  import_text (f, "jobs.jsonl",
               "{\"id\":\"" WS "/jobs/job1\",\"name\":\"job1\","
               "\"type\":\"Microsoft.MachineLearningServices/workspaces/jobs\","
               "\"properties\":{\"tags\":{},\"properties\":{},\"displayName\":\"lin\",\"status\":\"Completed\","
               "\"experimentName\":\"lin\",\"jobType\":\"Command\","
               "\"inputs\":{\"training_data\":{\"uri\":\"azureml:frames:1\",\"jobInputType\":\"uri_folder\"}},"
               "\"outputs\":{}},"
               "\"systemData\":{\"createdAt\":\"2024-01-05T10:00:00+00:00\",\"createdBy\":\"vera@example.com\","
               "\"createdByType\":\"User\"}}\n", NULL);
  import_text (f, "data.json",
               "{\"value\":[{\"id\":\"" WS "/data/frames/versions/1\",\"name\":\"1\","
               "\"type\":\"Microsoft.MachineLearningServices/workspaces/data/versions\","
               "\"properties\":{\"description\":null,\"tags\":{\"dataClass\":\"restricted\"},\"properties\":{},"
               "\"isArchived\":false,\"dataUri\":\"azureml://datastores/x/paths/frames/\",\"dataType\":\"uri_folder\"},"
               "\"systemData\":{\"createdAt\":\"2024-01-02T10:00:00+00:00\",\"createdBy\":\"vera@example.com\","
               "\"createdByType\":\"User\"}}]}", NULL);

  import_text (f, "deployments.json",
               "[{\"id\":\"good-9-9-canary\",\"etag\":\"MQ==\",\"priority\":10,"
               "\"targetCondition\":\"tags.ring='canary'\",\"createdTimeUtc\":\"2024-02-20T00:00:00Z\","
               "\"lastUpdatedTimeUtc\":\"2024-02-20T00:00:00Z\",\"labels\":{},\"metrics\":{\"queries\":{},\"results\":{}},"
               "\"systemMetrics\":{\"queries\":{},\"results\":{\"targetedCount\":1,\"appliedCount\":1}},"
               "\"content\":{\"modulesContent\":{\"$edgeAgent\":{\"properties.desired\":{\"modules\":{\"det\":{"
               "\"type\":\"docker\",\"status\":\"running\",\"settings\":{\"image\":\"reg.azurecr.io/good:9.9\"}}},"
               "\"runtime\":{\"type\":\"docker\",\"settings\":{}},\"schemaVersion\":\"1.1\",\"systemModules\":{}}}}},"
               "\"contentType\":null,\"schemaVersion\":\"1.0\"}]", "hub-t");

  /* The delete of d-gone and the newest evidence (2024-06-30). */
  import_text (f, "resourcelogs.jsonl",
               "{\"time\":\"2024-03-01T00:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/"
               "PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-T\",\"operationName\":\"delete\","
               "\"category\":\"DeviceIdentityOperations\",\"resultType\":\"\",\"resultDescription\":\"\","
               "\"level\":\"Information\",\"durationMs\":\"8\","
               "\"properties\":\"{\\\"deviceId\\\":\\\"d-gone\\\",\\\"protocol\\\":\\\"Http\\\"}\",\"location\":\"westeurope\"}\n"
               "{\"time\":\"2024-06-30T00:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/"
               "PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-T\",\"operationName\":\"get\","
               "\"category\":\"DeviceIdentityOperations\",\"resultType\":\"\",\"resultDescription\":\"\","
               "\"level\":\"Information\",\"durationMs\":\"8\","
               "\"properties\":\"{\\\"deviceId\\\":\\\"d-ok\\\",\\\"protocol\\\":\\\"Http\\\"}\",\"location\":\"westeurope\"}\n",
               NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static GPtrArray *
compute (Fixture    *f,
         const char *rule)
{
  return attest_test_compute_findings (f, policy_text, rule);
}

/* "subject|key-ish sentence start" for each finding, joined by newlines. */
static char *
subjects (GPtrArray *findings)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint i;

  for (i = 0; i < findings->len; i++)
    {
      AttestFinding *f = g_ptr_array_index (findings, i);
      g_string_append_printf (s, "%s%s %s", i ? "\n" : "", f->subject_kind, f->subject);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
evidence (AttestFinding *f)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint i;

  for (i = 0; i < f->evidence->len; i++)
    {
      AttestEvidence *e = g_ptr_array_index (f->evidence, i);
      g_string_append_printf (s, "%s%s:%s", i ? " " : "", e->table, e->label);
      g_assert_cmpint (e->row_id, >, 0);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_weak_identity (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "weak-identity");
  g_autofree char *subj = subjects (findings);
  g_autofree char *ev = NULL;
  AttestFinding *x;

  /* d-gen uses sas too, but its class has no identity rule. */
  g_assert_cmpstr (subj, ==, "device hub-t/d-sas");
  x = g_ptr_array_index (findings, 0);
  ev = evidence (x);
  g_assert_cmpstr (ev, ==, "twin_snapshots:d-sas@2");
  g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_HIGH);
  g_assert_nonnull (strstr (x->sentence, "sas"));
}

static void
test_stale_device (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "stale-device");
  g_autofree char *subj = subjects (findings);
  guint i;

  /* d-edge30 is exactly at the limit (not offline) but has runtime 1.3.9;
   * d-ok runs exactly 1.4.0; d-back came back; d-new is too new; d-gone
   * was deleted. */
  g_assert_cmpstr (subj, ==,
                   "device hub-t/d-edge30\n"
                   "device hub-t/d-never\n"
                   "device hub-t/d-old");
  for (i = 0; i < findings->len; i++)
    {
      AttestFinding *x = g_ptr_array_index (findings, i);
      g_autofree char *ev = evidence (x);

      if (g_str_equal (x->subject, "hub-t/d-edge30"))
        {
          g_assert_nonnull (strstr (x->sentence, "1.3.9"));
          g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_LOW);
          g_assert_cmpstr (ev, ==, "twin_snapshots:d-edge30@2 twin_snapshots:d-edge30/$edgeAgent@3");
        }
      else if (g_str_equal (x->subject, "hub-t/d-never"))
        {
          g_assert_nonnull (strstr (x->sentence, "never connected"));
          g_assert_cmpstr (ev, ==, "twin_snapshots:d-never@2");
        }
      else
        {
          g_assert_nonnull (strstr (x->sentence, "2024-05-29 23:59:59 UTC"));
          g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_MEDIUM);
          g_assert_cmpstr (ev, ==, "twin_snapshots:d-old@2 twin_snapshots:d-old/$edgeAgent@3");
        }
    }
}

static void
test_residency (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "residency");
  g_autofree char *subj = subjects (findings);
  g_autofree char *ev0 = NULL;
  g_autofree char *ev1 = NULL;

  /* The device tagged restricted outside the regions, and the model whose
   * training data is restricted on a general device in eastus. */
  g_assert_cmpstr (subj, ==,
                   "device hub-t/d-moved\n"
                   "model-version lin:1.0");
  ev0 = evidence (g_ptr_array_index (findings, 0));
  g_assert_cmpstr (ev0, ==, "twin_snapshots:d-moved@2 twin_snapshots:d-moved/det@10");
  ev1 = evidence (g_ptr_array_index (findings, 1));
  g_assert_cmpstr (ev1, ==, "twin_snapshots:d-gen/det@10");
  g_assert_nonnull (strstr (((AttestFinding *) g_ptr_array_index (findings, 1))->sentence, "eastus"));
}

static void
test_unregistered_model (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "unregistered-model");
  g_autofree char *subj = subjects (findings);
  g_autofree char *ev = NULL;

  g_assert_cmpstr (subj, ==, "model-version good:9.9");
  /* The deployment, then the first and last module snapshot of the run. */
  ev = evidence (g_ptr_array_index (findings, 0));
  g_assert_cmpstr (ev, ==,
                   "deployment_versions:good-9-9-canary@MQ== "
                   "twin_snapshots:d-unreg/det@10 twin_snapshots:d-unreg/det@12");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/rules-fleet/weak-identity", Fixture, NULL, fixture_setup, test_weak_identity, fixture_teardown);
  g_test_add ("/rules-fleet/stale-device", Fixture, NULL, fixture_setup, test_stale_device, fixture_teardown);
  g_test_add ("/rules-fleet/residency", Fixture, NULL, fixture_setup, test_residency, fixture_teardown);
  g_test_add ("/rules-fleet/unregistered-model", Fixture, NULL, fixture_setup, test_unregistered_model,
              fixture_teardown);
  return g_test_run ();
}
