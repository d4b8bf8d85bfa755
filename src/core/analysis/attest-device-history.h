/* attest-device-history.h: every model change on one device, and who was behind it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only over the workspace.  Per module, the model series comes from
 * the module's own twin snapshots (model it reports, via "reported") or,
 * for a module that never reports one, from the running image tag in the
 * $edgeAgent snapshots (via "image").  Snapshots without a change time
 * (state exports) are not part of a history.  Times are ticks
 * (attest-time.h), ATTEST_TIME_NONE when unknown; ids are row ids of
 * twin_snapshots, deployment_versions and audit_events.
 */
#pragma once

#include <glib.h>

#include "attest-fleet.h"
#include "attest-store.h"

G_BEGIN_DECLS

/* An audit event cited for a change. */
typedef struct
{
  gint64  row_id;        /* audit_events.id */
  char   *event_id;      /* audit_events.event_id (eventDataId or sha256:…) */
  gint64  at;
  char   *kind;          /* "activity" | "resource-log" */
  char   *category;
  char   *operation;
  char   *caller;        /* NULL for IoT Hub resource logs, which name none */
  char   *status;
  /* "configuration": an IoT Hub Configurations resource-log record whose
   * target is the deployment (within 30 days before the change);
   * "hub-access": an activity-log event on the same hub within the hour
   * before such a record (or before the deployment's creation time when
   * no record exists), e.g. the listkeys call that preceded it. */
  char   *role;
} AttestHistoryEvent;

typedef struct
{
  char       *hub;
  char       *module_id;
  char       *via;                 /* "reported" | "image" */
  char       *from_name;           /* NULL for the first model seen */
  char       *from_version;
  char       *to_name;
  char       *to_version;
  /* The first snapshot showing the new model, and the last one showing
   * the old (0 / ATTEST_TIME_NONE for the first model seen): the change
   * happened in (prev_at, observed_at]. */
  gint64      snapshot_id;
  gint64      twin_version;
  gint64      observed_at;
  gint64      prev_snapshot_id;
  gint64      prev_at;
  /* Best estimate of the change time: the reported $metadata.$lastUpdated
   * of the model property when it lies in that interval, else
   * observed_at. */
  gint64      at;
  /* The deployment behind it: $lastUpdatedBy of the module in the desired
   * properties of the $edgeAgent snapshot in effect at the change (the
   * newest one at or before it whose desired image names the new
   * version, else the newest at or before it), or of the module twin's
   * own desired properties (deployment_source "edgeAgent" or
   * "module-twin"); its status in the "configurations" map; the
   * deployment_versions row in effect at `at`; the version's
   * labels.createdBy (a claim by whoever wrote the deployment). */
  gint64      agent_snapshot_id;
  char       *deployment;
  char       *deployment_source;
  char       *deployment_status;
  gint64      deployment_version_id;
  char       *label_created_by;
  /* Audit trail: the events above (by time) and the distinct callers of
   * the "hub-access" ones, the actors that could have made the change. */
  GPtrArray  *events;              /* AttestHistoryEvent */
  GStrv       actors;
} AttestModelChange;

void        attest_history_event_free  (AttestHistoryEvent *event);
void        attest_model_change_free   (AttestModelChange  *change);

/* Every model change of @device_id (on @hub, or on every hub that has
 * it when NULL), sorted by hub, module and time.  ATTEST_FLEET_ERROR_NOT_FOUND
 * when the device has no twin snapshot.  Returns a GPtrArray of
 * AttestModelChange, or NULL with @error set. */
GPtrArray  *attest_device_history      (AttestStore  *store,
                                        const char   *device_id,
                                        const char   *hub,
                                        GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestModelChange, attest_model_change_free)

G_END_DECLS
