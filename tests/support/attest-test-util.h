/* attest-test-util.h: helpers shared by the test suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attest-autocleanups.h"
#include "attest-store.h"

G_BEGIN_DECLS

/* A fresh workspace in a temporary directory, for GTest fixtures. */
typedef struct
{
  char        *dir;
  char        *db_path;
  AttestStore *store;
} AttestTestWorkspace;

void         attest_test_workspace_open    (AttestTestWorkspace *ws);
void         attest_test_workspace_close   (AttestTestWorkspace *ws);
/* Imports a file the way attest-cli does; @hub may be NULL. */
gboolean     attest_test_workspace_import  (AttestTestWorkspace *ws,
                                            const char          *path,
                                            const char          *hub,
                                            gint64              *new_records,
                                            GError             **error);

/* Writes @policy_text as the workspace's policy file and computes the
 * findings of @rule (NULL: all rules); asserts there is no error. */
GPtrArray   *attest_test_compute_findings  (AttestTestWorkspace *ws,
                                            const char          *policy_text,
                                            const char          *rule);

/* A fresh temporary directory, removed by attest_test_tmpdir_free(). */
char        *attest_test_tmpdir_new        (void);
void         attest_test_tmpdir_free       (char        *dir);
/* Writes @len bytes (or a NUL-terminated string when @len < 0). */
char        *attest_test_write_file        (const char  *dir,
                                            const char  *name,
                                            const char  *data,
                                            gssize       len);
/* SHA-256 over every row of every table, in a fixed order: equal digests
 * mean the workspace is exactly as it was. */
char        *attest_test_store_digest      (AttestStore *store);
/* Path of a file in tests/data. */
char        *attest_test_data_path         (const char  *name);
/* ~300-byte activity-log event with the given id, time and caller. */
char        *attest_test_activity_event    (const char  *event_id,
                                            const char  *timestamp,
                                            const char  *caller,
                                            const char  *operation,
                                            const char  *description);

G_END_DECLS
