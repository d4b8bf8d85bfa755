/* attest-event-list.c: a lazy GListModel of audit events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-store"

#include "config.h"

#include "attest-event-list.h"

#define PAGE        128
#define MAX_PAGES   24

struct _AttestEventList
{
  GObject            parent_instance;
  char              *db_path;
  AttestStore       *store;       /* main-thread connection for pages */
  AttestEventFilter *filter;      /* as last asked for */
  AttestEventFilter *applied;     /* what anchors and pages belong to */
  GArray            *anchors;     /* gint64: id of each page's first row */
  guint              n_items;
  GHashTable        *pages;       /* page index -> GPtrArray of AttestEvent */
  GQueue             lru;         /* page indexes, most recent first */
  GCancellable      *cancellable;
  GError            *error;
  gboolean           loading;
};

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COUNT,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AttestEventList, attest_event_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
attest_event_list_get_item_type (GListModel *model)
{
  return ATTEST_TYPE_EVENT;
}

static guint
attest_event_list_get_n_items (GListModel *model)
{
  return ATTEST_EVENT_LIST (model)->n_items;
}

static void
set_error (AttestEventList *self,
           const GError    *error)
{
  /* Reported once per distinct problem; the view shows it. */
  if (self->error != NULL && g_error_matches (self->error, error->domain, error->code)
      && g_strcmp0 (self->error->message, error->message) == 0)
    return;
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static GPtrArray *
fetch_page (AttestEventList *self,
            guint            page)
{
  GPtrArray *rows;
  g_autoptr(GError) error = NULL;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows != NULL)
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
      return rows;
    }
  if (self->store == NULL)
    {
      self->store = attest_store_open (self->db_path, ATTEST_STORE_OPEN_READONLY, &error);
      if (self->store == NULL)
        {
          set_error (self, error);
          return NULL;
        }
    }
  /* Until the count for a new filter is in, positions belong to the
   * previous one: page with that. */
  rows = attest_store_query_events (self->store, self->applied,
                                    g_array_index (self->anchors, gint64, page), PAGE, &error);
  if (rows == NULL)
    {
      set_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  while (g_queue_get_length (&self->lru) > MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
  return rows;
}

static gpointer
attest_event_list_get_item (GListModel *model,
                            guint       position)
{
  AttestEventList *self = ATTEST_EVENT_LIST (model);
  GPtrArray *rows;
  guint page = position / PAGE;
  guint index = position % PAGE;

  if (position >= self->n_items || page >= self->anchors->len)
    return NULL;
  rows = fetch_page (self, page);
  if (rows == NULL || index >= rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (rows, index));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = attest_event_list_get_item_type;
  iface->get_n_items = attest_event_list_get_n_items;
  iface->get_item = attest_event_list_get_item;
}

static void
attest_event_list_dispose (GObject *object)
{
  AttestEventList *self = ATTEST_EVENT_LIST (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (attest_event_list_parent_class)->dispose (object);
}

static void
attest_event_list_finalize (GObject *object)
{
  AttestEventList *self = ATTEST_EVENT_LIST (object);

  g_clear_pointer (&self->store, attest_store_unref);
  g_clear_pointer (&self->filter, attest_event_filter_free);
  g_clear_pointer (&self->applied, attest_event_filter_free);
  g_clear_pointer (&self->anchors, g_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_queue_clear (&self->lru);
  g_clear_error (&self->error);
  g_free (self->db_path);
  G_OBJECT_CLASS (attest_event_list_parent_class)->finalize (object);
}

static void
attest_event_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AttestEventList *self = ATTEST_EVENT_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COUNT:
      g_value_set_int64 (value, self->n_items);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attest_event_list_class_init (AttestEventListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = attest_event_list_dispose;
  object_class->finalize = attest_event_list_finalize;
  object_class->get_property = attest_event_list_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
attest_event_list_init (AttestEventList *self)
{
  self->anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->filter = attest_event_filter_new ();
  self->applied = attest_event_filter_new ();
}

AttestEventList *
attest_event_list_new (const char *db_path)
{
  AttestEventList *self = g_object_new (ATTEST_TYPE_EVENT_LIST, NULL);

  self->db_path = g_strdup (db_path);
  return self;
}

const AttestEventFilter *
attest_event_list_get_filter (AttestEventList *self)
{
  return self->filter;
}

gboolean
attest_event_list_get_loading (AttestEventList *self)
{
  return self->loading;
}

gint64
attest_event_list_get_count (AttestEventList *self)
{
  return self->n_items;
}

const GError *
attest_event_list_get_error (AttestEventList *self)
{
  return self->error;
}

typedef struct
{
  char              *db_path;
  AttestEventFilter *filter;
  GArray            *anchors;
  gint64             count;
} ScanData;

static void
scan_data_free (ScanData *d)
{
  g_free (d->db_path);
  attest_event_filter_free (d->filter);
  if (d->anchors)
    g_array_unref (d->anchors);
  g_free (d);
}

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *d = task_data;
  g_autoptr(AttestStore) store = NULL;
  GError *error = NULL;

  /* One connection per thread (DESIGN.md, Store). */
  store = attest_store_open (d->db_path, ATTEST_STORE_OPEN_READONLY, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  d->anchors = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!attest_store_scan_events (store, d->filter, PAGE, d->anchors, &d->count, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_loading (AttestEventList *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
scan_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AttestEventList) self = user_data;
  GTask *task = G_TASK (result);
  ScanData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint old_n;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Event scan cancelled");
          return;
        }
      set_error (self, error);
      attest_event_filter_free (self->applied);
      self->applied = g_steal_pointer (&d->filter);
      old_n = self->n_items;
      self->n_items = 0;
      g_array_set_size (self->anchors, 0);
      g_hash_table_remove_all (self->pages);
      g_queue_clear (&self->lru);
      set_loading (self, FALSE);
      if (old_n)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
      return;
    }

  if (self->error != NULL)
    {
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  attest_event_filter_free (self->applied);
  self->applied = g_steal_pointer (&d->filter);
  old_n = self->n_items;
  g_array_unref (self->anchors);
  self->anchors = g_steal_pointer (&d->anchors);
  self->n_items = (guint) MIN (d->count, G_MAXUINT);
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
  /* A fresh connection sees the newest commit. */
  g_clear_pointer (&self->store, attest_store_unref);
  set_loading (self, FALSE);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

void
attest_event_list_refresh (AttestEventList *self)
{
  g_autoptr(GTask) task = NULL;
  ScanData *d;

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  d = g_new0 (ScanData, 1);
  d->db_path = g_strdup (self->db_path);
  d->filter = attest_event_filter_copy (self->filter);

  task = g_task_new (NULL, self->cancellable, scan_done, g_object_ref (self));
  g_task_set_source_tag (task, attest_event_list_refresh);
  g_task_set_task_data (task, d, (GDestroyNotify) scan_data_free);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, scan_thread);
}

void
attest_event_list_set_filter (AttestEventList         *self,
                              const AttestEventFilter *filter)
{
  g_return_if_fail (ATTEST_IS_EVENT_LIST (self));

  attest_event_filter_free (self->filter);
  self->filter = attest_event_filter_copy (filter);
  attest_event_list_refresh (self);
}
