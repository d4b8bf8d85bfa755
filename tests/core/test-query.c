/* test-query.c: search, filters, keyset pages and the lazy list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-event-list.h"
#include "attest-event-query.h"
#include "attest-importer.h"
#include "attest-store-summary.h"
#include "attest-test-util.h"
#include "attest-time.h"

#define N_EVENTS 2000

typedef AttestTestWorkspace Fixture;

static const char *callers[] = {
  "vera.becker@northwind.io", "li.wei@northwind.io", "0b5e7c2a-1111-2222-3333-444455556666", "jose.garcia@northwind.io",
};
static const char *operations[] = {
  "Microsoft.Devices/IotHubs/write", "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.MachineLearningServices/workspaces/models/versions/write", "Microsoft.Devices/IotHubs/listkeys/action",
};

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GString *lines = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  AttestImportResult result;
  guint i;

  attest_test_workspace_open (f);

  /* Event i at 2024-03-01 + i minutes; every 10th mentions firmware;
   * arrival order is shuffled in blocks to exercise time keys. */
  for (i = 0; i < N_EVENTS; i++)
    {
      guint k = (i % 2 == 0) ? i : N_EVENTS - i;
      g_autofree char *id = g_strdup_printf ("66666666-0000-0000-0000-%012u", k);
      g_autoptr(GDateTime) t0 = g_date_time_new_utc (2024, 3, 1, 0, 0, 0);
      g_autoptr(GDateTime) t = g_date_time_add_minutes (t0, k);
      g_autofree char *ts = g_date_time_format (t, "%Y-%m-%dT%H:%M:%S.000Z");
      g_autofree char *ev = attest_test_activity_event (id, ts, callers[k % 4], operations[k % 4],
                                                        k % 10 == 0 ? "firmware rollout in M\\u00fcnchen" : "routine change");
      g_string_append_printf (lines, "%s\n", ev);
    }
  path = attest_test_write_file (f->dir, "events.jsonl", lines->str, lines->len);
  g_string_free (lines, TRUE);
  file = g_file_new_for_path (path);
  g_assert_true (attest_import_file (f->store, file, NULL, NULL, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.counts.new_records, ==, N_EVENTS);
  attest_import_result_clear (&result);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static void
test_fts_expression (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "firmware", "\"firmware\"" },
    { "vera.becker@northwind.io", "\"vera.becker@northwind.io\"" },
    { "\"role assignment\" write", "\"role assignment\" \"write\"" },
    { "iot*", "\"iot\"*" },
    { "caller:vera", "caller : \"vera\"" },
    { "a OR b", "\"a\" OR \"b\"" },
    { "a NOT b", "\"a\" NOT \"b\"" },
    { "OR", "\"OR\"" },
    { "a AND", "\"a\" \"AND\"" },
    { "NEAR(a b)", "\"NEAR(a\" \"b)\"" },
    { "\"unterminated", "\"unterminated\"" },
    { "x\"y", "\"x\"\"y\"" },
    { "   ", NULL },
    { "*", NULL },
    { "-- ; DROP TABLE audit_events", "\"DROP\" \"TABLE\" \"audit_events\"" },
    { "0B5E7C2A-1111-2222-3333-444455556666", "(\"0B5E7C2A-1111-2222-3333-444455556666\" OR \"0b5e7c2a111122223333444455556666\")" },
    { "caller:0b5e7c2a-1111-2222-3333-444455556666", "caller : (\"0b5e7c2a-1111-2222-3333-444455556666\" OR \"0b5e7c2a111122223333444455556666\")" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = attest_fts_expression (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static guint
count_query (Fixture                 *f,
             const AttestEventFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = attest_store_query_events (f->store, filter, G_MAXINT64, 100000, &error);

  g_assert_no_error (error);
  return rows->len;
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const char *hostile[] = {
    "\"", "(", ")", "NEAR(", "caller:", "a:b:c", "'; DROP TABLE audit_events; --", "^", "{}", "\x01\x02",
    "AND OR NOT", "\xe2\x80\xae evil", "*a*", NULL,
  };
  guint i;

  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS);

  filter->text = g_strdup ("firmware");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 10);
  /* decoded values are indexed: \u00fc is found as ü */
  g_free (filter->text);
  filter->text = g_strdup ("münchen");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 10);
  /* newest first */
  rows = attest_store_query_events (f->store, filter, G_MAXINT64, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 5);
  for (i = 1; i < rows->len; i++)
    g_assert_cmpstr (attest_event_get_time (g_ptr_array_index (rows, i - 1)), >,
                     attest_event_get_time (g_ptr_array_index (rows, i)));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* a service principal's GUID as typed, in any case */
  g_free (filter->text);
  filter->text = g_strdup ("0B5E7C2A-1111-2222-3333-444455556666");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 4);

  /* a caller's address as typed */
  g_free (filter->text);
  filter->text = g_strdup ("vera.becker@northwind.io");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 4);
  g_free (filter->text);
  filter->text = NULL;
  filter->caller = g_strdup ("vera.becker@northwind.io");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 4);
  filter->operation = g_strdup ("roleAssignments");
  g_assert_cmpuint (count_query (f, filter), ==, 0);
  g_free (filter->caller);
  filter->caller = NULL;
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS / 4);

  /* time range: one hour = 60 events, edges inclusive */
  g_free (filter->operation);
  filter->operation = NULL;
  g_assert_cmpint (attest_time_parse ("2024-03-01T01:00:00Z", &filter->since), ==, ATTEST_TIME_OK);
  g_assert_cmpint (attest_time_parse ("2024-03-01T01:59:59Z", &filter->until), ==, ATTEST_TIME_OK);
  g_assert_cmpuint (count_query (f, filter), ==, 60);
  filter->text = g_strdup ("firmware");
  g_assert_cmpuint (count_query (f, filter), ==, 6);

  /* exact filters */
  g_clear_pointer (&filter->text, g_free);
  filter->since = filter->until = ATTEST_TIME_NONE;
  filter->status = g_strdup ("succeeded");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS);
  filter->hub = g_strdup ("HUB-TEST");
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS);
  g_free (filter->hub);
  filter->hub = g_strdup ("other-hub");
  g_assert_cmpuint (count_query (f, filter), ==, 0);

  /* hostile input never raises a syntax error or touches the data */
  g_clear_pointer (&filter->hub, g_free);
  g_clear_pointer (&filter->status, g_free);
  for (i = 0; hostile[i]; i++)
    {
      g_autoptr(GPtrArray) r = NULL;
      g_autoptr(GError) e = NULL;
      g_free (filter->text);
      filter->text = g_strdup (hostile[i]);
      r = attest_store_query_events (f->store, filter, G_MAXINT64, 10, &e);
      g_assert_no_error (e);
      g_assert_nonnull (r);
    }
  g_clear_pointer (&filter->text, g_free);
  g_assert_cmpuint (count_query (f, filter), ==, N_EVENTS);
}

/* Keyset pages concatenate to the full result, and scan anchors point at
 * each page's first row. */
static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  g_autoptr(GArray) anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  const char *texts[] = { NULL, "firmware" };
  guint t;

  for (t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      gint64 count = 0, max_id = G_MAXINT64;
      guint seen = 0, page = 0;

      g_free (filter->text);
      filter->text = g_strdup (texts[t]);
      all = attest_store_query_events (f->store, filter, G_MAXINT64, 100000, &error);
      g_assert_no_error (error);
      g_assert_true (attest_store_scan_events (f->store, filter, 64, anchors, &count, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (count, ==, all->len);
      g_assert_cmpuint (anchors->len, ==, (all->len + 63) / 64);

      for (;;)
        {
          g_autoptr(GPtrArray) rows = attest_store_query_events (f->store, filter, max_id, 64, &error);
          guint i;

          g_assert_no_error (error);
          if (rows->len == 0)
            break;
          g_assert_cmpint (g_array_index (anchors, gint64, page), ==,
                           attest_event_get_id (g_ptr_array_index (rows, 0)));
          for (i = 0; i < rows->len; i++)
            g_assert_cmpint (attest_event_get_id (g_ptr_array_index (rows, i)), ==,
                             attest_event_get_id (g_ptr_array_index (all, seen + i)));
          seen += rows->len;
          max_id = attest_event_get_id (g_ptr_array_index (rows, rows->len - 1)) - 1;
          page++;
        }
      g_assert_cmpuint (seen, ==, all->len);
      g_clear_pointer (&all, g_ptr_array_unref);
    }
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
wait_loaded (AttestEventList *list)
{
  guint i;

  for (i = 0; i < 5000 && attest_event_list_get_loading (list); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_false (attest_event_list_get_loading (list));
}

static void
test_list_model (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AttestEventList) list = attest_event_list_new (f->db_path);
  g_autoptr(AttestEventFilter) filter = attest_event_filter_new ();
  guint changes = 0;
  guint i;
  g_autofree char *prev = NULL;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  attest_event_list_refresh (list);
  wait_loaded (list);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_EVENTS);

  /* random access anywhere, newest first */
  for (i = 0; i < N_EVENTS; i += 97)
    {
      g_autoptr(AttestEvent) ev = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_assert_nonnull (ev);
      if (prev)
        g_assert_cmpstr (prev, >, attest_event_get_time (ev));
      g_free (prev);
      prev = g_strdup (attest_event_get_time (ev));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), N_EVENTS));

  filter->text = g_strdup ("firmware");
  attest_event_list_set_filter (list, filter);
  /* a second filter before the first scan ends: only the last one counts */
  g_free (filter->text);
  filter->text = g_strdup ("firmware models");
  attest_event_list_set_filter (list, filter);
  wait_loaded (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_EVENTS / 20);
  {
    g_autoptr(AttestEvent) ev = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (attest_event_get_operation (ev), ==, "Microsoft.MachineLearningServices/workspaces/models/versions/write");
  }
}

static void
test_summaries (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) imports = attest_store_list_imports (f->store, 10, &error);
  g_autoptr(GPtrArray) hubs = attest_store_list_hubs (f->store, &error);
  AttestImportLogEntry *e;
  AttestHubSummary *h;

  g_assert_no_error (error);
  g_assert_cmpuint (imports->len, ==, 1);
  e = g_ptr_array_index (imports, 0);
  g_assert_cmpstr (e->name, ==, "events.jsonl");
  g_assert_cmpstr (e->format, ==, "json-lines");
  g_assert_cmpint (e->new_records, ==, N_EVENTS);
  g_assert_cmpint (e->finished_at, >, 0);
  /* the events' resource ids name one IoT hub, which has no devices yet */
  g_assert_cmpuint (hubs->len, ==, 1);
  h = g_ptr_array_index (hubs, 0);
  g_assert_cmpstr (h->name, ==, "hub-test");
  g_assert_cmpint (h->devices, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/query/fts-expression", test_fts_expression);
  g_test_add ("/query/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/query/pages", Fixture, NULL, fixture_setup, test_pages, fixture_teardown);
  g_test_add ("/query/list-model", Fixture, NULL, fixture_setup, test_list_model, fixture_teardown);
  g_test_add ("/query/summaries", Fixture, NULL, fixture_setup, test_summaries, fixture_teardown);
  return g_test_run ();
}
