/* test-drift.c: desired vs reported, key by key, with "drifting since"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hub-h, answers known by construction (az module-twin show shape):
 *
 *   dev-1/vision      v10 2026-01-01  in sync (threshold 0.5 vs 0.50)
 *                     v11 2026-02-01  desired model 2.0, reported 1.0
 *                     v12 2026-03-01  still 1.0; desired mode "fast" not reported
 *                     v13 2026-04-01  in sync again
 *   dev-1/$edgeAgent  v5  2026-02-01  image m:2.0 desired, m:1.0 running; lastDesiredStatus 500
 *                     v6  2026-03-01  same, and runtimeStatus backoff
 *   dev-1/$edgeHub    v2  2026-01-01  routes never reported: in sync
 *   dev-1 (device)    v3  2026-01-01  no desired properties: in sync
 *   dev-2/vision      v4  2026-01-15  no reported section: not judged
 *   dev-2/$edgeAgent  v2  2026-01-15  never reported: everything "not reported"
 */
#include "config.h"

#include <string.h>

#include "attest-drift.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

static void
append_twin (GString    *out,
             const char *device,
             const char *module,
             int         version,
             const char *date,
             const char *desired,
             const char *reported)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  g_string_append_printf (out,
    "{\"deviceId\":\"%s\",%s%s%s\"etag\":\"AAAAAAAAAA%d=\",\"version\":%d,\"status\":\"enabled\","
    "\"connectionState\":\"Connected\",\"lastActivityTime\":\"%s\",\"authenticationType\":\"sas\","
    "\"properties\":{\"desired\":{%s%s\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}",
    device, module ? "\"moduleId\":\"" : "", module ? module : "", module ? "\"," : "",
    version, version, date, desired, desired[0] ? "," : "", date, version);
  if (reported)
    g_string_append_printf (out, ",\"reported\":{%s%s\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}",
                            reported, reported[0] ? "," : "", date, version);
  g_string_append (out, "}}");
}

#define AGENT_DESIRED \
  "\"modules\":{\"vision\":{\"settings\":{\"image\":\"acr.io/m:2.0\",\"createOptions\":\"{}\"}," \
  "\"type\":\"docker\",\"status\":\"running\",\"restartPolicy\":\"always\"}}," \
  "\"runtime\":{\"type\":\"docker\"},\"schemaVersion\":\"1.1\""

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GString) twins = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 n = 0;

  append_twin (twins, "dev-1", "vision", 10, "2026-01-01T00:00:00Z",
               "\"model\":{\"name\":\"m\",\"version\":\"1.0\"},\"threshold\":0.5",
               "\"model\":{\"name\":\"m\",\"version\":\"1.0\"},\"threshold\":0.50,\"metrics\":{\"accuracy\":0.9}");
  append_twin (twins, "dev-1", "vision", 11, "2026-02-01T00:00:00Z",
               "\"model\":{\"name\":\"m\",\"version\":\"2.0\"},\"threshold\":0.5",
               "\"model\":{\"name\":\"m\",\"version\":\"1.0\"},\"threshold\":0.5");
  append_twin (twins, "dev-1", "vision", 12, "2026-03-01T00:00:00Z",
               "\"model\":{\"name\":\"m\",\"version\":\"2.0\"},\"threshold\":0.5,\"mode\":\"fast\"",
               "\"model\":{\"name\":\"m\",\"version\":\"1.0\"},\"threshold\":0.5");
  append_twin (twins, "dev-1", "vision", 13, "2026-04-01T00:00:00Z",
               "\"model\":{\"name\":\"m\",\"version\":\"2.0\"},\"threshold\":0.5,\"mode\":\"fast\"",
               "\"model\":{\"name\":\"m\",\"version\":\"2.0\"},\"threshold\":0.5,\"mode\":\"fast\"");
  append_twin (twins, "dev-1", "$edgeAgent", 5, "2026-02-01T00:00:00Z", AGENT_DESIRED,
               "\"modules\":{\"vision\":{\"settings\":{\"image\":\"acr.io/m:1.0\"},\"runtimeStatus\":\"running\"}},"
               "\"lastDesiredVersion\":5,\"lastDesiredStatus\":{\"code\":500,\"description\":\"pull failed\"}");
  append_twin (twins, "dev-1", "$edgeAgent", 6, "2026-03-01T00:00:00Z", AGENT_DESIRED,
               "\"modules\":{\"vision\":{\"settings\":{\"image\":\"acr.io/m:1.0\"},\"runtimeStatus\":\"backoff\"}},"
               "\"lastDesiredVersion\":6,\"lastDesiredStatus\":{\"code\":500,\"description\":\"pull failed\"}");
  append_twin (twins, "dev-1", "$edgeHub", 2, "2026-01-01T00:00:00Z",
               "\"routes\":{\"up\":\"FROM /messages/* INTO $upstream\"},\"schemaVersion\":\"1.1\"",
               "\"schemaVersion\":\"1.2\",\"lastDesiredVersion\":2,\"lastDesiredStatus\":{\"code\":200}");
  append_twin (twins, "dev-1", NULL, 3, "2026-01-01T00:00:00Z", "", "");
  append_twin (twins, "dev-2", "vision", 4, "2026-01-15T00:00:00Z",
               "\"model\":{\"name\":\"m\",\"version\":\"2.0\"}", NULL);
  append_twin (twins, "dev-2", "$edgeAgent", 2, "2026-01-15T00:00:00Z", AGENT_DESIRED, "");
  g_string_append (twins, "]");

  attest_test_workspace_open (f);
  path = attest_test_write_file (f->dir, "twins.json", twins->str, twins->len);
  g_assert_true (attest_test_workspace_import (f, path, "hub-h", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 10);
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

static void
assert_item (AttestTwinDrift *d,
             guint            i,
             const char      *key,
             AttestDriftKind  kind,
             const char      *desired,
             const char      *reported,
             const char      *since,
             guint            n_snapshots)
{
  AttestDriftItem *it;

  g_assert_cmpuint (i, <, d->items->len);
  it = g_ptr_array_index (d->items, i);
  g_assert_cmpstr (it->key, ==, key);
  g_assert_cmpint (it->kind, ==, kind);
  g_assert_cmpstr (it->desired, ==, desired);
  g_assert_cmpstr (it->reported, ==, reported);
  g_assert_cmpint (it->since, ==, ticks (since));
  g_assert_cmpuint (it->n_snapshots, ==, n_snapshots);
}

static gint64
snapshot_id (Fixture    *f,
             const char *device,
             const char *module,
             int         version)
{
  sqlite3 *db = attest_store_get_db (f->store);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM twin_snapshots WHERE device_id = ?1 AND module_id = ?2 "
                                       "AND twin_version = ?3", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, module, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, version);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_fleet_now (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = attest_drift_query (f->store, NULL, &error);
  AttestTwinDrift *d;
  AttestDriftItem *it;

  g_assert_no_error (error);
  /* dev-1/vision drifted and came back; $edgeHub routes and the device
   * twin are in sync; dev-2/vision has no reported section. */
  g_assert_cmpuint (r->len, ==, 2);

  d = g_ptr_array_index (r, 0);
  g_assert_cmpstr (d->hub, ==, "hub-h");
  g_assert_cmpstr (d->device_id, ==, "dev-1");
  g_assert_cmpstr (d->module_id, ==, "$edgeAgent");
  g_assert_cmpint (d->snapshot_id, ==, snapshot_id (f, "dev-1", "$edgeAgent", 6));
  g_assert_cmpint (d->twin_version, ==, 6);
  g_assert_cmpint (d->changed_at, ==, ticks ("2026-03-01T00:00:00Z"));
  g_assert_true (d->has_reported);
  g_assert_cmpuint (d->items->len, ==, 3);
  assert_item (d, 0, "modules.vision.settings.image", ATTEST_DRIFT_DIFFERENT, "acr.io/m:2.0", "acr.io/m:1.0",
               "2026-02-01T00:00:00Z", 2);
  it = g_ptr_array_index (d->items, 0);
  g_assert_cmpint (it->since_snapshot_id, ==, snapshot_id (f, "dev-1", "$edgeAgent", 5));
  g_assert_cmpint (it->since_twin_version, ==, 5);
  assert_item (d, 1, "modules.vision.status", ATTEST_DRIFT_DIFFERENT, "running", "backoff",
               "2026-03-01T00:00:00Z", 1);
  assert_item (d, 2, "lastDesiredStatus.code", ATTEST_DRIFT_DIFFERENT, "200", "500",
               "2026-02-01T00:00:00Z", 2);
  g_assert_cmpstr (((AttestDriftItem *) g_ptr_array_index (d->items, 2))->detail, ==, "pull failed");
  g_assert_cmpint (d->drifting_since, ==, ticks ("2026-02-01T00:00:00Z"));

  d = g_ptr_array_index (r, 1);
  g_assert_cmpstr (d->device_id, ==, "dev-2");
  g_assert_cmpstr (d->module_id, ==, "$edgeAgent");
  g_assert_cmpuint (d->items->len, ==, 3);
  assert_item (d, 0, "modules.vision.settings.image", ATTEST_DRIFT_NOT_REPORTED, "acr.io/m:2.0", NULL,
               "2026-01-15T00:00:00Z", 1);
  assert_item (d, 1, "modules.vision.status", ATTEST_DRIFT_NOT_REPORTED, "running", NULL,
               "2026-01-15T00:00:00Z", 1);
  assert_item (d, 2, "$version", ATTEST_DRIFT_NOT_REPORTED, "2", NULL, "2026-01-15T00:00:00Z", 1);
}

static void
test_appears_persists_clears (Fixture       *f,
                              gconstpointer  data)
{
  AttestDriftQuery q = { NULL, "dev-1", "vision", ATTEST_TIME_NONE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = NULL;
  AttestTwinDrift *d;

  /* Before it appears. */
  q.at = ticks ("2026-01-20T00:00:00Z");
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 1);
  d = g_ptr_array_index (r, 0);
  g_assert_cmpint (d->twin_version, ==, 10);
  g_assert_cmpuint (d->items->len, ==, 0);
  g_assert_cmpint (d->drifting_since, ==, ATTEST_TIME_NONE);
  g_clear_pointer (&r, g_ptr_array_unref);

  /* It appears. */
  q.at = ticks ("2026-02-15T00:00:00Z");
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  d = g_ptr_array_index (r, 0);
  g_assert_cmpint (d->twin_version, ==, 11);
  g_assert_cmpuint (d->items->len, ==, 1);
  assert_item (d, 0, "model.version", ATTEST_DRIFT_DIFFERENT, "2.0", "1.0", "2026-02-01T00:00:00Z", 1);
  g_clear_pointer (&r, g_ptr_array_unref);

  /* It persists (since stays at its first snapshot); a new key is not reported. */
  q.at = ticks ("2026-03-15T00:00:00Z");
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  d = g_ptr_array_index (r, 0);
  g_assert_cmpint (d->twin_version, ==, 12);
  g_assert_cmpuint (d->items->len, ==, 2);
  assert_item (d, 0, "model.version", ATTEST_DRIFT_DIFFERENT, "2.0", "1.0", "2026-02-01T00:00:00Z", 2);
  g_assert_cmpint (((AttestDriftItem *) g_ptr_array_index (d->items, 0))->since_snapshot_id, ==,
                   snapshot_id (f, "dev-1", "vision", 11));
  assert_item (d, 1, "mode", ATTEST_DRIFT_NOT_REPORTED, "fast", NULL, "2026-03-01T00:00:00Z", 1);
  g_assert_cmpint (d->drifting_since, ==, ticks ("2026-02-01T00:00:00Z"));
  g_clear_pointer (&r, g_ptr_array_unref);

  /* It clears. */
  q.at = ATTEST_TIME_NONE;
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  d = g_ptr_array_index (r, 0);
  g_assert_cmpint (d->twin_version, ==, 13);
  g_assert_cmpuint (d->items->len, ==, 0);
  g_clear_pointer (&r, g_ptr_array_unref);

  /* In the fleet view at 2026-03-15, dev-1/vision and both agents drift. */
  q.device_id = NULL;
  q.module_id = NULL;
  q.at = ticks ("2026-03-15T00:00:00Z");
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 3);
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 0))->module_id, ==, "$edgeAgent");
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 1))->module_id, ==, "vision");
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 2))->device_id, ==, "dev-2");
}

static void
test_device (Fixture       *f,
             gconstpointer  data)
{
  AttestDriftQuery q = { "hub-h", "dev-1", NULL, ATTEST_TIME_NONE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = attest_drift_query (f->store, &q, &error);
  AttestTwinDrift *d;

  g_assert_no_error (error);
  /* Every twin of the device, in sync or not. */
  g_assert_cmpuint (r->len, ==, 4);
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 0))->module_id, ==, "");
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 1))->module_id, ==, "$edgeAgent");
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 2))->module_id, ==, "$edgeHub");
  g_assert_cmpstr (((AttestTwinDrift *) g_ptr_array_index (r, 3))->module_id, ==, "vision");
  g_assert_cmpuint (((AttestTwinDrift *) g_ptr_array_index (r, 0))->items->len, ==, 0);
  g_assert_cmpuint (((AttestTwinDrift *) g_ptr_array_index (r, 2))->items->len, ==, 0);
  g_clear_pointer (&r, g_ptr_array_unref);

  q.device_id = "dev-2";
  q.module_id = "vision";
  r = attest_drift_query (f->store, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 1);
  d = g_ptr_array_index (r, 0);
  g_assert_false (d->has_reported);
  g_assert_cmpuint (d->items->len, ==, 0);
  g_clear_pointer (&r, g_ptr_array_unref);

  q.device_id = "dev-9";
  q.module_id = NULL;
  r = attest_drift_query (f->store, &q, &error);
  g_assert_null (r);
  g_assert_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  q.device_id = "dev-1";
  q.at = ticks ("2025-12-01T00:00:00Z");
  r = attest_drift_query (f->store, &q, &error);
  g_assert_null (r);
  g_assert_error (error, ATTEST_DRIFT_ERROR, ATTEST_DRIFT_ERROR_NOT_FOUND);
}

static void
test_diff_twin (void)
{
  const char *twin =
    "{\"deviceId\":\"d\",\"moduleId\":\"m\",\"properties\":{"
    "\"desired\":{\"a\":1,\"b\":{\"c\":[1,2],\"d\":true},\"e\":null,\"$version\":4,"
    "\"$metadata\":{\"$lastUpdated\":\"2026-01-01T00:00:00Z\"}},"
    "\"reported\":{\"a\":1.0,\"b\":{\"c\":[1,3]},\"x\":5,\"$version\":9}}}";
  g_autoptr(GError) error = NULL;
  gboolean has_reported = FALSE;
  g_autoptr(GPtrArray) items = attest_drift_diff_twin ("m", twin, strlen (twin), &has_reported, &error);
  AttestDriftItem *it;

  g_assert_no_error (error);
  g_assert_true (has_reported);
  /* a equal as numbers; e null (a deletion) skipped; x only reported. */
  g_assert_cmpuint (items->len, ==, 2);
  it = g_ptr_array_index (items, 0);
  g_assert_cmpstr (it->key, ==, "b.c");
  g_assert_cmpstr (it->desired, ==, "[1,2]");
  g_assert_cmpstr (it->reported, ==, "[1,3]");
  g_assert_cmpint (it->kind, ==, ATTEST_DRIFT_DIFFERENT);
  it = g_ptr_array_index (items, 1);
  g_assert_cmpstr (it->key, ==, "b.d");
  g_assert_cmpstr (it->desired, ==, "true");
  g_assert_null (it->reported);
  g_assert_cmpint (it->kind, ==, ATTEST_DRIFT_NOT_REPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/drift/diff-twin", test_diff_twin);
  g_test_add ("/drift/fleet-now", Fixture, NULL, fixture_setup, test_fleet_now, fixture_teardown);
  g_test_add ("/drift/appears-persists-clears", Fixture, NULL, fixture_setup, test_appears_persists_clears,
              fixture_teardown);
  g_test_add ("/drift/device", Fixture, NULL, fixture_setup, test_device, fixture_teardown);
  return g_test_run ();
}
