/* test-cli.c: attest-cli as a user and a script see it: help texts, exit
 * codes, JSON output, errors that name the file and line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-json.h"
#include "attest-test-util.h"

typedef struct
{
  char *dir;
  char *db;
  char *events;
  char *twins;
} Fixture;

static int
run (const char  *const *args,
     char       **out,
     char       **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  guint i;

  g_ptr_array_add (argv, (gpointer) g_getenv ("ATTEST_CLI"));
  for (i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

#define RUN(out, err, ...) run ((const char *const[]) { __VA_ARGS__, NULL }, out, err)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GString *s = g_string_new (NULL);
  guint i;

  f->dir = attest_test_tmpdir_new ();
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  for (i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("77777777-0000-0000-0000-%012u", i);
      g_autofree char *ts = g_strdup_printf ("2025-01-%02uT10:00:00.%03uZ", 1 + i % 28, i);
      const char *caller = i % 3 == 0 ? "auditor.one@contoso.com" : (i == 5 ? "evil\\u001b[31mred\\u202e@x.io" : "ops@contoso.com");
      g_autofree char *ev = attest_test_activity_event (id, ts, caller,
                                                        i % 2 ? "Microsoft.Devices/IotHubs/write" : "Microsoft.Authorization/roleAssignments/write",
                                                        i % 4 == 0 ? "canary rollout" : "fleet rollout");
      g_string_append_printf (s, "%s\n", ev);
    }
  f->events = attest_test_write_file (f->dir, "events.jsonl", s->str, s->len);
  g_string_free (s, TRUE);
  f->twins = attest_test_write_file (f->dir, "modules.json",
    "[{\"deviceId\":\"cam-7\",\"moduleId\":\"$edgeAgent\",\"version\":9,"
    "\"properties\":{\"desired\":{\"modules\":{\"detector\":{\"settings\":{\"image\":\"acr.io/defect-detector:3.2.1\"}}},\"$version\":4},"
    "\"reported\":{\"version\":{\"version\":\"1.4.27\"},\"modules\":{\"detector\":{\"runtimeStatus\":\"running\","
    "\"settings\":{\"image\":\"acr.io/defect-detector:3.2.0\"}}},\"$version\":12}}},"
    " {\"deviceId\":\"cam-7\",\"moduleId\":\"detector\",\"version\":3,"
    "\"properties\":{\"desired\":{\"$version\":1},\"reported\":{\"model\":{\"name\":\"defect-detector\",\"version\":\"3.2.0\"},\"$version\":7}}}]", -1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_tmpdir_free (f->dir);
  g_free (f->db);
  g_free (f->events);
  g_free (f->twins);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char *commands[] = { "import", "stats", "query", "verify-cache", "settings", "metrics", "deployments",
                             "drift", "lineage", "fleet", "access", "costs", "device", "findings", "waive", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint i;

  g_assert_cmpint (RUN (&out, &err, "--help"), ==, 0);
  for (i = 0; commands[i]; i++)
    g_assert_nonnull (strstr (out, commands[i]));
  for (i = 0; commands[i]; i++)
    {
      g_autofree char *o = NULL;
      g_autofree char *e = NULL;
      g_assert_cmpint (RUN (&o, &e, commands[i], "--help"), ==, 0);
      g_assert_nonnull (strstr (o, "Usage"));
      g_assert_nonnull (strstr (o, "--db"));
      g_assert_nonnull (strstr (o, "--json"));
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "frobnicate"), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db), ==, 2);
  g_assert_nonnull (strstr (err, "no files"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "--since", "last tuesday"), ==, 2);
  g_assert_nonnull (strstr (err, "--since"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "stats", "--db", f->db), ==, 2);
  g_assert_nonnull (strstr (err, "No workspace"));
}

static AttestJsonNode *
parse_json (AttestJsonDoc *doc,
            const char    *text)
{
  g_autoptr(GError) error = NULL;
  AttestJsonNode *node = attest_json_doc_parse (doc, text, strlen (text), &error);

  g_assert_no_error (error);
  return node;
}

static void
test_import_stats_query (Fixture       *f,
                         gconstpointer  data)
{
  const char *int_keys[] = { "hubs", "devices", "modules", "twin_snapshots", "deployments",
                             "model_versions", "lineage_edges", "audit_events", NULL };
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  AttestJsonNode *root;
  gint64 v;
  guint i;

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, f->events), ==, 0);
  g_assert_nonnull (strstr (out, "120 new"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, "--hub", "weu-hub", "--json", f->twins), ==, 0);
  root = parse_json (doc, out);
  g_assert_true (attest_json_node_int64 (attest_json_path (root, "files")->first_child ? attest_json_get (attest_json_path (root, "files")->first_child, "twin_snapshots") : NULL, &v));
  g_assert_cmpint (v, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* re-import is a no-op */
  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, f->events), ==, 0);
  g_assert_nonnull (strstr (out, "0 new, 120 already present"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (RUN (&out, &err, "stats", "--db", f->db, "--json"), ==, 0);
  root = parse_json (doc, out);
  for (i = 0; int_keys[i]; i++)
    {
      AttestJsonNode *n = attest_json_get (root, int_keys[i]);
      g_assert_nonnull (n);
      g_assert_cmpint (n->type, ==, ATTEST_JSON_NUMBER);
    }
  g_assert_true (attest_json_node_int64 (attest_json_get (root, "audit_events"), &v));
  g_assert_cmpint (v, ==, 120);
  g_assert_true (attest_json_node_int64 (attest_json_get (root, "hubs"), &v));
  g_assert_cmpint (v, ==, 2); /* weu-hub from --hub, hub-test from the events' resource ids */
  g_assert_true (attest_json_node_int64 (attest_json_get (root, "devices"), &v));
  g_assert_cmpint (v, ==, 1);
  g_assert_true (attest_json_node_int64 (attest_json_get (root, "modules"), &v));
  g_assert_cmpint (v, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* search and filters */
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "canary", "--limit", "1000", "--json"), ==, 0);
  root = parse_json (doc, out);
  g_assert_cmpint (root->n_children, ==, 30);
  g_assert_nonnull (attest_json_get (root->first_child, "raw"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "--caller", "auditor.one@contoso.com",
                        "--operation", "roleAssignments", "--limit", "1000", "--json"), ==, 0);
  root = parse_json (doc, out);
  g_assert_cmpint (root->n_children, ==, 20);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "--since", "2025-01-03", "--until", "2025-01-03",
                        "--limit", "1000"), ==, 0);
  g_assert_cmpint (g_strv_length (g_strsplit (out, "\n", -1)) - 1, ==, 5);  /* days 3 of 120 events over 28 days */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* text from files never reaches the terminal raw */
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "--caller", "evil", "--limit", "5"), ==, 0);
  g_assert_null (strchr (out, '\x1b'));
  g_assert_null (strstr (out, "\xe2\x80\xae"));
  g_assert_nonnull (strstr (out, "\\u001b"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* hostile search text is a search, not an error */
  g_assert_cmpint (RUN (&out, &err, "query", "--db", f->db, "\"; DROP TABLE audit_events; --", "NEAR(", "caller:"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "stats", "--db", f->db, "--json"), ==, 0);
  g_assert_nonnull (strstr (out, "\"audit_events\":120"));
}

static void
test_bad_file (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *bad = attest_test_write_file (f->dir, "broken.json",
                                                 "[{\"eventDataId\":\"a\",\"eventTimestamp\":\"2024-01-01T00:00:00Z\",\"operationName\":\"x\"},\n"
                                                 " {\"eventDataId\":\"b\",\"eventTimestamp\":\"2024-01-01T00:00:0", -1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *stats_before = NULL;

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, f->events), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&stats_before, &err, "stats", "--db", f->db, "--json"), ==, 0);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, bad, f->events), ==, 2);
  g_assert_nonnull (strstr (err, "broken.json"));
  g_assert_nonnull (strstr (err, "line 2"));
  /* the other file still imported (as duplicates) */
  g_assert_nonnull (strstr (out, "already present"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "stats", "--db", f->db, "--json"), ==, 0);
  /* last_import moves; the counts do not */
  g_assert_cmpint (strstr (out, "\"first_event\"") - out, ==, strstr (stats_before, "\"first_event\"") - stats_before);
  g_assert_cmpint (strncmp (out, stats_before, strstr (out, "\"last_import\"") - out), ==, 0);
}

static void
test_verify_cache (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db;

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, f->events), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "verify-cache", "--db", f->db), ==, 0);
  g_assert_nonnull (strstr (out, "OK: 120 records"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* an edit with the sqlite3 shell's tools */
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit_events SET status = 'Failed' "
                                     "WHERE event_id = '77777777-0000-0000-0000-000000000042'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  g_assert_cmpint (RUN (&out, &err, "verify-cache", "--db", f->db), ==, 1);
  g_assert_nonnull (strstr (out, "BROKEN"));
  g_assert_nonnull (strstr (out, "link 43"));
  g_assert_nonnull (strstr (out, "events.jsonl"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "verify-cache", "--db", f->db, "--json"), ==, 1);
  g_assert_nonnull (strstr (out, "\"ok\":false"));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *twin = attest_test_write_file (f->dir, "custom.json",
    "[{\"deviceId\":\"cam-9\",\"moduleId\":\"counter\",\"version\":2,"
    "\"properties\":{\"desired\":{\"$version\":1},\"reported\":{\"ai\":{\"id\":\"person-counter\",\"rev\":\"2.0.0\"},\"$version\":3}}}]", -1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db;

  g_assert_cmpint (RUN (&out, &err, "settings", "--db", f->db, "model-name-paths", "ai.id,model.name"), ==, 0);
  g_assert_cmpint (RUN (&out, &err, "settings", "--db", f->db, "model-version-paths", "ai.rev"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (RUN (&out, &err, "settings", "--db", f->db), ==, 0);
  g_assert_nonnull (strstr (out, "model-name-paths = ai.id,model.name"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "settings", "--db", f->db, "model-name-paths", "a b"), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "settings", "--db", f->db, "colour", "blue"), ==, 2);
  g_assert_nonnull (strstr (err, "unknown setting"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, "--hub", "h1", twin), ==, 0);
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "SELECT model_name, model_version, via FROM module_models", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "person-counter");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "2.0.0");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "reported");
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
}

static void
test_findings_and_waive (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *twin = attest_test_write_file (f->dir, "weak.json",
    "[{\"deviceId\":\"cam-9\",\"version\":2,\"authenticationType\":\"sas\",\"connectionState\":\"Connected\","
    "\"lastActivityTime\":\"2026-10-30T10:00:00Z\",\"capabilities\":{\"iotEdge\":true},"
    "\"tags\":{\"dataClass\":\"eu-restricted\",\"region\":\"westeurope\"},"
    "\"properties\":{\"desired\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-10-01T00:00:00Z\"}},"
    "\"reported\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-10-01T00:00:00Z\"}}}}]", -1);
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  AttestJsonNode *root, *first;

  g_assert_cmpint (RUN (&out, &err, "import", "--db", f->db, "--hub", "hub-a", twin), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* an open finding: exit 1 */
  g_assert_cmpint (RUN (&out, &err, "findings", "--db", f->db, "--json"), ==, 1);
  root = parse_json (doc, out);
  first = attest_json_path (root, "findings")->first_child;
  g_assert_nonnull (first);
  g_assert_cmpstr (attest_json_get_string (first, "rule"), ==, "weak-identity");
  g_assert_nonnull (attest_json_get (first, "evidence")->first_child);
  id = g_strdup (attest_json_get_string (first, "id"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (RUN (&out, &err, "waive", "--db", f->db, id), ==, 2);
  g_assert_nonnull (strstr (err, "--reason"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "waive", "--db", f->db, "weak-identity:0000000000000000",
                        "--reason", "x", "--by", "y"), ==, 2);
  g_assert_nonnull (strstr (err, "no current finding"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "waive", "--db", f->db, id, "--reason", "Certificate ordered, CHG-77",
                        "--by", "Dana Officer"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* everything waived: exit 0, and the waiver shows */
  g_assert_cmpint (RUN (&out, &err, "findings", "--db", f->db), ==, 0);
  g_assert_nonnull (strstr (out, "waived by Dana Officer: Certificate ordered, CHG-77"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (RUN (&out, &err, "verify-cache", "--db", f->db), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/cli/help", Fixture, NULL, fixture_setup, test_help, fixture_teardown);
  g_test_add ("/cli/import-stats-query", Fixture, NULL, fixture_setup, test_import_stats_query, fixture_teardown);
  g_test_add ("/cli/bad-file", Fixture, NULL, fixture_setup, test_bad_file, fixture_teardown);
  g_test_add ("/cli/verify-cache", Fixture, NULL, fixture_setup, test_verify_cache, fixture_teardown);
  g_test_add ("/cli/settings", Fixture, NULL, fixture_setup, test_settings, fixture_teardown);
  g_test_add ("/cli/findings-and-waive", Fixture, NULL, fixture_setup, test_findings_and_waive, fixture_teardown);
  return g_test_run ();
}
