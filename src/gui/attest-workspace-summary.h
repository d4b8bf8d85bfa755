/* attest-workspace-summary.h: the figures the Overview shows, read off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "attest-store.h"
#include "attest-store-summary.h"

G_BEGIN_DECLS

typedef struct
{
  AttestStoreStats  stats;
  GPtrArray        *recent_imports;   /* AttestImportLogEntry, newest first */
  GPtrArray        *hubs;             /* AttestHubSummary, by name */
} AttestWorkspaceSummary;

#define ATTEST_TYPE_WORKSPACE_SUMMARY (attest_workspace_summary_get_type ())

GType                   attest_workspace_summary_get_type     (void) G_GNUC_CONST;
AttestWorkspaceSummary *attest_workspace_summary_ref          (AttestWorkspaceSummary *summary);
void                    attest_workspace_summary_unref        (AttestWorkspaceSummary *summary);
gboolean                attest_workspace_summary_is_empty     (const AttestWorkspaceSummary *summary);

void                    attest_workspace_summary_load_async   (const char             *db_path,
                                                               GCancellable           *cancellable,
                                                               GAsyncReadyCallback     callback,
                                                               gpointer                user_data);
AttestWorkspaceSummary *attest_workspace_summary_load_finish  (GAsyncResult           *result,
                                                               GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestWorkspaceSummary, attest_workspace_summary_unref)

G_END_DECLS
