/* attest-drift.h: desired vs reported, key by key (issue 3, question 5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each device or module twin, the newest stored snapshot (or the newest
 * at a given time) is compared:
 *
 * - $edgeAgent: for every desired modules.<m>: settings.image against the
 *   reported modules.<m>.settings.image, status against the reported
 *   runtimeStatus; desired $version against reported lastDesiredVersion;
 *   and a reported lastDesiredStatus.code other than 200.
 * - $edgeHub: only the $version / lastDesiredStatus part (its desired routes
 *   are never echoed in reported properties).
 * - any other twin: every desired leaf key (dotted path; $metadata and
 *   $version skipped) that reported also has is compared by value; desired
 *   keys reported lacks are "not reported".  Keys only in reported are
 *   ignored.
 *
 * A snapshot without a reported section (az iot hub state export) cannot
 * be judged and gives no differences.  Undated snapshots (state exports)
 * are used only for twins that have no dated one, and never with @at.
 *
 * "Drifting since" is the changed_at of the earliest snapshot of an unbroken
 * run, ending at the compared snapshot, in which the same difference (same
 * key, same desired and reported values) already existed.
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_DRIFT_ERROR (attest_drift_error_quark ())
GQuark attest_drift_error_quark (void);

typedef enum {
  ATTEST_DRIFT_ERROR_SQLITE,
  ATTEST_DRIFT_ERROR_NOT_FOUND,
} AttestDriftError;

typedef enum {
  ATTEST_DRIFT_DIFFERENT,     /* both sides have the key, values differ */
  ATTEST_DRIFT_NOT_REPORTED,  /* desired has the key, reported does not */
} AttestDriftKind;

typedef struct
{
  char            *key;          /* "modules.m.settings.image", "modules.m.status",
                                  * "$version", "lastDesiredStatus.code", "model.version" */
  AttestDriftKind  kind;
  char            *desired;      /* string values as is, others compact JSON */
  char            *reported;     /* likewise; NULL when not reported */
  char            *detail;       /* lastDesiredStatus.description, or NULL */
  gint64           since;        /* changed_at where this run began; ATTEST_TIME_NONE if undated */
  gint64           since_snapshot_id;
  gint64           since_twin_version; /* its twin version, -1 when none */
  guint            n_snapshots;  /* snapshots in the run (>= 1) */
} AttestDriftItem;

typedef struct
{
  char      *hub;
  char      *device_id;
  char      *module_id;       /* "" for the device twin */
  gint64     snapshot_id;     /* twin_snapshots.id compared: cite this */
  gint64     twin_version;    /* -1 when the export had none */
  gint64     changed_at;      /* ATTEST_TIME_NONE when undated */
  gboolean   has_reported;    /* FALSE: no reported section, nothing judged */
  GPtrArray *items;           /* AttestDriftItem, in key order of the twin */
  gint64     drifting_since;  /* earliest item since, ATTEST_TIME_NONE if in sync */
} AttestTwinDrift;

typedef struct
{
  const char *hub;        /* NULL: every hub */
  const char *device_id;  /* NULL: the fleet, drifting twins only */
  const char *module_id;  /* NULL: every twin of the device(s); "" device twin */
  gint64      at;         /* ATTEST_TIME_NONE: newest snapshot */
} AttestDriftQuery;

/* With @device_id every twin of that device is returned, in sync or not
 * (an unknown device is ATTEST_DRIFT_ERROR_NOT_FOUND); without it, only
 * twins with at least one difference.  Ordered by hub, device, module. */
GPtrArray *attest_drift_query          (AttestStore             *store,
                                        const AttestDriftQuery  *query,
                                        GError                 **error);

/* The differences in one twin's JSON, without "since" (set to
 * ATTEST_TIME_NONE): for callers holding a twin that is not stored. */
GPtrArray *attest_drift_diff_twin      (const char              *module_id,
                                        const char              *twin_json,
                                        gsize                    len,
                                        gboolean                *has_reported,
                                        GError                 **error);

void       attest_twin_drift_free      (AttestTwinDrift         *drift);
void       attest_drift_item_free      (AttestDriftItem         *item);

const char *attest_drift_kind_name     (AttestDriftKind          kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestTwinDrift, attest_twin_drift_free)

G_END_DECLS
