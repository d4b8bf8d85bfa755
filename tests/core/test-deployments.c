/* test-deployments.c: deployment timeline, rollout phase, rollbacks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hub-a has 20 edge devices and this history (az iot edge deployment list
 * shape), answers known by construction:
 *
 *   det-3-9-2-canary   2026-01-01  det:3.9.2   targeted 1   canary (5 %)
 *   det-3-9-2-fleet    2026-01-05  det:3.9.2   targeted 18  fleet (90 %)
 *   ocr-10-fleet       2026-01-10  ocr:10      targeted 10  fleet (50 %)
 *   ocr-9-fleet        2026-01-20  ocr:9       targeted 10  fleet; rollback 10 -> 9
 *   det-3-10-0-canary  2026-02-01  det:3.10.0  targeted 2   fleet (10 % is not below 10 %)
 *   det-3-10-0-fleet   2026-02-10  det:3.10.0  v1 targeted 19, v2 (2026-02-12) 20, priority 20 -> 25
 *   det-3-9-2-back     2026-03-01  det:3.9.2   no counts, condition tags.workload: fleet by
 *                                              condition; rollback 3.10.0 -> 3.9.2
 *   ocr-11-ring        2026-03-05  ocr:11      no counts, condition tags.ring='canary'
 *   ocr-12-pilot       2026-03-06  ocr:12      no counts, labels.ring pilot
 *
 * hub-b: det-3-9-2-fleet-b on 2026-02-15 (after hub-a's 3.10.0): no
 * rollback, other hub.  3.10.0 after 3.9.2 is an upgrade, not a rollback.
 */
#include "config.h"

#include <string.h>

#include "attest-deployments.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

static char *
configuration (const char *id,
               const char *etag,
               const char *created,
               const char *updated,
               int         priority,
               const char *condition,
               const char *labels,
               const char *module,
               const char *image,
               int         targeted)
{
  g_autofree char *metrics = NULL;

  if (targeted >= 0)
    metrics = g_strdup_printf (",\"systemMetrics\":{\"queries\":{},\"results\":{\"targetedCount\":%d,"
                               "\"appliedCount\":%d,\"reportedSuccessfulCount\":%d,\"reportedFailedCount\":%d}}",
                               targeted, targeted, targeted > 0 ? targeted - 1 : 0, targeted > 0 ? 1 : 0);
  return g_strdup_printf (
    "{\"id\":\"%s\",\"etag\":\"%s\",\"schemaVersion\":\"1.0\",\"priority\":%d,"
    "\"targetCondition\":\"%s\",\"createdTimeUtc\":\"%s\",\"lastUpdatedTimeUtc\":\"%s\","
    "\"labels\":%s,\"contentType\":null,"
    "\"content\":{\"modulesContent\":{\"$edgeAgent\":{\"properties.desired.modules.%s\":"
    "{\"settings\":{\"image\":\"%s\",\"createOptions\":\"{}\"},\"type\":\"docker\","
    "\"status\":\"running\",\"restartPolicy\":\"always\",\"version\":\"1.0\"}},"
    "\"%s\":{\"properties.desired\":{\"model\":{\"name\":\"x\"}}}}}%s}",
    id, etag, priority, condition, created, updated, labels, module, image, module,
    metrics ? metrics : "");
}

static char *
edge_agents (const char *prefix,
             guint       n)
{
  GString *out = g_string_new ("[");
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (out,
      "%s{\"deviceId\":\"%s-%02u\",\"moduleId\":\"$edgeAgent\",\"etag\":\"AAAAAAAAAAE=\",\"version\":2,"
      "\"status\":\"enabled\",\"connectionState\":\"Connected\",\"lastActivityTime\":\"2026-01-01T00:00:00Z\","
      "\"properties\":{\"desired\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2025-12-01T00:00:00Z\"}},"
      "\"reported\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2025-12-01T00:00:00Z\"}}}}",
      i ? "," : "", prefix, i);
  g_string_append (out, "]");
  return g_string_free (out, FALSE);
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
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *canary = "{\"ring\":\"canary\",\"model\":\"det\"}";
  const char *fleet = "{\"ring\":\"fleet\"}";
  const char *none = "{}";
  g_autofree char *agents_a = edge_agents ("a", 20);
  g_autofree char *agents_b = edge_agents ("b", 5);
  g_autofree char *c1 = configuration ("det-3-9-2-canary", "MQ==", "2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z",
                                       10, "tags.ring='canary'", canary, "det", "acr.io/vision/det:3.9.2", 1);
  g_autofree char *c2 = configuration ("det-3-9-2-fleet", "MQ==", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z",
                                       11, "tags.workload='vision'", fleet, "det", "acr.io/vision/det:3.9.2", 18);
  g_autofree char *c3 = configuration ("ocr-10-fleet", "MQ==", "2026-01-10T10:00:00Z", "2026-01-10T10:00:00Z",
                                       12, "tags.workload='ocr'", fleet, "ocr", "acr.io/ocr:10", 10);
  g_autofree char *c4 = configuration ("ocr-9-fleet", "MQ==", "2026-01-20T10:00:00Z", "2026-01-20T10:00:00Z",
                                       13, "tags.workload='ocr'", fleet, "ocr", "acr.io/ocr:9", 10);
  g_autofree char *c5 = configuration ("det-3-10-0-canary", "MQ==", "2026-02-01T10:00:00Z", "2026-02-01T10:00:00Z",
                                       14, "tags.ring='canary'", canary, "det", "acr.io/vision/det:3.10.0", 2);
  g_autofree char *c6a = configuration ("det-3-10-0-fleet", "MQ==", "2026-02-10T10:00:00Z", "2026-02-10T10:00:00Z",
                                        20, "tags.workload='vision'", fleet, "det", "acr.io/vision/det:3.10.0", 19);
  g_autofree char *c6b = configuration ("det-3-10-0-fleet", "Mg==", "2026-02-10T10:00:00Z", "2026-02-12T08:00:00Z",
                                        25, "tags.workload='vision'", fleet, "det", "acr.io/vision/det:3.10.0", 20);
  g_autofree char *c7 = configuration ("det-3-9-2-back", "MQ==", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z",
                                       30, "tags.workload='vision'", none, "det", "acr.io/vision/det:3.9.2", -1);
  g_autofree char *c8 = configuration ("ocr-11-ring", "MQ==", "2026-03-05T10:00:00Z", "2026-03-05T10:00:00Z",
                                       31, "tags.ring='canary' AND tags.workload='ocr'", none, "ocr", "acr.io/ocr:11", -1);
  g_autofree char *c9 = configuration ("ocr-12-pilot", "MQ==", "2026-03-06T10:00:00Z", "2026-03-06T10:00:00Z",
                                       32, "tags.workload='ocr'", "{\"ring\":\"pilot\"}", "ocr", "acr.io/ocr:12", -1);
  g_autofree char *b1 = configuration ("det-3-9-2-fleet-b", "MQ==", "2026-02-15T10:00:00Z", "2026-02-15T10:00:00Z",
                                       10, "*", fleet, "det", "acr.io/vision/det:3.9.2", 5);
  g_autofree char *list1 = g_strdup_printf ("[%s,%s,%s,%s,%s,%s]", c1, c2, c3, c4, c5, c6a);
  g_autofree char *list2 = g_strdup_printf ("[%s,%s,%s,%s,%s,%s,%s]", c2, c4, c5, c6b, c7, c8, c9);
  g_autofree char *list_b = g_strdup_printf ("[%s]", b1);

  attest_test_workspace_open (f);
  import_text (f, "agents-a.json", agents_a, "hub-a");
  import_text (f, "agents-b.json", agents_b, "hub-b");
  import_text (f, "deployments-1.json", list1, "hub-a");
  import_text (f, "deployments-2.json", list2, "hub-a");
  import_text (f, "deployments-b.json", list_b, "hub-b");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static gint64
ticks (const char *iso)
{
  gint64 t;

  g_assert_cmpint (attest_time_parse (iso, &t), ==, ATTEST_TIME_OK);
  return t;
}

static AttestDeploymentVersion *
find (AttestDeploymentTimeline *t,
      const char               *config,
      const char               *etag)
{
  guint i;

  for (i = 0; i < t->versions->len; i++)
    {
      AttestDeploymentVersion *v = g_ptr_array_index (t->versions, i);
      if (g_str_equal (v->config_id, config) && g_str_equal (v->etag, etag))
        return v;
    }
  g_error ("no version %s@%s", config, etag);
  return NULL;
}

static void
test_version_compare (void)
{
  g_assert_cmpint (attest_version_compare ("3.10.0", "3.9.2"), >, 0);
  g_assert_cmpint (attest_version_compare ("3.9.2", "3.10.0"), <, 0);
  g_assert_cmpint (attest_version_compare ("10", "9"), >, 0);
  g_assert_cmpint (attest_version_compare ("9", "10"), <, 0);
  g_assert_cmpint (attest_version_compare ("3.1", "3.1.0"), ==, 0);
  g_assert_cmpint (attest_version_compare ("v2.0.0", "2.0.0"), ==, 0);
  g_assert_cmpint (attest_version_compare ("2.0.0-rc1", "2.0.0"), <, 0);
  g_assert_cmpint (attest_version_compare ("2.0.0-rc.2", "2.0.0-rc.10"), <, 0);
  g_assert_cmpint (attest_version_compare ("2.0.0+build7", "2.0.0"), ==, 0);
  g_assert_cmpint (attest_version_compare ("1.0.10", "1.0.9"), >, 0);
  g_assert_cmpint (attest_version_compare ("007", "7"), ==, 0);
  g_assert_cmpint (attest_version_compare (NULL, "1"), <, 0);
  g_assert_cmpint (attest_version_compare ("1.2.0", "1.2.0"), ==, 0);
}

static void
test_timeline (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AttestDeploymentQuery q = { "hub-a", ATTEST_TIME_NONE, ATTEST_TIME_NONE, 0 };
  g_autoptr(AttestDeploymentTimeline) t = attest_deployment_timeline (f->store, &q, &error);
  const char *order[] = {
    "det-3-9-2-canary", "det-3-9-2-fleet", "ocr-10-fleet", "ocr-9-fleet", "det-3-10-0-canary",
    "det-3-10-0-fleet", "det-3-10-0-fleet", "det-3-9-2-back", "ocr-11-ring", "ocr-12-pilot",
  };
  AttestDeploymentVersion *v;
  AttestDeployedModel *m;
  guint i;

  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->versions->len, ==, G_N_ELEMENTS (order));
  for (i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (((AttestDeploymentVersion *) g_ptr_array_index (t->versions, i))->config_id, ==, order[i]);

  v = find (t, "det-3-9-2-canary", "MQ==");
  g_assert_cmpstr (v->hub, ==, "hub-a");
  g_assert_cmpstr (v->kind, ==, "edge");
  g_assert_cmpint (v->created_at, ==, ticks ("2026-01-01T10:00:00Z"));
  g_assert_true (v->has_priority);
  g_assert_cmpint (v->priority, ==, 10);
  g_assert_cmpstr (v->target_condition, ==, "tags.ring='canary'");
  g_assert_cmpint (v->targeted, ==, 1);
  g_assert_cmpint (v->applied, ==, 1);
  g_assert_cmpint (v->reported_ok, ==, 0);
  g_assert_cmpint (v->reported_failed, ==, 1);
  g_assert_cmpint (v->hub_edge_devices, ==, 20);
  g_assert_cmpfloat_with_epsilon (v->target_share, 0.05, 1e-9);
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_CANARY);
  g_assert_cmpint (v->phase_basis, ==, ATTEST_ROLLOUT_BASIS_TARGETED_SHARE);
  g_assert_false (v->rollback);
  g_assert_cmpuint (v->models->len, ==, 1);
  m = g_ptr_array_index (v->models, 0);
  g_assert_cmpstr (m->module_id, ==, "det");
  g_assert_cmpstr (m->image, ==, "acr.io/vision/det:3.9.2");
  g_assert_cmpstr (m->model_name, ==, "det");
  g_assert_cmpstr (m->model_version, ==, "3.9.2");

  v = find (t, "det-3-9-2-fleet", "MQ==");
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_FLEET);
  g_assert_cmpfloat_with_epsilon (v->target_share, 0.9, 1e-9);

  /* 2 of 20 is exactly the threshold: not below it, so fleet. */
  v = find (t, "det-3-10-0-canary", "MQ==");
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_FLEET);
  g_assert_cmpint (v->phase_basis, ==, ATTEST_ROLLOUT_BASIS_TARGETED_SHARE);

  /* Two versions of one configuration: changed time and priority. */
  v = find (t, "det-3-10-0-fleet", "MQ==");
  g_assert_cmpint (v->priority, ==, 20);
  g_assert_cmpint (v->targeted, ==, 19);
  g_assert_cmpint (v->at, ==, ticks ("2026-02-10T10:00:00Z"));
  v = find (t, "det-3-10-0-fleet", "Mg==");
  g_assert_cmpint (v->priority, ==, 25);
  g_assert_cmpint (v->targeted, ==, 20);
  g_assert_cmpint (v->created_at, ==, ticks ("2026-02-10T10:00:00Z"));
  g_assert_cmpint (v->updated_at, ==, ticks ("2026-02-12T08:00:00Z"));
  g_assert_cmpint (v->at, ==, ticks ("2026-02-12T08:00:00Z"));

  /* No counts: the target condition or the labels decide, and say so. */
  v = find (t, "det-3-9-2-back", "MQ==");
  g_assert_cmpint (v->targeted, ==, -1);
  g_assert_cmpfloat (v->target_share, <, 0);
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_FLEET);
  g_assert_cmpint (v->phase_basis, ==, ATTEST_ROLLOUT_BASIS_TARGET_CONDITION);
  g_assert_true (v->rollback);
  v = find (t, "ocr-11-ring", "MQ==");
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_CANARY);
  g_assert_cmpint (v->phase_basis, ==, ATTEST_ROLLOUT_BASIS_TARGET_CONDITION);
  v = find (t, "ocr-12-pilot", "MQ==");
  g_assert_cmpint (v->phase, ==, ATTEST_ROLLOUT_CANARY);
  g_assert_cmpint (v->phase_basis, ==, ATTEST_ROLLOUT_BASIS_LABELS);
  g_assert_false (v->rollback);

  /* Upgrades are not rollbacks, 3.10.0 after 3.9.2 included. */
  g_assert_false (find (t, "det-3-10-0-canary", "MQ==")->rollback);
  g_assert_false (find (t, "ocr-10-fleet", "MQ==")->rollback);
  g_assert_true (find (t, "ocr-9-fleet", "MQ==")->rollback);
}

static void
test_rollbacks (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestDeploymentTimeline) t = attest_deployment_timeline (f->store, NULL, &error);
  AttestRollback *r;

  g_assert_no_error (error);
  /* Every hub: hub-b's det:3.9.2 comes after hub-a's 3.10.0 but is no rollback. */
  g_assert_cmpuint (t->versions->len, ==, 11);
  g_assert_false (find (t, "det-3-9-2-fleet-b", "MQ==")->rollback);
  g_assert_cmpint (find (t, "det-3-9-2-fleet-b", "MQ==")->hub_edge_devices, ==, 5);
  g_assert_cmpuint (t->rollbacks->len, ==, 2);

  r = g_ptr_array_index (t->rollbacks, 0);
  g_assert_cmpstr (r->hub, ==, "hub-a");
  g_assert_cmpstr (r->model_name, ==, "ocr");
  g_assert_cmpstr (r->from_version, ==, "10");
  g_assert_cmpstr (r->to_version, ==, "9");
  g_assert_cmpint (r->at, ==, ticks ("2026-01-20T10:00:00Z"));
  g_assert_cmpstr (r->config_id, ==, "ocr-9-fleet");
  g_assert_cmpint (r->version_id, ==, find (t, "ocr-9-fleet", "MQ==")->version_id);
  g_assert_cmpstr (r->previous_config_id, ==, "ocr-10-fleet");
  g_assert_cmpint (r->previous_version_id, ==, find (t, "ocr-10-fleet", "MQ==")->version_id);

  r = g_ptr_array_index (t->rollbacks, 1);
  g_assert_cmpstr (r->model_name, ==, "det");
  g_assert_cmpstr (r->from_version, ==, "3.10.0");
  g_assert_cmpstr (r->to_version, ==, "3.9.2");
  g_assert_cmpint (r->at, ==, ticks ("2026-03-01T10:00:00Z"));
  g_assert_cmpstr (r->config_id, ==, "det-3-9-2-back");
  g_assert_cmpstr (r->previous_config_id, ==, "det-3-10-0-fleet");
  /* The previous configuration as it stood then: its second version. */
  g_assert_cmpint (r->previous_version_id, ==, find (t, "det-3-10-0-fleet", "Mg==")->version_id);
}

static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AttestDeploymentQuery q = { NULL, 0, 0, 0.5 };
  g_autoptr(AttestDeploymentTimeline) t = NULL;

  q.since = ticks ("2026-02-01T00:00:00Z");
  q.until = ticks ("2026-02-28T23:59:59Z");
  t = attest_deployment_timeline (f->store, &q, &error);
  g_assert_no_error (error);
  /* det-3-10-0-canary, det-3-10-0-fleet twice, det-3-9-2-fleet-b. */
  g_assert_cmpuint (t->versions->len, ==, 4);
  g_assert_cmpstr (((AttestDeploymentVersion *) g_ptr_array_index (t->versions, 3))->config_id, ==,
                   "det-3-9-2-fleet-b");
  g_assert_cmpuint (t->rollbacks->len, ==, 0);
  /* The threshold is a parameter: at 0.5, 19 of 20 is still fleet and 2 of 20 a canary. */
  g_assert_cmpint (find (t, "det-3-10-0-canary", "MQ==")->phase, ==, ATTEST_ROLLOUT_CANARY);
  g_assert_cmpint (find (t, "det-3-10-0-fleet", "MQ==")->phase, ==, ATTEST_ROLLOUT_FLEET);
  g_clear_pointer (&t, attest_deployment_timeline_free);

  q.since = ticks ("2026-03-01T10:00:00Z");
  q.until = ATTEST_TIME_NONE;
  t = attest_deployment_timeline (f->store, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->versions->len, ==, 3);
  /* The rollback is found against history before the window. */
  g_assert_cmpuint (t->rollbacks->len, ==, 1);
  g_assert_cmpstr (((AttestRollback *) g_ptr_array_index (t->rollbacks, 0))->config_id, ==, "det-3-9-2-back");
  g_clear_pointer (&t, attest_deployment_timeline_free);

  q.since = ticks ("2026-03-02T00:00:00Z");
  q.until = ticks ("2026-03-01T00:00:00Z");
  t = attest_deployment_timeline (f->store, &q, &error);
  g_assert_null (t);
  g_assert_error (error, ATTEST_DEPLOYMENTS_ERROR, ATTEST_DEPLOYMENTS_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/deployments/version-compare", test_version_compare);
  g_test_add ("/deployments/timeline", Fixture, NULL, fixture_setup, test_timeline, fixture_teardown);
  g_test_add ("/deployments/rollbacks", Fixture, NULL, fixture_setup, test_rollbacks, fixture_teardown);
  g_test_add ("/deployments/window", Fixture, NULL, fixture_setup, test_window, fixture_teardown);
  return g_test_run ();
}
