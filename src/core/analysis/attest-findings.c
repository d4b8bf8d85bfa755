/* attest-findings.c: running the rules, stable ids, waivers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/evp.h>

#include "attest-autocleanups.h"
#include "attest-rules-private.h"
#include "attest-time.h"

G_DEFINE_QUARK (attest-findings-error-quark, attest_findings_error)

struct _AttestRuleContext
{
  AttestStore        *store;
  const AttestPolicy *policy;
  gint64              now;
  const AttestRule   *rule;
  GPtrArray          *findings;   /* AttestFinding */
  GHashTable         *ids;        /* finding id -> AttestFinding (borrowed) */
  GHashTable         *shared;     /* key -> SharedData */
};

typedef struct
{
  gpointer       data;
  GDestroyNotify destroy;
} SharedData;

static void
shared_data_free (gpointer p)
{
  SharedData *sd = p;

  if (sd->destroy)
    sd->destroy (sd->data);
  g_free (sd);
}

gpointer
attest_rule_context_get_shared (AttestRuleContext *ctx,
                                const char        *key)
{
  SharedData *sd = g_hash_table_lookup (ctx->shared, key);

  return sd ? sd->data : NULL;
}

void
attest_rule_context_set_shared (AttestRuleContext *ctx,
                                const char        *key,
                                gpointer           data,
                                GDestroyNotify     destroy)
{
  SharedData *sd = g_new0 (SharedData, 1);

  sd->data = data;
  sd->destroy = destroy;
  g_hash_table_replace (ctx->shared, g_strdup (key), sd);
}

AttestStore *
attest_rule_context_get_store (AttestRuleContext *ctx)
{
  return ctx->store;
}

const AttestPolicy *
attest_rule_context_get_policy (AttestRuleContext *ctx)
{
  return ctx->policy;
}

gint64
attest_rule_context_get_now (AttestRuleContext *ctx)
{
  return ctx->now;
}

static void
evidence_free (gpointer data)
{
  AttestEvidence *e = data;

  g_free (e->table);
  g_free (e->label);
  g_free (e);
}

void
attest_finding_free (AttestFinding *f)
{
  if (f == NULL)
    return;
  g_free (f->id);
  g_free (f->rule);
  g_free (f->subject_kind);
  g_free (f->subject);
  g_free (f->sentence);
  g_clear_pointer (&f->evidence, g_ptr_array_unref);
  g_free (f->waived_by);
  g_free (f->waiver_reason);
  g_free (f);
}

static char *
stable_id (const char *rule,
           const char *subject,
           const char *key)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint8 digest[32];
  unsigned int n = 32;
  GString *id = g_string_new (rule);
  int i;

  g_string_append_printf (text, "%s\n%s\n%s", rule, subject, key ? key : "");
  EVP_Digest (text->str, text->len, digest, &n, EVP_sha256 (), NULL);
  g_string_append_c (id, ':');
  for (i = 0; i < 8; i++)
    g_string_append_printf (id, "%02x", digest[i]);
  return g_string_free (id, FALSE);
}

AttestFinding *
attest_rule_emit (AttestRuleContext *ctx,
                  AttestSeverity     severity,
                  const char        *subject_kind,
                  const char        *subject,
                  const char        *key,
                  gint64             at,
                  const char        *sentence_format,
                  ...)
{
  g_autofree char *id = stable_id (ctx->rule->id, subject, key);
  AttestFinding *f;
  va_list args;

  /* The same subject and key twice is one finding: keep the first. */
  f = g_hash_table_lookup (ctx->ids, id);
  if (f != NULL)
    return f;

  f = g_new0 (AttestFinding, 1);
  f->id = g_steal_pointer (&id);
  f->rule = g_strdup (ctx->rule->id);
  f->severity = severity;
  f->subject_kind = g_strdup (subject_kind);
  f->subject = g_strdup (subject);
  f->at = at;
  f->waived_at = ATTEST_TIME_NONE;
  f->evidence = g_ptr_array_new_with_free_func (evidence_free);
  va_start (args, sentence_format);
  f->sentence = g_strdup_vprintf (sentence_format, args);
  va_end (args);
  g_ptr_array_add (ctx->findings, f);
  g_hash_table_insert (ctx->ids, f->id, f);
  return f;
}

void
attest_finding_add_evidence (AttestFinding *finding,
                             const char    *table,
                             gint64         row_id,
                             const char    *label)
{
  AttestEvidence *e;
  guint i;

  for (i = 0; i < finding->evidence->len; i++)
    {
      AttestEvidence *have = g_ptr_array_index (finding->evidence, i);
      if (have->row_id == row_id && g_strcmp0 (have->table, table) == 0)
        return;
    }
  e = g_new0 (AttestEvidence, 1);
  e->table = g_strdup (table);
  e->row_id = row_id;
  e->label = g_strdup (label);
  g_ptr_array_add (finding->evidence, e);
}

const AttestRule *
attest_rules_list (guint *n_rules)
{
  static GArray *rules;

  if (g_once_init_enter (&rules))
    {
      /* DESIGN.md's rule table order. */
      const AttestRule *groups[] = { _attest_rules_models, _attest_rules_deployments, _attest_rules_fleet };
      static const char *order[] = {
        "unapproved-deployer", "no-canary", "twin-drift", "unregistered-model", "undocumented-model",
        "residency", "weak-identity", "stale-device", "missing-audit", "performance-regression",
      };
      GArray *all = g_array_new (FALSE, FALSE, sizeof (AttestRule));
      guint g, i, o;

      for (o = 0; o < G_N_ELEMENTS (order); o++)
        for (g = 0; g < G_N_ELEMENTS (groups); g++)
          for (i = 0; groups[g][i].id != NULL; i++)
            if (g_str_equal (groups[g][i].id, order[o]))
              g_array_append_val (all, groups[g][i]);
      g_once_init_leave (&rules, all);
    }
  *n_rules = rules->len;
  return (const AttestRule *) rules->data;
}

static gint64
cache_now (AttestStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = ATTEST_TIME_NONE;

  /* The newest evidence in the cache, not the wall clock: findings on the
   * same cache never change with the day they are computed. */
  if (sqlite3_prepare_v2 (attest_store_get_db (store),
                          "SELECT max (t) FROM ("
                          "  SELECT (max (id) >> 6) * 10000 AS t FROM audit_events"
                          "  UNION ALL SELECT max (changed_at) FROM twin_snapshots"
                          "  UNION ALL SELECT max (last_activity) FROM twin_snapshots"
                          "  UNION ALL SELECT max (coalesce (updated_at, created_at)) FROM deployment_versions)",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    now = sqlite3_column_int64 (stmt, 0);
  return now;
}

static gboolean
attach_waivers (AttestStore *store,
                GHashTable  *ids,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (attest_store_get_db (store),
                           "SELECT finding_id, waived_by, reason, created_at FROM waivers "
                           "ORDER BY created_at, id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "reading waivers: %s", sqlite3_errmsg (attest_store_get_db (store)));
      return FALSE;
    }
  /* The newest waiver of a finding is the one in force. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AttestFinding *f = g_hash_table_lookup (ids, sqlite3_column_text (stmt, 0));

      if (f == NULL)
        continue;
      g_free (f->waived_by);
      g_free (f->waiver_reason);
      f->waived_by = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      f->waiver_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      f->waived_at = sqlite3_column_int64 (stmt, 3);
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_SQLITE,
                   "reading waivers: %s", sqlite3_errmsg (attest_store_get_db (store)));
      return FALSE;
    }
  return TRUE;
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const AttestFinding *x = *(AttestFinding **) a;
  const AttestFinding *y = *(AttestFinding **) b;
  GHashTable *rank = user_data;
  int rx = GPOINTER_TO_INT (g_hash_table_lookup (rank, x->rule));
  int ry = GPOINTER_TO_INT (g_hash_table_lookup (rank, y->rule));
  int c;

  if (rx != ry)
    return rx < ry ? -1 : 1;
  c = g_strcmp0 (x->subject, y->subject);
  if (c != 0)
    return c;
  return g_strcmp0 (x->id, y->id);
}

GPtrArray *
attest_findings_compute (AttestStore        *store,
                         const AttestPolicy *policy,
                         const char         *rule_id,
                         GError            **error)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_finding_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) rank = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shared_data_free);
  const AttestRule *rules;
  AttestRuleContext ctx = { 0 };
  gboolean found = rule_id == NULL;
  guint n, i;

  rules = attest_rules_list (&n);
  ctx.store = store;
  ctx.policy = policy;
  ctx.now = cache_now (store);
  ctx.findings = findings;
  ctx.ids = ids;
  ctx.shared = shared;

  for (i = 0; i < n; i++)
    {
      g_hash_table_insert (rank, (gpointer) rules[i].id, GINT_TO_POINTER (i + 1));
      if (rule_id != NULL && !g_str_equal (rule_id, rules[i].id))
        continue;
      found = TRUE;
      ctx.rule = &rules[i];
      if (!rules[i].run (&ctx, error))
        {
          g_prefix_error (error, _("rule %s: "), rules[i].id);
          return NULL;
        }
    }
  if (!found)
    {
      g_set_error (error, ATTEST_FINDINGS_ERROR, ATTEST_FINDINGS_ERROR_UNKNOWN_RULE,
                   _("There is no rule “%s”"), rule_id);
      return NULL;
    }
  if (!attach_waivers (store, ids, error))
    return NULL;
  g_ptr_array_sort_with_data (findings, compare_findings, rank);
  return g_steal_pointer (&findings);
}

const char *
attest_severity_to_string (AttestSeverity severity)
{
  switch (severity)
    {
    case ATTEST_SEVERITY_LOW: return "low";
    case ATTEST_SEVERITY_MEDIUM: return "medium";
    case ATTEST_SEVERITY_HIGH: return "high";
    case ATTEST_SEVERITY_CRITICAL: return "critical";
    default: return "?";
    }
}

gboolean
attest_severity_from_string (const char     *text,
                             AttestSeverity *out)
{
  AttestSeverity s;

  for (s = ATTEST_SEVERITY_LOW; s <= ATTEST_SEVERITY_CRITICAL; s++)
    if (text && g_ascii_strcasecmp (text, attest_severity_to_string (s)) == 0)
      {
        *out = s;
        return TRUE;
      }
  return FALSE;
}
