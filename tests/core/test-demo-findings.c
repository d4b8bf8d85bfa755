/* test-demo-findings.c: on the demo fleet the findings are the planted list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates the demo fleet (data/demo), imports it through the real
 * importers as `make run` does, computes the findings with the default
 * policy and compares them with planted.json: every planted problem is
 * found (a finding of its rule cites one of its evidence records), and no
 * finding is raised that cites none of the planted evidence of its rule.
 */
#include "config.h"

#include <string.h>

#include "attest-findings.h"
#include "attest-json.h"
#include "attest-test-util.h"

static gboolean
finding_cites (const AttestFinding *f,
               AttestJsonNode      *evidence)
{
  AttestJsonNode *e;
  guint i;

  for (e = evidence ? evidence->first_child : NULL; e; e = e->next)
    for (i = 0; i < f->evidence->len; i++)
      {
        const AttestEvidence *have = g_ptr_array_index (f->evidence, i);
        if (e->type == ATTEST_JSON_STRING && have->label && g_ascii_strcasecmp (have->label, e->str) == 0)
          return TRUE;
      }
  return FALSE;
}

static void
test_demo_findings (void)
{
  const char *gen = g_getenv ("ATTEST_DEMO_GEN");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = attest_test_tmpdir_new ();
  g_autofree char *fleet = g_build_filename (dir, "fleet", NULL);
  g_autofree char *list_path = g_build_filename (fleet, "import.list", NULL);
  g_autofree char *planted_path = g_build_filename (fleet, "planted.json", NULL);
  g_autofree char *policy_path = g_test_build_filename (G_TEST_DIST, "..", "data", "policy.ini", NULL);
  g_autofree char *list = NULL;
  g_autofree char *planted_text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(AttestPolicy) policy = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestTestWorkspace ws = { 0 };
  AttestJsonNode *planted, *p;
  const char *argv[] = { gen, fleet, NULL };
  int status = 0;
  guint i, missed = 0, extra = 0;

  g_assert_nonnull (gen);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  attest_test_workspace_open (&ws);
  g_file_get_contents (list_path, &list, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (list, "\n", -1);
  for (i = 0; lines[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (lines[i], " ", 2);
      g_autofree char *path = NULL;

      if (g_strv_length (parts) != 2)
        continue;
      path = g_build_filename (fleet, parts[1], NULL);
      if (!attest_test_workspace_import (&ws, path, g_str_equal (parts[0], "-") ? NULL : parts[0], NULL, &error))
        g_error ("%s", error->message);
    }

  policy = attest_policy_load (policy_path, &error);
  g_assert_no_error (error);
  findings = attest_findings_compute (ws.store, policy, NULL, &error);
  g_assert_no_error (error);

  g_file_get_contents (planted_path, &planted_text, NULL, &error);
  g_assert_no_error (error);
  planted = attest_json_path (attest_json_doc_parse (doc, planted_text, strlen (planted_text), &error), "planted");
  g_assert_no_error (error);
  g_assert_nonnull (planted);

  /* every planted problem is found */
  for (p = planted->first_child; p; p = p->next)
    {
      const char *rule = attest_json_get_string (p, "rule");
      gboolean found = FALSE;

      for (i = 0; i < findings->len && !found; i++)
        {
          const AttestFinding *f = g_ptr_array_index (findings, i);
          found = g_str_equal (f->rule, rule) && finding_cites (f, attest_json_get (p, "evidence"));
        }
      if (!found)
        {
          g_test_message ("missed: %s %s", rule, attest_json_get_string (p, "subject"));
          missed++;
        }
    }
  /* nothing else is raised */
  for (i = 0; i < findings->len; i++)
    {
      const AttestFinding *f = g_ptr_array_index (findings, i);
      gboolean planted_here = FALSE;

      for (p = planted->first_child; p && !planted_here; p = p->next)
        planted_here = g_str_equal (f->rule, attest_json_get_string (p, "rule"))
                       && finding_cites (f, attest_json_get (p, "evidence"));
      if (!planted_here)
        {
          g_test_message ("extra: %s %s — %s", f->rule, f->subject, f->sentence);
          extra++;
        }
    }
  g_test_message ("%u findings, %u planted problems missed, %u extra", findings->len, missed, extra);
  g_assert_cmpuint (missed, ==, 0);
  g_assert_cmpuint (extra, ==, 0);

  attest_test_workspace_close (&ws);
  attest_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/findings/demo-equals-planted", test_demo_findings);
  return g_test_run ();
}
