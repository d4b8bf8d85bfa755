/* attest-records.h: the records importers and connectors hand to the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain structs of borrowed strings: the producer owns the memory until the
 * attest_store_writer_add_*() call returns.  `raw` is always the record's
 * original JSON text (secrets already redacted by the producer).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_TIME_NONE G_MININT64

typedef enum {
  ATTEST_KIND_EVENT = 1,
  ATTEST_KIND_TWIN = 2,
  ATTEST_KIND_IDENTITY = 3,
  ATTEST_KIND_DEPLOYMENT = 4,
  ATTEST_KIND_MODEL_CONTAINER = 5,
  ATTEST_KIND_MODEL_VERSION = 6,
  ATTEST_KIND_JOB = 7,
  ATTEST_KIND_DATA_VERSION = 8,
  ATTEST_KIND_WAIVER = 9,
  ATTEST_N_KINDS
} AttestRecordKind;

typedef struct
{
  const char *name;          /* IoT Hub name, e.g. "contoso-hub" */
  const char *location;      /* Azure region, may be NULL */
  const char *resource_id;   /* ARM id, may be NULL */
  const char *sku;           /* e.g. "S1", may be NULL */
} AttestHubInfo;

typedef struct
{
  const char *event_id;      /* eventDataId, or "sha256:<hex>" of the canonical record */
  gint64      time;          /* ticks */
  const char *kind;          /* "activity" | "resource-log" */
  const char *category;
  const char *caller;
  const char *operation;
  const char *status;
  const char *level;
  const char *resource_id;
  const char *hub;           /* lower-case hub name when the resource is an IoT hub */
  const char *target;        /* device or configuration id named by the event */
  const char *correlation_id;
  const char *search;        /* lean full-text: decoded values, no JSON keys */
  const char *raw;
  gsize       raw_len;
} AttestEventRecord;

typedef struct
{
  const char *module_id;
  const char *model_name;
  const char *model_version;
  const char *via;           /* "reported" (JSON path) or "image" (tag) */
  const char *image;         /* reported (running) image */
  const char *desired_image;
  const char *runtime_status;
} AttestModuleModel;

typedef struct
{
  const char *hub;
  const char *device_id;
  const char *module_id;     /* NULL or "" for device twins */
  gint64      twin_version;  /* -1 when the export has none */
  const char *content_sha;   /* hex SHA-256 of the canonical twin (the key when version is absent) */
  gint64      desired_version;   /* -1 when absent */
  gint64      reported_version;  /* -1 when absent */
  const char *etag;
  gint64      changed_at;    /* newest $metadata.$lastUpdated, ATTEST_TIME_NONE if unknown */
  const char *status;
  const char *connection_state;
  gint64      last_activity; /* ATTEST_TIME_NONE if unknown */
  const char *auth_type;
  int         is_edge;       /* -1 unknown */
  const char *tags;          /* JSON text or NULL */
  const char *region;        /* from the tags (region/location), NULL if none */
  const char *edge_runtime;  /* $edgeAgent reported version.version */
  const char *raw;
  gsize       raw_len;
  const AttestModuleModel *models;
  guint       n_models;
} AttestTwinRecord;

typedef struct
{
  const char *hub;
  const char *device_id;
  const char *module_id;     /* NULL or "" for device identities */
  const char *content_sha;
  const char *auth_type;
  const char *status;
  const char *connection_state;
  const char *managed_by;
  int         is_edge;
  const char *parent;
  const char *raw;           /* symmetric keys already removed */
  gsize       raw_len;
} AttestIdentityRecord;

typedef struct
{
  const char *module_id;
  const char *image;
  const char *model_name;
  const char *model_version;
} AttestDeploymentModule;

typedef struct
{
  const char *hub;
  const char *config_id;
  const char *kind;          /* "edge" | "device" | "module" */
  const char *etag;          /* natural key with hub + id; "sha256:…" when absent */
  gint64      priority;      /* G_MININT64 when absent */
  const char *target_condition;
  const char *schema_version;
  gint64      created_at;
  gint64      updated_at;
  const char *labels;        /* JSON */
  const char *content;       /* JSON */
  gint64      targeted;      /* -1 when not evaluated */
  gint64      applied;
  gint64      reported_ok;
  gint64      reported_failed;
  const char *raw;
  gsize       raw_len;
  const AttestDeploymentModule *modules;
  guint       n_modules;
} AttestDeploymentRecord;

typedef struct
{
  AttestRecordKind kind;     /* MODEL_CONTAINER, MODEL_VERSION, JOB or DATA_VERSION */
  const char *registry;      /* workspace or registry, from the ARM id */
  const char *name;
  const char *version;       /* NULL for containers and jobs */
  const char *description;
  const char *type;          /* modelType, dataType or jobType */
  const char *uri;           /* modelUri or dataUri */
  const char *job_name;
  const char *status;        /* job status or model stage */
  const char *experiment;    /* jobs */
  const char *display_name;
  gint64      created_at;
  const char *created_by;
  const char *created_by_type;
  const char *tags;          /* JSON */
  const char *properties;    /* JSON */
  int         is_archived;   /* -1 unknown */
  const char *raw;
  gsize       raw_len;
} AttestAssetRecord;

typedef struct
{
  const char *registry;
  const char *src_kind;      /* "data" | "uri" | "job" | "model" */
  const char *src_ref;
  const char *dst_kind;
  const char *dst_ref;
  const char *relation;      /* "input:<name>" | "output:<name>" | "produced" */
} AttestLineageEdge;

/* An officer's decision not to act on a finding, with the reason. */
typedef struct
{
  const char *finding_id;    /* stable id, "<rule>:<hex>" */
  const char *rule;
  const char *reason;
  const char *waived_by;
  gint64      created_at;    /* ticks */
} AttestWaiverRecord;

G_END_DECLS
