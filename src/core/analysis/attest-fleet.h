/* attest-fleet.h: the fleet at an instant (which model every module ran)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only over the workspace.  For an instant T, every (hub, device,
 * module) is described by its newest twin snapshot whose change time
 * (newest desired/reported $metadata.$lastUpdated) is at or before T; a
 * snapshot without a change time (a state export) is used only when the
 * twin has no dated snapshot at all, and the result says so (`undated`).
 *
 * All times are ticks (attest-time.h); ATTEST_TIME_NONE means unknown.
 * Row ids (snapshot ids, deployment version ids) are the primary keys of
 * twin_snapshots and deployment_versions, so findings can cite them.
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_FLEET_ERROR (attest_fleet_error_quark ())
GQuark attest_fleet_error_quark (void);

typedef enum {
  ATTEST_FLEET_ERROR_NOT_FOUND,   /* no such hub or device in the workspace */
  ATTEST_FLEET_ERROR_AMBIGUOUS,   /* device id on several hubs, no hub given */
} AttestFleetError;

typedef enum {
  ATTEST_FLEET_SYNC_UNKNOWN = 0,  /* desired or running model not known */
  ATTEST_FLEET_SYNC_MATCH,        /* running model version = desired image tag */
  ATTEST_FLEET_SYNC_DRIFT,        /* they differ */
} AttestFleetSync;

/* One module of a device at T. */
typedef struct
{
  char            *module_id;
  /* What ran: the model the module reports in its own twin (via
   * "reported"), else the tag of the running image from the $edgeAgent
   * twin (via "image"); NULL name/version/via when neither is known. */
  char            *model_name;
  char            *model_version;
  char            *via;
  /* The snapshot behind model_* (a module twin for "reported", the
   * $edgeAgent twin for "image"); 0 when none. */
  gint64           snapshot_id;
  gint64           twin_version;      /* its twin $version, -1 if unknown */
  gint64           snapshot_at;       /* its change time */
  gboolean         undated;           /* that snapshot has no change time */
  /* Since when the module ran this model: the change time of the earliest
   * snapshot of the unbroken run of snapshots (same twin, by change time)
   * ending at snapshot_id that all show the same name and version. */
  gint64           since;
  gint64           since_snapshot_id;
  /* From the $edgeAgent snapshot at T (agent_snapshot_id, 0 if none):
   * images desired (deployment) and running (reported by edgeAgent),
   * the runtime status, and the model the desired image tag names. */
  gint64           agent_snapshot_id;
  char            *desired_image;
  char            *running_image;
  char            *runtime_status;
  char            *desired_name;
  char            *desired_version;
  AttestFleetSync  sync;              /* desired_version vs model_version */
  gboolean         agent_lists;       /* the $edgeAgent snapshot names the module
                                       * (FALSE: removed, or no $edgeAgent twin) */
  /* The deployment that set this module in $edgeAgent's desired
   * properties ($metadata.modules.<module>.$lastUpdatedBy), its status in
   * the twin's "configurations" map ("Applied", "Targeted", or NULL when
   * not listed) and the deployment_versions row in effect at T (the
   * newest version updated at or before T, else the oldest; 0 if the
   * deployment was never imported). */
  char            *deployment;
  char            *deployment_status;
  gint64           deployment_version_id;
} AttestFleetModule;

/* One device at T, with its modules sorted by module id. */
typedef struct
{
  char        *hub;
  char        *hub_location;          /* the hub's Azure region */
  char        *device_id;
  char        *region;                /* device tag (region/location/…), latest known */
  /* From the device twin snapshot at T (device_snapshot_id, 0 if none). */
  gint64       device_snapshot_id;
  gint64       device_twin_version;
  gboolean     device_undated;
  char        *auth_type;
  char        *status;                /* enabled / disabled */
  char        *connection_state;
  gint64       last_activity;
  /* From the $edgeAgent snapshot at T (0 if none): the runtime version it
   * reports and the twin's "configurations" map split by status. */
  gint64       agent_snapshot_id;
  gint64       agent_twin_version;
  gboolean     agent_undated;
  char        *edge_runtime;
  GStrv        applied;               /* configuration ids with status "Applied" */
  GStrv        targeted;              /* every other listed configuration */
  GPtrArray   *modules;               /* AttestFleetModule */
} AttestFleetDevice;

void        attest_fleet_module_free   (AttestFleetModule *module);
void        attest_fleet_device_free   (AttestFleetDevice *device);

/* Every device known at @at (ticks; ATTEST_TIME_NONE for "now", i.e. the
 * newest snapshots), on @hub (NULL for all hubs), sorted by hub and
 * device id.  Custom modules are those with a module twin snapshot or an
 * entry in $edgeAgent's desired/reported modules; $edgeAgent and $edgeHub
 * are described by the device itself.  Returns a GPtrArray of
 * AttestFleetDevice, or NULL with @error set. */
GPtrArray  *attest_fleet_at            (AttestStore  *store,
                                        gint64        at,
                                        const char   *hub,
                                        GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestFleetModule, attest_fleet_module_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestFleetDevice, attest_fleet_device_free)

G_END_DECLS
