/* attest-cli-access.c: attest-cli access
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-access.h"
#include "attest-records.h"
#include "attest-time.h"

#include "attest-cli-private.h"

static void
append_change_json (GString            *out,
                    AttestAccessChange *c)
{
  g_autofree char *t = attest_time_format (c->time);
  guint k;

  g_string_append (out, "{\"time\":");
  json_string (out, t);
  g_string_append (out, ",\"area\":");
  json_string (out, attest_access_area_name (c->area));
  g_string_append (out, ",\"operation\":");
  json_string (out, c->operation);
  g_string_append (out, ",\"outcome\":");
  json_string (out, attest_access_outcome_name (c->outcome));
  g_string_append_printf (out, ",\"failed\":%s,\"status\":", c->outcome == ATTEST_ACCESS_FAILED ? "true" : "false");
  json_string (out, c->status);
  g_string_append (out, ",\"target\":");
  json_string (out, c->target);
  g_string_append (out, ",\"hub\":");
  json_string (out, c->hub);
  g_string_append (out, ",\"resource_id\":");
  json_string (out, c->resource_id);
  if (c->area == ATTEST_ACCESS_ROLE_ASSIGNMENT)
    {
      g_string_append (out, ",\"role\":{\"principal_id\":");
      json_string (out, c->role_principal_id);
      g_string_append (out, ",\"principal_type\":");
      json_string (out, c->role_principal_type);
      g_string_append (out, ",\"role_definition_id\":");
      json_string (out, c->role_definition_id);
      g_string_append (out, ",\"role_name\":");
      json_string (out, c->role_name);
      g_string_append (out, ",\"scope\":");
      json_string (out, c->role_scope);
      g_string_append_c (out, '}');
    }
  g_string_append (out, ",\"event_ids\":[");
  for (k = 0; k < c->event_ids->len; k++)
    {
      if (k)
        g_string_append_c (out, ',');
      json_string (out, g_ptr_array_index (c->event_ids, k));
    }
  g_string_append (out, "],\"row_ids\":[");
  for (k = 0; k < c->row_ids->len; k++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, k ? "," : "", g_array_index (c->row_ids, gint64, k));
  g_string_append (out, "]}");
}

int
cmd_access (int    argc,
            char **argv)
{
  static char *since, *until;
  GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Only changes at or after this time"), N_("TIME") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Only changes at or before this time"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = command_context ("access", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestStore) store = NULL;
  g_autoptr(GPtrArray) principals = NULL;
  gint64 t0, t1;
  guint i, j;

  g_option_context_set_description (ctx,
    _("Hub, edge deployment, model version and role-assignment changes per principal,\n"
      "failed attempts included.  IoT Hub resource logs record no caller; their\n"
      "configuration changes are listed under “(not recorded in resource logs)”."));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (ctx, error->message);
  if (argc > 1)
    return usage_error (ctx, _("access takes no arguments"));
  if (!parse_time_arg (since, "--since", &t0, &error) || !parse_time_arg (until, "--until", &t1, &error))
    return usage_error (ctx, error->message);
  if (until && strlen (until) == 10)
    t1 += 86400 * ATTEST_TICKS_PER_SECOND - 1;

  store = open_store (TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  principals = attest_access_changes (store, t0, t1, &error);
  if (principals == NULL)
    {
      g_printerr ("attest-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (opt_json)
    {
      g_autoptr(GString) out = g_string_new ("[");
      for (i = 0; i < principals->len; i++)
        {
          AttestAccessPrincipal *p = g_ptr_array_index (principals, i);

          g_string_append (out, i ? ",\n{\"principal\":" : "{\"principal\":");
          json_string (out, p->principal);
          g_string_append_printf (out, ",\"recorded\":%s,\"display_name\":", p->principal ? "true" : "false");
          json_string (out, p->display_name);
          g_string_append_printf (out, ",\"failed\":%u,\"changes\":[", p->n_failed);
          for (j = 0; j < p->changes->len; j++)
            {
              if (j)
                g_string_append (out, ",\n");
              append_change_json (out, g_ptr_array_index (p->changes, j));
            }
          g_string_append (out, "]}");
        }
      g_string_append (out, "]");
      g_print ("%s\n", out->str);
      return EXIT_OK;
    }

  for (i = 0; i < principals->len; i++)
    {
      AttestAccessPrincipal *p = g_ptr_array_index (principals, i);
      g_autofree char *who = terminal_safe (p->principal ? p->principal : _("(not recorded in resource logs)"));
      g_autofree char *name = terminal_safe (p->display_name);

      if (i)
        g_print ("\n");
      g_print ("%s%s%s%s  ", who, *name ? " (" : "", name, *name ? ")" : "");
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes", p->changes->len), p->changes->len);
      if (p->n_failed)
        g_print (g_dngettext (GETTEXT_PACKAGE, ", %u failed", ", %u failed", p->n_failed), p->n_failed);
      g_print ("\n");
      for (j = 0; j < p->changes->len; j++)
        {
          AttestAccessChange *c = g_ptr_array_index (p->changes, j);
          g_autofree char *iso = attest_time_format (c->time);
          g_autofree char *op = terminal_safe (c->operation);
          g_autofree char *target = terminal_safe (c->target);
          g_autofree char *hub = terminal_safe (c->hub);

          g_print ("  %.10s %.8s  %-10s %-16s %-40s %s%s%s", iso, iso + 11,
                   c->outcome == ATTEST_ACCESS_FAILED ? _("FAILED") :
                   c->outcome == ATTEST_ACCESS_NO_OUTCOME ? _("no outcome") : _("ok"),
                   attest_access_area_name (c->area), target, op, *hub ? "  @" : "", hub);
          if (c->area == ATTEST_ACCESS_ROLE_ASSIGNMENT && c->role_principal_id)
            {
              g_autofree char *role = terminal_safe (c->role_name ? c->role_name : c->role_definition_id);
              g_autofree char *grantee = terminal_safe (c->role_principal_id);
              g_autofree char *gtype = terminal_safe (c->role_principal_type);
              g_autofree char *scope = terminal_safe (c->role_scope);
              g_print (_("  [%s for %s %s at %s]"), role, gtype, grantee, scope);
            }
          g_print ("\n");
        }
    }
  if (principals->len == 0)
    g_printerr (_("No changes in that period.\n"));
  return EXIT_OK;
}
