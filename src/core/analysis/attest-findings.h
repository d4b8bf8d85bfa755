/* attest-findings.h: governance findings computed from the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rules are code (one function each, attest-rules-*.c), thresholds and
 * lists are data (AttestPolicy).  Findings are recomputed from the cache,
 * deterministically: the same cache and policy give the same findings, in
 * the same order, with the same ids — so a waiver written against an id
 * survives re-imports and recomputation.
 */
#pragma once

#include <glib.h>

#include "attest-policy.h"
#include "attest-store.h"

G_BEGIN_DECLS

#define ATTEST_FINDINGS_ERROR (attest_findings_error_quark ())
GQuark attest_findings_error_quark (void);

typedef enum {
  ATTEST_FINDINGS_ERROR_UNKNOWN_RULE,
  ATTEST_FINDINGS_ERROR_NOT_FOUND,
} AttestFindingsError;

typedef enum {
  ATTEST_SEVERITY_LOW = 1,
  ATTEST_SEVERITY_MEDIUM = 2,
  ATTEST_SEVERITY_HIGH = 3,
  ATTEST_SEVERITY_CRITICAL = 4,
} AttestSeverity;

/* One record that proves (part of) a finding. */
typedef struct
{
  char   *table;     /* "audit_events", "twin_snapshots", "deployment_versions",
                        "ml_assets", "identities", "devices" */
  gint64  row_id;    /* the row in that table */
  char   *label;     /* human form: event id, "device/module@twinVersion",
                        "configId@etag", "model:version" … */
} AttestEvidence;

typedef struct
{
  char          *id;            /* stable: "<rule>:<16 hex>" of rule + subject + key */
  char          *rule;          /* e.g. "weak-identity" */
  AttestSeverity severity;
  char          *subject_kind;  /* "device", "module", "deployment", "model-version", "event",
                                   "principal" */
  char          *subject;       /* e.g. "attest-demo-weu/cam-weu-0042" */
  char          *sentence;      /* one plain sentence, translated */
  gint64         at;            /* when it became true (ticks), ATTEST_TIME_NONE if not known */
  GPtrArray     *evidence;      /* AttestEvidence */
  /* Waiver, when one is recorded for this id (filled by attest_findings_compute). */
  char          *waived_by;
  char          *waiver_reason;
  gint64         waived_at;
} AttestFinding;

/* What a rule gets: the store (read-only), the policy and the reference
 * time ("now" of the cache: the newest record's time, so results do not
 * change with the wall clock). */
typedef struct _AttestRuleContext AttestRuleContext;

AttestStore        *attest_rule_context_get_store  (AttestRuleContext *ctx);
const AttestPolicy *attest_rule_context_get_policy (AttestRuleContext *ctx);
gint64              attest_rule_context_get_now    (AttestRuleContext *ctx);

/* Data rules share within one computation (e.g. the fleet at the
 * reference time, which several rules read): computed once, freed with
 * @destroy when the computation ends. */
gpointer            attest_rule_context_get_shared (AttestRuleContext *ctx,
                                                    const char        *key);
void                attest_rule_context_set_shared (AttestRuleContext *ctx,
                                                    const char        *key,
                                                    gpointer           data,
                                                    GDestroyNotify     destroy);

/* Called by rules: records a finding.  @key (with rule and subject)
 * makes the stable id; evidence is added with attest_finding_add_evidence()
 * on the returned finding (owned by the context). */
AttestFinding      *attest_rule_emit               (AttestRuleContext *ctx,
                                                    AttestSeverity     severity,
                                                    const char        *subject_kind,
                                                    const char        *subject,
                                                    const char        *key,
                                                    gint64             at,
                                                    const char        *sentence_format,
                                                    ...) G_GNUC_PRINTF (7, 8);
void                attest_finding_add_evidence    (AttestFinding     *finding,
                                                    const char        *table,
                                                    gint64             row_id,
                                                    const char        *label);

typedef gboolean (*AttestRuleFunc) (AttestRuleContext *ctx,
                                    GError           **error);

typedef struct
{
  const char     *id;           /* "no-canary" */
  const char     *title;        /* short, translatable */
  AttestRuleFunc  run;
} AttestRule;

/* The rules in the order they run and are listed. */
const AttestRule   *attest_rules_list              (guint             *n_rules);

/* Runs every rule (or only @rule_id), attaches recorded waivers, and returns
 * the findings sorted by rule order, then subject, then id. */
GPtrArray          *attest_findings_compute        (AttestStore        *store,
                                                    const AttestPolicy *policy,
                                                    const char         *rule_id,
                                                    GError            **error);
void                attest_finding_free            (AttestFinding     *finding);
const char         *attest_severity_to_string      (AttestSeverity     severity);
gboolean            attest_severity_from_string    (const char        *text,
                                                    AttestSeverity    *out);

G_END_DECLS
