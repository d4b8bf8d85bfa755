/* attest-store-summary.h: small read models for overviews
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attest-store.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;          /* file name */
  char   *locator;       /* full path, may be NULL */
  char   *format;
  gint64  finished_at;   /* ticks */
  gint64  new_records;
  gint64  duplicates;
} AttestImportLogEntry;

typedef struct
{
  char   *name;
  char   *location;      /* Azure region, may be NULL */
  gint64  devices;
  gint64  edge_devices;
} AttestHubSummary;

void       attest_import_log_entry_free (AttestImportLogEntry *entry);
void       attest_hub_summary_free      (AttestHubSummary     *summary);

/* Newest first. */
GPtrArray *attest_store_list_imports    (AttestStore          *store,
                                         guint                 limit,
                                         GError              **error);
/* Every hub with its device totals, by name. */
GPtrArray *attest_store_list_hubs       (AttestStore          *store,
                                         GError              **error);

G_END_DECLS
