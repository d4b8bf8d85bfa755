/* test-chain.c: the per-source hash chain catches edits made behind
 * Attest's back (the sqlite3 shell, a script) and names the record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-importer.h"
#include "attest-test-util.h"

typedef AttestTestWorkspace Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GString *lines = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *twins = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) file2 = NULL;
  AttestImportResult result;
  AttestImportOptions options = { .hub = "hub-a" };
  guint i;

  attest_test_workspace_open (f);

  for (i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("55555555-0000-0000-0000-%012u", i);
      g_autofree char *ts = g_strdup_printf ("2024-09-01T10:%02u:00Z", i);
      g_autofree char *ev = attest_test_activity_event (id, ts, i == 7 ? "mallory@contoso.com" : "frank@contoso.com",
                                                        "Microsoft.Devices/IotHubs/write", "chained");
      g_string_append_printf (lines, "%s\n", ev);
    }
  path = attest_test_write_file (f->dir, "events.jsonl", lines->str, lines->len);
  g_string_free (lines, TRUE);
  file = g_file_new_for_path (path);
  g_assert_true (attest_import_file (f->store, file, NULL, NULL, NULL, NULL, &result, &error));
  attest_import_result_clear (&result);

  twins = attest_test_write_file (f->dir, "twins.json",
                                  "[{\"deviceId\":\"cam-1\",\"moduleId\":\"detector\",\"version\":4,"
                                  "\"properties\":{\"desired\":{\"$version\":2},\"reported\":{\"model\":{\"name\":\"det\",\"version\":\"1.2\"},\"$version\":5}}}]", -1);
  file2 = g_file_new_for_path (twins);
  g_assert_true (attest_import_file (f->store, file2, &options, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  attest_import_result_clear (&result);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static void
exec (Fixture    *f,
      const char *sql)
{
  char *err = NULL;

  if (sqlite3_exec (attest_store_get_db (f->store), sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("%s: %s", sql, err);
}

static char *
verify (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AttestChainReport report;
  char *problem;

  g_assert_true (attest_store_verify_chain (f->store, &report, NULL, &error));
  g_assert_no_error (error);
  problem = g_steal_pointer (&report.problem);
  g_assert_true ((problem == NULL) == report.ok);
  attest_chain_report_clear (&report);
  return problem;
}

static void
test_intact (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *problem = verify (f);

  g_assert_null (problem);
}

static void
test_edited_column (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *problem = NULL;
  g_autofree char *id = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  sqlite3_prepare_v2 (attest_store_get_db (f->store),
                      "SELECT id FROM audit_events WHERE caller = 'mallory@contoso.com'", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));

  /* What an insider would do to hide their tracks. */
  exec (f, "UPDATE audit_events SET caller = 'frank@contoso.com' WHERE caller = 'mallory@contoso.com'");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_test_message ("%s", problem);
  g_assert_nonnull (strstr (problem, "audit event"));
  g_assert_nonnull (strstr (problem, id));
  g_assert_nonnull (strstr (problem, "link 8"));
  g_assert_nonnull (strstr (problem, "modified"));
}

static void
test_edited_raw (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *problem = NULL;

  exec (f, "UPDATE twin_snapshots SET raw = replace (raw, '1.2', '1.3')");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "twin snapshot"));
}

static void
test_deleted_row (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *problem = NULL;

  exec (f, "DELETE FROM audit_events WHERE caller = 'mallory@contoso.com'");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "deleted"));
}

static void
test_inserted_row (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *problem = NULL;

  exec (f, "INSERT INTO audit_events (id, event_id, ts, kind, raw) "
           "VALUES (1, 'forged', '1970-01-01T00:00:00.0000000Z', 'activity', '{}')");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "not on any hash chain"));
}

static void
test_deleted_link (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *problem = NULL;

  /* Removing the record and its link together still breaks the chain. */
  exec (f, "DELETE FROM audit_events WHERE id = (SELECT rec_id FROM chain WHERE seq = 20 AND kind = 1);"
           "DELETE FROM chain WHERE seq = 20 AND kind = 1");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "link 20"));
}

static void
test_truncated_chain (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *problem = NULL;

  /* Dropping the newest record and its link: the source's head catches it. */
  exec (f, "DELETE FROM audit_events WHERE id = (SELECT rec_id FROM chain WHERE source_id = 1 AND seq = 50);"
           "DELETE FROM chain WHERE source_id = 1 AND seq = 50");
  problem = verify (f);
  g_assert_nonnull (problem);
  g_test_message ("%s", problem);
  g_assert_nonnull (strstr (problem, "49 links"));
}

static void
test_reordered (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *problem = NULL;

  /* Swapping two links' records (a quiet re-ordering) breaks the chain. */
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 a, b;
  g_autofree char *sql = NULL;

  sqlite3_prepare_v2 (attest_store_get_db (f->store),
                      "SELECT (SELECT rec_id FROM chain WHERE source_id = 1 AND seq = 3),"
                      "       (SELECT rec_id FROM chain WHERE source_id = 1 AND seq = 4)", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  a = sqlite3_column_int64 (stmt, 0);
  b = sqlite3_column_int64 (stmt, 1);
  sql = g_strdup_printf ("UPDATE chain SET rec_id = %" G_GINT64_FORMAT " WHERE source_id = 1 AND seq = 3;"
                         "UPDATE chain SET rec_id = %" G_GINT64_FORMAT " WHERE source_id = 1 AND seq = 4;", b, a);
  exec (f, sql);
  problem = verify (f);
  g_assert_nonnull (problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/chain/intact", Fixture, NULL, fixture_setup, test_intact, fixture_teardown);
  g_test_add ("/chain/edited-column", Fixture, NULL, fixture_setup, test_edited_column, fixture_teardown);
  g_test_add ("/chain/edited-raw", Fixture, NULL, fixture_setup, test_edited_raw, fixture_teardown);
  g_test_add ("/chain/deleted-row", Fixture, NULL, fixture_setup, test_deleted_row, fixture_teardown);
  g_test_add ("/chain/inserted-row", Fixture, NULL, fixture_setup, test_inserted_row, fixture_teardown);
  g_test_add ("/chain/deleted-link", Fixture, NULL, fixture_setup, test_deleted_link, fixture_teardown);
  g_test_add ("/chain/truncated", Fixture, NULL, fixture_setup, test_truncated_chain, fixture_teardown);
  g_test_add ("/chain/reordered", Fixture, NULL, fixture_setup, test_reordered, fixture_teardown);
  return g_test_run ();
}
