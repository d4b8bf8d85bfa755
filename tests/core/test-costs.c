/* test-costs.c: the compliance cost estimate, by construction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attest-costs.h"
#include "attest-records.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef struct
{
  AttestTestWorkspace ws;
  double              event_bytes_sum;   /* bytes of the two events as stored */
  char               *prices;
  char               *inputs;
} Fixture;

/* Six rows; no storage or Azure ML rows (those lines are left out with a
 * warning).  The oldest row is dated 2024-01-15. */
static const char pricing[] =
  "{\n"
  "  \"currency\": \"USD\",\n"
  "  \"prices\": [\n"
  "    {\"id\": \"iothub-s1\", \"service\": \"IoT Hub\", \"tier\": \"S1\", \"unit\": \"unit-month\", \"currency\": \"USD\", \"amount\": 25, \"as_of\": \"2024-03-01\", \"source\": \"list price, to be checked\"},\n"
  "    {\"id\": \"loganalytics-ingestion\", \"service\": \"Log Analytics\", \"tier\": \"PAYG\", \"unit\": \"GB\", \"currency\": \"USD\", \"amount\": 2, \"as_of\": \"2024-03-01\", \"source\": \"list price\"},\n"
  "    {\"id\": \"loganalytics-retention\", \"service\": \"Log Analytics\", \"tier\": \"retention\", \"unit\": \"GB-month\", \"currency\": \"USD\", \"amount\": 0.1, \"as_of\": \"2024-01-15\", \"source\": \"list price\"},\n"
  "    {\"id\": \"defender-iot-device\", \"service\": \"Defender for IoT\", \"tier\": \"device\", \"unit\": \"device-month\", \"currency\": \"USD\", \"amount\": 0.5, \"as_of\": \"2024-03-01\", \"source\": \"list price\"},\n"
  "    {\"id\": \"keyvault-hsm-key\", \"service\": \"Key Vault\", \"tier\": \"Premium\", \"unit\": \"key-month\", \"currency\": \"USD\", \"amount\": 1, \"as_of\": \"2024-03-01\", \"source\": \"list price\"},\n"
  "    {\"id\": \"keyvault-hsm-operations\", \"service\": \"Key Vault\", \"tier\": \"Premium\", \"unit\": \"10,000 operations\", \"currency\": \"USD\", \"amount\": 0.03, \"as_of\": \"2024-03-01\", \"source\": \"list price\"}\n"
  "  ]\n"
  "}\n";

static const char inputs[] =
  "[project]\n"
  "budget = 100000\n"
  "currency = USD\n"
  "[volumes]\n"
  "low-factor = 0.5\n"
  "high-factor = 2\n"
  "[retention]\n"
  "log-months = 13\n"
  "[hubs]\n"
  "default-tier = S1\n"
  "hub-a = 2\n"
  "[person officer]\n"
  "count = 2\n"
  "rate = 100\n"
  "hours-low = 10\n"
  "hours-expected = 20\n"
  "hours-high = 40\n"
  "[audits]\n"
  "cost-expected = 5000\n"
  "[training]\n"
  "people = 3\n"
  "hours-per-person = 2\n"
  "rate = 50\n";

static char *
device_twin (const char *device)
{
  return g_strdup_printf (
    "{\"deviceId\":\"%s\",\"etag\":\"AAAAAAAAAAE=\",\"status\":\"enabled\",\"connectionState\":\"Connected\","
    "\"lastActivityTime\":\"2025-01-10T00:00:00Z\",\"authenticationType\":\"sas\",\"version\":2,"
    "\"capabilities\":{\"iotEdge\":true},"
    "\"properties\":{\"desired\":{\"$metadata\":{\"$lastUpdated\":\"2025-01-10T00:00:00Z\"},\"$version\":1},"
    "\"reported\":{\"$metadata\":{\"$lastUpdated\":\"2025-01-10T00:00:00Z\"},\"$version\":1}}}", device);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *e1 = attest_test_activity_event ("11111111-0000-0000-0000-000000000001", "2025-01-10T10:00:00.000Z",
                                                    "vera@example.com", "Microsoft.Devices/IotHubs/write", "one");
  g_autofree char *e2 = attest_test_activity_event ("11111111-0000-0000-0000-000000000002", "2025-01-20T10:00:00.000Z",
                                                    "vera@example.com", "Microsoft.Devices/IotHubs/write", "two");
  g_autofree char *events = g_strdup_printf ("%s\n%s\n", e1, e2);
  g_autofree char *t1 = device_twin ("dev-1");
  g_autofree char *t2 = device_twin ("dev-2");
  g_autofree char *t3 = device_twin ("dev-3");
  g_autofree char *twins = g_strdup_printf ("[%s,\n%s,\n%s]\n", t1, t2, t3);
  g_autofree char *events_path = NULL;
  g_autofree char *twins_path = NULL;
  gint64 added = 0;

  attest_test_workspace_open (&f->ws);
  f->event_bytes_sum = strlen (e1) + strlen (e2);
  twins_path = attest_test_write_file (f->ws.dir, "twins.json", twins, -1);
  g_assert_true (attest_test_workspace_import (&f->ws, twins_path, "hub-a", &added, &error));
  g_assert_no_error (error);
  g_assert_cmpint (added, ==, 3);
  events_path = attest_test_write_file (f->ws.dir, "events.jsonl", events, -1);
  g_assert_true (attest_test_workspace_import (&f->ws, events_path, NULL, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpint (added, ==, 2);
  f->prices = attest_test_write_file (f->ws.dir, "pricing.json", pricing, -1);
  f->inputs = attest_test_write_file (f->ws.dir, "inputs.ini", inputs, -1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->prices);
  g_free (f->inputs);
  attest_test_workspace_close (&f->ws);
}

static AttestCostLine *
find_line (AttestCostEstimate *est,
           const char         *id)
{
  guint i;

  for (i = 0; i < est->lines->len; i++)
    {
      AttestCostLine *l = g_ptr_array_index (est->lines, i);
      if (g_str_equal (l->id, id))
        return l;
    }
  return NULL;
}

static gboolean
line_has_source (AttestCostLine *l,
                 const char     *source)
{
  guint i;

  for (i = 0; i < l->sources->len; i++)
    if (g_str_equal (g_ptr_array_index (l->sources, i), source))
      return TRUE;
  return FALSE;
}

static void
assert_bands (AttestCostLine *l,
              double          low,
              double          expected,
              double          high)
{
  g_assert_nonnull (l);
  g_assert_cmpfloat_with_epsilon (l->amount[ATTEST_COST_LOW], low, 1e-9);
  g_assert_cmpfloat_with_epsilon (l->amount[ATTEST_COST_EXPECTED], expected, 1e-9);
  g_assert_cmpfloat_with_epsilon (l->amount[ATTEST_COST_HIGH], high, 1e-9);
}

static gboolean
has_warning (AttestCostEstimate *est,
             const char         *needle)
{
  guint i;

  for (i = 0; i < est->warnings->len; i++)
    if (strstr (g_ptr_array_index (est->warnings, i), needle))
      return TRUE;
  return FALSE;
}

static void
test_estimate (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestCostEstimate) est = NULL;
  AttestCostLine *l;
  double retention;

  est = attest_costs_estimate (f->ws.store, f->prices, f->inputs,
                               attest_time_from_civil (2025, 1, 15, 12, 0, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (est);

  /* The cache, by construction. */
  g_assert_cmpint (est->facts.devices, ==, 3);
  g_assert_cmpint (est->facts.events, ==, 2);
  g_assert_cmpint (est->facts.resource_log_events, ==, 0);
  g_assert_cmpfloat (est->facts.event_months, ==, 1);       /* ten days count as one month */
  g_assert_cmpfloat (est->facts.events_per_month, ==, 2);
  g_assert_cmpfloat_with_epsilon (est->facts.event_bytes, f->event_bytes_sum / 2, 1e-9);
  g_assert_cmpint (est->facts.snapshots, ==, 3);
  /* hub-a from the twins, hub-test from the events' resource ids. */
  g_assert_cmpuint (est->facts.hubs->len, ==, 2);

  /* The table's date is its oldest row; exactly 12 months is not stale. */
  g_assert_cmpstr (est->currency, ==, "USD");
  g_assert_cmpstr (est->prices_as_of, ==, "2024-01-15");
  g_assert_cmpint (est->prices_age_days, ==, 366);
  g_assert_false (est->prices_stale);
  g_assert_false (has_warning (est, "12 months"));

  /* No resource logs: nothing to ingest. */
  assert_bands (find_line (est, "log-ingestion"), 0, 0, 0);
  /* 2 events a month of B bytes on average, 12 paid months, 12 months a year. */
  retention = f->event_bytes_sum / 1e9 * 12 * 12 * 0.1;
  l = find_line (est, "log-retention");
  assert_bands (l, retention * 0.5, retention, retention * 2);
  g_assert_true (line_has_source (l, "price:loganalytics-retention"));
  g_assert_true (line_has_source (l, "input:retention.log-months"));
  g_assert_true (line_has_source (l, "cache:event_bytes"));
  g_assert_true (line_has_source (l, "input:volumes.low-factor"));

  l = find_line (est, "defender-for-iot");
  assert_bands (l, 18, 18, 18);                              /* 3 devices × 12 × 0.5 */
  g_assert_true (line_has_source (l, "cache:devices"));
  g_assert_true (line_has_source (l, "default:services.defender-for-iot"));
  l = find_line (est, "signing-keys");
  assert_bands (l, 12, 12, 12);
  g_assert_true (line_has_source (l, "default:evidence.signing-keys"));
  assert_bands (find_line (est, "signing-operations"), 0.00072, 0.00072, 0.00072);  /* 12 × 20 / 10^4 × 0.03 */

  /* Rows the table lacks: the lines are left out, with a warning each. */
  g_assert_null (find_line (est, "evidence-storage"));
  g_assert_null (find_line (est, "model-evaluation"));
  g_assert_true (has_warning (est, "storage-blob-archive"));
  g_assert_true (has_warning (est, "azureml-compute-ds3v2"));

  l = find_line (est, "person:officer");
  assert_bands (l, 2000, 4000, 8000);
  g_assert_cmpint (l->category, ==, ATTEST_COST_PEOPLE);
  g_assert_true (line_has_source (l, "input:person officer.rate"));
  l = find_line (est, "external-audits");
  assert_bands (l, 5000, 5000, 5000);
  g_assert_true (line_has_source (l, "default:audits.per-year"));
  g_assert_true (line_has_source (l, "default:audits.cost-low"));
  assert_bands (find_line (est, "training-time"), 300, 300, 300);
  g_assert_null (find_line (est, "training-fees"));

  /* Platform: hub-a has no tier in the cache; the inputs name S1 and 2 units. */
  l = find_line (est, "iothub:hub-a");
  assert_bands (l, 600, 600, 600);
  g_assert_cmpint (l->category, ==, ATTEST_COST_PLATFORM);
  g_assert_true (line_has_source (l, "input:hubs.default-tier"));
  g_assert_true (line_has_source (l, "input:hubs.hub-a"));
  g_assert_true (line_has_source (l, "price:iothub-s1"));
  l = find_line (est, "iothub:hub-test");
  assert_bands (l, 300, 300, 300);
  g_assert_true (line_has_source (l, "default:hubs.hub-test"));

  /* The default overhead band: 15 / 20 / 25 % of the budget. */
  l = find_line (est, "compliance-overhead");
  assert_bands (l, 15000, 20000, 25000);
  g_assert_cmpint (l->category, ==, ATTEST_COST_BENCHMARK);
  g_assert_true (line_has_source (l, "input:project.budget"));
  g_assert_true (line_has_source (l, "default:project.overhead-low"));
  g_assert_cmpfloat (est->budget, ==, 100000);

  /* Totals: services + people + external; platform and benchmark apart. */
  g_assert_cmpfloat_with_epsilon (est->total[ATTEST_COST_LOW],
                                  retention * 0.5 + 18 + 12 + 0.00072 + 2000 + 5000 + 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (est->total[ATTEST_COST_EXPECTED],
                                  retention + 18 + 12 + 0.00072 + 4000 + 5000 + 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (est->total[ATTEST_COST_HIGH],
                                  retention * 2 + 18 + 12 + 0.00072 + 8000 + 5000 + 300, 1e-9);
  g_assert_cmpfloat (est->platform[ATTEST_COST_EXPECTED], ==, 900);

  /* The rows cited are in the table. */
  g_assert_nonnull (attest_price_table_lookup (est->prices, "iothub-s1"));
  g_assert_cmpuint (attest_price_table_lookup (est->prices, "iothub-s1")->line, ==, 4);
}

static void
test_stale (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestCostEstimate) est = NULL;

  /* One day past twelve months after 2024-01-15. */
  est = attest_costs_estimate (f->ws.store, f->prices, f->inputs,
                               attest_time_from_civil (2025, 1, 16, 0, 0, 0), &error);
  g_assert_no_error (error);
  g_assert_true (est->prices_stale);
  g_assert_cmpint (est->prices_age_days, ==, 367);
  g_assert_true (has_warning (est, "2024-01-15"));
  g_assert_true (has_warning (est, "12 months"));
}

static void
test_no_inputs (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestCostEstimate) est = NULL;
  AttestCostLine *l;

  est = attest_costs_estimate (f->ws.store, f->prices, NULL, attest_time_from_civil (2025, 1, 15, 0, 0, 0), &error);
  g_assert_no_error (error);
  /* Defaults: factors 0.8 / 1.5, 24 months of logs, one S1 unit per hub. */
  l = find_line (est, "log-retention");
  g_assert_cmpfloat_with_epsilon (l->quantity[ATTEST_COST_EXPECTED], f->event_bytes_sum / 1e9 * 23 * 12, 1e-15);
  g_assert_cmpfloat_with_epsilon (l->quantity[ATTEST_COST_LOW], l->quantity[ATTEST_COST_EXPECTED] * 0.8, 1e-15);
  g_assert_true (line_has_source (l, "default:retention.log-months"));
  l = find_line (est, "iothub:hub-a");
  assert_bands (l, 300, 300, 300);
  g_assert_true (line_has_source (l, "default:hubs.default-tier"));
  g_assert_null (find_line (est, "compliance-overhead"));
  g_assert_true (isnan (est->budget));
  g_assert_true (has_warning (est, "budget"));
  g_assert_null (find_line (est, "person:officer"));
}

static void
test_bad_inputs (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = attest_test_write_file (f->ws.dir, "bad.ini", "[person x]\nrate = lots\nhours-expected = 3\n", -1);
  g_autofree char *euro = attest_test_write_file (f->ws.dir, "euro.ini", "[project]\ncurrency = EUR\n", -1);
  g_autofree char *norate = attest_test_write_file (f->ws.dir, "norate.ini", "[person x]\nhours-expected = 3\n", -1);

  g_assert_null (attest_costs_estimate (f->ws.store, f->prices, bad, ATTEST_TIME_NONE, &error));
  g_assert_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS);
  g_assert_nonnull (strstr (error->message, "bad.ini: [person x] rate"));
  g_clear_error (&error);
  g_assert_null (attest_costs_estimate (f->ws.store, f->prices, euro, ATTEST_TIME_NONE, &error));
  g_assert_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_INPUTS);
  g_assert_nonnull (strstr (error->message, "EUR"));
  g_clear_error (&error);
  g_assert_null (attest_costs_estimate (f->ws.store, f->prices, norate, ATTEST_TIME_NONE, &error));
  g_assert_nonnull (strstr (error->message, "[person x] has no “rate”"));
}

static void
test_malformed_prices (void)
{
  const struct {
    const char *json;
    const char *message;
  } cases[] = {
    /* amount as a string on line 4 */
    { "{\"currency\": \"USD\", \"prices\": [\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\", \"amount\": 1, \"as_of\": \"2024-01-01\", \"source\": \"x\"},\n"
      "  {\"id\": \"b\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\",\n"
      "   \"amount\": \"25\", \"as_of\": \"2024-01-01\", \"source\": \"x\"}\n"
      "]}\n",
      "p.json: line 4: prices[1].amount: expected a number, found a string" },
    /* missing source */
    { "{\"currency\": \"USD\", \"prices\": [\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\", \"amount\": 1, \"as_of\": \"2024-01-01\"}\n"
      "]}\n",
      "p.json: line 2: prices[0].source: missing" },
    /* bad date */
    { "{\"currency\": \"USD\", \"prices\": [\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\", \"amount\": 1,\n"
      "   \"as_of\": \"2024-02-30\", \"source\": \"x\"}\n"
      "]}\n",
      "p.json: line 3: prices[0].as_of: “2024-02-30” is not a date" },
    /* another currency */
    { "{\"currency\": \"USD\", \"prices\": [\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"EUR\", \"amount\": 1, \"as_of\": \"2024-01-01\", \"source\": \"x\"}\n"
      "]}\n",
      "p.json: line 2: prices[0].currency: EUR differs" },
    /* duplicate id */
    { "{\"currency\": \"USD\", \"prices\": [\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\", \"amount\": 1, \"as_of\": \"2024-01-01\", \"source\": \"x\"},\n"
      "  {\"id\": \"a\", \"service\": \"s\", \"tier\": \"t\", \"unit\": \"u\", \"currency\": \"USD\", \"amount\": 2, \"as_of\": \"2024-01-01\", \"source\": \"x\"}\n"
      "]}\n",
      "p.json: line 3: prices[1].id: “a” appears twice" },
    /* not JSON: the parser's own position */
    { "{\"currency\": \"USD\",\n \"prices\": [,]}\n", "p.json: " },
    { "{\"currency\": \"USD\"}\n", "p.json: line 1: prices: missing" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AttestPriceTable) table = attest_price_table_parse ("p.json", cases[i].json, strlen (cases[i].json), &error);

      g_assert_null (table);
      g_assert_error (error, ATTEST_COSTS_ERROR, ATTEST_COSTS_ERROR_PRICES);
      if (strstr (error->message, cases[i].message) != error->message)
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].message);
    }
  /* The syntax error names its line. */
  {
    g_autoptr(GError) error = NULL;
    const char *json = cases[5].json;

    g_assert_null (attest_price_table_parse ("p.json", json, strlen (json), &error));
    g_assert_nonnull (strstr (error->message, "line 2"));
  }
}

static void
test_shipped_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "pricing.json", NULL);
  g_autoptr(AttestPriceTable) table = attest_price_table_load (path, &error);
  static const char *needed[] = {
    "iothub-s1", "iothub-s2", "iothub-s3", "loganalytics-ingestion", "loganalytics-retention",
    "azureml-compute-ds3v2", "defender-iot-device", "keyvault-hsm-key", "keyvault-hsm-operations",
    "storage-blob-archive", "storage-blob-cool", "storage-blob-hot",
  };
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *ini = g_test_build_filename (G_TEST_DIST, "..", "data", "cost-inputs.ini", NULL);
  guint i;

  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (needed); i++)
    g_assert_nonnull (attest_price_table_lookup (table, needed[i]));
  for (i = 0; i < table->rows->len; i++)
    {
      AttestPrice *p = g_ptr_array_index (table->rows, i);
      g_assert_nonnull (strstr (p->source, "checked"));
    }
  g_assert_true (g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
}

static void
test_data_dir (void)
{
  g_autofree char *path = NULL;

  g_setenv ("ATTEST_DATA_DIR", "/nonexistent/attest-data", TRUE);
  path = attest_costs_find_data_file ("pricing.json");
  g_assert_cmpstr (path, ==, "/nonexistent/attest-data/pricing.json");
  g_unsetenv ("ATTEST_DATA_DIR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/costs/estimate", Fixture, NULL, fixture_setup, test_estimate, fixture_teardown);
  g_test_add ("/costs/stale", Fixture, NULL, fixture_setup, test_stale, fixture_teardown);
  g_test_add ("/costs/no-inputs", Fixture, NULL, fixture_setup, test_no_inputs, fixture_teardown);
  g_test_add ("/costs/bad-inputs", Fixture, NULL, fixture_setup, test_bad_inputs, fixture_teardown);
  g_test_add_func ("/costs/malformed-prices", test_malformed_prices);
  g_test_add_func ("/costs/shipped-table", test_shipped_table);
  g_test_add_func ("/costs/data-dir", test_data_dir);
  return g_test_run ();
}
