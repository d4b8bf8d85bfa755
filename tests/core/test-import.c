/* test-import.c: every fixture imports with the expected counts; bad input
 * is rejected whole, naming file, line and field, and changes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <stdio.h>
#include <sys/resource.h>

#include "attest-importer.h"
#include "attest-test-util.h"

static const char *kind_keys[ATTEST_N_KINDS] = {
  NULL, "audit_events", "twin_snapshots", "identities", "deployment_versions",
  "model_containers", "model_versions", "jobs", "data_versions", "waivers",
};

typedef AttestTestWorkspace Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  attest_test_workspace_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static gboolean
import_path (Fixture            *f,
             const char         *path,
             const char         *hub,
             AttestImportResult *result,
             GError            **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AttestImportOptions options = { 0 };

  options.hub = hub;
  return attest_import_file (f->store, file, &options, NULL, NULL, NULL, result, error);
}

static gint64
stat_value (const AttestStoreStats *s,
            const char             *key)
{
  if (g_str_equal (key, "hubs")) return s->hubs;
  if (g_str_equal (key, "devices")) return s->devices;
  if (g_str_equal (key, "modules")) return s->modules;
  if (g_str_equal (key, "twin_snapshots")) return s->twin_snapshots;
  if (g_str_equal (key, "identities")) return s->identities;
  if (g_str_equal (key, "deployments")) return s->deployments;
  if (g_str_equal (key, "deployment_versions")) return s->deployment_versions;
  if (g_str_equal (key, "model_containers")) return s->model_containers;
  if (g_str_equal (key, "model_versions")) return s->model_versions;
  if (g_str_equal (key, "jobs")) return s->jobs;
  if (g_str_equal (key, "data_versions")) return s->data_versions;
  if (g_str_equal (key, "lineage_edges")) return s->lineage_edges;
  if (g_str_equal (key, "audit_events")) return s->audit_events;
  g_error ("unknown stats key %s", key);
  return -1;
}

static void
check_chain (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AttestChainReport report;

  g_assert_true (attest_store_verify_chain (f->store, &report, NULL, &error));
  g_assert_no_error (error);
  if (!report.ok)
    g_error ("chain broken: %s", report.problem);
  attest_chain_report_clear (&report);
}

/* tests/data/expected.ini: each file in order, its new/duplicate counts per
 * kind, or the error it must produce; then the workspace totals. */
static void
test_fixtures (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ini = attest_test_data_path ("expected.ini");
  g_auto(GStrv) groups = NULL;
  AttestStoreStats stats;
  guint i, k;

  g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (kf, NULL);
  g_assert_cmpuint (g_strv_length (groups), >, 10);

  for (i = 0; groups[i]; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *hub = NULL;
      g_autofree char *expect_error = NULL;
      g_autoptr(GError) ierror = NULL;
      AttestImportResult result;
      gboolean ok;

      if (g_str_equal (groups[i], "totals"))
        continue;
      path = attest_test_data_path (groups[i]);
      hub = g_key_file_get_string (kf, groups[i], "hub", NULL);
      expect_error = g_key_file_get_string (kf, groups[i], "error", NULL);
      g_test_message ("importing %s", groups[i]);

      if (expect_error)
        {
          g_autofree char *before = attest_test_store_digest (f->store);
          g_autofree char *after = NULL;

          ok = import_path (f, path, hub && *hub ? hub : NULL, &result, &ierror);
          g_assert_false (ok);
          g_assert_nonnull (ierror);
          g_test_message ("  rejected: %s", ierror->message);
          g_assert_nonnull (strstr (ierror->message, groups[i]));  /* names the file */
          g_assert_nonnull (strstr (ierror->message, expect_error));
          after = attest_test_store_digest (f->store);
          g_assert_cmpstr (before, ==, after);
          continue;
        }

      ok = import_path (f, path, hub && *hub ? hub : NULL, &result, &ierror);
      g_assert_no_error (ierror);
      g_assert_true (ok);
      g_assert_cmpint (result.counts.new_records, ==, g_key_file_get_int64 (kf, groups[i], "new", NULL));
      g_assert_cmpint (result.counts.duplicates, ==, g_key_file_get_int64 (kf, groups[i], "duplicates", NULL));
      for (k = 1; k < ATTEST_N_KINDS; k++)
        if (g_key_file_has_key (kf, groups[i], kind_keys[k], NULL))
          {
            gint64 want = g_key_file_get_int64 (kf, groups[i], kind_keys[k], NULL);
            if (result.counts.by_kind[k] != want)
              g_error ("%s: %s = %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                       groups[i], kind_keys[k], result.counts.by_kind[k], want);
          }
      attest_import_result_clear (&result);
    }

  g_assert_true (attest_store_get_stats (f->store, &stats, &error));
  g_assert_no_error (error);
  {
    g_auto(GStrv) keys = g_key_file_get_keys (kf, "totals", NULL, &error);
    g_assert_no_error (error);
    for (k = 0; keys[k]; k++)
      {
        gint64 want = g_key_file_get_int64 (kf, "totals", keys[k], NULL);
        gint64 got = stat_value (&stats, keys[k]);
        if (got != want)
          g_error ("totals: %s = %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, keys[k], got, want);
      }
  }
  g_assert_cmpint (stats.fts_pending, ==, 0);
  check_chain (f);

  /* Secrets never reach the workspace: the fixtures' fake keys, registry
   * password and connection string all start with "RkFLRS1" ("FAKE-"). */
  {
    const char *tables[] = { "identities", "twin_snapshots", "deployment_versions", "audit_events", "ml_assets" };
    guint t;

    for (t = 0; t < G_N_ELEMENTS (tables); t++)
      {
        g_autoptr(sqlite3_stmt) stmt = NULL;
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE instr (raw, 'RkFLRS1') > 0 "
                                                "OR instr (raw, 'PRIMARYKEY') > 0", tables[t]);
        sqlite3_prepare_v2 (attest_store_get_db (f->store), sql, -1, &stmt, NULL);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        if (sqlite3_column_int (stmt, 0) != 0)
          g_error ("%s holds a secret from the fixtures", tables[t]);
      }
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      sqlite3_prepare_v2 (attest_store_get_db (f->store),
                          "SELECT count(*) FROM deployment_versions WHERE instr (content, 'RkFLRS1') > 0", -1, &stmt, NULL);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    }
  }

  /* Importing everything again adds nothing. */
  {
    g_autofree char *before = attest_test_store_digest (f->store);
    g_autofree char *after = NULL;

    for (i = 0; groups[i]; i++)
      {
        g_autofree char *path = NULL;
        g_autofree char *hub = NULL;
        AttestImportResult result;

        if (g_str_equal (groups[i], "totals") || g_key_file_has_key (kf, groups[i], "error", NULL))
          continue;
        path = attest_test_data_path (groups[i]);
        hub = g_key_file_get_string (kf, groups[i], "hub", NULL);
        g_assert_true (import_path (f, path, hub && *hub ? hub : NULL, &result, &error));
        g_assert_no_error (error);
        g_assert_cmpint (result.counts.new_records, ==, 0);
        attest_import_result_clear (&result);
      }
    after = attest_test_store_digest (f->store);
    g_assert_cmpstr (before, ==, after);
  }
  check_chain (f);
}

/* The real payloads in ../shared/fixtures/azure, when present. */
static void
test_shared_fixtures (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *file;
    gint64 new_records;        /* -1: rejected */
    const char *error;
  } expect[] = {
    { "activitylog-event-administrative.json", 1, NULL },
    { "activitylog-list.json", 1, NULL },
    /* the $select page shows the same event as the full list: its id names it */
    { "activitylog-list-select.json", 0, NULL },
    { "activitylog-storage-export-records.json", 1, NULL },
    { "az-iot-hub-device-twin-show.json", 1, NULL },
    { "az-iot-hub-state-export.json", 22, NULL },
    { "azureml-data-version.json", 1, NULL },
    { "azureml-job-get.json", 1, NULL },
    { "azureml-model-containers-list.json", 2, NULL },
    { "azureml-model-versions-list.json", 1, NULL },
    { "iothub-configuration-edge-deployment-get.json", 1, NULL },
    { "iothub-query-devices-response.json", 2, NULL },
    { "aad-client-credentials-token-response.json", -1, "token response" },
    { "azureml-model-versions-list.spec-example.json", -1, "not a record" },
    { "edgeagent-twin-configurations-section.json", -1, "configurations" },
    { "edgeagent-twin-desired.json", -1, "properties" },
    { "edgeagent-twin-reported.json", -1, "properties" },
    { "iothub-edge-deployment-layered-content.json", -1, "without an “id”" },
  };
  const char *dir = g_getenv ("ATTEST_SHARED_FIXTURES");
  AttestStoreStats stats;
  g_autoptr(GError) error = NULL;
  guint i;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("../shared/fixtures/azure is not present");
      return;
    }

  for (i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autofree char *path = g_build_filename (dir, expect[i].file, NULL);
      g_autoptr(GError) ierror = NULL;
      AttestImportResult result;
      gboolean ok;

      ok = import_path (f, path, "fixture-hub", &result, &ierror);
      if (expect[i].new_records < 0)
        {
          g_assert_false (ok);
          g_test_message ("%s: %s", expect[i].file, ierror->message);
          g_assert_nonnull (strstr (ierror->message, expect[i].error));
          continue;
        }
      g_assert_no_error (ierror);
      g_assert_cmpint (result.counts.new_records, ==, expect[i].new_records);
      attest_import_result_clear (&result);
    }

  /* Every file in the folder is covered by the table above. */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        gboolean known = !g_str_has_suffix (name, ".json");
        for (i = 0; i < G_N_ELEMENTS (expect) && !known; i++)
          known = g_str_equal (name, expect[i].file);
        if (!known)
          g_error ("shared fixture %s has no expectation in test-import.c", name);
      }
  }

  g_assert_true (attest_store_get_stats (f->store, &stats, &error));
  g_assert_cmpint (stats.audit_events, ==, 3);
  g_assert_cmpint (stats.identities, ==, 10);
  g_assert_cmpint (stats.twin_snapshots, ==, 13);
  g_assert_cmpint (stats.deployment_versions, ==, 3);
  g_assert_cmpint (stats.model_containers, ==, 2);
  g_assert_cmpint (stats.lineage_edges, ==, 2);
  /* the state export's hub comes from its ARM template */
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    sqlite3_prepare_v2 (attest_store_get_db (f->store),
                        "SELECT location FROM hubs WHERE name = 'test-hub'", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "eastus");
  }
  check_chain (f);
}

/* ---------------------------------------------------------------------- */
/* bad input */

typedef struct
{
  const char *name;
  const char *file;
  const char *data;          /* NULL: built by the test */
  const char *must_contain[3];
} BadCase;

static char *
build_bad (const char *name,
           gsize      *len)
{
  if (g_str_equal (name, "10mb-string"))
    {
      gsize n = 10 * 1024 * 1024;
      GString *s = g_string_new ("[{\"eventDataId\":\"a\",\"eventTimestamp\":\"2024-01-01T00:00:00Z\",\"operationName\":\"x\",\"caller\":\"");
      gsize i;
      for (i = 0; i < n; i++)
        g_string_append_c (s, 'a');
      g_string_append (s, "\"}]");
      *len = s->len;
      return g_string_free (s, FALSE);
    }
  if (g_str_equal (name, "deep-nesting"))
    {
      GString *s = g_string_new ("[{\"eventDataId\":\"a\",\"eventTimestamp\":\"2024-01-01T00:00:00Z\",\"operationName\":\"x\",\"properties\":");
      guint i;
      for (i = 0; i < 10000; i++)
        g_string_append (s, "{\"a\":");
      g_string_append (s, "1");
      for (i = 0; i < 10000; i++)
        g_string_append_c (s, '}');
      g_string_append (s, "}]");
      *len = s->len;
      return g_string_free (s, FALSE);
    }
  g_assert_not_reached ();
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *good1 = attest_test_activity_event ("11111111-0000-0000-0000-000000000001", "2024-05-01T10:00:00.1234567Z",
                                                       "alice@contoso.com", "Microsoft.Devices/IotHubs/write", "first");
  g_autofree char *good2 = attest_test_activity_event ("11111111-0000-0000-0000-000000000002", "2024-05-01T10:00:01Z",
                                                       "bob@contoso.com", "Microsoft.Devices/IotHubs/write", "second");
  g_autofree char *wrong_type = g_strdup_printf ("[%s,\n%s,\n{\"eventDataId\":\"x\",\"eventTimestamp\":12345,\"operationName\":\"op\"}]",
                                                 good1, good2);
  g_autofree char *truncated = g_strdup_printf ("[%s,\n%s,\n{\"eventDataId\":\"x\",\"eventTim", good1, good2);
  g_autofree char *wrong_props = g_strdup_printf ("%s\n%s\n{\"eventDataId\":\"y\",\"eventTimestamp\":\"2024-01-01T00:00:00Z\",\"operationName\":\"op\",\"properties\":[1]}\n",
                                                  good1, good2);
  g_autofree char *bad_time = g_strdup_printf ("{\"value\":[%s,\n{\"eventDataId\":\"z\",\n\"eventTimestamp\":\"2024-13-45T99:00:00Z\",\"operationName\":\"op\"}]}",
                                               good1);
  g_autofree char *garbage_line = g_strdup_printf ("%s\n%s\nthis is not json\n", good1, good2);
  const BadCase cases[] = {
    { "empty", "empty.json", "", { "empty.json", "empty" } },
    { "whitespace", "blank.json", "  \n\n \t", { "blank.json", "empty" } },
    { "truncated", "truncated.json", truncated, { "truncated.json", "line 3", "ends inside" } },
    { "wrong-type", "wrongtype.json", wrong_type, { "wrongtype.json", "line 3", "eventTimestamp" } },
    { "wrong-props", "wrongprops.jsonl", wrong_props, { "wrongprops.jsonl", "line 3", "properties" } },
    { "bad-time", "badtime.json", bad_time, { "badtime.json", "line 2", "not a timestamp" } },
    { "garbage-line", "garbage.jsonl", garbage_line, { "garbage.jsonl", "line 3" } },
    { "invalid-utf8", "utf8.json", "[{\"eventDataId\":\"a\",\"eventTimestamp\":\"2024-01-01T00:00:00Z\",\n\"operationName\":\"x\",\"caller\":\"\xc3\x28\"}]",
      { "utf8.json", "line 2", "UTF-8" } },
    { "not-json", "notes.txt", "Dear regulator,\nplease find attached\n", { "notes.txt", "not JSON" } },
    { "csv-missing-column", "activity.csv", "\"Caller\",\"OperationNameValue\"\nalice@contoso.com,Microsoft.Devices/IotHubs/write\n",
      { "activity.csv", "line 1", "TimeGenerated" } },
    { "csv-short-row", "short.csv", "\"TimeGenerated [UTC]\",OperationNameValue,Caller\n\"6/13/2024, 12:03:55.120 AM\",op,alice\n\"6/13/2024, 12:04:55.120 AM\",op\n",
      { "short.csv", "line 3", "2 fields" } },
    { "csv-bad-time", "time.csv", "\"TimeGenerated [UTC]\",OperationNameValue\nnever,op\n",
      { "time.csv", "line 2", "TimeGenerated" } },
    { "twin-without-hub", "twins.json", "[{\"deviceId\":\"d1\",\"version\":3,\"properties\":{\"desired\":{},\"reported\":{}}}]",
      { "twins.json", "--hub" } },
    { "array-of-numbers", "numbers.json", "[1, 2, 3]", { "numbers.json", "record 1", "object" } },
    { "10mb-string", "big.json", NULL, { "big.json", "MiB" } },
    { "deep-nesting", "deep.json", NULL, { "deep.json", "nesting" } },
  };
  g_autofree char *seed = g_strdup_printf ("%s\n", good1);
  g_autofree char *seed_path = attest_test_write_file (f->dir, "seed.jsonl", seed, -1);
  AttestImportResult result;
  g_autoptr(GError) error = NULL;
  guint i, j;

  /* Something already stored, which must survive every rejected file. */
  g_assert_true (import_path (f, seed_path, NULL, &result, &error));
  g_assert_no_error (error);
  attest_import_result_clear (&result);

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *built = NULL;
      g_autofree char *path = NULL;
      g_autofree char *before = attest_test_store_digest (f->store);
      g_autofree char *after = NULL;
      g_autoptr(GError) ierror = NULL;
      gsize len = 0;

      g_test_message ("bad input: %s", cases[i].name);
      if (cases[i].data == NULL)
        {
          built = build_bad (cases[i].name, &len);
          path = attest_test_write_file (f->dir, cases[i].file, built, len);
        }
      else
        path = attest_test_write_file (f->dir, cases[i].file, cases[i].data, -1);

      g_assert_false (import_path (f, path, NULL, &result, &ierror));
      g_assert_nonnull (ierror);
      g_test_message ("  -> %s", ierror->message);
      for (j = 0; j < G_N_ELEMENTS (cases[i].must_contain) && cases[i].must_contain[j]; j++)
        if (strstr (ierror->message, cases[i].must_contain[j]) == NULL)
          g_error ("%s: “%s” does not contain “%s”", cases[i].name, ierror->message, cases[i].must_contain[j]);
      after = attest_test_store_digest (f->store);
      g_assert_cmpstr (before, ==, after);
    }
  check_chain (f);
}

/* A file that mixes good and bad records lands whole or not at all. */
static void
test_all_or_nothing (Fixture       *f,
                     gconstpointer  data)
{
  GString *s = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  AttestImportResult result;
  AttestStoreStats stats;
  guint i;

  for (i = 0; i < 5000; i++)
    {
      g_autofree char *id = g_strdup_printf ("22222222-0000-0000-0000-%012u", i);
      g_autofree char *ts = g_strdup_printf ("2024-06-01T%02u:%02u:%02u.5Z", i / 3600 % 24, i / 60 % 60, i % 60);
      g_autofree char *ev = attest_test_activity_event (id, ts, "carol@contoso.com", "Microsoft.Devices/IotHubs/write", "bulk");
      g_string_append_printf (s, "%s\n", ev);
    }
  g_string_append (s, "{\"eventDataId\":\"last\",\"eventTimestamp\":\"soon\",\"operationName\":\"op\"}\n");
  path = attest_test_write_file (f->dir, "mixed.jsonl", s->str, s->len);
  g_string_free (s, TRUE);

  g_assert_false (import_path (f, path, NULL, &result, &error));
  g_assert_nonnull (strstr (error->message, "line 5001"));
  g_assert_true (attest_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.audit_events, ==, 0);
  g_assert_cmpint (stats.sources, ==, 0);
}

/* Same events in the same millisecond keep distinct, time-ordered ids, and
 * the same record from two files (REST page and JSON Lines) is one event. */
static void
test_dedupe_and_time_keys (Fixture       *f,
                           gconstpointer  data)
{
  GString *page = g_string_new ("{\"value\": [");
  GString *lines = g_string_new (NULL);
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autoptr(GError) error = NULL;
  AttestImportResult result;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 prev = G_MAXINT64;
  guint i, n = 0;

  for (i = 0; i < 100; i++)
    {
      g_autofree char *id = g_strdup_printf ("33333333-0000-0000-0000-%012u", i);
      /* all in one millisecond, sub-ms digits vary */
      g_autofree char *ts = g_strdup_printf ("2024-07-01T08:00:00.123%04uZ", i);
      g_autofree char *ev = attest_test_activity_event (id, ts, "dave@contoso.com", "Microsoft.Devices/IotHubs/write", "same ms");
      g_string_append_printf (page, "%s%s", i ? "," : "", ev);
      if (i % 2 == 0)
        g_string_append_printf (lines, "%s\n", ev);
    }
  g_string_append (page, "], \"nextLink\": \"https://management.azure.com/next?$skiptoken=x\"}");
  p1 = attest_test_write_file (f->dir, "page.json", page->str, page->len);
  p2 = attest_test_write_file (f->dir, "half.jsonl", lines->str, lines->len);
  g_string_free (page, TRUE);
  g_string_free (lines, TRUE);

  g_assert_true (import_path (f, p1, NULL, &result, &error));
  g_assert_cmpint (result.counts.new_records, ==, 100);
  g_assert_cmpstr (result.format, ==, "json-envelope");
  attest_import_result_clear (&result);
  g_assert_true (import_path (f, p2, NULL, &result, &error));
  g_assert_cmpint (result.counts.new_records, ==, 0);
  g_assert_cmpint (result.counts.duplicates, ==, 50);
  attest_import_result_clear (&result);

  sqlite3_prepare_v2 (attest_store_get_db (f->store), "SELECT id FROM audit_events ORDER BY id DESC", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_assert_cmpint (id, <, prev);
      prev = id;
      n++;
    }
  g_assert_cmpuint (n, ==, 100);

  /* A burst with one timestamp (second-precision exports do this): every
   * event gets its own slot, in arrival order, without a walk per event. */
  {
    GString *burst = g_string_new (NULL);
    g_autofree char *p3 = NULL;
    g_autoptr(sqlite3_stmt) q = NULL;

    for (i = 0; i < 20000; i++)
      {
        g_autofree char *id = g_strdup_printf ("34343434-0000-0000-0000-%012u", i);
        g_autofree char *ev = attest_test_activity_event (id, "2024-07-02T00:00:00Z", "ivan@contoso.com",
                                                          "Microsoft.Devices/IotHubs/write", "burst");
        g_string_append_printf (burst, "%s\n", ev);
      }
    p3 = attest_test_write_file (f->dir, "burst.jsonl", burst->str, burst->len);
    g_string_free (burst, TRUE);
    g_assert_true (import_path (f, p3, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpint (result.counts.new_records, ==, 20000);
    attest_import_result_clear (&result);
    sqlite3_prepare_v2 (attest_store_get_db (f->store),
                        "SELECT count(DISTINCT id), max(id) - min(id) FROM audit_events WHERE caller = 'ivan@contoso.com'",
                        -1, &q, NULL);
    g_assert_cmpint (sqlite3_step (q), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (q, 0), ==, 20000);
    g_assert_cmpint (sqlite3_column_int (q, 1), ==, 19999);
  }
  check_chain (f);
}

/* A large array streams: memory does not grow with the file. */
static void
test_bounded_memory (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "large.json", NULL);
  g_autoptr(GError) error = NULL;
  FILE *out = fopen (path, "w");
  struct rusage before, after;
  AttestImportResult result;
  guint i;
  const guint n = 60000;

  g_assert_nonnull (out);
  fputc ('[', out);
  for (i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("44444444-0000-0000-0000-%012u", i);
      g_autofree char *ts = g_strdup_printf ("2024-08-%02uT%02u:%02u:%02u.%07uZ", 1 + i / 86400 % 28, i / 3600 % 24, i / 60 % 60, i % 60, i);
      /* padding so the file is ~100 MB and on one line */
      g_autofree char *pad = g_strnfill (1200, 'p');
      g_autofree char *ev = attest_test_activity_event (id, ts, "erin@contoso.com", "Microsoft.Devices/IotHubs/write", pad);
      fprintf (out, "%s%s", i ? "," : "", ev);
    }
  fputc (']', out);
  fclose (out);

  getrusage (RUSAGE_SELF, &before);
  g_assert_true (import_path (f, path, NULL, &result, &error));
  g_assert_no_error (error);
  getrusage (RUSAGE_SELF, &after);
  g_assert_cmpint (result.counts.new_records, ==, n);
  g_test_message ("file %" G_GUINT64_FORMAT " bytes, max RSS %ld -> %ld KiB", result.bytes, before.ru_maxrss, after.ru_maxrss);
  /* The file is ~100 MB; the importer's own growth stays far below it
   * (SQLite's page cache is 64 MiB during an import). */
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 96 * 1024);
  attest_import_result_clear (&result);
}

/* Envelopes larger than what is read whole (8 MiB) are walked member by
 * member: a REST page, a records[] export and a state export. */
static void
test_large_envelopes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const guint n = 12000;
  GString *page = g_string_new ("{\"nextLink\": null, \"value\": [\n");
  GString *records = g_string_new ("{\"records\": [\n");
  GString *state = g_string_new ("{\"arm\": {\"resources\": [{\"type\": \"Microsoft.Devices/IotHubs\", "
                                 "\"name\": \"big-hub\", \"location\": \"westeurope\"}]},\n"
                                 "\"configurations\": {\"admConfigurations\": {}, \"edgeDeployments\": {}},\n"
                                 "\"devices\": {\n");
  g_autofree char *pad = g_strnfill (600, 'x');
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;
  AttestImportResult result;
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("88888888-0000-0000-0000-%012u", i);
      g_autofree char *ts = g_strdup_printf ("2024-10-01T%02u:%02u:%02u.%03uZ", i / 3600 % 24, i / 60 % 60, i % 60, i % 1000);
      g_autofree char *ev = attest_test_activity_event (id, ts, "gina@contoso.com", "Microsoft.Devices/IotHubs/write", pad);

      g_string_append_printf (page, "%s%s\n", i ? "," : "", ev);
      g_string_append_printf (records, "%s{\"time\": \"%s\", \"resourceId\": \"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DEVICES/IOTHUBS/BIG-HUB\", "
                              "\"operationName\": \"get\", \"category\": \"DeviceIdentityOperations\", \"level\": \"Information\", "
                              "\"durationMs\": \"1\", \"properties\": \"{\\\"deviceId\\\":\\\"dev-%u\\\",\\\"pad\\\":\\\"%s\\\"}\"}\n",
                              i ? "," : "", ts, i, pad);
      g_string_append_printf (state, "%s\"dev-%u\": {\"identity\": {\"authentication\": {\"type\": \"sas\", "
                              "\"symmetricKey\": {\"primaryKey\": \"RkFLRS1LRVk=\", \"secondaryKey\": \"RkFLRS1LRVk=\"}}, "
                              "\"status\": \"enabled\"}, \"twin\": {\"properties\": {\"desired\": {\"note\": \"%s\"}}}}\n",
                              i ? "," : "", i, pad);
    }
  g_string_append (page, "]}\n");
  g_string_append (records, "]}\n");
  g_string_append (state, "}}\n");
  g_assert_cmpuint (page->len, >, 8 * 1024 * 1024);
  g_assert_cmpuint (state->len, >, 8 * 1024 * 1024);
  p1 = attest_test_write_file (f->dir, "page.json", page->str, page->len);
  p2 = attest_test_write_file (f->dir, "records.json", records->str, records->len);
  p3 = attest_test_write_file (f->dir, "state.json", state->str, state->len);
  g_string_free (page, TRUE);
  g_string_free (records, TRUE);
  g_string_free (state, TRUE);

  g_assert_true (import_path (f, p1, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.counts.new_records, ==, n);
  g_assert_cmpstr (result.format, ==, "json-envelope");
  attest_import_result_clear (&result);

  g_assert_true (import_path (f, p2, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.counts.by_kind[ATTEST_KIND_EVENT], ==, n);
  attest_import_result_clear (&result);

  g_assert_true (import_path (f, p3, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.counts.by_kind[ATTEST_KIND_IDENTITY], ==, n);
  g_assert_cmpint (result.counts.by_kind[ATTEST_KIND_TWIN], ==, n);
  attest_import_result_clear (&result);
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    sqlite3_prepare_v2 (attest_store_get_db (f->store),
                        "SELECT count(*) FROM identities i JOIN hubs h ON h.id = i.hub_id "
                        "WHERE h.name = 'big-hub' AND instr (i.raw, 'RkFLRS1') = 0", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, n);
  }

  /* A broken element deep inside a large envelope is still named. */
  {
    g_autofree char *bad = NULL;
    g_autoptr(GError) berr = NULL;
    GString *b = g_string_new ("{\"value\": [\n");
    for (i = 0; i < n; i++)
      {
        g_autofree char *id = g_strdup_printf ("99999999-0000-0000-0000-%012u", i);
        g_autofree char *ev = attest_test_activity_event (id, i == n - 1 ? "not a time" : "2024-11-01T00:00:00Z",
                                                          "hal@contoso.com", "Microsoft.Devices/IotHubs/write", pad);
        g_string_append_printf (b, "%s%s\n", i ? "," : "", ev);
      }
    g_string_append (b, "]}\n");
    bad = attest_test_write_file (f->dir, "bad-page.json", b->str, b->len);
    g_string_free (b, TRUE);
    g_assert_false (import_path (f, bad, NULL, &result, &berr));
    g_test_message ("%s", berr->message);
    g_assert_nonnull (strstr (berr->message, "line 12001"));
    g_assert_nonnull (strstr (berr->message, "eventTimestamp"));
  }
  check_chain (f);
}

/* The devices table follows device twins by (change time, twin version):
 * a tag edit keeps the twin's $metadata times, and a module twin changing
 * later must not make the newer device twin look old. */
static void
test_device_state (Fixture       *f,
                   gconstpointer  data)
{
#define TWIN \
    "{\"deviceId\":\"cam-1\",\"version\":%d,\"authenticationType\":\"sas\",\"tags\":{\"region\":\"%s\"}," \
    "\"properties\":{\"desired\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-01-01T00:00:00Z\"}}," \
    "\"reported\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-01-01T00:00:00Z\"}}}}"
  g_autofree char *v2 = g_strdup_printf (TWIN, 2, "westeurope");
  g_autofree char *v3 = g_strdup_printf (TWIN, 3, "uksouth");
#undef TWIN
  g_autofree char *agent = g_strdup (
    "{\"deviceId\":\"cam-1\",\"moduleId\":\"$edgeAgent\",\"version\":7,"
    "\"properties\":{\"desired\":{\"$version\":3,\"$metadata\":{\"$lastUpdated\":\"2026-03-01T00:00:00Z\"}},"
    "\"reported\":{\"version\":{\"version\":\"1.4.27\"},\"$version\":9,\"$metadata\":{\"$lastUpdated\":\"2026-03-01T00:00:00Z\"}}}}");
  g_autofree char *p1 = attest_test_write_file (f->dir, "a.jsonl", agent, -1);
  g_autofree char *p2 = attest_test_write_file (f->dir, "v3.json", v3, -1);
  g_autofree char *p3 = attest_test_write_file (f->dir, "v2.json", v2, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) q = NULL;

  /* agent first, then the newer device twin, then the older one */
  g_assert_true (attest_test_workspace_import (f, p1, "hub-a", NULL, &error));
  g_assert_true (attest_test_workspace_import (f, p2, "hub-a", NULL, &error));
  g_assert_true (attest_test_workspace_import (f, p3, "hub-a", NULL, &error));
  g_assert_no_error (error);
  sqlite3_prepare_v2 (attest_store_get_db (f->store),
                      "SELECT region, edge_runtime FROM devices WHERE device_id = 'cam-1'", -1, &q, NULL);
  g_assert_cmpint (sqlite3_step (q), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (q, 0), ==, "uksouth");
  g_assert_cmpstr ((const char *) sqlite3_column_text (q, 1), ==, "1.4.27");
}

/* A state export names its hub in its ARM template; --hub does not move it. */
static void
test_state_export_hub (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = attest_test_data_path ("az-iot-hub-state-export.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  AttestImportResult result;

  g_assert_true (import_path (f, path, "some-other-hub", &result, &error));
  g_assert_no_error (error);
  attest_import_result_clear (&result);
  sqlite3_prepare_v2 (attest_store_get_db (f->store),
                      "SELECT count(*) FROM twin_snapshots t JOIN hubs h ON h.id = t.hub_id "
                      "WHERE h.name = 'some-other-hub'", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/import/fixtures", Fixture, NULL, fixture_setup, test_fixtures, fixture_teardown);
  g_test_add ("/import/shared-fixtures", Fixture, NULL, fixture_setup, test_shared_fixtures, fixture_teardown);
  g_test_add ("/import/bad-input", Fixture, NULL, fixture_setup, test_bad_input, fixture_teardown);
  g_test_add ("/import/all-or-nothing", Fixture, NULL, fixture_setup, test_all_or_nothing, fixture_teardown);
  g_test_add ("/import/dedupe-and-time-keys", Fixture, NULL, fixture_setup, test_dedupe_and_time_keys, fixture_teardown);
  g_test_add ("/import/large-envelopes", Fixture, NULL, fixture_setup, test_large_envelopes, fixture_teardown);
  g_test_add ("/import/device-state", Fixture, NULL, fixture_setup, test_device_state, fixture_teardown);
  g_test_add ("/import/state-export-hub", Fixture, NULL, fixture_setup, test_state_export_hub, fixture_teardown);
  g_test_add ("/import/bounded-memory", Fixture, NULL, fixture_setup, test_bounded_memory, fixture_teardown);
  return g_test_run ();
}
