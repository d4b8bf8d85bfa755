/* attest-parse-aml.c: Azure ML model containers, versions, jobs, data assets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FORMATS.md, 4 and 5: REST entities ({id, name, type, properties,
 * systemData}; a version's `name` is the version string, the model name is
 * in the id) and az ml's snake_case entities (name, version, path,
 * job_name, creation_context).  Jobs' inputs and outputs become lineage
 * edges: data asset -> job -> model version.
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-import-private.h"

typedef struct
{
  AttestRecordKind kind;
  char *registry;
  char *name;
  char *version;
} AmlId;

static void
aml_id_clear (AmlId *id)
{
  g_free (id->registry);
  g_free (id->name);
  g_free (id->version);
}

/* ".../workspaces/<ws>/models/<n>/versions/<v>", ".../registries/<r>/…",
 * "azureml:/subscriptions/…" (az ml ids).  Segment names compare
 * case-insensitively (resourcegroups vs resourceGroups). */
static gboolean
parse_aml_id (const char *id,
              AmlId      *out)
{
  g_auto(GStrv) parts = NULL;
  guint n, i;
  int ws = -1;

  memset (out, 0, sizeof *out);
  if (id == NULL)
    return FALSE;
  if (g_str_has_prefix (id, "azureml:"))
    id += strlen ("azureml:");
  parts = g_strsplit (id, "/", -1);
  n = g_strv_length (parts);
  for (i = 0; i + 1 < n; i++)
    if (g_ascii_strcasecmp (parts[i], "workspaces") == 0 || g_ascii_strcasecmp (parts[i], "registries") == 0)
      ws = i;
  if (ws < 0)
    return FALSE;
  out->registry = g_strdup (parts[ws + 1]);
  i = ws + 2;
  if (i + 1 < n && g_ascii_strcasecmp (parts[i], "models") == 0)
    {
      out->name = g_strdup (parts[i + 1]);
      if (i + 3 < n && g_ascii_strcasecmp (parts[i + 2], "versions") == 0)
        {
          out->kind = ATTEST_KIND_MODEL_VERSION;
          out->version = g_strdup (parts[i + 3]);
        }
      else
        out->kind = ATTEST_KIND_MODEL_CONTAINER;
      return TRUE;
    }
  if (i + 1 < n && g_ascii_strcasecmp (parts[i], "jobs") == 0)
    {
      out->kind = ATTEST_KIND_JOB;
      out->name = g_strdup (parts[i + 1]);
      return TRUE;
    }
  if (i + 3 < n && g_ascii_strcasecmp (parts[i], "data") == 0
      && g_ascii_strcasecmp (parts[i + 2], "versions") == 0)
    {
      out->kind = ATTEST_KIND_DATA_VERSION;
      out->name = g_strdup (parts[i + 1]);
      out->version = g_strdup (parts[i + 3]);
      return TRUE;
    }
  aml_id_clear (out);
  return FALSE;
}

/* A job input/output URI -> lineage node (kind, ref). */
static void
uri_node (const char  *uri,
          const char **kind,
          char       **ref)
{
  AmlId id;

  if (parse_aml_id (uri, &id) && id.kind == ATTEST_KIND_DATA_VERSION)
    {
      *kind = "data";
      *ref = g_strdup_printf ("%s:%s", id.name, id.version);
      aml_id_clear (&id);
      return;
    }
  aml_id_clear (&id);
  if (g_str_has_prefix (uri, "azureml:") && !g_str_has_prefix (uri, "azureml://")
      && strchr (uri + 8, '/') == NULL)
    {
      /* azureml:<name>:<version> or azureml:<name>@latest */
      *kind = "data";
      *ref = g_strdup (uri + 8);
      return;
    }
  *kind = "uri";
  *ref = g_strdup (uri);
}

static gboolean
add_edge (AttestImport *imp,
          const char   *registry,
          const char   *src_kind,
          const char   *src_ref,
          const char   *dst_kind,
          const char   *dst_ref,
          const char   *relation,
          GError      **error)
{
  AttestLineageEdge e = { registry, src_kind, src_ref, dst_kind, dst_ref, relation };

  return attest_store_writer_add_lineage (imp->writer, &e, error);
}

static gboolean
job_edges (AttestImport   *imp,
           const char     *registry,
           const char     *job,
           AttestJsonNode *inputs,
           AttestJsonNode *outputs,
           GError        **error)
{
  AttestJsonNode *c;
  const char *uri_keys[] = { "uri", "path", NULL };

  for (c = inputs && inputs->type == ATTEST_JSON_OBJECT ? inputs->first_child : NULL; c; c = c->next)
    {
      const char *uri = NULL, *kind;
      g_autofree char *ref = NULL;
      g_autofree char *rel = NULL;
      guint i;

      for (i = 0; uri_keys[i] && uri == NULL; i++)
        uri = attest_json_get_string (c, uri_keys[i]);
      if (uri == NULL || *uri == '\0')
        continue; /* literal inputs carry values, not data */
      uri_node (uri, &kind, &ref);
      rel = g_strconcat ("input:", c->key, NULL);
      if (!add_edge (imp, registry, kind, ref, "job", job, rel, error))
        return FALSE;
    }
  for (c = outputs && outputs->type == ATTEST_JSON_OBJECT ? outputs->first_child : NULL; c; c = c->next)
    {
      const char *uri = NULL, *kind;
      g_autofree char *ref = NULL;
      g_autofree char *rel = NULL;
      guint i;

      for (i = 0; uri_keys[i] && uri == NULL; i++)
        uri = attest_json_get_string (c, uri_keys[i]);
      rel = g_strconcat ("output:", c->key, NULL);
      if (uri == NULL || *uri == '\0')
        {
          /* An output without a URI still names what the job produced. */
          ref = g_strdup_printf ("azureml://jobs/%s/outputs/%s", job, c->key);
          kind = "uri";
        }
      else
        uri_node (uri, &kind, &ref);
      if (!add_edge (imp, registry, "job", job, kind, ref, rel, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
model_edges (AttestImport *imp,
             const char   *registry,
             const char   *name,
             const char   *version,
             const char   *job_name,
             const char   *model_uri,
             GError      **error)
{
  g_autofree char *ref = g_strdup_printf ("%s:%s", name, version);

  if (job_name && *job_name)
    if (!add_edge (imp, registry, "job", job_name, "model", ref, "produced", error))
      return FALSE;
  /* azureml://jobs/<job>/outputs/<out>/… names the producing job too. */
  if (model_uri && g_str_has_prefix (model_uri, "azureml://jobs/"))
    {
      const char *p = model_uri + strlen ("azureml://jobs/");
      const char *slash = strchr (p, '/');
      g_autofree char *job = slash ? g_strndup (p, slash - p) : g_strdup (p);

      if (*job && g_strcmp0 (job, job_name) != 0)
        if (!add_edge (imp, registry, "job", job, "model", ref, "produced", error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
store_asset (AttestImport      *imp,
             AttestAssetRecord *rec,
             const char        *raw,
             gsize              raw_len,
             GError           **error)
{
  gboolean added;

  rec->raw = raw;
  rec->raw_len = raw_len;
  if (!attest_store_writer_add_asset (imp->writer, rec, &added, error))
    return FALSE;
  imp->records++;
  return TRUE;
}

gboolean
_attest_parse_aml_rest (AttestImport   *imp,
                        AttestJsonNode *node,
                        const char     *raw,
                        gsize           raw_len,
                        GError        **error)
{
  AttestAssetRecord rec = { 0 };
  AmlId id;
  g_autofree char *tags = NULL;
  g_autofree char *props_json = NULL;
  AttestJsonNode *props, *sys, *n;
  GError *local = NULL;
  gboolean ok = FALSE;

  if (!parse_aml_id (attest_json_get_string (node, "id"), &id))
    return _attest_import_fail (imp, error, _("field “id”: not an Azure ML model, job or data asset id"));

  props = attest_json_get (node, "properties");
  if (props == NULL || props->type != ATTEST_JSON_OBJECT)
    {
      _attest_import_fail (imp, &local, _("field “properties”: expected an object"));
      goto out;
    }
  sys = attest_json_get (node, "systemData");

  rec.kind = id.kind;
  rec.registry = id.registry;
  rec.name = id.name;
  rec.version = id.version;
  rec.description = _attest_node_text (imp, props, "description", &local);
  if (local)
    goto out;
  tags = _attest_node_compact (attest_json_get (props, "tags"));
  props_json = _attest_node_compact (attest_json_get (props, "properties"));
  rec.tags = tags;
  rec.properties = props_json;
  n = attest_json_get (props, "isArchived");
  rec.is_archived = n == NULL || n->type == ATTEST_JSON_NULL ? -1 : n->type == ATTEST_JSON_TRUE;
  if (!_attest_node_time (imp, sys, "createdAt", FALSE, &rec.created_at, &local))
    {
      g_prefix_error (&local, "systemData: ");
      goto out;
    }
  rec.created_by = attest_json_get_string (sys, "createdBy");
  rec.created_by_type = attest_json_get_string (sys, "createdByType");

  switch (id.kind)
    {
    case ATTEST_KIND_MODEL_VERSION:
      rec.type = attest_json_get_string (props, "modelType");
      rec.uri = attest_json_get_string (props, "modelUri");
      rec.job_name = attest_json_get_string (props, "jobName");
      rec.status = attest_json_get_string (props, "stage");
      if (!model_edges (imp, rec.registry, rec.name, rec.version, rec.job_name, rec.uri, &local))
        goto out;
      break;
    case ATTEST_KIND_JOB:
      rec.type = attest_json_get_string (props, "jobType");
      rec.status = attest_json_get_string (props, "status");
      rec.experiment = attest_json_get_string (props, "experimentName");
      rec.display_name = attest_json_get_string (props, "displayName");
      if (!job_edges (imp, rec.registry, rec.name, attest_json_get (props, "inputs"),
                      attest_json_get (props, "outputs"), &local))
        goto out;
      break;
    case ATTEST_KIND_DATA_VERSION:
      rec.type = attest_json_get_string (props, "dataType");
      rec.uri = attest_json_get_string (props, "dataUri");
      break;
    case ATTEST_KIND_MODEL_CONTAINER:
      rec.status = attest_json_get_string (props, "latestVersion");
      break;
    default:
      break;
    }

  ok = store_asset (imp, &rec, raw, raw_len, &local);

out:
  aml_id_clear (&id);
  if (local)
    g_propagate_error (error, local);
  return ok;
}

gboolean
_attest_parse_aml_cli (AttestImport   *imp,
                       AttestJsonNode *node,
                       const char     *raw,
                       gsize           raw_len,
                       GError        **error)
{
  AttestAssetRecord rec = { 0 };
  AmlId id = { 0 };
  g_autofree char *tags = NULL;
  g_autofree char *props_json = NULL;
  AttestJsonNode *ctx = attest_json_get (node, "creation_context");
  const char *type = attest_json_get_string (node, "type");
  const char *version = attest_json_get_string (node, "version");
  GError *local = NULL;
  gboolean ok = FALSE;

  if (parse_aml_id (attest_json_get_string (node, "id"), &id))
    rec.kind = id.kind;
  else if ((attest_json_get (node, "experiment_name") != NULL || attest_json_get (node, "inputs") != NULL
                           || attest_json_get (node, "compute") != NULL))
    rec.kind = ATTEST_KIND_JOB;
  else if (type && (g_str_equal (type, "uri_file") || g_str_equal (type, "uri_folder") || g_str_equal (type, "mltable")))
    rec.kind = ATTEST_KIND_DATA_VERSION;
  else if (version != NULL)
    rec.kind = ATTEST_KIND_MODEL_VERSION;
  else
    rec.kind = ATTEST_KIND_MODEL_CONTAINER;

  rec.registry = id.registry ? id.registry : (char *) imp->options->registry;
  if (rec.registry == NULL)
    {
      _attest_import_fail (imp, &local, _("an az ml record without an id naming its workspace; "
                                          "import it with --registry WORKSPACE"));
      goto out;
    }
  rec.name = _attest_node_text (imp, node, "name", &local);
  if (local)
    goto out;
  if (rec.name == NULL)
    {
      _attest_import_fail (imp, &local, _("field “name” is missing"));
      goto out;
    }
  if (rec.kind == ATTEST_KIND_MODEL_VERSION || rec.kind == ATTEST_KIND_DATA_VERSION)
    {
      rec.version = version ? version : id.version;
      if (rec.version == NULL)
        {
          _attest_import_fail (imp, &local, _("field “version” is missing"));
          goto out;
        }
    }
  rec.description = attest_json_get_string (node, "description");
  tags = _attest_node_compact (attest_json_get (node, "tags"));
  props_json = _attest_node_compact (attest_json_get (node, "properties"));
  rec.tags = tags;
  rec.properties = props_json;
  rec.is_archived = -1;
  if (!_attest_node_time (imp, ctx, "created_at", FALSE, &rec.created_at, &local))
    {
      g_prefix_error (&local, "creation_context: ");
      goto out;
    }
  rec.created_by = attest_json_get_string (ctx, "created_by");
  rec.created_by_type = attest_json_get_string (ctx, "created_by_type");

  switch (rec.kind)
    {
    case ATTEST_KIND_MODEL_VERSION:
      rec.type = type;
      rec.uri = attest_json_get_string (node, "path");
      rec.job_name = attest_json_get_string (node, "job_name");
      rec.status = attest_json_get_string (node, "stage");
      if (!model_edges (imp, rec.registry, rec.name, rec.version, rec.job_name, rec.uri, &local))
        goto out;
      break;
    case ATTEST_KIND_JOB:
      rec.type = type;
      rec.status = attest_json_get_string (node, "status");
      rec.experiment = attest_json_get_string (node, "experiment_name");
      rec.display_name = attest_json_get_string (node, "display_name");
      if (!job_edges (imp, rec.registry, rec.name, attest_json_get (node, "inputs"),
                      attest_json_get (node, "outputs"), &local))
        goto out;
      break;
    case ATTEST_KIND_DATA_VERSION:
      rec.type = type;
      rec.uri = attest_json_get_string (node, "path");
      break;
    default:
      break;
    }
  ok = store_asset (imp, &rec, raw, raw_len, &local);

out:
  aml_id_clear (&id);
  if (local)
    g_propagate_error (error, local);
  return ok;
}
