/* test-gui-utils.c: sanitising untrusted text, formatting, JSON indenting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "attest-gui-utils.h"

static void
check_sanitize (const char          *in,
                AttestSanitizeFlags  flags,
                const char          *expected)
{
  g_autofree char *out = attest_gui_sanitize (in, flags);

  g_assert_cmpstr (out, ==, expected);
  g_assert_true (g_utf8_validate (out, -1, NULL));
}

static void
test_sanitize (void)
{
  check_sanitize (NULL, 0, "");
  check_sanitize ("", 0, "");
  check_sanitize ("rob@contoso.com", 0, "rob@contoso.com");
  check_sanitize ("Zoë — 東京", 0, "Zoë — 東京");
  check_sanitize ("مرحبا", 0, "مرحبا");                          /* RTL text itself stays */
  /* C0 controls, DEL and C1 controls */
  check_sanitize ("a\x1b[31mred", 0, "a\\u001B[31mred");
  check_sanitize ("a\tb\nc\rd", 0, "a\\u0009b\\u000Ac\\u000Dd");
  check_sanitize ("a\tb\nc\rd", ATTEST_SANITIZE_KEEP_NEWLINES, "a\tb\nc\\u000Dd");
  check_sanitize ("x\x7fy", 0, "x\\u007Fy");
  check_sanitize ("x\xc2\x85y\xc2\x9bz", 0, "x\\u0085y\\u009Bz");
  /* Bidirectional embeddings, overrides and isolates */
  check_sanitize ("evil\xe2\x80\xaegnp.exe", 0, "evil\\u202Egnp.exe");        /* U+202E */
  check_sanitize ("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
                  "\\u202A\\u202B\\u202C\\u202D");
  check_sanitize ("a\xe2\x81\xa6" "b\xe2\x81\xa7" "c\xe2\x81\xa8" "d\xe2\x81\xa9", 0,
                  "a\\u2066b\\u2067c\\u2068d\\u2069");
  check_sanitize ("\xe2\x80\x8f" "x\xe2\x80\xa8y", 0, "\\u200Fx\\u2028y");
  /* Invalid UTF-8 becomes U+FFFD */
  check_sanitize ("bad\xff" "byte", 0, "bad\xef\xbf\xbd" "byte");
}

static void
test_format (void)
{
  g_autofree char *t1 = attest_gui_format_time ("2018-01-29T20:42:31.3810679Z");
  g_autofree char *t2 = attest_gui_format_time ("soon\xe2\x80\xae");
  g_autofree char *t3 = attest_gui_format_time (NULL);
  g_autofree char *c = attest_gui_format_count (1000000);
  g_autofree char *none = attest_gui_format_ticks (G_MININT64);

  g_assert_cmpstr (t1, ==, "2018-01-29 20:42:31");
  g_assert_cmpstr (t2, ==, "soon\\u202E");
  g_assert_cmpstr (t3, ==, "");
  /* LANG=C.UTF-8 has no digit grouping */
  g_assert_cmpstr (c, ==, "1000000");
  g_assert_cmpstr (none, ==, "—");
}

static void
check_pretty (const char *in,
              const char *expected)
{
  g_autofree char *out = attest_gui_pretty_json (in);

  g_assert_cmpstr (out, ==, expected);
}

static void
test_pretty_json (void)
{
  check_pretty ("{}", "{}");
  check_pretty ("[ ]", "[]");
  check_pretty ("{\"a\":1,\"b\":[1, 2.50e3 ,{}],\"c\":{\"d\":null}}",
                "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2.50e3,\n    {}\n  ],\n  \"c\": {\n    \"d\": null\n  }\n}");
  /* Strings (with escapes, braces, commas, colons) stay byte for byte. */
  check_pretty ("{\"s\":\"a, b: {c} [d] \\\"q\\\" \\\\\",\"u\":\"\\u202e\"}",
                "{\n  \"s\": \"a, b: {c} [d] \\\"q\\\" \\\\\",\n  \"u\": \"\\u202e\"\n}");
  /* Not JSON at all: still shown, nothing lost but whitespace. */
  check_pretty ("plain text", "plaintext");
  check_pretty (NULL, "");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gui/utils/sanitize", test_sanitize);
  g_test_add_func ("/gui/utils/format", test_format);
  g_test_add_func ("/gui/utils/pretty-json", test_pretty_json);

  return g_test_run ();
}
