/* attest-importer.c: sniff a file, walk its envelopes, hand records to the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The content decides the format, never the file name.  The walk streams:
 * envelopes ({"value": […]}, {"records": […]}, az iot hub state export,
 * x-ms-example wrappers), bare arrays and JSON Lines are read one element at
 * a time, so memory stays bounded whatever the file size.  A file is one
 * transaction: the first unreadable element rejects it whole, with the file,
 * line (or element) and field in the message.
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/evp.h>

#include "attest-digest-stream.h"
#include "attest-event-query.h"
#include "attest-import-private.h"

G_DEFINE_QUARK (attest-import-error-quark, attest_import_error)

static const char *default_name_paths[] = {
  "model.name", "modelName", "model_name", "aiModel.name", NULL
};
static const char *default_version_paths[] = {
  "model.version", "modelVersion", "model_version", "aiModel.version", NULL
};

const char *const *
attest_import_default_model_name_paths (void)
{
  return default_name_paths;
}

const char *const *
attest_import_default_model_version_paths (void)
{
  return default_version_paths;
}

void
attest_import_result_clear (AttestImportResult *result)
{
  g_clear_pointer (&result->format, g_free);
  g_clear_pointer (&result->sha256, g_free);
}

gboolean
_attest_import_fail (AttestImport *imp,
                     GError      **error,
                     const char   *format,
                     ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID, msg);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* helpers for parsers */

const char *
_attest_node_text (AttestImport   *imp,
                   AttestJsonNode *object,
                   const char     *key,
                   GError        **error)
{
  AttestJsonNode *n = attest_json_get (object, key);

  if (n == NULL || n->type == ATTEST_JSON_NULL)
    return NULL;
  if (n->type == ATTEST_JSON_OBJECT || n->type == ATTEST_JSON_ARRAY)
    {
      _attest_import_fail (imp, error, _("field “%s”: expected text, found %s"),
                           key, attest_json_type_name (n->type));
      return NULL;
    }
  return attest_json_node_string (n);
}

gboolean
_attest_node_time (AttestImport   *imp,
                   AttestJsonNode *object,
                   const char     *key,
                   gboolean        required,
                   gint64         *out,
                   GError        **error)
{
  AttestJsonNode *n = attest_json_get (object, key);

  *out = ATTEST_TIME_NONE;
  if (n == NULL || n->type == ATTEST_JSON_NULL || (n->type == ATTEST_JSON_STRING && n->str[0] == '\0'))
    {
      if (required)
        return _attest_import_fail (imp, error, _("field “%s” is missing"), key);
      return TRUE;
    }
  if (n->type != ATTEST_JSON_STRING)
    return _attest_import_fail (imp, error, _("field “%s”: expected a timestamp, found %s"),
                                key, attest_json_type_name (n->type));
  switch (attest_time_parse (n->str, out))
    {
    case ATTEST_TIME_OK:
      return TRUE;
    case ATTEST_TIME_UNKNOWN:
      *out = ATTEST_TIME_NONE;
      if (required)
        return _attest_import_fail (imp, error, _("field “%s” holds the placeholder time “%s”"), key, n->str);
      return TRUE;
    case ATTEST_TIME_INVALID:
    default:
      return _attest_import_fail (imp, error, _("field “%s”: “%s” is not a timestamp"), key, n->str);
    }
}

char *
_attest_node_compact (AttestJsonNode *node)
{
  GString *s;

  if (node == NULL || node->type == ATTEST_JSON_NULL)
    return NULL;
  s = g_string_new (NULL);
  attest_json_node_write_compact (node, s);
  return g_string_free (s, FALSE);
}

char *
_attest_node_canonical (AttestJsonNode *node)
{
  GString *s;

  if (node == NULL || node->type == ATTEST_JSON_NULL)
    return NULL;
  s = g_string_new (NULL);
  attest_json_node_write_canonical (node, s);
  return g_string_free (s, FALSE);
}

char *
_attest_sha256_hex (const char *data,
                    gsize       len)
{
  guint8 out[32];
  unsigned int n = 32;
  char *hex = g_malloc (65);
  int i;

  EVP_Digest (data, len, out, &n, EVP_sha256 (), NULL);
  for (i = 0; i < 32; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", out[i]);
  return hex;
}

/* Case-insensitive strstr for ASCII needles (resource ids vary in case). */
static const char *
find_ci (const char *haystack,
         const char *needle)
{
  gsize n = strlen (needle);

  for (; *haystack; haystack++)
    if (g_ascii_strncasecmp (haystack, needle, n) == 0)
      return haystack;
  return NULL;
}

/* ".../providers/Microsoft.Devices/IotHubs/<name>[/...]" -> "<name>" (lower-case). */
char *
_attest_hub_from_resource (const char *resource_id)
{
  static const char marker[] = "/providers/microsoft.devices/iothubs/";
  const char *p, *end;

  if (resource_id == NULL)
    return NULL;
  p = find_ci (resource_id, marker);
  if (p == NULL)
    return NULL;
  p += sizeof marker - 1;
  end = strchr (p, '/');
  if (end == p || *p == '\0')
    return NULL;
  return g_ascii_strdown (p, end ? end - p : -1);
}

/* "contoso-hub.azure-devices.net" (what az adds as "hub") -> "contoso-hub". */
char *
_attest_hub_name (const char *name_or_host)
{
  const char *dot;

  if (name_or_host == NULL || *name_or_host == '\0')
    return NULL;
  dot = strchr (name_or_host, '.');
  return dot ? g_strndup (name_or_host, dot - name_or_host) : g_strdup (name_or_host);
}

static gboolean
is_secret_key (const char *key)
{
  static const char *keys[] = {
    "password", "primaryKey", "secondaryKey", "symmetricKey", "connectionString",
    "sharedAccessKey", "accountKey", "sasToken", NULL,
  };
  guint i;

  for (i = 0; keys[i]; i++)
    if (g_ascii_strcasecmp (key, keys[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_attest_may_hold_secret (const char *raw,
                         gsize       len)
{
  static const char *needles[] = { "assword", "Key\"", "key\"", "onnectionString", "sasToken", NULL };
  guint i;

  for (i = 0; needles[i]; i++)
    if (g_strstr_len (raw, len, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

static int
compare_member_keys (gconstpointer a,
                     gconstpointer b)
{
  return g_strcmp0 ((*(AttestJsonNode **) a)->key, (*(AttestJsonNode **) b)->key);
}

static gboolean
write_redacted (AttestJsonNode *node,
                GString        *out,
                gboolean        secret,
                gboolean        sorted)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  AttestJsonNode *c;
  gboolean redacted = FALSE;
  guint i;

  if (secret && node->type != ATTEST_JSON_OBJECT && node->type != ATTEST_JSON_ARRAY
      && node->type != ATTEST_JSON_NULL && !(node->type == ATTEST_JSON_STRING && node->str_len == 0))
    {
      g_string_append (out, "\"[redacted by Attest]\"");
      return TRUE;
    }
  if (node->type != ATTEST_JSON_OBJECT && node->type != ATTEST_JSON_ARRAY)
    {
      attest_json_node_write_compact (node, out);
      return FALSE;
    }
  for (c = node->first_child; c; c = c->next)
    g_ptr_array_add (members, c);
  if (sorted && node->type == ATTEST_JSON_OBJECT)
    g_ptr_array_sort (members, compare_member_keys);
  g_string_append_c (out, node->type == ATTEST_JSON_OBJECT ? '{' : '[');
  for (i = 0; i < members->len; i++)
    {
      c = g_ptr_array_index (members, i);
      if (i)
        g_string_append_c (out, ',');
      if (node->type == ATTEST_JSON_OBJECT)
        {
          AttestJsonNode k = { 0 };
          k.type = ATTEST_JSON_STRING;
          k.str = c->key;
          k.str_len = c->key_len;
          attest_json_node_write_compact (&k, out);
          g_string_append_c (out, ':');
        }
      redacted |= write_redacted (c, out, secret || (c->key && is_secret_key (c->key)), sorted);
    }
  g_string_append_c (out, node->type == ATTEST_JSON_OBJECT ? '}' : ']');
  return redacted;
}

gboolean
_attest_write_redacted (AttestJsonNode *node,
                        GString        *out,
                        gboolean        sorted)
{
  g_string_truncate (out, 0);
  return write_redacted (node, out, FALSE, sorted);
}

/* Appends @text for the full-text index.  A GUID becomes one token (its hex
 * digits, lower-case) instead of five: attest_fts_expression() searches a
 * typed GUID the same way (PERF.md 2.6: fewer tokens per row). */
void
_attest_search_add (GString    *search,
                    const char *text)
{
  gsize len;

  if (text == NULL || text[0] == '\0')
    return;
  if (search->len > 0)
    g_string_append_c (search, ' ');
  len = strlen (text);
  if (attest_text_is_guid (text, len))
    {
      gsize i;
      for (i = 0; i < len; i++)
        if (text[i] != '-')
          g_string_append_c (search, g_ascii_tolower (text[i]));
      return;
    }
  g_string_append_len (search, text, len);
}

/* The names in an ARM resource id, without the types around them:
 * "/subscriptions/S/resourceGroups/rg-edge/providers/Microsoft.Devices/
 * IotHubs/hub-1/devices/cam-7" -> "rg-edge hub-1 cam-7".  The provider and
 * type words are in every row (and in the operation): no use searching. */
void
_attest_search_add_resource (GString    *search,
                             const char *resource_id)
{
  const char *seg, *next;
  guint index = 0;
  int providers = -1;
  gboolean group_name = FALSE;

  if (resource_id == NULL || *resource_id == '\0')
    return;
  /* Walk the segments without copying the id: this runs for every event. */
  for (seg = resource_id; seg != NULL; seg = next ? next + 1 : NULL, index++)
    {
      gsize len;

      next = strchr (seg, '/');
      len = next ? (gsize) (next - seg) : strlen (seg);
      if (len == 0)
        continue;
      if (group_name)
        {
          g_autofree char *name = g_strndup (seg, len);
          _attest_search_add (search, name);
          group_name = FALSE;
        }
      else if (len == 14 && g_ascii_strncasecmp (seg, "resourceGroups", 14) == 0)
        group_name = TRUE;
      else if (len == 9 && g_ascii_strncasecmp (seg, "providers", 9) == 0)
        providers = index;  /* again for extension resources (…/providers/Microsoft.Authorization/…) */
      /* providers/<namespace>/<type>/<name>[/<type>/<name>…]: the names */
      else if (providers >= 0 && index >= (guint) providers + 3 && (index - providers - 3) % 2 == 0)
        {
          g_autofree char *name = g_strndup (seg, len);
          _attest_search_add (search, name);
        }
    }
}

/* Decoded scalar values of a (possibly nested) object, no keys: the lean
 * full-text form (PERF.md, 2.6).  Strings that hold JSON (an ARM request
 * body) contribute their values too. */
static void
search_add_values (GString        *search,
                   AttestJsonNode *node,
                   gboolean        json_strings,
                   guint           depth)
{
  AttestJsonNode *c;

  if (node == NULL || depth > 8)
    return;
  switch (node->type)
    {
    case ATTEST_JSON_STRING:
      if (json_strings && node->str_len > 1 && (node->str[0] == '{' || node->str[0] == '['))
        {
          g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
          AttestJsonNode *parsed = attest_json_doc_parse (doc, node->str, node->str_len, NULL);
          if (parsed != NULL)
            {
              search_add_values (search, parsed, FALSE, depth + 1);
              break;
            }
        }
      if (node->str_len == 0 || node->str_len >= 1024)
        break;
      if (node->str[0] == '/' && find_ci (node->str, "/subscriptions/") == node->str)
        _attest_search_add_resource (search, node->str);  /* an ARM id: its names */
      else
        {
          gint64 t;
          /* timestamps are in their own columns and the record */
          if (node->str_len < 20 || node->str_len > 40 || attest_time_parse (node->str, &t) == ATTEST_TIME_INVALID)
            _attest_search_add (search, node->str);
        }
      break;
    case ATTEST_JSON_NUMBER:
      break; /* status codes and counts: in the record, not worth a token */
    case ATTEST_JSON_OBJECT:
    case ATTEST_JSON_ARRAY:
      for (c = node->first_child; c; c = c->next)
        search_add_values (search, c, json_strings, depth + 1);
      break;
    default:
      break;
    }
}

void
_attest_search_add_values (GString        *search,
                           AttestJsonNode *node)
{
  search_add_values (search, node, TRUE, 0);
}

/* ---------------------------------------------------------------------- */
/* classification and dispatch */

static gboolean
has (AttestJsonNode *node,
     const char     *key)
{
  return attest_json_get (node, key) != NULL;
}

static char *
list_keys (AttestJsonNode *node)
{
  GString *s = g_string_new (NULL);
  AttestJsonNode *c;
  guint n = 0;

  for (c = node->first_child; c && n < 6; c = c->next, n++)
    {
      if (s->len)
        g_string_append (s, ", ");
      g_string_append (s, c->key);
    }
  if (c)
    g_string_append (s, ", …");
  return g_string_free (s, FALSE);
}

static gboolean dispatch_node (AttestImport   *imp,
                               AttestJsonNode *node,
                               const char     *raw,
                               gsize           raw_len,
                               GError        **error);

static gboolean
dispatch_children (AttestImport   *imp,
                   AttestJsonNode *array,
                   GError        **error)
{
  const char *data = attest_json_doc_data (imp->doc);
  AttestJsonNode *c;
  guint i = 0;

  for (c = array->first_child; c; c = c->next, i++)
    if (!dispatch_node (imp, c, data + c->start, c->end - c->start, error))
      {
        /* Remember where the item is, for the message. */
        if (imp->failed_item == 0)
          {
            guint64 rel;
            attest_json_offset_position (data, c->start, &rel, NULL);
            imp->failed_item = i + 1;
            imp->failed_item_line = rel;
          }
        return FALSE;
      }
  return TRUE;
}

static gboolean
dispatch_state_export (AttestImport   *imp,
                       AttestJsonNode *node,
                       GError        **error)
{
  const char *data = attest_json_doc_data (imp->doc);
  AttestJsonNode *arm, *configs, *devices, *group, *c;

  imp->last_was_envelope = TRUE;
  if ((arm = attest_json_get (node, "arm")) && arm->type == ATTEST_JSON_OBJECT)
    if (!_attest_parse_arm_template (imp, arm, error))
      return FALSE;
  if ((configs = attest_json_get (node, "configurations")) && configs->type == ATTEST_JSON_OBJECT)
    for (group = configs->first_child; group; group = group->next)
      for (c = group->type == ATTEST_JSON_OBJECT ? group->first_child : NULL; c; c = c->next)
        if (!_attest_parse_configuration (imp, c, data + c->start, c->end - c->start, error))
          {
            g_prefix_error (error, _("configuration “%s”: "), c->key);
            return FALSE;
          }
  devices = attest_json_get (node, "devices");
  for (c = devices->first_child; c; c = c->next)
    if (!_attest_parse_state_device (imp, c, c->key, error))
      {
        g_prefix_error (error, _("device “%s”: "), c->key);
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_aml_id (const char *id)
{
  return id != NULL && strstr (id, "/providers/") != NULL
         && (strstr (id, "MachineLearningServices") != NULL
             || strstr (id, "machinelearningservices") != NULL);
}

static gboolean
dispatch_node (AttestImport   *imp,
               AttestJsonNode *node,
               const char     *raw,
               gsize           raw_len,
               GError        **error)
{
  AttestJsonNode *n;
  const char *id;

  if (node->type != ATTEST_JSON_OBJECT)
    return _attest_import_fail (imp, error, _("expected a JSON object, found %s"),
                                attest_json_type_name (node->type));

  /* Envelopes: REST pages, diagnostic exports, JSON Lines of either. */
  if ((n = attest_json_get (node, "value")) && n->type == ATTEST_JSON_ARRAY)
    {
      imp->last_was_envelope = TRUE;
      return dispatch_children (imp, n, error);
    }
  if ((n = attest_json_get (node, "records")) && n->type == ATTEST_JSON_ARRAY)
    {
      imp->last_was_envelope = TRUE;
      return dispatch_children (imp, n, error);
    }
  /* x-ms-example wrapper: {"parameters": …, "responses": {"200": {"body": …}}} */
  if ((n = attest_json_path (node, "responses.200.body")) && n->type == ATTEST_JSON_OBJECT)
    {
      const char *data = attest_json_doc_data (imp->doc);
      return dispatch_node (imp, n, data + n->start, n->end - n->start, error);
    }
  /* az iot hub state export */
  if ((n = attest_json_get (node, "devices")) && n->type == ATTEST_JSON_OBJECT
      && (has (node, "arm") || has (node, "configurations")))
    return dispatch_state_export (imp, node, error);

  /* Activity log event (REST or az monitor activity-log list). */
  if (has (node, "eventDataId") || (has (node, "eventTimestamp") && has (node, "operationName")))
    return _attest_parse_activity_event (imp, node, raw, raw_len, error);

  /* Diagnostic-setting record: activity log export or IoT Hub resource log. */
  if (has (node, "time") && has (node, "operationName")
      && (has (node, "category") || has (node, "resourceId")))
    return _attest_parse_diagnostic_record (imp, node, raw, raw_len, error);

  /* Device or module twin (REST query page, az … twin show, az iot hub query). */
  if (has (node, "deviceId") && (has (node, "properties") || has (node, "version") || has (node, "etag"))
      && !has (node, "authentication"))
    return _attest_parse_twin (imp, node, NULL, NULL, raw, raw_len, error);

  /* Device or module identity (GET /devices/{id}, az iot hub device-identity show). */
  if (has (node, "deviceId") && has (node, "authentication"))
    return _attest_parse_identity (imp, node, NULL, NULL, NULL, error);

  /* IoT Hub configuration / edge deployment. */
  if ((n = attest_json_get (node, "content")) && n->type == ATTEST_JSON_OBJECT
      && (has (n, "modulesContent") || has (n, "deviceContent") || has (n, "moduleContent")))
    {
      if (!has (node, "id"))
        return _attest_import_fail (imp, error,
                                    _("a deployment manifest without an “id”: this is the content given to "
                                      "az iot edge deployment create, not an exported configuration; export it "
                                      "with az iot edge deployment show"));
      return _attest_parse_configuration (imp, node, raw, raw_len, error);
    }

  /* az ml … show/list (SDK v2, snake_case): checked first, because its
   * entities also carry "properties" and an ARM-style id ("azureml:/…"). */
  id = attest_json_get_string (node, "id");
  if (has (node, "creation_context") || has (node, "job_name") || has (node, "experiment_name")
      || (id && g_str_has_prefix (id, "azureml:") && is_aml_id (id)))
    return _attest_parse_aml_cli (imp, node, raw, raw_len, error);

  /* Azure ML over ARM (REST). */
  if (is_aml_id (id) && has (node, "properties"))
    return _attest_parse_aml_rest (imp, node, raw, raw_len, error);

  /* Things people export by mistake: say what they are. */
  if (has (node, "access_token") || (has (node, "token_type") && has (node, "expires_in")))
    return _attest_import_fail (imp, error,
                                _("this is an Azure AD token response, not an audit export "
                                  "(it may hold a live token: delete the file)"));
  if (has (node, "systemModules") || has (node, "lastDesiredVersion")
      || (has (node, "schemaVersion") && has (node, "runtime")))
    return _attest_import_fail (imp, error,
                                _("an $edgeAgent properties section without the device and module it "
                                  "belongs to; export the whole module twin with "
                                  "az iot hub module-twin show --device-id … --module-id '$edgeAgent'"));
  if ((n = attest_json_get (node, "properties")) && n->type == ATTEST_JSON_OBJECT && node->n_children == 1
      && (has (n, "desired") || has (n, "reported")))
    return _attest_import_fail (imp, error,
                                _("a twin's “properties” section without the device and module it belongs "
                                  "to; export the whole twin (az iot hub module-twin show)"));
  if ((n = attest_json_get (node, "configurations")) && n->type == ATTEST_JSON_OBJECT && node->n_children == 1)
    return _attest_import_fail (imp, error,
                                _("the “configurations” section of a twin without the device it belongs "
                                  "to; export the whole twin"));

  {
    g_autofree char *keys = list_keys (node);
    if (id != NULL)
      return _attest_import_fail (imp, error,
                                  _("not a record Attest recognises (its fields: %s; its id “%.80s” "
                                    "is not an Azure ML or IoT Hub resource)"), keys, id);
    return _attest_import_fail (imp, error,
                                _("not a record Attest recognises (its fields: %s)"), keys);
  }
}

static gboolean
dispatch_bytes (AttestImport  *imp,
                AttestContext  context,
                const char    *key,
                const char    *data,
                gsize          len,
                guint64        line,
                GError       **error)
{
  AttestJsonNode *node;
  GError *local = NULL;
  gboolean ok;

  imp->elements++;
  imp->last_was_envelope = FALSE;
  imp->failed_item = 0;
  node = attest_json_doc_parse (imp->doc, data, len, &local);
  if (node == NULL)
    {
      /* The parser's line is relative to the element. */
      guint64 rel_line = 1;
      const char *msg = local->message;
      if (g_str_has_prefix (msg, "line "))
        {
          rel_line = g_ascii_strtoull (msg + 5, NULL, 10);
          msg = strchr (msg, ':') ? strchr (msg, ':') + 2 : msg;
          if (strchr (local->message, ',') && strstr (local->message, ", in field"))
            msg = strstr (local->message, ", in field") + 2;
          else if (strstr (local->message, ", column"))
            msg = strchr (strstr (local->message, ", column") + 2, ':') + 2;
        }
      g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                   _("line %" G_GUINT64_FORMAT " (record %" G_GINT64_FORMAT "): %s"),
                   line + rel_line - 1, imp->elements, msg);
      g_error_free (local);
      return FALSE;
    }

  switch (context)
    {
    case ATTEST_CONTEXT_STATE_DEVICE:
      ok = _attest_parse_state_device (imp, node, key, &local);
      break;
    case ATTEST_CONTEXT_STATE_CONFIG:
      ok = _attest_parse_configuration (imp, node, data, len, &local);
      break;
    case ATTEST_CONTEXT_ANY:
    case ATTEST_CONTEXT_CSV:
    default:
      ok = dispatch_node (imp, node, data, len, &local);
      break;
    }
  if (!ok)
    {
      if (imp->failed_item > 0)
        g_set_error (error, local->domain, local->code,
                     _("line %" G_GUINT64_FORMAT " (record %" G_GINT64_FORMAT ", item %u): %s"),
                     line + imp->failed_item_line - 1, imp->elements, imp->failed_item, local->message);
      else if (key)
        g_set_error (error, local->domain, local->code,
                     _("line %" G_GUINT64_FORMAT " (record %" G_GINT64_FORMAT ", “%s”): %s"),
                     line, imp->elements, key, local->message);
      else
        g_set_error (error, local->domain, local->code,
                     _("line %" G_GUINT64_FORMAT " (record %" G_GINT64_FORMAT "): %s"),
                     line, imp->elements, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the streaming walk */

#define WHOLE_OBJECT_LIMIT (8 * 1024 * 1024)

typedef struct
{
  AttestImport             *imp;
  AttestJsonStream         *stream;
  AttestDigestStream       *digest;
  GCancellable             *cancellable;
  AttestImportProgressFunc  progress;
  gpointer                  progress_data;
  guint64                   total;
  GString                  *key;
} Walk;

static gboolean
tick (Walk    *walk,
      GError **error)
{
  if ((walk->imp->elements & 0x3ff) == 0)
    {
      if (g_cancellable_set_error_if_cancelled (walk->cancellable, error))
        return FALSE;
      if (walk->progress)
        walk->progress (attest_digest_stream_get_bytes (walk->digest), walk->total,
                        walk->imp->records, walk->progress_data);
    }
  return TRUE;
}

static gboolean
capture_and_dispatch (Walk          *walk,
                      AttestContext  context,
                      const char    *key,
                      GError       **error)
{
  const char *data;
  gsize len;
  guint64 line;

  if (!tick (walk, error))
    return FALSE;
  line = attest_json_stream_line (walk->stream);
  {
    char c;
    if (!attest_json_stream_peek (walk->stream, &c, error))
      return FALSE;
    line = attest_json_stream_line (walk->stream);
  }
  if (!attest_json_stream_capture (walk->stream, &data, &len, error))
    return FALSE;
  return dispatch_bytes (walk->imp, context, key, data, len, line, error);
}

/* Reads ",…" or the closing bracket; returns TRUE in *more when a comma. */
static gboolean
next_or_close (Walk     *walk,
               char      close,
               gboolean *more,
               GError  **error)
{
  char c;

  if (!attest_json_stream_peek (walk->stream, &c, error))
    return FALSE;
  if (c == ',')
    {
      *more = TRUE;
      return attest_json_stream_expect (walk->stream, ',', error);
    }
  *more = FALSE;
  if (c == close)
    return attest_json_stream_expect (walk->stream, close, error);
  {
    char what[16];
    g_snprintf (what, sizeof what, "“,” or “%c”", close);
    g_set_error (error, ATTEST_JSON_ERROR, c ? ATTEST_JSON_ERROR_SYNTAX : ATTEST_JSON_ERROR_TRUNCATED,
                 _("line %" G_GUINT64_FORMAT ": %s, expected %s"),
                 attest_json_stream_line (walk->stream),
                 c ? _("unexpected character") : _("unexpected end of file"), what);
    return FALSE;
  }
}

/* Reads the opening bracket; *empty when the container closes at once
 * (the closing bracket is then consumed too). */
static gboolean
open_container (Walk     *walk,
                char      open,
                char      close,
                gboolean *empty,
                GError  **error)
{
  char c;

  if (!attest_json_stream_expect (walk->stream, open, error)
      || !attest_json_stream_peek (walk->stream, &c, error))
    return FALSE;
  *empty = c == close;
  return !*empty || attest_json_stream_expect (walk->stream, close, error);
}

static gboolean
walk_array (Walk          *walk,
            AttestContext  context,
            GError       **error)
{
  gboolean more = TRUE;
  gboolean empty;

  if (!open_container (walk, '[', ']', &empty, error))
    return FALSE;
  if (empty)
    return TRUE;
  while (more)
    {
      if (!capture_and_dispatch (walk, context, NULL, error))
        return FALSE;
      if (!next_or_close (walk, ']', &more, error))
        return FALSE;
    }
  return TRUE;
}

/* An object whose members are records keyed by name (state export maps). */
static gboolean
walk_map (Walk          *walk,
          AttestContext  context,
          GError       **error)
{
  gboolean more = TRUE;
  gboolean empty;

  if (!open_container (walk, '{', '}', &empty, error))
    return FALSE;
  if (empty)
    return TRUE;
  while (more)
    {
      g_autofree char *key = NULL;

      if (!attest_json_stream_read_key (walk->stream, walk->key, error))
        return FALSE;
      key = g_strdup (walk->key->str);
      if (!capture_and_dispatch (walk, context, key, error))
        return FALSE;
      if (!next_or_close (walk, '}', &more, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean walk_object (Walk *walk, gboolean *was_envelope, GError **error);

/* Captures a member value and parses it into the import's document. */
static AttestJsonNode *
capture_member (Walk        *walk,
                const char **data,
                gsize       *len,
                GError     **error)
{
  if (!attest_json_stream_capture (walk->stream, data, len, error))
    return NULL;
  return attest_json_doc_parse (walk->imp->doc, *data, *len, error);
}

static gboolean
walk_state_configurations (Walk    *walk,
                           GError **error)
{
  gboolean more = TRUE;
  char c;

  /* {"admConfigurations": {id: config…}, "edgeDeployments": {id: config…}} */
  if (!attest_json_stream_expect (walk->stream, '{', error))
    return FALSE;
  if (!attest_json_stream_peek (walk->stream, &c, error))
    return FALSE;
  if (c == '}')
    return attest_json_stream_expect (walk->stream, '}', error);
  while (more)
    {
      if (!attest_json_stream_read_key (walk->stream, walk->key, error))
        return FALSE;
      if (!attest_json_stream_peek (walk->stream, &c, error))
        return FALSE;
      if (c == '{')
        {
          if (!walk_map (walk, ATTEST_CONTEXT_STATE_CONFIG, error))
            return FALSE;
        }
      else
        {
          const char *d;
          gsize l;
          if (!attest_json_stream_capture (walk->stream, &d, &l, error))
            return FALSE;
        }
      if (!next_or_close (walk, '}', &more, error))
        return FALSE;
    }
  return TRUE;
}

/* A root-level object: an envelope around records, or one record.  While
 * that is undecided the stream retains the object's bytes (bounded by the
 * single-record limit); recognising an envelope releases them. */
static gboolean
walk_object (Walk     *walk,
             gboolean *was_envelope,
             GError  **error)
{
  AttestImport *imp = walk->imp;
  gboolean nested_retain = attest_json_stream_is_retaining (walk->stream);
  gsize mark = 0;
  guint64 line;
  gboolean envelope = FALSE;
  gboolean more = TRUE;
  char c;

  line = attest_json_stream_line (walk->stream);
  if (!nested_retain)
    mark = attest_json_stream_retain (walk->stream);
  if (!attest_json_stream_expect (walk->stream, '{', error))
    return FALSE;
  if (!attest_json_stream_peek (walk->stream, &c, error))
    return FALSE;
  if (c == '}')
    more = attest_json_stream_expect (walk->stream, '}', error) && FALSE;

  while (more)
    {
      g_autofree char *key = NULL;

      if (!attest_json_stream_read_key (walk->stream, walk->key, error))
        return FALSE;
      key = g_strdup (walk->key->str);
      if (!attest_json_stream_peek (walk->stream, &c, error))
        return FALSE;

      if (c == '[' && (g_ascii_strcasecmp (key, "value") == 0 || g_ascii_strcasecmp (key, "records") == 0))
        {
          envelope = TRUE;
          attest_json_stream_release (walk->stream);
          if (!walk_array (walk, ATTEST_CONTEXT_ANY, error))
            return FALSE;
        }
      else if (c == '{' && g_ascii_strcasecmp (key, "devices") == 0)
        {
          /* az iot hub state export */
          envelope = TRUE;
          attest_json_stream_release (walk->stream);
          if (!walk_map (walk, ATTEST_CONTEXT_STATE_DEVICE, error))
            return FALSE;
        }
      else if (c == '{' && g_ascii_strcasecmp (key, "configurations") == 0 && envelope)
        {
          if (!walk_state_configurations (walk, error))
            return FALSE;
        }
      else if (c == '{' && g_ascii_strcasecmp (key, "configurations") == 0)
        {
          /* Either the state export's configurations or a twin's own
           * "configurations" member: look inside. */
          const char *d;
          gsize l;
          AttestJsonNode *node = capture_member (walk, &d, &l, error);
          if (node == NULL)
            return FALSE;
          if (has (node, "admConfigurations") || has (node, "edgeDeployments"))
            {
              AttestJsonNode *group, *cfg;

              envelope = TRUE;
              /* Already parsed: dispatch from the document. */
              for (group = node->first_child; group; group = group->next)
                for (cfg = group->type == ATTEST_JSON_OBJECT ? group->first_child : NULL; cfg; cfg = cfg->next)
                  {
                    GError *local = NULL;
                    imp->elements++;
                    if (!_attest_parse_configuration (imp, cfg, d + cfg->start, cfg->end - cfg->start, &local))
                      {
                        g_set_error (error, local->domain, local->code,
                                     _("configuration “%s”: %s"), cfg->key, local->message);
                        g_error_free (local);
                        return FALSE;
                      }
                  }
              attest_json_stream_release (walk->stream);
            }
        }
      else if (c == '{' && g_ascii_strcasecmp (key, "arm") == 0)
        {
          const char *d;
          gsize l;
          AttestJsonNode *node = capture_member (walk, &d, &l, error);
          if (node == NULL || !_attest_parse_arm_template (imp, node, error))
            return FALSE;
          envelope = TRUE;
        }
      else if (c == '{' && (g_ascii_strcasecmp (key, "responses") == 0
                            || g_ascii_strcasecmp (key, "200") == 0
                            || g_ascii_strcasecmp (key, "body") == 0))
        {
          /* x-ms-example wrapper: parameters + responses.200.body */
          gboolean inner_envelope = FALSE;
          if (!walk_object (walk, &inner_envelope, error))
            return FALSE;
          envelope = TRUE;
          attest_json_stream_release (walk->stream);
        }
      else
        {
          const char *d;
          gsize l;
          if (!attest_json_stream_capture (walk->stream, &d, &l, error))
            return FALSE;
        }

      if (!next_or_close (walk, '}', &more, error))
        return FALSE;
    }

  *was_envelope = envelope;
  if (!envelope && !nested_retain)
    {
      gsize len;
      const char *data = attest_json_stream_slice (walk->stream, mark, &len);
      g_autofree char *copy = g_strndup (data, len);

      attest_json_stream_release (walk->stream);
      if (!tick (walk, error))
        return FALSE;
      return dispatch_bytes (imp, ATTEST_CONTEXT_ANY, NULL, copy, len, line, error);
    }
  if (!envelope && nested_retain)
    {
      /* A single record nested in an example wrapper ("body": {record}). */
      g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_FORMAT,
                   _("line %" G_GUINT64_FORMAT ": an example wrapper around a single record is not supported; "
                     "import the record itself"), line);
      return FALSE;
    }
  attest_json_stream_release (walk->stream);
  return TRUE;
}

static gboolean
walk_json (Walk        *walk,
           const char **format,
           GError     **error)
{
  gint64 values = 0;
  gboolean any_envelope = FALSE;
  char c;

  for (;;)
    {
      gboolean env = FALSE;

      if (!attest_json_stream_peek (walk->stream, &c, error))
        return FALSE;
      if (c == '\0')
        break;
      if (c == '[')
        {
          if (!walk_array (walk, ATTEST_CONTEXT_ANY, error))
            return FALSE;
        }
      else if (c == '{')
        {
          const char *data;
          gsize len;
          guint64 line = attest_json_stream_line (walk->stream);

          /* Small objects (a JSON Lines record, a REST page) are read whole;
           * only a huge envelope is walked member by member. */
          if (!attest_json_stream_capture_bounded (walk->stream, WHOLE_OBJECT_LIMIT, &data, &len, error))
            return FALSE;
          if (data != NULL)
            {
              if (!tick (walk, error))
                return FALSE;
              if (!dispatch_bytes (walk->imp, ATTEST_CONTEXT_ANY, NULL, data, len, line, error))
                return FALSE;
              env = walk->imp->last_was_envelope;
            }
          else if (!walk_object (walk, &env, error))
            return FALSE;
          any_envelope |= env;
        }
      else
        {
          g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_SYNTAX,
                       _("line %" G_GUINT64_FORMAT ": unexpected “%c” where a JSON value should start"),
                       attest_json_stream_line (walk->stream), g_ascii_isprint (c) ? c : '?');
          return FALSE;
        }
      values++;
    }

  if (values > 1)
    *format = "json-lines";
  else if (any_envelope)
    *format = "json-envelope";
  else
    *format = "json";
  return TRUE;
}

/* ---------------------------------------------------------------------- */

/* A header line of at least two non-empty, comma-separated names. */
static gboolean
looks_like_csv (const char *head,
                gsize       len)
{
  const char *nl = memchr (head, '\n', len);
  gsize line_len = nl ? (gsize) (nl - head) : len;
  g_autofree char *line = g_strndup (head, line_len);
  g_auto(GStrv) fields = NULL;
  guint i;

  if (line_len == 0 || head[0] == '{' || head[0] == '[')
    return FALSE;
  g_strchomp (line);
  fields = g_strsplit (line, ",", -1);
  if (g_strv_length (fields) < 2)
    return FALSE;
  for (i = 0; fields[i]; i++)
    if (g_strstrip (fields[i])[0] == '\0')
      return FALSE;
  return TRUE;
}

gboolean
attest_import_file (AttestStore                *store,
                    GFile                      *file,
                    const AttestImportOptions  *options,
                    AttestImportProgressFunc    progress,
                    gpointer                    progress_data,
                    GCancellable               *cancellable,
                    AttestImportResult         *result,
                    GError                    **error)
{
  static const AttestImportOptions no_options = { 0 };
  g_autoptr(GFileInputStream) fin = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GInputStream) digest = NULL;
  g_autoptr(GBufferedInputStream) buffered = NULL;
  g_autoptr(AttestStoreWriter) writer = NULL;
  g_autoptr(AttestJsonStream) stream = NULL;
  g_autofree char *display = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) name_paths_v = NULL;
  g_auto(GStrv) version_paths_v = NULL;
  AttestImport imp = { 0 };
  const char *format = NULL;
  const char *head;
  gsize head_len;
  guint64 total = 0;
  GError *local = NULL;
  gboolean ok = FALSE;
  gint64 t_start = g_get_monotonic_time ();

  memset (result, 0, sizeof *result);
  if (options == NULL)
    options = &no_options;

  display = g_file_get_basename (file);
  path = g_file_get_path (file);

  fin = g_file_read (file, cancellable, &local);
  if (fin == NULL)
    goto fail;
  info = g_file_input_stream_query_info (fin, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info)
    total = g_file_info_get_size (info);

  digest = attest_digest_stream_new (G_INPUT_STREAM (fin));
  buffered = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (digest, 256 * 1024));
  if (g_buffered_input_stream_fill (buffered, 4096, cancellable, &local) < 0)
    goto fail;
  head = g_buffered_input_stream_peek_buffer (buffered, &head_len);
  if (head_len >= 3 && memcmp (head, "\xEF\xBB\xBF", 3) == 0)
    {
      head += 3;
      head_len -= 3;
    }
  while (head_len > 0 && g_ascii_isspace (*head))
    {
      head++;
      head_len--;
    }
  if (head_len == 0)
    {
      g_set_error (&local, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_FORMAT,
                   _("the file is empty"));
      goto fail;
    }

  writer = attest_store_writer_begin (store, "file", display, path, &local);
  if (writer == NULL)
    goto fail;

  imp.writer = writer;
  imp.options = options;
  /* JSON paths for the model a module reports: the caller's, else the
   * workspace's settings, else the defaults. */
  if (options->model_name_paths == NULL)
    {
      g_autofree char *v = attest_store_get_setting (store, "model-name-paths");
      if (v)
        name_paths_v = g_strsplit (v, ",", -1);
    }
  if (options->model_version_paths == NULL)
    {
      g_autofree char *v = attest_store_get_setting (store, "model-version-paths");
      if (v)
        version_paths_v = g_strsplit (v, ",", -1);
    }
  imp.name_paths = options->model_name_paths ? options->model_name_paths
                   : name_paths_v ? (const char *const *) name_paths_v : default_name_paths;
  imp.version_paths = options->model_version_paths ? options->model_version_paths
                      : version_paths_v ? (const char *const *) version_paths_v : default_version_paths;
  imp.file_name = display;
  imp.hub = g_strdup (options->hub);
  imp.doc = attest_json_doc_new ();
  imp.inner = attest_json_doc_new ();
  imp.scratch = g_string_new (NULL);
  imp.search = g_string_new (NULL);

  if (head[0] == '{' || head[0] == '[')
    {
      Walk walk = { 0 };

      stream = attest_json_stream_new (G_INPUT_STREAM (buffered));
      attest_json_stream_set_cancellable (stream, cancellable);
      walk.imp = &imp;
      walk.stream = stream;
      walk.digest = ATTEST_DIGEST_STREAM (digest);
      walk.cancellable = cancellable;
      walk.progress = progress;
      walk.progress_data = progress_data;
      walk.total = total;
      walk.key = g_string_new (NULL);
      ok = walk_json (&walk, &format, &local);
      g_string_free (walk.key, TRUE);
    }
  else if (looks_like_csv (head, head_len))
    {
      format = "csv";
      ok = _attest_parse_csv_file (&imp, G_INPUT_STREAM (buffered), cancellable,
                                   progress, progress_data, total, &local);
    }
  else
    {
      const char *nl = memchr (head, '\n', head_len);
      g_autofree char *first = g_strndup (head, MIN (nl ? (gsize) (nl - head) : head_len, 24));
      g_autofree char *escaped = g_utf8_make_valid (first, -1);
      char *p;

      for (p = escaped; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          *p = '?';

      g_set_error (&local, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_FORMAT,
                   _("not JSON, JSON Lines or CSV: the file starts with “%s”"), escaped);
      ok = FALSE;
    }

  if (ok && imp.elements == 0 && imp.records == 0)
    {
      g_set_error (&local, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_FORMAT,
                   _("the file holds no records"));
      ok = FALSE;
    }

  if (ok)
    {
      /* Read to the end so the hash covers the whole file. */
      char sink[8192];
      gssize n;
      while ((n = g_input_stream_read (G_INPUT_STREAM (buffered), sink, sizeof sink, cancellable, &local)) > 0)
        ;
      if (n < 0)
        ok = FALSE;
    }

  if (ok)
    {
      result->sha256 = attest_digest_stream_get_sha256 (ATTEST_DIGEST_STREAM (digest));
      result->bytes = attest_digest_stream_get_bytes (ATTEST_DIGEST_STREAM (digest));
      result->format = g_strdup (format);
      result->elements = imp.elements;
      result->counts = *attest_store_writer_get_counts (writer);
      ok = attest_store_writer_commit (writer, result->sha256, format, &local);
    }

  if (ok)
    {
      gint64 t_rows = g_get_monotonic_time ();

      /* Rows are browsable now; the search index follows. */
      g_debug ("%s: %" G_GINT64_FORMAT " records committed after %.3f s",
               display, result->counts.new_records, (t_rows - t_start) / 1e6);
      ok = attest_store_index_pending (store, cancellable, &local);
      g_debug ("%s: search index updated in %.3f s", display, (g_get_monotonic_time () - t_rows) / 1e6);
    }

  g_clear_pointer (&imp.doc, attest_json_doc_free);
  g_clear_pointer (&imp.inner, attest_json_doc_free);
  g_string_free (imp.scratch, TRUE);
  g_string_free (imp.search, TRUE);
  g_free (imp.hub);

  if (ok)
    return TRUE;

fail:
  if (local && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local);
      attest_import_result_clear (result);
      return FALSE;
    }
  g_set_error (error, local ? local->domain : ATTEST_IMPORT_ERROR,
               local ? local->code : ATTEST_IMPORT_ERROR_INVALID,
               "%s: %s", path ? path : display, local ? local->message : _("import failed"));
  g_clear_error (&local);
  attest_import_result_clear (result);
  return FALSE;
}
