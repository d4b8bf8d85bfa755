/* test-fleet.c: the fleet at an instant and the model history of a device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hand-built hub "hub-test" whose answers are known by construction:
 *
 *   dev-a  device twin v2 (changed 2024-01-01, sas, Connected)
 *          detector twin v10 2024-02-01 det 1.0, v11 2024-03-01 det 1.0,
 *                        v12 2024-04-01 det 2.0 (model reported 2024-03-20T10:00)
 *          $edgeAgent v3 2024-01-15: desired det:1.0 by det-1-0-fleet (Applied)
 *          $edgeAgent v4 2024-03-15: desired det:2.0 by det-2-0-canary (Applied),
 *                        det-1-0-fleet Targeted; still running det:1.0
 *   dev-b  detector twin v5 2024-02-15 det 1.0
 *          $edgeAgent v2 2024-02-10: detector det:1.0, ocr ocr:0.9 (no module twin)
 *   dev-c  only an undated twin (state export shape: no $metadata)
 *
 *   det-2-0-canary: Configurations record 2024-03-15T08:00, listkeys by
 *   ana@example.com at 07:50 (hub-access), an unrelated listkeys two hours
 *   before by bob@example.com.
 */
#include "config.h"

#include <string.h>

#include "attest-device-history.h"
#include "attest-fleet.h"
#include "attest-records.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

static char *
module_twin (const char *device,
             const char *module,
             int         version,
             const char *changed,
             const char *model_changed,
             const char *model_version)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"%s\",\"etag\":\"AAAAAAAAAA%d=\",\"version\":%d,"
    "\"status\":\"enabled\",\"connectionState\":\"Connected\",\"authenticationType\":\"sas\","
    "\"lastActivityTime\":\"%s\","
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2024-01-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"model\":{\"name\":\"det\",\"version\":\"%s\"},\"metrics\":{\"accuracy\":0.9%d},"
    "\"$metadata\":{\"$lastUpdated\":\"%s\",\"model\":{\"$lastUpdated\":\"%s\"}},\"$version\":%d}}}",
    device, module, version, version, changed, model_version, version, changed, model_changed, version);
}

static char *
agent_twin (const char *device,
            int         version,
            const char *changed,
            const char *desired_modules,
            const char *desired_meta,
            const char *reported_modules,
            const char *configurations)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"moduleId\":\"$edgeAgent\",\"etag\":\"AAAAAAAAAB%d=\",\"version\":%d,"
    "\"status\":\"enabled\",\"connectionState\":\"Disconnected\",\"authenticationType\":\"sas\","
    "\"properties\":{\"desired\":{\"modules\":{%s},\"$metadata\":{\"$lastUpdated\":\"%s\","
    "\"modules\":{\"$lastUpdated\":\"%s\",%s}},\"$version\":%d},"
    "\"reported\":{\"version\":{\"version\":\"1.4.2\"},\"modules\":{%s},"
    "\"$metadata\":{\"$lastUpdated\":\"%s\"},\"$version\":%d}},"
    "\"configurations\":{%s}}",
    device, version, version, desired_modules, changed, changed, desired_meta, version,
    reported_modules, changed, version, configurations);
}

#define DET(tag) "\"detector\":{\"type\":\"docker\",\"settings\":{\"image\":\"reg.azurecr.io/det:" tag "\"}}"
#define DET_RUN(tag) "\"detector\":{\"runtimeStatus\":\"running\",\"settings\":{\"image\":\"reg.azurecr.io/det:" tag "\"}}"
#define BY(m, d) "\"" m "\":{\"$lastUpdated\":\"2024-01-01T00:00:00Z\",\"$lastUpdatedBy\":\"" d "\"}"

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
  g_autoptr(GPtrArray) twins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) array = g_string_new ("[");
  g_autofree char *events = NULL;
  g_autofree char *e1 = NULL;
  g_autofree char *e2 = NULL;
  guint i;

  attest_test_workspace_open (f);

  g_ptr_array_add (twins, g_strdup (
    "{\"deviceId\":\"dev-a\",\"etag\":\"AAAAAAAAAAI=\",\"version\":2,\"status\":\"enabled\","
    "\"connectionState\":\"Connected\",\"lastActivityTime\":\"2024-01-01T12:00:00Z\","
    "\"authenticationType\":\"sas\",\"capabilities\":{\"iotEdge\":true},"
    "\"tags\":{\"region\":\"westeurope\"},"
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2024-01-01T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"$metadata\":{\"$lastUpdated\":\"2024-01-01T00:00:00Z\"},\"$version\":1}}}"));
  g_ptr_array_add (twins, module_twin ("dev-a", "detector", 10, "2024-02-01T00:00:00Z", "2024-02-01T00:00:00Z", "1.0"));
  g_ptr_array_add (twins, module_twin ("dev-a", "detector", 11, "2024-03-01T00:00:00Z", "2024-02-01T00:00:00Z", "1.0"));
  g_ptr_array_add (twins, module_twin ("dev-a", "detector", 12, "2024-04-01T00:00:00Z", "2024-03-20T10:00:00Z", "2.0"));
  g_ptr_array_add (twins, module_twin ("dev-b", "detector", 5, "2024-02-15T00:00:00Z", "2024-02-15T00:00:00Z", "1.0"));
  g_ptr_array_add (twins, agent_twin ("dev-a", 3, "2024-01-15T00:00:00Z", DET ("1.0"), BY ("detector", "det-1-0-fleet"),
                                      DET_RUN ("1.0"), "\"det-1-0-fleet\":{\"status\":\"Applied\"}"));
  g_ptr_array_add (twins, agent_twin ("dev-a", 4, "2024-03-15T00:00:00Z", DET ("2.0"), BY ("detector", "det-2-0-canary"),
                                      DET_RUN ("1.0"),
                                      "\"det-1-0-fleet\":{\"status\":\"Targeted\"},"
                                      "\"det-2-0-canary\":{\"status\":\"Applied\"}"));
  g_ptr_array_add (twins, agent_twin ("dev-b", 2, "2024-02-10T00:00:00Z",
                                      DET ("1.0") ",\"ocr\":{\"settings\":{\"image\":\"reg.azurecr.io/ocr:0.9\"}}",
                                      BY ("detector", "det-1-0-fleet") "," BY ("ocr", "ocr-fleet"),
                                      DET_RUN ("1.0") ",\"ocr\":{\"runtimeStatus\":\"running\",\"settings\":{\"image\":\"reg.azurecr.io/ocr:0.9\"}}",
                                      "\"det-1-0-fleet\":{\"status\":\"Applied\"},\"ocr-fleet\":{\"status\":\"Applied\"}"));
  /* Undated: the reduced twin of a state export has no $metadata. */
  g_ptr_array_add (twins, g_strdup (
    "{\"deviceId\":\"dev-c\",\"moduleId\":\"detector\","
    "\"properties\":{\"reported\":{\"model\":{\"name\":\"det\",\"version\":\"0.5\"}}}}"));
  for (i = 0; i < twins->len; i++)
    g_string_append_printf (array, "%s%s\n", i ? "," : "", (char *) g_ptr_array_index (twins, i));
  g_string_append (array, "]");
  import_text (f, "twins.json", array->str, "hub-test");

  import_text (f, "resourcelogs.jsonl",
               "{\"time\":\"2024-03-15T08:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG-EDGE/"
               "PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/HUB-TEST\",\"operationName\":\"CreateOrUpdateConfiguration\","
               "\"category\":\"Configurations\",\"resultType\":\"\",\"resultDescription\":\"\",\"level\":\"Information\","
               "\"durationMs\":\"38\",\"properties\":\"{\\\"configurationId\\\":\\\"det-2-0-canary\\\","
               "\\\"sdkVersion\\\":\\\"2021-04-12\\\"}\",\"location\":\"westeurope\"}\n", NULL);

  e1 = attest_test_activity_event ("11111111-0000-0000-0000-000000000001", "2024-03-15T07:50:00.000Z",
                                   "ana@example.com", "Microsoft.Devices/IotHubs/listkeys/action", "keys");
  e2 = attest_test_activity_event ("11111111-0000-0000-0000-000000000002", "2024-03-15T05:50:00.000Z",
                                   "bob@example.com", "Microsoft.Devices/IotHubs/listkeys/action", "keys");
  events = g_strdup_printf ("%s\n%s\n", e1, e2);
  import_text (f, "events.jsonl", events, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static gint64
at (const char *text)
{
  gint64 t;

  g_assert_cmpint (attest_time_parse (text, &t), ==, ATTEST_TIME_OK);
  return t;
}

static gint64
snapshot_id (Fixture    *f,
             const char *device,
             const char *module,
             gint64      version)
{
  sqlite3 *db = attest_store_get_db (f->store);
  g_autoptr(sqlite3_stmt) st = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT id FROM twin_snapshots WHERE device_id = ?1 AND module_id = ?2"
                                       " AND coalesce (twin_version, -1) = ?3", -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, module, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, version);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  return sqlite3_column_int64 (st, 0);
}

static AttestFleetDevice *
device_of (GPtrArray  *devices,
           const char *id)
{
  guint i;

  for (i = 0; i < devices->len; i++)
    {
      AttestFleetDevice *d = g_ptr_array_index (devices, i);
      if (g_str_equal (d->device_id, id))
        return d;
    }
  return NULL;
}

static AttestFleetModule *
module_of (AttestFleetDevice *d,
           const char        *id)
{
  guint i;

  for (i = 0; d && i < d->modules->len; i++)
    {
      AttestFleetModule *m = g_ptr_array_index (d->modules, i);
      if (g_str_equal (m->module_id, id))
        return m;
    }
  return NULL;
}

static GPtrArray *
fleet (Fixture    *f,
       const char *when)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *devices = attest_fleet_at (f->store, when ? at (when) : ATTEST_TIME_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (devices);
  return devices;
}

static void
test_fleet_before_any (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) devices = fleet (f, "2023-12-01T00:00:00Z");
  AttestFleetDevice *c;
  AttestFleetModule *m;

  /* Only the undated twin, which counts because dev-c has nothing dated. */
  g_assert_cmpuint (devices->len, ==, 1);
  c = device_of (devices, "dev-c");
  g_assert_nonnull (c);
  g_assert_cmpstr (c->hub, ==, "hub-test");
  m = module_of (c, "detector");
  g_assert_nonnull (m);
  g_assert_cmpstr (m->model_version, ==, "0.5");
  g_assert_true (m->undated);
  g_assert_cmpint (m->since, ==, ATTEST_TIME_NONE);
  g_assert_cmpint (m->sync, ==, ATTEST_FLEET_SYNC_UNKNOWN);
}

static void
test_fleet_between (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) devices = fleet (f, "2024-02-20T00:00:00Z");
  AttestFleetDevice *a, *b;
  AttestFleetModule *m;

  g_assert_cmpuint (devices->len, ==, 3);
  /* Sorted by hub and device. */
  g_assert_cmpstr (((AttestFleetDevice *) g_ptr_array_index (devices, 0))->device_id, ==, "dev-a");
  g_assert_cmpstr (((AttestFleetDevice *) g_ptr_array_index (devices, 2))->device_id, ==, "dev-c");

  a = device_of (devices, "dev-a");
  g_assert_cmpint (a->device_snapshot_id, ==, snapshot_id (f, "dev-a", "", 2));
  g_assert_cmpstr (a->auth_type, ==, "sas");
  g_assert_cmpstr (a->connection_state, ==, "Connected");
  g_assert_cmpint (a->last_activity, ==, at ("2024-01-01T12:00:00Z"));
  g_assert_cmpstr (a->region, ==, "westeurope");
  g_assert_cmpint (a->agent_snapshot_id, ==, snapshot_id (f, "dev-a", "$edgeAgent", 3));
  g_assert_cmpstr (a->edge_runtime, ==, "1.4.2");
  g_assert_cmpuint (g_strv_length (a->applied), ==, 1);
  g_assert_cmpstr (a->applied[0], ==, "det-1-0-fleet");
  g_assert_cmpuint (g_strv_length (a->targeted), ==, 0);
  g_assert_cmpuint (a->modules->len, ==, 1);
  m = module_of (a, "detector");
  g_assert_cmpstr (m->model_name, ==, "det");
  g_assert_cmpstr (m->model_version, ==, "1.0");
  g_assert_cmpstr (m->via, ==, "reported");
  g_assert_cmpint (m->snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 10));
  g_assert_cmpint (m->since, ==, at ("2024-02-01T00:00:00Z"));
  g_assert_cmpint (m->since_snapshot_id, ==, m->snapshot_id);
  g_assert_cmpstr (m->desired_version, ==, "1.0");
  g_assert_cmpstr (m->running_image, ==, "reg.azurecr.io/det:1.0");
  g_assert_cmpstr (m->runtime_status, ==, "running");
  g_assert_cmpint (m->sync, ==, ATTEST_FLEET_SYNC_MATCH);
  g_assert_true (m->agent_lists);
  g_assert_cmpstr (m->deployment, ==, "det-1-0-fleet");
  g_assert_cmpstr (m->deployment_status, ==, "Applied");
  g_assert_cmpint (m->deployment_version_id, ==, 0);   /* no deployment imported */
  g_assert_false (m->undated);

  b = device_of (devices, "dev-b");
  g_assert_cmpint (b->device_snapshot_id, ==, 0);       /* no device twin */
  g_assert_null (b->connection_state);
  g_assert_cmpuint (b->modules->len, ==, 2);
  m = module_of (b, "detector");
  g_assert_cmpstr (m->model_version, ==, "1.0");
  g_assert_cmpint (m->since, ==, at ("2024-02-15T00:00:00Z"));
  /* ocr has no module twin: the running image tag from $edgeAgent. */
  m = module_of (b, "ocr");
  g_assert_nonnull (m);
  g_assert_cmpstr (m->via, ==, "image");
  g_assert_cmpstr (m->model_name, ==, "ocr");
  g_assert_cmpstr (m->model_version, ==, "0.9");
  g_assert_cmpint (m->snapshot_id, ==, snapshot_id (f, "dev-b", "$edgeAgent", 2));
  g_assert_cmpint (m->since, ==, at ("2024-02-10T00:00:00Z"));
  g_assert_cmpstr (m->deployment, ==, "ocr-fleet");
  g_assert_cmpint (m->sync, ==, ATTEST_FLEET_SYNC_MATCH);

  /* dev-c has no dated twin: its undated one still counts. */
  g_assert_true (module_of (device_of (devices, "dev-c"), "detector")->undated);
}

static void
test_fleet_since_and_drift (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) mar10 = fleet (f, "2024-03-10T00:00:00Z");
  g_autoptr(GPtrArray) mar16 = fleet (f, "2024-03-16T00:00:00Z");
  g_autoptr(GPtrArray) may = fleet (f, "2024-05-01T00:00:00Z");
  g_autoptr(GPtrArray) now = fleet (f, NULL);
  g_autoptr(GPtrArray) one_hub = NULL;
  g_autoptr(GError) error = NULL;
  AttestFleetDevice *a;
  AttestFleetModule *m;

  /* v11 still shows 1.0: the run started with v10. */
  m = module_of (device_of (mar10, "dev-a"), "detector");
  g_assert_cmpint (m->snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 11));
  g_assert_cmpint (m->since, ==, at ("2024-02-01T00:00:00Z"));
  g_assert_cmpint (m->since_snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 10));

  /* The canary deployment wants 2.0; the module still reports 1.0. */
  a = device_of (mar16, "dev-a");
  g_assert_cmpint (a->agent_snapshot_id, ==, snapshot_id (f, "dev-a", "$edgeAgent", 4));
  g_assert_cmpstr (a->applied[0], ==, "det-2-0-canary");
  g_assert_null (a->applied[1]);
  g_assert_cmpstr (a->targeted[0], ==, "det-1-0-fleet");
  m = module_of (a, "detector");
  g_assert_cmpstr (m->model_version, ==, "1.0");
  g_assert_cmpstr (m->desired_version, ==, "2.0");
  g_assert_cmpstr (m->desired_image, ==, "reg.azurecr.io/det:2.0");
  g_assert_cmpstr (m->running_image, ==, "reg.azurecr.io/det:1.0");
  g_assert_cmpint (m->sync, ==, ATTEST_FLEET_SYNC_DRIFT);
  g_assert_cmpstr (m->deployment, ==, "det-2-0-canary");
  g_assert_cmpstr (m->deployment_status, ==, "Applied");

  /* After the update: a new run since v12. */
  m = module_of (device_of (may, "dev-a"), "detector");
  g_assert_cmpstr (m->model_version, ==, "2.0");
  g_assert_cmpint (m->since, ==, at ("2024-04-01T00:00:00Z"));
  g_assert_cmpint (m->since_snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 12));
  g_assert_cmpint (m->sync, ==, ATTEST_FLEET_SYNC_MATCH);

  g_assert_cmpuint (now->len, ==, 3);
  g_assert_cmpstr (module_of (device_of (now, "dev-a"), "detector")->model_version, ==, "2.0");

  one_hub = attest_fleet_at (f->store, ATTEST_TIME_NONE, "no-such-hub", &error);
  g_assert_error (error, ATTEST_FLEET_ERROR, ATTEST_FLEET_ERROR_NOT_FOUND);
  g_assert_null (one_hub);
}

static void
test_device_history (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = attest_device_history (f->store, "dev-a", NULL, &error);
  g_autoptr(GPtrArray) none = NULL;
  AttestModelChange *c;
  AttestHistoryEvent *e;

  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);

  c = g_ptr_array_index (changes, 0);
  g_assert_cmpstr (c->hub, ==, "hub-test");
  g_assert_cmpstr (c->module_id, ==, "detector");
  g_assert_null (c->from_version);
  g_assert_cmpstr (c->to_version, ==, "1.0");
  g_assert_cmpint (c->at, ==, at ("2024-02-01T00:00:00Z"));
  g_assert_cmpint (c->snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 10));
  g_assert_cmpint (c->agent_snapshot_id, ==, snapshot_id (f, "dev-a", "$edgeAgent", 3));
  g_assert_cmpstr (c->deployment, ==, "det-1-0-fleet");
  g_assert_cmpstr (c->deployment_source, ==, "edgeAgent");
  g_assert_cmpstr (c->deployment_status, ==, "Applied");
  g_assert_cmpuint (c->events->len, ==, 0);
  g_assert_null (c->actors[0]);

  c = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (c->from_name, ==, "det");
  g_assert_cmpstr (c->from_version, ==, "1.0");
  g_assert_cmpstr (c->to_version, ==, "2.0");
  g_assert_cmpstr (c->via, ==, "reported");
  /* Reported at 2024-03-20T10:00, first seen in v12 of 2024-04-01; the
   * last 1.0 sighting was v11. */
  g_assert_cmpint (c->at, ==, at ("2024-03-20T10:00:00Z"));
  g_assert_cmpint (c->observed_at, ==, at ("2024-04-01T00:00:00Z"));
  g_assert_cmpint (c->snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 12));
  g_assert_cmpint (c->prev_snapshot_id, ==, snapshot_id (f, "dev-a", "detector", 11));
  g_assert_cmpint (c->prev_at, ==, at ("2024-03-01T00:00:00Z"));
  g_assert_cmpint (c->agent_snapshot_id, ==, snapshot_id (f, "dev-a", "$edgeAgent", 4));
  g_assert_cmpstr (c->deployment, ==, "det-2-0-canary");
  g_assert_cmpstr (c->deployment_status, ==, "Applied");
  /* The listkeys by ana (10 minutes before the record) and the record;
   * bob's listkeys two hours earlier is outside the window. */
  g_assert_cmpuint (c->events->len, ==, 2);
  e = g_ptr_array_index (c->events, 0);
  g_assert_cmpstr (e->role, ==, "hub-access");
  g_assert_cmpstr (e->event_id, ==, "11111111-0000-0000-0000-000000000001");
  g_assert_cmpstr (e->caller, ==, "ana@example.com");
  g_assert_cmpint (e->at, ==, at ("2024-03-15T07:50:00Z"));
  e = g_ptr_array_index (c->events, 1);
  g_assert_cmpstr (e->role, ==, "configuration");
  g_assert_cmpstr (e->kind, ==, "resource-log");
  g_assert_cmpstr (e->operation, ==, "CreateOrUpdateConfiguration");
  g_assert_true (g_str_has_prefix (e->event_id, "sha256:"));
  g_assert_cmpint (e->at, ==, at ("2024-03-15T08:00:00Z"));
  g_assert_cmpstr (c->actors[0], ==, "ana@example.com");
  g_assert_null (c->actors[1]);

  /* dev-b: ocr is known only from $edgeAgent (via image). */
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = attest_device_history (f->store, "dev-b", "hub-test", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 2);
  c = g_ptr_array_index (changes, 1);
  g_assert_cmpstr (c->module_id, ==, "ocr");
  g_assert_cmpstr (c->via, ==, "image");
  g_assert_cmpstr (c->to_version, ==, "0.9");
  g_assert_cmpstr (c->deployment, ==, "ocr-fleet");

  none = attest_device_history (f->store, "dev-zz", NULL, &error);
  g_assert_error (error, ATTEST_FLEET_ERROR, ATTEST_FLEET_ERROR_NOT_FOUND);
  g_assert_null (none);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/fleet/before-any-snapshot", Fixture, NULL, fixture_setup, test_fleet_before_any, fixture_teardown);
  g_test_add ("/fleet/between-snapshots", Fixture, NULL, fixture_setup, test_fleet_between, fixture_teardown);
  g_test_add ("/fleet/since-and-drift", Fixture, NULL, fixture_setup, test_fleet_since_and_drift, fixture_teardown);
  g_test_add ("/fleet/device-history", Fixture, NULL, fixture_setup, test_device_history, fixture_teardown);
  return g_test_run ();
}
