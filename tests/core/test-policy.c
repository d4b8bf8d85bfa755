/* test-policy.c: the policy file is read and checked, value by value
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-policy.h"
#include "attest-version.h"
#include "attest-test-util.h"

static void
test_default_policy (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "policy.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) p = attest_policy_load (path, &error);

  g_assert_no_error (error);
  g_assert_true (attest_policy_is_approved (p, "Vera.Becker@contoso-edge.com"));
  g_assert_false (attest_policy_is_approved (p, "jonas.keller@contoso-edge.com"));
  g_assert_false (attest_policy_is_approved (p, NULL));
  g_assert_cmpfloat (p->canary_max_share, ==, 0.10);
  g_assert_cmpfloat (p->drift_tolerance_hours, ==, 336);
  g_assert_cmpstr (p->min_edge_runtime, ==, "1.4");
  g_assert_cmpuint (g_strv_length (p->required_model_tags), ==, 3);
  g_assert_true (g_strv_contains (attest_policy_allowed_regions (p, "EU-Restricted"), "westeurope"));
  g_assert_null (attest_policy_allowed_regions (p, "general"));
  g_assert_true (g_strv_contains (attest_policy_allowed_identities (p, "eu-restricted"), "selfSigned"));
}

static void
test_bad_values (void)
{
  const struct { const char *text; const char *expect; } cases[] = {
    { "[canary]\nmax_share=1.5\n", "[canary] max_share" },
    { "[canary]\nmax_share=ten percent\n", "not a number" },
    { "[deployers]\napproved=a@b.c\n[canary]\nmax_share=0.1\nmin_hours=24\n[drift]\ntolerance_hours=1\n"
      "[staleness]\nmax_offline_days=30\nmin_edge_runtime=one.four\n[performance]\nmin_accuracy=0.8\n"
      "max_accuracy_drop=0.1\nmax_latency_ms=100\nmax_share=0.5\n", "min_edge_runtime" },
    { "this is not a key file", "policy-bad.ini" },
  };
  g_autofree char *dir = attest_test_tmpdir_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = attest_test_write_file (dir, "policy-bad.ini", cases[i].text, -1);
      g_autoptr(GError) error = NULL;
      g_autoptr(AttestPolicy) p = attest_policy_load (path, &error);

      g_assert_null (p);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "policy-bad.ini"));
      g_assert_nonnull (strstr (error->message, cases[i].expect));
    }
  attest_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_versions (void)
{
  /* the policy's minimum edge runtime against what devices report */
  g_assert_cmpint (attest_version_compare ("1.4", "1.4"), ==, 0);
  g_assert_cmpint (attest_version_compare ("1.10", "1.9"), >, 0);
  g_assert_cmpint (attest_version_compare ("1.2.10", "1.4"), <, 0);
  g_assert_cmpint (attest_version_compare ("1.4", "1.4.0"), ==, 0);
  g_assert_cmpint (attest_version_compare ("1.4.27", "1.4"), >, 0);
  g_assert_cmpint (attest_version_compare ("1.1.3", "1.4"), <, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/default", test_default_policy);
  g_test_add_func ("/policy/bad-values", test_bad_values);
  g_test_add_func ("/policy/versions", test_versions);
  return g_test_run ();
}
