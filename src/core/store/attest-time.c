/* attest-time.c: Azure timestamps to and from 100 ns UTC ticks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include <string.h>

#include "attest-time.h"

/* Howard Hinnant's days_from_civil. */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 era, doe, yoe, y, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

static int
days_in_month (int y,
               int m)
{
  static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dim[m - 1];
}

gint64
attest_time_from_civil (int year, int month, int day,
                        int hour, int minute, int second)
{
  return (days_from_civil (year, month, day) * 86400
          + hour * 3600 + minute * 60 + second) * ATTEST_TICKS_PER_SECOND;
}

static gboolean
digits (const char *s,
        int         n,
        int        *out)
{
  int v = 0, i;

  for (i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* Fractional seconds as 100 ns ticks: up to 7 digits count, more are
 * truncated on purpose. */
static gint64
parse_fraction (const char **p)
{
  const char *s = *p;
  gint64 frac = 0;
  int digits = 0;

  for (; g_ascii_isdigit (*s); s++)
    if (digits < 7)
      {
        frac = frac * 10 + (*s - '0');
        digits++;
      }
  for (; digits < 7; digits++)
    frac *= 10;
  *p = s;
  return frac;
}

/* ISO 8601 as Azure writes it: YYYY-MM-DDTHH:MM[:SS[.f{1,7}+]] then Z,
 * ±HH:MM, ±HHMM or nothing (= UTC). */
static AttestTimeResult
parse_iso (const char *s,
           gint64     *ticks)
{
  int y, mo, d, h, mi, sec = 0;
  gint64 frac = 0, t;
  int off = 0;
  gboolean unknown;

  if (strlen (s) < 16)
    return ATTEST_TIME_INVALID;
  if (!digits (s, 4, &y) || s[4] != '-' || !digits (s + 5, 2, &mo) || s[7] != '-'
      || !digits (s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
      || !digits (s + 11, 2, &h) || s[13] != ':' || !digits (s + 14, 2, &mi))
    return ATTEST_TIME_INVALID;
  s += 16;
  if (*s == ':')
    {
      if (!digits (s + 1, 2, &sec))
        return ATTEST_TIME_INVALID;
      s += 3;
      if (*s == '.' || *s == ',')
        {
          s++;
          if (!g_ascii_isdigit (*s))
            return ATTEST_TIME_INVALID;
          frac = parse_fraction (&s);
        }
    }
  if (*s == 'Z' || *s == 'z')
    s++;
  else if (*s == '+' || *s == '-')
    {
      int oh, om;
      int sign = *s == '-' ? -1 : 1;

      s++;
      if (!digits (s, 2, &oh))
        return ATTEST_TIME_INVALID;
      s += 2;
      if (*s == ':')
        s++;
      if (!digits (s, 2, &om))
        return ATTEST_TIME_INVALID;
      s += 2;
      if (oh > 23 || om > 59)
        return ATTEST_TIME_INVALID;
      off = sign * (oh * 60 + om);
    }
  if (*s != '\0')
    return ATTEST_TIME_INVALID;

  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo)
      || h > 23 || mi > 59 || sec > 60 || y < 1)
    return ATTEST_TIME_INVALID;

  /* 0001-01-01 (in any zone) is Azure's "never". */
  unknown = (y == 1 && mo == 1 && (d == 1 || d == 2)) || (y == 0);
  if (unknown)
    return ATTEST_TIME_UNKNOWN;

  t = attest_time_from_civil (y, mo, d, h, mi, MIN (sec, 59));
  t += frac;
  t -= (gint64) off * 60 * ATTEST_TICKS_PER_SECOND;
  *ticks = t;
  return ATTEST_TIME_OK;
}

/* The Log Analytics portal's en-US CSV form: "6/13/2024, 12:03:55.120 AM". */
static AttestTimeResult
parse_us (const char *s,
          gint64     *ticks)
{
  int mo = 0, d = 0, y = 0, h = 0, mi = 0, sec = 0;
  gint64 frac = 0;
  char *end;

  mo = strtol (s, &end, 10);
  if (end == s || *end != '/')
    return ATTEST_TIME_INVALID;
  s = end + 1;
  d = strtol (s, &end, 10);
  if (end == s || *end != '/')
    return ATTEST_TIME_INVALID;
  s = end + 1;
  y = strtol (s, &end, 10);
  if (end == s)
    return ATTEST_TIME_INVALID;
  s = end;
  if (*s == ',')
    s++;
  while (*s == ' ')
    s++;
  h = strtol (s, &end, 10);
  if (end == s || *end != ':')
    return ATTEST_TIME_INVALID;
  s = end + 1;
  mi = strtol (s, &end, 10);
  if (end == s)
    return ATTEST_TIME_INVALID;
  s = end;
  if (*s == ':')
    {
      s++;
      sec = strtol (s, &end, 10);
      if (end == s)
        return ATTEST_TIME_INVALID;
      s = end;
      if (*s == '.')
        {
          s++;
          frac = parse_fraction (&s);
        }
    }
  while (*s == ' ')
    s++;
  if (g_ascii_strcasecmp (s, "AM") == 0)
    {
      if (h < 1 || h > 12)
        return ATTEST_TIME_INVALID;
      if (h == 12)
        h = 0;
    }
  else if (g_ascii_strcasecmp (s, "PM") == 0)
    {
      if (h < 1 || h > 12)
        return ATTEST_TIME_INVALID;
      if (h != 12)
        h += 12;
    }
  else if (*s != '\0')
    return ATTEST_TIME_INVALID;

  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo)
      || h > 23 || mi > 59 || sec > 60)
    return ATTEST_TIME_INVALID;
  if (y == 1 && mo == 1 && d == 1)
    return ATTEST_TIME_UNKNOWN;
  *ticks = attest_time_from_civil (y, mo, d, h, mi, MIN (sec, 59)) + frac;
  return ATTEST_TIME_OK;
}

AttestTimeResult
attest_time_parse (const char *text,
                   gint64     *ticks)
{
  if (text == NULL || *text == '\0')
    return ATTEST_TIME_INVALID;
  if (strlen (text) >= 10 && text[4] == '-')
    return parse_iso (text, ticks);
  return parse_us (text, ticks);
}

void
attest_time_format_buf (gint64 ticks,
                        char   buf[32])
{
  gint64 secs = ticks / ATTEST_TICKS_PER_SECOND;
  gint64 frac = ticks % ATTEST_TICKS_PER_SECOND;
  gint64 days, rem;
  int y, m, d;

  if (frac < 0)
    {
      frac += ATTEST_TICKS_PER_SECOND;
      secs -= 1;
    }
  days = secs / 86400;
  rem = secs % 86400;
  if (rem < 0)
    {
      rem += 86400;
      days -= 1;
    }
  civil_from_days (days, &y, &m, &d);
  g_snprintf (buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ",
              y, m, d, (int) (rem / 3600), (int) (rem % 3600 / 60), (int) (rem % 60), (int) frac);
}

char *
attest_time_format (gint64 ticks)
{
  char buf[32];

  attest_time_format_buf (ticks, buf);
  return g_strdup (buf);
}

gint64
attest_time_now (void)
{
  return g_get_real_time () * 10;
}

GDateTime *
attest_time_to_datetime (gint64 ticks)
{
  return g_date_time_new_from_unix_utc (ticks / ATTEST_TICKS_PER_SECOND);
}
