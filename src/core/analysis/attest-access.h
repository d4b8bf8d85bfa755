/* attest-access.h: who changed deployments, model versions and role
 * assignments, from the activity log and IoT Hub resource logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

G_BEGIN_DECLS

typedef enum
{
  ATTEST_ACCESS_HUB,              /* Microsoft.Devices/IotHubs/write|delete */
  ATTEST_ACCESS_DEPLOYMENT,       /* …/IotHubs/configurations/… (ARM) or a
                                   * Configurations resource-log write */
  ATTEST_ACCESS_MODEL,            /* …/workspaces/models[/versions]/write|delete */
  ATTEST_ACCESS_ROLE_ASSIGNMENT,  /* Microsoft.Authorization/roleAssignments/write|delete */
} AttestAccessArea;

/* "hub", "deployment", "model", "role-assignment" */
const char *attest_access_area_name (AttestAccessArea area);

typedef enum
{
  ATTEST_ACCESS_SUCCEEDED,
  ATTEST_ACCESS_FAILED,
  ATTEST_ACCESS_NO_OUTCOME,       /* only Started/Accepted events were seen */
} AttestAccessOutcome;

/* "succeeded", "failed", "no-outcome" */
const char *attest_access_outcome_name (AttestAccessOutcome outcome);

/* One change: the events of one ARM operation (grouped by correlation id,
 * operation and resource: Started + Succeeded are one change), or one
 * resource-log record. */
typedef struct
{
  gint64               time;          /* ticks of the last event */
  char                *operation;     /* as logged */
  AttestAccessArea     area;
  AttestAccessOutcome  outcome;
  char                *status;        /* final status as logged ("" for resource
                                       * logs without a result type) */
  char                *resource_id;
  char                *hub;           /* IoT hub name (lower-case; for role
                                       * assignments also from the scope) or NULL */
  /* What was changed, in words the officer knows: configuration id, model
   * "name:version", role-assignment name (GUID), or hub name. */
  char                *target;
  /* Role assignments only (decoded from properties.requestbody or
   * responseBody); NULL when the log did not carry them. */
  char                *role_principal_id;
  char                *role_principal_type;
  char                *role_definition_id;   /* the GUID at the end of the id */
  char                *role_name;            /* built-in role name, or NULL */
  char                *role_scope;
  GArray              *row_ids;       /* gint64 audit_events.id, ascending */
  GPtrArray           *event_ids;     /* char*: eventDataId / record key, same order */
} AttestAccessChange;

typedef struct
{
  /* The caller as logged (UPN, app id or object id); NULL for changes
   * from resource logs, which record no caller. */
  char      *principal;
  char      *display_name;   /* the "name" claim when logged, else NULL */
  GPtrArray *changes;        /* AttestAccessChange, oldest first */
  guint      n_failed;
} AttestAccessPrincipal;

void       attest_access_principal_free (AttestAccessPrincipal *principal);

/* Every principal who changed a hub, an edge deployment, a model version
 * or a role assignment between @since and @until (inclusive; either may
 * be ATTEST_TIME_NONE).  Failed attempts are included and flagged.
 * Principals sort by caller (case-insensitive); the resource-log entry
 * (principal NULL) comes last. */
GPtrArray *attest_access_changes        (AttestStore  *store,
                                         gint64        since,
                                         gint64        until,
                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestAccessPrincipal, attest_access_principal_free)

G_END_DECLS
