/* attest-cli.c: the command-line front end over attest-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin by design: each command is one library call plus presentation.
 * Exit codes: 0 ok, 1 verification failure, 2 usage or input error.
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <locale.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-event-query.h"
#include "attest-importer.h"
#include "attest-policy.h"
#include "attest-store.h"
#include "attest-time.h"

#include "attest-cli-private.h"

char *opt_db;
gboolean opt_json;

static GOptionEntry common_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, N_("Workspace file (default: ~/.local/share/attest/workspace.db)"), N_("PATH") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print machine-readable JSON"), NULL },
  { NULL }
};


static int cmd_import (int argc, char **argv);
static int cmd_stats (int argc, char **argv);
static int cmd_query (int argc, char **argv);
static int cmd_verify_cache (int argc, char **argv);
static int cmd_settings (int argc, char **argv);

/* Commands in the order --help lists them; each lives in its own file
 * (attest-cli-<name>.c) except the first five, here. */
static const AttestCliCommand commands[] = {
  { "import", N_("FILE…"), N_("Import Azure exports (activity log, resource logs, twins, deployments, Azure ML) into the workspace"), cmd_import },
  { "stats", "", N_("Count what the workspace holds"), cmd_stats },
  { "query", N_("[TEXT]"), N_("Search audit events, newest first"), cmd_query },
  { "verify-cache", "", N_("Re-walk the hash chains and name the first broken record"), cmd_verify_cache },
  { "settings", N_("[KEY [VALUE]]"), N_("Show or change workspace settings"), cmd_settings },
  { "metrics", N_("NAME[:VERSION]"), N_("Accuracy, latency and resource use that modules report, per model version and device"), cmd_metrics },
  { "deployments", N_("[--since TIME] [--until TIME] [--hub NAME]"), N_("Every edge deployment version over time, rollout phase and rollbacks"), cmd_deployments },
  { "drift", N_("[--device ID] [--hub NAME] [--at TIME]"), N_("Desired against reported twin properties, key by key, with drifting since"), cmd_drift },
  { "lineage", N_("NAME:VERSION | --device ID"), N_("Data, training job, deployments and devices of a model version"), cmd_lineage },
  { "fleet", N_("[--at TIME] [--hub NAME]"), N_("Every device, module and model at an instant"), cmd_fleet },
  { "access", N_("[--since TIME] [--until TIME]"), N_("Who changed hubs, deployments, model versions and role assignments"), cmd_access },
  { "costs", "", N_("Compliance cost estimate (low, expected, high) from the fleet, a dated price table and your inputs"), cmd_costs },
  { "device", N_("ID [--hub NAME]"), N_("Every model change on a device, with the deployment and actor behind it"), cmd_device },
  { "findings", "", N_("Governance findings from the policy, with the records behind each"), cmd_findings },
  { "waive", N_("FINDING"), N_("Waive a finding with a written justification"), cmd_waive },
};

/* ---------------------------------------------------------------------- */

void
json_string (GString    *out,
             const char *s)
{
  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      guchar c = *s;
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* Shows text from imported files safely on a terminal: control characters
 * (and so escape sequences) become visible escapes. */
char *
terminal_safe (const char *s)
{
  GString *out;

  if (s == NULL)
    return g_strdup ("");
  out = g_string_new (NULL);
  for (; *s; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)
          || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
human_time_or (gint64      ticks,
               const char *unknown)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ticks == ATTEST_TIME_NONE)
    return g_strdup (unknown);
  dt = attest_time_to_datetime (ticks);
  if (dt == NULL)
    return g_strdup (unknown);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
}

char *
human_time (gint64 ticks)
{
  return human_time_or (ticks, "-");
}

void
json_time (GString *out,
           gint64   ticks)
{
  g_autofree char *s = ticks != ATTEST_TIME_NONE ? attest_time_format (ticks) : NULL;

  json_string (out, s);
}

void
json_id (GString *out,
         gint64   id)
{
  if (id <= 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, id);
}

char *
terminal_safe_or_dash (const char *s)
{
  return s ? terminal_safe (s) : g_strdup ("-");
}

GOptionContext *
command_context (const char   *name,
                 GOptionEntry *entries)
{
  const AttestCliCommand *cmd = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      cmd = &commands[i];
  g_assert (cmd != NULL);

  g_autofree char *prgname = g_strdup_printf ("attest-cli %s", cmd->name);
  GOptionContext *ctx = g_option_context_new (_(cmd->args));

  /* "Usage: attest-cli import [OPTION…] FILE…" */
  g_set_prgname (prgname);

  g_option_context_set_summary (ctx, _(cmd->summary));
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (entries)
    g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (ctx, common_entries, GETTEXT_PACKAGE);
  return ctx;
}

int
usage_error (GOptionContext *ctx,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);

  g_printerr ("attest-cli: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

AttestStore *
open_store (gboolean  readonly,
            GError  **error)
{
  g_autofree char *path = opt_db ? g_strdup (opt_db) : attest_store_default_path ();

  if (readonly && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No workspace at %s (import something first, or pass --db)"), path);
      return NULL;
    }
  return attest_store_open (path, readonly ? ATTEST_STORE_OPEN_READONLY : ATTEST_STORE_OPEN_DEFAULT, error);
}

gboolean
parse_time_arg (const char *arg,
                const char *option,
                gint64     *out,
                GError    **error)
{
  if (arg == NULL)
    {
      *out = ATTEST_TIME_NONE;
      return TRUE;
    }
  if (attest_time_parse (arg, out) == ATTEST_TIME_OK)
    return TRUE;
  /* A bare date: the whole day. */
  if (strlen (arg) == 10)
    {
      g_autofree char *full = g_strconcat (arg, "T00:00:00Z", NULL);
      if (attest_time_parse (full, out) == ATTEST_TIME_OK)
        return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s: “%s” is not a time (use e.g. 2026-03-01 or 2026-03-01T12:00:00Z)"), option, arg);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* import */

typedef struct
{
  gboolean tty;
  const char *name;
} Progress;

static void
import_progress (guint64  done,
                 guint64  total,
                 gint64   records,
                 gpointer user_data)
{
  Progress *p = user_data;

  if (!p->tty)
    return;
  if (total > 0)
    fprintf (stderr, "\r%s: %3d%%  %" G_GINT64_FORMAT " records", p->name,
             (int) (done * 100 / total), records);
  else
    fprintf (stderr, "\r%s: %" G_GINT64_FORMAT " records", p->name, records);
}

static const char *kind_keys[ATTEST_N_KINDS] = {
  NULL, "audit_events", "twin_snapshots", "identities", "deployment_versions",
  "model_containers", "model_versions", "jobs", "data_versions", "waivers",
};

static int
cmd_import (int argc, char **argv)
{
  static char *hub, *registry;
  GOptionEntry entries[] = {
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("IoT hub of twins and deployments whose file does not name it"), N_("NAME") },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &registry, N_("Azure ML workspace of az ml output without ids"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("import", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GString) json = g_string_new (NULL);
  AttestImportOptions options = { 0 };
  int status = EXIT_OK;
  int i;

  g_option_context_set_description (ctx,
    _("Formats are recognised by content: REST pages ({\"value\": […]}), az output, JSON Lines,\n"
      "diagnostic-setting exports ({\"records\": […]}), az iot hub state export and\n"
      "Log Analytics CSV.  Each file is one transaction: a file with an unreadable record\n"
      "is rejected whole and the workspace stays as it was.  Re-importing is harmless."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc < 2)
    return usage_error (ctx, _("no files given"));

  store = open_store (FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  options.hub = hub;
  options.registry = registry;

  if (opt_json)
    g_string_append (json, "{\"files\":[");
  for (i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(GError) ierror = NULL;
      AttestImportResult result;
      Progress progress = { isatty (fileno (stderr)) && !opt_json, argv[i] };
      gint64 t0 = g_get_monotonic_time ();

      if (!attest_import_file (store, file, &options, import_progress, &progress, NULL, &result, &ierror))
        {
          if (progress.tty)
            fprintf (stderr, "\r\033[K");
          g_printerr ("attest-cli: %s\n", ierror->message);
          if (opt_json)
            {
              if (i > 1)
                g_string_append_c (json, ',');
              g_string_append (json, "{\"file\":");
              json_string (json, argv[i]);
              g_string_append (json, ",\"ok\":false,\"error\":");
              json_string (json, ierror->message);
              g_string_append_c (json, '}');
            }
          status = EXIT_USAGE;
          continue;
        }
      if (progress.tty)
        fprintf (stderr, "\r\033[K");
      if (opt_json)
        {
          int k;
          if (i > 1)
            g_string_append_c (json, ',');
          g_string_append (json, "{\"file\":");
          json_string (json, argv[i]);
          g_string_append_printf (json, ",\"ok\":true,\"format\":\"%s\",\"sha256\":\"%s\",\"bytes\":%" G_GUINT64_FORMAT
                                  ",\"new\":%" G_GINT64_FORMAT ",\"duplicates\":%" G_GINT64_FORMAT
                                  ",\"seconds\":%.3f",
                                  result.format, result.sha256, result.bytes,
                                  result.counts.new_records, result.counts.duplicates,
                                  (g_get_monotonic_time () - t0) / 1e6);
          for (k = 1; k < ATTEST_N_KINDS; k++)
            g_string_append_printf (json, ",\"%s\":%" G_GINT64_FORMAT, kind_keys[k], result.counts.by_kind[k]);
          g_string_append_c (json, '}');
        }
      else
        {
          g_autofree char *safe = terminal_safe (argv[i]);
          g_print (_("%s: %s, %" G_GINT64_FORMAT " new, %" G_GINT64_FORMAT " already present (%.1f s)\n"),
                   safe, result.format, result.counts.new_records, result.counts.duplicates,
                   (g_get_monotonic_time () - t0) / 1e6);
        }
      attest_import_result_clear (&result);
    }
  if (opt_json)
    {
      g_string_append (json, "]}");
      g_print ("%s\n", json->str);
    }
  return status;
}

/* ---------------------------------------------------------------------- */
/* stats */

static int
cmd_stats (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = command_context ("stats", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  AttestStoreStats s;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("stats takes no arguments"));
  store = open_store (TRUE, &error);
  if (store == NULL || !attest_store_get_stats (store, &s, &error))
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_json)
    {
      g_autofree char *first = s.first_event != ATTEST_TIME_NONE ? attest_time_format (s.first_event) : NULL;
      g_autofree char *last = s.last_event != ATTEST_TIME_NONE ? attest_time_format (s.last_event) : NULL;
      g_autofree char *imp = s.last_import != ATTEST_TIME_NONE ? attest_time_format (s.last_import) : NULL;
      g_autoptr(GString) out = g_string_new (NULL);

      g_string_append_printf (out,
        "{\"hubs\":%" G_GINT64_FORMAT ",\"devices\":%" G_GINT64_FORMAT ",\"modules\":%" G_GINT64_FORMAT
        ",\"twin_snapshots\":%" G_GINT64_FORMAT ",\"identities\":%" G_GINT64_FORMAT
        ",\"deployments\":%" G_GINT64_FORMAT ",\"deployment_versions\":%" G_GINT64_FORMAT
        ",\"model_containers\":%" G_GINT64_FORMAT ",\"model_versions\":%" G_GINT64_FORMAT
        ",\"jobs\":%" G_GINT64_FORMAT ",\"data_versions\":%" G_GINT64_FORMAT
        ",\"lineage_edges\":%" G_GINT64_FORMAT ",\"audit_events\":%" G_GINT64_FORMAT
        ",\"sources\":%" G_GINT64_FORMAT ",\"unindexed_events\":%" G_GINT64_FORMAT,
        s.hubs, s.devices, s.modules, s.twin_snapshots, s.identities, s.deployments,
        s.deployment_versions, s.model_containers, s.model_versions, s.jobs, s.data_versions,
        s.lineage_edges, s.audit_events, s.sources, s.fts_pending);
      g_string_append (out, ",\"first_event\":");
      json_string (out, first);
      g_string_append (out, ",\"last_event\":");
      json_string (out, last);
      g_string_append (out, ",\"last_import\":");
      json_string (out, imp);
      g_string_append (out, "}");
      g_print ("%s\n", out->str);
    }
  else
    {
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Hubs"), s.hubs);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Devices"), s.devices);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Modules"), s.modules);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Twin snapshots"), s.twin_snapshots);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Identities"), s.identities);
      g_print ("%-22s %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " versions)\n", _("Deployments"), s.deployments, s.deployment_versions);
      g_print ("%-22s %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " models)\n", _("Model versions"), s.model_versions, s.model_containers);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Jobs"), s.jobs);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Data asset versions"), s.data_versions);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Lineage edges"), s.lineage_edges);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Audit events"), s.audit_events);
      g_print ("%-22s %" G_GINT64_FORMAT "\n", _("Sources"), s.sources);
    }
  return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* query */

static int
cmd_query (int argc, char **argv)
{
  static char *since, *until, *caller, *operation, *status, *hub;
  static int limit = 50;
  GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only events at or after this time"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only events at or before this time"), N_("TIME") },
    { "caller", 0, 0, G_OPTION_ARG_STRING, &caller, N_("Only events whose caller contains these words"), N_("PRINCIPAL") },
    { "operation", 0, 0, G_OPTION_ARG_STRING, &operation, N_("Only events whose operation contains these words"), N_("OPERATION") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("Only events with this status (e.g. Succeeded, Failed)"), N_("STATUS") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, &hub, N_("Only events about this IoT hub"), N_("NAME") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N events (default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("query", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  g_autoptr(GPtrArray) rows = NULL;
  guint i;

  g_option_context_set_description (ctx,
    _("TEXT is searched in callers, operations, resources and event properties.\n"
      "Words must all match; \"a phrase\" matches in order; word* matches a prefix;\n"
      "OR and NOT combine terms; caller:WORD or operation:WORD limit a term to one field."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (limit <= 0)
    return usage_error (ctx, _("--limit must be positive"));
  if (!parse_time_arg (since, "--since", &filter->since, &error)
      || !parse_time_arg (until, "--until", &filter->until, &error))
    return usage_error (ctx, error->message);
  if (until && strlen (until) == 10)
    filter->until += 86400 * ATTEST_TICKS_PER_SECOND - 1;
  if (argc > 1)
    filter->text = g_strjoinv (" ", argv + 1);
  filter->caller = g_strdup (caller);
  filter->operation = g_strdup (operation);
  filter->status = g_strdup (status);
  filter->hub = g_strdup (hub);

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  rows = attest_store_query_events (store, filter, G_MAXINT64, limit, &error);
  if (rows == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_json)
    {
      g_autoptr(GString) out = g_string_new ("[");
      for (i = 0; i < rows->len; i++)
        {
          AttestEvent *e = g_ptr_array_index (rows, i);
          g_autofree char *raw = attest_store_get_event_raw (store, attest_event_get_id (e), NULL);

          if (i)
            g_string_append (out, ",\n");
          g_string_append (out, "{\"event_id\":");
          json_string (out, attest_event_get_event_id (e));
          g_string_append (out, ",\"time\":");
          json_string (out, attest_event_get_time (e));
          g_string_append (out, ",\"kind\":");
          json_string (out, attest_event_get_kind (e));
          g_string_append (out, ",\"caller\":");
          json_string (out, attest_event_get_caller (e));
          g_string_append (out, ",\"operation\":");
          json_string (out, attest_event_get_operation (e));
          g_string_append (out, ",\"status\":");
          json_string (out, attest_event_get_status (e));
          g_string_append (out, ",\"hub\":");
          json_string (out, attest_event_get_hub (e));
          g_string_append (out, ",\"resource_id\":");
          json_string (out, attest_event_get_resource_id (e));
          g_string_append (out, ",\"raw\":");
          g_string_append (out, raw ? raw : "null");
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]");
      g_print ("%s\n", out->str);
    }
  else
    {
      for (i = 0; i < rows->len; i++)
        {
          AttestEvent *e = g_ptr_array_index (rows, i);
          g_autofree char *caller_s = terminal_safe (attest_event_get_caller (e));
          g_autofree char *op_s = terminal_safe (attest_event_get_operation (e));
          g_autofree char *status_s = terminal_safe (attest_event_get_status (e));
          g_autofree char *hub_s = terminal_safe (attest_event_get_hub (e));

          g_print ("%.23s  %-10s %-32s %s%s%s\n", attest_event_get_time (e), status_s, caller_s, op_s,
                   hub_s[0] ? "  @" : "", hub_s);
        }
      if (rows->len == 0)
        g_printerr (_("No matching events.\n"));
    }
  return EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* verify-cache */

static int
cmd_verify_cache (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = command_context ("verify-cache", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  AttestChainReport report;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("verify-cache takes no arguments"));
  store = open_store (TRUE, &error);
  if (store == NULL || !attest_store_verify_chain (store, &report, NULL, &error))
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (opt_json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_string_append_printf (out, "{\"ok\":%s,\"sources\":%" G_GINT64_FORMAT ",\"links\":%" G_GINT64_FORMAT ",\"problem\":",
                              report.ok ? "true" : "false", report.sources, report.links);
      json_string (out, report.problem);
      g_string_append_c (out, '}');
      g_print ("%s\n", out->str);
    }
  else if (report.ok)
    g_print (_("OK: %" G_GINT64_FORMAT " records on %" G_GINT64_FORMAT " hash chains verify.\n"),
             report.links, report.sources);
  else
    g_print (_("BROKEN: %s\n"), report.problem);
  attest_chain_report_clear (&report);
  return report.ok ? EXIT_OK : EXIT_VERIFY;
}

/* ---------------------------------------------------------------------- */
/* settings */

static const struct {
  const char *key;
  const char *help;
  gboolean    is_file;   /* else a comma-separated list of JSON paths */
} setting_keys[] = {
  { "policy-file", N_("The governance policy the findings read (default: data/policy.ini)"), TRUE },
  { "model-name-paths", N_("Comma-separated JSON paths in a module twin's reported properties that name its model (default: model.name,modelName,model_name,aiModel.name)") },
  { "model-version-paths", N_("Comma-separated JSON paths that give the model's version (default: model.version,modelVersion,model_version,aiModel.version)") },
  { "metrics-accuracy-paths", N_("Comma-separated JSON paths in reported properties that give a module's field accuracy (attest-cli metrics)") },
  { "metrics-latency-paths", N_("… that give its inference latency in milliseconds") },
  { "metrics-cpu-paths", N_("… that give its CPU use in percent") },
  { "metrics-memory-paths", N_("… that give its memory use in MB") },
};

static int
cmd_settings (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = command_context ("settings", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GString) desc = g_string_new (_("Keys:\n"));
  guint i;
  int k = -1;

  for (i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    g_string_append_printf (desc, "  %s\n      %s\n", setting_keys[i].key, _(setting_keys[i].help));
  g_string_append (desc, _("Model paths apply to twins imported afterwards; metrics paths to the next query."));
  g_option_context_set_description (ctx, desc->str);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 3)
    return usage_error (ctx, _("too many arguments"));
  if (argc >= 2)
    {
      for (i = 0; i < G_N_ELEMENTS (setting_keys); i++)
        if (g_str_equal (argv[1], setting_keys[i].key))
          k = i;
      if (k < 0)
        {
          g_autofree char *msg = g_strdup_printf (_("unknown setting “%s”"), argv[1]);
          return usage_error (ctx, msg);
        }
    }

  store = open_store (argc < 3, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc == 3 && setting_keys[k].is_file)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[2]);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(AttestPolicy) policy = path ? attest_policy_load (path, &error) : NULL;

      /* Only a policy that reads cleanly is accepted. */
      if (policy == NULL)
        {
          g_printerr ("attest-cli: %s\n", error ? error->message : argv[2]);
          return EXIT_USAGE;
        }
      if (!attest_store_set_setting (store, argv[1], path, &error))
        {
          g_printerr ("attest-cli: %s\n", error->message);
          return EXIT_USAGE;
        }
      return EXIT_OK;
    }
  if (argc == 3)
    {
      g_auto(GStrv) parts = g_strsplit (argv[2], ",", -1);
      for (i = 0; parts[i]; i++)
        if (*g_strstrip (parts[i]) == '\0' || strchr (parts[i], ' ') != NULL)
          return usage_error (ctx, _("paths are dotted names separated by commas, without spaces"));
      {
        g_autofree char *value = g_strjoinv (",", parts);
        if (!attest_store_set_setting (store, argv[1], value, &error))
          {
            g_printerr ("attest-cli: %s\n", error->message);
            return EXIT_USAGE;
          }
      }
      return EXIT_OK;
    }
  for (i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      g_autofree char *v = NULL;

      if (k >= 0 && (int) i != k)
        continue;
      v = attest_store_get_setting (store, setting_keys[i].key);
      if (opt_json)
        {
          g_autoptr(GString) out = g_string_new (NULL);
          json_string (out, setting_keys[i].key);
          g_string_append_c (out, ':');
          json_string (out, v);
          g_print ("%s%s%s", i == 0 || k >= 0 ? "{" : ",", out->str,
                   i + 1 == G_N_ELEMENTS (setting_keys) || k >= 0 ? "}\n" : "");
        }
      else
        g_print ("%s = %s\n", setting_keys[i].key, v ? v : _("(default)"));
    }
  return EXIT_OK;
}

/* ---------------------------------------------------------------------- */

static void
print_usage (FILE *out)
{
  guint i;

  fprintf (out, "%s\n\n", _("Usage: attest-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Audit evidence for AI models on Azure IoT Edge fleets."));
  fprintf (out, "%s\n", _("Commands:"));
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Common options: --db PATH, --json.  Run attest-cli COMMAND --help for more."));
  fprintf (out, "%s\n", _("Exit status: 0 ok, 1 findings or verification failure, 2 usage or input error."));
}

int
main (int argc, char **argv)
{
  guint i;

  setlocale (LC_ALL, "");
  /* Debug and info messages must never mix with --json on stdout. */
  g_log_writer_default_set_use_stderr (TRUE);
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("attest-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("attest-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
