/* attest-rules-private.h: the rule groups attest-findings.c runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each attest-rules-<group>.c exports one array of AttestRule ended by
 * an entry whose id is NULL.  attest_rules_list() concatenates them in
 * the order of DESIGN.md's rule table.
 */
#pragma once

#include "attest-findings.h"

G_BEGIN_DECLS

/* weak-identity, stale-device, residency, unregistered-model */
extern const AttestRule _attest_rules_fleet[];
/* no-canary, twin-drift, missing-audit */
extern const AttestRule _attest_rules_deployments[];
/* unapproved-deployer, undocumented-model, performance-regression */
extern const AttestRule _attest_rules_models[];

G_END_DECLS
