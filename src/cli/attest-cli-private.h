/* attest-cli-private.h: what the command files of attest-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define EXIT_OK       0
#define EXIT_VERIFY   1   /* findings or verification failure */
#define EXIT_USAGE    2   /* usage or input error */

typedef struct
{
  const char *name;
  const char *args;
  const char *summary;
  int (*run) (int argc, char **argv);
} AttestCliCommand;

/* --db and --json, parsed by every command's context. */
extern char     *opt_db;
extern gboolean  opt_json;

/* A command's option context: usage line, summary, its entries plus the
 * common ones.  @name must be in the command table of attest-cli.c. */
GOptionContext *command_context (const char     *name,
                                 GOptionEntry   *entries);
int             usage_error     (GOptionContext *ctx,
                                 const char     *message);
AttestStore    *open_store      (gboolean        readonly,
                                 GError        **error);
/* "2026-03-01" or any Azure timestamp; NULL gives ATTEST_TIME_NONE. */
gboolean        parse_time_arg  (const char     *arg,
                                 const char     *option,
                                 gint64         *out,
                                 GError        **error);
/* Appends @s as a JSON string (or null). */
void            json_string     (GString        *out,
                                 const char     *s);
/* "2026-03-01 12:00:00 UTC"; @unknown (or "-") for ATTEST_TIME_NONE. */
char           *human_time      (gint64          ticks);
char           *human_time_or   (gint64          ticks,
                                 const char     *unknown);
/* Appends a time as ISO text, or null. */
void            json_time       (GString        *out,
                                 gint64          ticks);
/* Appends a record id, or null when @id <= 0. */
void            json_id         (GString        *out,
                                 gint64          id);
/* Text from imported files made safe for a terminal: controls and bidi
 * overrides become visible \uXXXX escapes. */
char           *terminal_safe   (const char     *s);
/* The same, with "-" for NULL. */
char           *terminal_safe_or_dash (const char *s);
int cmd_metrics (int argc, char **argv);
int cmd_costs (int argc, char **argv);
int cmd_deployments (int argc, char **argv);
int cmd_drift (int argc, char **argv);
int cmd_lineage (int argc, char **argv);
int cmd_fleet (int argc, char **argv);
int cmd_device (int argc, char **argv);
int cmd_access (int argc, char **argv);

int cmd_findings (int argc, char **argv);
int cmd_waive (int argc, char **argv);

G_END_DECLS
