/* test-lineage.c: data -> job -> model -> deployments -> devices, gaps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A hand-built workspace "ws1" / hub "hub1" whose answers are known by
 * construction:
 *   detector:2  job-a  <- frames:1 (azureml:frames:1), frames:2 (raw path
 *               = frames:2's dataUri); deployed by det-2-fleet (2026-02-10);
 *               dev1 (until 2026-03-20, deployment applied) and dev2 report it
 *   detector:3  job-b, which is not in the cache
 *   detector:4  no job
 *   detector:5  job-c <- frames@latest (= frames:2, frames:3 is newer than
 *               the job), an unregistered raw path, labels:9 (missing);
 *               deployed by det-5-canary (2026-03-15); dev1 since 2026-03-20
 *   detector:6  job-d with only a literal input
 *   detector:9  in no registry, no deployment, no device
 */
#include "config.h"

#include <string.h>

#include "attest-lineage.h"
#include "attest-records.h"
#include "attest-test-util.h"
#include "attest-time.h"

typedef AttestTestWorkspace Fixture;

#define WS "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1"

#define MODEL(v, job, created) \
  "{'id':'" WS "/models/detector/versions/" v "','name':'" v "','type':'Microsoft.MachineLearningServices/workspaces/models/versions'," \
  "'properties':{'modelType':'custom_model','modelUri':'azureml://datastores/blob/paths/models/" v "/'" job "}," \
  "'systemData':{'createdAt':'" created "','createdBy':'vera'}}"

static const char *models_json =
  "{'value':["
  MODEL ("2", ",'jobName':'job-a'", "2026-01-20T00:00:00Z") ","
  MODEL ("3", ",'jobName':'job-b'", "2026-01-21T00:00:00Z") ","
  MODEL ("4", "", "2026-01-22T00:00:00Z") ","
  MODEL ("5", ",'jobName':'job-c'", "2026-03-02T00:00:00Z") ","
  MODEL ("6", ",'jobName':'job-d'", "2026-03-03T00:00:00Z")
  "]}";

#define DATA(n, v, path, created) \
  "{'id':'" WS "/data/" n "/versions/" v "','name':'" v "','properties':{'dataType':'uri_folder'," \
  "'dataUri':'azureml://subscriptions/s1/resourcegroups/rg/workspaces/ws1/datastores/blob/paths/" path "'}," \
  "'systemData':{'createdAt':'" created "'}}"

static const char *data_json =
  "{'value':["
  DATA ("frames", "1", "curated/frames/v1/", "2026-01-01T00:00:00Z") ","
  DATA ("frames", "2", "curated/frames/v2/", "2026-02-01T00:00:00Z") ","
  DATA ("frames", "3", "curated/frames/v3/", "2026-04-01T00:00:00Z")
  "]}";

#define JOB(n, inputs, created) \
  "{'id':'" WS "/jobs/" n "','name':'" n "','properties':{'jobType':'Command','status':'Completed'," \
  "'inputs':{" inputs "},'outputs':{}},'systemData':{'createdAt':'" created "'}}"

static const char *jobs_jsonl =
  JOB ("job-a", "'training_data':{'jobInputType':'uri_folder','uri':'azureml:frames:1'},"
                "'extra':{'jobInputType':'uri_folder','uri':'azureml://datastores/blob/paths/curated/frames/v2'}",
       "2026-01-15T00:00:00Z") "\n"
  JOB ("job-c", "'training_data':{'jobInputType':'uri_folder','uri':'azureml:frames@latest'},"
                "'raw':{'jobInputType':'uri_folder','uri':'azureml://datastores/blob/paths/raw/unknown/'},"
                "'labels':{'jobInputType':'uri_file','uri':'azureml:labels:9'}",
       "2026-03-01T00:00:00Z") "\n"
  JOB ("job-d", "'epochs':{'jobInputType':'literal','value':'10'}", "2026-03-02T00:00:00Z") "\n";

#define DEPLOYMENT(id, image, created) \
  "{'id':'" id "','etag':'MQ==','priority':10,'schemaVersion':'1.0','targetCondition':'tags.x=1'," \
  "'createdTimeUtc':'" created "','lastUpdatedTimeUtc':'" created "','labels':{}," \
  "'content':{'modulesContent':{'$edgeAgent':{'properties.desired.modules.detector':" \
  "{'settings':{'image':'acr.io/" image "','createOptions':'{}'},'type':'docker','status':'running','restartPolicy':'always','version':'1.0'}}}}," \
  "'metrics':{'queries':{},'results':{}},'systemMetrics':{'queries':{},'results':{'targetedCount':2,'appliedCount':1}}}"

static const char *deployments_json =
  "[" DEPLOYMENT ("det-2-fleet", "detector:2", "2026-02-10T00:00:00Z") ","
      DEPLOYMENT ("det-5-canary", "detector:5", "2026-03-15T00:00:00Z") "]";

#define MODULE_TWIN(dev, ver, model, when) \
  "{'deviceId':'" dev "','moduleId':'detector','etag':'AAAA" ver "=','version':" ver ",'status':'enabled'," \
  "'connectionState':'Connected','lastActivityTime':'" when "','authenticationType':'sas'," \
  "'properties':{'desired':{'$metadata':{'$lastUpdated':'2026-01-01T00:00:00Z'},'$version':1}," \
  "'reported':{'model':{'name':'detector','version':'" model "'},'$metadata':{'$lastUpdated':'" when "'},'$version':" ver "}}}"

#define DEVICE_TWIN(dev, ver, confs, when) \
  "{'deviceId':'" dev "','etag':'BBBB" ver "=','version':" ver ",'status':'enabled','connectionState':'Connected'," \
  "'lastActivityTime':'" when "','authenticationType':'sas','capabilities':{'iotEdge':true},'tags':{}," \
  "'properties':{'desired':{'$metadata':{'$lastUpdated':'" when "'},'$version':1}," \
  "'reported':{'$metadata':{'$lastUpdated':'" when "'},'$version':1}},'configurations':{" confs "}}"

static const char *twins_feb_json =
  "[" MODULE_TWIN ("dev1", "2", "2", "2026-02-15T00:00:00Z") ","
      MODULE_TWIN ("dev2", "2", "2", "2026-02-16T00:00:00Z") ","
      DEVICE_TWIN ("dev1", "2", "'det-2-fleet':{'status':'Applied'}", "2026-02-15T00:00:00Z") "]";

static const char *twins_mar_json =
  "[" MODULE_TWIN ("dev1", "3", "5", "2026-03-20T00:00:00Z") ","
      DEVICE_TWIN ("dev1", "3", "'det-2-fleet':{'status':'Applied'},'det-5-canary':{'status':'Applied'}",
                   "2026-03-20T00:00:00Z") "]";

static void
import_text (Fixture    *f,
             const char *name,
             const char *text,
             const char *hub)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup (text);
  g_autofree char *path = NULL;
  gint64 n = 0;

  g_strdelimit (json, "'", '"');
  path = attest_test_write_file (f->dir, name, json, -1);
  g_assert_true (attest_test_workspace_import (f, path, hub, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  attest_test_workspace_open (f);
  import_text (f, "models.json", models_json, NULL);
  import_text (f, "data.json", data_json, NULL);
  import_text (f, "jobs.jsonl", jobs_jsonl, NULL);
  import_text (f, "deployments.json", deployments_json, "hub1");
  import_text (f, "twins-feb.json", twins_feb_json, "hub1");
  import_text (f, "twins-mar.json", twins_mar_json, "hub1");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  attest_test_workspace_close (f);
}

static gint64
at (const char *iso)
{
  gint64 t;

  g_assert_cmpint (attest_time_parse (iso, &t), ==, ATTEST_TIME_OK);
  return t;
}

/* The graph as text lines, "kind ref [gap: reason]" for nodes and
 * "from -relation-> to" for edges, so whole graphs compare exactly. */
static char *
describe (AttestLineage *l)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < l->nodes->len; i++)
    {
      AttestLineageNode *n = g_ptr_array_index (l->nodes, i);
      g_assert_cmpuint (n->index, ==, i);
      g_ptr_array_add (lines, g_strdup_printf ("%s %s%s%s", attest_lineage_kind_name (n->kind), n->ref,
                                               n->gap ? " GAP: " : "", n->gap ? n->reason : ""));
    }
  for (i = 0; i < l->edges->len; i++)
    {
      AttestLineageLink *e = g_ptr_array_index (l->edges, i);
      AttestLineageNode *from = g_ptr_array_index (l->nodes, e->from);
      AttestLineageNode *to = g_ptr_array_index (l->nodes, e->to);
      g_ptr_array_add (lines, g_strdup_printf ("%s -%s-> %s", from->ref, e->relation, to->ref));
    }
  for (i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
describe_sorted (AttestLineage *l)
{
  g_autofree char *text = describe (l);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) arr = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; lines[i]; i++)
    if (*lines[i])
      g_ptr_array_add (arr, lines[i]);
  g_ptr_array_sort (arr, compare_lines);
  for (i = 0; i < arr->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (arr, i));
  return g_string_free (out, FALSE);
}

static AttestLineage *
model_graph (Fixture    *f,
             const char *version,
             gint64      when)
{
  g_autoptr(GError) error = NULL;
  AttestLineage *l = attest_lineage_for_model (f->store, "detector", version, when, &error);

  g_assert_no_error (error);
  g_assert_nonnull (l);
  return l;
}

static void
test_full_chain (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AttestLineage) l = model_graph (f, "2", ATTEST_TIME_NONE);
  g_autofree char *text = describe_sorted (l);
  AttestLineageNode *n;

  g_assert_cmpstr (text, ==,
    "data data:frames:1\n"
    "data data:frames:2\n"
    "data:frames:1 -input:training_data-> job:job-a\n"
    "data:frames:2 -input:extra-> job:job-a\n"
    "deployment deployment:hub1/det-2-fleet\n"
    "device device:hub1/dev2\n"
    "job job:job-a\n"
    "job:job-a -produced-> model:detector:2\n"
    "model model:detector:2\n"
    "model:detector:2 -deploys-> deployment:hub1/det-2-fleet\n"
    "model:detector:2 -runs-> device:hub1/dev2\n");

  n = attest_lineage_find (l, "data:frames:2");
  g_assert_nonnull (n->note);
  g_assert_nonnull (strstr (n->note, "azureml://datastores/blob/paths/curated/frames/v2"));
  g_assert_cmpstr (n->record_table, ==, "ml_assets");
  g_assert_cmpuint (n->record_ids->len, ==, 1);
  g_assert_null (attest_lineage_find (l, "data:frames:1")->note);

  n = attest_lineage_find (l, "model:detector:2");
  g_assert_cmpstr (n->scope, ==, "ws1");
  g_assert_cmpint (n->time, ==, at ("2026-01-20T00:00:00Z"));
  n = attest_lineage_find (l, "deployment:hub1/det-2-fleet");
  g_assert_cmpstr (n->record_table, ==, "deployment_versions");
  g_assert_cmpuint (n->record_ids->len, ==, 1);
  g_assert_cmpint (n->time, ==, at ("2026-02-10T00:00:00Z"));
  n = attest_lineage_find (l, "device:hub1/dev2");
  g_assert_cmpstr (n->record_table, ==, "twin_snapshots");
  g_assert_cmpuint (n->record_ids->len, ==, 1);
  g_assert_cmpint (n->time, ==, at ("2026-02-16T00:00:00Z"));
  g_assert_cmpstr (n->scope, ==, "hub1");
}

static void
test_at_time (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(AttestLineage) l = model_graph (f, "2", at ("2026-02-20T00:00:00Z"));
  g_autoptr(AttestLineage) l5 = model_graph (f, "5", at ("2026-03-01T00:00:00Z"));
  g_autoptr(AttestLineage) before = model_graph (f, "2", at ("2026-02-01T00:00:00Z"));
  g_autofree char *text = describe_sorted (l);
  g_autofree char *text5 = describe_sorted (l5);
  g_autofree char *text_before = describe_sorted (before);

  /* dev1 ran 2 then, and its twin names the deployment as applied. */
  g_assert_nonnull (strstr (text, "deployment:hub1/det-2-fleet -applied-> device:hub1/dev1\n"));
  g_assert_nonnull (strstr (text, "model:detector:2 -runs-> device:hub1/dev2\n"));
  g_assert_null (strstr (text, "GAP"));

  /* Before det-5-canary existed and before any device ran 5. */
  g_assert_nonnull (strstr (text5, "gap gap:deployment:model:detector:5 GAP: no deployment found\n"));
  g_assert_nonnull (strstr (text5, "gap gap:device:model:detector:5 GAP: no device reported this model version at that time\n"));

  /* Before the deployment was created and before any snapshot. */
  g_assert_nonnull (strstr (text_before, "GAP: no deployment found\n"));
  g_assert_nonnull (strstr (text_before, "GAP: no device reported this model version at that time\n"));
}

static void
test_gaps (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(AttestLineage) l3 = model_graph (f, "3", ATTEST_TIME_NONE);
  g_autoptr(AttestLineage) l4 = model_graph (f, "4", ATTEST_TIME_NONE);
  g_autoptr(AttestLineage) l6 = model_graph (f, "6", ATTEST_TIME_NONE);
  g_autoptr(AttestLineage) l9 = model_graph (f, "9", ATTEST_TIME_NONE);
  g_autofree char *t3 = describe_sorted (l3);
  g_autofree char *t4 = describe_sorted (l4);
  g_autofree char *t6 = describe_sorted (l6);
  g_autofree char *t9 = describe_sorted (l9);

  g_assert_cmpstr (t3, ==,
    "gap gap:deployment:model:detector:3 GAP: no deployment found\n"
    "gap gap:device:model:detector:3 GAP: no device reports this model version\n"
    "job job:job-b GAP: job not in the cache\n"
    "job:job-b -produced-> model:detector:3\n"
    "model model:detector:3\n"
    "model:detector:3 -missing-> gap:deployment:model:detector:3\n"
    "model:detector:3 -missing-> gap:device:model:detector:3\n");
  g_assert_cmpstr (t4, ==,
    "gap gap:deployment:model:detector:4 GAP: no deployment found\n"
    "gap gap:device:model:detector:4 GAP: no device reports this model version\n"
    "gap gap:job:model:detector:4 GAP: no job recorded\n"
    "gap:job:model:detector:4 -missing-> model:detector:4\n"
    "model model:detector:4\n"
    "model:detector:4 -missing-> gap:deployment:model:detector:4\n"
    "model:detector:4 -missing-> gap:device:model:detector:4\n");
  g_assert_nonnull (strstr (t6, "gap gap:input:job:job-d GAP: no input data recorded\n"));
  g_assert_nonnull (strstr (t6, "gap:input:job:job-d -missing-> job:job-d\n"));
  g_assert_cmpstr (t9, ==,
    "gap gap:deployment:model:detector:9 GAP: no deployment found\n"
    "gap gap:device:model:detector:9 GAP: no device reports this model version\n"
    "model model:detector:9 GAP: model version not in the registry\n"
    "model:detector:9 -missing-> gap:deployment:model:detector:9\n"
    "model:detector:9 -missing-> gap:device:model:detector:9\n");
}

static void
test_inputs_resolved (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AttestLineage) l = model_graph (f, "5", ATTEST_TIME_NONE);
  g_autofree char *text = describe_sorted (l);
  AttestLineageNode *n;

  g_assert_cmpstr (text, ==,
    "data data:frames:2\n"
    "data data:labels:9 GAP: data asset not in the cache\n"
    "data:frames:2 -input:training_data-> job:job-c\n"
    "data:labels:9 -input:labels-> job:job-c\n"
    "deployment deployment:hub1/det-5-canary\n"
    "deployment:hub1/det-5-canary -applied-> device:hub1/dev1\n"
    "device device:hub1/dev1\n"
    "job job:job-c\n"
    "job:job-c -produced-> model:detector:5\n"
    "model model:detector:5\n"
    "model:detector:5 -deploys-> deployment:hub1/det-5-canary\n"
    "uri uri:azureml://datastores/blob/paths/raw/unknown/ GAP: input is a raw datastore path, not a registered data asset\n"
    "uri:azureml://datastores/blob/paths/raw/unknown/ -input:raw-> job:job-c\n");
  n = attest_lineage_find (l, "data:frames:2");
  g_assert_nonnull (strstr (n->note, "frames@latest"));
  g_assert_nonnull (strstr (n->note, "version 2"));
}

static void
test_device (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestLineage) now = attest_lineage_for_device (f->store, NULL, "dev1", ATTEST_TIME_NONE, &error);
  g_autoptr(AttestLineage) feb = NULL;
  g_autoptr(AttestLineage) missing = NULL;
  g_autofree char *t_now = NULL;
  g_autofree char *t_feb = NULL;

  g_assert_no_error (error);
  t_now = describe_sorted (now);
  g_assert_cmpstr (t_now, ==,
    "data data:frames:2\n"
    "data data:labels:9 GAP: data asset not in the cache\n"
    "data:frames:2 -input:training_data-> job:job-c\n"
    "data:labels:9 -input:labels-> job:job-c\n"
    "deployment deployment:hub1/det-5-canary\n"
    "deployment:hub1/det-5-canary -applied-> device:hub1/dev1\n"
    "device device:hub1/dev1\n"
    "job job:job-c\n"
    "job:job-c -produced-> model:detector:5\n"
    "model model:detector:5\n"
    "model:detector:5 -deploys-> deployment:hub1/det-5-canary\n"
    "uri uri:azureml://datastores/blob/paths/raw/unknown/ GAP: input is a raw datastore path, not a registered data asset\n"
    "uri:azureml://datastores/blob/paths/raw/unknown/ -input:raw-> job:job-c\n");

  feb = attest_lineage_for_device (f->store, "HUB1", "dev1", at ("2026-02-20T00:00:00Z"), &error);
  g_assert_no_error (error);
  t_feb = describe_sorted (feb);
  g_assert_cmpstr (t_feb, ==,
    "data data:frames:1\n"
    "data data:frames:2\n"
    "data:frames:1 -input:training_data-> job:job-a\n"
    "data:frames:2 -input:extra-> job:job-a\n"
    "deployment deployment:hub1/det-2-fleet\n"
    "deployment:hub1/det-2-fleet -applied-> device:hub1/dev1\n"
    "device device:hub1/dev1\n"
    "job job:job-a\n"
    "job:job-a -produced-> model:detector:2\n"
    "model model:detector:2\n"
    "model:detector:2 -deploys-> deployment:hub1/det-2-fleet\n");

  missing = attest_lineage_for_device (f->store, NULL, "nope", ATTEST_TIME_NONE, &error);
  g_assert_null (missing);
  g_assert_error (error, ATTEST_LINEAGE_ERROR, ATTEST_LINEAGE_ERROR_NOT_FOUND);
}

static void
test_parse_model (void)
{
  g_autofree char *n = NULL;
  g_autofree char *v = NULL;

  g_assert_true (attest_lineage_parse_model ("defect-detector:3.2.1", &n, &v));
  g_assert_cmpstr (n, ==, "defect-detector");
  g_assert_cmpstr (v, ==, "3.2.1");
  g_assert_false (attest_lineage_parse_model ("defect-detector", &n, &v));
  g_assert_false (attest_lineage_parse_model (":3", &n, &v));
  g_assert_false (attest_lineage_parse_model ("x:", &n, &v));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lineage/parse-model", test_parse_model);
  g_test_add ("/lineage/full-chain", Fixture, NULL, fixture_setup, test_full_chain, fixture_teardown);
  g_test_add ("/lineage/at-time", Fixture, NULL, fixture_setup, test_at_time, fixture_teardown);
  g_test_add ("/lineage/gaps", Fixture, NULL, fixture_setup, test_gaps, fixture_teardown);
  g_test_add ("/lineage/inputs-resolved", Fixture, NULL, fixture_setup, test_inputs_resolved, fixture_teardown);
  g_test_add ("/lineage/device", Fixture, NULL, fixture_setup, test_device, fixture_teardown);
  return g_test_run ();
}
