/* attest-version.h: ordering model and runtime versions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Orders model versions: semantic versions numerically by component
 * ("3.10.0" > "3.9.2", "3.1" == "3.1.0", "2.0.0-rc1" < "2.0.0", build
 * metadata after '+' ignored, a leading 'v' ignored), plain integers
 * numerically; non-numeric components compare bytewise and after numeric
 * ones.  NULL sorts first.  Returns <0, 0, >0. */
int attest_version_compare (const char *a,
                            const char *b);

G_END_DECLS
