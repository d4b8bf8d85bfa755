/* attest-parse-events.c: activity log events and diagnostic-setting records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shapes (FORMATS.md, 3): the REST/az event (eventDataId, eventTimestamp,
 * operationName.{value,localizedValue}, status.value, …) and the export
 * schema of diagnostic settings ({"records": [{time, resourceId,
 * operationName, category, resultType, identity, properties, …}]}), which
 * IoT Hub resource logs share (properties there is a JSON-encoded string).
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-import-private.h"

/* Diagnostic-setting categories of Microsoft.Devices/IotHubs resource logs. */
gboolean
_attest_is_iothub_log_category (const char *category)
{
  static const char *categories[] = {
    "Configurations", "DeviceIdentityOperations", "TwinQueries", "C2DTwinOperations",
    "D2CTwinOperations", "Connections", "JobsOperations", "DirectMethods", "FileUploadOperations",
    "Routes", "DeviceTelemetry", "C2DCommands", "DeviceStreams", "DistributedTracing",
    "RoutingOperations", NULL,
  };
  guint i;

  for (i = 0; category && categories[i]; i++)
    if (g_ascii_strcasecmp (category, categories[i]) == 0)
      return TRUE;
  return FALSE;
}

/* LocalizableString: {"value": …, "localizedValue": …} or a plain string. */
static const char *
localizable (AttestImport   *imp,
             AttestJsonNode *object,
             const char     *key,
             GError        **error)
{
  AttestJsonNode *n = attest_json_get (object, key);

  if (n == NULL || n->type == ATTEST_JSON_NULL)
    return NULL;
  if (n->type == ATTEST_JSON_OBJECT)
    {
      const char *v = attest_json_get_string (n, "value");
      if (v == NULL)
        v = attest_json_get_string (n, "localizedValue");
      return v;
    }
  return _attest_node_text (imp, object, key, error);
}

/* A property value that is itself JSON ("requestbody", IoT Hub resource-log
 * properties): parse it into the inner document, or NULL. */
static AttestJsonNode *
inner_json (AttestImport *imp,
            const char   *text)
{
  gsize n;

  if (text == NULL)
    return NULL;
  while (*text == ' ')
    text++;
  if (*text != '{' && *text != '[')
    return NULL;
  n = strlen (text);
  return attest_json_doc_parse (imp->inner, text, n, NULL);
}

static gboolean
store_event (AttestImport      *imp,
             AttestEventRecord *rec,
             AttestJsonNode    *node,
             const char        *raw,
             gsize              raw_len,
             GError           **error)
{
  g_autofree char *sha_id = NULL;
  gboolean added;

  if (rec->event_id == NULL || rec->event_id[0] == '\0')
    {
      /* No id in the export: the canonical record names itself, so the same
       * record imported from two files (whitespace aside) is one event. */
      g_string_truncate (imp->scratch, 0);
      attest_json_node_write_compact (node, imp->scratch);
      g_autofree char *hex = _attest_sha256_hex (imp->scratch->str, imp->scratch->len);

      sha_id = g_strconcat ("sha256:", hex, NULL);
      rec->event_id = sha_id;
    }
  rec->search = imp->search->str;
  rec->raw = raw;
  rec->raw_len = raw_len;
  if (!attest_store_writer_add_event (imp->writer, rec, &added, error))
    return FALSE;
  imp->records++;
  return TRUE;
}

gboolean
_attest_parse_activity_event (AttestImport   *imp,
                              AttestJsonNode *node,
                              const char     *raw,
                              gsize           raw_len,
                              GError        **error)
{
  AttestEventRecord rec = { 0 };
  g_autofree char *hub = NULL;
  g_autofree char *id_from_path = NULL;
  AttestJsonNode *props, *claims;
  GError *local = NULL;
  const char *sub_status;

  rec.kind = "activity";
  rec.event_id = _attest_node_text (imp, node, "eventDataId", &local);
  if (local)
    goto fail;
  if (rec.event_id == NULL || rec.event_id[0] == '\0')
    {
      /* A $select page may drop eventDataId, but the event's id carries it:
       * "<resourceId>/events/<eventDataId>/ticks/<ticks>". */
      const char *id = attest_json_get_string (node, "id");
      const char *p = id ? strstr (id, "/events/") : NULL;
      const char *end = p ? strstr (p + 8, "/ticks/") : NULL;

      if (end && end > p + 8)
        {
          id_from_path = g_strndup (p + 8, end - (p + 8));
          rec.event_id = id_from_path;
        }
    }
  if (!_attest_node_time (imp, node, "eventTimestamp", FALSE, &rec.time, &local))
    goto fail;
  if (rec.time == ATTEST_TIME_NONE
      && !_attest_node_time (imp, node, "submissionTimestamp", TRUE, &rec.time, &local))
    {
      g_clear_error (&local);
      _attest_import_fail (imp, &local, _("field “eventTimestamp” is missing"));
      goto fail;
    }

  rec.caller = _attest_node_text (imp, node, "caller", &local);
  if (local)
    goto fail;
  rec.operation = localizable (imp, node, "operationName", &local);
  if (local)
    goto fail;
  rec.status = localizable (imp, node, "status", &local);
  if (local)
    goto fail;
  rec.category = localizable (imp, node, "category", &local);
  if (local)
    goto fail;
  rec.level = _attest_node_text (imp, node, "level", &local);
  if (local)
    goto fail;
  rec.resource_id = _attest_node_text (imp, node, "resourceId", &local);
  if (local)
    goto fail;
  rec.correlation_id = _attest_node_text (imp, node, "correlationId", &local);
  if (local)
    goto fail;
  sub_status = localizable (imp, node, "subStatus", &local);
  if (local)
    goto fail;

  hub = _attest_hub_from_resource (rec.resource_id);
  rec.hub = hub;

  g_string_truncate (imp->search, 0);
  _attest_search_add_resource (imp->search, rec.resource_id);
  _attest_search_add (imp->search, rec.status);
  _attest_search_add (imp->search, sub_status);
  _attest_search_add (imp->search, attest_json_get_string (node, "description"));
  claims = attest_json_get (node, "claims");
  _attest_search_add (imp->search, attest_json_get_string (claims, "name"));
  props = attest_json_get (node, "properties");
  if (props && props->type != ATTEST_JSON_OBJECT && props->type != ATTEST_JSON_NULL)
    {
      _attest_import_fail (imp, &local, _("field “properties”: expected an object, found %s"),
                           attest_json_type_name (props->type));
      goto fail;
    }
  _attest_search_add_values (imp->search, props);

  return store_event (imp, &rec, node, raw, raw_len, error);

fail:
  g_propagate_error (error, local);
  return FALSE;
}

static const char *
caller_from_identity (AttestJsonNode *identity)
{
  AttestJsonNode *claims = attest_json_get (identity, "claims");
  static const char *keys[] = {
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "upn",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "unique_name",
    "appid",
    "http://schemas.microsoft.com/identity/claims/objectidentifier",
    NULL,
  };
  guint i;

  for (i = 0; keys[i]; i++)
    {
      const char *v = attest_json_get_string (claims, keys[i]);
      if (v && *v)
        return v;
    }
  return NULL;
}

gboolean
_attest_parse_diagnostic_record (AttestImport   *imp,
                                 AttestJsonNode *node,
                                 const char     *raw,
                                 gsize           raw_len,
                                 GError        **error)
{
  AttestEventRecord rec = { 0 };
  g_autofree char *hub = NULL;
  g_autofree char *target = NULL;
  AttestJsonNode *props, *identity, *inner = NULL;
  GError *local = NULL;

  if (!_attest_node_time (imp, node, "time", TRUE, &rec.time, &local))
    goto fail;
  rec.operation = localizable (imp, node, "operationName", &local);
  if (local)
    goto fail;
  rec.category = _attest_node_text (imp, node, "category", &local);
  if (local)
    goto fail;
  rec.resource_id = _attest_node_text (imp, node, "resourceId", &local);
  if (local)
    goto fail;
  rec.status = _attest_node_text (imp, node, "resultType", &local);
  if (local)
    goto fail;
  rec.level = _attest_node_text (imp, node, "level", &local);
  if (local)
    goto fail;
  rec.correlation_id = _attest_node_text (imp, node, "correlationId", &local);
  if (local)
    goto fail;
  rec.event_id = _attest_node_text (imp, node, "eventDataId", &local);
  if (local)
    goto fail;

  hub = _attest_hub_from_resource (rec.resource_id);
  rec.hub = hub;
  /* IoT Hub resource logs: data-plane operations the activity log never
   * shows (twin and configuration edits). */
  rec.kind = hub != NULL && _attest_is_iothub_log_category (rec.category) ? "resource-log" : "activity";

  identity = attest_json_get (node, "identity");
  rec.caller = caller_from_identity (identity);
  if (rec.caller == NULL)
    rec.caller = attest_json_get_string (node, "caller");

  g_string_truncate (imp->search, 0);
  _attest_search_add_resource (imp->search, rec.resource_id);
  _attest_search_add (imp->search, rec.status);
  _attest_search_add (imp->search, attest_json_get_string (node, "resultSignature"));
  _attest_search_add (imp->search, attest_json_get_string (node, "resultDescription"));
  _attest_search_add (imp->search, attest_json_path_string (identity, "claims.name"));

  props = attest_json_get (node, "properties");
  if (props && props->type == ATTEST_JSON_STRING)
    {
      inner = inner_json (imp, props->str);
      if (inner == NULL && props->str[0] != '\0')
        _attest_search_add (imp->search, props->str);
    }
  else if (props && props->type == ATTEST_JSON_OBJECT)
    inner = props;
  else if (props && props->type != ATTEST_JSON_NULL)
    {
      _attest_import_fail (imp, &local, _("field “properties”: expected an object or a JSON string, found %s"),
                           attest_json_type_name (props->type));
      goto fail;
    }
  if (inner)
    {
      const char *t = attest_json_get_string (inner, "configurationId");
      if (t == NULL || *t == '\0')
        t = attest_json_get_string (inner, "deviceId");
      if (t && *t)
        target = g_strdup (t);
      if (rec.caller == NULL)
        rec.caller = attest_json_get_string (inner, "caller");
      _attest_search_add_values (imp->search, inner);
    }
  rec.target = target;

  /* rec.caller may point into the inner document: it lives until the next
   * inner parse, which is after this record is stored. */
  return store_event (imp, &rec, node, raw, raw_len, error);

fail:
  g_propagate_error (error, local);
  return FALSE;
}
