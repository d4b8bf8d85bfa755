/* attest-version.c: ordering model and runtime versions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>

#include "attest-version.h"

static gboolean
is_number (const char *s,
           gsize       len)
{
  gsize i;

  if (len == 0)
    return FALSE;
  for (i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Compares one identifier: numbers by value, numbers before words. */
static int
compare_identifier (const char *a,
                    gsize       alen,
                    const char *b,
                    gsize       blen)
{
  gboolean an = is_number (a, alen), bn = is_number (b, blen);
  int c;

  if (an && bn)
    {
      while (alen > 1 && *a == '0')
        a++, alen--;
      while (blen > 1 && *b == '0')
        b++, blen--;
      if (alen != blen)
        return alen < blen ? -1 : 1;
      return memcmp (a, b, alen);
    }
  if (an != bn)
    return an ? -1 : 1;
  c = memcmp (a, b, MIN (alen, blen));
  if (c != 0)
    return c;
  return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* Dot-separated identifiers in [s, end); missing trailing ones count as
 * "0" when @pad_zero (release part), else as smaller (pre-release part). */
static int
compare_dotted (const char *a,
                const char *aend,
                const char *b,
                const char *bend,
                gboolean    pad_zero)
{
  while (a < aend || b < bend)
    {
      const char *an = a < aend ? memchr (a, '.', aend - a) : NULL;
      const char *bn = b < bend ? memchr (b, '.', bend - b) : NULL;
      gsize alen, blen;
      int c;

      if (an == NULL)
        an = aend;
      if (bn == NULL)
        bn = bend;
      alen = a < aend ? (gsize) (an - a) : 0;
      blen = b < bend ? (gsize) (bn - b) : 0;
      if (a >= aend || b >= bend)
        {
          if (!pad_zero)
            return a >= aend ? -1 : 1;
          if (a >= aend)
            c = compare_identifier ("0", 1, b, blen);
          else
            c = compare_identifier (a, alen, "0", 1);
        }
      else
        c = compare_identifier (a, alen, b, blen);
      if (c != 0)
        return c < 0 ? -1 : 1;
      a = an < aend ? an + 1 : aend;
      b = bn < bend ? bn + 1 : bend;
    }
  return 0;
}

int
attest_version_compare (const char *a,
                        const char *b)
{
  const char *aend, *bend, *apre, *bpre;
  int c;

  if (a == NULL || b == NULL)
    return a == b ? 0 : (a == NULL ? -1 : 1);
  if (*a == 'v' || *a == 'V')
    a++;
  if (*b == 'v' || *b == 'V')
    b++;
  aend = strchr (a, '+');
  bend = strchr (b, '+');
  if (aend == NULL)
    aend = a + strlen (a);
  if (bend == NULL)
    bend = b + strlen (b);
  apre = memchr (a, '-', aend - a);
  bpre = memchr (b, '-', bend - b);

  c = compare_dotted (a, apre ? apre : aend, b, bpre ? bpre : bend, TRUE);
  if (c != 0)
    return c;
  /* A release sorts after its pre-releases. */
  if (apre == NULL || bpre == NULL)
    return apre == bpre ? 0 : (apre == NULL ? 1 : -1);
  return compare_dotted (apre + 1, aend, bpre + 1, bend, FALSE);
}

