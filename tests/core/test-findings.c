/* test-findings.c: the findings engine — rules listed, unknown rules
 * refused, waivers chained and attached, schema upgrade for waivers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-findings.h"
#include "attest-test-util.h"

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

static AttestPolicy *
default_policy (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "policy.ini", NULL);
  g_autoptr(GError) error = NULL;
  AttestPolicy *p = attest_policy_load (path, &error);

  g_assert_no_error (error);
  return p;
}

static void
test_unknown_rule (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AttestPolicy) policy = default_policy ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = attest_findings_compute (f->store, policy, "no-such-rule", &error);

  g_assert_null (findings);
  g_assert_error (error, ATTEST_FINDINGS_ERROR, ATTEST_FINDINGS_ERROR_UNKNOWN_RULE);
}

static void
test_rules_listed_in_design_order (void)
{
  static const char *order[] = {
    "unapproved-deployer", "no-canary", "twin-drift", "unregistered-model", "undocumented-model",
    "residency", "weak-identity", "stale-device", "missing-audit", "performance-regression",
  };
  const AttestRule *rules;
  guint n, i, o = 0;

  rules = attest_rules_list (&n);
  for (i = 0; i < n; i++)
    {
      /* every listed rule is a DESIGN.md rule, in the table's order */
      while (o < G_N_ELEMENTS (order) && !g_str_equal (order[o], rules[i].id))
        o++;
      g_assert_cmpuint (o, <, G_N_ELEMENTS (order));
      g_assert_nonnull (rules[i].title);
      g_assert_nonnull (rules[i].run);
    }
}

static void
test_waiver_chained (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStoreWriter) w = attest_store_writer_begin (f->store, "officer", "waivers", NULL, &error);
  AttestWaiverRecord rec = { "weak-identity:0011223344556677", "weak-identity",
                             "Device decommissioned on 2026-10-30; ticket CHG-1234", "Dana Officer", 17000000000000000 };
  AttestChainReport report;
  AttestStoreStats stats;

  g_assert_no_error (error);
  g_assert_true (attest_store_writer_add_waiver (w, &rec, &error));
  g_assert_true (attest_store_writer_commit (w, NULL, "waiver", &error));
  g_assert_no_error (error);
  g_assert_true (attest_store_get_stats (f->store, &stats, &error));
  g_assert_cmpint (stats.waivers, ==, 1);

  g_assert_true (attest_store_verify_chain (f->store, &report, NULL, &error));
  g_assert_true (report.ok);
  attest_chain_report_clear (&report);

  /* A reason rewritten afterwards is caught like any other record. */
  g_assert_cmpint (sqlite3_exec (attest_store_get_db (f->store),
                                 "UPDATE waivers SET reason = 'approved by the CISO'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (attest_store_verify_chain (f->store, &report, NULL, &error));
  g_assert_false (report.ok);
  g_assert_nonnull (strstr (report.problem, "waiver"));
  attest_chain_report_clear (&report);
}

/* A workspace written by schema 1 (before waivers and the device-state
 * columns) is upgraded on open, even by a reader. */
static void
test_upgrade_from_schema_1 (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) reader = NULL;
  AttestStoreStats stats;

  g_assert_cmpint (sqlite3_exec (attest_store_get_db (f->store),
                                 "DROP TABLE waivers; ALTER TABLE devices DROP COLUMN state_version;"
                                 "ALTER TABLE devices DROP COLUMN runtime_at; DROP INDEX twin_snapshots_scan;"
                                 "PRAGMA user_version = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&f->store, attest_store_unref);
  reader = attest_store_open (f->db_path, ATTEST_STORE_OPEN_READONLY, &error);
  g_assert_no_error (error);
  g_assert_true (attest_store_get_stats (reader, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.waivers, ==, 0);
}

static const char *twins_v2 =
  "[{\"deviceId\":\"cam-7\",\"version\":2,\"authenticationType\":\"sas\",\"status\":\"enabled\","
  "\"connectionState\":\"Connected\",\"lastActivityTime\":\"2026-10-30T10:00:00Z\","
  "\"capabilities\":{\"iotEdge\":true},\"tags\":{\"dataClass\":\"eu-restricted\",\"region\":\"westeurope\"},"
  "\"properties\":{\"desired\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-10-01T00:00:00Z\"}},"
  "\"reported\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-10-01T00:00:00Z\"}}}}]";
static const char *twins_v3 =
  "[{\"deviceId\":\"cam-7\",\"version\":3,\"authenticationType\":\"sas\",\"status\":\"enabled\","
  "\"connectionState\":\"Connected\",\"lastActivityTime\":\"2026-10-31T10:00:00Z\","
  "\"capabilities\":{\"iotEdge\":true},\"tags\":{\"dataClass\":\"eu-restricted\",\"region\":\"westeurope\",\"line\":\"3\"},"
  "\"properties\":{\"desired\":{\"$version\":1,\"$metadata\":{\"$lastUpdated\":\"2026-10-01T00:00:00Z\"}},"
  "\"reported\":{\"$version\":2,\"$metadata\":{\"$lastUpdated\":\"2026-10-31T10:00:00Z\"}}}}]";

static AttestFinding *
only_finding (GPtrArray *findings)
{
  g_assert_cmpuint (findings->len, ==, 1);
  return g_ptr_array_index (findings, 0);
}

/* A waiver attaches to the finding's stable id: it survives re-importing
 * the same evidence, newer evidence about the same subject, and any number
 * of recomputations. */
static void
test_waiver_survives (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AttestPolicy) policy = default_policy ();
  g_autoptr(GError) error = NULL;
  g_autofree char *v2 = attest_test_write_file (f->dir, "twins-v2.json", twins_v2, -1);
  g_autofree char *v3 = attest_test_write_file (f->dir, "twins-v3.json", twins_v3, -1);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(AttestStoreWriter) w = NULL;
  g_autofree char *id = NULL;
  AttestWaiverRecord rec = { 0 };
  AttestFinding *x;

  g_assert_true (attest_test_workspace_import (f, v2, "hub-a", NULL, &error));
  before = attest_findings_compute (f->store, policy, "weak-identity", &error);
  g_assert_no_error (error);
  x = only_finding (before);
  g_assert_null (x->waived_by);
  id = g_strdup (x->id);

  w = attest_store_writer_begin (f->store, "officer", "waivers", NULL, &error);
  rec.finding_id = id;
  rec.rule = x->rule;
  rec.reason = "Replacement certificate ordered; device isolated on VLAN 30 meanwhile";
  rec.waived_by = "Dana Officer";
  rec.created_at = 1;
  g_assert_true (attest_store_writer_add_waiver (w, &rec, &error));
  g_assert_true (attest_store_writer_commit (w, NULL, "waiver", &error));
  g_clear_pointer (&w, attest_store_writer_free);

  /* the same file again, then newer evidence on the same device */
  g_assert_true (attest_test_workspace_import (f, v2, "hub-a", NULL, &error));
  g_assert_true (attest_test_workspace_import (f, v3, "hub-a", NULL, &error));
  g_assert_no_error (error);
  after = attest_findings_compute (f->store, policy, NULL, &error);
  g_assert_no_error (error);
  x = NULL;
  for (guint i = 0; i < after->len; i++)
    if (g_str_equal (((AttestFinding *) g_ptr_array_index (after, i))->rule, "weak-identity"))
      x = g_ptr_array_index (after, i);
  g_assert_nonnull (x);
  g_assert_cmpstr (x->id, ==, id);
  g_assert_cmpstr (x->waived_by, ==, "Dana Officer");
  g_assert_nonnull (strstr (x->waiver_reason, "VLAN 30"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/findings/rules-order", test_rules_listed_in_design_order);
  g_test_add ("/findings/unknown-rule", Fixture, NULL, fixture_setup, test_unknown_rule, fixture_teardown);
  g_test_add ("/findings/waiver-chained", Fixture, NULL, fixture_setup, test_waiver_chained, fixture_teardown);
  g_test_add ("/findings/waiver-survives", Fixture, NULL, fixture_setup, test_waiver_survives, fixture_teardown);
  g_test_add ("/findings/upgrade-from-schema-1", Fixture, NULL, fixture_setup, test_upgrade_from_schema_1, fixture_teardown);
  return g_test_run ();
}
