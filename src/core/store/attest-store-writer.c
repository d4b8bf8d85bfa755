/* attest-store-writer.c: one import = one transaction, chained per source
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/evp.h>

#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-store-private.h"
#include "attest-time.h"

enum {
  STMT_EVENT,
  STMT_FTS_PENDING,
  STMT_CHAIN,
  STMT_TWIN,
  STMT_MODULE_MODEL,
  STMT_DEVICE_UPSERT,
  STMT_MODULE_UPSERT,
  STMT_IDENTITY,
  STMT_DEPLOYMENT_UPSERT,
  STMT_DEPLOYMENT_VERSION,
  STMT_DEPLOYMENT_MODULE,
  STMT_DEPLOYMENT_SAME,
  STMT_NEXT_FREE_ID,
  STMT_WAIVER,
  STMT_ASSET,
  STMT_LINEAGE,
  STMT_HUB_INSERT,
  N_STMTS
};

static const char *stmt_sql[N_STMTS] = {
  [STMT_EVENT] =
    "INSERT INTO audit_events (id, event_id, ts, kind, category, caller, operation, status, "
    "level, resource_id, hub, target, correlation_id, search, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (event_id) DO NOTHING",
  [STMT_FTS_PENDING] = "INSERT INTO fts_pending (id) VALUES (?)",
  [STMT_CHAIN] = "INSERT INTO chain (source_id, seq, kind, rec_id, hash) VALUES (?, ?, ?, ?, ?)",
  [STMT_TWIN] =
    "INSERT INTO twin_snapshots (hub_id, device_id, module_id, version_key, twin_version, "
    "desired_version, reported_version, etag, changed_at, status, connection_state, "
    "last_activity, auth_type, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT DO NOTHING",
  [STMT_MODULE_MODEL] =
    "INSERT OR IGNORE INTO module_models (snapshot_id, module_id, model_name, model_version, via, "
    "image, desired_image, runtime_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_DEVICE_UPSERT] =
    /* Device-twin snapshots decide the device's state: a newer change time
     * (or, at the same time, a higher twin version) replaces it; older or
     * undated ones only fill fields still unknown.  The edge runtime follows
     * the newest $edgeAgent snapshot on its own clock (runtime_at): module
     * twins change more often than device twins and must not make an older
     * device twin look stale. */
#define NEWER "(excluded.state_at IS NOT NULL AND (devices.state_at IS NULL OR excluded.state_at > devices.state_at " \
              "OR (excluded.state_at = devices.state_at " \
              "AND coalesce (excluded.state_version, -1) >= coalesce (devices.state_version, -1))))"
#define PICK(col) col " = CASE WHEN " NEWER " THEN coalesce (excluded." col ", devices." col ") " \
                  "ELSE coalesce (devices." col ", excluded." col ") END"
    "INSERT INTO devices (hub_id, device_id, is_edge, auth_type, status, connection_state, "
    "last_activity, tags, region, edge_runtime, state_at, state_version, runtime_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (hub_id, device_id) DO UPDATE SET "
    "  is_edge = CASE WHEN excluded.is_edge = 1 THEN 1 ELSE coalesce (devices.is_edge, excluded.is_edge) END, "
    PICK ("auth_type") ", " PICK ("status") ", " PICK ("connection_state") ", "
    PICK ("tags") ", " PICK ("region") ", "
    "  edge_runtime = CASE WHEN excluded.runtime_at IS NOT NULL AND (devices.runtime_at IS NULL "
    "                      OR excluded.runtime_at >= devices.runtime_at) "
    "                 THEN coalesce (excluded.edge_runtime, devices.edge_runtime) "
    "                 ELSE coalesce (devices.edge_runtime, excluded.edge_runtime) END,"
    "  last_activity = max (coalesce (devices.last_activity, excluded.last_activity),"
    "                       coalesce (excluded.last_activity, devices.last_activity)),"
    "  state_version = CASE WHEN " NEWER " THEN excluded.state_version ELSE devices.state_version END,"
    "  state_at = max (coalesce (devices.state_at, excluded.state_at), coalesce (excluded.state_at, devices.state_at)),"
    "  runtime_at = max (coalesce (devices.runtime_at, excluded.runtime_at), coalesce (excluded.runtime_at, devices.runtime_at))",
#undef PICK
#undef NEWER
  [STMT_MODULE_UPSERT] =
    "INSERT INTO modules (device_row, module_id, managed_by, auth_type) "
    "SELECT id, ?3, ?4, ?5 FROM devices WHERE hub_id = ?1 AND device_id = ?2 "
    "ON CONFLICT (device_row, module_id) DO UPDATE SET "
    "  managed_by = coalesce (excluded.managed_by, modules.managed_by),"
    "  auth_type = coalesce (excluded.auth_type, modules.auth_type)",
  [STMT_IDENTITY] =
    "INSERT INTO identities (hub_id, device_id, module_id, content_sha, auth_type, status, "
    "connection_state, managed_by, is_edge, parent, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING",
  [STMT_DEPLOYMENT_UPSERT] =
    "INSERT INTO deployments (hub_id, config_id, kind) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (hub_id, config_id) DO UPDATE SET kind = kind RETURNING id",
  [STMT_DEPLOYMENT_VERSION] =
    "INSERT INTO deployment_versions (deployment_id, etag, priority, target_condition, "
    "schema_version, created_at, updated_at, labels, content, targeted, applied, reported_ok, "
    "reported_failed, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT DO NOTHING",
  [STMT_DEPLOYMENT_MODULE] =
    "INSERT OR IGNORE INTO deployment_modules (version_id, module_id, image, model_name, model_version) "
    "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_DEPLOYMENT_SAME] =
    "SELECT 1 FROM deployment_versions WHERE deployment_id = ?1 AND priority IS ?2 "
    "AND target_condition IS ?3 AND content IS ?4 LIMIT 1",
  [STMT_WAIVER] =
    "INSERT INTO waivers (finding_id, rule, reason, waived_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_NEXT_FREE_ID] = "SELECT id FROM audit_events WHERE id >= ?1 ORDER BY id",
  [STMT_ASSET] =
    "INSERT INTO ml_assets (kind, registry, name, version, description, type, uri, job_name, "
    "status, experiment, display_name, created_at, created_by, created_by_type, tags, "
    "properties, is_archived, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
    "ON CONFLICT DO NOTHING",
  [STMT_LINEAGE] =
    "INSERT OR IGNORE INTO lineage_edges (registry, src_kind, src_ref, dst_kind, dst_ref, relation) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_HUB_INSERT] =
    "INSERT INTO hubs (name, location, resource_id, sku) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (name) DO UPDATE SET "
    "  location = coalesce (excluded.location, hubs.location),"
    "  resource_id = coalesce (excluded.resource_id, hubs.resource_id),"
    "  sku = coalesce (excluded.sku, hubs.sku) "
    "RETURNING id, name",
};

typedef struct
{
  gint64  id;
  char   *name;   /* as stored: what the verifier reads back */
} HubEntry;

static void
hub_entry_free (gpointer data)
{
  HubEntry *e = data;

  g_free (e->name);
  g_free (e);
}

struct _AttestStoreWriter
{
  AttestStore       *store;
  sqlite3_stmt      *stmts[N_STMTS];
  gint64             source_id;
  gint64             chain_len;
  guint8             head[32];
  AttestCanon        canon;
  GHashTable        *hubs;        /* lower-case name -> HubEntry */
  AttestImportCounts counts;
  gint64             slot_base;   /* last millisecond slot used (ms * 64) */
  gint64             slot_next;   /* next id to try in it */
  char              *source_name;
  char              *locator;
  gint64             started_at;
  gboolean           open;
};

/* ---------------------------------------------------------------------- */
/* Canonical form shared with the verifier */

void
_attest_canon_begin (AttestCanon  *canon,
                     const guint8  prev[32],
                     int           kind,
                     gint64        rec_id)
{
  guint8 k = kind;

  if (canon->buf == NULL)
    canon->buf = g_byte_array_sized_new (4096);
  g_byte_array_set_size (canon->buf, 0);
  g_byte_array_append (canon->buf, prev, 32);
  g_byte_array_append (canon->buf, &k, 1);
  _attest_canon_int (canon, rec_id);
}

void
_attest_canon_int (AttestCanon *canon,
                   gint64       value)
{
  guint8 b[9];
  guint64 u = (guint64) value;
  int i;

  b[0] = 'i';
  for (i = 0; i < 8; i++)
    b[1 + i] = (u >> (56 - 8 * i)) & 0xff;
  g_byte_array_append (canon->buf, b, sizeof b);
}

void
_attest_canon_text (AttestCanon *canon,
                    const char  *text,
                    gssize       len)
{
  guint8 b[5];
  guint32 n;

  if (text == NULL)
    {
      _attest_canon_null (canon);
      return;
    }
  n = len < 0 ? strlen (text) : (gsize) len;
  b[0] = 't';
  b[1] = n >> 24;
  b[2] = n >> 16;
  b[3] = n >> 8;
  b[4] = n;
  g_byte_array_append (canon->buf, b, sizeof b);
  g_byte_array_append (canon->buf, (const guint8 *) text, n);
}

void
_attest_canon_null (AttestCanon *canon)
{
  guint8 b = 'n';

  g_byte_array_append (canon->buf, &b, 1);
}

void
_attest_canon_finish (AttestCanon *canon,
                      guint8       out[32])
{
  unsigned int n = 32;

  /* One context and one fetched digest per canon, not per record. */
  if (canon->md == NULL)
    {
      canon->md = EVP_MD_fetch (NULL, "SHA256", NULL);
      canon->ctx = EVP_MD_CTX_new ();
    }
  EVP_DigestInit_ex (canon->ctx, canon->md, NULL);
  EVP_DigestUpdate (canon->ctx, canon->buf->data, canon->buf->len);
  EVP_DigestFinal_ex (canon->ctx, out, &n);
}

void
_attest_canon_clear (AttestCanon *canon)
{
  g_clear_pointer (&canon->buf, g_byte_array_unref);
  g_clear_pointer (&canon->ctx, EVP_MD_CTX_free);
  g_clear_pointer (&canon->md, EVP_MD_free);
}

/* The SELECT that reads a record's canonical columns back, in the order
 * the writer feeds them to the canon; ?1 is the record's row id. */
const char *
_attest_chain_select (int kind)
{
  switch (kind)
    {
    case ATTEST_KIND_EVENT:
      return "SELECT event_id, ts, kind, category, caller, operation, status, level, resource_id, "
             "hub, target, correlation_id, search, raw FROM audit_events WHERE id = ?1";
    case ATTEST_KIND_TWIN:
      return "SELECT h.name, device_id, module_id, version_key, twin_version, desired_version, "
             "reported_version, etag, changed_at, status, connection_state, last_activity, "
             "auth_type, raw FROM twin_snapshots t JOIN hubs h ON h.id = t.hub_id WHERE t.id = ?1";
    case ATTEST_KIND_IDENTITY:
      return "SELECT h.name, device_id, module_id, content_sha, auth_type, status, connection_state, "
             "managed_by, is_edge, parent, raw FROM identities i JOIN hubs h ON h.id = i.hub_id "
             "WHERE i.id = ?1";
    case ATTEST_KIND_DEPLOYMENT:
      return "SELECT h.name, d.config_id, d.kind, v.etag, v.priority, v.target_condition, "
             "v.schema_version, v.created_at, v.updated_at, v.labels, v.content, v.targeted, "
             "v.applied, v.reported_ok, v.reported_failed, v.raw FROM deployment_versions v "
             "JOIN deployments d ON d.id = v.deployment_id JOIN hubs h ON h.id = d.hub_id "
             "WHERE v.id = ?1";
    case ATTEST_KIND_WAIVER:
      return "SELECT finding_id, rule, reason, waived_by, created_at FROM waivers WHERE id = ?1";
    case ATTEST_KIND_MODEL_CONTAINER:
    case ATTEST_KIND_MODEL_VERSION:
    case ATTEST_KIND_JOB:
    case ATTEST_KIND_DATA_VERSION:
      return "SELECT kind, registry, name, version, description, type, uri, job_name, status, "
             "experiment, display_name, created_at, created_by, created_by_type, tags, "
             "properties, is_archived, raw FROM ml_assets WHERE id = ?1";
    default:
      return NULL;
    }
}

/* ---------------------------------------------------------------------- */

static gboolean
step_done (AttestStoreWriter *w,
           sqlite3_stmt      *stmt,
           GError           **error,
           const char        *what)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return _attest_sqlite_error (w->store->db, rc, error, what);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, i);
}

static void
bind_time (sqlite3_stmt *stmt,
           int           i,
           gint64        ticks)
{
  if (ticks == ATTEST_TIME_NONE)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_int64 (stmt, i, ticks);
}

static void
bind_opt_int (sqlite3_stmt *stmt,
              int           i,
              gint64        v,
              gint64        none)
{
  if (v == none)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_int64 (stmt, i, v);
}

static void
canon_opt_int (AttestCanon *c,
               gint64       v,
               gint64       none)
{
  if (v == none)
    _attest_canon_null (c);
  else
    _attest_canon_int (c, v);
}

static gboolean
chain_append (AttestStoreWriter *w,
              int                kind,
              gint64             rec_id,
              GError           **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_CHAIN];

  _attest_canon_finish (&w->canon, w->head);
  w->chain_len++;
  sqlite3_bind_int64 (stmt, 1, w->source_id);
  sqlite3_bind_int64 (stmt, 2, w->chain_len);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, rec_id);
  sqlite3_bind_blob (stmt, 5, w->head, 32, SQLITE_STATIC);
  if (!step_done (w, stmt, error, "recording the hash chain"))
    return FALSE;
  w->counts.new_records++;
  w->counts.by_kind[kind]++;
  return TRUE;
}

AttestStoreWriter *
attest_store_writer_begin (AttestStore *store,
                           const char  *source_kind,
                           const char  *source_name,
                           const char  *locator,
                           GError     **error)
{
  g_autoptr(AttestStoreWriter) w = g_new0 (AttestStoreWriter, 1);
  g_autoptr(sqlite3_stmt) src = NULL;
  guint i;

  w->store = attest_store_ref (store);
  w->hubs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, hub_entry_free);
  w->source_name = g_strdup (source_name);
  w->locator = g_strdup (locator);
  w->started_at = attest_time_now ();
  w->slot_base = G_MININT64;

  if (store->readonly)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_INVALID,
                   _("The workspace %s is open read-only"), store->path);
      return NULL;
    }

  /* A bigger page cache keeps the random event-id index in memory
   * (PERF.md, 5.5); it is given back at commit. */
  /* No checkpoint in the middle of an import: the rows and then the
   * search index go to the WAL, and one checkpoint follows at the end
   * (attest_store_index_pending) instead of one per phase. */
  if (!_attest_store_exec (store, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0; "
                           "BEGIN IMMEDIATE", error))
    return NULL;
  w->open = TRUE;

  for (i = 0; i < N_STMTS; i++)
    if (!_attest_store_prepare (store, stmt_sql[i], &w->stmts[i], error))
      return NULL;

  if (!_attest_store_prepare (store,
                              "INSERT INTO sources (kind, name, locator, created_at) "
                              "VALUES (?, ?, ?, ?) RETURNING id", &src, error))
    return NULL;
  sqlite3_bind_text (src, 1, source_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (src, 2, source_name, -1, SQLITE_STATIC);
  bind_text (src, 3, locator);
  sqlite3_bind_int64 (src, 4, w->started_at);
  if (sqlite3_step (src) != SQLITE_ROW)
    {
      _attest_sqlite_error (store->db, sqlite3_errcode (store->db), error, "creating the source");
      return NULL;
    }
  w->source_id = sqlite3_column_int64 (src, 0);
  memset (w->head, 0, sizeof w->head);

  return g_steal_pointer (&w);
}

void
attest_store_writer_free (AttestStoreWriter *w)
{
  guint i;

  if (w == NULL)
    return;
  for (i = 0; i < N_STMTS; i++)
    sqlite3_finalize (w->stmts[i]);
  if (w->open)
    _attest_store_exec (w->store, "ROLLBACK; PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000", NULL);
  _attest_canon_clear (&w->canon);
  g_hash_table_unref (w->hubs);
  g_free (w->source_name);
  g_free (w->locator);
  attest_store_unref (w->store);
  g_free (w);
}

const AttestImportCounts *
attest_store_writer_get_counts (AttestStoreWriter *writer)
{
  return &writer->counts;
}

static const HubEntry *
upsert_hub (AttestStoreWriter   *w,
            const AttestHubInfo *hub,
            GError             **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_HUB_INSERT];
  HubEntry *e;
  int rc;

  bind_text (stmt, 1, hub->name);
  bind_text (stmt, 2, hub->location);
  bind_text (stmt, 3, hub->resource_id);
  bind_text (stmt, 4, hub->sku);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _attest_sqlite_error (w->store->db, rc, error, "recording the hub");
      return NULL;
    }
  e = g_new0 (HubEntry, 1);
  e->id = sqlite3_column_int64 (stmt, 0);
  e->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  g_hash_table_replace (w->hubs, g_ascii_strdown (hub->name, -1), e);
  return e;
}

static const HubEntry *
lookup_hub (AttestStoreWriter *w,
            const char        *name,
            GError           **error)
{
  g_autofree char *key = NULL;
  const HubEntry *e;
  AttestHubInfo info = { 0 };

  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_INVALID,
                           _("the record does not name its IoT hub"));
      return NULL;
    }
  key = g_ascii_strdown (name, -1);
  e = g_hash_table_lookup (w->hubs, key);
  if (e)
    return e;
  info.name = name;
  return upsert_hub (w, &info, error);
}

gboolean
attest_store_writer_set_hub (AttestStoreWriter   *writer,
                             const AttestHubInfo *hub,
                             GError             **error)
{
  return upsert_hub (writer, hub, error) != NULL;
}

/* The first id at or after @from that no event holds. */
static gboolean
next_free_id (AttestStoreWriter *w,
              gint64             from,
              gint64            *out,
              GError           **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_NEXT_FREE_ID];
  gint64 expect = from;
  int rc;

  sqlite3_bind_int64 (stmt, 1, from);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == expect)
    expect++;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _attest_sqlite_error (w->store->db, rc, error, "finding a free event slot");
  *out = expect;
  return TRUE;
}

gboolean
attest_store_writer_add_event (AttestStoreWriter       *w,
                               const AttestEventRecord *rec,
                               gboolean                *added,
                               GError                 **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_EVENT];
  char ts[32];
  gint64 id, base;
  int rc;
  int attempts = 0;

  *added = FALSE;
  attest_time_format_buf (rec->time, ts);
  /* ms * 64 + n (attest-event-query.h) */
  id = attest_event_id_first (rec->time);

  sqlite3_bind_text (stmt, 2, rec->event_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ts, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, rec->kind, -1, SQLITE_STATIC);
  bind_text (stmt, 5, rec->category);
  bind_text (stmt, 6, rec->caller);
  bind_text (stmt, 7, rec->operation);
  bind_text (stmt, 8, rec->status);
  bind_text (stmt, 9, rec->level);
  bind_text (stmt, 10, rec->resource_id);
  bind_text (stmt, 11, rec->hub);
  bind_text (stmt, 12, rec->target);
  bind_text (stmt, 13, rec->correlation_id);
  bind_text (stmt, 14, rec->search);
  sqlite3_bind_text (stmt, 15, rec->raw, rec->raw_len, SQLITE_STATIC);

  /* Events in the same millisecond take the next free slots.  The last
   * slot used is remembered, so a burst of identical timestamps costs one
   * step each, not a walk over all before it. */
  base = id;
  if (base == w->slot_base && w->slot_next > id)
    id = w->slot_next;
  for (;;)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        break;
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && ++attempts < 3)
        {
          if (!next_free_id (w, id, &id, error))
            return FALSE;
          continue;
        }
      return _attest_sqlite_error (w->store->db, rc, error, "storing an audit event");
    }
  w->slot_base = base;
  w->slot_next = id + 1;

  if (sqlite3_changes (w->store->db) == 0)
    {
      w->counts.duplicates++;
      return TRUE;
    }

  /* An IoT hub named by an event is a hub of the fleet, devices or not. */
  if (rec->hub != NULL && rec->hub[0] != '\0' && lookup_hub (w, rec->hub, error) == NULL)
    return FALSE;

  sqlite3_bind_int64 (w->stmts[STMT_FTS_PENDING], 1, id);
  if (!step_done (w, w->stmts[STMT_FTS_PENDING], error, "queueing an event for search"))
    return FALSE;

  _attest_canon_begin (&w->canon, w->head, ATTEST_KIND_EVENT, id);
  _attest_canon_text (&w->canon, rec->event_id, -1);
  _attest_canon_text (&w->canon, ts, -1);
  _attest_canon_text (&w->canon, rec->kind, -1);
  _attest_canon_text (&w->canon, rec->category, -1);
  _attest_canon_text (&w->canon, rec->caller, -1);
  _attest_canon_text (&w->canon, rec->operation, -1);
  _attest_canon_text (&w->canon, rec->status, -1);
  _attest_canon_text (&w->canon, rec->level, -1);
  _attest_canon_text (&w->canon, rec->resource_id, -1);
  _attest_canon_text (&w->canon, rec->hub, -1);
  _attest_canon_text (&w->canon, rec->target, -1);
  _attest_canon_text (&w->canon, rec->correlation_id, -1);
  _attest_canon_text (&w->canon, rec->search, -1);
  _attest_canon_text (&w->canon, rec->raw, rec->raw_len);
  if (!chain_append (w, ATTEST_KIND_EVENT, id, error))
    return FALSE;
  *added = TRUE;
  return TRUE;
}

gboolean
attest_store_writer_add_twin (AttestStoreWriter      *w,
                              const AttestTwinRecord *rec,
                              gboolean               *added,
                              GError                **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_TWIN];
  g_autofree char *version_key = NULL;
  const char *module_id = rec->module_id ? rec->module_id : "";
  gboolean is_device_twin = module_id[0] == '\0';
  const HubEntry *hub;
  gint64 hid, snap_id;
  guint i;

  *added = FALSE;
  hub = lookup_hub (w, rec->hub, error);
  if (hub == NULL)
    return FALSE;
  hid = hub->id;

  if (rec->twin_version >= 0)
    version_key = g_strdup_printf ("%" G_GINT64_FORMAT, rec->twin_version);
  else
    version_key = g_strconcat ("sha256:", rec->content_sha, NULL);

  /* Devices and modules are a derived "latest state" view. */
  {
    sqlite3_stmt *d = w->stmts[STMT_DEVICE_UPSERT];
    sqlite3_bind_int64 (d, 1, hid);
    sqlite3_bind_text (d, 2, rec->device_id, -1, SQLITE_STATIC);
    if (rec->is_edge >= 0)
      sqlite3_bind_int (d, 3, rec->is_edge);
    else
      sqlite3_bind_null (d, 3);
    bind_text (d, 4, is_device_twin ? rec->auth_type : NULL);
    bind_text (d, 5, is_device_twin ? rec->status : NULL);
    bind_text (d, 6, is_device_twin ? rec->connection_state : NULL);
    bind_time (d, 7, is_device_twin ? rec->last_activity : ATTEST_TIME_NONE);
    bind_text (d, 8, is_device_twin ? rec->tags : NULL);
    bind_text (d, 9, is_device_twin ? rec->region : NULL);
    bind_text (d, 10, rec->edge_runtime);
    bind_time (d, 11, is_device_twin ? rec->changed_at : ATTEST_TIME_NONE);
    bind_opt_int (d, 12, is_device_twin ? rec->twin_version : -1, -1);
    bind_time (d, 13, rec->edge_runtime != NULL ? rec->changed_at : ATTEST_TIME_NONE);
    if (!step_done (w, d, error, "updating the device"))
      return FALSE;
    if (!is_device_twin)
      {
        sqlite3_stmt *m = w->stmts[STMT_MODULE_UPSERT];

        sqlite3_bind_int64 (m, 1, hid);
        sqlite3_bind_text (m, 2, rec->device_id, -1, SQLITE_STATIC);
        sqlite3_bind_text (m, 3, module_id, -1, SQLITE_STATIC);
        sqlite3_bind_null (m, 4);
        bind_text (m, 5, rec->auth_type);
        if (!step_done (w, m, error, "updating the module"))
          return FALSE;
      }
  }

  sqlite3_bind_int64 (stmt, 1, hid);
  sqlite3_bind_text (stmt, 2, rec->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, module_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, version_key, -1, SQLITE_STATIC);
  bind_opt_int (stmt, 5, rec->twin_version, -1);
  bind_opt_int (stmt, 6, rec->desired_version, -1);
  bind_opt_int (stmt, 7, rec->reported_version, -1);
  bind_text (stmt, 8, rec->etag);
  bind_time (stmt, 9, rec->changed_at);
  bind_text (stmt, 10, rec->status);
  bind_text (stmt, 11, rec->connection_state);
  bind_time (stmt, 12, rec->last_activity);
  bind_text (stmt, 13, rec->auth_type);
  sqlite3_bind_text (stmt, 14, rec->raw, rec->raw_len, SQLITE_STATIC);
  if (!step_done (w, stmt, error, "storing a twin snapshot"))
    return FALSE;
  if (sqlite3_changes (w->store->db) == 0)
    {
      w->counts.duplicates++;
      return TRUE;
    }
  snap_id = sqlite3_last_insert_rowid (w->store->db);

  for (i = 0; i < rec->n_models; i++)
    {
      const AttestModuleModel *mm = &rec->models[i];
      sqlite3_stmt *m = w->stmts[STMT_MODULE_MODEL];

      sqlite3_bind_int64 (m, 1, snap_id);
      sqlite3_bind_text (m, 2, mm->module_id, -1, SQLITE_STATIC);
      bind_text (m, 3, mm->model_name);
      bind_text (m, 4, mm->model_version);
      sqlite3_bind_text (m, 5, mm->via, -1, SQLITE_STATIC);
      bind_text (m, 6, mm->image);
      bind_text (m, 7, mm->desired_image);
      bind_text (m, 8, mm->runtime_status);
      if (!step_done (w, m, error, "storing a module's model"))
        return FALSE;
    }

  _attest_canon_begin (&w->canon, w->head, ATTEST_KIND_TWIN, snap_id);
  _attest_canon_text (&w->canon, hub->name, -1);
  _attest_canon_text (&w->canon, rec->device_id, -1);
  _attest_canon_text (&w->canon, module_id, -1);
  _attest_canon_text (&w->canon, version_key, -1);
  canon_opt_int (&w->canon, rec->twin_version, -1);
  canon_opt_int (&w->canon, rec->desired_version, -1);
  canon_opt_int (&w->canon, rec->reported_version, -1);
  _attest_canon_text (&w->canon, rec->etag, -1);
  canon_opt_int (&w->canon, rec->changed_at, ATTEST_TIME_NONE);
  _attest_canon_text (&w->canon, rec->status, -1);
  _attest_canon_text (&w->canon, rec->connection_state, -1);
  canon_opt_int (&w->canon, rec->last_activity, ATTEST_TIME_NONE);
  _attest_canon_text (&w->canon, rec->auth_type, -1);
  _attest_canon_text (&w->canon, rec->raw, rec->raw_len);
  if (!chain_append (w, ATTEST_KIND_TWIN, snap_id, error))
    return FALSE;
  *added = TRUE;
  return TRUE;
}

gboolean
attest_store_writer_add_identity (AttestStoreWriter          *w,
                                  const AttestIdentityRecord *rec,
                                  gboolean                   *added,
                                  GError                    **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_IDENTITY];
  const char *module_id = rec->module_id ? rec->module_id : "";
  const HubEntry *hub;
  gint64 id;

  *added = FALSE;
  hub = lookup_hub (w, rec->hub, error);
  if (hub == NULL)
    return FALSE;

  /* The identity registry is authoritative for how a device authenticates. */
  if (module_id[0] == '\0')
    {
      sqlite3_stmt *d = w->stmts[STMT_DEVICE_UPSERT];

      sqlite3_bind_int64 (d, 1, hub->id);
      sqlite3_bind_text (d, 2, rec->device_id, -1, SQLITE_STATIC);
      if (rec->is_edge >= 0)
        sqlite3_bind_int (d, 3, rec->is_edge);
      else
        sqlite3_bind_null (d, 3);
      bind_text (d, 4, rec->auth_type);
      bind_text (d, 5, rec->status);
      bind_text (d, 6, rec->connection_state);
      sqlite3_bind_null (d, 7);
      sqlite3_bind_null (d, 8);
      sqlite3_bind_null (d, 9);
      sqlite3_bind_null (d, 10);
      sqlite3_bind_null (d, 11);
      sqlite3_bind_null (d, 12);
      sqlite3_bind_null (d, 13);
      if (!step_done (w, d, error, "updating the device"))
        return FALSE;
    }
  else
    {
      sqlite3_stmt *m = w->stmts[STMT_MODULE_UPSERT];
      sqlite3_stmt *d = w->stmts[STMT_DEVICE_UPSERT];

      /* make sure the device row exists */
      sqlite3_bind_int64 (d, 1, hub->id);
      sqlite3_bind_text (d, 2, rec->device_id, -1, SQLITE_STATIC);
      sqlite3_bind_null (d, 3);
      for (int i = 4; i <= 13; i++)
        sqlite3_bind_null (d, i);
      if (!step_done (w, d, error, "updating the device"))
        return FALSE;
      sqlite3_bind_int64 (m, 1, hub->id);
      sqlite3_bind_text (m, 2, rec->device_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (m, 3, module_id, -1, SQLITE_STATIC);
      bind_text (m, 4, rec->managed_by);
      bind_text (m, 5, rec->auth_type);
      if (!step_done (w, m, error, "updating the module"))
        return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, hub->id);
  sqlite3_bind_text (stmt, 2, rec->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, module_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, rec->content_sha, -1, SQLITE_STATIC);
  bind_text (stmt, 5, rec->auth_type);
  bind_text (stmt, 6, rec->status);
  bind_text (stmt, 7, rec->connection_state);
  bind_text (stmt, 8, rec->managed_by);
  bind_opt_int (stmt, 9, rec->is_edge, -1);
  bind_text (stmt, 10, rec->parent);
  sqlite3_bind_text (stmt, 11, rec->raw, rec->raw_len, SQLITE_STATIC);
  if (!step_done (w, stmt, error, "storing a device identity"))
    return FALSE;
  if (sqlite3_changes (w->store->db) == 0)
    {
      w->counts.duplicates++;
      return TRUE;
    }
  id = sqlite3_last_insert_rowid (w->store->db);

  _attest_canon_begin (&w->canon, w->head, ATTEST_KIND_IDENTITY, id);
  _attest_canon_text (&w->canon, hub->name, -1);
  _attest_canon_text (&w->canon, rec->device_id, -1);
  _attest_canon_text (&w->canon, module_id, -1);
  _attest_canon_text (&w->canon, rec->content_sha, -1);
  _attest_canon_text (&w->canon, rec->auth_type, -1);
  _attest_canon_text (&w->canon, rec->status, -1);
  _attest_canon_text (&w->canon, rec->connection_state, -1);
  _attest_canon_text (&w->canon, rec->managed_by, -1);
  canon_opt_int (&w->canon, rec->is_edge, -1);
  _attest_canon_text (&w->canon, rec->parent, -1);
  _attest_canon_text (&w->canon, rec->raw, rec->raw_len);
  if (!chain_append (w, ATTEST_KIND_IDENTITY, id, error))
    return FALSE;
  *added = TRUE;
  return TRUE;
}

gboolean
attest_store_writer_add_deployment (AttestStoreWriter            *w,
                                    const AttestDeploymentRecord *rec,
                                    gboolean                     *added,
                                    GError                      **error)
{
  sqlite3_stmt *up = w->stmts[STMT_DEPLOYMENT_UPSERT];
  sqlite3_stmt *stmt = w->stmts[STMT_DEPLOYMENT_VERSION];
  const HubEntry *hub;
  gint64 dep_id, id;
  g_autofree char *kind = NULL;
  int rc;
  guint i;

  *added = FALSE;
  hub = lookup_hub (w, rec->hub, error);
  if (hub == NULL)
    return FALSE;

  sqlite3_bind_int64 (up, 1, hub->id);
  sqlite3_bind_text (up, 2, rec->config_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (up, 3, rec->kind, -1, SQLITE_STATIC);
  rc = sqlite3_step (up);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (up);
      return _attest_sqlite_error (w->store->db, rc, error, "recording the deployment");
    }
  dep_id = sqlite3_column_int64 (up, 0);
  sqlite3_reset (up);
  {
    /* the kind first recorded is the one the verifier reads back */
    g_autoptr(sqlite3_stmt) q = NULL;
    if (!_attest_store_prepare (w->store, "SELECT kind FROM deployments WHERE id = ?", &q, error))
      return FALSE;
    sqlite3_bind_int64 (q, 1, dep_id);
    if (sqlite3_step (q) != SQLITE_ROW)
      return _attest_sqlite_error (w->store->db, SQLITE_ERROR, error, "reading the deployment");
    kind = g_strdup ((const char *) sqlite3_column_text (q, 0));
  }

  /* Without an etag (az iot hub state export strips it, with the times),
   * a version is the same as a known one when what it deploys, where and
   * with which priority is the same. */
  if (g_str_has_prefix (rec->etag, "sha256:"))
    {
      sqlite3_stmt *same = w->stmts[STMT_DEPLOYMENT_SAME];
      int found;

      sqlite3_bind_int64 (same, 1, dep_id);
      bind_opt_int (same, 2, rec->priority, G_MININT64);
      bind_text (same, 3, rec->target_condition);
      bind_text (same, 4, rec->content);
      found = sqlite3_step (same);
      sqlite3_reset (same);
      if (found == SQLITE_ROW)
        {
          w->counts.duplicates++;
          return TRUE;
        }
      if (found != SQLITE_DONE)
        return _attest_sqlite_error (w->store->db, found, error, "comparing deployment versions");
    }

  sqlite3_bind_int64 (stmt, 1, dep_id);
  sqlite3_bind_text (stmt, 2, rec->etag, -1, SQLITE_STATIC);
  bind_opt_int (stmt, 3, rec->priority, G_MININT64);
  bind_text (stmt, 4, rec->target_condition);
  bind_text (stmt, 5, rec->schema_version);
  bind_time (stmt, 6, rec->created_at);
  bind_time (stmt, 7, rec->updated_at);
  bind_text (stmt, 8, rec->labels);
  bind_text (stmt, 9, rec->content);
  bind_opt_int (stmt, 10, rec->targeted, -1);
  bind_opt_int (stmt, 11, rec->applied, -1);
  bind_opt_int (stmt, 12, rec->reported_ok, -1);
  bind_opt_int (stmt, 13, rec->reported_failed, -1);
  sqlite3_bind_text (stmt, 14, rec->raw, rec->raw_len, SQLITE_STATIC);
  if (!step_done (w, stmt, error, "storing a deployment version"))
    return FALSE;
  if (sqlite3_changes (w->store->db) == 0)
    {
      w->counts.duplicates++;
      return TRUE;
    }
  id = sqlite3_last_insert_rowid (w->store->db);

  for (i = 0; i < rec->n_modules; i++)
    {
      sqlite3_stmt *m = w->stmts[STMT_DEPLOYMENT_MODULE];

      sqlite3_bind_int64 (m, 1, id);
      sqlite3_bind_text (m, 2, rec->modules[i].module_id, -1, SQLITE_STATIC);
      bind_text (m, 3, rec->modules[i].image);
      bind_text (m, 4, rec->modules[i].model_name);
      bind_text (m, 5, rec->modules[i].model_version);
      if (!step_done (w, m, error, "storing a deployment module"))
        return FALSE;
    }

  _attest_canon_begin (&w->canon, w->head, ATTEST_KIND_DEPLOYMENT, id);
  _attest_canon_text (&w->canon, hub->name, -1);
  _attest_canon_text (&w->canon, rec->config_id, -1);
  _attest_canon_text (&w->canon, kind, -1);
  _attest_canon_text (&w->canon, rec->etag, -1);
  canon_opt_int (&w->canon, rec->priority, G_MININT64);
  _attest_canon_text (&w->canon, rec->target_condition, -1);
  _attest_canon_text (&w->canon, rec->schema_version, -1);
  canon_opt_int (&w->canon, rec->created_at, ATTEST_TIME_NONE);
  canon_opt_int (&w->canon, rec->updated_at, ATTEST_TIME_NONE);
  _attest_canon_text (&w->canon, rec->labels, -1);
  _attest_canon_text (&w->canon, rec->content, -1);
  canon_opt_int (&w->canon, rec->targeted, -1);
  canon_opt_int (&w->canon, rec->applied, -1);
  canon_opt_int (&w->canon, rec->reported_ok, -1);
  canon_opt_int (&w->canon, rec->reported_failed, -1);
  _attest_canon_text (&w->canon, rec->raw, rec->raw_len);
  if (!chain_append (w, ATTEST_KIND_DEPLOYMENT, id, error))
    return FALSE;
  *added = TRUE;
  return TRUE;
}

gboolean
attest_store_writer_add_asset (AttestStoreWriter       *w,
                               const AttestAssetRecord *rec,
                               gboolean                *added,
                               GError                 **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_ASSET];
  const char *version = rec->version ? rec->version : "";
  gint64 id;

  *added = FALSE;
  g_return_val_if_fail (rec->kind >= ATTEST_KIND_MODEL_CONTAINER && rec->kind <= ATTEST_KIND_DATA_VERSION, FALSE);

  sqlite3_bind_int (stmt, 1, rec->kind);
  sqlite3_bind_text (stmt, 2, rec->registry, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, rec->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, version, -1, SQLITE_STATIC);
  bind_text (stmt, 5, rec->description);
  bind_text (stmt, 6, rec->type);
  bind_text (stmt, 7, rec->uri);
  bind_text (stmt, 8, rec->job_name);
  bind_text (stmt, 9, rec->status);
  bind_text (stmt, 10, rec->experiment);
  bind_text (stmt, 11, rec->display_name);
  bind_time (stmt, 12, rec->created_at);
  bind_text (stmt, 13, rec->created_by);
  bind_text (stmt, 14, rec->created_by_type);
  bind_text (stmt, 15, rec->tags);
  bind_text (stmt, 16, rec->properties);
  bind_opt_int (stmt, 17, rec->is_archived, -1);
  sqlite3_bind_text (stmt, 18, rec->raw, rec->raw_len, SQLITE_STATIC);
  if (!step_done (w, stmt, error, "storing an Azure ML asset"))
    return FALSE;
  if (sqlite3_changes (w->store->db) == 0)
    {
      w->counts.duplicates++;
      return TRUE;
    }
  id = sqlite3_last_insert_rowid (w->store->db);

  _attest_canon_begin (&w->canon, w->head, rec->kind, id);
  _attest_canon_int (&w->canon, rec->kind);
  _attest_canon_text (&w->canon, rec->registry, -1);
  _attest_canon_text (&w->canon, rec->name, -1);
  _attest_canon_text (&w->canon, version, -1);
  _attest_canon_text (&w->canon, rec->description, -1);
  _attest_canon_text (&w->canon, rec->type, -1);
  _attest_canon_text (&w->canon, rec->uri, -1);
  _attest_canon_text (&w->canon, rec->job_name, -1);
  _attest_canon_text (&w->canon, rec->status, -1);
  _attest_canon_text (&w->canon, rec->experiment, -1);
  _attest_canon_text (&w->canon, rec->display_name, -1);
  canon_opt_int (&w->canon, rec->created_at, ATTEST_TIME_NONE);
  _attest_canon_text (&w->canon, rec->created_by, -1);
  _attest_canon_text (&w->canon, rec->created_by_type, -1);
  _attest_canon_text (&w->canon, rec->tags, -1);
  _attest_canon_text (&w->canon, rec->properties, -1);
  canon_opt_int (&w->canon, rec->is_archived, -1);
  _attest_canon_text (&w->canon, rec->raw, rec->raw_len);
  if (!chain_append (w, rec->kind, id, error))
    return FALSE;
  *added = TRUE;
  return TRUE;
}

gboolean
attest_store_writer_add_waiver (AttestStoreWriter        *w,
                                const AttestWaiverRecord *rec,
                                GError                  **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_WAIVER];
  gint64 id;

  g_return_val_if_fail (rec->finding_id && rec->rule && rec->reason && rec->waived_by, FALSE);

  sqlite3_bind_text (stmt, 1, rec->finding_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, rec->rule, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, rec->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, rec->waived_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, rec->created_at);
  if (!step_done (w, stmt, error, "storing a waiver"))
    return FALSE;
  id = sqlite3_last_insert_rowid (w->store->db);

  _attest_canon_begin (&w->canon, w->head, ATTEST_KIND_WAIVER, id);
  _attest_canon_text (&w->canon, rec->finding_id, -1);
  _attest_canon_text (&w->canon, rec->rule, -1);
  _attest_canon_text (&w->canon, rec->reason, -1);
  _attest_canon_text (&w->canon, rec->waived_by, -1);
  _attest_canon_int (&w->canon, rec->created_at);
  return chain_append (w, ATTEST_KIND_WAIVER, id, error);
}

gboolean
attest_store_writer_add_lineage (AttestStoreWriter       *w,
                                 const AttestLineageEdge *edge,
                                 GError                 **error)
{
  sqlite3_stmt *stmt = w->stmts[STMT_LINEAGE];

  sqlite3_bind_text (stmt, 1, edge->registry, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, edge->src_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, edge->src_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, edge->dst_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, edge->dst_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, edge->relation, -1, SQLITE_STATIC);
  return step_done (w, stmt, error, "storing a lineage edge");
}

gboolean
attest_store_writer_commit (AttestStoreWriter *w,
                            const char        *content_sha256,
                            const char        *format,
                            GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 finished = attest_time_now ();
  gboolean keep_source = w->chain_len > 0;

  g_return_val_if_fail (w->open, FALSE);

  if (keep_source)
    {
      if (!_attest_store_prepare (w->store,
                                  "UPDATE sources SET sha256 = ?, chain_len = ?, chain_head = ? "
                                  "WHERE id = ?", &stmt, error))
        return FALSE;
      bind_text (stmt, 1, content_sha256);
      sqlite3_bind_int64 (stmt, 2, w->chain_len);
      sqlite3_bind_blob (stmt, 3, w->head, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, w->source_id);
    }
  else
    {
      /* Nothing new: no source worth keeping, only the import log line. */
      if (!_attest_store_prepare (w->store, "DELETE FROM sources WHERE id = ?", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->source_id);
    }
  if (!step_done (w, stmt, error, "closing the source"))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!_attest_store_prepare (w->store,
                              "INSERT INTO imports (source_id, name, locator, sha256, format, "
                              "started_at, finished_at, new_records, duplicates) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, error))
    return FALSE;
  if (keep_source)
    sqlite3_bind_int64 (stmt, 1, w->source_id);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_text (stmt, 2, w->source_name, -1, SQLITE_STATIC);
  bind_text (stmt, 3, w->locator);
  bind_text (stmt, 4, content_sha256);
  bind_text (stmt, 5, format);
  sqlite3_bind_int64 (stmt, 6, w->started_at);
  sqlite3_bind_int64 (stmt, 7, finished);
  sqlite3_bind_int64 (stmt, 8, w->counts.new_records);
  sqlite3_bind_int64 (stmt, 9, w->counts.duplicates);
  if (!step_done (w, stmt, error, "logging the import"))
    return FALSE;

  if (!_attest_store_exec (w->store, "COMMIT", error))
    return FALSE;
  w->open = FALSE;
  _attest_store_exec (w->store, "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000", NULL);
  return TRUE;
}
