/* attest-store-private.h: shared between the store's own files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <openssl/evp.h>

#include "attest-store.h"

G_BEGIN_DECLS

struct _AttestStore
{
  gatomicrefcount ref_count;
  char           *path;
  sqlite3        *db;
  gboolean        readonly;
};

gboolean  _attest_sqlite_error     (sqlite3     *db,
                                    int          rc,
                                    GError     **error,
                                    const char  *context);
gboolean  _attest_store_exec       (AttestStore *store,
                                    const char  *sql,
                                    GError     **error);
gboolean  _attest_store_prepare    (AttestStore   *store,
                                    const char    *sql,
                                    sqlite3_stmt **stmt,
                                    GError       **error);

/* Hash chain: the canonical bytes of a record are its kind, its row id and
 * every stored column (type-tagged, length-prefixed) in the order of
 * _attest_chain_columns(); hash = SHA-256 (previous hash || canonical). */
typedef struct
{
  GByteArray *buf;
  EVP_MD     *md;
  EVP_MD_CTX *ctx;
} AttestCanon;

void         _attest_canon_begin   (AttestCanon  *canon,
                                    const guint8  prev[32],
                                    int           kind,
                                    gint64        rec_id);
void         _attest_canon_int     (AttestCanon  *canon,
                                    gint64        value);
void         _attest_canon_text    (AttestCanon  *canon,
                                    const char   *text,
                                    gssize        len);
void         _attest_canon_null    (AttestCanon  *canon);
void         _attest_canon_finish  (AttestCanon  *canon,
                                    guint8        out[32]);
void         _attest_canon_clear   (AttestCanon  *canon);
const char  *_attest_chain_select  (int           kind);

G_END_DECLS
