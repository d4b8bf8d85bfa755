/* attest-stat-tile.c: one figure of the Overview (a number, what it counts, a caption)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include "attest-stat-tile.h"

struct _AttestStatTile
{
  GtkWidget  parent_instance;
  GtkLabel  *value_label;
  GtkLabel  *title_label;
  GtkLabel  *caption_label;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_VALUE,
  PROP_CAPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AttestStatTile, attest_stat_tile, GTK_TYPE_WIDGET)

static void
attest_stat_tile_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), ATTEST_TYPE_STAT_TILE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (attest_stat_tile_parent_class)->dispose (object);
}

static void
attest_stat_tile_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AttestStatTile *self = ATTEST_STAT_TILE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, attest_stat_tile_get_title (self));
      break;
    case PROP_VALUE:
      g_value_set_string (value, attest_stat_tile_get_value (self));
      break;
    case PROP_CAPTION:
      g_value_set_string (value, attest_stat_tile_get_caption (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attest_stat_tile_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AttestStatTile *self = ATTEST_STAT_TILE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      attest_stat_tile_set_title (self, g_value_get_string (value));
      break;
    case PROP_VALUE:
      attest_stat_tile_set_value (self, g_value_get_string (value));
      break;
    case PROP_CAPTION:
      attest_stat_tile_set_caption (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attest_stat_tile_class_init (AttestStatTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = attest_stat_tile_dispose;
  object_class->get_property = attest_stat_tile_get_property;
  object_class->set_property = attest_stat_tile_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAPTION] =
    g_param_spec_string ("caption", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/edgeattest/Attest/widgets/attest-stat-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, AttestStatTile, value_label);
  gtk_widget_class_bind_template_child (widget_class, AttestStatTile, title_label);
  gtk_widget_class_bind_template_child (widget_class, AttestStatTile, caption_label);

  gtk_widget_class_set_css_name (widget_class, "stattile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
attest_stat_tile_init (AttestStatTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_label (AttestStatTile *self,
           GtkLabel       *label,
           const char     *text,
           GParamSpec     *pspec)
{
  if (g_strcmp0 (gtk_label_get_label (label), text ? text : "") == 0)
    return;
  gtk_label_set_label (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

const char *
attest_stat_tile_get_title (AttestStatTile *self)
{
  g_return_val_if_fail (ATTEST_IS_STAT_TILE (self), NULL);
  return gtk_label_get_label (self->title_label);
}

void
attest_stat_tile_set_title (AttestStatTile *self,
                            const char     *title)
{
  g_return_if_fail (ATTEST_IS_STAT_TILE (self));
  set_label (self, self->title_label, title, properties[PROP_TITLE]);
}

const char *
attest_stat_tile_get_value (AttestStatTile *self)
{
  g_return_val_if_fail (ATTEST_IS_STAT_TILE (self), NULL);
  return gtk_label_get_label (self->value_label);
}

void
attest_stat_tile_set_value (AttestStatTile *self,
                            const char     *value)
{
  g_return_if_fail (ATTEST_IS_STAT_TILE (self));
  set_label (self, self->value_label, value, properties[PROP_VALUE]);
}

const char *
attest_stat_tile_get_caption (AttestStatTile *self)
{
  g_return_val_if_fail (ATTEST_IS_STAT_TILE (self), NULL);
  return gtk_label_get_label (self->caption_label);
}

void
attest_stat_tile_set_caption (AttestStatTile *self,
                              const char     *caption)
{
  g_return_if_fail (ATTEST_IS_STAT_TILE (self));
  set_label (self, self->caption_label, caption, properties[PROP_CAPTION]);
}
