/* attest-time.h: Azure timestamps to and from 100 ns UTC ticks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every instant in the cache is a count of 100 ns ticks since 1970-01-01 UTC
 * (the precision .NET and Azure use), and its text form is always
 * "YYYY-MM-DDTHH:MM:SS.fffffffZ" so that text order is time order.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_TICKS_PER_SECOND G_GINT64_CONSTANT (10000000)
#define ATTEST_TICKS_PER_MS     G_GINT64_CONSTANT (10000)

typedef enum {
  ATTEST_TIME_INVALID = 0,
  ATTEST_TIME_OK,
  ATTEST_TIME_UNKNOWN,      /* 0001-01-01…: Azure's "never" placeholder */
} AttestTimeResult;

AttestTimeResult attest_time_parse        (const char *text,
                                           gint64     *ticks);
char            *attest_time_format       (gint64      ticks);
void             attest_time_format_buf   (gint64      ticks,
                                           char        buf[32]);
gint64           attest_time_from_civil   (int year, int month, int day,
                                           int hour, int minute, int second);
gint64           attest_time_now          (void);
GDateTime       *attest_time_to_datetime  (gint64      ticks);

G_END_DECLS
