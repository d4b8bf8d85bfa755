/* attest-fleet-private.h: what the fleet and device-history questions share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* "registry.azurecr.io/team/defect-detector:3.2.1@sha256:…" ->
 * "defect-detector", "3.2.1" (either NULL when absent). */
void        _attest_split_image          (const char  *image,
                                          char       **name,
                                          char       **version);

/* What one $edgeAgent twin says about deployments. */
typedef struct
{
  GStrv       applied;          /* configurations with status "Applied" */
  GStrv       targeted;         /* every other listed configuration */
  GHashTable *status;           /* configuration id -> status */
  GHashTable *updated_by;       /* module id -> desired $lastUpdatedBy */
  char       *edge_runtime;     /* reported version.version */
} AttestAgentInfo;

/* Parses the raw JSON of a $edgeAgent twin; FALSE if it is not JSON. */
gboolean    _attest_agent_info_parse     (const char      *raw,
                                          gsize            len,
                                          AttestAgentInfo *info);
void        _attest_agent_info_clear     (AttestAgentInfo *info);

/* Every deployment version of the workspace, to find the one in effect. */
typedef struct _AttestDeployIndex AttestDeployIndex;

AttestDeployIndex *_attest_deploy_index_new    (sqlite3           *db,
                                                GError           **error);
void               _attest_deploy_index_free   (AttestDeployIndex *index);
/* The deployment_versions row of (@hub_id, @config_id) in effect at @at:
 * the newest updated (or created) at or before @at, else the oldest; 0
 * when the deployment is unknown. */
gint64             _attest_deploy_index_lookup (AttestDeployIndex *index,
                                                gint64             hub_id,
                                                const char        *config_id,
                                                gint64             at);

gboolean    _attest_fleet_sql_error         (sqlite3     *db,
                                          const char  *what,
                                          GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestDeployIndex, _attest_deploy_index_free)

G_END_DECLS
