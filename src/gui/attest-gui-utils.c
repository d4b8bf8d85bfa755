/* attest-gui-utils.c: small presentation helpers shared by the GUI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <string.h>

#include "attest-gui-utils.h"
#include "attest-records.h"
#include "attest-time.h"

static gboolean
must_escape (gunichar            c,
             AttestSanitizeFlags flags)
{
  if (c < 0x20)
    return !((flags & ATTEST_SANITIZE_KEEP_NEWLINES) && (c == '\n' || c == '\t'));
  if (c >= 0x7f && c <= 0x9f)                     /* DEL and C1 controls */
    return TRUE;
  if (c >= 0x202a && c <= 0x202e)                 /* LRE RLE PDF LRO RLO */
    return TRUE;
  if (c >= 0x2066 && c <= 0x2069)                 /* LRI RLI FSI PDI */
    return TRUE;
  if (c == 0x200e || c == 0x200f || c == 0x061c)  /* LRM RLM ALM */
    return TRUE;
  if (c == 0x2028 || c == 0x2029)                 /* line and paragraph separators */
    return TRUE;
  return FALSE;
}

/**
 * attest_gui_sanitize:
 * @text: (nullable): text from the workspace (device ids, callers, JSON…)
 * @flags: whether newlines and tabs may stay
 *
 * Makes untrusted text safe to show: invalid UTF-8 becomes U+FFFD, and
 * control characters and bidirectional overrides — which could hide or
 * reorder what the officer reads — become visible "\uXXXX" escapes.
 *
 * Returns: (transfer full): a newly allocated string, never %NULL
 */
char *
attest_gui_sanitize (const char          *text,
                     AttestSanitizeFlags  flags)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;
  gboolean plain = TRUE;

  if (text == NULL)
    return g_strdup ("");

  /* Fast path: printable ASCII needs no work. */
  for (p = text; *p; p++)
    {
      guchar b = (guchar) *p;
      if (b < 0x20 || b >= 0x7f)
        {
          plain = FALSE;
          break;
        }
    }
  if (plain)
    return g_strdup (text);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid) + 16);
  for (p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (must_escape (c, flags))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* A count with the locale's digit grouping ("1,000,000" in en_US). */
char *
attest_gui_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/* "2018-01-29T20:42:31.3810679Z" -> "2018-01-29 20:42:31" (UTC, as stored). */
char *
attest_gui_format_time (const char *iso_time)
{
  char *out;

  if (iso_time == NULL)
    return g_strdup ("");
  if (strlen (iso_time) < 19 || iso_time[10] != 'T')
    return attest_gui_sanitize (iso_time, ATTEST_SANITIZE_DEFAULT);
  out = g_strndup (iso_time, 19);
  out[10] = ' ';
  return out;
}

char *
attest_gui_format_ticks (gint64 ticks)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ticks == ATTEST_TIME_NONE)
    return g_strdup ("—");
  dt = attest_time_to_datetime (ticks);
  if (dt == NULL)
    return g_strdup ("—");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
}

static void
append_indent (GString *out,
               int      depth)
{
  g_string_append_c (out, '\n');
  for (; depth > 0; depth--)
    g_string_append (out, "  ");
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/**
 * attest_gui_pretty_json:
 * @json: JSON text
 *
 * Indents JSON without re-encoding it: only whitespace between tokens
 * changes, so strings, escapes and numbers stay byte for byte as stored
 * (the detail pane shows evidence; a reformatter must not alter it).
 *
 * Returns: (transfer full): the indented text
 */
char *
attest_gui_pretty_json (const char *json)
{
  GString *out;
  const char *p;
  int depth = 0;

  if (json == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (json) * 5 / 4 + 16);
  p = skip_space (json);
  while (*p)
    {
      char c = *p;

      switch (c)
        {
        case '"':
          g_string_append_c (out, '"');
          for (p++; *p && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                g_string_append_c (out, *p++);
              g_string_append_c (out, *p);
            }
          if (*p == '"')
            {
              g_string_append_c (out, '"');
              p++;
            }
          continue;

        case '{':
        case '[':
          {
            const char *next = skip_space (p + 1);

            g_string_append_c (out, c);
            if (*next == (c == '{' ? '}' : ']'))
              {
                g_string_append_c (out, *next);
                p = next + 1;
                continue;
              }
            append_indent (out, ++depth);
          }
          break;

        case '}':
        case ']':
          depth = MAX (depth - 1, 0);
          append_indent (out, depth);
          g_string_append_c (out, c);
          break;

        case ',':
          g_string_append_c (out, ',');
          append_indent (out, depth);
          break;

        case ':':
          g_string_append (out, ": ");
          break;

        case ' ':
        case '\t':
        case '\n':
        case '\r':
          break;

        default:
          g_string_append_c (out, c);
        }
      p++;
    }
  return g_string_free (out, FALSE);
}
