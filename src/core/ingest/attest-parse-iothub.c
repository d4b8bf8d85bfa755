/* attest-parse-iothub.c: twins, identities, configurations, state exports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FORMATS.md, 2 and 5: REST query pages and az output carry the same twin
 * objects; `az iot hub state export` nests identities and reduced twins
 * (no version, no $metadata) under devices.<id>; configurations carry
 * deviceContent, moduleContent or modulesContent whose keys may be dotted
 * paths ("properties.desired.modules.m0").
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-import-private.h"

static const char *
need_hub (AttestImport *imp,
          GError      **error)
{
  if (imp->hub == NULL || imp->hub[0] == '\0')
    {
      g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_CONTEXT,
                   _("these records do not name their IoT hub; import them with --hub NAME "
                     "(or choose the hub in the import dialog)"));
      return NULL;
    }
  return imp->hub;
}

static gint64
int_or (AttestJsonNode *node,
        gint64          fallback)
{
  gint64 v;

  if (attest_json_node_int64 (node, &v))
    return v;
  return fallback;
}

/* Newest $lastUpdated at the top of desired/reported $metadata. */
static gint64
changed_at (AttestJsonNode *twin)
{
  const char *paths[] = {
    "properties.desired.$metadata.$lastUpdated",
    "properties.reported.$metadata.$lastUpdated",
  };
  gint64 best = ATTEST_TIME_NONE;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *s = attest_json_path_string (twin, paths[i]);
      gint64 t;
      if (s && attest_time_parse (s, &t) == ATTEST_TIME_OK && t > best)
        best = t;
    }
  return best;
}

/* "registry.azurecr.io/team/defect-detector:3.2.1@sha256:…" ->
 * name "defect-detector", version "3.2.1". */
static void
split_image (const char *image,
             char      **name,
             char      **version)
{
  g_autofree char *copy = NULL;
  char *at, *slash, *colon;

  *name = NULL;
  *version = NULL;
  if (image == NULL || *image == '\0')
    return;
  copy = g_strdup (image);
  at = strchr (copy, '@');
  if (at)
    *at = '\0';
  slash = strrchr (copy, '/');
  colon = strrchr (slash ? slash : copy, ':');
  if (colon)
    {
      *colon = '\0';
      *version = g_strdup (colon + 1);
    }
  *name = g_strdup (slash ? slash + 1 : copy);
}

static const char *
first_path (AttestJsonNode     *reported,
            const char *const  *paths)
{
  guint i;

  for (i = 0; paths && paths[i]; i++)
    {
      const char *v = attest_json_path_string (reported, paths[i]);
      if (v && *v)
        return v;
    }
  return NULL;
}

static const char *
region_of (AttestJsonNode *tags)
{
  static const char *keys[] = { "region", "location", "country", "site.region", NULL };
  guint i;

  for (i = 0; keys[i]; i++)
    {
      const char *v = attest_json_path_string (tags, keys[i]);
      if (v && *v)
        return v;
    }
  return NULL;
}

typedef struct
{
  GArray    *models;   /* AttestModuleModel */
  GPtrArray *strings;  /* owned */
} ModelList;

static const char *
keep (ModelList *l,
      char      *s)
{
  if (s)
    g_ptr_array_add (l->strings, s);
  return s;
}

/* $edgeAgent: one entry per module in desired ∪ reported, model from the
 * running (reported) image tag, else the desired one. */
static void
edge_agent_models (AttestJsonNode *twin,
                   ModelList      *l)
{
  AttestJsonNode *desired = attest_json_path (twin, "properties.desired.modules");
  AttestJsonNode *reported = attest_json_path (twin, "properties.reported.modules");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  AttestJsonNode *sets[2] = { reported, desired };
  guint s;

  for (s = 0; s < 2; s++)
    {
      AttestJsonNode *m;

      if (sets[s] == NULL || sets[s]->type != ATTEST_JSON_OBJECT)
        continue;
      for (m = sets[s]->first_child; m; m = m->next)
        {
          AttestModuleModel mm = { 0 };
          AttestJsonNode *d = attest_json_get (desired, m->key);
          AttestJsonNode *r = attest_json_get (reported, m->key);
          char *name, *version;

          if (g_hash_table_contains (seen, m->key))
            continue;
          g_hash_table_add (seen, (gpointer) m->key);
          mm.module_id = m->key;
          mm.via = "image";
          mm.image = attest_json_path_string (r, "settings.image");
          mm.desired_image = attest_json_path_string (d, "settings.image");
          mm.runtime_status = attest_json_get_string (r, "runtimeStatus");
          split_image (mm.image ? mm.image : mm.desired_image, &name, &version);
          mm.model_name = keep (l, name);
          mm.model_version = keep (l, version);
          g_array_append_val (l->models, mm);
        }
    }
}

gboolean
_attest_parse_twin (AttestImport   *imp,
                    AttestJsonNode *node,
                    const char     *device_id,
                    const char     *module_id,
                    const char     *raw,
                    gsize           raw_len,
                    GError        **error)
{
  AttestTwinRecord rec = { 0 };
  ModelList models = { g_array_new (FALSE, TRUE, sizeof (AttestModuleModel)),
                       g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *tags = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(GString) redacted = g_string_new (NULL);
  AttestJsonNode *n, *reported;
  GError *local = NULL;
  gboolean added;
  gboolean ok = FALSE;

  rec.hub = need_hub (imp, &local);
  if (rec.hub == NULL)
    goto out;

  rec.device_id = device_id ? device_id : _attest_node_text (imp, node, "deviceId", &local);
  if (local)
    goto out;
  if (rec.device_id == NULL || rec.device_id[0] == '\0')
    {
      _attest_import_fail (imp, &local, _("field “deviceId” is missing"));
      goto out;
    }
  rec.module_id = module_id ? module_id : _attest_node_text (imp, node, "moduleId", &local);
  if (local)
    goto out;

  n = attest_json_get (node, "version");
  if (n && n->type != ATTEST_JSON_NULL && !attest_json_node_int64 (n, &rec.twin_version))
    {
      _attest_import_fail (imp, &local, _("field “version”: expected an integer, found %s"),
                           attest_json_type_name (n->type));
      goto out;
    }
  if (n == NULL || n->type == ATTEST_JSON_NULL)
    rec.twin_version = -1;
  rec.desired_version = int_or (attest_json_path (node, "properties.desired.$version"), -1);
  rec.reported_version = int_or (attest_json_path (node, "properties.reported.$version"), -1);

  /* Registry credentials in $edgeAgent and the like are never stored, and
   * the content hash is taken over the redacted form too. */
  if (_attest_may_hold_secret (raw, raw_len) && _attest_write_redacted (node, redacted, FALSE))
    {
      raw = redacted->str;
      raw_len = redacted->len;
      sha = _attest_sha256_hex (redacted->str, redacted->len);
    }
  else
    {
      g_string_truncate (imp->scratch, 0);
      attest_json_node_write_compact (node, imp->scratch);
      sha = _attest_sha256_hex (imp->scratch->str, imp->scratch->len);
    }
  rec.content_sha = sha;

  rec.etag = _attest_node_text (imp, node, "etag", &local);
  if (local)
    goto out;
  rec.status = _attest_node_text (imp, node, "status", &local);
  if (local)
    goto out;
  rec.connection_state = _attest_node_text (imp, node, "connectionState", &local);
  if (local)
    goto out;
  rec.auth_type = _attest_node_text (imp, node, "authenticationType", &local);
  if (local)
    goto out;
  if (!_attest_node_time (imp, node, "lastActivityTime", FALSE, &rec.last_activity, &local))
    goto out;
  rec.changed_at = changed_at (node);
  n = attest_json_path (node, "capabilities.iotEdge");
  rec.is_edge = n == NULL ? -1 : n->type == ATTEST_JSON_TRUE;
  n = attest_json_get (node, "tags");
  if (n && n->type == ATTEST_JSON_OBJECT)
    {
      tags = _attest_node_compact (n);
      rec.region = region_of (n);
    }
  rec.tags = tags;

  reported = attest_json_path (node, "properties.reported");
  if (rec.module_id && g_strcmp0 (rec.module_id, "$edgeAgent") == 0)
    {
      rec.is_edge = 1;
      rec.edge_runtime = attest_json_path_string (reported, "version.version");
      edge_agent_models (node, &models);
    }
  else if (rec.module_id && rec.module_id[0] != '\0' && g_strcmp0 (rec.module_id, "$edgeHub") != 0)
    {
      /* A custom module: the model it reports through the configured paths. */
      AttestModuleModel mm = { 0 };

      mm.module_id = rec.module_id;
      mm.model_name = first_path (reported, imp->name_paths);
      mm.model_version = first_path (reported, imp->version_paths);
      mm.via = "reported";
      if (mm.model_name || mm.model_version)
        g_array_append_val (models.models, mm);
    }
  rec.models = (const AttestModuleModel *) models.models->data;
  rec.n_models = models.models->len;
  rec.raw = raw;
  rec.raw_len = raw_len;

  if (!attest_store_writer_add_twin (imp->writer, &rec, &added, &local))
    goto out;
  imp->records++;
  ok = TRUE;

out:
  g_array_unref (models.models);
  g_ptr_array_unref (models.strings);
  if (local)
    g_propagate_error (error, local);
  return ok;
}

gboolean
_attest_parse_identity (AttestImport   *imp,
                        AttestJsonNode *node,
                        const char     *device_id,
                        const char     *module_id,
                        const char     *parent,
                        GError        **error)
{
  AttestIdentityRecord rec = { 0 };
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autofree char *sha = NULL;
  g_autofree char *hub_name = NULL;
  AttestJsonNode *n;
  GError *local = NULL;
  gboolean added;

  /* az … device-identity show adds "hub": the hub's host name. */
  hub_name = _attest_hub_name (attest_json_get_string (node, "hub"));
  rec.hub = hub_name;
  if (rec.hub == NULL && (rec.hub = need_hub (imp, &local)) == NULL)
    goto fail;
  rec.device_id = device_id ? device_id : _attest_node_text (imp, node, "deviceId", &local);
  if (local)
    goto fail;
  if (rec.device_id == NULL || rec.device_id[0] == '\0')
    {
      _attest_import_fail (imp, &local, _("field “deviceId” is missing"));
      goto fail;
    }
  rec.module_id = module_id ? module_id : _attest_node_text (imp, node, "moduleId", &local);
  if (local)
    goto fail;
  n = attest_json_get (node, "authentication");
  if (n && n->type != ATTEST_JSON_OBJECT && n->type != ATTEST_JSON_NULL)
    {
      _attest_import_fail (imp, &local, _("field “authentication”: expected an object, found %s"),
                           attest_json_type_name (n->type));
      goto fail;
    }
  rec.auth_type = attest_json_get_string (n, "type");
  rec.status = attest_json_get_string (node, "status");
  rec.connection_state = attest_json_get_string (node, "connectionState");
  rec.managed_by = attest_json_get_string (node, "managedBy");
  n = attest_json_path (node, "capabilities.iotEdge");
  rec.is_edge = n == NULL ? -1 : n->type == ATTEST_JSON_TRUE;
  rec.parent = parent;

  /* Never persist key material (FORMATS.md, 5). */
  _attest_write_redacted (node, raw, FALSE);
  sha = _attest_sha256_hex (raw->str, raw->len);
  rec.content_sha = sha;
  rec.raw = raw->str;
  rec.raw_len = raw->len;
  if (!attest_store_writer_add_identity (imp->writer, &rec, &added, &local))
    goto fail;
  imp->records++;
  return TRUE;

fail:
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
_attest_parse_state_device (AttestImport   *imp,
                            AttestJsonNode *node,
                            const char     *device_id,
                            GError        **error)
{
  const char *data = attest_json_doc_data (imp->doc);
  const char *parent;
  AttestJsonNode *n, *modules, *m;

  if (node->type != ATTEST_JSON_OBJECT)
    return _attest_import_fail (imp, error, _("expected an object, found %s"),
                                attest_json_type_name (node->type));
  parent = attest_json_get_string (node, "parent");

  if ((n = attest_json_get (node, "identity")) && n->type == ATTEST_JSON_OBJECT)
    if (!_attest_parse_identity (imp, n, device_id, NULL, parent, error))
      {
        g_prefix_error (error, "identity: ");
        return FALSE;
      }
  if ((n = attest_json_get (node, "twin")) && n->type == ATTEST_JSON_OBJECT)
    if (!_attest_parse_twin (imp, n, device_id, NULL, data + n->start, n->end - n->start, error))
      {
        g_prefix_error (error, "twin: ");
        return FALSE;
      }
  modules = attest_json_get (node, "modules");
  if (modules && modules->type == ATTEST_JSON_OBJECT)
    for (m = modules->first_child; m; m = m->next)
      {
        if ((n = attest_json_get (m, "identity")) && n->type == ATTEST_JSON_OBJECT)
          if (!_attest_parse_identity (imp, n, device_id, m->key, NULL, error))
            {
              g_prefix_error (error, _("module “%s” identity: "), m->key);
              return FALSE;
            }
        if ((n = attest_json_get (m, "twin")) && n->type == ATTEST_JSON_OBJECT)
          if (!_attest_parse_twin (imp, n, device_id, m->key, data + n->start, n->end - n->start, error))
            {
              g_prefix_error (error, _("module “%s” twin: "), m->key);
              return FALSE;
            }
      }
  return TRUE;
}

gboolean
_attest_parse_arm_template (AttestImport   *imp,
                            AttestJsonNode *node,
                            GError        **error)
{
  AttestJsonNode *resources = attest_json_get (node, "resources");
  AttestJsonNode *r;

  if (resources == NULL || resources->type != ATTEST_JSON_ARRAY)
    return TRUE;
  for (r = resources->first_child; r; r = r->next)
    {
      const char *type = attest_json_get_string (r, "type");
      AttestHubInfo hub = { 0 };

      if (type == NULL || g_ascii_strcasecmp (type, "Microsoft.Devices/IotHubs") != 0)
        continue;
      hub.name = attest_json_get_string (r, "name");
      if (hub.name == NULL || hub.name[0] == '\0' || strchr (hub.name, '[') != NULL)
        continue; /* template expressions are not names */
      hub.location = attest_json_get_string (r, "location");
      hub.sku = attest_json_path_string (r, "sku.name");
      if (!attest_store_writer_set_hub (imp->writer, &hub, error))
        return FALSE;
      /* The export names its own hub: that wins over --hub. */
      g_free (imp->hub);
      imp->hub = g_strdup (hub.name);
    }
  return TRUE;
}

/* Walks a module's content where keys may be dotted paths, calling back
 * with the full path of every "…modules.<m>.settings.image". */
static void
collect_images (AttestJsonNode *node,
                GPtrArray      *path,
                GHashTable     *images)
{
  AttestJsonNode *c;

  if (node->type == ATTEST_JSON_STRING && path->len >= 5)
    {
      guint n = path->len;
      if (g_strcmp0 (g_ptr_array_index (path, n - 1), "image") == 0
          && g_strcmp0 (g_ptr_array_index (path, n - 2), "settings") == 0
          && g_strcmp0 (g_ptr_array_index (path, n - 4), "modules") == 0)
        g_hash_table_replace (images, g_strdup (g_ptr_array_index (path, n - 3)), g_strdup (node->str));
      return;
    }
  if (node->type != ATTEST_JSON_OBJECT)
    return;
  for (c = node->first_child; c; c = c->next)
    {
      g_auto(GStrv) parts = g_strsplit (c->key, ".", -1);
      guint before = path->len, i;

      for (i = 0; parts[i]; i++)
        g_ptr_array_add (path, g_strdup (parts[i]));
      collect_images (c, path, images);
      g_ptr_array_set_size (path, before);
    }
}

gboolean
_attest_parse_configuration (AttestImport   *imp,
                             AttestJsonNode *node,
                             const char     *raw,
                             gsize           raw_len,
                             GError        **error)
{
  AttestDeploymentRecord rec = { 0 };
  g_autofree char *hub_name = NULL;
  g_autoptr(GString) redacted = g_string_new (NULL);
  g_autofree char *labels = NULL;
  g_autofree char *content = NULL;
  g_autofree char *sha_etag = NULL;
  g_autoptr(GHashTable) images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) modules = g_array_new (FALSE, TRUE, sizeof (AttestDeploymentModule));
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  AttestJsonNode *c, *n, *results;
  GError *local = NULL;
  gboolean added;

  if (node->type != ATTEST_JSON_OBJECT)
    return _attest_import_fail (imp, error, _("expected an object, found %s"),
                                attest_json_type_name (node->type));

  hub_name = _attest_hub_name (attest_json_get_string (node, "hub"));
  rec.hub = hub_name;
  if (rec.hub == NULL && (rec.hub = need_hub (imp, &local)) == NULL)
    goto fail;
  rec.config_id = _attest_node_text (imp, node, "id", &local);
  if (local)
    goto fail;
  if (rec.config_id == NULL || rec.config_id[0] == '\0')
    {
      _attest_import_fail (imp, &local, _("field “id” is missing"));
      goto fail;
    }
  c = attest_json_get (node, "content");
  if (c == NULL || c->type != ATTEST_JSON_OBJECT)
    {
      _attest_import_fail (imp, &local, _("field “content”: expected an object"));
      goto fail;
    }
  if ((n = attest_json_get (c, "modulesContent")) && n->type == ATTEST_JSON_OBJECT)
    {
      AttestJsonNode *agent = attest_json_get (n, "$edgeAgent");
      rec.kind = "edge";
      if (agent)
        collect_images (agent, path, images);
    }
  else if (attest_json_get (c, "moduleContent"))
    rec.kind = "module";
  else
    rec.kind = "device";

  if (_attest_may_hold_secret (raw, raw_len) && _attest_write_redacted (node, redacted, FALSE))
    {
      raw = redacted->str;
      raw_len = redacted->len;
      g_string_assign (imp->scratch, redacted->str);
    }
  else
    {
      g_string_truncate (imp->scratch, 0);
      attest_json_node_write_compact (node, imp->scratch);
    }
  rec.etag = _attest_node_text (imp, node, "etag", &local);
  if (local)
    goto fail;
  if (rec.etag == NULL || rec.etag[0] == '\0')
    {
      g_autofree char *sha = _attest_sha256_hex (imp->scratch->str, imp->scratch->len);
      sha_etag = g_strconcat ("sha256:", sha, NULL);
      rec.etag = sha_etag;
    }
  n = attest_json_get (node, "priority");
  rec.priority = G_MININT64;
  if (n && n->type != ATTEST_JSON_NULL && !attest_json_node_int64 (n, &rec.priority))
    {
      _attest_import_fail (imp, &local, _("field “priority”: expected an integer, found %s"),
                           attest_json_type_name (n->type));
      goto fail;
    }
  rec.target_condition = _attest_node_text (imp, node, "targetCondition", &local);
  if (local)
    goto fail;
  rec.schema_version = _attest_node_text (imp, node, "schemaVersion", &local);
  if (local)
    goto fail;
  if (!_attest_node_time (imp, node, "createdTimeUtc", FALSE, &rec.created_at, &local)
      || !_attest_node_time (imp, node, "lastUpdatedTimeUtc", FALSE, &rec.updated_at, &local))
    goto fail;
  labels = _attest_node_canonical (attest_json_get (node, "labels"));
  rec.labels = labels;
  {
    g_autoptr(GString) rc = g_string_new (NULL);
    /* Canonical (sorted) content: REST and az output of one version match. */
    if (_attest_may_hold_secret (raw, raw_len) && _attest_write_redacted (c, rc, TRUE))
      content = g_strdup (rc->str);
    else
      content = _attest_node_canonical (c);
  }
  rec.content = content;
  results = attest_json_path (node, "systemMetrics.results");
  rec.targeted = int_or (attest_json_get (results, "targetedCount"), -1);
  rec.applied = int_or (attest_json_get (results, "appliedCount"), -1);
  rec.reported_ok = int_or (attest_json_get (results, "reportedSuccessfulCount"), -1);
  rec.reported_failed = int_or (attest_json_get (results, "reportedFailedCount"), -1);

  {
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init (&it, images);
    while (g_hash_table_iter_next (&it, &k, &v))
      {
        AttestDeploymentModule dm = { 0 };
        char *name, *version;

        split_image (v, &name, &version);
        if (name)
          g_ptr_array_add (strings, name);
        if (version)
          g_ptr_array_add (strings, version);
        dm.module_id = k;
        dm.image = v;
        dm.model_name = name;
        dm.model_version = version;
        g_array_append_val (modules, dm);
      }
  }
  rec.modules = (const AttestDeploymentModule *) modules->data;
  rec.n_modules = modules->len;
  rec.raw = raw;
  rec.raw_len = raw_len;
  if (!attest_store_writer_add_deployment (imp->writer, &rec, &added, &local))
    goto fail;
  imp->records++;
  return TRUE;

fail:
  g_propagate_error (error, local);
  return FALSE;
}
