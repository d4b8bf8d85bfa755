/* attest-costs.h: the compliance cost estimate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A dated price table (data/pricing.json), fleet figures measured in the
 * cache and the officer's inputs (a key file, data/cost-inputs.ini) give
 * yearly costs in three bands.  Every line carries the price rows, inputs
 * and cache figures it was computed from, so each number can be traced.
 */
#pragma once

#include <glib.h>

#include "attest-types.h"

G_BEGIN_DECLS

#define ATTEST_COSTS_ERROR (attest_costs_error_quark ())
GQuark attest_costs_error_quark (void);

typedef enum {
  ATTEST_COSTS_ERROR_PRICES,       /* the price table is unreadable or malformed */
  ATTEST_COSTS_ERROR_INPUTS,       /* the inputs file is unreadable or malformed */
  ATTEST_COSTS_ERROR_STORE,
} AttestCostsError;

/* ---------------------------------------------------------------------- */
/* The price table */

typedef struct
{
  char   *id;          /* stable row id, e.g. "iothub-s1" */
  char   *service;     /* "IoT Hub" */
  char   *tier;        /* "S1" */
  char   *unit;        /* what one amount buys: "unit-month", "GB", … */
  char   *currency;    /* ISO 4217, the same on every row */
  double  amount;      /* price of one unit */
  char   *as_of;       /* YYYY-MM-DD the price was read */
  char   *source;      /* where it came from; list prices to be checked */
  guint   line;        /* line of the row in the file */
} AttestPrice;

typedef struct
{
  char      *path;
  char      *currency;
  char      *as_of;    /* the table's date: the oldest row's as_of */
  GPtrArray *rows;     /* AttestPrice, in file order */
} AttestPriceTable;

/* Parses @data (the contents of @path, named in errors).  Errors name the
 * file, the line and the field, e.g. "pricing.json: line 7: prices[2].amount:
 * expected a number". */
AttestPriceTable  *attest_price_table_parse   (const char        *path,
                                               const char        *data,
                                               gsize              len,
                                               GError           **error);
AttestPriceTable  *attest_price_table_load    (const char        *path,
                                               GError           **error);
const AttestPrice *attest_price_table_lookup  (AttestPriceTable  *table,
                                               const char        *id);
void               attest_price_table_free    (AttestPriceTable  *table);

/* ---------------------------------------------------------------------- */
/* Fleet figures from the cache */

typedef struct
{
  char *name;
  char *sku;           /* hubs.sku, NULL when no state export named it */
} AttestCostHub;

typedef struct
{
  GPtrArray *hubs;                   /* AttestCostHub, by name */
  gint64     devices;                /* rows in devices */
  gint64     events;                 /* audit_events */
  gint64     resource_log_events;    /* of which kind 'resource-log' */
  double     event_months;           /* months between first and last event (>= 1) */
  double     events_per_month;
  double     resource_log_events_per_month;
  double     event_bytes;            /* mean bytes of raw per event */
  double     resource_log_bytes;     /* mean bytes of raw per resource-log event */
  gint64     snapshots;              /* twin_snapshots */
  double     snapshot_months;        /* months between first and last change (>= 1) */
  double     snapshots_per_month;
  double     snapshot_bytes;         /* mean bytes of raw per snapshot */
  gint64     model_versions_per_year; /* model versions created in the 365 days
                                       * up to the newest one */
} AttestCostFacts;

gboolean attest_cost_facts_read  (AttestStore     *store,
                                  AttestCostFacts *facts,
                                  GError         **error);
void     attest_cost_facts_clear (AttestCostFacts *facts);

/* ---------------------------------------------------------------------- */
/* The estimate */

typedef enum {
  ATTEST_COST_LOW,
  ATTEST_COST_EXPECTED,
  ATTEST_COST_HIGH,
  ATTEST_N_COST_BANDS
} AttestCostBand;

typedef enum {
  ATTEST_COST_SERVICES,    /* Azure services compliance adds (logs, evidence, signing, …) */
  ATTEST_COST_PEOPLE,      /* compliance work by people */
  ATTEST_COST_EXTERNAL,    /* external audits, training */
  ATTEST_COST_PLATFORM,    /* the IoT Hubs themselves: context, not in the total */
  ATTEST_COST_BENCHMARK,   /* overhead band on the budget: a comparison, not in the total */
} AttestCostCategory;

/* "services", "people", "external", "platform", "benchmark" */
const char *attest_cost_category_key (AttestCostCategory category);

/* One line: amount[b] = quantity[b] × unit_price[b], per year. */
typedef struct
{
  char               *id;           /* "log-ingestion", "iothub:attest-demo-weu", "person:ml-engineer" */
  AttestCostCategory  category;
  char               *label;        /* translated, for people */
  char               *unit;         /* unit of quantity: "GB", "hour", "unit-month" */
  double              quantity[ATTEST_N_COST_BANDS];
  double              unit_price[ATTEST_N_COST_BANDS];
  double              amount[ATTEST_N_COST_BANDS];
  /* Where every figure came from: "price:ROW-ID", "input:GROUP.KEY",
   * "default:GROUP.KEY" (key absent, documented default used) and
   * "cache:FIGURE" (a field of AttestCostFacts, by name). */
  GPtrArray          *sources;      /* char * */
  char               *basis;        /* the expected figure as a formula, e.g.
                                     * "0.52 GB × 2.3 USD/GB" */
} AttestCostLine;

typedef struct
{
  char            *prices_path;
  char            *inputs_path;
  char            *currency;
  char            *prices_as_of;    /* the price table's date */
  gint             prices_age_days; /* from that date to @now */
  gboolean         prices_stale;    /* older than 12 months */
  AttestPriceTable *prices;         /* the table read, for citing its rows */
  AttestCostFacts  facts;
  GPtrArray       *lines;           /* AttestCostLine, in category order */
  /* services + people + external (the compliance estimate) */
  double           total[ATTEST_N_COST_BANDS];
  double           platform[ATTEST_N_COST_BANDS];
  double           budget;          /* NAN when the inputs give none */
  GPtrArray       *warnings;        /* char *, translated sentences */
} AttestCostEstimate;

/* Reads the cache figures, the price table at @prices_path and the inputs
 * at @inputs_path (NULL: no officer inputs, only cache-driven lines) and
 * computes the yearly estimate.  @now (ticks, ATTEST_TIME_NONE for the
 * clock) dates the staleness check. */
AttestCostEstimate *attest_costs_estimate      (AttestStore  *store,
                                                const char   *prices_path,
                                                const char   *inputs_path,
                                                gint64        now,
                                                GError      **error);
void                attest_cost_estimate_free  (AttestCostEstimate *estimate);

/* Where the default data files live: $ATTEST_DATA_DIR when set; else the
 * installed PKGDATADIR when the file is there; else the data/ folder of
 * the source tree of an uninstalled build (found through the build
 * directory's meson-info/meson-info.json next to the running program);
 * else the PKGDATADIR path, so that the error names where it was looked
 * for.  @name is e.g. "pricing.json". */
char               *attest_costs_find_data_file (const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestPriceTable, attest_price_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestCostEstimate, attest_cost_estimate_free)

G_END_DECLS
