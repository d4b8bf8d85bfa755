/* attest-event-query.c: reading audit events (search, filters, keyset pages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every query walks ids newest first: rowid order is time order, so full-
 * text hits come in FTS5 index order and pages are keyset ranges
 * (PERF.md, 4, DB B).  All values are bound, never spliced.
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "attest-autocleanups.h"
#include "attest-event-query.h"
#include "attest-store-private.h"
#include "attest-time.h"

/* ---------------------------------------------------------------------- */
/* AttestEvent */

enum {
  COL_ID, COL_EVENT_ID, COL_TS, COL_KIND, COL_CATEGORY, COL_CALLER, COL_OPERATION,
  COL_STATUS, COL_LEVEL, COL_RESOURCE_ID, COL_HUB, COL_TARGET, COL_CORRELATION_ID,
  N_COLS
};

#define EVENT_COLUMNS "e.id, e.event_id, e.ts, e.kind, e.category, e.caller, e.operation, " \
                      "e.status, e.level, e.resource_id, e.hub, e.target, e.correlation_id"

struct _AttestEvent
{
  GObject  parent_instance;
  gint64   id;
  char    *text[N_COLS];
};

enum {
  PROP_0,
  PROP_EVENT_ID,
  PROP_TIME,
  PROP_KIND,
  PROP_CATEGORY,
  PROP_CALLER,
  PROP_OPERATION,
  PROP_STATUS,
  PROP_LEVEL,
  PROP_RESOURCE_ID,
  PROP_HUB,
  PROP_TARGET,
  PROP_CORRELATION_ID,
  N_PROPS
};

static GParamSpec *event_props[N_PROPS];

G_DEFINE_FINAL_TYPE (AttestEvent, attest_event, G_TYPE_OBJECT)

static void
attest_event_finalize (GObject *object)
{
  AttestEvent *self = ATTEST_EVENT (object);
  guint i;

  for (i = 0; i < N_COLS; i++)
    g_free (self->text[i]);
  G_OBJECT_CLASS (attest_event_parent_class)->finalize (object);
}

static void
attest_event_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AttestEvent *self = ATTEST_EVENT (object);

  /* PROP_EVENT_ID .. PROP_CORRELATION_ID map to COL_EVENT_ID .. */
  if (prop_id >= PROP_EVENT_ID && prop_id < N_PROPS)
    g_value_set_string (value, self->text[prop_id - PROP_EVENT_ID + COL_EVENT_ID]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
attest_event_class_init (AttestEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *names[N_PROPS] = {
    NULL, "event-id", "time", "kind", "category", "caller", "operation", "status",
    "level", "resource-id", "hub", "target", "correlation-id",
  };
  guint i;

  object_class->finalize = attest_event_finalize;
  object_class->get_property = attest_event_get_property;

  for (i = 1; i < N_PROPS; i++)
    event_props[i] = g_param_spec_string (names[i], NULL, NULL, NULL,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, event_props);
}

static void
attest_event_init (AttestEvent *self)
{
}

static AttestEvent *
event_from_row (sqlite3_stmt *stmt)
{
  AttestEvent *self = g_object_new (ATTEST_TYPE_EVENT, NULL);
  guint i;

  self->id = sqlite3_column_int64 (stmt, COL_ID);
  for (i = COL_EVENT_ID; i < N_COLS; i++)
    self->text[i] = g_strdup ((const char *) sqlite3_column_text (stmt, i));
  return self;
}

gint64 attest_event_get_id (AttestEvent *self) { return self->id; }
const char *attest_event_get_event_id (AttestEvent *self) { return self->text[COL_EVENT_ID]; }
const char *attest_event_get_time (AttestEvent *self) { return self->text[COL_TS]; }
const char *attest_event_get_kind (AttestEvent *self) { return self->text[COL_KIND]; }
const char *attest_event_get_category (AttestEvent *self) { return self->text[COL_CATEGORY]; }
const char *attest_event_get_caller (AttestEvent *self) { return self->text[COL_CALLER]; }
const char *attest_event_get_operation (AttestEvent *self) { return self->text[COL_OPERATION]; }
const char *attest_event_get_status (AttestEvent *self) { return self->text[COL_STATUS]; }
const char *attest_event_get_level (AttestEvent *self) { return self->text[COL_LEVEL]; }
const char *attest_event_get_resource_id (AttestEvent *self) { return self->text[COL_RESOURCE_ID]; }
const char *attest_event_get_hub (AttestEvent *self) { return self->text[COL_HUB]; }
const char *attest_event_get_target (AttestEvent *self) { return self->text[COL_TARGET]; }
const char *attest_event_get_correlation_id (AttestEvent *self) { return self->text[COL_CORRELATION_ID]; }

/* ---------------------------------------------------------------------- */
/* filters */

AttestEventFilter *
attest_event_filter_new (void)
{
  AttestEventFilter *f = g_new0 (AttestEventFilter, 1);

  f->since = ATTEST_TIME_NONE;
  f->until = ATTEST_TIME_NONE;
  return f;
}

AttestEventFilter *
attest_event_filter_copy (const AttestEventFilter *filter)
{
  AttestEventFilter *f = attest_event_filter_new ();

  if (filter == NULL)
    return f;
  f->text = g_strdup (filter->text);
  f->since = filter->since;
  f->until = filter->until;
  f->caller = g_strdup (filter->caller);
  f->operation = g_strdup (filter->operation);
  f->status = g_strdup (filter->status);
  f->hub = g_strdup (filter->hub);
  return f;
}

void
attest_event_filter_free (AttestEventFilter *f)
{
  if (f == NULL)
    return;
  g_free (f->text);
  g_free (f->caller);
  g_free (f->operation);
  g_free (f->status);
  g_free (f->hub);
  g_free (f);
}

gboolean
attest_event_filter_equal (const AttestEventFilter *a,
                           const AttestEventFilter *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->text, b->text) == 0 && a->since == b->since && a->until == b->until
         && g_strcmp0 (a->caller, b->caller) == 0 && g_strcmp0 (a->operation, b->operation) == 0
         && g_strcmp0 (a->status, b->status) == 0 && g_strcmp0 (a->hub, b->hub) == 0;
}

static void
append_phrase (GString    *out,
               const char *text,
               gsize       len)
{
  gsize i;

  g_string_append_c (out, '"');
  for (i = 0; i < len; i++)
    {
      if (text[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, text[i]);
    }
  g_string_append_c (out, '"');
}

gboolean
attest_text_is_guid (const char *s,
                     gsize       len)
{
  static const guint8 groups[] = { 8, 4, 4, 4, 12 };
  gsize i = 0;
  guint g, k;

  if (len != 36)
    return FALSE;
  for (g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      for (k = 0; k < groups[g]; k++, i++)
        if (!g_ascii_isxdigit (s[i]))
          return FALSE;
      if (g + 1 < G_N_ELEMENTS (groups) && s[i++] != '-')
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_operator (const char *t)
{
  return g_str_equal (t, "AND") || g_str_equal (t, "OR") || g_str_equal (t, "NOT");
}

char *
attest_fts_expression (const char *text)
{
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  GString *out;
  const char *p = text;
  gboolean need_operand = TRUE;
  guint i;

  if (text == NULL)
    return NULL;

  /* Split into tokens; "…" keeps spaces. */
  while (*p)
    {
      const char *start;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      start = p;
      if (*p == '"')
        {
          p++;
          while (*p && *p != '"')
            p++;
          if (*p == '"')
            p++;
        }
      else
        {
          while (*p && !g_ascii_isspace (*p))
            {
              if (*p == '"')
                {
                  p++;
                  while (*p && *p != '"')
                    p++;
                  if (*p == '"')
                    p++;
                }
              else
                p++;
            }
        }
      g_ptr_array_add (terms, g_strndup (start, p - start));
    }

  out = g_string_new (NULL);
  for (i = 0; i < terms->len; i++)
    {
      const char *t = g_ptr_array_index (terms, i);
      const char *colon;
      const char *column = NULL;
      gsize len;
      gboolean prefix = FALSE;
      g_autofree char *word = NULL;

      if (is_operator (t))
        {
          /* Only between two operands (NOT too: FTS5's NOT is binary). */
          if (!need_operand && i + 1 < terms->len && !is_operator (g_ptr_array_index (terms, i + 1)))
            {
              g_string_append_printf (out, " %s ", t);
              need_operand = TRUE;
              continue;
            }
          /* otherwise search for the word itself */
        }

      colon = strchr (t, ':');
      if (colon && t[0] != '"')
        {
          g_autofree char *col = g_ascii_strdown (t, colon - t);
          if (g_str_equal (col, "caller") || g_str_equal (col, "operation") || g_str_equal (col, "search"))
            {
              column = g_intern_string (col);
              t = colon + 1;
            }
        }
      word = g_strdup (t);
      len = strlen (word);
      if (len > 0 && word[len - 1] == '*')
        {
          prefix = TRUE;
          word[--len] = '\0';
        }
      /* Strip the quotes of a "phrase", matched or not. */
      if (len > 0 && word[0] == '"')
        {
          memmove (word, word + 1, len);
          len--;
        }
      if (len > 0 && word[len - 1] == '"')
        word[--len] = '\0';
      /* A phrase of nothing but punctuation matches nothing; skip it. */
      {
        gboolean has_alnum = FALSE;
        gsize k;
        for (k = 0; k < len; k++)
          if (g_ascii_isalnum (word[k]) || (guchar) word[k] >= 0x80)
            has_alnum = TRUE;
        if (!has_alnum)
          continue;
      }

      if (!need_operand)
        g_string_append_c (out, ' ');
      if (column)
        g_string_append_printf (out, "%s : ", column);
      if (attest_text_is_guid (word, len))
        {
          /* Indexed as one token in the search text (hex digits only) and
           * as five in the caller column: either way matches. */
          g_autoptr(GString) compact = g_string_new (NULL);
          gsize k;

          for (k = 0; k < len; k++)
            if (word[k] != '-')
              g_string_append_c (compact, g_ascii_tolower (word[k]));
          g_string_append_c (out, '(');
          append_phrase (out, word, len);
          g_string_append (out, " OR ");
          append_phrase (out, compact->str, compact->len);
          g_string_append_c (out, ')');
        }
      else
        {
          append_phrase (out, word, len);
          if (prefix)
            g_string_append_c (out, '*');
        }
      need_operand = FALSE;
    }

  /* A trailing operator (only possible if every later term was skipped). */
  if (need_operand && out->len > 0)
    {
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      if (g_str_has_suffix (out->str, "AND") || g_str_has_suffix (out->str, "NOT"))
        g_string_truncate (out, out->len - 3);
      else if (g_str_has_suffix (out->str, "OR"))
        g_string_truncate (out, out->len - 2);
    }
  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* SQL */

typedef struct
{
  GString *sql;
  char    *match;
  gint64   lo;
  gint64   hi;
  gboolean fts;
  gboolean post;
} Plan;

static void
plan_clear (Plan *plan)
{
  if (plan->sql)
    g_string_free (plan->sql, TRUE);
  g_free (plan->match);
}

gint64
attest_event_id_first (gint64 ticks)
{
  return (ticks >= 0 ? ticks / ATTEST_TICKS_PER_MS
                     : -((-ticks + ATTEST_TICKS_PER_MS - 1) / ATTEST_TICKS_PER_MS)) * 64;
}

gint64
attest_event_id_last (gint64 ticks)
{
  return attest_event_id_first (ticks) + 63;
}

gint64
attest_event_id_time (gint64 id)
{
  return (id >> 6) * ATTEST_TICKS_PER_MS;
}

/* Builds "… WHERE …" shared by pages and scans.  Parameters: ?1 match,
 * ?2 upper id, ?3 lower id, ?4 status, ?5 hub (only those used are named). */
static void
plan_build (Plan                    *plan,
            const AttestEventFilter *f,
            const char              *select_fts,
            const char              *select_plain)
{
  GString *match = g_string_new (NULL);
  g_autofree char *text = f ? attest_fts_expression (f->text) : NULL;
  g_autofree char *caller = NULL;
  g_autofree char *operation = NULL;

  if (f && f->caller && *f->caller)
    {
      g_autofree char *q = g_strdup_printf ("\"%s\"", f->caller);
      g_autofree char *inner = attest_fts_expression (q);
      if (inner)
        caller = g_strconcat ("caller : ", inner, NULL);
    }
  if (f && f->operation && *f->operation)
    {
      g_autofree char *q = g_strdup_printf ("\"%s\"", f->operation);
      g_autofree char *inner = attest_fts_expression (q);
      if (inner)
        operation = g_strconcat ("operation : ", inner, NULL);
    }
  if (text)
    g_string_append_printf (match, "(%s)", text);
  if (caller)
    g_string_append_printf (match, "%s%s", match->len ? " AND " : "", caller);
  if (operation)
    g_string_append_printf (match, "%s%s", match->len ? " AND " : "", operation);

  plan->fts = match->len > 0;
  plan->match = g_string_free (match, !plan->fts);
  plan->lo = f && f->since != ATTEST_TIME_NONE ? attest_event_id_first (f->since) : G_MININT64;
  plan->hi = f && f->until != ATTEST_TIME_NONE ? attest_event_id_last (f->until) : G_MAXINT64;
  plan->post = f && ((f->status && *f->status) || (f->hub && *f->hub));

  plan->sql = g_string_new (plan->fts ? select_fts : select_plain);
  if (plan->fts)
    g_string_append (plan->sql, " WHERE audit_fts MATCH ?1 AND f.rowid <= ?2 AND f.rowid >= ?3");
  else
    g_string_append (plan->sql, " WHERE e.id <= ?2 AND e.id >= ?3");
  if (f && f->status && *f->status)
    g_string_append (plan->sql, " AND e.status = ?4 COLLATE NOCASE");
  if (f && f->hub && *f->hub)
    g_string_append (plan->sql, " AND e.hub = ?5 COLLATE NOCASE");
  g_string_append (plan->sql, plan->fts ? " ORDER BY f.rowid DESC" : " ORDER BY e.id DESC");
}

static void
plan_bind (Plan                    *plan,
           sqlite3_stmt            *stmt,
           const AttestEventFilter *f,
           gint64                   max_id)
{
  if (plan->fts)
    sqlite3_bind_text (stmt, 1, plan->match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, MIN (max_id, plan->hi));
  sqlite3_bind_int64 (stmt, 3, plan->lo);
  if (f && f->status && *f->status)
    sqlite3_bind_text (stmt, 4, f->status, -1, SQLITE_TRANSIENT);
  if (f && f->hub && *f->hub)
    sqlite3_bind_text (stmt, 5, f->hub, -1, SQLITE_TRANSIENT);
}

static gboolean
search_error (AttestStore *store,
              int          rc,
              GError     **error)
{
  const char *msg = sqlite3_errmsg (attest_store_get_db (store));

  if (msg && g_str_has_prefix (msg, "fts5:"))
    {
      g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_INVALID,
                   _("The search could not be understood (%s)"), msg + 6);
      return FALSE;
    }
  return _attest_sqlite_error (attest_store_get_db (store), rc, error, "searching events");
}

GPtrArray *
attest_store_query_events (AttestStore             *store,
                           const AttestEventFilter *filter,
                           gint64                   max_id,
                           guint                    limit,
                           GError                 **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Plan plan = { 0 };
  int rc;

  plan_build (&plan, filter,
              "SELECT " EVENT_COLUMNS " FROM audit_fts f JOIN audit_events e ON e.id = f.rowid",
              "SELECT " EVENT_COLUMNS " FROM audit_events e");
  g_string_append (plan.sql, " LIMIT ?6");
  if (!_attest_store_prepare (store, plan.sql->str, &stmt, error))
    {
      plan_clear (&plan);
      return NULL;
    }
  plan_bind (&plan, stmt, filter, max_id);
  sqlite3_bind_int (stmt, 6, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, event_from_row (stmt));
  plan_clear (&plan);
  if (rc != SQLITE_DONE)
    {
      search_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gboolean
attest_store_scan_events (AttestStore             *store,
                          const AttestEventFilter *filter,
                          guint                    stride,
                          GArray                  *anchors,
                          gint64                  *count,
                          GCancellable            *cancellable,
                          GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Plan plan = { 0 };
  gint64 n = 0;
  int rc;

  g_return_val_if_fail (stride > 0, FALSE);

  plan_build (&plan, filter,
              "SELECT f.rowid FROM audit_fts f JOIN audit_events e ON e.id = f.rowid",
              NULL);
  if (!plan.fts)
    {
      g_string_free (plan.sql, TRUE);
      plan.sql = NULL;
      plan_build (&plan, filter, NULL,
                  plan.post ? "SELECT e.id FROM audit_events e"
                            : "SELECT e.id FROM audit_events e INDEXED BY audit_events_ids");
    }
  else if (!plan.post)
    {
      /* No post-filter: the index alone answers. */
      g_string_free (plan.sql, TRUE);
      g_free (plan.match);
      plan.sql = NULL;
      plan.match = NULL;
      plan_build (&plan, filter, "SELECT f.rowid FROM audit_fts f", NULL);
    }
  if (!_attest_store_prepare (store, plan.sql->str, &stmt, error))
    {
      plan_clear (&plan);
      return FALSE;
    }
  plan_bind (&plan, stmt, filter, G_MAXINT64);
  g_array_set_size (anchors, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n % stride == 0)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (anchors, id);
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              plan_clear (&plan);
              return FALSE;
            }
        }
      n++;
    }
  plan_clear (&plan);
  if (rc != SQLITE_DONE)
    return search_error (store, rc, error);
  *count = n;
  return TRUE;
}

char *
attest_store_get_event_raw (AttestStore *store,
                            gint64       id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_attest_store_prepare (store, "SELECT raw FROM audit_events WHERE id = ?", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    g_set_error (error, ATTEST_STORE_ERROR, ATTEST_STORE_ERROR_NOT_FOUND,
                 _("Event %" G_GINT64_FORMAT " is not in the workspace"), id);
  else
    _attest_sqlite_error (attest_store_get_db (store), rc, error, "reading an event");
  return NULL;
}
