/* attest-rules-deployments.c: findings rules (see attest-rules-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <glib/gi18n.h>

#include "attest-rules-private.h"

const AttestRule _attest_rules_deployments[] = {
  { NULL, NULL, NULL }
};
