/* attest-lineage.h: data -> job -> model version -> deployments -> devices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_LINEAGE_ERROR (attest_lineage_error_quark ())

typedef enum
{
  ATTEST_LINEAGE_ERROR_INVALID,     /* not NAME:VERSION */
  ATTEST_LINEAGE_ERROR_NOT_FOUND,   /* no such device */
  ATTEST_LINEAGE_ERROR_AMBIGUOUS,   /* device id on several hubs */
} AttestLineageError;

GQuark attest_lineage_error_quark (void);

typedef enum
{
  ATTEST_LINEAGE_DATA,        /* registered data asset version (ml_assets kind 8) */
  ATTEST_LINEAGE_URI,         /* raw datastore path no data asset matches */
  ATTEST_LINEAGE_JOB,         /* training job (ml_assets kind 7) */
  ATTEST_LINEAGE_MODEL,       /* model version (ml_assets kind 6) */
  ATTEST_LINEAGE_DEPLOYMENT,  /* an IoT Edge deployment on a hub */
  ATTEST_LINEAGE_DEVICE,      /* a device running the model */
  ATTEST_LINEAGE_GAP,         /* a missing link: see reason */
} AttestLineageKind;

/* Stable lower-case names ("data", "uri", "job", "model", "deployment",
 * "device", "gap") for JSON and the GUI. */
const char *attest_lineage_kind_name (AttestLineageKind kind);

typedef struct
{
  guint              index;       /* position in AttestLineage.nodes */
  AttestLineageKind  kind;
  /* Unique within the graph: "data:NAME:VER", "uri:URI", "job:NAME",
   * "model:NAME:VER", "deployment:HUB/CONFIG", "device:HUB/DEVICE",
   * "gap:<what>:<ref of the node it hangs off>". */
  char              *ref;
  char              *label;       /* short text for a graph widget */
  char              *scope;       /* ML workspace/registry or IoT hub name, or NULL */
  /* Which table record_ids refer to: "ml_assets", "deployment_versions",
   * "twin_snapshots" (the snapshots that show the model), or NULL. */
  const char        *record_table;
  GArray            *record_ids;  /* gint64, ascending */
  gint64             time;        /* created (assets, first deployment
                                   * version) or snapshot time (devices);
                                   * ATTEST_TIME_NONE if unknown */
  gboolean           gap;         /* the chain is broken at this node */
  char              *reason;      /* plain sentence when gap (translated) */
  char              *note;        /* how a link was resolved, e.g. "@latest
                                   * resolved to version 3", or NULL */
} AttestLineageNode;

typedef struct
{
  guint   from;          /* node index, upstream side */
  guint   to;            /* node index, downstream side */
  /* "input:<name>" (data/uri -> job), "produced" (job -> model),
   * "deploys" (model -> deployment), "runs" (deployment or model ->
   * device), "missing" (to or from a gap node) */
  char   *relation;
  gint64  edge_id;       /* lineage_edges.id or 0 */
} AttestLineageLink;

typedef struct
{
  char      *model_name;   /* the model asked about; NULL for --device */
  char      *model_version;
  gint64     at;           /* ATTEST_TIME_NONE = latest state */
  GPtrArray *nodes;        /* AttestLineageNode */
  GPtrArray *edges;        /* AttestLineageLink */
} AttestLineage;

void           attest_lineage_free        (AttestLineage *lineage);

/* "name:version" -> name and version (the name may contain ':'; the last
 * ':' splits).  FALSE for text without a non-empty name and version. */
gboolean       attest_lineage_parse_model (const char    *text,
                                           char         **name,
                                           char         **version);

/* The graph for one model version: its data assets and training jobs
 * (upstream), the deployment versions whose module image is this model
 * version and the devices whose latest twin snapshot at or before @at
 * (ATTEST_TIME_NONE: the newest) shows it (downstream).  Deployments at
 * @at are those with a version created at or before @at. */
AttestLineage *attest_lineage_for_model   (AttestStore   *store,
                                           const char    *name,
                                           const char    *version,
                                           gint64         at,
                                           GError       **error);

/* Back from a device: every model version it runs at @at, each with its
 * upstream chain and the deployments on the device's hub that deploy it.
 * @hub may be NULL when the device id is unique. */
AttestLineage *attest_lineage_for_device  (AttestStore   *store,
                                           const char    *hub,
                                           const char    *device_id,
                                           gint64         at,
                                           GError       **error);

/* The node with @ref, or NULL. */
AttestLineageNode *attest_lineage_find    (AttestLineage *lineage,
                                           const char    *ref);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestLineage, attest_lineage_free)

G_END_DECLS
