/* attest-test-util.c: helpers shared by the test suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>

#include "attest-autocleanups.h"
#include "attest-findings.h"
#include "attest-importer.h"
#include "attest-test-util.h"

char *
attest_test_tmpdir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("attest-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (d);
    }
  g_rmdir (path);
}

void
attest_test_tmpdir_free (char *dir)
{
  if (dir == NULL)
    return;
  remove_tree (dir);
  g_free (dir);
}

char *
attest_test_write_file (const char *dir,
                        const char *name,
                        const char *data,
                        gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

char *
attest_test_store_digest (AttestStore *store)
{
  sqlite3 *db = attest_store_get_db (store);
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  guint8 out[32];
  unsigned int n = 32;
  GString *hex = g_string_new (NULL);
  int i;

  EVP_DigestInit_ex (md, EVP_sha256 (), NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'audit_fts_%' "
                                       "AND name NOT IN ('imports') ORDER BY name",
                                       -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) rows = NULL;

      if (g_str_equal (table, "audit_fts"))
        sql = g_strdup ("SELECT rowid FROM audit_fts ORDER BY rowid");
      else if (g_str_equal (table, "chain"))
        sql = g_strdup ("SELECT * FROM chain ORDER BY source_id, seq");
      else
        sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY rowid", table);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      EVP_DigestUpdate (md, table, strlen (table) + 1);
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (i = 0; i < sqlite3_column_count (rows); i++)
          {
            const void *b = sqlite3_column_blob (rows, i);
            int len = sqlite3_column_bytes (rows, i);
            char type = '0' + sqlite3_column_type (rows, i);
            EVP_DigestUpdate (md, &type, 1);
            EVP_DigestUpdate (md, &len, sizeof len);
            if (b)
              EVP_DigestUpdate (md, b, len);
          }
    }
  EVP_DigestFinal_ex (md, out, &n);
  for (i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  return g_string_free (hex, FALSE);
}

char *
attest_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

char *
attest_test_activity_event (const char *event_id,
                            const char *timestamp,
                            const char *caller,
                            const char *operation,
                            const char *description)
{
  return g_strdup_printf (
    "{\"eventDataId\":\"%s\",\"eventTimestamp\":\"%s\",\"caller\":\"%s\","
    "\"correlationId\":\"c-%s\",\"level\":\"Informational\","
    "\"operationName\":{\"value\":\"%s\",\"localizedValue\":\"%s\"},"
    "\"status\":{\"value\":\"Succeeded\",\"localizedValue\":\"Succeeded\"},"
    "\"category\":{\"value\":\"Administrative\"},"
    "\"resourceId\":\"/subscriptions/0000/resourceGroups/rg-edge/providers/Microsoft.Devices/IotHubs/hub-test\","
    "\"claims\":{\"name\":\"Test Person\",\"iat\":\"1421876371\"},"
    "\"properties\":{\"statusCode\":\"OK\",\"description\":\"%s\"}}",
    event_id, timestamp, caller, event_id, operation, operation, description);
}

void
attest_test_workspace_open (AttestTestWorkspace *ws)
{
  g_autoptr(GError) error = NULL;

  ws->dir = attest_test_tmpdir_new ();
  ws->db_path = g_build_filename (ws->dir, "workspace.db", NULL);
  ws->store = attest_store_open (ws->db_path, ATTEST_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

void
attest_test_workspace_close (AttestTestWorkspace *ws)
{
  g_clear_pointer (&ws->store, attest_store_unref);
  g_clear_pointer (&ws->dir, attest_test_tmpdir_free);
  g_clear_pointer (&ws->db_path, g_free);
}

gboolean
attest_test_workspace_import (AttestTestWorkspace *ws,
                              const char          *path,
                              const char          *hub,
                              gint64              *new_records,
                              GError             **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AttestImportOptions options = { 0 };
  AttestImportResult result;

  options.hub = hub;
  if (!attest_import_file (ws->store, file, &options, NULL, NULL, NULL, &result, error))
    return FALSE;
  if (new_records)
    *new_records = result.counts.new_records;
  attest_import_result_clear (&result);
  return TRUE;
}

GPtrArray *
attest_test_compute_findings (AttestTestWorkspace *ws,
                              const char          *policy_text,
                              const char          *rule)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = attest_test_write_file (ws->dir, "policy.ini", policy_text, -1);
  g_autoptr(AttestPolicy) policy = attest_policy_load (path, &error);
  GPtrArray *findings;

  g_assert_no_error (error);
  findings = attest_findings_compute (ws->store, policy, rule, &error);
  g_assert_no_error (error);
  g_assert_nonnull (findings);
  return findings;
}
