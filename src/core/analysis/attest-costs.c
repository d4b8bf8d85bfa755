/* attest-costs.c: the compliance cost estimate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All figures are per year.  Volumes measured in the cache are averages
 * over the span of the data; GB are 10^9 bytes of the records' raw JSON
 * (close to what Log Analytics bills, which counts its own columns).
 */
#define G_LOG_DOMAIN "attest-costs"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-costs.h"

#include "attest-autocleanups.h"
#include "attest-json.h"
#include "attest-records.h"
#include "attest-store.h"
#include "attest-time.h"

G_DEFINE_QUARK (attest-costs-error-quark, attest_costs_error)

#define TICKS_PER_DAY   (G_GINT64_CONSTANT (86400) * ATTEST_TICKS_PER_SECOND)
#define DAYS_PER_MONTH  30.436875
#define BYTES_PER_GB    1e9

/* ---------------------------------------------------------------------- */
/* The price table */

static void
price_free (gpointer data)
{
  AttestPrice *p = data;

  g_free (p->id);
  g_free (p->service);
  g_free (p->tier);
  g_free (p->unit);
  g_free (p->currency);
  g_free (p->as_of);
  g_free (p->source);
  g_free (p);
}

void
attest_price_table_free (AttestPriceTable *table)
{
  if (table == NULL)
    return;
  g_free (table->path);
  g_free (table->currency);
  g_free (table->as_of);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

static guint
node_line (const char     *data,
           AttestJsonNode *node)
{
  guint64 line = 0, column = 0;

  attest_json_offset_position (data, node->start, &line, &column);
  return (guint) line;
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-'
      || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/* "FILE: line N: FIELD: message" */
static gboolean G_GNUC_PRINTF (6, 7)
price_error (GError        **error,
             const char     *path,
             const char     *data,
             AttestJsonNode *node,
             const char     *field,
             const char     *format,
             ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_PRICES,
               _("%s: line %u: %s: %s"), path, node_line (data, node), field, msg);
  return FALSE;
}

static const char *
required_string (const char      *path,
                 const char      *data,
                 AttestJsonNode  *object,
                 const char      *key,
                 const char      *field_prefix,
                 GError         **error)
{
  AttestJsonNode *node = attest_json_get (object, key);
  g_autofree char *field = field_prefix ? g_strdup_printf ("%s.%s", field_prefix, key) : g_strdup (key);

  if (node == NULL)
    {
      price_error (error, path, data, object, field, _("missing"));
      return NULL;
    }
  if (node->type != ATTEST_JSON_STRING || node->str[0] == '\0')
    {
      price_error (error, path, data, node, field, _("expected a non-empty string, found %s"),
                   node->type == ATTEST_JSON_STRING ? _("an empty string") : attest_json_type_name (node->type));
      return NULL;
    }
  return node->str;
}

AttestPriceTable *
attest_price_table_parse (const char  *path,
                          const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autoptr(AttestPriceTable) table = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  AttestJsonNode *root, *prices, *row;
  GDate oldest;
  const char *currency;
  guint i = 0;

  g_date_clear (&oldest, 1);
  root = attest_json_doc_parse (doc, data, len, &local);
  if (root == NULL)
    {
      g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_PRICES, "%s: %s", path, local->message);
      return NULL;
    }
  if (root->type != ATTEST_JSON_OBJECT)
    {
      price_error (error, path, data, root, _("(top level)"), _("expected an object, found %s"),
                   attest_json_type_name (root->type));
      return NULL;
    }
  currency = required_string (path, data, root, "currency", NULL, error);
  if (currency == NULL)
    return NULL;
  prices = attest_json_get (root, "prices");
  if (prices == NULL)
    {
      price_error (error, path, data, root, "prices", _("missing"));
      return NULL;
    }
  if (prices->type != ATTEST_JSON_ARRAY)
    {
      price_error (error, path, data, prices, "prices", _("expected an array, found %s"),
                   attest_json_type_name (prices->type));
      return NULL;
    }

  table = g_new0 (AttestPriceTable, 1);
  table->path = g_strdup (path);
  table->currency = g_strdup (currency);
  table->rows = g_ptr_array_new_with_free_func (price_free);

  for (row = prices->first_child; row; row = row->next, i++)
    {
      static const char *fields[] = { "id", "service", "tier", "unit", "currency", "as_of", "source" };
      g_autofree char *prefix = g_strdup_printf ("prices[%u]", i);
      const char *values[G_N_ELEMENTS (fields)];
      AttestJsonNode *amount;
      AttestPrice *p;
      GDate date;
      double v;
      guint k;

      if (row->type != ATTEST_JSON_OBJECT)
        return price_error (error, path, data, row, prefix, _("expected an object, found %s"),
                            attest_json_type_name (row->type)), NULL;
      for (k = 0; k < G_N_ELEMENTS (fields); k++)
        if ((values[k] = required_string (path, data, row, fields[k], prefix, error)) == NULL)
          return NULL;
      amount = attest_json_get (row, "amount");
      if (amount == NULL || amount->type != ATTEST_JSON_NUMBER
          || !attest_json_node_double (amount, &v) || !isfinite (v) || v < 0)
        {
          g_autofree char *field = g_strconcat (prefix, ".amount", NULL);

          if (amount == NULL)
            price_error (error, path, data, row, field, _("missing"));
          else if (amount->type != ATTEST_JSON_NUMBER)
            price_error (error, path, data, amount, field, _("expected a number, found %s"),
                         attest_json_type_name (amount->type));
          else
            price_error (error, path, data, amount, field, _("expected a price of 0 or more"));
          return NULL;
        }
      if (!parse_date (values[5], &date))
        {
          g_autofree char *field = g_strconcat (prefix, ".as_of", NULL);
          return price_error (error, path, data, attest_json_get (row, "as_of"), field,
                              _("“%s” is not a date (YYYY-MM-DD)"), values[5]), NULL;
        }
      if (!g_str_equal (values[4], currency))
        {
          g_autofree char *field = g_strconcat (prefix, ".currency", NULL);
          return price_error (error, path, data, attest_json_get (row, "currency"), field,
                              _("%s differs from the table's currency %s (no exchange rates are applied)"),
                              values[4], currency), NULL;
        }
      if (g_hash_table_contains (ids, values[0]))
        {
          g_autofree char *field = g_strconcat (prefix, ".id", NULL);
          return price_error (error, path, data, attest_json_get (row, "id"), field,
                              _("“%s” appears twice"), values[0]), NULL;
        }
      g_hash_table_add (ids, (gpointer) values[0]);

      p = g_new0 (AttestPrice, 1);
      p->id = g_strdup (values[0]);
      p->service = g_strdup (values[1]);
      p->tier = g_strdup (values[2]);
      p->unit = g_strdup (values[3]);
      p->currency = g_strdup (values[4]);
      p->as_of = g_strdup (values[5]);
      p->source = g_strdup (values[6]);
      p->amount = v;
      p->line = node_line (data, row);
      g_ptr_array_add (table->rows, p);
      if (!g_date_valid (&oldest) || g_date_compare (&date, &oldest) < 0)
        {
          oldest = date;
          g_free (table->as_of);
          table->as_of = g_strdup (values[5]);
        }
    }
  if (table->rows->len == 0)
    {
      price_error (error, path, data, prices, "prices", _("no price rows"));
      return NULL;
    }
  return g_steal_pointer (&table);
}

AttestPriceTable *
attest_price_table_load (const char  *path,
                         GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_PRICES,
                   _("Cannot read the price table: %s"), local->message);
      return NULL;
    }
  return attest_price_table_parse (path, data, len, error);
}

const AttestPrice *
attest_price_table_lookup (AttestPriceTable *table,
                           const char       *id)
{
  guint i;

  for (i = 0; i < table->rows->len; i++)
    {
      const AttestPrice *p = g_ptr_array_index (table->rows, i);
      if (g_str_equal (p->id, id))
        return p;
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Fleet figures */

static void
hub_free (gpointer data)
{
  AttestCostHub *h = data;

  g_free (h->name);
  g_free (h->sku);
  g_free (h);
}

void
attest_cost_facts_clear (AttestCostFacts *facts)
{
  g_clear_pointer (&facts->hubs, g_ptr_array_unref);
  memset (facts, 0, sizeof *facts);
}

static gboolean
step_one (sqlite3       *db,
          const char    *sql,
          sqlite3_stmt **stmt,
          GError       **error)
{
  if (sqlite3_prepare_v2 (db, sql, -1, stmt, NULL) != SQLITE_OK
      || sqlite3_step (*stmt) != SQLITE_ROW)
    {
      g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_STORE,
                   _("Cannot read the fleet figures: %s"), sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

static double
span_months (gint64 first,
             gint64 last)
{
  double months = (double) (last - first) / TICKS_PER_DAY / DAYS_PER_MONTH;

  return MAX (1.0, months);
}

gboolean
attest_cost_facts_read (AttestStore     *store,
                        AttestCostFacts *facts,
                        GError         **error)
{
  sqlite3 *db = attest_store_get_db (store);
  memset (facts, 0, sizeof *facts);
  facts->hubs = g_ptr_array_new_with_free_func (hub_free);

  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    int rc;

    if (sqlite3_prepare_v2 (db, "SELECT name, sku FROM hubs ORDER BY name", -1, &stmt, NULL) != SQLITE_OK)
      goto fail;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        AttestCostHub *h = g_new0 (AttestCostHub, 1);
        const char *sku = (const char *) sqlite3_column_text (stmt, 1);

        h->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        h->sku = sku && *sku ? g_strdup (sku) : NULL;
        g_ptr_array_add (facts->hubs, h);
      }
    if (rc != SQLITE_DONE)
      goto fail;
  }
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;

    if (!step_one (db, "SELECT count(*) FROM devices", &stmt, error))
      return FALSE;
    facts->devices = sqlite3_column_int64 (stmt, 0);
  }
  {
    /* audit_events.id is milliseconds × 64 (see attest-store.c). */
    g_autoptr(sqlite3_stmt) stmt = NULL;

    if (!step_one (db,
                   "SELECT count(*), min(id), max(id), total(length(CAST(raw AS BLOB))),"
                   "       total(kind = 'resource-log'),"
                   "       total(CASE WHEN kind = 'resource-log' THEN length(CAST(raw AS BLOB)) END)"
                   "  FROM audit_events", &stmt, error))
      return FALSE;
    facts->events = sqlite3_column_int64 (stmt, 0);
    facts->resource_log_events = (gint64) sqlite3_column_double (stmt, 4);
    facts->event_months = 1.0;
    if (facts->events > 0)
      {
        gint64 first = sqlite3_column_int64 (stmt, 1) / 64 * ATTEST_TICKS_PER_MS;
        gint64 last = sqlite3_column_int64 (stmt, 2) / 64 * ATTEST_TICKS_PER_MS;

        facts->event_months = span_months (first, last);
        facts->event_bytes = sqlite3_column_double (stmt, 3) / facts->events;
      }
    if (facts->resource_log_events > 0)
      facts->resource_log_bytes = sqlite3_column_double (stmt, 5) / facts->resource_log_events;
    facts->events_per_month = facts->events / facts->event_months;
    facts->resource_log_events_per_month = facts->resource_log_events / facts->event_months;
  }
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;

    if (!step_one (db,
                   "SELECT count(*), min(changed_at), max(changed_at), total(length(CAST(raw AS BLOB)))"
                   "  FROM twin_snapshots", &stmt, error))
      return FALSE;
    facts->snapshots = sqlite3_column_int64 (stmt, 0);
    facts->snapshot_months = 1.0;
    if (facts->snapshots > 0)
      {
        if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
          facts->snapshot_months = span_months (sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2));
        facts->snapshot_bytes = sqlite3_column_double (stmt, 3) / facts->snapshots;
      }
    facts->snapshots_per_month = facts->snapshots / facts->snapshot_months;
  }
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;

    if (sqlite3_prepare_v2 (db,
                            "SELECT count(*) FROM ml_assets WHERE kind = 6 AND"
                            " (?1 IS NULL OR created_at > ?1)", -1, &stmt, NULL) != SQLITE_OK)
      goto fail;
    {
      g_autoptr(sqlite3_stmt) newest = NULL;

      if (!step_one (db, "SELECT max(created_at) FROM ml_assets WHERE kind = 6", &newest, error))
        return FALSE;
      if (sqlite3_column_type (newest, 0) != SQLITE_NULL)
        sqlite3_bind_int64 (stmt, 1, sqlite3_column_int64 (newest, 0) - 365 * TICKS_PER_DAY);
    }
    if (sqlite3_step (stmt) != SQLITE_ROW)
      goto fail;
    facts->model_versions_per_year = sqlite3_column_int64 (stmt, 0);
  }
  return TRUE;

fail:
  g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_STORE,
               _("Cannot read the fleet figures: %s"), sqlite3_errmsg (db));
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Officer inputs */

typedef struct
{
  GKeyFile   *kf;        /* NULL: no inputs file, every key at its default */
  const char *path;
} Inputs;

/* Reads GROUP.KEY as a number >= 0.  Absent: @def when @has_def, else an
 * error.  Records where the figure came from in @sources. */
static gboolean
input_number (Inputs      *in,
              const char  *group,
              const char  *key,
              gboolean     has_def,
              double       def,
              GPtrArray   *sources,
              double      *out,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  double v;

  if (in->kf == NULL || !g_key_file_has_key (in->kf, group, key, NULL))
    {
      if (!has_def)
        {
          g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS,
                       _("%s: [%s] has no “%s”"), in->path, group, key);
          return FALSE;
        }
      *out = def;
      g_ptr_array_add (sources, g_strdup_printf ("default:%s.%s", group, key));
      return TRUE;
    }
  v = g_key_file_get_double (in->kf, group, key, &local);
  if (local != NULL || !isfinite (v) || v < 0)
    {
      g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS,
                   _("%s: [%s] %s: %s"), in->path, group, key,
                   local ? local->message : _("must be a number of 0 or more"));
      return FALSE;
    }
  *out = v;
  g_ptr_array_add (sources, g_strdup_printf ("input:%s.%s", group, key));
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The estimate */

static const char *category_keys[] = { "services", "people", "external", "platform", "benchmark" };

const char *
attest_cost_category_key (AttestCostCategory category)
{
  g_return_val_if_fail (category <= ATTEST_COST_BENCHMARK, NULL);
  return category_keys[category];
}

static void
line_free (gpointer data)
{
  AttestCostLine *l = data;

  g_free (l->id);
  g_free (l->label);
  g_free (l->unit);
  g_ptr_array_unref (l->sources);
  g_free (l->basis);
  g_free (l);
}

void
attest_cost_estimate_free (AttestCostEstimate *estimate)
{
  if (estimate == NULL)
    return;
  g_free (estimate->prices_path);
  g_free (estimate->inputs_path);
  g_free (estimate->currency);
  g_free (estimate->prices_as_of);
  g_clear_pointer (&estimate->prices, attest_price_table_free);
  attest_cost_facts_clear (&estimate->facts);
  g_clear_pointer (&estimate->lines, g_ptr_array_unref);
  g_clear_pointer (&estimate->warnings, g_ptr_array_unref);
  g_free (estimate);
}

/* Adds a line; takes @sources.  Prices come from rows @price_ids[band]
 * (all three may be the same row), or from @unit_price when NULL. */
static void
add_line (AttestCostEstimate  *est,
          const char          *id,
          AttestCostCategory   category,
          const char          *label,
          const char          *unit,
          const double         quantity[ATTEST_N_COST_BANDS],
          const double         unit_price[ATTEST_N_COST_BANDS],
          GPtrArray           *sources)
{
  AttestCostLine *l = g_new0 (AttestCostLine, 1);
  int b;

  l->id = g_strdup (id);
  l->category = category;
  l->label = g_strdup (label);
  l->unit = g_strdup (unit);
  for (b = 0; b < ATTEST_N_COST_BANDS; b++)
    {
      l->quantity[b] = quantity[b];
      l->unit_price[b] = unit_price[b];
      l->amount[b] = quantity[b] * unit_price[b];
    }
  l->sources = sources;
  l->basis = g_strdup_printf ("%.6g %s × %.6g %s/%s", quantity[ATTEST_COST_EXPECTED], unit,
                              unit_price[ATTEST_COST_EXPECTED], est->currency, unit);
  g_ptr_array_add (est->lines, l);
}

/* Looks up price rows for the three bands; a missing row is a warning and
 * the line is left out. */
static gboolean
get_prices (AttestCostEstimate *est,
            AttestPriceTable   *table,
            const char         *low,
            const char         *expected,
            const char         *high,
            const char         *what,
            GPtrArray          *sources,
            double              price[ATTEST_N_COST_BANDS])
{
  const char *ids[ATTEST_N_COST_BANDS] = { low, expected, high };
  int b;

  for (b = 0; b < ATTEST_N_COST_BANDS; b++)
    {
      const AttestPrice *p = attest_price_table_lookup (table, ids[b]);

      if (p == NULL)
        {
          g_ptr_array_add (est->warnings,
                           g_strdup_printf (_("The price table has no row “%s”: %s is left out."), ids[b], what));
          return FALSE;
        }
      price[b] = p->amount;
      if (b == 0 || !g_str_equal (ids[b], ids[b - 1]))
        g_ptr_array_add (sources, g_strdup_printf ("price:%s", ids[b]));
    }
  return TRUE;
}

static GPtrArray *
new_sources (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static void
add_cache (GPtrArray  *sources,
           const char *figure)
{
  g_ptr_array_add (sources, g_strdup_printf ("cache:%s", figure));
}

static gboolean
check_stale (AttestCostEstimate *est,
             gint64              now)
{
  g_autoptr(GDateTime) dt = attest_time_to_datetime (now);
  GDate today, as_of, limit;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                  g_date_time_get_year (dt));
  if (!parse_date (est->prices_as_of, &as_of))
    return FALSE;
  est->prices_age_days = g_date_days_between (&as_of, &today);
  limit = as_of;
  g_date_add_months (&limit, 12);
  est->prices_stale = g_date_compare (&limit, &today) < 0;
  if (est->prices_stale)
    g_ptr_array_add (est->warnings,
                     g_strdup_printf (_("The price table is dated %s, more than 12 months ago: check the prices before using this estimate."),
                                      est->prices_as_of));
  return TRUE;
}

static gboolean
add_service_lines (AttestCostEstimate *est,
                   AttestPriceTable   *table,
                   Inputs             *in,
                   GError            **error)
{
  const AttestCostFacts *f = &est->facts;
  double factor[ATTEST_N_COST_BANDS] = { 0, 1, 0 };
  g_autoptr(GPtrArray) factor_src = new_sources ();
  double q[ATTEST_N_COST_BANDS], price[ATTEST_N_COST_BANDS];
  double months, years, v;
  int b;
  guint i;

  if (!input_number (in, "volumes", "low-factor", TRUE, 0.8, factor_src, &factor[ATTEST_COST_LOW], error)
      || !input_number (in, "volumes", "high-factor", TRUE, 1.5, factor_src, &factor[ATTEST_COST_HIGH], error))
    return FALSE;

#define COPY_FACTOR_SOURCES(s) \
  for (i = 0; i < factor_src->len; i++) \
    g_ptr_array_add ((s), g_strdup (g_ptr_array_index (factor_src, i)))

  /* Log Analytics ingestion: IoT Hub resource logs (activity-log ingestion is free). */
  {
    GPtrArray *s = new_sources ();
    double gb_month = f->resource_log_events_per_month * f->resource_log_bytes / BYTES_PER_GB;

    add_cache (s, "resource_log_events_per_month");
    add_cache (s, "resource_log_bytes");
    COPY_FACTOR_SOURCES (s);
    if (get_prices (est, table, "loganalytics-ingestion", "loganalytics-ingestion", "loganalytics-ingestion",
                    _("Log Analytics ingestion"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = gb_month * 12 * factor[b];
        add_line (est, "log-ingestion", ATTEST_COST_SERVICES,
                  _("Log Analytics ingestion of IoT Hub resource logs"), "GB", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }

  /* Log Analytics retention beyond the included month, at steady state. */
  {
    GPtrArray *s = new_sources ();
    double gb_month = f->events_per_month * f->event_bytes / BYTES_PER_GB;

    add_cache (s, "events_per_month");
    add_cache (s, "event_bytes");
    if (!input_number (in, "retention", "log-months", TRUE, 24, s, &months, error))
      return g_ptr_array_unref (s), FALSE;
    COPY_FACTOR_SOURCES (s);
    if (get_prices (est, table, "loganalytics-retention", "loganalytics-retention", "loganalytics-retention",
                    _("Log Analytics retention"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = gb_month * MAX (0.0, months - 1) * 12 * factor[b];
        add_line (est, "log-retention", ATTEST_COST_SERVICES,
                  _("Log Analytics retention of audit events beyond 31 days"), "GB-month", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }

  /* Evidence storage: events and snapshots kept for the retention period. */
  {
    GPtrArray *s = new_sources ();
    double gb_year = (f->events_per_month * f->event_bytes + f->snapshots_per_month * f->snapshot_bytes)
                     * 12 / BYTES_PER_GB;

    add_cache (s, "events_per_month");
    add_cache (s, "event_bytes");
    add_cache (s, "snapshots_per_month");
    add_cache (s, "snapshot_bytes");
    if (!input_number (in, "retention", "evidence-years", TRUE, 10, s, &years, error))
      return g_ptr_array_unref (s), FALSE;
    COPY_FACTOR_SOURCES (s);
    if (get_prices (est, table, "storage-blob-archive", "storage-blob-cool", "storage-blob-hot",
                    _("Evidence storage"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = gb_year * years * 12 * factor[b];
        add_line (est, "evidence-storage", ATTEST_COST_SERVICES,
                  _("Storage of evidence for the retention period (steady state)"), "GB-month", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }

  /* Defender for IoT, per device. */
  {
    g_autoptr(GError) local = NULL;
    gboolean enabled = TRUE;
    GPtrArray *s = new_sources ();

    if (in->kf && g_key_file_has_key (in->kf, "services", "defender-for-iot", NULL))
      {
        enabled = g_key_file_get_boolean (in->kf, "services", "defender-for-iot", &local);
        if (local)
          {
            g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS,
                         _("%s: [%s] %s: %s"), in->path, "services", "defender-for-iot", local->message);
            return g_ptr_array_unref (s), FALSE;
          }
        g_ptr_array_add (s, g_strdup ("input:services.defender-for-iot"));
      }
    else
      g_ptr_array_add (s, g_strdup ("default:services.defender-for-iot"));
    add_cache (s, "devices");
    if (enabled && get_prices (est, table, "defender-iot-device", "defender-iot-device", "defender-iot-device",
                               _("Defender for IoT"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = (double) f->devices * 12;
        add_line (est, "defender-for-iot", ATTEST_COST_SERVICES,
                  _("Defender for IoT on every device"), "device-month", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }

  /* Key Vault: the signing key and its operations. */
  {
    GPtrArray *s = new_sources ();

    if (!input_number (in, "evidence", "signing-keys", TRUE, 1, s, &v, error))
      return g_ptr_array_unref (s), FALSE;
    if (get_prices (est, table, "keyvault-hsm-key", "keyvault-hsm-key", "keyvault-hsm-key",
                    _("Key Vault signing keys"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = v * 12;
        add_line (est, "signing-keys", ATTEST_COST_SERVICES,
                  _("Key Vault HSM keys for signing evidence packs"), "key-month", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }
  {
    GPtrArray *s = new_sources ();
    double packs, ops;

    if (!input_number (in, "evidence", "packs-per-year", TRUE, 12, s, &packs, error)
        || !input_number (in, "evidence", "operations-per-pack", TRUE, 20, s, &ops, error))
      return g_ptr_array_unref (s), FALSE;
    if (get_prices (est, table, "keyvault-hsm-operations", "keyvault-hsm-operations", "keyvault-hsm-operations",
                    _("Key Vault operations"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = packs * ops / 10000;
        add_line (est, "signing-operations", ATTEST_COST_SERVICES,
                  _("Key Vault operations for signing evidence packs"), "10,000 operations", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }

  /* Azure ML compute to re-evaluate each new model version. */
  {
    GPtrArray *s = new_sources ();
    double hours[ATTEST_N_COST_BANDS];

    add_cache (s, "model_versions_per_year");
    if (!input_number (in, "ml", "eval-hours-low", TRUE, 2, s, &hours[ATTEST_COST_LOW], error)
        || !input_number (in, "ml", "eval-hours-expected", TRUE, 4, s, &hours[ATTEST_COST_EXPECTED], error)
        || !input_number (in, "ml", "eval-hours-high", TRUE, 8, s, &hours[ATTEST_COST_HIGH], error))
      return g_ptr_array_unref (s), FALSE;
    if (get_prices (est, table, "azureml-compute-ds3v2", "azureml-compute-ds3v2", "azureml-compute-ds3v2",
                    _("Azure ML evaluation compute"), s, price))
      {
        for (b = 0; b < ATTEST_N_COST_BANDS; b++)
          q[b] = (double) f->model_versions_per_year * hours[b];
        add_line (est, "model-evaluation", ATTEST_COST_SERVICES,
                  _("Azure ML compute to re-evaluate each new model version"), "hour", q, price, s);
      }
    else
      g_ptr_array_unref (s);
  }
#undef COPY_FACTOR_SOURCES
  return TRUE;
}

static gboolean
add_people_lines (AttestCostEstimate *est,
                  Inputs             *in,
                  GError            **error)
{
  g_auto(GStrv) groups = NULL;
  double q[ATTEST_N_COST_BANDS], price[ATTEST_N_COST_BANDS];
  guint i;
  int b;

  if (in->kf == NULL)
    return TRUE;
  groups = g_key_file_get_groups (in->kf, NULL);
  for (i = 0; groups[i]; i++)
    {
      g_autoptr(GPtrArray) s = NULL;
      g_autofree char *id = NULL;
      g_autofree char *label = NULL;
      const char *role;
      double count, rate, hours[ATTEST_N_COST_BANDS];

      if (!g_str_has_prefix (groups[i], "person "))
        continue;
      role = groups[i] + strlen ("person ");
      s = new_sources ();
      if (!input_number (in, groups[i], "count", TRUE, 1, s, &count, error)
          || !input_number (in, groups[i], "rate", FALSE, 0, s, &rate, error)
          || !input_number (in, groups[i], "hours-expected", FALSE, 0, s, &hours[ATTEST_COST_EXPECTED], error)
          || !input_number (in, groups[i], "hours-low", TRUE, hours[ATTEST_COST_EXPECTED], s, &hours[ATTEST_COST_LOW], error)
          || !input_number (in, groups[i], "hours-high", TRUE, hours[ATTEST_COST_EXPECTED], s, &hours[ATTEST_COST_HIGH], error))
        return FALSE;
      for (b = 0; b < ATTEST_N_COST_BANDS; b++)
        {
          q[b] = count * hours[b];
          price[b] = rate;
        }
      id = g_strdup_printf ("person:%s", role);
      label = g_strdup_printf (_("Compliance work: %s"), role);
      add_line (est, id, ATTEST_COST_PEOPLE, label, "hour", q, price, g_steal_pointer (&s));
    }
  return TRUE;
}

static gboolean
add_external_lines (AttestCostEstimate *est,
                    Inputs             *in,
                    GError            **error)
{
  double q[ATTEST_N_COST_BANDS], price[ATTEST_N_COST_BANDS];
  int b;

  if (in->kf && g_key_file_has_group (in->kf, "audits"))
    {
      g_autoptr(GPtrArray) s = new_sources ();
      double per_year;

      if (!input_number (in, "audits", "per-year", TRUE, 1, s, &per_year, error)
          || !input_number (in, "audits", "cost-expected", FALSE, 0, s, &price[ATTEST_COST_EXPECTED], error)
          || !input_number (in, "audits", "cost-low", TRUE, price[ATTEST_COST_EXPECTED], s, &price[ATTEST_COST_LOW], error)
          || !input_number (in, "audits", "cost-high", TRUE, price[ATTEST_COST_EXPECTED], s, &price[ATTEST_COST_HIGH], error))
        return FALSE;
      for (b = 0; b < ATTEST_N_COST_BANDS; b++)
        q[b] = per_year;
      add_line (est, "external-audits", ATTEST_COST_EXTERNAL, _("External audits"), "audit", q, price,
                g_steal_pointer (&s));
    }
  if (in->kf && g_key_file_has_group (in->kf, "training"))
    {
      g_autoptr(GPtrArray) s = new_sources ();
      g_autoptr(GPtrArray) fs = new_sources ();
      double people, hours, rate, fee;

      if (!input_number (in, "training", "people", FALSE, 0, s, &people, error)
          || !input_number (in, "training", "hours-per-person", FALSE, 0, s, &hours, error)
          || !input_number (in, "training", "rate", FALSE, 0, s, &rate, error))
        return FALSE;
      g_ptr_array_add (fs, g_strdup ("input:training.people"));
      if (!input_number (in, "training", "fee-per-person", TRUE, 0, fs, &fee, error))
        return FALSE;
      for (b = 0; b < ATTEST_N_COST_BANDS; b++)
        {
          q[b] = people * hours;
          price[b] = rate;
        }
      add_line (est, "training-time", ATTEST_COST_EXTERNAL, _("Training: time of the people trained"), "hour",
                q, price, g_steal_pointer (&s));
      if (fee > 0)
        {
          for (b = 0; b < ATTEST_N_COST_BANDS; b++)
            {
              q[b] = people;
              price[b] = fee;
            }
          add_line (est, "training-fees", ATTEST_COST_EXTERNAL, _("Training: course fees"), "person",
                    q, price, g_steal_pointer (&fs));
        }
    }
  return TRUE;
}

static gboolean
add_platform_lines (AttestCostEstimate *est,
                    AttestPriceTable   *table,
                    Inputs             *in,
                    GError            **error)
{
  const AttestCostFacts *f = &est->facts;
  g_autofree char *default_tier = NULL;
  gboolean default_from_input = FALSE;
  guint i;

  if (in->kf && g_key_file_has_key (in->kf, "hubs", "default-tier", NULL))
    {
      default_tier = g_key_file_get_string (in->kf, "hubs", "default-tier", NULL);
      default_from_input = TRUE;
    }
  else
    default_tier = g_strdup ("S1");

  for (i = 0; i < f->hubs->len; i++)
    {
      AttestCostHub *h = g_ptr_array_index (f->hubs, i);
      GPtrArray *s = new_sources ();
      g_autofree char *lower = NULL;
      g_autofree char *row = NULL;
      g_autofree char *id = NULL;
      g_autofree char *label = NULL;
      g_autofree char *what = NULL;
      double q[ATTEST_N_COST_BANDS], price[ATTEST_N_COST_BANDS], units;
      const char *tier;
      int b;

      if (h->sku)
        {
          tier = h->sku;
          g_ptr_array_add (s, g_strdup_printf ("cache:hubs.%s.sku", h->name));
        }
      else
        {
          tier = default_tier;
          g_ptr_array_add (s, g_strdup (default_from_input ? "input:hubs.default-tier" : "default:hubs.default-tier"));
        }
      if (!input_number (in, "hubs", h->name, TRUE, 1, s, &units, error))
        return g_ptr_array_unref (s), FALSE;
      lower = g_ascii_strdown (tier, -1);
      row = g_strdup_printf ("iothub-%s", lower);
      what = g_strdup_printf (_("IoT hub %s"), h->name);
      if (!get_prices (est, table, row, row, row, what, s, price))
        {
          g_ptr_array_unref (s);
          continue;
        }
      for (b = 0; b < ATTEST_N_COST_BANDS; b++)
        q[b] = units * 12;
      id = g_strdup_printf ("iothub:%s", h->name);
      label = g_strdup_printf (_("IoT hub %s (%s)"), h->name, tier);
      add_line (est, id, ATTEST_COST_PLATFORM, label, "unit-month", q, price, s);
    }
  return TRUE;
}

static gboolean
add_overhead_line (AttestCostEstimate *est,
                   Inputs             *in,
                   GError            **error)
{
  g_autoptr(GPtrArray) s = NULL;
  double q[ATTEST_N_COST_BANDS], share[ATTEST_N_COST_BANDS];
  int b;

  est->budget = NAN;
  if (in->kf == NULL || !g_key_file_has_key (in->kf, "project", "budget", NULL))
    {
      g_ptr_array_add (est->warnings,
                       g_strdup (_("No project budget in the inputs: the compliance overhead band is left out.")));
      return TRUE;
    }
  s = new_sources ();
  if (!input_number (in, "project", "budget", FALSE, 0, s, &est->budget, error)
      || !input_number (in, "project", "overhead-low", TRUE, 0.15, s, &share[ATTEST_COST_LOW], error)
      || !input_number (in, "project", "overhead-expected", TRUE, 0.20, s, &share[ATTEST_COST_EXPECTED], error)
      || !input_number (in, "project", "overhead-high", TRUE, 0.25, s, &share[ATTEST_COST_HIGH], error))
    return FALSE;
  for (b = 0; b < ATTEST_N_COST_BANDS; b++)
    q[b] = est->budget;
  add_line (est, "compliance-overhead", ATTEST_COST_BENCHMARK,
            _("Compliance overhead on the project budget (benchmark)"), "budget", q, share,
            g_steal_pointer (&s));
  /* "1200000 budget × 0.2 USD" reads badly; say it as a share. */
  {
    AttestCostLine *l = g_ptr_array_index (est->lines, est->lines->len - 1);

    g_free (l->basis);
    l->basis = g_strdup_printf ("%.0f %s × %.6g %%", est->budget, est->currency, share[ATTEST_COST_EXPECTED] * 100);
  }
  return TRUE;
}

AttestCostEstimate *
attest_costs_estimate (AttestStore  *store,
                       const char   *prices_path,
                       const char   *inputs_path,
                       gint64        now,
                       GError      **error)
{
  g_autoptr(AttestCostEstimate) est = NULL;
  g_autoptr(AttestPriceTable) table = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  Inputs in = { NULL, inputs_path };
  guint i;
  int b;

  g_return_val_if_fail (store != NULL && prices_path != NULL, NULL);

  table = attest_price_table_load (prices_path, error);
  if (table == NULL)
    return NULL;
  if (inputs_path != NULL)
    {
      g_autoptr(GError) local = NULL;

      kf = g_key_file_new ();
      if (!g_key_file_load_from_file (kf, inputs_path, G_KEY_FILE_NONE, &local))
        {
          g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS,
                       _("Cannot read the cost inputs %s: %s"), inputs_path, local->message);
          return NULL;
        }
      in.kf = kf;
      if (g_key_file_has_key (kf, "project", "currency", NULL))
        {
          g_autofree char *cur = g_key_file_get_string (kf, "project", "currency", NULL);

          if (cur == NULL || !g_str_equal (g_strstrip (cur), table->currency))
            {
              g_set_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS,
                           _("%s: [project] currency: %s differs from the price table's %s (no exchange rates are applied)"),
                           inputs_path, cur ? cur : "", table->currency);
              return NULL;
            }
        }
    }

  est = g_new0 (AttestCostEstimate, 1);
  est->prices_path = g_strdup (prices_path);
  est->inputs_path = g_strdup (inputs_path);
  est->currency = g_strdup (table->currency);
  est->prices_as_of = g_strdup (table->as_of);
  est->lines = g_ptr_array_new_with_free_func (line_free);
  est->warnings = g_ptr_array_new_with_free_func (g_free);
  est->budget = NAN;

  check_stale (est, now == ATTEST_TIME_NONE ? attest_time_now () : now);
  if (!attest_cost_facts_read (store, &est->facts, error))
    return NULL;
  if (!add_service_lines (est, table, &in, error)
      || !add_people_lines (est, &in, error)
      || !add_external_lines (est, &in, error)
      || !add_platform_lines (est, table, &in, error)
      || !add_overhead_line (est, &in, error))
    return NULL;

  est->prices = g_steal_pointer (&table);
  for (i = 0; i < est->lines->len; i++)
    {
      AttestCostLine *l = g_ptr_array_index (est->lines, i);

      for (b = 0; b < ATTEST_N_COST_BANDS; b++)
        if (l->category == ATTEST_COST_PLATFORM)
          est->platform[b] += l->amount[b];
        else if (l->category != ATTEST_COST_BENCHMARK)
          est->total[b] += l->amount[b];
    }
  return g_steal_pointer (&est);
}

/* ---------------------------------------------------------------------- */
/* Data files */

static char *
source_tree_data_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  int depth;

  if (exe == NULL)
    return NULL;
  dir = g_path_get_dirname (exe);
  for (depth = 0; depth < 8; depth++)
    {
      g_autofree char *info = g_build_filename (dir, "meson-info", "meson-info.json", NULL);
      g_autofree char *parent = NULL;
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_get_contents (info, &data, &len, NULL))
        {
          g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
          AttestJsonNode *root = attest_json_doc_parse (doc, data, len, NULL);
          const char *source = root ? attest_json_path_string (root, "directories.source") : NULL;

          return source ? g_build_filename (source, "data", NULL) : NULL;
        }
      parent = g_path_get_dirname (dir);
      if (g_str_equal (parent, dir))
        break;
      g_free (dir);
      dir = g_steal_pointer (&parent);
    }
  return NULL;
}

char *
attest_costs_find_data_file (const char *name)
{
  const char *env = g_getenv ("ATTEST_DATA_DIR");
  g_autofree char *installed = g_build_filename (PKGDATADIR, name, NULL);
  g_autofree char *source = NULL;

  if (env != NULL && *env != '\0')
    return g_build_filename (env, name, NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  source = source_tree_data_dir ();
  if (source != NULL)
    {
      g_autofree char *path = g_build_filename (source, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return g_steal_pointer (&installed);
}
