/* attest-store.h: the workspace cache (one SQLite file)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "attest-types.h"
#include "attest-records.h"

G_BEGIN_DECLS

#define ATTEST_STORE_ERROR (attest_store_error_quark ())
GQuark attest_store_error_quark (void);

typedef enum {
  ATTEST_STORE_ERROR_SQLITE,
  ATTEST_STORE_ERROR_TOO_NEW,
  ATTEST_STORE_ERROR_NOT_FOUND,
  ATTEST_STORE_ERROR_INVALID,
  ATTEST_STORE_ERROR_CHAIN,
} AttestStoreError;

#define ATTEST_STORE_SCHEMA_VERSION 4

typedef struct
{
  gint64 hubs;
  gint64 devices;
  gint64 modules;
  gint64 twin_snapshots;
  gint64 identities;
  gint64 deployments;
  gint64 deployment_versions;
  gint64 model_containers;
  gint64 model_versions;
  gint64 jobs;
  gint64 data_versions;
  gint64 lineage_edges;
  gint64 audit_events;
  gint64 waivers;
  gint64 sources;
  gint64 fts_pending;
  gint64 first_event;        /* ticks, ATTEST_TIME_NONE when empty */
  gint64 last_event;
  gint64 last_import;        /* ticks, ATTEST_TIME_NONE when never */
} AttestStoreStats;

typedef struct
{
  gint64 new_records;
  gint64 duplicates;
  gint64 by_kind[ATTEST_N_KINDS];
} AttestImportCounts;

typedef enum {
  ATTEST_STORE_OPEN_DEFAULT = 0,
  ATTEST_STORE_OPEN_READONLY = 1 << 0,
} AttestStoreOpenFlags;

AttestStore      *attest_store_open            (const char           *path,
                                                AttestStoreOpenFlags  flags,
                                                GError              **error);
AttestStore      *attest_store_ref             (AttestStore          *store);
void              attest_store_unref           (AttestStore          *store);
const char       *attest_store_get_path        (AttestStore          *store);
sqlite3          *attest_store_get_db          (AttestStore          *store);
char             *attest_store_default_path    (void);

gboolean          attest_store_get_stats       (AttestStore          *store,
                                                AttestStoreStats     *stats,
                                                GError              **error);

/* Settings kept in the workspace (not secrets: those live in the Secret
 * Service).  Returns a newly allocated string or NULL. */
char             *attest_store_get_setting     (AttestStore          *store,
                                                const char           *key);
gboolean          attest_store_set_setting     (AttestStore          *store,
                                                const char           *key,
                                                const char           *value,
                                                GError              **error);

/* Full-text indexing of events committed by a writer runs after the rows
 * are browsable (PERF.md, 0.2); it is resumable and idempotent. */
gboolean          attest_store_index_pending   (AttestStore          *store,
                                                GCancellable         *cancellable,
                                                GError              **error);

/* Writer: one transaction per import; nothing lands unless committed. */
AttestStoreWriter *attest_store_writer_begin   (AttestStore          *store,
                                                const char           *source_kind,
                                                const char           *source_name,
                                                const char           *locator,
                                                GError              **error);
gboolean          attest_store_writer_set_hub  (AttestStoreWriter    *writer,
                                                const AttestHubInfo  *hub,
                                                GError              **error);
gboolean          attest_store_writer_add_event (AttestStoreWriter   *writer,
                                                const AttestEventRecord *rec,
                                                gboolean             *added,
                                                GError              **error);
gboolean          attest_store_writer_add_twin (AttestStoreWriter    *writer,
                                                const AttestTwinRecord *rec,
                                                gboolean             *added,
                                                GError              **error);
gboolean          attest_store_writer_add_identity (AttestStoreWriter *writer,
                                                const AttestIdentityRecord *rec,
                                                gboolean             *added,
                                                GError              **error);
gboolean          attest_store_writer_add_deployment (AttestStoreWriter *writer,
                                                const AttestDeploymentRecord *rec,
                                                gboolean             *added,
                                                GError              **error);
gboolean          attest_store_writer_add_asset (AttestStoreWriter   *writer,
                                                const AttestAssetRecord *rec,
                                                gboolean             *added,
                                                GError              **error);
gboolean          attest_store_writer_add_waiver (AttestStoreWriter  *writer,
                                                const AttestWaiverRecord *rec,
                                                GError              **error);
gboolean          attest_store_writer_add_lineage (AttestStoreWriter *writer,
                                                const AttestLineageEdge *edge,
                                                GError              **error);
const AttestImportCounts *attest_store_writer_get_counts (AttestStoreWriter *writer);
gboolean          attest_store_writer_commit   (AttestStoreWriter    *writer,
                                                const char           *content_sha256,
                                                const char           *format,
                                                GError              **error);
void              attest_store_writer_free     (AttestStoreWriter    *writer);

/* Tamper evidence. */
typedef struct
{
  gint64  sources;
  gint64  links;
  gboolean ok;
  char   *problem;          /* first broken link, in words; NULL when ok */
} AttestChainReport;

gboolean          attest_store_verify_chain    (AttestStore          *store,
                                                AttestChainReport    *report,
                                                GCancellable         *cancellable,
                                                GError              **error);
void              attest_chain_report_clear    (AttestChainReport    *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestStore, attest_store_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestStoreWriter, attest_store_writer_free)

G_END_DECLS
