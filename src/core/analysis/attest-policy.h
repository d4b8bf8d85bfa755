/* attest-policy.h: the governance policy the findings rules read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_POLICY_ERROR (attest_policy_error_quark ())
GQuark attest_policy_error_quark (void);

typedef enum {
  ATTEST_POLICY_ERROR_INVALID,
} AttestPolicyError;

typedef struct
{
  char        *path;                 /* where it was read from */
  char       **approved_deployers;   /* principals (lower-case) */
  double       canary_max_share;     /* 0..1 */
  double       canary_min_hours;
  double       drift_tolerance_hours;
  char       **required_model_tags;
  GHashTable  *allowed_regions;      /* data class -> GStrv of regions (lower-case) */
  GHashTable  *allowed_identities;   /* data class -> GStrv of auth types */
  double       max_offline_days;
  char        *min_edge_runtime;
  double       min_accuracy;
  double       max_accuracy_drop;
  double       max_latency_ms;
  double       regression_max_share; /* 0..1 */
} AttestPolicy;

/* Reads and validates a policy file: every value is checked (numbers,
 * ranges, a version string); an error names the file, group and key. */
AttestPolicy *attest_policy_load             (const char    *path,
                                              GError       **error);
void          attest_policy_free             (AttestPolicy  *policy);
gboolean      attest_policy_is_approved      (const AttestPolicy *policy,
                                              const char         *principal);
/* NULL when the data class has no restriction. */
const char *const *attest_policy_allowed_regions    (const AttestPolicy *policy,
                                                     const char         *data_class);
const char *const *attest_policy_allowed_identities (const AttestPolicy *policy,
                                                     const char         *data_class);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestPolicy, attest_policy_free)

G_END_DECLS
