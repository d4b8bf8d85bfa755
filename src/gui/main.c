/* main.c: the attest desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-gui"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "attest-application.h"
#include "attest-resources.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AttestApplication) app = NULL;

  /* The resources live in a static library: register them by hand. */
  attest_register_resource ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = attest_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
