/* test-rules-deployments.c: the no-canary, twin-drift and missing-audit rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hub-a has 10 edge devices (d01..d10); policy: canary max_share 0.10,
 * min_hours 24, drift tolerance 336 hours (14 days).  Answers by
 * construction:
 *
 * no-canary
 *   m1 1.0  canary 2026-01-01 (1 of 10: exactly max_share is a canary),
 *           fleet 2026-01-02 (exactly 24 h later)                 no finding
 *   m2 2.0  canary 2026-01-01, fleet 23 h later                   finding (short)
 *   m3 1.0  canary 2026-01-01, fleet 2026-01-05                   no finding
 *   m3 2.0  fleet 2026-01-10, no canary; d06/m3 reports it        finding
 *   m3 1.0  back to fleet 2026-01-12 (rollback, ran fleet-wide)   no finding
 *   m4 1.0  pilot of 1 device, never fleet                        no finding
 *   m6 1.0  canary 2026-01-01 deleted 2 h later, fleet 2026-01-03 finding (deleted)
 *   det 2.0 det-2-0-ring: no counts, ring condition: canary       no finding
 *
 * twin-drift (module det, desired by det-2-0-ring)
 *   d01  desired 2.0 from 02-01, running 2.0 at 02-15 00:00:00    exactly 14 d: none
 *   d02  same, converged at 02-15 00:00:01; module twin on 02-10  finding (cleared)
 *   d03  desired 2.0 from 02-01, never converged, last activity
 *        01-10 (offline the whole time)                          none (stale-device's)
 *   d04  as d03, but came back online on 03-01 and still on 1.0   finding (ongoing)
 *   d05  rollback: desired 1.0 on 03-01, running 1.0 12 h later   none
 *
 * missing-audit: every configuration has its Configurations record (1 s
 * before its time, whole seconds), except
 *   m4-1-0-pilot  created without any record                      finding
 *   m2-2-0-fleet  Mg== updated 2026-01-25T10:00, the only record
 *                 is 10 s later, while the diagnostic setting was
 *                 deleted (09:00) and not yet restored (11:00)    finding + both events
 *   m1-1-0-fleet  Mg== update with its UpdateConfiguration record none
 *   m6-1-0-fleet  Mg== update recorded by an activity-log event on
 *                 the configuration's resource id                 none
 */
#include "config.h"

#include <string.h>

#include "attest-findings.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

#define HUB_ID "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG-EDGE/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-A"

static const char policy_text[] =
  "[deployers]\napproved=ana@example.com\n"
  "[canary]\nmax_share=0.10\nmin_hours=24\n"
  "[drift]\ntolerance_hours=336\n"
  "[models]\nrequired_tags=model_card\n"
  "[residency]\neu-restricted=westeurope\n"
  "[identity]\neu-restricted=selfSigned\n"
  "[staleness]\nmax_offline_days=30\nmin_edge_runtime=1.4\n"
  "[performance]\nmin_accuracy=0.80\nmax_accuracy_drop=0.03\nmax_latency_ms=250\nmax_share=0.5\n";

static char *
configuration (const char *id,
               const char *etag,
               const char *created,
               const char *updated,
               const char *condition,
               const char *labels,
               const char *module,
               const char *image,
               int         targeted)
{
  g_autofree char *metrics = NULL;

  if (targeted >= 0)
    metrics = g_strdup_printf (",\"systemMetrics\":{\"queries\":{},\"results\":{\"targetedCount\":%d,"
                               "\"appliedCount\":%d,\"reportedSuccessfulCount\":%d,\"reportedFailedCount\":0}}",
                               targeted, targeted, targeted);
  return g_strdup_printf (
    "{\"id\":\"%s\",\"etag\":\"%s\",\"schemaVersion\":\"1.0\",\"priority\":10,"
    "\"targetCondition\":\"%s\",\"createdTimeUtc\":\"%s\",\"lastUpdatedTimeUtc\":\"%s\","
    "\"labels\":%s,\"contentType\":null,"
    "\"content\":{\"modulesContent\":{\"$edgeAgent\":{\"properties.desired.modules.%s\":"
    "{\"settings\":{\"image\":\"%s\",\"createOptions\":\"{}\"},\"type\":\"docker\","
    "\"status\":\"running\",\"restartPolicy\":\"always\",\"version\":\"1.0\"}}}}%s}",
    id, etag, condition, created, updated, labels, module, image, metrics ? metrics : "");
}

static char *
config_record (const char *operation,
               const char *time,
               const char *config_id)
{
  return g_strdup_printf (
    "{\"time\":\"%s\",\"resourceId\":\"" HUB_ID "\",\"operationName\":\"%s\","
    "\"category\":\"Configurations\",\"resultType\":\"\",\"resultDescription\":\"\",\"level\":\"Information\","
    "\"durationMs\":\"38\",\"properties\":\"{\\\"configurationId\\\":\\\"%s\\\","
    "\\\"sdkVersion\\\":\\\"2021-04-12\\\"}\",\"location\":\"westeurope\"}\n",
    time, operation, config_id);
}

/* An activity-log event on @resource (below hub-a). */
static char *
activity (const char *event_id,
          const char *time,
          const char *operation,
          const char *resource)
{
  g_autofree char *e = attest_test_activity_event (event_id, time, "ana@example.com", operation, "x");
  g_autofree char *to = g_strdup_printf ("IotHubs/hub-a%s\"", resource);
  g_auto(GStrv) parts = g_strsplit (e, "IotHubs/hub-test\"", 2);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strdup_printf ("%s%s%s\n", parts[0], to, parts[1]);
}

static char *
module_twin (const char *device,
             const char *module,
             int         version,
             const char *changed,
             const char *model,
             const char *model_version)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"%s\",\"etag\":\"AAAAAAAAAA%d=\",\"version\":%d,"
    "\"status\":\"enabled\",\"connectionState\":\"Connected\",\"authenticationType\":\"sas\","
    "\"lastActivityTime\":\"%s\","
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2025-12-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"model\":{\"name\":\"%s\",\"version\":\"%s\"},"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}}}",
    device, module, version, version, changed, model, model_version, changed, version);
}

static char *
device_twin (const char *device,
             int         version,
             const char *changed,
             const char *last_activity)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"etag\":\"AAAAAAAAAC%d=\",\"version\":%d,\"status\":\"enabled\","
    "\"connectionState\":\"Disconnected\",\"lastActivityTime\":\"%s\","
    "\"authenticationType\":\"selfSigned\",\"capabilities\":{\"iotEdge\":true},"
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":1},"
    "\"reported\":{\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":1}}}",
    device, version, version, last_activity, changed, changed);
}

/* $edgeAgent twin running det:@running with det:@desired desired (NULL:
 * no custom module at all). */
static char *
agent_twin (const char *device,
            int         version,
            const char *changed,
            const char *desired,
            const char *running)
{
  g_autofree char *dmods = desired
    ? g_strdup_printf ("\"det\":{\"type\":\"docker\",\"settings\":{\"image\":\"reg.azurecr.io/det:%s\"}}", desired)
    : g_strdup ("");
  g_autofree char *dmeta = desired
    ? g_strdup ("\"det\":{\"$lastUpdated\":\"2026-01-01T00:00:00Z\",\"$lastUpdatedBy\":\"det-2-0-ring\"}")
    : g_strdup ("\"$x\":{}");
  g_autofree char *rmods = running
    ? g_strdup_printf ("\"det\":{\"runtimeStatus\":\"running\",\"settings\":{\"image\":\"reg.azurecr.io/det:%s\"}}", running)
    : g_strdup ("");

  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"$edgeAgent\",\"etag\":\"AAAAAAAAAB%d=\",\"version\":%d,"
    "\"status\":\"enabled\",\"connectionState\":\"Disconnected\",\"authenticationType\":\"sas\","
    "\"properties\":{\"desired\":{\"modules\":{%s},\"$metadata\":{\"$lastUpdated\":\"%s\","
    "\"modules\":{\"$lastUpdated\":\"%s\",%s}},\"$version\":%d},"
    "\"reported\":{\"version\":{\"version\":\"1.4.2\"},\"modules\":{%s},"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}},"
    "\"configurations\":{\"det-2-0-ring\":{\"status\":\"Applied\"}}}",
    device, version, version, dmods, changed, changed, dmeta, version, rmods, changed, version);
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
  g_assert_cmpint (n, >, 0);
}

static void
add (GPtrArray *list,
     char      *item)
{
  g_ptr_array_add (list, item);
}

static char *
json_array (GPtrArray *items)
{
  GString *out = g_string_new ("[");
  guint i;

  for (i = 0; i < items->len; i++)
    g_string_append_printf (out, "%s%s\n", i ? "," : "", (char *) g_ptr_array_index (items, i));
  g_string_append (out, "]");
  return g_string_free (out, FALSE);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *canary = "{\"ring\":\"canary\"}";
  const char *fleet = "{\"ring\":\"fleet\"}";
  g_autoptr(GPtrArray) v1 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) v2 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) twins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) logs = g_string_new (NULL);
  g_autoptr(GString) events = g_string_new (NULL);
  g_autofree char *list1 = NULL;
  g_autofree char *list2 = NULL;
  g_autofree char *twin_list = NULL;
  static const char *const created[][2] = {
    { "m1-1-0-canary", "2026-01-01T00:00:00Z" }, { "m1-1-0-fleet", "2026-01-02T00:00:00Z" },
    { "m2-2-0-canary", "2026-01-01T00:00:00Z" }, { "m2-2-0-fleet", "2026-01-01T23:00:00Z" },
    { "m3-1-0-canary", "2026-01-01T00:00:00Z" }, { "m3-1-0-fleet", "2026-01-05T00:00:00Z" },
    { "m3-2-0-fleet", "2026-01-10T00:00:00Z" }, { "m3-1-0-back", "2026-01-12T00:00:00Z" },
    { "m6-1-0-canary", "2026-01-01T00:00:00Z" }, { "m6-1-0-fleet", "2026-01-03T00:00:00Z" },
    { "det-2-0-ring", "2026-01-01T00:00:00Z" },
  };
  guint i;

  attest_test_workspace_open (f);

  add (v1, configuration ("m1-1-0-canary", "MQ==", "2026-01-01T00:00:00.400Z", "2026-01-01T00:00:00.400Z",
                          "tags.ring='canary'", canary, "m1", "acr.io/m1:1.0", 1));
  add (v1, configuration ("m1-1-0-fleet", "MQ==", "2026-01-02T00:00:00.400Z", "2026-01-02T00:00:00.400Z",
                          "*", fleet, "m1", "acr.io/m1:1.0", 6));
  add (v1, configuration ("m2-2-0-canary", "MQ==", "2026-01-01T00:00:00.400Z", "2026-01-01T00:00:00.400Z",
                          "tags.ring='canary'", canary, "m2", "acr.io/m2:2.0", 1));
  add (v1, configuration ("m2-2-0-fleet", "MQ==", "2026-01-01T23:00:00.400Z", "2026-01-01T23:00:00.400Z",
                          "*", fleet, "m2", "acr.io/m2:2.0", 6));
  add (v1, configuration ("m3-1-0-canary", "MQ==", "2026-01-01T00:00:00.400Z", "2026-01-01T00:00:00.400Z",
                          "tags.ring='canary'", canary, "m3", "acr.io/m3:1.0", 1));
  add (v1, configuration ("m3-1-0-fleet", "MQ==", "2026-01-05T00:00:00.400Z", "2026-01-05T00:00:00.400Z",
                          "*", fleet, "m3", "acr.io/m3:1.0", 6));
  add (v1, configuration ("m3-2-0-fleet", "MQ==", "2026-01-10T00:00:00.400Z", "2026-01-10T00:00:00.400Z",
                          "*", fleet, "m3", "acr.io/m3:2.0", 6));
  add (v1, configuration ("m3-1-0-back", "MQ==", "2026-01-12T00:00:00.400Z", "2026-01-12T00:00:00.400Z",
                          "*", fleet, "m3", "acr.io/m3:1.0", 6));
  add (v1, configuration ("m4-1-0-pilot", "MQ==", "2026-01-03T00:00:00.400Z", "2026-01-03T00:00:00.400Z",
                          "deviceId='d07'", "{\"ring\":\"pilot\"}", "m4", "acr.io/m4:1.0", 1));
  add (v1, configuration ("m6-1-0-canary", "MQ==", "2026-01-01T00:00:00.400Z", "2026-01-01T00:00:00.400Z",
                          "tags.ring='canary'", canary, "m6", "acr.io/m6:1.0", 1));
  add (v1, configuration ("m6-1-0-fleet", "MQ==", "2026-01-03T00:00:00.400Z", "2026-01-03T00:00:00.400Z",
                          "*", fleet, "m6", "acr.io/m6:1.0", 6));
  add (v1, configuration ("det-2-0-ring", "MQ==", "2026-01-01T00:00:00.400Z", "2026-01-01T00:00:00.400Z",
                          "tags.ring='canary'", "{}", "det", "reg.azurecr.io/det:2.0", -1));
  /* later exports: three updated versions */
  add (v2, configuration ("m1-1-0-fleet", "Mg==", "2026-01-02T00:00:00.400Z", "2026-01-20T10:00:00.600Z",
                          "*", fleet, "m1", "acr.io/m1:1.0", 6));
  add (v2, configuration ("m2-2-0-fleet", "Mg==", "2026-01-01T23:00:00.400Z", "2026-01-25T10:00:00.300Z",
                          "*", fleet, "m2", "acr.io/m2:2.0", 6));
  add (v2, configuration ("m6-1-0-fleet", "Mg==", "2026-01-03T00:00:00.400Z", "2026-01-26T10:00:00.200Z",
                          "*", fleet, "m6", "acr.io/m6:1.0", 6));

  /* ten edge devices */
  for (i = 1; i <= 10; i++)
    {
      g_autofree char *d = g_strdup_printf ("d%02u", i);
      if (i <= 5)
        continue;
      add (twins, agent_twin (d, 1, "2026-01-01T00:00:00Z", NULL, NULL));
    }
  add (twins, agent_twin ("d01", 1, "2026-01-01T00:00:00Z", "1.0", "1.0"));
  add (twins, agent_twin ("d01", 2, "2026-02-01T00:00:00Z", "2.0", "1.0"));
  add (twins, agent_twin ("d01", 3, "2026-02-15T00:00:00Z", "2.0", "2.0"));
  add (twins, module_twin ("d01", "det", 4, "2026-02-10T00:00:00Z", "det", "1.0"));
  add (twins, agent_twin ("d02", 1, "2026-01-01T00:00:00Z", "1.0", "1.0"));
  add (twins, agent_twin ("d02", 2, "2026-02-01T00:00:00Z", "2.0", "1.0"));
  add (twins, module_twin ("d02", "det", 7, "2026-02-10T00:00:00Z", "det", "1.0"));
  add (twins, agent_twin ("d02", 3, "2026-02-15T00:00:01Z", "2.0", "2.0"));
  add (twins, device_twin ("d03", 1, "2026-01-01T00:00:00Z", "2026-01-10T00:00:00Z"));
  add (twins, agent_twin ("d03", 1, "2026-01-01T00:00:00Z", "1.0", "1.0"));
  add (twins, agent_twin ("d03", 2, "2026-02-01T00:00:00Z", "2.0", "1.0"));
  add (twins, device_twin ("d04", 1, "2026-01-01T00:00:00Z", "2026-01-10T00:00:00Z"));
  add (twins, device_twin ("d04", 2, "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"));
  add (twins, agent_twin ("d04", 1, "2026-01-01T00:00:00Z", "1.0", "1.0"));
  add (twins, agent_twin ("d04", 2, "2026-02-01T00:00:00Z", "2.0", "1.0"));
  add (twins, agent_twin ("d05", 1, "2026-01-01T00:00:00Z", "2.0", "2.0"));
  add (twins, agent_twin ("d05", 2, "2026-03-01T00:00:00Z", "1.0", "2.0"));
  add (twins, agent_twin ("d05", 3, "2026-03-01T12:00:00Z", "1.0", "1.0"));
  /* m3 2.0 reached d06 */
  add (twins, module_twin ("d06", "m3", 5, "2026-01-11T00:00:00Z", "m3", "2.0"));

  /* Configurations records: one second before, whole seconds */
  for (i = 0; i < G_N_ELEMENTS (created); i++)
    {
      gint64 t;
      g_autofree char *text = NULL;
      g_autofree char *rec = NULL;

      g_assert_cmpint (attest_time_parse (created[i][1], &t), ==, ATTEST_TIME_OK);
      text = attest_time_format (t - ATTEST_TICKS_PER_SECOND);
      rec = config_record ("CreateOrUpdateConfiguration", text, created[i][0]);
      g_string_append (logs, rec);
    }
  {
    g_autofree char *r1 = config_record ("DeleteConfiguration", "2026-01-01T02:00:00Z", "m6-1-0-canary");
    g_autofree char *r2 = config_record ("UpdateConfiguration", "2026-01-20T10:00:00Z", "m1-1-0-fleet");
    g_autofree char *r3 = config_record ("UpdateConfiguration", "2026-01-25T10:00:10Z", "m2-2-0-fleet");
    g_autofree char *e1 = activity ("22222222-0000-0000-0000-000000000001", "2026-01-25T09:00:00.000Z",
                                    "Microsoft.Insights/diagnosticSettings/delete",
                                    "/providers/microsoft.insights/diagnosticSettings/audit");
    g_autofree char *e2 = activity ("22222222-0000-0000-0000-000000000002", "2026-01-25T11:00:00.000Z",
                                    "Microsoft.Insights/diagnosticSettings/write",
                                    "/providers/microsoft.insights/diagnosticSettings/audit");
    g_autofree char *e3 = activity ("22222222-0000-0000-0000-000000000003", "2026-01-26T10:00:00.000Z",
                                    "Microsoft.Devices/IotHubs/configurations/write",
                                    "/configurations/m6-1-0-fleet");

    g_string_append (logs, r1);
    g_string_append (logs, r2);
    g_string_append (logs, r3);
    g_string_append (events, e1);
    g_string_append (events, e2);
    g_string_append (events, e3);
  }

  list1 = json_array (v1);
  list2 = json_array (v2);
  twin_list = json_array (twins);
  import_text (f, "twins.json", twin_list, "hub-a");
  import_text (f, "deployments-1.json", list1, "hub-a");
  import_text (f, "deployments-2.json", list2, "hub-a");
  import_text (f, "resourcelogs.jsonl", logs->str, NULL);
  import_text (f, "events.jsonl", events->str, NULL);
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

/* The subjects, in order, joined by " | ". */
static char *
subjects (GPtrArray *findings)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint i;

  for (i = 0; i < findings->len; i++)
    {
      const AttestFinding *f = g_ptr_array_index (findings, i);
      g_string_append_printf (out, "%s%s", i ? " | " : "", f->subject);
    }
  return g_strdup (out->str);
}

/* The evidence as "table:label", joined by " ". */
static char *
evidence (const AttestFinding *f)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint i;

  for (i = 0; i < f->evidence->len; i++)
    {
      const AttestEvidence *e = g_ptr_array_index (f->evidence, i);
      g_string_append_printf (out, "%s%s:%s", i ? " " : "", e->table, e->label);
    }
  return g_strdup (out->str);
}

static const AttestFinding *
finding (GPtrArray  *findings,
         const char *subject)
{
  guint i;

  for (i = 0; i < findings->len; i++)
    {
      const AttestFinding *f = g_ptr_array_index (findings, i);
      if (g_str_equal (f->subject, subject))
        return f;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_no_canary (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "no-canary");
  g_autofree char *s = subjects (findings);
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  g_autofree char *e3 = NULL;
  const AttestFinding *x;

  g_assert_cmpstr (s, ==, "hub-a/m2-2-0-fleet | hub-a/m3-2-0-fleet | hub-a/m6-1-0-fleet");

  x = finding (findings, "hub-a/m2-2-0-fleet");
  e1 = evidence (x);
  g_assert_cmpstr (e1, ==, "deployment_versions:m2-2-0-fleet@MQ== deployment_versions:m2-2-0-canary@MQ==");
  g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_HIGH);
  g_assert_cmpstr (x->subject_kind, ==, "deployment");
  g_assert_nonnull (strstr (x->sentence, "23.0 hours"));

  x = finding (findings, "hub-a/m3-2-0-fleet");
  e2 = evidence (x);
  g_assert_cmpstr (e2, ==, "deployment_versions:m3-2-0-fleet@MQ== twin_snapshots:d06/m3@5");
  g_assert_nonnull (strstr (x->sentence, "6 of 10"));

  /* the canary was deleted two hours after it was created */
  x = finding (findings, "hub-a/m6-1-0-fleet");
  e3 = evidence (x);
  g_assert_cmpstr (e3, ==, "deployment_versions:m6-1-0-fleet@MQ== deployment_versions:m6-1-0-canary@MQ==");
  g_assert_nonnull (strstr (x->sentence, "2.0 hours"));
}

static void
test_twin_drift (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "twin-drift");
  g_autofree char *s = subjects (findings);
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  const AttestFinding *x;
  gint64 t;

  g_assert_cmpstr (s, ==, "hub-a/d02/det | hub-a/d04/det");

  x = finding (findings, "hub-a/d02/det");
  e1 = evidence (x);
  g_assert_cmpstr (e1, ==, "deployment_versions:det-2-0-ring@MQ== twin_snapshots:d02/$edgeAgent@2 "
                           "twin_snapshots:d02/det@7 twin_snapshots:d02/$edgeAgent@3");
  g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_MEDIUM);
  g_assert_cmpstr (x->subject_kind, ==, "module");
  g_assert_cmpint (attest_time_parse ("2026-02-01T00:00:00Z", &t), ==, ATTEST_TIME_OK);
  g_assert_cmpint (x->at, ==, t);
  g_assert_nonnull (strstr (x->sentence, "until 2026-02-15 00:00:01 UTC"));

  /* came back online on 03-01, still drifting at the cache's "now" */
  x = finding (findings, "hub-a/d04/det");
  e2 = evidence (x);
  g_assert_cmpstr (e2, ==, "deployment_versions:det-2-0-ring@MQ== twin_snapshots:d04/$edgeAgent@2");
  g_assert_nonnull (strstr (x->sentence, "since 2026-02-01 00:00:00 UTC"));
}

static void
test_missing_audit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) findings = compute (f, "missing-audit");
  g_autofree char *s = subjects (findings);
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  const AttestFinding *x;

  g_assert_cmpstr (s, ==, "hub-a/m2-2-0-fleet | hub-a/m4-1-0-pilot");

  x = finding (findings, "hub-a/m2-2-0-fleet");
  e1 = evidence (x);
  g_assert_cmpstr (e1, ==, "deployment_versions:m2-2-0-fleet@Mg== "
                           "audit_events:22222222-0000-0000-0000-000000000001 "
                           "audit_events:22222222-0000-0000-0000-000000000002");
  g_assert_cmpint (x->severity, ==, ATTEST_SEVERITY_HIGH);
  g_assert_nonnull (strstr (x->sentence, "changed at 2026-01-25 10:00:00 UTC"));

  x = finding (findings, "hub-a/m4-1-0-pilot");
  e2 = evidence (x);
  g_assert_cmpstr (e2, ==, "deployment_versions:m4-1-0-pilot@MQ==");
  g_assert_nonnull (strstr (x->sentence, "created"));
}

/* The same cache gives the same findings with the same ids. */
static void
test_deterministic (Fixture       *f,
                    gconstpointer  data)
{
  static const char *const rules[] = { "no-canary", "twin-drift", "missing-audit" };
  guint r, i;

  for (r = 0; r < G_N_ELEMENTS (rules); r++)
    {
      g_autoptr(GPtrArray) a = compute (f, rules[r]);
      g_autoptr(GPtrArray) b = compute (f, rules[r]);

      g_assert_cmpuint (a->len, ==, b->len);
      for (i = 0; i < a->len; i++)
        g_assert_cmpstr (((AttestFinding *) g_ptr_array_index (a, i))->id, ==,
                         ((AttestFinding *) g_ptr_array_index (b, i))->id);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/rules-deployments/no-canary", Fixture, NULL, fixture_setup, test_no_canary, fixture_teardown);
  g_test_add ("/rules-deployments/twin-drift", Fixture, NULL, fixture_setup, test_twin_drift, fixture_teardown);
  g_test_add ("/rules-deployments/missing-audit", Fixture, NULL, fixture_setup, test_missing_audit, fixture_teardown);
  g_test_add ("/rules-deployments/deterministic", Fixture, NULL, fixture_setup, test_deterministic, fixture_teardown);
  return g_test_run ();
}
