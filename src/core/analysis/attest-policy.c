/* attest-policy.c: the governance policy the findings rules read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-analysis"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "attest-policy.h"

G_DEFINE_QUARK (attest-policy-error-quark, attest_policy_error)

static gboolean
fail (GError    **error,
      const char *path,
      const char *group,
      const char *key,
      const char *what)
{
  g_set_error (error, ATTEST_POLICY_ERROR, ATTEST_POLICY_ERROR_INVALID,
               _("%s: [%s] %s: %s"), path, group, key, what);
  return FALSE;
}

static gboolean
get_number (GKeyFile   *kf,
            const char *path,
            const char *group,
            const char *key,
            double      min,
            double      max,
            double     *out,
            GError    **error)
{
  g_autofree char *text = g_key_file_get_value (kf, group, key, NULL);
  char *end = NULL;
  double v;

  if (text == NULL)
    return fail (error, path, group, key, _("missing"));
  g_strstrip (text);
  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0')
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a number"), text);
      return fail (error, path, group, key, msg);
    }
  if (v < min || v > max)
    {
      g_autofree char *msg = g_strdup_printf (_("%g is outside %g–%g"), v, min, max);
      return fail (error, path, group, key, msg);
    }
  *out = v;
  return TRUE;
}

static char **
get_list (GKeyFile   *kf,
          const char *group,
          const char *key,
          gboolean    lower)
{
  g_autofree char *text = g_key_file_get_value (kf, group, key, NULL);
  g_auto(GStrv) parts = NULL;
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  if (text != NULL)
    {
      parts = g_strsplit (text, ";", -1);
      for (i = 0; parts[i]; i++)
        {
          char *p = g_strstrip (parts[i]);
          if (*p)
            g_ptr_array_add (out, lower ? g_ascii_strdown (p, -1) : g_strdup (p));
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static GHashTable *
get_map (GKeyFile   *kf,
         const char *group,
         gboolean    lower)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  g_auto(GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  guint i;

  for (i = 0; keys && keys[i]; i++)
    g_hash_table_insert (map, g_ascii_strdown (keys[i], -1), get_list (kf, group, keys[i], lower));
  return map;
}

AttestPolicy *
attest_policy_load (const char *path,
                    GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(AttestPolicy) p = g_new0 (AttestPolicy, 1);
  GError *local = NULL;
  const char *v;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, ATTEST_POLICY_ERROR, ATTEST_POLICY_ERROR_INVALID,
                   "%s: %s", path, local->message);
      g_error_free (local);
      return NULL;
    }
  p->path = g_strdup (path);
  p->approved_deployers = get_list (kf, "deployers", "approved", TRUE);
  p->required_model_tags = get_list (kf, "models", "required_tags", FALSE);
  p->allowed_regions = get_map (kf, "residency", TRUE);
  p->allowed_identities = get_map (kf, "identity", FALSE);

  if (!get_number (kf, path, "canary", "max_share", 0, 1, &p->canary_max_share, error)
      || !get_number (kf, path, "canary", "min_hours", 0, 24 * 365, &p->canary_min_hours, error)
      || !get_number (kf, path, "drift", "tolerance_hours", 0, 24 * 3650, &p->drift_tolerance_hours, error)
      || !get_number (kf, path, "staleness", "max_offline_days", 0, 3650, &p->max_offline_days, error)
      || !get_number (kf, path, "performance", "min_accuracy", 0, 1, &p->min_accuracy, error)
      || !get_number (kf, path, "performance", "max_accuracy_drop", 0, 1, &p->max_accuracy_drop, error)
      || !get_number (kf, path, "performance", "max_latency_ms", 0, 1e7, &p->max_latency_ms, error)
      || !get_number (kf, path, "performance", "max_share", 0, 1, &p->regression_max_share, error))
    return NULL;

  p->min_edge_runtime = g_key_file_get_value (kf, "staleness", "min_edge_runtime", NULL);
  if (p->min_edge_runtime == NULL)
    {
      fail (error, path, "staleness", "min_edge_runtime", _("missing"));
      return NULL;
    }
  g_strstrip (p->min_edge_runtime);
  for (v = p->min_edge_runtime; *v; v++)
    if (!g_ascii_isdigit (*v) && *v != '.')
      {
        g_autofree char *msg = g_strdup_printf (_("“%s” is not a version like 1.4"), p->min_edge_runtime);
        fail (error, path, "staleness", "min_edge_runtime", msg);
        return NULL;
      }
  if (g_strv_length (p->approved_deployers) == 0)
    {
      fail (error, path, "deployers", "approved", _("no approved deployer listed"));
      return NULL;
    }
  return g_steal_pointer (&p);
}

void
attest_policy_free (AttestPolicy *policy)
{
  if (policy == NULL)
    return;
  g_free (policy->path);
  g_strfreev (policy->approved_deployers);
  g_strfreev (policy->required_model_tags);
  g_clear_pointer (&policy->allowed_regions, g_hash_table_unref);
  g_clear_pointer (&policy->allowed_identities, g_hash_table_unref);
  g_free (policy->min_edge_runtime);
  g_free (policy);
}

gboolean
attest_policy_is_approved (const AttestPolicy *policy,
                           const char         *principal)
{
  g_autofree char *lower = NULL;

  if (principal == NULL)
    return FALSE;
  lower = g_ascii_strdown (principal, -1);
  return g_strv_contains ((const char *const *) policy->approved_deployers, lower);
}

const char *const *
attest_policy_allowed_regions (const AttestPolicy *policy,
                               const char         *data_class)
{
  g_autofree char *lower = data_class ? g_ascii_strdown (data_class, -1) : NULL;

  return lower ? g_hash_table_lookup (policy->allowed_regions, lower) : NULL;
}

const char *const *
attest_policy_allowed_identities (const AttestPolicy *policy,
                                  const char         *data_class)
{
  g_autofree char *lower = data_class ? g_ascii_strdown (data_class, -1) : NULL;

  return lower ? g_hash_table_lookup (policy->allowed_identities, lower) : NULL;
}
