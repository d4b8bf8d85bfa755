/* attest-deployments.h: the timeline of edge deployments (issue 3, question 4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every stored version of every IoT Edge deployment / configuration, oldest
 * first, with the models it deploys, its rollout phase and the rollbacks
 * among them.  Read-only over the store.
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

#include "attest-version.h"

G_BEGIN_DECLS

#define ATTEST_DEPLOYMENTS_ERROR (attest_deployments_error_quark ())
GQuark attest_deployments_error_quark (void);

typedef enum {
  ATTEST_DEPLOYMENTS_ERROR_SQLITE,
  ATTEST_DEPLOYMENTS_ERROR_INVALID,
} AttestDeploymentsError;

/* Share of a hub's edge devices below which a deployment is a canary. */
#define ATTEST_DEFAULT_CANARY_SHARE 0.10

typedef enum {
  ATTEST_ROLLOUT_UNKNOWN,
  ATTEST_ROLLOUT_CANARY,
  ATTEST_ROLLOUT_FLEET,
} AttestRolloutPhase;

/* What the phase was derived from (attest_rollout_basis_name()). */
typedef enum {
  ATTEST_ROLLOUT_BASIS_NONE,           /* nothing to go on: phase unknown */
  ATTEST_ROLLOUT_BASIS_TARGETED_SHARE, /* targeted / hub edge devices vs the threshold */
  ATTEST_ROLLOUT_BASIS_LABELS,         /* labels.ring: canary|pilot vs fleet|prod… */
  ATTEST_ROLLOUT_BASIS_TARGET_CONDITION, /* "*" fleet; ring/canary/pilot or one deviceId canary; else fleet */
} AttestRolloutBasis;

/* One module of a deployment and the model it carries (deployment_modules:
 * the image tag split as registry/…/<name>:<version>). */
typedef struct
{
  char *module_id;
  char *image;
  char *model_name;        /* NULL when the image has no name */
  char *model_version;     /* NULL when the image has no tag */
} AttestDeployedModel;

/* One stored version (etag) of a configuration. */
typedef struct
{
  gint64              version_id;      /* deployment_versions.id: cite this */
  gint64              deployment_id;   /* deployments.id */
  char               *hub;
  char               *config_id;
  char               *kind;            /* "edge", "module" or "device" */
  char               *etag;
  gint64              created_at;      /* ticks; ATTEST_TIME_NONE when unknown */
  gint64              updated_at;      /* lastUpdatedTimeUtc ("changed") */
  gint64              at;              /* updated_at, else created_at: the version's time */
  gboolean            has_priority;
  gint64              priority;
  char               *target_condition;
  char               *labels;          /* canonical JSON object, or NULL */
  gint64              targeted;        /* systemMetrics counts; -1 when absent */
  gint64              applied;
  gint64              reported_ok;
  gint64              reported_failed;
  GPtrArray          *models;          /* AttestDeployedModel, by module id */
  gint64              hub_edge_devices;/* edge devices of the hub in the cache now */
  double              target_share;    /* targeted / hub_edge_devices, -1 when unknown */
  AttestRolloutPhase  phase;
  AttestRolloutBasis  phase_basis;
  gboolean            rollback;        /* the configuration is a rollback (see AttestRollback) */
} AttestDeploymentVersion;

/* A configuration that deploys an older version of a model family than the
 * configuration of that family created just before it on the same hub. */
typedef struct
{
  char   *hub;
  char   *model_name;
  char   *from_version;         /* what the previous deployment deployed */
  char   *to_version;           /* the older version this one returns to */
  gint64  at;                   /* created_at of the rolling-back configuration */
  char   *config_id;
  gint64  version_id;           /* its first stored version */
  char   *previous_config_id;
  gint64  previous_version_id;  /* previous config's newest version at @at (else its first) */
} AttestRollback;

typedef struct
{
  const char *hub;          /* NULL: every hub */
  gint64      since;        /* ATTEST_TIME_NONE: open */
  gint64      until;        /* ATTEST_TIME_NONE: open */
  double      canary_share; /* <= 0: ATTEST_DEFAULT_CANARY_SHARE */
} AttestDeploymentQuery;

typedef struct
{
  GPtrArray *versions;      /* AttestDeploymentVersion, by at, hub, config, id */
  GPtrArray *rollbacks;     /* AttestRollback, by at */
} AttestDeploymentTimeline;

/* Versions and rollbacks whose time (at) lies in [since, until]; rollbacks
 * are detected over the whole history, not just the window. */
AttestDeploymentTimeline *attest_deployment_timeline      (AttestStore                 *store,
                                                           const AttestDeploymentQuery *query,
                                                           GError                     **error);
void                      attest_deployment_timeline_free (AttestDeploymentTimeline    *timeline);

const char               *attest_rollout_phase_name       (AttestRolloutPhase           phase);
const char               *attest_rollout_basis_name       (AttestRolloutBasis           basis);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestDeploymentTimeline, attest_deployment_timeline_free)

G_END_DECLS
