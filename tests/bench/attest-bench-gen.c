/* attest-bench-gen.c: deterministic activity-log events for the benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes N Azure activity-log events (the REST/az shape of
 * /work/shared/fixtures/azure/activitylog-event-administrative.json), one
 * per line, ~640 bytes each.  The output depends only on --count and
 * --seed: the same arguments give the same bytes on every machine, so the
 * file can be cached by its SHA-256 (printed on stdout when done).
 *
 * Shape of the data (PERF.md, 1):
 *  - eventTimestamp spans 6 months from 2024-01-01, mostly increasing with
 *    +-20 s jitter, 0.5 % of events late by up to 30 min; 1-7 fractional
 *    digits (70 % have all 7).
 *  - caller: 400 UPNs (80 % of events) and 40 service-principal GUIDs;
 *    the first UPN, vera.becker@northwind.io, is the caller the query
 *    benchmark searches for.
 *  - ~22 operations on Microsoft.Devices IoT hubs, Azure ML workspaces and
 *    Microsoft.Authorization, with full ARM resource ids.
 *  - properties.description: 6-12 words; "firmware" in 10 % of the events,
 *    "quarantine" in 0.2 % (the rare word); 1 % of the lines carry \" or
 *    \\ or \u00e9 escapes.
 *
 * Usage: attest-bench-gen [--count N] [--seed S] [--version] OUTFILE|-
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>

/* Bump when the output for a given --count/--seed changes. */
#define GEN_FORMAT_VERSION "attest-bench-gen 1"

/* ---------------------------------------------------------------------- */
/* PRNG: splitmix64, so the stream never depends on GLib's GRand. */

static guint64 rng_state;

static guint64
rng_next (void)
{
  guint64 z = (rng_state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static guint32
rng_below (guint32 n)
{
  return (guint32) (((rng_next () >> 32) * (guint64) n) >> 32);
}

/* TRUE with probability per_million / 1e6. */
static gboolean
rng_chance (guint32 per_million)
{
  return rng_below (1000000) < per_million;
}

/* ---------------------------------------------------------------------- */
/* vocabulary */

static const char *first_names[] = {
  "vera", "liam", "olivia", "noah", "emma", "lucas", "mia", "elias", "sofia", "jonas",
  "hannah", "felix", "lea", "paul", "clara", "leon", "ida", "finn", "mila", "ben",
  "amira", "yusuf", "priya", "arjun", "mei", "hiro", "sakura", "omar", "fatima", "diego",
  "lucia", "mateo", "ingrid", "sven", "freya", "anna", "marek", "zofia", "pieter", "chloe",
};
static const char *last_names[] = {
  "becker", "schmidt", "novak", "larsen", "rossi", "garcia", "kowalski", "nguyen",
  "tanaka", "okafor", "dubois", "jensen", "silva", "murphy", "kim", "haddad",
  "fischer", "weber", "ivanova", "moreau",
};
static const char *domains[] = { "northwind.io", "contoso.com", "fabrikam.com" };

static const char *spn_names[] = {
  "iot-deploy-pipeline", "fleet-provisioner", "ml-training-runner", "edge-config-sync",
  "terraform-prod", "cert-rotator", "azure-devops-release", "monitoring-agent",
};

static const char *words[] = {
  "deployment", "rollout", "configuration", "edge", "module", "gateway", "policy",
  "certificate", "rotation", "sensor", "telemetry", "pipeline", "release", "canary",
  "ring", "update", "scheduled", "maintenance", "window", "approved", "change",
  "requested", "operations", "team", "line", "plant", "calibration", "registry",
  "model", "training", "inference", "endpoint", "scoring", "dataset", "retention",
  "backup", "restore", "network", "route", "storage", "keys", "access", "review",
  "quarterly", "audit", "compliance", "baseline", "hotfix", "patch", "vision",
  "anomaly", "detector", "packaging", "conveyor", "robot", "cell", "shift", "night",
  "weekend", "emergency", "automated", "manual", "rollback", "validation", "staging",
  "production", "region", "westeurope", "northeurope", "eastus", "capacity", "scale",
};

static const char *cities[] = {
  "hamburg", "lyon", "porto", "gdansk", "brno", "tampere", "graz", "malmo",
  "bilbao", "turin", "ghent", "aarhus",
};

static const char *ml_models[] = {
  "defect-detector", "vibration-anomaly", "ocr-labels", "pallet-counter",
  "weld-inspector", "energy-forecast",
};

typedef enum { RES_HUB, RES_HUB_CHILD, RES_WS, RES_WS_CHILD, RES_ROLE } ResKind;

typedef struct
{
  const char *value;
  const char *localized;
  ResKind     res;
  const char *child;    /* path below the hub or workspace, NULL if none */
  const char *ok_code;  /* statusCode on success */
} Operation;

static const Operation operations[] = {
  { "Microsoft.Devices/IotHubs/write", "Create or update IotHub", RES_HUB, NULL, "OK" },
  { "Microsoft.Devices/IotHubs/delete", "Delete IotHub", RES_HUB, NULL, "OK" },
  { "Microsoft.Devices/IotHubs/listkeys/action", "List IotHub keys", RES_HUB, NULL, "OK" },
  { "Microsoft.Devices/IotHubs/IotHubKeys/listkeys/action", "Get IotHub key", RES_HUB, NULL, "OK" },
  { "Microsoft.Devices/IotHubs/eventHubEndpoints/consumerGroups/write", "Create consumer group", RES_HUB_CHILD, "eventHubEndpoints/events/consumerGroups/", "Created" },
  { "Microsoft.Devices/IotHubs/eventHubEndpoints/consumerGroups/delete", "Delete consumer group", RES_HUB_CHILD, "eventHubEndpoints/events/consumerGroups/", "OK" },
  { "Microsoft.Devices/IotHubs/certificates/write", "Write certificate", RES_HUB_CHILD, "certificates/", "Created" },
  { "Microsoft.Devices/IotHubs/certificates/delete", "Delete certificate", RES_HUB_CHILD, "certificates/", "OK" },
  { "Microsoft.Devices/IotHubs/exportDevices/action", "Export devices", RES_HUB, NULL, "Accepted" },
  { "Microsoft.Devices/IotHubs/importDevices/action", "Import devices", RES_HUB, NULL, "Accepted" },
  { "Microsoft.Devices/IotHubs/privateEndpointConnections/write", "Write private endpoint", RES_HUB_CHILD, "privateEndpointConnections/", "OK" },
  { "Microsoft.Devices/IotHubs/failover/action", "Manual failover", RES_HUB, NULL, "Accepted" },
  { "Microsoft.MachineLearningServices/workspaces/write", "Write workspace", RES_WS, NULL, "OK" },
  { "Microsoft.MachineLearningServices/workspaces/listKeys/action", "List workspace keys", RES_WS, NULL, "OK" },
  { "Microsoft.MachineLearningServices/workspaces/models/versions/write", "Write model version", RES_WS_CHILD, "models/", "Created" },
  { "Microsoft.MachineLearningServices/workspaces/models/write", "Write model", RES_WS_CHILD, "models/", "OK" },
  { "Microsoft.MachineLearningServices/workspaces/jobs/write", "Write job", RES_WS_CHILD, "jobs/", "Created" },
  { "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write", "Write deployment", RES_WS_CHILD, "onlineEndpoints/", "Created" },
  { "Microsoft.MachineLearningServices/workspaces/computes/write", "Write compute", RES_WS_CHILD, "computes/", "OK" },
  { "Microsoft.MachineLearningServices/workspaces/datastores/write", "Write datastore", RES_WS_CHILD, "datastores/", "OK" },
  { "Microsoft.Authorization/roleAssignments/write", "Create role assignment", RES_ROLE, NULL, "Created" },
  { "Microsoft.Authorization/roleAssignments/delete", "Delete role assignment", RES_ROLE, NULL, "OK" },
};

/* Relative weights of the operations above (sum 1000): 65 % IoT Hub,
 * 28 % Azure ML, 7 % role assignments. */
static const guint op_weights[G_N_ELEMENTS (operations)] = {
  200, 15, 120, 80, 40, 15, 60, 15, 40, 30, 30, 5,
  30, 30, 60, 25, 70, 35, 20, 10, 60, 10,
};

#define N_UPN 400
#define N_SPN 40
#define N_SUBS 3
#define N_RGS 8
#define N_HUBS 24
#define N_WS 10

typedef struct
{
  char *upn[N_UPN];
  char *upn_name[N_UPN];
  char *spn[N_SPN];
  const char *spn_name[N_SPN];
  char *sub[N_SUBS];
  char *rg[N_RGS];
  char *hub[N_HUBS];
  guint hub_rg[N_HUBS];
  char *ws[N_WS];
  guint ws_rg[N_WS];
  guint op_cdf[G_N_ELEMENTS (operations)];
} World;

static void
append_guid (GString *s)
{
  static const char hex[] = "0123456789abcdef";
  guint64 a = rng_next (), b = rng_next ();
  char buf[36];
  int i, k = 0;

  for (i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          buf[i] = '-';
          continue;
        }
      if (k < 16)
        buf[i] = hex[(a >> (4 * k)) & 0xf];
      else
        buf[i] = hex[(b >> (4 * (k - 16))) & 0xf];
      k++;
    }
  buf[14] = '4';                       /* version 4 */
  buf[19] = hex[8 + (b >> 62)];        /* variant 10xx */
  g_string_append_len (s, buf, 36);
}

static char *
new_guid (void)
{
  GString *s = g_string_sized_new (37);

  append_guid (s);
  return g_string_free (s, FALSE);
}

static void
world_init (World *w)
{
  guint i, sum = 0;

  /* 400 distinct UPNs: the 40 x 20 name grid, walked with a stride that is
   * coprime to 800, so that the first one is vera.becker. */
  for (i = 0; i < N_UPN; i++)
    {
      guint k = (i * 7) % (G_N_ELEMENTS (first_names) * G_N_ELEMENTS (last_names));
      const char *fn = first_names[k % G_N_ELEMENTS (first_names)];
      const char *ln = last_names[k / G_N_ELEMENTS (first_names)];
      const char *dom = domains[i % G_N_ELEMENTS (domains)];
      char *cap_fn = g_strdup (fn), *cap_ln = g_strdup (ln);

      cap_fn[0] = g_ascii_toupper (cap_fn[0]);
      cap_ln[0] = g_ascii_toupper (cap_ln[0]);
      w->upn[i] = g_strdup_printf ("%s.%s@%s", fn, ln, dom);
      w->upn_name[i] = g_strdup_printf ("%s %s", cap_fn, cap_ln);
      g_free (cap_fn);
      g_free (cap_ln);
    }
  for (i = 0; i < N_SPN; i++)
    {
      w->spn[i] = new_guid ();
      w->spn_name[i] = spn_names[i % G_N_ELEMENTS (spn_names)];
    }
  for (i = 0; i < N_SUBS; i++)
    w->sub[i] = new_guid ();
  for (i = 0; i < N_RGS; i++)
    w->rg[i] = g_strdup_printf ("rg-%s-%s", i < 4 ? "iot" : "ml", cities[i]);
  for (i = 0; i < N_HUBS; i++)
    {
      w->hub_rg[i] = i % 4;
      w->hub[i] = g_strdup_printf ("hub-%s-%02u", cities[i % G_N_ELEMENTS (cities)], i + 1);
    }
  for (i = 0; i < N_WS; i++)
    {
      w->ws_rg[i] = 4 + i % 4;
      w->ws[i] = g_strdup_printf ("mlw-%s-%02u", cities[(i * 5) % G_N_ELEMENTS (cities)], i + 1);
    }
  for (i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      sum += op_weights[i];
      w->op_cdf[i] = sum;
    }
  g_assert (sum == 1000);
}

/* ---------------------------------------------------------------------- */
/* one event */

static void
append_time (GString *s,
             gint64   ticks)  /* 100 ns since 1970 */
{
  time_t secs = (time_t) (ticks / 10000000);
  guint frac = (guint) (ticks % 10000000);
  struct tm tm;
  char buf[40];
  int n, digits;

  gmtime_r (&secs, &tm);
  n = snprintf (buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07u",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  /* 1-7 fractional digits; 70 % keep all seven. */
  digits = rng_chance (700000) ? 7 : 1 + (int) rng_below (6);
  n -= 7 - digits;
  buf[n++] = 'Z';
  g_string_append_len (s, buf, n);
}

static void
append_resource (GString         *s,
                 const World     *w,
                 const Operation *op)
{
  guint sub = rng_below (N_SUBS);

  g_string_append (s, "/subscriptions/");
  g_string_append (s, w->sub[sub]);
  if (op->res == RES_HUB || op->res == RES_HUB_CHILD
      || (op->res == RES_ROLE && rng_below (2) == 0))
    {
      guint h = rng_below (N_HUBS);
      g_string_append (s, "/resourceGroups/");
      g_string_append (s, w->rg[w->hub_rg[h]]);
      g_string_append (s, "/providers/Microsoft.Devices/IotHubs/");
      g_string_append (s, w->hub[h]);
    }
  else
    {
      guint k = rng_below (N_WS);
      g_string_append (s, "/resourceGroups/");
      g_string_append (s, w->rg[w->ws_rg[k]]);
      g_string_append (s, "/providers/Microsoft.MachineLearningServices/workspaces/");
      g_string_append (s, w->ws[k]);
    }
  switch (op->res)
    {
    case RES_HUB_CHILD:
      g_string_append_c (s, '/');
      g_string_append (s, op->child);
      if (g_str_has_prefix (op->child, "certificates"))
        g_string_append_printf (s, "edge-ca-%u", rng_below (40));
      else if (g_str_has_prefix (op->child, "private"))
        g_string_append_printf (s, "pe-%s", cities[rng_below (G_N_ELEMENTS (cities))]);
      else
        g_string_append_printf (s, "cg-%s-%u", words[rng_below (G_N_ELEMENTS (words))], rng_below (10));
      break;
    case RES_WS_CHILD:
      g_string_append_c (s, '/');
      g_string_append (s, op->child);
      if (g_str_has_prefix (op->child, "models"))
        {
          g_string_append (s, ml_models[rng_below (G_N_ELEMENTS (ml_models))]);
          if (strstr (op->value, "versions"))
            g_string_append_printf (s, "/versions/%u", 1 + rng_below (60));
        }
      else if (g_str_has_prefix (op->child, "jobs"))
        g_string_append_printf (s, "job-%08x", (guint) rng_next ());
      else
        g_string_append_printf (s, "%s-%u", words[rng_below (G_N_ELEMENTS (words))], rng_below (8));
      break;
    case RES_ROLE:
      g_string_append (s, "/providers/Microsoft.Authorization/roleAssignments/");
      append_guid (s);
      break;
    default:
      break;
    }
}

/* The escape-carrying fragments (1 % of the lines). */
static const char *escaped[] = {
  "operator noted \\\"hold until shift change\\\"",
  "config path C:\\\\edge\\\\modules\\\\config.json",
  "approved by Jos\\u00e9 Mart\\u00ednez",
  "ticket says \\\"caf\\u00e9 line\\\" paused",
  "share \\\\\\\\plant-fs\\\\drops updated",
};

static void
append_description (GString *s,
                    gboolean failed)
{
  guint n = 2 + rng_below (6), i;
  guint firmware_at = rng_chance (100000) ? rng_below (n) : G_MAXUINT;
  guint rare_at = rng_chance (2000) ? rng_below (n) : G_MAXUINT;

  for (i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      if (i == firmware_at)
        g_string_append (s, "firmware");
      else if (i == rare_at)
        g_string_append (s, "quarantine");
      else
        g_string_append (s, words[rng_below (G_N_ELEMENTS (words))]);
    }
  if (rng_below (4) == 0)
    g_string_append_printf (s, " CHG%07u", rng_below (10000000));
  if (failed)
    g_string_append (s, " denied by policy");
  if (rng_chance (10000))
    {
      g_string_append_c (s, ' ');
      g_string_append (s, escaped[rng_below (G_N_ELEMENTS (escaped))]);
    }
}

static void
append_event (GString     *s,
              const World *w,
              gint64       ticks)
{
  guint r = rng_below (1000), k;
  const Operation *op;
  gboolean spn = rng_chance (200000);
  guint who = spn ? rng_below (N_SPN) : rng_below (N_UPN);
  guint st = rng_below (1000);
  const char *status, *sub_status, *level, *code;
  gboolean failed = FALSE;

  for (k = 0; w->op_cdf[k] <= r; k++)
    ;
  op = &operations[k];

  if (st < 40)
    {
      status = "Failed";
      sub_status = rng_below (3) ? "Forbidden" : "Conflict";
      code = sub_status;
      level = "Error";
      failed = TRUE;
    }
  else if (st < 120)
    {
      status = "Started";
      sub_status = "";
      code = "Accepted";
      level = "Informational";
    }
  else if (st < 140)
    {
      status = "Accepted";
      sub_status = "Accepted";
      code = "Accepted";
      level = "Informational";
    }
  else
    {
      status = "Succeeded";
      sub_status = op->ok_code;
      code = op->ok_code;
      level = st < 150 ? "Warning" : "Informational";
    }

  g_string_append (s, "{\"eventDataId\":\"");
  append_guid (s);
  g_string_append (s, "\",\"eventTimestamp\":\"");
  append_time (s, ticks);
  g_string_append (s, "\",\"caller\":\"");
  g_string_append (s, spn ? w->spn[who] : w->upn[who]);
  g_string_append (s, "\",\"operationName\":{\"value\":\"");
  g_string_append (s, op->value);
  g_string_append (s, "\",\"localizedValue\":\"");
  g_string_append (s, op->localized);
  g_string_append (s, "\"},\"status\":{\"value\":\"");
  g_string_append (s, status);
  g_string_append (s, "\"},\"subStatus\":{\"value\":\"");
  g_string_append (s, sub_status);
  g_string_append (s, "\"},\"level\":\"");
  g_string_append (s, level);
  g_string_append (s, "\",\"category\":{\"value\":\"Administrative\"},\"resourceId\":\"");
  append_resource (s, w, op);
  g_string_append (s, "\",\"correlationId\":\"");
  append_guid (s);
  g_string_append (s, "\",\"claims\":{\"name\":\"");
  g_string_append (s, spn ? w->spn_name[who] : w->upn_name[who]);
  g_string_append (s, "\"},\"httpRequest\":{\"clientIpAddress\":\"");
  if (spn)
    g_string_append_printf (s, "20.%u.%u.%u", 40 + who % 8, rng_below (256), rng_below (256));
  else
    g_string_append_printf (s, "10.%u.%u.%u", 20 + who % 16, who % 250, 1 + rng_below (254));
  g_string_append (s, "\"},\"properties\":{\"statusCode\":\"");
  g_string_append (s, code);
  g_string_append (s, "\",\"serviceRequestId\":\"");
  append_guid (s);
  g_string_append (s, "\",\"description\":\"");
  append_description (s, failed);
  g_string_append (s, "\"}}\n");
}

/* ---------------------------------------------------------------------- */

int
main (int argc, char **argv)
{
  static gint64 count = 1000000;
  static gint64 seed = 42;
  static gboolean version;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT64, &count, "Number of events (1000000)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Random seed (42)", "S" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the output format version", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("OUTFILE|-");
  g_autoptr(GError) error = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *tmp = NULL;
  GString *buf;
  World world = { 0 };
  FILE *out;
  gint64 i, start, span, step, bytes = 0;
  guint min_len = G_MAXUINT, max_len = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("attest-bench-gen: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("%s\n", GEN_FORMAT_VERSION);
      return 0;
    }
  if (argc != 2 || count <= 0)
    {
      g_printerr ("usage: attest-bench-gen [--count N] [--seed S] OUTFILE|-\n");
      return 2;
    }

  if (g_str_equal (argv[1], "-"))
    out = stdout;
  else
    {
      /* Write beside the target and rename, so a crash never leaves a
       * truncated file that looks reusable. */
      tmp = g_strconcat (argv[1], ".tmp", NULL);
      out = fopen (tmp, "wb");
      if (out == NULL)
        {
          g_printerr ("attest-bench-gen: %s: %s\n", tmp, g_strerror (errno));
          return 1;
        }
    }

  rng_state = (guint64) seed;
  world_init (&world);

  start = G_GINT64_CONSTANT (1704067200) * 10000000;          /* 2024-01-01T00:00:00Z */
  span = G_GINT64_CONSTANT (182) * 86400 * 10000000;          /* 6 months */
  step = span / count;

  buf = g_string_sized_new (1 << 20);
  for (i = 0; i < count; i++)
    {
      gsize before = buf->len;
      gint64 t = start + i * step + ((gint64) rng_below (400000001) - 200000000); /* +-20 s */

      if (rng_chance (5000))
        t -= (gint64) rng_below (1800) * 10000000;   /* late by up to 30 min */
      if (t < start)
        t = start + rng_below (10000000);
      append_event (buf, &world, t);
      min_len = MIN (min_len, buf->len - before);
      max_len = MAX (max_len, buf->len - before);
      if (buf->len >= (1 << 20) - 4096 || i == count - 1)
        {
          g_checksum_update (sum, (const guchar *) buf->str, buf->len);
          if (fwrite (buf->str, 1, buf->len, out) != buf->len)
            {
              g_printerr ("attest-bench-gen: write error: %s\n", g_strerror (errno));
              return 1;
            }
          bytes += buf->len;
          g_string_truncate (buf, 0);
        }
    }
  g_string_free (buf, TRUE);

  if (fflush (out) != 0 || (out != stdout && fclose (out) != 0))
    {
      g_printerr ("attest-bench-gen: write error: %s\n", g_strerror (errno));
      return 1;
    }
  if (tmp && g_rename (tmp, argv[1]) != 0)
    {
      g_printerr ("attest-bench-gen: %s: %s\n", argv[1], g_strerror (errno));
      return 1;
    }

  /* Machine-readable summary on stderr (stdout may be the data). */
  g_printerr ("events=%" G_GINT64_FORMAT " bytes=%" G_GINT64_FORMAT
              " min_line=%u max_line=%u avg_line=%.0f sha256=%s\n",
              count, bytes, min_len, max_len, (double) bytes / count,
              g_checksum_get_string (sum));
  return 0;
}
