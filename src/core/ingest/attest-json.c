/* attest-json.c: strict arena JSON parser and bounded-memory stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "attest-json.h"

G_DEFINE_QUARK (attest-json-error-quark, attest_json_error)

/* ---------------------------------------------------------------------- */
/* Arena */

#define ARENA_BLOCK (64 * 1024)

typedef struct
{
  char  *data;
  gsize  used;
  gsize  size;
} ArenaBlock;

struct _AttestJsonDoc
{
  GArray     *blocks;     /* ArenaBlock */
  guint       current;
  const char *data;       /* element being parsed */
  gsize       len;
  gsize       pos;
  guint       depth;
  GPtrArray  *path;       /* keys of the open members, for error messages */
};

static gpointer
arena_alloc (AttestJsonDoc *doc,
             gsize          size)
{
  ArenaBlock *block;

  size = (size + 7) & ~(gsize) 7;
  while (doc->current < doc->blocks->len)
    {
      block = &g_array_index (doc->blocks, ArenaBlock, doc->current);
      if (block->size - block->used >= size)
        {
          gpointer p = block->data + block->used;
          block->used += size;
          return p;
        }
      doc->current++;
    }

  {
    ArenaBlock nb;

    nb.size = MAX (ARENA_BLOCK, size);
    nb.data = g_malloc (nb.size);
    nb.used = size;
    g_array_append_val (doc->blocks, nb);
    doc->current = doc->blocks->len - 1;
    return nb.data;
  }
}

static void
arena_reset (AttestJsonDoc *doc)
{
  guint i;

  /* Keep memory bounded: drop blocks grown for an unusually large element. */
  for (i = doc->blocks->len; i > 0; i--)
    {
      ArenaBlock *block = &g_array_index (doc->blocks, ArenaBlock, i - 1);

      if (i > 16 || block->size > ARENA_BLOCK)
        {
          g_free (block->data);
          g_array_remove_index (doc->blocks, i - 1);
        }
      else
        block->used = 0;
    }
  doc->current = 0;
}

AttestJsonDoc *
attest_json_doc_new (void)
{
  AttestJsonDoc *doc = g_new0 (AttestJsonDoc, 1);

  doc->blocks = g_array_new (FALSE, FALSE, sizeof (ArenaBlock));
  doc->path = g_ptr_array_new ();
  return doc;
}

void
attest_json_doc_free (AttestJsonDoc *doc)
{
  guint i;

  if (doc == NULL)
    return;
  for (i = 0; i < doc->blocks->len; i++)
    g_free (g_array_index (doc->blocks, ArenaBlock, i).data);
  g_array_unref (doc->blocks);
  g_ptr_array_unref (doc->path);
  g_free (doc);
}

const char *
attest_json_doc_data (AttestJsonDoc *doc)
{
  return doc->data;
}

/* ---------------------------------------------------------------------- */
/* Parser */

void
attest_json_offset_position (const char *data,
                             gsize       offset,
                             guint64    *line,
                             guint64    *column)
{
  const char *p = data;
  const char *end = data + offset;
  const char *line_start = data;
  guint64 l = 1;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      if (nl == NULL)
        break;
      l++;
      p = nl + 1;
      line_start = p;
    }
  if (line)
    *line = l;
  if (column)
    *column = g_utf8_strlen (line_start, end - line_start) + 1;
}

static char *
describe_path (AttestJsonDoc *doc)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < doc->path->len; i++)
    {
      const char *k = g_ptr_array_index (doc->path, i);
      if (k == NULL)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '.');
      g_string_append (s, k);
    }
  return g_string_free (s, FALSE);
}

G_GNUC_PRINTF (3, 4)
static gboolean
fail (AttestJsonDoc *doc,
      GError       **error,
      const char    *format,
      ...)
{
  g_autofree char *msg = NULL;
  g_autofree char *path = NULL;
  guint64 line, column;
  va_list args;
  int code = ATTEST_JSON_ERROR_SYNTAX;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (doc->pos >= doc->len)
    code = ATTEST_JSON_ERROR_TRUNCATED;
  attest_json_offset_position (doc->data, MIN (doc->pos, doc->len), &line, &column);
  path = describe_path (doc);
  if (path[0] != '\0')
    g_set_error (error, ATTEST_JSON_ERROR, code,
                 "line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT
                 ", in field “%s”: %s", line, column, path, msg);
  else
    g_set_error (error, ATTEST_JSON_ERROR, code,
                 "line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": %s",
                 line, column, msg);
  return FALSE;
}

static inline void
skip_ws (AttestJsonDoc *doc)
{
  const char *d = doc->data;
  gsize pos = doc->pos, len = doc->len;

  while (pos < len && (d[pos] == ' ' || d[pos] == '\n' || d[pos] == '\r' || d[pos] == '\t'))
    pos++;
  doc->pos = pos;
}

static inline int
hexval (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (AttestJsonDoc *doc,
           gunichar      *out,
           GError       **error)
{
  gunichar v = 0;
  int i;

  if (doc->pos + 4 > doc->len)
    return fail (doc, error, "unfinished \\u escape");
  for (i = 0; i < 4; i++)
    {
      int h = hexval (doc->data[doc->pos + i]);
      if (h < 0)
        return fail (doc, error, "invalid \\u escape");
      v = (v << 4) | h;
    }
  doc->pos += 4;
  *out = v;
  return TRUE;
}

/* Parses a string at doc->pos (which is on the opening quote). */
static gboolean
parse_string (AttestJsonDoc *doc,
              const char   **out,
              guint32       *out_len,
              GError       **error)
{
  const char *d = doc->data;
  gsize start = doc->pos + 1;
  gsize p = start;
  gboolean escapes = FALSE;
  char *buf, *w;

  /* Find the closing quote and check the raw bytes first. */
  for (;;)
    {
      const char *q;

      if (p >= doc->len)
        {
          doc->pos = doc->len;
          return fail (doc, error, "unterminated string");
        }
      q = memchr (d + p, '"', doc->len - p);
      if (q == NULL)
        {
          doc->pos = doc->len;
          return fail (doc, error, "unterminated string");
        }
      {
        /* Count preceding backslashes to see whether the quote is escaped. */
        gsize qpos = q - d;
        gsize bs = 0;
        while (qpos - bs > start && d[qpos - bs - 1] == '\\')
          bs++;
        if (bs > 0)
          escapes = TRUE;
        p = qpos + 1;
        if ((bs & 1) == 0)
          break;
      }
    }

  {
    gsize raw_len = p - 1 - start;
    const char *bad;

    if (raw_len > ATTEST_JSON_MAX_STRING)
      {
        g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_LIMIT,
                     "a string of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d MiB",
                     raw_len, ATTEST_JSON_MAX_STRING / (1024 * 1024));
        {
          g_autofree char *path = describe_path (doc);
          guint64 line;
          attest_json_offset_position (d, start, &line, NULL);
          g_prefix_error (error, "line %" G_GUINT64_FORMAT "%s%s%s: ", line,
                          path[0] ? ", in field “" : "", path, path[0] ? "”" : "");
        }
        return FALSE;
      }
    if (!g_utf8_validate_len (d + start, raw_len, &bad))
      {
        doc->pos = bad - d;
        fail (doc, error, "invalid UTF-8 in a string");
        (*error)->code = ATTEST_JSON_ERROR_ENCODING;
        return FALSE;
      }
    if (!escapes && memchr (d + start, '\\', raw_len) == NULL)
      {
        gsize i;
        for (i = 0; i < raw_len; i++)
          if ((guchar) d[start + i] < 0x20)
            {
              doc->pos = start + i;
              return fail (doc, error, "control character inside a string");
            }
        buf = arena_alloc (doc, raw_len + 1);
        memcpy (buf, d + start, raw_len);
        buf[raw_len] = '\0';
        *out = buf;
        *out_len = raw_len;
        doc->pos = p;
        return TRUE;
      }

    /* Decode escapes; the output is never longer than the input. */
    buf = arena_alloc (doc, raw_len + 1);
    w = buf;
    doc->pos = start;
    while (doc->pos < p - 1)
      {
        char c = d[doc->pos];

        if ((guchar) c < 0x20)
          return fail (doc, error, "control character inside a string");
        if (c != '\\')
          {
            *w++ = c;
            doc->pos++;
            continue;
          }
        doc->pos++;
        c = d[doc->pos++];
        switch (c)
          {
          case '"': *w++ = '"'; break;
          case '\\': *w++ = '\\'; break;
          case '/': *w++ = '/'; break;
          case 'b': *w++ = '\b'; break;
          case 'f': *w++ = '\f'; break;
          case 'n': *w++ = '\n'; break;
          case 'r': *w++ = '\r'; break;
          case 't': *w++ = '\t'; break;
          case 'u':
            {
              gunichar u;

              if (!read_hex4 (doc, &u, error))
                return FALSE;
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  gunichar lo;
                  if (doc->pos + 6 <= p - 1 && d[doc->pos] == '\\' && d[doc->pos + 1] == 'u')
                    {
                      doc->pos += 2;
                      if (!read_hex4 (doc, &lo, error))
                        return FALSE;
                      if (lo >= 0xDC00 && lo <= 0xDFFF)
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                      else
                        {
                          /* A lone high surrogate: keep the text readable. */
                          w += g_unichar_to_utf8 (0xFFFD, w);
                          u = (lo >= 0xD800 && lo <= 0xDFFF) ? 0xFFFD : lo;
                        }
                    }
                  else
                    u = 0xFFFD;
                }
              else if (u >= 0xDC00 && u <= 0xDFFF)
                u = 0xFFFD;
              if (u == 0)
                u = 0xFFFD; /* never embed NUL in a C string */
              w += g_unichar_to_utf8 (u, w);
            }
            break;
          default:
            doc->pos--;
            return fail (doc, error, "invalid escape “\\%c”", g_ascii_isprint (c) ? c : '?');
          }
      }
    *w = '\0';
    *out = buf;
    *out_len = w - buf;
    doc->pos = p;
    return TRUE;
  }
}

static gboolean
parse_number (AttestJsonDoc  *doc,
              AttestJsonNode *node,
              GError        **error)
{
  const char *d = doc->data;
  gsize p = doc->pos;
  gsize start = p;
  char *buf;

  if (p < doc->len && d[p] == '-')
    p++;
  if (p >= doc->len || !g_ascii_isdigit (d[p]))
    {
      doc->pos = p;
      return fail (doc, error, "invalid number");
    }
  if (d[p] == '0')
    p++;
  else
    while (p < doc->len && g_ascii_isdigit (d[p]))
      p++;
  if (p < doc->len && d[p] == '.')
    {
      p++;
      if (p >= doc->len || !g_ascii_isdigit (d[p]))
        {
          doc->pos = p;
          return fail (doc, error, "invalid number: digits expected after “.”");
        }
      while (p < doc->len && g_ascii_isdigit (d[p]))
        p++;
    }
  if (p < doc->len && (d[p] == 'e' || d[p] == 'E'))
    {
      p++;
      if (p < doc->len && (d[p] == '+' || d[p] == '-'))
        p++;
      if (p >= doc->len || !g_ascii_isdigit (d[p]))
        {
          doc->pos = p;
          return fail (doc, error, "invalid number: digits expected in the exponent");
        }
      while (p < doc->len && g_ascii_isdigit (d[p]))
        p++;
    }
  if (p - start > 64)
    {
      doc->pos = start;
      return fail (doc, error, "number too long");
    }
  buf = arena_alloc (doc, p - start + 1);
  memcpy (buf, d + start, p - start);
  buf[p - start] = '\0';
  node->type = ATTEST_JSON_NUMBER;
  node->str = buf;
  node->str_len = p - start;
  doc->pos = p;
  return TRUE;
}

static gboolean
match_literal (AttestJsonDoc *doc,
               const char    *lit,
               gsize          n)
{
  if (doc->pos + n <= doc->len && memcmp (doc->data + doc->pos, lit, n) == 0)
    {
      doc->pos += n;
      return TRUE;
    }
  return FALSE;
}

static void
append_child (AttestJsonNode *parent,
              AttestJsonNode *child)
{
  if (parent->last_child)
    parent->last_child->next = child;
  else
    parent->first_child = child;
  parent->last_child = child;
  parent->n_children++;
}

static gboolean parse_value (AttestJsonDoc *doc, AttestJsonNode *node, GError **error);

static gboolean
parse_container (AttestJsonDoc  *doc,
                 AttestJsonNode *node,
                 gboolean        is_object,
                 GError        **error)
{
  char close = is_object ? '}' : ']';

  if (++doc->depth > ATTEST_JSON_MAX_DEPTH)
    {
      fail (doc, error, "nesting deeper than %d levels", ATTEST_JSON_MAX_DEPTH);
      (*error)->code = ATTEST_JSON_ERROR_LIMIT;
      return FALSE;
    }

  node->type = is_object ? ATTEST_JSON_OBJECT : ATTEST_JSON_ARRAY;
  doc->pos++; /* opening bracket */
  skip_ws (doc);
  if (doc->pos < doc->len && doc->data[doc->pos] == close)
    {
      doc->pos++;
      doc->depth--;
      return TRUE;
    }

  for (;;)
    {
      AttestJsonNode *child = arena_alloc (doc, sizeof (AttestJsonNode));

      memset (child, 0, sizeof *child);
      skip_ws (doc);
      if (is_object)
        {
          if (doc->pos >= doc->len || doc->data[doc->pos] != '"')
            return fail (doc, error, "expected a member name in quotes");
          if (!parse_string (doc, &child->key, &child->key_len, error))
            return FALSE;
          skip_ws (doc);
          if (doc->pos >= doc->len || doc->data[doc->pos] != ':')
            return fail (doc, error, "expected “:” after member name “%s”", child->key);
          doc->pos++;
          g_ptr_array_add (doc->path, (gpointer) child->key);
        }
      else
        g_ptr_array_add (doc->path, NULL);

      if (!parse_value (doc, child, error))
        return FALSE;
      g_ptr_array_set_size (doc->path, doc->path->len - 1);
      append_child (node, child);

      skip_ws (doc);
      if (doc->pos >= doc->len)
        return fail (doc, error, "unexpected end of data, expected “,” or “%c”", close);
      if (doc->data[doc->pos] == ',')
        {
          doc->pos++;
          continue;
        }
      if (doc->data[doc->pos] == close)
        {
          doc->pos++;
          break;
        }
      return fail (doc, error, "expected “,” or “%c”", close);
    }

  doc->depth--;
  return TRUE;
}

static gboolean
parse_value (AttestJsonDoc  *doc,
             AttestJsonNode *node,
             GError        **error)
{
  char c;

  skip_ws (doc);
  if (doc->pos >= doc->len)
    return fail (doc, error, "unexpected end of data, expected a value");

  node->start = doc->pos;
  c = doc->data[doc->pos];
  switch (c)
    {
    case '{':
    case '[':
      if (!parse_container (doc, node, c == '{', error))
        return FALSE;
      break;
    case '"':
      node->type = ATTEST_JSON_STRING;
      if (!parse_string (doc, &node->str, &node->str_len, error))
        return FALSE;
      break;
    case 't':
      if (!match_literal (doc, "true", 4))
        return fail (doc, error, "invalid literal");
      node->type = ATTEST_JSON_TRUE;
      break;
    case 'f':
      if (!match_literal (doc, "false", 5))
        return fail (doc, error, "invalid literal");
      node->type = ATTEST_JSON_FALSE;
      break;
    case 'n':
      if (!match_literal (doc, "null", 4))
        return fail (doc, error, "invalid literal");
      node->type = ATTEST_JSON_NULL;
      break;
    default:
      if (c == '-' || g_ascii_isdigit (c))
        {
          if (!parse_number (doc, node, error))
            return FALSE;
        }
      else if ((guchar) c >= 0x80 && !g_utf8_validate_len (doc->data + doc->pos, MIN (4, doc->len - doc->pos), NULL)
               && g_utf8_get_char_validated (doc->data + doc->pos, doc->len - doc->pos) == (gunichar) -1)
        {
          fail (doc, error, "invalid UTF-8");
          (*error)->code = ATTEST_JSON_ERROR_ENCODING;
          return FALSE;
        }
      else
        return fail (doc, error, "unexpected character “%c”, expected a value",
                     g_ascii_isprint (c) ? c : '?');
    }
  node->end = doc->pos;
  return TRUE;
}

AttestJsonNode *
attest_json_doc_parse (AttestJsonDoc *doc,
                       const char    *data,
                       gsize          len,
                       GError       **error)
{
  AttestJsonNode *root;

  arena_reset (doc);
  g_ptr_array_set_size (doc->path, 0);
  doc->data = data;
  doc->len = len;
  doc->pos = 0;
  doc->depth = 0;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    doc->pos = 3;

  root = arena_alloc (doc, sizeof (AttestJsonNode));
  memset (root, 0, sizeof *root);
  if (!parse_value (doc, root, error))
    return NULL;
  skip_ws (doc);
  if (doc->pos != doc->len)
    {
      fail (doc, error, "unexpected data after the end of the value");
      return NULL;
    }
  return root;
}

/* ---------------------------------------------------------------------- */
/* Lookups */

AttestJsonNode *
attest_json_get (AttestJsonNode *object,
                 const char     *key)
{
  AttestJsonNode *child;
  gsize n;

  if (object == NULL || object->type != ATTEST_JSON_OBJECT)
    return NULL;
  n = strlen (key);
  /* Exact match first: the common case and the right one when an object has
   * keys that differ only by case. */
  for (child = object->first_child; child; child = child->next)
    if (child->key_len == n && memcmp (child->key, key, n) == 0)
      return child;
  for (child = object->first_child; child; child = child->next)
    if (child->key_len == n && g_ascii_strncasecmp (child->key, key, n) == 0)
      return child;
  return NULL;
}

AttestJsonNode *
attest_json_path (AttestJsonNode *node,
                  const char     *dotted_path)
{
  const char *p = dotted_path;

  while (node != NULL && *p)
    {
      const char *dot = strchr (p, '.');
      char key[128];
      gsize n = dot ? (gsize) (dot - p) : strlen (p);

      if (n >= sizeof key)
        return NULL;
      memcpy (key, p, n);
      key[n] = '\0';
      node = attest_json_get (node, key);
      p = dot ? dot + 1 : p + n;
    }
  return node;
}

const char *
attest_json_node_string (AttestJsonNode *node)
{
  if (node == NULL)
    return NULL;
  if (node->type == ATTEST_JSON_STRING || node->type == ATTEST_JSON_NUMBER)
    return node->str;
  if (node->type == ATTEST_JSON_TRUE)
    return "true";
  if (node->type == ATTEST_JSON_FALSE)
    return "false";
  return NULL;
}

const char *
attest_json_get_string (AttestJsonNode *object,
                        const char     *key)
{
  return attest_json_node_string (attest_json_get (object, key));
}

const char *
attest_json_path_string (AttestJsonNode *node,
                         const char     *dotted_path)
{
  return attest_json_node_string (attest_json_path (node, dotted_path));
}

gboolean
attest_json_node_int64 (AttestJsonNode *node,
                        gint64         *out)
{
  const char *s;
  char *end = NULL;
  gint64 v;

  /* Numbers sometimes arrive as strings (FORMATS.md, quirk 8). */
  if (node == NULL || (node->type != ATTEST_JSON_NUMBER && node->type != ATTEST_JSON_STRING))
    return FALSE;
  s = node->str;
  if (*s == '\0')
    return FALSE;
  errno = 0;
  v = g_ascii_strtoll (s, &end, 10);
  if (errno != 0)
    return FALSE;
  if (*end == '.' || *end == 'e' || *end == 'E')
    {
      double dv = g_ascii_strtod (s, &end);
      if (*end != '\0' || dv != (double) (gint64) dv)
        return FALSE;
      v = (gint64) dv;
    }
  else if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
attest_json_node_double (AttestJsonNode *node,
                         double         *out)
{
  char *end = NULL;
  double v;

  if (node == NULL || (node->type != ATTEST_JSON_NUMBER && node->type != ATTEST_JSON_STRING))
    return FALSE;
  if (node->str[0] == '\0')
    return FALSE;
  v = g_ascii_strtod (node->str, &end);
  if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
attest_json_type_name (AttestJsonType type)
{
  switch (type)
    {
    case ATTEST_JSON_NULL: return "null";
    case ATTEST_JSON_FALSE:
    case ATTEST_JSON_TRUE: return "a boolean";
    case ATTEST_JSON_NUMBER: return "a number";
    case ATTEST_JSON_STRING: return "a string";
    case ATTEST_JSON_ARRAY: return "an array";
    case ATTEST_JSON_OBJECT: return "an object";
    default: return "?";
    }
}

static void
write_string (GString    *out,
              const char *s,
              gsize       n)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < n; i++)
    {
      guchar c = s[i];
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

void
attest_json_node_write_compact (AttestJsonNode *node,
                                GString        *out)
{
  AttestJsonNode *child;

  switch (node->type)
    {
    case ATTEST_JSON_NULL: g_string_append (out, "null"); break;
    case ATTEST_JSON_TRUE: g_string_append (out, "true"); break;
    case ATTEST_JSON_FALSE: g_string_append (out, "false"); break;
    case ATTEST_JSON_NUMBER: g_string_append_len (out, node->str, node->str_len); break;
    case ATTEST_JSON_STRING: write_string (out, node->str, node->str_len); break;
    case ATTEST_JSON_ARRAY:
    case ATTEST_JSON_OBJECT:
      g_string_append_c (out, node->type == ATTEST_JSON_ARRAY ? '[' : '{');
      for (child = node->first_child; child; child = child->next)
        {
          if (child != node->first_child)
            g_string_append_c (out, ',');
          if (node->type == ATTEST_JSON_OBJECT)
            {
              write_string (out, child->key, child->key_len);
              g_string_append_c (out, ':');
            }
          attest_json_node_write_compact (child, out);
        }
      g_string_append_c (out, node->type == ATTEST_JSON_ARRAY ? ']' : '}');
      break;
    default:
      g_assert_not_reached ();
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const AttestJsonNode *x = *(const AttestJsonNode **) a;
  const AttestJsonNode *y = *(const AttestJsonNode **) b;
  int c = memcmp (x->key, y->key, MIN (x->key_len, y->key_len));

  if (c != 0)
    return c;
  return (int) x->key_len - (int) y->key_len;
}

void
attest_json_node_write_canonical (AttestJsonNode *node,
                                  GString        *out)
{
  g_autoptr(GPtrArray) members = NULL;
  AttestJsonNode *child;
  guint i;

  if (node->type != ATTEST_JSON_OBJECT && node->type != ATTEST_JSON_ARRAY)
    {
      attest_json_node_write_compact (node, out);
      return;
    }
  if (node->type == ATTEST_JSON_ARRAY)
    {
      g_string_append_c (out, '[');
      for (child = node->first_child; child; child = child->next)
        {
          if (child != node->first_child)
            g_string_append_c (out, ',');
          attest_json_node_write_canonical (child, out);
        }
      g_string_append_c (out, ']');
      return;
    }
  members = g_ptr_array_sized_new (node->n_children);
  for (child = node->first_child; child; child = child->next)
    g_ptr_array_add (members, child);
  g_ptr_array_sort (members, compare_keys);
  g_string_append_c (out, '{');
  for (i = 0; i < members->len; i++)
    {
      AttestJsonNode *m = g_ptr_array_index (members, i);
      if (i)
        g_string_append_c (out, ',');
      write_string (out, m->key, m->key_len);
      g_string_append_c (out, ':');
      attest_json_node_write_canonical (m, out);
    }
  g_string_append_c (out, '}');
}

/* ---------------------------------------------------------------------- */
/* Stream */

#define STREAM_CHUNK (256 * 1024)

struct _AttestJsonStream
{
  GInputStream *input;
  GCancellable *cancellable;
  char         *buf;
  gsize         size;      /* allocated */
  gsize         len;       /* valid bytes */
  gsize         pos;       /* read position */
  guint64       base;      /* file offset of buf[0] */
  guint64       line;      /* line number at buf[line_pos] */
  gsize         line_pos;
  gboolean      eof;
  gboolean      started;
  gboolean      retaining;
  gsize         keep_from; /* absolute offset - base, valid when retaining */
  AttestJsonDoc *key_doc;
};

AttestJsonStream *
attest_json_stream_new (GInputStream *input)
{
  AttestJsonStream *s = g_new0 (AttestJsonStream, 1);

  s->input = g_object_ref (input);
  s->size = STREAM_CHUNK * 2;
  s->buf = g_malloc (s->size);
  s->line = 1;
  return s;
}

void
attest_json_stream_free (AttestJsonStream *stream)
{
  if (stream == NULL)
    return;
  g_clear_object (&stream->input);
  g_clear_object (&stream->cancellable);
  g_clear_pointer (&stream->key_doc, attest_json_doc_free);
  g_free (stream->buf);
  g_free (stream);
}

void
attest_json_stream_set_cancellable (AttestJsonStream *stream,
                                    GCancellable     *cancellable)
{
  g_set_object (&stream->cancellable, cancellable);
}

static void
count_lines (AttestJsonStream *s,
             gsize             upto)
{
  const char *p = s->buf + s->line_pos;
  const char *end = s->buf + upto;

  if (upto <= s->line_pos)
    return;
  while (p < end && (p = memchr (p, '\n', end - p)) != NULL)
    {
      s->line++;
      p++;
    }
  s->line_pos = upto;
}

/* Reads more input, discarding consumed bytes (unless retained). */
static gboolean
fill (AttestJsonStream *s,
      GError          **error)
{
  gsize discard;
  gssize n;

  if (s->eof)
    return TRUE;

  discard = s->retaining ? MIN (s->keep_from, s->pos) : s->pos;
  if (discard > 0)
    {
      count_lines (s, discard);
      memmove (s->buf, s->buf + discard, s->len - discard);
      s->len -= discard;
      s->pos -= discard;
      s->base += discard;
      s->line_pos -= discard;
      if (s->retaining)
        s->keep_from -= discard;
    }

  if (s->size - s->len < STREAM_CHUNK)
    {
      if (s->len - (s->retaining ? s->keep_from : s->pos) > ATTEST_JSON_MAX_ELEMENT)
        {
          g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_LIMIT,
                       "line %" G_GUINT64_FORMAT ": a single record is larger than %d MiB",
                       attest_json_stream_line (s), ATTEST_JSON_MAX_ELEMENT / (1024 * 1024));
          return FALSE;
        }
      s->size = s->len + STREAM_CHUNK * 2;
      s->buf = g_realloc (s->buf, s->size);
    }

  n = g_input_stream_read (s->input, s->buf + s->len, s->size - s->len,
                           s->cancellable, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    s->eof = TRUE;
  s->len += n;
  return TRUE;
}

static gboolean
skip_ws_stream (AttestJsonStream *s,
                GError          **error)
{
  for (;;)
    {
      while (s->pos < s->len)
        {
          char c = s->buf[s->pos];
          if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            return TRUE;
          s->pos++;
        }
      if (s->eof)
        return TRUE;
      if (!fill (s, error))
        return FALSE;
    }
}

gboolean
attest_json_stream_peek (AttestJsonStream *stream,
                         char             *c,
                         GError          **error)
{
  if (!stream->started)
    {
      stream->started = TRUE;
      while (stream->len < 3 && !stream->eof)
        if (!fill (stream, error))
          return FALSE;
      if (stream->len >= 3 && memcmp (stream->buf, "\xEF\xBB\xBF", 3) == 0)
        stream->pos = 3;
    }
  if (!skip_ws_stream (stream, error))
    return FALSE;
  *c = stream->pos < stream->len ? stream->buf[stream->pos] : '\0';
  return TRUE;
}

static gboolean
stream_fail (AttestJsonStream *s,
             GError          **error,
             const char       *what)
{
  char c = s->pos < s->len ? s->buf[s->pos] : '\0';

  count_lines (s, s->pos);
  if (c == '\0')
    g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_TRUNCATED,
                 "line %" G_GUINT64_FORMAT ": unexpected end of file, expected %s",
                 s->line, what);
  else
    g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_SYNTAX,
                 "line %" G_GUINT64_FORMAT ": unexpected “%c”, expected %s",
                 s->line, g_ascii_isprint (c) ? c : '?', what);
  return FALSE;
}

gboolean
attest_json_stream_expect (AttestJsonStream *stream,
                           char              c,
                           GError          **error)
{
  char got;
  char what[8];

  if (!attest_json_stream_peek (stream, &got, error))
    return FALSE;
  if (got != c)
    {
      g_snprintf (what, sizeof what, "“%c”", c);
      return stream_fail (stream, error, what);
    }
  stream->pos++;
  return TRUE;
}

/* Scans the value starting at s->pos; on success *end is one past it.
 * Reads more input as needed. */
static gboolean
scan_value_end (AttestJsonStream *s,
                gsize            *end,
                gsize             limit,
                gboolean         *too_big,
                GError          **error)
{
  gsize p = s->pos;
  guint depth = 0;
  gboolean in_string = FALSE;
  char first = s->buf[s->pos];

  if (first != '{' && first != '[' && first != '"')
    {
      /* scalar: up to a delimiter */
      for (;;)
        {
          while (p < s->len)
            {
              char c = s->buf[p];
              if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
                {
                  *end = p;
                  return TRUE;
                }
              p++;
            }
          if (s->eof)
            {
              *end = p;
              return TRUE;
            }
          {
            gsize before = s->pos;
            if (!fill (s, error))
              return FALSE;
            p -= before - s->pos;
          }
        }
    }

  for (;;)
    {
      while (p < s->len)
        {
          char c = s->buf[p];

          if (in_string)
            {
              const char *q = memchr (s->buf + p, '"', s->len - p);
              const char *b = memchr (s->buf + p, '\\', q ? (gsize) (q - (s->buf + p)) : s->len - p);
              if (b != NULL)
                {
                  if (b + 1 >= s->buf + s->len)
                    {
                      p = b - s->buf;
                      break; /* need more data for the escaped char */
                    }
                  p = (b - s->buf) + 2;
                  continue;
                }
              if (q == NULL)
                {
                  p = s->len;
                  break;
                }
              p = (q - s->buf) + 1;
              in_string = FALSE;
              if (depth == 0)
                {
                  *end = p;
                  return TRUE;
                }
              continue;
            }

          switch (c)
            {
            case '"':
              in_string = TRUE;
              break;
            case '{':
            case '[':
              if (++depth > ATTEST_JSON_MAX_DEPTH)
                {
                  count_lines (s, s->pos);
                  g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_LIMIT,
                               "line %" G_GUINT64_FORMAT ": nesting deeper than %d levels",
                               s->line, ATTEST_JSON_MAX_DEPTH);
                  return FALSE;
                }
              break;
            case '}':
            case ']':
              if (depth == 0)
                {
                  s->pos = p;
                  return stream_fail (s, error, "a value");
                }
              if (--depth == 0)
                {
                  *end = p + 1;
                  return TRUE;
                }
              break;
            default:
              break;
            }
          p++;
        }

      if (limit > 0 && p - s->pos > limit)
        {
          *too_big = TRUE;
          return TRUE;
        }
      if (s->eof)
        {
          /* Truncated: report where the value began. */
          count_lines (s, s->pos);
          g_set_error (error, ATTEST_JSON_ERROR, ATTEST_JSON_ERROR_TRUNCATED,
                       "line %" G_GUINT64_FORMAT ": the file ends inside a value that starts here "
                       "(truncated download or export?)", s->line);
          return FALSE;
        }
      {
        gsize before = s->pos;
        if (!fill (s, error))
          return FALSE;
        p -= before - s->pos;
      }
    }
}

gboolean
attest_json_stream_capture (AttestJsonStream *stream,
                            const char      **data,
                            gsize            *len,
                            GError          **error)
{
  char c;
  gsize end;

  if (!attest_json_stream_peek (stream, &c, error))
    return FALSE;
  if (c == '\0')
    return stream_fail (stream, error, "a value");
  if (!scan_value_end (stream, &end, 0, NULL, error))
    return FALSE;
  count_lines (stream, stream->pos);
  *data = stream->buf + stream->pos;
  *len = end - stream->pos;
  stream->pos = end;
  return TRUE;
}

gboolean
attest_json_stream_capture_bounded (AttestJsonStream *stream,
                                    gsize             limit,
                                    const char      **data,
                                    gsize            *len,
                                    GError          **error)
{
  gboolean too_big = FALSE;
  gboolean was_retaining = stream->retaining;
  gsize end;
  char c;

  if (!attest_json_stream_peek (stream, &c, error))
    return FALSE;
  if (c == '\0')
    return stream_fail (stream, error, "a value");
  /* Keep the start in the window in case the value is too big and the
   * caller walks it member by member instead. */
  if (!was_retaining)
    attest_json_stream_retain (stream);
  if (!scan_value_end (stream, &end, limit, &too_big, error))
    return FALSE;
  if (!was_retaining)
    attest_json_stream_release (stream);
  if (too_big)
    {
      *data = NULL;
      *len = 0;
      return TRUE;
    }
  count_lines (stream, stream->pos);
  *data = stream->buf + stream->pos;
  *len = end - stream->pos;
  stream->pos = end;
  return TRUE;
}

gboolean
attest_json_stream_read_key (AttestJsonStream *stream,
                             GString          *key,
                             GError          **error)
{
  const char *data;
  gsize len;
  AttestJsonNode *node;
  char c;

  if (!attest_json_stream_peek (stream, &c, error))
    return FALSE;
  if (c != '"')
    return stream_fail (stream, error, "a member name in quotes");
  if (!attest_json_stream_capture (stream, &data, &len, error))
    return FALSE;
  if (stream->key_doc == NULL)
    stream->key_doc = attest_json_doc_new ();
  node = attest_json_doc_parse (stream->key_doc, data, len, error);
  if (node == NULL)
    {
      g_prefix_error (error, "member name near line %" G_GUINT64_FORMAT ": ", stream->line);
      return FALSE;
    }
  g_string_assign (key, node->str);
  return attest_json_stream_expect (stream, ':', error);
}

gsize
attest_json_stream_retain (AttestJsonStream *stream)
{
  stream->retaining = TRUE;
  stream->keep_from = stream->pos;
  return stream->base + stream->pos;
}

void
attest_json_stream_release (AttestJsonStream *stream)
{
  stream->retaining = FALSE;
}

gboolean
attest_json_stream_is_retaining (AttestJsonStream *stream)
{
  return stream->retaining;
}

const char *
attest_json_stream_slice (AttestJsonStream *stream,
                          gsize             mark,
                          gsize            *len)
{
  gsize rel;

  g_return_val_if_fail (stream->retaining, NULL);
  g_return_val_if_fail (mark >= stream->base, NULL);
  rel = mark - stream->base;
  *len = stream->pos - rel;
  return stream->buf + rel;
}

guint64
attest_json_stream_line (AttestJsonStream *stream)
{
  count_lines (stream, stream->pos);
  return stream->line;
}

guint64
attest_json_stream_offset (AttestJsonStream *stream)
{
  return stream->base + stream->pos;
}

guint64
attest_json_stream_bytes_read (AttestJsonStream *stream)
{
  return stream->base + stream->len;
}
