/* attest-cli-findings.c: attest-cli findings, attest-cli waive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-costs.h"
#include "attest-findings.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static char *opt_policy;

/* --policy, else the workspace's "policy-file" setting, else the default
 * data/policy.ini. */
static AttestPolicy *
load_policy (AttestStore *store,
             GError     **error)
{
  g_autofree char *path = NULL;

  if (opt_policy)
    path = g_strdup (opt_policy);
  else
    path = attest_store_get_setting (store, "policy-file");
  if (path == NULL)
    path = attest_costs_find_data_file ("policy.ini");
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No policy file found (pass --policy FILE)"));
      return NULL;
    }
  return attest_policy_load (path, error);
}

static void
json_finding (GString             *out,
              const AttestFinding *f)
{
  guint i;

  g_string_append (out, "{\"id\":");
  json_string (out, f->id);
  g_string_append (out, ",\"rule\":");
  json_string (out, f->rule);
  g_string_append (out, ",\"severity\":");
  json_string (out, attest_severity_to_string (f->severity));
  g_string_append (out, ",\"subject_kind\":");
  json_string (out, f->subject_kind);
  g_string_append (out, ",\"subject\":");
  json_string (out, f->subject);
  g_string_append (out, ",\"sentence\":");
  json_string (out, f->sentence);
  g_string_append (out, ",\"at\":");
  json_time (out, f->at);
  g_string_append (out, ",\"evidence\":[");
  for (i = 0; i < f->evidence->len; i++)
    {
      const AttestEvidence *e = g_ptr_array_index (f->evidence, i);

      g_string_append (out, i ? ",{\"table\":" : "{\"table\":");
      json_string (out, e->table);
      g_string_append (out, ",\"row_id\":");
      json_id (out, e->row_id);
      g_string_append (out, ",\"label\":");
      json_string (out, e->label);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"waiver\":");
  if (f->waived_by)
    {
      g_string_append (out, "{\"by\":");
      json_string (out, f->waived_by);
      g_string_append (out, ",\"reason\":");
      json_string (out, f->waiver_reason);
      g_string_append (out, ",\"at\":");
      json_time (out, f->waived_at);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}

int
cmd_findings (int argc, char **argv)
{
  static char *rule, *severity;
  GOptionEntry entries[] = {
    { "rule", 0, 0, G_OPTION_ARG_STRING, &rule, N_("Only this rule (e.g. no-canary)"), N_("RULE") },
    { "severity", 0, 0, G_OPTION_ARG_STRING, &severity, N_("Only this severity or higher (low, medium, high, critical)"), N_("LEVEL") },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &opt_policy, N_("Policy file (default: the workspace's, else data/policy.ini)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("findings", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestPolicy) policy = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) rules_help = g_string_new (_("Rules:\n"));
  AttestSeverity min_severity = ATTEST_SEVERITY_LOW;
  const AttestRule *rules;
  guint n_rules, i, open = 0, shown = 0;

  rules = attest_rules_list (&n_rules);
  for (i = 0; i < n_rules; i++)
    g_string_append_printf (rules_help, "  %-24s %s\n", rules[i].id, _(rules[i].title));
  g_string_append (rules_help, _("Exit status 1 when a finding that is not waived is listed."));
  g_option_context_set_description (ctx, rules_help->str);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("findings takes no arguments"));
  if (severity && !attest_severity_from_string (severity, &min_severity))
    return usage_error (ctx, _("--severity must be low, medium, high or critical"));

  store = open_store (TRUE, &error);
  if (store == NULL || (policy = load_policy (store, &error)) == NULL
      || (findings = attest_findings_compute (store, policy, rule, &error)) == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_json)
    g_string_append (out, "{\"policy\":");
  if (opt_json)
    {
      json_string (out, policy->path);
      g_string_append (out, ",\"findings\":[");
    }
  for (i = 0; i < findings->len; i++)
    {
      const AttestFinding *f = g_ptr_array_index (findings, i);

      if (f->severity < min_severity)
        continue;
      if (f->waived_by == NULL)
        open++;
      if (opt_json)
        {
          if (shown)
            g_string_append_c (out, ',');
          json_finding (out, f);
        }
      else
        {
          g_autofree char *subject = terminal_safe (f->subject);
          g_autofree char *sentence = terminal_safe (f->sentence);
          guint k;

          g_string_append_printf (out, "%-8s %-22s %s%s\n         %s\n",
                                  attest_severity_to_string (f->severity), f->rule, subject,
                                  f->waived_by ? _("  [waived]") : "", sentence);
          for (k = 0; k < f->evidence->len; k++)
            {
              const AttestEvidence *e = g_ptr_array_index (f->evidence, k);
              g_autofree char *label = terminal_safe (e->label);
              g_string_append_printf (out, "         - %s #%" G_GINT64_FORMAT "  %s\n", e->table, e->row_id, label);
            }
          if (f->waived_by)
            {
              g_autofree char *by = terminal_safe (f->waived_by);
              g_autofree char *why = terminal_safe (f->waiver_reason);
              g_string_append_printf (out, _("         waived by %s: %s\n"), by, why);
            }
          g_string_append_printf (out, "         id %s\n", f->id);
        }
      shown++;
    }
  if (opt_json)
    g_string_append (out, "]}\n");
  else
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%u finding, %u not waived (policy %s)\n",
                                              "%u findings, %u not waived (policy %s)\n", shown),
                            shown, open, policy->path);
  g_print ("%s", out->str);
  return open > 0 ? EXIT_VERIFY : EXIT_OK;
}

int
cmd_waive (int argc, char **argv)
{
  static char *reason, *by;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the finding needs no action (required)"), N_("TEXT") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, N_("Who decides (required)"), N_("NAME") },
    { "policy", 0, 0, G_OPTION_ARG_FILENAME, &opt_policy, N_("Policy file the finding was computed with"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("waive", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestPolicy) policy = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(AttestStoreWriter) writer = NULL;
  const AttestFinding *target = NULL;
  AttestWaiverRecord rec = { 0 };
  guint i;

  g_option_context_set_description (ctx,
    _("Records a written justification for not acting on a finding.  The waiver is kept in the\n"
      "workspace's hash chain and stays attached to the finding when it is recomputed."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc != 2)
    return usage_error (ctx, _("name one finding id (see attest-cli findings)"));
  if (reason == NULL || *g_strstrip (reason) == '\0' || by == NULL || *g_strstrip (by) == '\0')
    return usage_error (ctx, _("--reason and --by are required"));

  store = open_store (FALSE, &error);
  if (store == NULL || (policy = load_policy (store, &error)) == NULL
      || (findings = attest_findings_compute (store, policy, NULL, &error)) == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  for (i = 0; i < findings->len && target == NULL; i++)
    if (g_str_equal (((AttestFinding *) g_ptr_array_index (findings, i))->id, argv[1]))
      target = g_ptr_array_index (findings, i);
  if (target == NULL)
    {
      g_printerr (_("attest-cli: no current finding has the id “%s”\n"), argv[1]);
      return EXIT_USAGE;
    }

  rec.finding_id = target->id;
  rec.rule = target->rule;
  rec.reason = reason;
  rec.waived_by = by;
  rec.created_at = attest_time_now ();
  writer = attest_store_writer_begin (store, "officer", "waivers", NULL, &error);
  if (writer == NULL || !attest_store_writer_add_waiver (writer, &rec, &error)
      || !attest_store_writer_commit (writer, NULL, "waiver", &error))
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  g_print (_("Waived %s (%s) — recorded in the hash chain.\n"), target->id, target->rule);
  return EXIT_OK;
}
