/* test-json.c: the strict arena JSON reader and the bounded stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "attest-json.h"

static AttestJsonNode *
parse_ok (AttestJsonDoc *doc,
          const char    *text)
{
  g_autoptr(GError) error = NULL;
  AttestJsonNode *node = attest_json_doc_parse (doc, text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
parse_err (const char *text,
           gssize      len,
           int         code)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autoptr(GError) error = NULL;
  AttestJsonNode *node = attest_json_doc_parse (doc, text, len < 0 ? strlen (text) : (gsize) len, &error);

  g_assert_null (node);
  g_assert_error (error, ATTEST_JSON_ERROR, code);
  return g_strdup (error->message);
}

static void
test_values (void)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestJsonNode *n;
  gint64 i;
  double d;

  n = parse_ok (doc, " {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"B\": {\"c\": \"\\u00e9\\ud83d\\ude00\"}} ");
  g_assert_cmpint (n->type, ==, ATTEST_JSON_OBJECT);
  g_assert_cmpint (n->n_children, ==, 2);
  g_assert_cmpint (attest_json_get (n, "a")->n_children, ==, 6);
  g_assert_true (attest_json_node_int64 (attest_json_get (n, "a")->first_child, &i));
  g_assert_cmpint (i, ==, 1);
  g_assert_true (attest_json_node_double (attest_json_get (n, "a")->first_child->next, &d));
  g_assert_cmpfloat (d, ==, -2500.0);
  /* keys compare case-insensitively, paths walk objects */
  g_assert_cmpstr (attest_json_path_string (n, "b.C"), ==, "é😀");
  /* spans cover the original bytes */
  g_assert_cmpint (attest_json_get (n, "B")->start, <, attest_json_get (n, "B")->end);

  /* numbers as strings (FORMATS.md, quirk 8) */
  n = parse_ok (doc, "{\"iat\": \"1421876371\", \"x\": \"12a\"}");
  g_assert_true (attest_json_node_int64 (attest_json_get (n, "iat"), &i));
  g_assert_cmpint (i, ==, 1421876371);
  g_assert_false (attest_json_node_int64 (attest_json_get (n, "x"), &i));

  /* the exact key wins over a case variant */
  n = parse_ok (doc, "{\"Code\": 1, \"code\": 2}");
  g_assert_true (attest_json_node_int64 (attest_json_get (n, "code"), &i));
  g_assert_cmpint (i, ==, 2);
}

static void
test_escapes (void)
{
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  AttestJsonNode *n;
  GString *out = g_string_new (NULL);

  n = parse_ok (doc, "\"a\\u0026b\\u002Bc\\\"d\\\\e\\/f\\n\"");
  g_assert_cmpstr (n->str, ==, "a&b+c\"d\\e/f\n");
  /* a lone surrogate becomes U+FFFD, never invalid UTF-8 */
  n = parse_ok (doc, "\"x\\ud800y\"");
  g_assert_true (g_utf8_validate (n->str, -1, NULL));
  /* NUL is never embedded in a C string */
  n = parse_ok (doc, "\"a\\u0000b\"");
  g_assert_cmpint (strlen (n->str), ==, n->str_len);

  n = parse_ok (doc, "{\"k\" : [ 1 , \"t\\tx\" ] }");
  attest_json_node_write_compact (n, out);
  g_assert_cmpstr (out->str, ==, "{\"k\":[1,\"t\\tx\"]}");
  g_string_free (out, TRUE);
}

static void
test_errors (void)
{
  g_autofree char *m1 = parse_err ("{\"a\": 1,\n \"b\": }", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m2 = parse_err ("{\"a\": [1, 2", -1, ATTEST_JSON_ERROR_TRUNCATED);
  g_autofree char *m3 = parse_err ("\"\xff\xfe\"", -1, ATTEST_JSON_ERROR_ENCODING);
  g_autofree char *m4 = parse_err ("[01]", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m5 = parse_err ("{\"a\": tru}", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m6 = parse_err ("\"a\\x\"", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m7 = parse_err ("\"a\tb\"", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m8 = parse_err ("{} {}", -1, ATTEST_JSON_ERROR_SYNTAX);
  g_autofree char *m9 = parse_err ("", 0, ATTEST_JSON_ERROR_TRUNCATED);

  /* messages name the line and the field */
  g_assert_nonnull (strstr (m1, "line 2"));
  g_assert_nonnull (strstr (m1, "“b”"));
  g_assert_nonnull (strstr (m2, "line 1"));
  g_assert_nonnull (strstr (m3, "UTF-8"));
}

static void
test_limits (void)
{
  GString *deep = g_string_new (NULL);
  g_autofree char *msg = NULL;
  char *big;
  gsize n = 10 * 1024 * 1024;
  guint i;

  for (i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < 10000; i++)
    g_string_append_c (deep, ']');
  msg = parse_err (deep->str, deep->len, ATTEST_JSON_ERROR_LIMIT);
  g_assert_nonnull (strstr (msg, "nesting"));
  g_string_free (deep, TRUE);

  big = g_malloc (n + 3);
  big[0] = '"';
  memset (big + 1, 'x', n);
  big[n + 1] = '"';
  big[n + 2] = '\0';
  g_free (msg);
  msg = parse_err (big, n + 2, ATTEST_JSON_ERROR_LIMIT);
  g_assert_nonnull (strstr (msg, "MiB"));
  g_free (big);
}

/* The stream sees the data through reads of a few bytes at a time, so
 * every value crosses buffer refills. */
static void
test_stream_chunks (void)
{
  GString *text = g_string_new ("\xEF\xBB\xBF[\n");
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(AttestJsonStream) stream = NULL;
  g_autoptr(AttestJsonDoc) doc = attest_json_doc_new ();
  g_autoptr(GError) error = NULL;
  guint i, count = 0;
  char c;

  for (i = 0; i < 20000; i++)
    g_string_append_printf (text, "%s{\"i\": %u, \"s\": \"q\\\"}[,\\\\\"}", i ? ",\n" : "", i);
  g_string_append (text, "\n]\n");
  in = g_memory_input_stream_new_from_data (g_string_free (text, FALSE), -1, g_free);
  stream = attest_json_stream_new (in);

  g_assert_true (attest_json_stream_expect (stream, '[', &error));
  for (;;)
    {
      const char *data;
      gsize len;
      AttestJsonNode *node;
      gint64 v;

      g_assert_true (attest_json_stream_capture (stream, &data, &len, &error));
      g_assert_no_error (error);
      node = attest_json_doc_parse (doc, data, len, &error);
      g_assert_no_error (error);
      g_assert_true (attest_json_node_int64 (attest_json_get (node, "i"), &v));
      g_assert_cmpint (v, ==, count);
      g_assert_cmpstr (attest_json_get_string (node, "s"), ==, "q\"}[,\\");
      count++;
      g_assert_true (attest_json_stream_peek (stream, &c, &error));
      if (c == ']')
        break;
      g_assert_true (attest_json_stream_expect (stream, ',', &error));
    }
  g_assert_cmpuint (count, ==, 20000);
  /* "[" is line 1, element i is on line i + 2, "]" on line 20002 */
  g_assert_cmpuint (attest_json_stream_line (stream), ==, 20002);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/values", test_values);
  g_test_add_func ("/json/escapes", test_escapes);
  g_test_add_func ("/json/errors", test_errors);
  g_test_add_func ("/json/limits", test_limits);
  g_test_add_func ("/json/stream-chunks", test_stream_chunks);
  return g_test_run ();
}
