/* attest-parse-csv.c: Log Analytics CSV exports (AzureActivity and friends)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 4180 (quoted fields, doubled quotes, newlines inside quotes), columns
 * mapped by header name because the set and order follow the query's
 * `project`.  Each row is stored as a JSON object of its cells — the CSV
 * row is the original record, and JSON keeps it self-describing.
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-import-private.h"

#define MAX_FIELD   (4 * 1024 * 1024)
#define MAX_FIELDS  512

typedef struct
{
  GDataInputStream *in;
  GCancellable     *cancellable;
  guint64           line;       /* line the current record started on */
  guint64           next_line;
} CsvReader;

/* Reads one record into @fields; FALSE with no error at end of input. */
static gboolean
csv_read_record (CsvReader  *r,
                 GPtrArray  *fields,
                 GError    **error)
{
  GString *field = g_string_new (NULL);
  gboolean in_quotes = FALSE;
  gboolean any = FALSE;
  gboolean was_quoted = FALSE;

  g_ptr_array_set_size (fields, 0);
  r->line = r->next_line;

  for (;;)
    {
      gsize len;
      g_autofree char *line = g_data_input_stream_read_line (r->in, &len, r->cancellable, error);
      const char *p;

      if (line == NULL)
        {
          g_string_free (field, TRUE);
          if (error && *error)
            return FALSE;
          if (in_quotes)
            {
              g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                           _("line %" G_GUINT64_FORMAT ": a quoted field is never closed"), r->line);
              return FALSE;
            }
          if (any)
            break;
          return FALSE;
        }
      r->next_line++;
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (!in_quotes && len == 0 && !any)
        {
          r->line = r->next_line;
          continue; /* blank line between records */
        }
      if (memchr (line, '\0', len) != NULL)
        {
          g_string_free (field, TRUE);
          g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                       _("line %" G_GUINT64_FORMAT ": a NUL byte in a CSV file"), r->next_line - 1);
          return FALSE;
        }
      any = TRUE;

      for (p = line; p < line + len; p++)
        {
          char c = *p;

          if (in_quotes)
            {
              if (c == '"')
                {
                  if (p + 1 < line + len && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p++;
                    }
                  else
                    in_quotes = FALSE;
                }
              else
                g_string_append_c (field, c);
            }
          else if (c == '"' && field->len == 0 && !was_quoted)
            {
              in_quotes = TRUE;
              was_quoted = TRUE;
            }
          else if (c == ',')
            {
              g_ptr_array_add (fields, g_strndup (field->str, field->len));
              g_string_truncate (field, 0);
              was_quoted = FALSE;
            }
          else
            g_string_append_c (field, c);

          if (field->len > MAX_FIELD || fields->len > MAX_FIELDS)
            {
              g_string_free (field, TRUE);
              g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                           _("line %" G_GUINT64_FORMAT ": a field or row beyond the CSV limits"), r->line);
              return FALSE;
            }
        }
      if (in_quotes)
        {
          g_string_append_c (field, '\n');
          continue;
        }
      break;
    }

  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return TRUE;
}

static int
column (GPtrArray  *header,
        const char *const *names)
{
  guint i, j;

  for (j = 0; names[j]; j++)
    for (i = 0; i < header->len; i++)
      {
        const char *h = g_ptr_array_index (header, i);
        gsize n = strlen (names[j]);
        /* "TimeGenerated [UTC]" matches "TimeGenerated" */
        if (g_ascii_strncasecmp (h, names[j], n) == 0 && (h[n] == '\0' || h[n] == ' '))
          return i;
      }
  return -1;
}

static const char *
cell (GPtrArray *row,
      int        col)
{
  const char *v;

  if (col < 0 || (guint) col >= row->len)
    return NULL;
  v = g_ptr_array_index (row, col);
  return v[0] ? v : NULL;
}

static void
json_escape (GString    *out,
             const char *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      guchar c = *s;
      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

gboolean
_attest_parse_csv_file (AttestImport             *imp,
                        GInputStream             *input,
                        GCancellable             *cancellable,
                        AttestImportProgressFunc  progress,
                        gpointer                  progress_data,
                        guint64                   total,
                        GError                  **error)
{
  static const char *const time_cols[] = { "TimeGenerated", "EventTimestamp", "eventTimestamp", "time", NULL };
  static const char *const op_cols[] = { "OperationNameValue", "OperationName", "operationName", NULL };
  static const char *const id_cols[] = { "EventDataId", "eventDataId", NULL };
  static const char *const caller_cols[] = { "Caller", "caller", NULL };
  static const char *const status_cols[] = { "ActivityStatusValue", "ActivityStatus", "ResultType", "status", NULL };
  static const char *const level_cols[] = { "Level", "level", NULL };
  static const char *const category_cols[] = { "CategoryValue", "Category", "category", NULL };
  static const char *const resource_cols[] = { "ResourceId", "_ResourceId", "resourceId", NULL };
  static const char *const corr_cols[] = { "CorrelationId", "correlationId", NULL };
  static const char *const props_cols[] = { "Properties_d", "Properties", "properties", NULL };
  static const char *const substatus_cols[] = { "ActivitySubstatusValue", NULL };
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (input);
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  CsvReader r = { data, cancellable, 1, 1 };
  int c_time, c_op, c_id, c_caller, c_status, c_level, c_cat, c_res, c_corr, c_props, c_sub;
  GString *raw = g_string_new (NULL);
  gboolean ok = FALSE;
  guint i;

  /* The importer reads on after us to finish the file's hash. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_LF);

  if (!csv_read_record (&r, header, error))
    {
      if (error && *error == NULL)
        g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_FORMAT, _("the file is empty"));
      goto out;
    }
  /* Excel-style exports start with a byte-order mark. */
  if (header->len > 0 && g_str_has_prefix (g_ptr_array_index (header, 0), "\xEF\xBB\xBF"))
    {
      char *first = g_ptr_array_index (header, 0);
      memmove (first, first + 3, strlen (first + 3) + 1);
      if (first[0] == '"' && first[1] != '\0' && first[strlen (first) - 1] == '"')
        {
          /* the mark hid the opening quote from the CSV reader */
          memmove (first, first + 1, strlen (first));
          first[strlen (first) - 1] = '\0';
        }
    }
  for (i = 0; i < header->len; i++)
    if (!g_utf8_validate (g_ptr_array_index (header, i), -1, NULL))
      {
        g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                     _("line 1: the header is not valid UTF-8"));
        goto out;
      }

  c_time = column (header, time_cols);
  c_op = column (header, op_cols);
  c_id = column (header, id_cols);
  c_caller = column (header, caller_cols);
  c_status = column (header, status_cols);
  c_level = column (header, level_cols);
  c_cat = column (header, category_cols);
  c_res = column (header, resource_cols);
  c_corr = column (header, corr_cols);
  c_props = column (header, props_cols);
  c_sub = column (header, substatus_cols);

  if (c_time < 0)
    {
      g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                   _("line 1: the CSV header has no time column (expected “TimeGenerated [UTC]”)"));
      goto out;
    }
  if (c_op < 0)
    {
      g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                   _("line 1: the CSV header has no operation column (expected “OperationNameValue”)"));
      goto out;
    }

  for (;;)
    {
      AttestEventRecord rec = { 0 };
      g_autofree char *hub = NULL;
      const char *t;
      gboolean added;
      AttestJsonNode *props = NULL;

      if (!csv_read_record (&r, row, error))
        {
          ok = error == NULL || *error == NULL;
          break;
        }
      imp->elements++;
      if ((imp->elements & 0x3ff) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            break;
          if (progress)
            progress (0, total, imp->records, progress_data);
        }

      if (row->len != header->len)
        {
          g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                       _("line %" G_GUINT64_FORMAT ": %u fields where the header has %u"),
                       r.line, row->len, header->len);
          break;
        }
      for (i = 0; i < row->len; i++)
        if (!g_utf8_validate (g_ptr_array_index (row, i), -1, NULL))
          {
            g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                         _("line %" G_GUINT64_FORMAT ", column “%s”: invalid UTF-8"),
                         r.line, (char *) g_ptr_array_index (header, i));
            goto out;
          }

      t = cell (row, c_time);
      if (t == NULL || attest_time_parse (t, &rec.time) != ATTEST_TIME_OK)
        {
          g_set_error (error, ATTEST_IMPORT_ERROR, ATTEST_IMPORT_ERROR_INVALID,
                       _("line %" G_GUINT64_FORMAT ", column “%s”: “%s” is not a time"),
                       r.line, (char *) g_ptr_array_index (header, c_time), t ? t : "");
          break;
        }

      /* The row as a JSON object of its cells. */
      g_string_truncate (raw, 0);
      g_string_append_c (raw, '{');
      for (i = 0; i < header->len; i++)
        {
          if (i)
            g_string_append_c (raw, ',');
          json_escape (raw, g_ptr_array_index (header, i));
          g_string_append_c (raw, ':');
          json_escape (raw, g_ptr_array_index (row, i));
        }
      g_string_append_c (raw, '}');

      rec.kind = "activity";
      rec.event_id = cell (row, c_id);
      rec.operation = cell (row, c_op);
      rec.caller = cell (row, c_caller);
      rec.status = cell (row, c_status);
      rec.level = cell (row, c_level);
      rec.category = cell (row, c_cat);
      /* The portal upper-cases resource ids; ARM ids are case-insensitive. */
      rec.resource_id = cell (row, c_res);
      rec.correlation_id = cell (row, c_corr);
      hub = _attest_hub_from_resource (rec.resource_id);
      rec.hub = hub;
      if (hub && _attest_is_iothub_log_category (rec.category))
        rec.kind = "resource-log";

      g_string_truncate (imp->search, 0);
      _attest_search_add_resource (imp->search, rec.resource_id);
      _attest_search_add (imp->search, rec.status);
      _attest_search_add (imp->search, cell (row, c_sub));
      if (cell (row, c_props))
        {
          props = attest_json_doc_parse (imp->inner, cell (row, c_props), strlen (cell (row, c_props)), NULL);
          if (props)
            _attest_search_add_values (imp->search, props);
          else
            _attest_search_add (imp->search, cell (row, c_props));
        }
      rec.search = imp->search->str;
      rec.raw = raw->str;
      rec.raw_len = raw->len;

      if (rec.event_id == NULL)
        {
          g_autofree char *sha = _attest_sha256_hex (raw->str, raw->len);
          g_autofree char *id = g_strconcat ("sha256:", sha, NULL);
          rec.event_id = id;
          if (!attest_store_writer_add_event (imp->writer, &rec, &added, error))
            {
              g_prefix_error (error, _("line %" G_GUINT64_FORMAT ": "), r.line);
              break;
            }
        }
      else if (!attest_store_writer_add_event (imp->writer, &rec, &added, error))
        {
          g_prefix_error (error, _("line %" G_GUINT64_FORMAT ": "), r.line);
          break;
        }
      imp->records++;
    }

out:
  g_string_free (raw, TRUE);
  return ok;
}
