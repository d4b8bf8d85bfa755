/* attest-store.c: opening, migrating and describing the workspace cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "attest-autocleanups.h"
#include "attest-store-private.h"
#include "attest-time.h"

G_DEFINE_QUARK (attest-store-error-quark, attest_store_error)

/* Migrations: entry N brings user_version from N to N + 1.  Never edit an
 * entry once released; append a new one. */
static const char *migrations[] = {
  /* 0 -> 1: the first schema */
  "CREATE TABLE settings ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE sources ("
  "  id              INTEGER PRIMARY KEY,"
  "  kind            TEXT NOT NULL,"
  "  name            TEXT NOT NULL,"
  "  locator         TEXT,"
  "  sha256          TEXT,"
  "  created_at      INTEGER NOT NULL,"
  "  chain_len       INTEGER NOT NULL DEFAULT 0,"
  "  chain_head      BLOB"
  ") STRICT;"
  "CREATE INDEX sources_sha ON sources (sha256);"

  "CREATE TABLE imports ("
  "  id           INTEGER PRIMARY KEY,"
  "  source_id    INTEGER REFERENCES sources (id) ON DELETE SET NULL,"
  "  name         TEXT NOT NULL,"
  "  locator      TEXT,"
  "  sha256       TEXT,"
  "  format       TEXT,"
  "  started_at   INTEGER NOT NULL,"
  "  finished_at  INTEGER NOT NULL,"
  "  new_records  INTEGER NOT NULL,"
  "  duplicates   INTEGER NOT NULL"
  ") STRICT;"

  "CREATE TABLE chain ("
  "  source_id  INTEGER NOT NULL REFERENCES sources (id),"
  "  seq        INTEGER NOT NULL,"
  "  kind       INTEGER NOT NULL,"
  "  rec_id     INTEGER NOT NULL,"
  "  hash       BLOB NOT NULL,"
  "  PRIMARY KEY (source_id, seq)"
  ") STRICT, WITHOUT ROWID;"

  "CREATE TABLE hubs ("
  "  id           INTEGER PRIMARY KEY,"
  "  name         TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  location     TEXT,"
  "  resource_id  TEXT,"
  "  sku          TEXT"
  ") STRICT;"

  /* Latest known state per device and module, derived from snapshots and
   * identities (re-derivable; not part of the hash chain). */
  "CREATE TABLE devices ("
  "  id                INTEGER PRIMARY KEY,"
  "  hub_id            INTEGER NOT NULL REFERENCES hubs (id),"
  "  device_id         TEXT NOT NULL,"
  "  is_edge           INTEGER,"
  "  auth_type         TEXT,"
  "  status            TEXT,"
  "  connection_state  TEXT,"
  "  last_activity     INTEGER,"
  "  tags              TEXT,"
  "  region            TEXT,"
  "  edge_runtime      TEXT,"
  "  state_at          INTEGER,"
  "  UNIQUE (hub_id, device_id)"
  ") STRICT;"

  "CREATE TABLE modules ("
  "  id          INTEGER PRIMARY KEY,"
  "  device_row  INTEGER NOT NULL REFERENCES devices (id),"
  "  module_id   TEXT NOT NULL,"
  "  managed_by  TEXT,"
  "  auth_type   TEXT,"
  "  UNIQUE (device_row, module_id)"
  ") STRICT;"

  "CREATE TABLE twin_snapshots ("
  "  id                INTEGER PRIMARY KEY,"
  "  hub_id            INTEGER NOT NULL REFERENCES hubs (id),"
  "  device_id         TEXT NOT NULL,"
  "  module_id         TEXT NOT NULL,"
  "  version_key       TEXT NOT NULL,"
  "  twin_version      INTEGER,"
  "  desired_version   INTEGER,"
  "  reported_version  INTEGER,"
  "  etag              TEXT,"
  "  changed_at        INTEGER,"
  "  status            TEXT,"
  "  connection_state  TEXT,"
  "  last_activity     INTEGER,"
  "  auth_type         TEXT,"
  "  raw               TEXT NOT NULL,"
  "  UNIQUE (hub_id, device_id, module_id, version_key)"
  ") STRICT;"
  "CREATE INDEX twin_snapshots_time ON twin_snapshots (hub_id, device_id, module_id, changed_at);"

  /* Which model each module reports, extracted from a snapshot through the
   * configured JSON paths or, failing that, the image tag. */
  "CREATE TABLE module_models ("
  "  snapshot_id     INTEGER NOT NULL REFERENCES twin_snapshots (id),"
  "  module_id       TEXT NOT NULL,"
  "  model_name      TEXT,"
  "  model_version   TEXT,"
  "  via             TEXT NOT NULL,"
  "  image           TEXT,"
  "  desired_image   TEXT,"
  "  runtime_status  TEXT,"
  "  PRIMARY KEY (snapshot_id, module_id)"
  ") STRICT;"
  "CREATE INDEX module_models_model ON module_models (model_name, model_version);"

  "CREATE TABLE identities ("
  "  id                INTEGER PRIMARY KEY,"
  "  hub_id            INTEGER NOT NULL REFERENCES hubs (id),"
  "  device_id         TEXT NOT NULL,"
  "  module_id         TEXT NOT NULL,"
  "  content_sha       TEXT NOT NULL,"
  "  auth_type         TEXT,"
  "  status            TEXT,"
  "  connection_state  TEXT,"
  "  managed_by        TEXT,"
  "  is_edge           INTEGER,"
  "  parent            TEXT,"
  "  raw               TEXT NOT NULL,"
  "  UNIQUE (hub_id, device_id, module_id, content_sha)"
  ") STRICT;"

  "CREATE TABLE deployments ("
  "  id         INTEGER PRIMARY KEY,"
  "  hub_id     INTEGER NOT NULL REFERENCES hubs (id),"
  "  config_id  TEXT NOT NULL,"
  "  kind       TEXT NOT NULL,"
  "  UNIQUE (hub_id, config_id)"
  ") STRICT;"

  "CREATE TABLE deployment_versions ("
  "  id                INTEGER PRIMARY KEY,"
  "  deployment_id     INTEGER NOT NULL REFERENCES deployments (id),"
  "  etag              TEXT NOT NULL,"
  "  priority          INTEGER,"
  "  target_condition  TEXT,"
  "  schema_version    TEXT,"
  "  created_at        INTEGER,"
  "  updated_at        INTEGER,"
  "  labels            TEXT,"
  "  content           TEXT,"
  "  targeted          INTEGER,"
  "  applied           INTEGER,"
  "  reported_ok       INTEGER,"
  "  reported_failed   INTEGER,"
  "  raw               TEXT NOT NULL,"
  "  UNIQUE (deployment_id, etag)"
  ") STRICT;"

  "CREATE TABLE deployment_modules ("
  "  version_id     INTEGER NOT NULL REFERENCES deployment_versions (id),"
  "  module_id      TEXT NOT NULL,"
  "  image          TEXT,"
  "  model_name     TEXT,"
  "  model_version  TEXT,"
  "  PRIMARY KEY (version_id, module_id)"
  ") STRICT;"

  /* Azure ML assets: kind 5 model container, 6 model version, 7 job,
   * 8 data asset version (AttestRecordKind). */
  "CREATE TABLE ml_assets ("
  "  id               INTEGER PRIMARY KEY,"
  "  kind             INTEGER NOT NULL,"
  "  registry         TEXT NOT NULL,"
  "  name             TEXT NOT NULL,"
  "  version          TEXT NOT NULL,"
  "  description      TEXT,"
  "  type             TEXT,"
  "  uri              TEXT,"
  "  job_name         TEXT,"
  "  status           TEXT,"
  "  experiment       TEXT,"
  "  display_name     TEXT,"
  "  created_at       INTEGER,"
  "  created_by       TEXT,"
  "  created_by_type  TEXT,"
  "  tags             TEXT,"
  "  properties       TEXT,"
  "  is_archived      INTEGER,"
  "  raw              TEXT NOT NULL,"
  "  UNIQUE (kind, registry, name, version)"
  ") STRICT;"
  "CREATE VIEW model_containers AS SELECT * FROM ml_assets WHERE kind = 5;"
  "CREATE VIEW model_versions AS SELECT * FROM ml_assets WHERE kind = 6;"
  "CREATE VIEW jobs AS SELECT * FROM ml_assets WHERE kind = 7;"
  "CREATE VIEW data_versions AS SELECT * FROM ml_assets WHERE kind = 8;"

  "CREATE TABLE lineage_edges ("
  "  id        INTEGER PRIMARY KEY,"
  "  registry  TEXT NOT NULL,"
  "  src_kind  TEXT NOT NULL,"
  "  src_ref   TEXT NOT NULL,"
  "  dst_kind  TEXT NOT NULL,"
  "  dst_ref   TEXT NOT NULL,"
  "  relation  TEXT NOT NULL,"
  "  UNIQUE (registry, src_kind, src_ref, dst_kind, dst_ref, relation)"
  ") STRICT;"
  "CREATE INDEX lineage_dst ON lineage_edges (dst_kind, dst_ref);"

  /* Audit events.  The row id is the event time (milliseconds * 64, plus a
   * counter for events in the same millisecond), so rowid order is time
   * order: newest-first full-text search and keyset paging are served in
   * index order (PERF.md, 4). */
  "CREATE TABLE audit_events ("
  "  id              INTEGER PRIMARY KEY,"
  "  event_id        TEXT NOT NULL UNIQUE,"
  "  ts              TEXT NOT NULL,"
  "  kind            TEXT NOT NULL,"
  "  category        TEXT,"
  "  caller          TEXT,"
  "  operation       TEXT,"
  "  status          TEXT,"
  "  level           TEXT,"
  "  resource_id     TEXT,"
  "  hub             TEXT,"
  "  target          TEXT,"
  "  correlation_id  TEXT,"
  "  search          TEXT,"
  "  raw             TEXT NOT NULL"
  ") STRICT;"
  /* A narrow index over the row id alone: counting and sampling page
   * anchors reads 1M ids from ~12 MB instead of the 1 GB table. */
  "CREATE INDEX audit_events_ids ON audit_events (id);"
  /* columnsize=0: no per-row size table (results are ordered by time, never
   * ranked); pgsz matches the 16 KiB pages.  -14 % build time at 1M rows. */
  "CREATE VIRTUAL TABLE audit_fts USING fts5 ("
  "  caller, operation, search,"
  "  content = 'audit_events', content_rowid = 'id', columnsize = 0"
  ");"
  "INSERT INTO audit_fts (audit_fts, rank) VALUES ('pgsz', 16000);"
  "CREATE TABLE fts_pending (id INTEGER PRIMARY KEY) STRICT;",

  /* 1 -> 2: waivers of findings, hash-chained like every other record */
  "CREATE TABLE waivers ("
  "  id          INTEGER PRIMARY KEY,"
  "  finding_id  TEXT NOT NULL,"
  "  rule        TEXT NOT NULL,"
  "  reason      TEXT NOT NULL,"
  "  waived_by   TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX waivers_finding ON waivers (finding_id);",

  /* 2 -> 3: the device's state follows device twins by (time, version);
   * the edge runtime follows $edgeAgent on its own clock */
  "ALTER TABLE devices ADD COLUMN state_version INTEGER;"
  "ALTER TABLE devices ADD COLUMN runtime_at INTEGER;",

  /* 3 -> 4: walking every twin's snapshots in time order without reading
   * the rows (each holds the twin's JSON): twin-drift at 10,200 devices
   * 1.77 s -> 0.91 s */
  "CREATE INDEX twin_snapshots_scan ON twin_snapshots (hub_id, device_id, changed_at, module_id, twin_version);"
};

static gboolean
check_rc (sqlite3    *db,
          int         rc,
          GError    **error,
          const char *context)
{
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  return _attest_sqlite_error (db, rc, error, context);
}

gboolean
_attest_sqlite_error (sqlite3    *db,
                      int         rc,
                      GError    **error,
                      const char *context)
{
  const char *msg = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
               "%s: %s (SQLite %d)", context, msg, rc);
  return FALSE;
}

gboolean
_attest_store_exec (AttestStore *store,
                    const char  *sql,
                    GError     **error)
{
  char *err = NULL;
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, &err);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "%s: %s", store->path, err ? err : sqlite3_errstr (rc));
      sqlite3_free (err);
      return FALSE;
    }
  return TRUE;
}

gboolean
_attest_store_prepare (AttestStore   *store,
                       const char    *sql,
                       sqlite3_stmt **stmt,
                       GError       **error)
{
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, stmt, NULL);

  return check_rc (store->db, rc, error, "preparing a query");
}

static gboolean
migrate (AttestStore *store,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;
  guint i;

  if (!_attest_store_prepare (store, "PRAGMA user_version", &stmt, error))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _attest_sqlite_error (store->db, SQLITE_ERROR, error, "reading the schema version");
  version = sqlite3_column_int (stmt, 0);

  if (version > ATTEST_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_TOO_NEW,
                   _("%s was written by a newer Attest (schema %d; this version knows %d)"),
                   store->path, version, ATTEST_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (version == ATTEST_STORE_SCHEMA_VERSION)
    return TRUE;
  if (store->readonly)
    {
      /* An older workspace opened for reading: upgrade it through a
       * writable connection first (the upgrade only adds). */
      g_autoptr(AttestStore) upgrader = attest_store_open (store->path, ATTEST_STORE_OPEN_DEFAULT, NULL);

      if (upgrader == NULL)
        {
          g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_INVALID,
                       _("%s needs a schema upgrade and cannot be written"), store->path);
          return FALSE;
        }
      return TRUE;
    }

  G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ATTEST_STORE_SCHEMA_VERSION);
  for (i = version; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!_attest_store_exec (store, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_attest_store_exec (store, migrations[i], error)
          || !_attest_store_exec (store, bump, error)
          || !_attest_store_exec (store, "COMMIT", error))
        {
          _attest_store_exec (store, "ROLLBACK", NULL);
          g_prefix_error (error, "migrating to schema %u: ", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

AttestStore *
attest_store_open (const char           *path,
                   AttestStoreOpenFlags  flags,
                   GError              **error)
{
  g_autoptr(AttestStore) store = NULL;
  int rc;
  int oflags;

  g_return_val_if_fail (path != NULL, NULL);

  store = g_new0 (AttestStore, 1);
  g_atomic_ref_count_init (&store->ref_count);
  store->path = g_strdup (path);
  store->readonly = (flags & ATTEST_STORE_OPEN_READONLY) != 0;

  if (!store->readonly)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
          return NULL;
        }
    }

  oflags = SQLITE_OPEN_NOMUTEX | (store->readonly ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  rc = sqlite3_open_v2 (path, &store->db, oflags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   _("Cannot open the workspace %s: %s"), path,
                   store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_timeout (store->db, 10000);

  if (!store->readonly)
    {
      /* Workspaces hold audit evidence: user-only permissions. */
      g_chmod (path, 0600);
      /* 16 KiB pages (only takes effect on a new file): a bulk import does a
       * quarter of the page writes and reads of 4 KiB pages; measured 6.5 s
       * -> 3.7 s for 100k events (tests/bench, docs/PERFORMANCE.md). */
      if (!_attest_store_exec (store, "PRAGMA page_size = 16384", error))
        return NULL;
      if (!_attest_store_exec (store, "PRAGMA journal_mode = WAL", error))
        return NULL;
    }
  if (!_attest_store_exec (store,
                           "PRAGMA synchronous = NORMAL;"
                           "PRAGMA foreign_keys = ON;"
                           "PRAGMA temp_store = MEMORY;", error))
    return NULL;
  if (!migrate (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

AttestStore *
attest_store_ref (AttestStore *store)
{
  g_atomic_ref_count_inc (&store->ref_count);
  return store;
}

void
attest_store_unref (AttestStore *store)
{
  if (store == NULL)
    return;
  if (!g_atomic_ref_count_dec (&store->ref_count))
    return;
  if (store->db)
    sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store);
}

const char *
attest_store_get_path (AttestStore *store)
{
  return store->path;
}

sqlite3 *
attest_store_get_db (AttestStore *store)
{
  return store->db;
}

char *
attest_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "attest", "workspace.db", NULL);
}

static gint64
count_query (AttestStore *store,
             const char  *sql,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_attest_store_prepare (store, sql, &stmt, error))
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _attest_sqlite_error (store->db, rc, error, sql);
      return -1;
    }
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return ATTEST_TIME_NONE;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
attest_store_get_stats (AttestStore      *store,
                        AttestStoreStats *stats,
                        GError          **error)
{
  struct { gint64 *out; const char *sql; } q[] = {
    { &stats->hubs, "SELECT count(*) FROM hubs" },
    { &stats->devices, "SELECT count(*) FROM devices" },
    { &stats->modules, "SELECT count(*) FROM modules" },
    { &stats->twin_snapshots, "SELECT count(*) FROM twin_snapshots" },
    { &stats->identities, "SELECT count(*) FROM identities" },
    { &stats->deployments, "SELECT count(*) FROM deployments" },
    { &stats->deployment_versions, "SELECT count(*) FROM deployment_versions" },
    { &stats->model_containers, "SELECT count(*) FROM ml_assets WHERE kind = 5" },
    { &stats->model_versions, "SELECT count(*) FROM ml_assets WHERE kind = 6" },
    { &stats->jobs, "SELECT count(*) FROM ml_assets WHERE kind = 7" },
    { &stats->data_versions, "SELECT count(*) FROM ml_assets WHERE kind = 8" },
    { &stats->lineage_edges, "SELECT count(*) FROM lineage_edges" },
    { &stats->audit_events, "SELECT count(*) FROM audit_events INDEXED BY audit_events_ids" },
    { &stats->sources, "SELECT count(*) FROM sources" },
    { &stats->waivers, "SELECT count(*) FROM waivers" },
    { &stats->fts_pending, "SELECT count(*) FROM fts_pending" },
    /* ids are milliseconds * 64 (+ a counter): back to ticks */
    { &stats->first_event, "SELECT (min(id) >> 6) * 10000 FROM audit_events" },
    { &stats->last_event, "SELECT (max(id) >> 6) * 10000 FROM audit_events" },
    { &stats->last_import, "SELECT max(finished_at) FROM imports" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (q); i++)
    {
      gint64 v = count_query (store, q[i].sql, error);
      if (v == -1)
        return FALSE;
      *q[i].out = v;
    }
  return TRUE;
}

char *
attest_store_get_setting (AttestStore *store,
                          const char  *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!_attest_store_prepare (store, "SELECT value FROM settings WHERE key = ?", &stmt, NULL))
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
attest_store_set_setting (AttestStore *store,
                          const char  *key,
                          const char  *value,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_attest_store_prepare (store,
                              "INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  return check_rc (store->db, rc, error, "saving a setting");
}

gboolean
attest_store_index_pending (AttestStore  *store,
                            GCancellable *cancellable,
                            GError      **error)
{
  /* Rows were committed by the writer; the index follows in rowid order so
   * FTS5 appends to its segments instead of flushing on every step back in
   * time (PERF.md, 2.4). */
  if (!_attest_store_exec (store, "PRAGMA cache_size = -65536; BEGIN IMMEDIATE", error))
    return FALSE;
  if (!_attest_store_exec (store,
                           "INSERT INTO audit_fts (rowid, caller, operation, search) "
                           "SELECT e.id, e.caller, e.operation, e.search "
                           "FROM fts_pending p JOIN audit_events e ON e.id = p.id "
                           "ORDER BY p.id;"
                           "DELETE FROM fts_pending;", error))
    {
      _attest_store_exec (store, "ROLLBACK", NULL);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      _attest_store_exec (store, "ROLLBACK", NULL);
      return FALSE;
    }
  if (!_attest_store_exec (store, "COMMIT; PRAGMA cache_size = -2000", error))
    {
      _attest_store_exec (store, "ROLLBACK", NULL);
      return FALSE;
    }
  /* The one checkpoint of an import (the writer turned them off).  PASSIVE:
   * never waits for readers, such as a window showing the workspace. */
  return _attest_store_exec (store, "PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint (PASSIVE)", error);
}
