/* test-time.c: Azure timestamp quirks (FORMATS.md, 6.1-6.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "attest-time.h"

static void
check (const char *in,
       const char *expect)
{
  gint64 t;
  char buf[32];

  g_assert_cmpint (attest_time_parse (in, &t), ==, ATTEST_TIME_OK);
  attest_time_format_buf (t, buf);
  g_assert_cmpstr (buf, ==, expect);
}

static void
test_fraction_digits (void)
{
  check ("2021-03-23T12:29:10Z", "2021-03-23T12:29:10.0000000Z");
  check ("2021-03-23T12:29:10.7Z", "2021-03-23T12:29:10.7000000Z");
  check ("2021-03-23T12:29:10.789Z", "2021-03-23T12:29:10.7890000Z");
  check ("2021-03-23T12:29:10.005758Z", "2021-03-23T12:29:10.0057580Z");
  check ("2021-03-23T12:29:10.0810902Z", "2021-03-23T12:29:10.0810902Z");
  /* more than 7 digits: truncated on purpose */
  check ("2021-03-23T12:29:10.123456789Z", "2021-03-23T12:29:10.1234567Z");
  check ("2021-03-23T12:29Z", "2021-03-23T12:29:00.0000000Z");
}

static void
test_zones (void)
{
  check ("2022-09-07T21:23:59.5337218+00:00", "2022-09-07T21:23:59.5337218Z");
  check ("2022-09-07T23:23:59+02:00", "2022-09-07T21:23:59.0000000Z");
  check ("2022-09-07T15:23:59-0600", "2022-09-07T21:23:59.0000000Z");
  /* no zone = UTC (edgeAgent lastStartTimeUtc) */
  check ("2021-06-12T00:27:46.3838704", "2021-06-12T00:27:46.3838704Z");
  check ("2024-12-31T23:59:59.9999999Z", "2024-12-31T23:59:59.9999999Z");
  check ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000Z");
  check ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5000000Z");
}

static void
test_placeholders (void)
{
  gint64 t;

  g_assert_cmpint (attest_time_parse ("0001-01-01T00:00:00Z", &t), ==, ATTEST_TIME_UNKNOWN);
  g_assert_cmpint (attest_time_parse ("0001-01-01T00:00:00", &t), ==, ATTEST_TIME_UNKNOWN);
  g_assert_cmpint (attest_time_parse ("0001-01-01T00:00:00-06:00", &t), ==, ATTEST_TIME_UNKNOWN);
  g_assert_cmpint (attest_time_parse ("0001-01-01T00:00:00+00:00", &t), ==, ATTEST_TIME_UNKNOWN);
}

static void
test_portal_csv (void)
{
  check ("6/13/2024, 12:03:55.120 AM", "2024-06-13T00:03:55.1200000Z");
  check ("6/13/2024, 12:03:55.120 PM", "2024-06-13T12:03:55.1200000Z");
  check ("12/1/2025, 1:00:00 PM", "2025-12-01T13:00:00.0000000Z");
}

static void
test_invalid (void)
{
  const char *bad[] = {
    "", "yesterday", "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z", "2021-01-01T25:00:00Z",
    "2021-01-01T00:00:00ZZ", "2021-01-01T00:00:00+25:00", "2021-01-01T00:00:00.Z",
    "13/13/2024, 1:00:00 AM", "6/13/2024, 13:00:00 PM", "2021-01-01X00:00:00Z", NULL
  };
  gint64 t;
  guint i;

  for (i = 0; bad[i]; i++)
    g_assert_cmpint (attest_time_parse (bad[i], &t), ==, ATTEST_TIME_INVALID);
  g_assert_cmpint (attest_time_parse (NULL, &t), ==, ATTEST_TIME_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/fraction-digits", test_fraction_digits);
  g_test_add_func ("/time/zones", test_zones);
  g_test_add_func ("/time/placeholders", test_placeholders);
  g_test_add_func ("/time/portal-csv", test_portal_csv);
  g_test_add_func ("/time/invalid", test_invalid);
  return g_test_run ();
}
