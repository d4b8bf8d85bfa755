/* attest-demo-gen.c: deterministic demo fleet for Attest
 *
 * Writes an 18-month history (2025-05-01 .. 2026-10-31) of a fictitious
 * Azure IoT Edge fleet in the shapes the real tools produce: IoT Hub twin
 * queries, edge deployment lists, state exports and resource logs, Azure
 * Monitor activity logs (REST pages, az output, JSON Lines, a Log Analytics
 * CSV export) and Azure ML registry listings.  Governance problems are
 * planted on purpose and listed in planted.json.
 *
 * Everything derives from --seed through our own PRNG and "now" is fixed,
 * so the same seed gives byte-identical output.  The storyline (hubs,
 * model versions, deployments, planted problems) is scripted; the seed
 * varies devices, times, identifiers and measurements.
 *
 * Usage: attest-demo-gen [--seed N] [--scale F] OUTDIR
 */

#define G_LOG_DOMAIN "attest-demo-gen"

#include <glib.h>
#include <glib/gstdio.h>

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Fixed context                                                       */
/* ------------------------------------------------------------------ */

#define SUBSCRIPTION_ID "6f1c2d3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f"
#define TENANT_ID       "3b7e4f21-9c6d-4a85-b2f0-5d8e1a9c7b34"
#define RG_EDGE         "rg-edge-ai"
#define RG_ML           "rg-ml"
#define WORKSPACE       "mlw-edge-ai"
#define ACR_HOST        "acrattestdemo.azurecr.io"
#define MAIL_DOMAIN     "contoso-edge.com"
#define NEVER_Z         "0001-01-01T00:00:00Z"
#define NEVER_N         "0001-01-01T00:00:00"

#define TPS       G_GINT64_CONSTANT (10000000)   /* 100 ns ticks per second */
#define TPM       (60 * TPS)
#define TPH       (3600 * TPS)
#define TPD       (86400 * TPS)
#define NET_EPOCH G_GINT64_CONSTANT (621355968000000000)
#define T_NEVER   G_MAXINT64

static guint64 opt_seed = 42;
static double opt_scale = 1.0;
static char *out_dir;

static gint64 t_now;           /* 2026-10-31T23:00:00Z */
static gint64 t_window_start;  /* 2025-05-01T00:00:00Z */

/* ------------------------------------------------------------------ */
/* Arenas                                                              */
/* ------------------------------------------------------------------ */

typedef struct _Chunk Chunk;
struct _Chunk
{
  Chunk *next;
  gsize  used;
  gsize  size;
  char   data[];
};

typedef struct
{
  Chunk *head;
} Arena;

static Arena perm_arena;   /* lives until exit */
static Arena tmp_arena;    /* reset after each output file */

static gpointer
arena_alloc (Arena *a,
             gsize  n)
{
  Chunk *c = a->head;
  gpointer p;

  n = (n + 7) & ~(gsize) 7;
  if (c == NULL || c->used + n > c->size)
    {
      gsize sz = MAX (n, (gsize) 512 * 1024);

      c = g_malloc (sizeof (Chunk) + sz);
      c->size = sz;
      c->used = 0;
      c->next = a->head;
      a->head = c;
    }
  p = c->data + c->used;
  c->used += n;
  return p;
}

static void
arena_reset (Arena *a)
{
  while (a->head != NULL)
    {
      Chunk *next = a->head->next;

      g_free (a->head);
      a->head = next;
    }
}

static char *
arena_strdup (Arena      *a,
              const char *s)
{
  gsize n = strlen (s) + 1;
  char *p = arena_alloc (a, n);

  memcpy (p, s, n);
  return p;
}

static char *
arena_vprintf (Arena      *a,
               const char *fmt,
               va_list     ap)
{
  g_autofree char *s = g_strdup_vprintf (fmt, ap);

  return arena_strdup (a, s);
}

static char *tprintf (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
static char *pprintf (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Temporary string, valid until the current file is written. */
static char *
tprintf (const char *fmt,
         ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  s = arena_vprintf (&tmp_arena, fmt, ap);
  va_end (ap);
  return s;
}

/* Permanent string. */
static char *
pprintf (const char *fmt,
         ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  s = arena_vprintf (&perm_arena, fmt, ap);
  va_end (ap);
  return s;
}

static char *
pstrdup (const char *s)
{
  return s != NULL ? arena_strdup (&perm_arena, s) : NULL;
}

/* ------------------------------------------------------------------ */
/* Randomness: splitmix64 stream plus stateless hashing                */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint64 s;
} Rng;

static guint64
mix64 (guint64 z)
{
  z += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint64
hash_str (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (; *s != '\0'; s++)
    {
      h ^= (guchar) *s;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return mix64 (h);
}

/* Stateless hash of the seed and up to three values. */
static guint64
hseed (guint64 a,
       guint64 b,
       guint64 c)
{
  return mix64 (opt_seed ^ mix64 (a ^ mix64 (b ^ mix64 (c))));
}

static double
hunit (guint64 h)
{
  return (double) (h >> 11) * (1.0 / 9007199254740992.0);
}

static void
rng_init (Rng        *r,
          const char *stream)
{
  r->s = mix64 (opt_seed ^ hash_str (stream));
}

static guint64
rng_u64 (Rng *r)
{
  guint64 z;

  r->s += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = r->s;
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static double
rng_unit (Rng *r)
{
  return hunit (rng_u64 (r));
}

/* Uniform integer in [lo, hi]. */
static gint64
rng_range (Rng   *r,
           gint64 lo,
           gint64 hi)
{
  if (hi <= lo)
    return lo;
  return lo + (gint64) (rng_u64 (r) % (guint64) (hi - lo + 1));
}

static gboolean
rng_chance (Rng   *r,
            double p)
{
  return rng_unit (r) < p;
}

typedef struct
{
  char s[37];
} Guid;

static void
guid_from (guint64 a,
           guint64 b,
           Guid   *g)
{
  g_snprintf (g->s, sizeof g->s, "%08x-%04x-%04x-%04x-%012" G_GINT64_MODIFIER "x",
              (guint) (a >> 32), (guint) ((a >> 16) & 0xffff),
              (guint) ((a & 0x0fff) | 0x4000),
              (guint) (((b >> 48) & 0x3fff) | 0x8000),
              (guint64) (b & G_GUINT64_CONSTANT (0xffffffffffff)));
}

static void
rng_guid (Rng  *r,
          Guid *g)
{
  guint64 a = rng_u64 (r);
  guint64 b = rng_u64 (r);

  guid_from (a, b, g);
}

/* Fixed GUID derived from a name (independent of the seed). */
static void
name_guid (const char *name,
           Guid       *g)
{
  guint64 h = hash_str (name);

  guid_from (h, mix64 (h ^ 0x5bd1e995), g);
}

static void
hex_string (guint64 h,
            char   *out,
            int     len,
            gboolean upper)
{
  static const char lower_digits[] = "0123456789abcdef";
  static const char upper_digits[] = "0123456789ABCDEF";
  const char *digits = upper ? upper_digits : lower_digits;
  int i;

  for (i = 0; i < len; i++)
    {
      if (i % 16 == 0 && i > 0)
        h = mix64 (h);
      out[i] = digits[(h >> ((i % 16) * 4)) & 0xf];
    }
  out[len] = '\0';
}

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64 z,
                 int   *y,
                 int   *m,
                 int   *d)
{
  gint64 era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yoe + era * 400 + (*m <= 2));
}

static gint64
mkt (int y,
     int mo,
     int d,
     int h,
     int mi,
     int s)
{
  return ((days_from_civil (y, mo, d) * 86400) + h * 3600 + mi * 60 + s) * TPS;
}

/* "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" */
static gint64
parse_t (const char *s)
{
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;

  if (sscanf (s, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) < 3)
    g_error ("bad time literal %s", s);
  return mkt (y, mo, d, h, mi, 0);
}

typedef struct
{
  int y, mo, d, h, mi, s;
  int frac;   /* 100 ns units, 0..9999999 */
} Civil;

static void
split_t (gint64 t,
         Civil *c)
{
  gint64 secs = t / TPS;
  gint64 days = secs / 86400;
  gint64 rem = secs % 86400;

  civil_from_days (days, &c->y, &c->mo, &c->d);
  c->h = (int) (rem / 3600);
  c->mi = (int) (rem / 60 % 60);
  c->s = (int) (rem % 60);
  c->frac = (int) (t % TPS);
}

enum
{
  TS_7Z,      /* 2026-03-01T06:00:00.1234567Z (most Azure services) */
  TS_3Z,      /* 2026-03-01T06:00:00.123Z */
  TS_0Z,      /* 2026-03-01T06:00:00Z */
  TS_7N,      /* 2026-03-01T06:00:00.1234567 (edgeAgent, no zone) */
  TS_7P,      /* 2026-03-01T06:00:00.1234567+00:00 (AML systemData) */
  TS_6P,      /* 2026-03-01T06:00:00.123456+00:00 (Python isoformat) */
};

static char *
ts (gint64 t,
    int    style)
{
  Civil c;

  if (t == 0 || t == T_NEVER)
    return (char *) (style == TS_7N ? NEVER_N : NEVER_Z);
  split_t (t, &c);
  switch (style)
    {
    case TS_3Z:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.y, c.mo, c.d, c.h, c.mi, c.s, c.frac / 10000);
    case TS_0Z:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02dZ", c.y, c.mo, c.d, c.h, c.mi, c.s);
    case TS_7N:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02d.%07d", c.y, c.mo, c.d, c.h, c.mi, c.s, c.frac);
    case TS_7P:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02d.%07d+00:00", c.y, c.mo, c.d, c.h, c.mi, c.s, c.frac);
    case TS_6P:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", c.y, c.mo, c.d, c.h, c.mi, c.s, c.frac / 10);
    case TS_7Z:
    default:
      return tprintf ("%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", c.y, c.mo, c.d, c.h, c.mi, c.s, c.frac);
    }
}

/* en-US Log Analytics portal style: 6/13/2024, 12:03:55.120 AM */
static char *
ts_portal (gint64 t)
{
  Civil c;
  int h12;

  split_t (t, &c);
  h12 = c.h % 12 == 0 ? 12 : c.h % 12;
  return tprintf ("%d/%d/%04d, %d:%02d:%02d.%03d %s", c.mo, c.d, c.y, h12, c.mi, c.s,
                  c.frac / 10000, c.h < 12 ? "AM" : "PM");
}

static char *
date_str (gint64 t)
{
  Civil c;

  split_t (t, &c);
  return tprintf ("%04d-%02d-%02d", c.y, c.mo, c.d);
}

static char *
month_str (gint64 t)
{
  Civil c;

  split_t (t, &c);
  return tprintf ("%04d-%02d", c.y, c.mo);
}

/* Month index since 2025-01 (0 = January 2025). */
static int
month_index (gint64 t)
{
  Civil c;

  split_t (t, &c);
  return (c.y - 2025) * 12 + (c.mo - 1);
}

static gint64
month_start (int idx)
{
  return mkt (2025 + idx / 12, idx % 12 + 1, 1, 0, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Minimal JSON tree with REST-order or sorted (az) output              */
/* ------------------------------------------------------------------ */

enum
{
  J_NULL,
  J_TRUE,
  J_FALSE,
  J_NUM,
  J_STR,
  J_OBJ,
  J_ARR,
};

typedef struct _JVal JVal;
typedef struct _JMem JMem;

struct _JMem
{
  const char *key;
  JVal       *val;
  JMem       *next;
};

struct _JVal
{
  int         kind;
  guint       n;
  const char *s;
  JMem       *head;
  JMem       *tail;
};

typedef struct
{
  int      indent;   /* 0 = compact */
  gboolean sort;     /* az CLI: keys sorted at every level */
  gboolean net;      /* .NET escaping of + & < > ' as in AML recordings */
} JStyle;

static const JStyle J_REST = { 0, FALSE, FALSE };
static const JStyle J_REST_PRETTY = { 2, FALSE, FALSE };
static const JStyle J_NET_PRETTY = { 2, FALSE, TRUE };
static const JStyle J_AZ = { 2, TRUE, FALSE };
static const JStyle J_AZ4 = { 4, TRUE, FALSE };

static JVal *
j_new (int kind)
{
  JVal *v = arena_alloc (&tmp_arena, sizeof (JVal));

  memset (v, 0, sizeof *v);
  v->kind = kind;
  return v;
}

static JVal *
j_obj (void)
{
  return j_new (J_OBJ);
}

static JVal *
j_arr (void)
{
  return j_new (J_ARR);
}

static JVal *
j_null (void)
{
  return j_new (J_NULL);
}

static JVal *
j_bool (gboolean b)
{
  return j_new (b ? J_TRUE : J_FALSE);
}

static JVal *
j_str (const char *s)
{
  JVal *v = j_new (J_STR);

  v->s = arena_strdup (&tmp_arena, s);
  return v;
}

static JVal *
j_int (gint64 i)
{
  JVal *v = j_new (J_NUM);

  v->s = tprintf ("%" G_GINT64_FORMAT, i);
  return v;
}

/* Fixed-point formatting without libm; trailing zeros trimmed like Python
 * floats ("41.2", "512.0", "0.95"). */
static char *
fmt_fixed (double x,
           int    decimals)
{
  gint64 scale = 1, ip, fp, v;
  gboolean neg = x < 0;
  char frac[24];
  int i, len;

  for (i = 0; i < decimals; i++)
    scale *= 10;
  if (neg)
    x = -x;
  v = (gint64) (x * (double) scale + 0.5);
  ip = v / scale;
  fp = v % scale;
  if (decimals == 0)
    return tprintf ("%s%" G_GINT64_FORMAT, neg ? "-" : "", ip);
  g_snprintf (frac, sizeof frac, "%0*" G_GINT64_FORMAT, decimals, fp);
  len = (int) strlen (frac);
  while (len > 1 && frac[len - 1] == '0')
    frac[--len] = '\0';
  return tprintf ("%s%" G_GINT64_FORMAT ".%s", neg ? "-" : "", ip, frac);
}

static JVal *
j_dbl (double x,
       int    decimals)
{
  JVal *v = j_new (J_NUM);

  v->s = fmt_fixed (x, decimals);
  return v;
}

static JVal *
j_put (JVal       *obj,
       const char *key,
       JVal       *val)
{
  JMem *m = arena_alloc (&tmp_arena, sizeof (JMem));

  g_assert (obj->kind == J_OBJ);
  m->key = arena_strdup (&tmp_arena, key);
  m->val = val;
  m->next = NULL;
  if (obj->tail != NULL)
    obj->tail->next = m;
  else
    obj->head = m;
  obj->tail = m;
  obj->n++;
  return val;
}

static JVal *
j_add (JVal *arr,
       JVal *val)
{
  JMem *m = arena_alloc (&tmp_arena, sizeof (JMem));

  g_assert (arr->kind == J_ARR);
  m->key = NULL;
  m->val = val;
  m->next = NULL;
  if (arr->tail != NULL)
    arr->tail->next = m;
  else
    arr->head = m;
  arr->tail = m;
  arr->n++;
  return val;
}

static void
j_put_s (JVal       *o,
         const char *k,
         const char *s)
{
  j_put (o, k, s != NULL ? j_str (s) : j_null ());
}

static void
j_put_i (JVal       *o,
         const char *k,
         gint64      i)
{
  j_put (o, k, j_int (i));
}

static void
j_put_b (JVal       *o,
         const char *k,
         gboolean    b)
{
  j_put (o, k, j_bool (b));
}

static void
j_put_null (JVal       *o,
            const char *k)
{
  j_put (o, k, j_null ());
}

static JVal *
j_put_o (JVal       *o,
         const char *k)
{
  return j_put (o, k, j_obj ());
}

static JVal *
j_put_a (JVal       *o,
         const char *k)
{
  return j_put (o, k, j_arr ());
}

static void
j_escape (GString    *out,
          const char *s,
          gboolean    net)
{
  const guchar *p;

  g_string_append_c (out, '"');
  for (p = (const guchar *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (*p < 0x20
              || (net && (*p == '+' || *p == '&' || *p == '<' || *p == '>' || *p == '\'')))
            g_string_append_printf (out, "\\u%04X", (guint) *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static int
jmem_cmp (const void *a,
          const void *b)
{
  const JMem *const *ma = a;
  const JMem *const *mb = b;

  return strcmp ((*ma)->key, (*mb)->key);
}

static void
j_newline (GString *out,
           int      indent,
           int      depth)
{
  g_string_append_c (out, '\n');
  g_string_append_printf (out, "%*s", indent * depth, "");
}

static void
j_write (GString      *out,
         const JVal   *v,
         const JStyle *st,
         int           depth)
{
  JMem **members;
  JMem *m;
  guint i;

  switch (v->kind)
    {
    case J_NULL:
      g_string_append (out, "null");
      return;
    case J_TRUE:
      g_string_append (out, "true");
      return;
    case J_FALSE:
      g_string_append (out, "false");
      return;
    case J_NUM:
      g_string_append (out, v->s);
      return;
    case J_STR:
      j_escape (out, v->s, st->net);
      return;
    default:
      break;
    }

  if (v->n == 0)
    {
      g_string_append (out, v->kind == J_OBJ ? "{}" : "[]");
      return;
    }

  members = g_new (JMem *, v->n);
  for (m = v->head, i = 0; m != NULL; m = m->next, i++)
    members[i] = m;
  if (v->kind == J_OBJ && st->sort)
    qsort (members, v->n, sizeof (JMem *), jmem_cmp);

  g_string_append_c (out, v->kind == J_OBJ ? '{' : '[');
  for (i = 0; i < v->n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (st->indent > 0)
        j_newline (out, st->indent, depth + 1);
      if (v->kind == J_OBJ)
        {
          j_escape (out, members[i]->key, st->net);
          g_string_append (out, st->indent > 0 ? ": " : ":");
        }
      j_write (out, members[i]->val, st, depth + 1);
    }
  if (st->indent > 0)
    j_newline (out, st->indent, depth);
  g_string_append_c (out, v->kind == J_OBJ ? '}' : ']');
  g_free (members);
}

/* Compact JSON text of a tree, for JSON-encoded string values. */
static char *
j_to_string (const JVal *v)
{
  g_autoptr (GString) s = g_string_new (NULL);

  j_write (s, v, &J_REST, 0);
  return arena_strdup (&tmp_arena, s->str);
}

static void
j_append_doc (GString      *out,
              const JVal   *v,
              const JStyle *st)
{
  j_write (out, v, st, 0);
  if (st->indent > 0)
    g_string_append_c (out, '\n');
}

/* ------------------------------------------------------------------ */
/* Output bookkeeping                                                  */
/* ------------------------------------------------------------------ */

typedef struct
{
  char       *path;     /* relative to OUTDIR */
  char       *hub;      /* hub to pass to attest-cli import, or "-" */
  const char *kind;
  char       *desc;
  gsize       size;
  int         records;
} OutFile;

static GPtrArray *out_files;
static gsize out_total;

static void
emit_file (const char *rel,
           GString    *content,
           const char *hub,
           const char *kind,
           int         records,
           const char *desc)
{
  g_autofree char *path = g_build_filename (out_dir, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;
  OutFile *f;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    g_error ("cannot create %s", dir);
  if (!g_file_set_contents (path, content->str, (gssize) content->len, &error))
    g_error ("cannot write %s: %s", path, error->message);

  f = g_new0 (OutFile, 1);
  f->path = g_strdup (rel);
  f->hub = g_strdup (hub != NULL ? hub : "-");
  f->kind = kind;
  f->desc = g_strdup (desc);
  f->size = content->len;
  f->records = records;
  g_ptr_array_add (out_files, f);
  out_total += content->len;
  arena_reset (&tmp_arena);
}

/* ------------------------------------------------------------------ */
/* Scenario: people, hubs, workloads, models, deployments              */
/* ------------------------------------------------------------------ */

enum
{
  P_VERA,
  P_MALIK,
  P_ANA,
  P_LI,
  P_TOMASZ,
  P_JONAS,
  P_ZOE,
  P_PETER,
  SP_MLOPS,
  SP_DEPLOY,
  SP_ATTEST,
  SP_MONITOR,
  N_PRINCIPALS
};

typedef struct
{
  const char *key;
  const char *given;       /* users only */
  const char *surname;
  const char *display;     /* display name (users) or app name (SPs) */
  gboolean    sp;
  gboolean    approved;    /* may deploy models and write model versions */
  const char *role;        /* for README / planted.json */
  const char *ip;
  char       *upn;         /* users */
  Guid        app_id;      /* SPs: appid, also the activity-log caller */
  Guid        object_id;
} Principal;

static Principal principals[N_PRINCIPALS] = {
  { "vera.becker", "Vera", "Becker", "Vera Becker", FALSE, TRUE, "ML platform lead", "198.51.100.23", NULL, { "" }, { "" } },
  { "malik.haddad", "Malik", "Haddad", "Malik Haddad", FALSE, TRUE, "edge operations lead", "198.51.100.41", NULL, { "" }, { "" } },
  { "ana.silva", "Ana", "Silva", "Ana Silva", FALSE, FALSE, "data scientist", "198.51.100.57", NULL, { "" }, { "" } },
  { "li.wei", "Li", "Wei", "Li Wei", FALSE, FALSE, "data scientist", "203.0.113.80", NULL, { "" }, { "" } },
  { "tomasz.nowak", "Tomasz", "Nowak", "Tomasz Nowak", FALSE, FALSE, "data scientist (contractor)", "198.51.100.114", NULL, { "" }, { "" } },
  { "jonas.keller", "Jonas", "Keller", "Jonas Keller", FALSE, FALSE, "plant automation engineer", "192.0.2.66", NULL, { "" }, { "" } },
  { "zoe.mueller", "Zo\xc3\xab", "M\xc3\xbcller", "Zo\xc3\xab M\xc3\xbcller", FALSE, FALSE, "compliance officer", "198.51.100.9", NULL, { "" }, { "" } },
  { "peter.lang", "Peter", "Lang", "Peter Lang", FALSE, FALSE, "former employee", "198.51.100.77", NULL, { "" }, { "" } },
  { "sp-mlops-release", NULL, NULL, "sp-mlops-release", TRUE, TRUE, "model release pipeline", "20.50.2.17", NULL, { "" }, { "" } },
  { "sp-edge-deploy-pipeline", NULL, NULL, "sp-edge-deploy-pipeline", TRUE, TRUE, "edge deployment pipeline", "20.50.2.44", NULL, { "" }, { "" } },
  { "sp-attest-reader", NULL, NULL, "sp-attest-reader", TRUE, FALSE, "Attest read-only sync", "20.61.7.130", NULL, { "" }, { "" } },
  { "sp-fleet-monitor", NULL, NULL, "sp-fleet-monitor", TRUE, FALSE, "fleet monitoring", "20.61.7.201", NULL, { "" }, { "" } },
};

static const char *
caller_of (int p)
{
  return principals[p].sp ? principals[p].app_id.s : principals[p].upn;
}

/* What AML systemData.createdBy shows: display name for users, appid for
 * applications. */
static const char *
aml_creator_of (int p)
{
  return principals[p].sp ? principals[p].app_id.s : principals[p].display;
}

static void
init_principals (void)
{
  int i;

  for (i = 0; i < N_PRINCIPALS; i++)
    {
      Principal *p = &principals[i];
      g_autofree char *k1 = g_strconcat ("app:", p->key, NULL);
      g_autofree char *k2 = g_strconcat ("obj:", p->key, NULL);

      if (!p->sp)
        p->upn = pprintf ("%s@%s", p->key, MAIL_DOMAIN);
      name_guid (k1, &p->app_id);
      name_guid (k2, &p->object_id);
    }
}

enum
{
  F_DEFECT,
  F_PERSON,
  F_OCR,
  F_ANOMALY,
  F_PPE,
  F_THERMAL,
  N_FAMILIES
};

#define N_SLOTS (1 + N_FAMILIES)   /* slot 0: runtime (base deployment) */

typedef struct
{
  const char *name;
  const char *module;
  const char *shortname;
  const char *dataset;
  const char *team;
  gboolean    mlflow;
  double      latency;
  double      cpu;
  int         memory;
  const char *description;
} Family;

static const Family families[N_FAMILIES] = {
  { "defect-detector", "defectdetector", "defect", "defect-images", "team-vision-qa", FALSE, 41.0, 37.0, 512,
    "Surface defect detector (YOLO-style, ONNX) for line cameras" },
  { "person-counter", "personcounter", "person", "people-frames", "team-vision-people", TRUE, 28.0, 24.0, 384,
    "Counts people crossing a virtual line (MLflow ONNX flavour)" },
  { "ocr-reader", "ocrreader", "ocr", "ocr-labels", "team-vision-qa", FALSE, 63.0, 45.0, 768,
    "Reads lot codes and labels on packaging" },
  { "anomaly-vibration", "anomalyvibration", "anomaly", "vibration-timeseries", "team-predictive", TRUE, 6.5, 11.0, 192,
    "Autoencoder anomaly score on accelerometer windows" },
  { "ppe-compliance", "ppecompliance", "ppe", "people-frames-eu", "team-vision-people", FALSE, 52.0, 48.0, 640,
    "Detects missing helmets and vests at EU plant entrances" },
  { "thermal-hotspot", "thermalhotspot", "thermal", "thermal-frames", "team-predictive", FALSE, 18.0, 21.0, 256,
    "Finds hotspots in radiometric thermal frames of switchgear" },
};

enum
{
  WL_VISION,
  WL_VISION_OCR,
  WL_PPE,
  WL_THERMAL,
  WL_PEOPLE,
  WL_VIBRATION,
  WL_VIB_THERMAL,
  N_WORKLOADS
};

typedef struct
{
  const char *name;
  const char *prefix;
  guint       fam_mask;
} Workload;

static const Workload workloads[N_WORKLOADS] = {
  { "vision-qa", "cam", 1u << F_DEFECT },
  { "vision-qa-ocr", "cam", (1u << F_DEFECT) | (1u << F_OCR) },
  { "ppe", "cam", 1u << F_PPE },
  { "thermal", "thm", 1u << F_THERMAL },
  { "people-count", "cam", 1u << F_PERSON },
  { "vibration", "gw", 1u << F_ANOMALY },
  { "vibration-thermal", "gw", (1u << F_ANOMALY) | (1u << F_THERMAL) },
};

enum
{
  H_WEU,
  H_EUS,
  H_SEA,
  N_HUBS
};

#define SITE_UK 3

typedef struct
{
  const char *name;
  const char *code;
  const char *location;
  const char *sites[4];
  int         wl[4];
  int         wl_count[4];
  int         n_wl;
  int         snap_offset_min;
  const char *sku;
  int         capacity;
  char       *arm_id;
  char       *arm_id_upper;
} Hub;

static Hub hubs[N_HUBS] = {
  { "attest-demo-weu", "weu", "westeurope", { "rotterdam", "lyon", "munich", "birmingham" },
    { WL_VISION, WL_VISION_OCR, WL_PPE, WL_THERMAL }, { 40, 24, 32, 24 }, 4, 0, "S2", 2, NULL, NULL },
  { "attest-demo-eus", "eus", "eastus", { "columbus", "atlanta", "monterrey", NULL },
    { WL_VISION, WL_PEOPLE, WL_VIBRATION }, { 36, 28, 36 }, 3, 40, "S1", 2, NULL, NULL },
  { "attest-demo-sea", "sea", "southeastasia", { "penang", "singapore", "bangkok", NULL },
    { WL_VIBRATION, WL_THERMAL, WL_VIB_THERMAL }, { 32, 24, 24 }, 3, 80, "S1", 1, NULL, NULL },
};

static void
init_hubs (void)
{
  int h;

  for (h = 0; h < N_HUBS; h++)
    {
      hubs[h].arm_id = pprintf ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Devices/IotHubs/%s",
                                SUBSCRIPTION_ID, RG_EDGE, hubs[h].name);
      hubs[h].arm_id_upper = pstrdup (hubs[h].arm_id);
      {
        char *p;

        for (p = hubs[h].arm_id_upper; *p != '\0'; p++)
          *p = g_ascii_toupper (*p);
      }
    }
}

/* Model versions.  Field accuracy is the mean the modules report in the
 * field; person-counter 2.0.0 is the planted regression. */
enum
{
  MV_NO_CARD = 1 << 0,
  MV_NO_DATA = 1 << 1,
  MV_NO_APPROVER = 1 << 2,
  MV_UNREG = 1 << 3,
  MV_ARCHIVED = 1 << 4,
  MV_NO_JOB = 1 << 5,
  MV_RAW_INPUT = 1 << 6,
};

typedef struct
{
  int         fam;
  const char *ver;
  const char *reg;
  int         creator;
  guint       flags;
  double      acc;
  /* computed */
  gint64      t_reg;
  int         job;        /* index into jobs, -1 */
  int         data;       /* index into data versions, -1 */
  char       *arm_id;
  char       *image;
  char       *approver;
} MVersion;

static MVersion mversions[] = {
  { F_DEFECT, "3.0.0", "2024-11-12 10:14", SP_MLOPS, MV_ARCHIVED, 0.921, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.0.1", "2025-01-20 15:02", SP_MLOPS, MV_ARCHIVED, 0.925, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.1.0", "2025-03-18 09:41", SP_MLOPS, 0, 0.934, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.1.2", "2025-07-02 13:27", SP_MLOPS, 0, 0.938, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.2.0", "2025-10-06 11:05", P_VERA, MV_NO_APPROVER, 0.941, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.2.1", "2025-10-20 08:52", SP_MLOPS, 0, 0.947, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.3.0", "2026-06-08 14:33", SP_MLOPS, 0, 0.952, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.3.1", "2026-09-22 10:18", SP_MLOPS, 0, 0.954, 0, 0, 0, NULL, NULL, NULL },
  { F_DEFECT, "3.2.2", "2026-02-20 17:40", P_MALIK, MV_UNREG | MV_NO_JOB, 0.946, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "1.4.0", "2024-10-02 09:00", P_VERA, MV_ARCHIVED | MV_NO_CARD, 0.902, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "1.5.0", "2025-01-14 13:40", SP_MLOPS, MV_ARCHIVED, 0.911, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "1.5.2", "2025-03-05 10:12", SP_MLOPS, 0, 0.918, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "1.6.0", "2025-09-15 09:31", SP_MLOPS, 0, 0.931, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "2.0.0", "2026-01-26 16:05", SP_MLOPS, 0, 0.862, 0, 0, 0, NULL, NULL, NULL },
  { F_PERSON, "2.0.1", "2026-04-20 11:47", SP_MLOPS, 0, 0.936, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "0.9.3", "2024-09-30 08:20", SP_MLOPS, MV_ARCHIVED | MV_NO_APPROVER, 0.881, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "1.0.0", "2024-12-09 14:55", SP_MLOPS, MV_ARCHIVED, 0.893, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "1.0.1", "2025-03-24 10:03", SP_MLOPS, 0, 0.897, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "1.1.0", "2025-08-11 12:16", SP_MLOPS, 0, 0.905, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "1.2.0", "2025-12-01 09:58", P_VERA, MV_NO_DATA, 0.912, 0, 0, 0, NULL, NULL, NULL },
  { F_OCR, "1.2.1", "2026-08-17 15:21", SP_MLOPS, 0, 0.915, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.0.0", "2024-08-19 07:45", SP_MLOPS, MV_ARCHIVED, 0.884, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.0.4", "2025-02-11 11:30", SP_MLOPS, MV_ARCHIVED, 0.889, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.1.0", "2025-03-28 13:09", SP_MLOPS, 0, 0.896, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.1.1", "2025-06-30 10:44", SP_MLOPS, 0, 0.898, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.2.0", "2025-12-15 18:22", P_TOMASZ, 0, 0.907, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.3.0", "2026-04-27 09:13", SP_MLOPS, 0, 0.914, 0, 0, 0, NULL, NULL, NULL },
  { F_ANOMALY, "2.3.1", "2026-09-07 14:02", SP_MLOPS, 0, 0.916, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.0.0", "2024-12-02 10:30", P_VERA, MV_ARCHIVED, 0.874, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.1.0", "2025-02-17 15:10", SP_MLOPS, MV_ARCHIVED, 0.886, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.1.1", "2025-04-01 09:25", SP_MLOPS, 0, 0.889, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.2.0", "2025-08-25 13:37", SP_MLOPS, 0, 0.895, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.3.0", "2026-03-02 08:49", SP_MLOPS, 0, 0.903, 0, 0, 0, NULL, NULL, NULL },
  { F_PPE, "1.3.1", "2026-10-05 12:11", SP_MLOPS, 0, 0.905, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "0.8.0", "2024-07-15 16:40", P_MALIK, MV_ARCHIVED | MV_NO_JOB | MV_NO_CARD, 0.851, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "0.9.0", "2024-12-16 10:05", SP_MLOPS, MV_ARCHIVED, 0.866, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "1.0.0", "2025-03-10 11:18", SP_MLOPS, 0, 0.874, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "1.0.1", "2025-04-02 14:26", SP_MLOPS, 0, 0.877, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "1.1.0", "2025-09-08 10:52", SP_MLOPS, MV_NO_CARD | MV_NO_APPROVER, 0.885, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "1.2.0", "2026-02-16 13:34", SP_MLOPS, MV_RAW_INPUT, 0.891, 0, 0, 0, NULL, NULL, NULL },
  { F_THERMAL, "1.2.1", "2026-08-24 09:40", SP_MLOPS, 0, 0.893, 0, 0, 0, NULL, NULL, NULL },
};

#define N_MVERSIONS ((int) G_N_ELEMENTS (mversions))

static int
find_mversion (int         fam,
               const char *ver)
{
  int i;

  for (i = 0; i < N_MVERSIONS; i++)
    if (mversions[i].fam == fam && strcmp (mversions[i].ver, ver) == 0)
      return i;
  g_error ("unknown model version %s %s", families[fam].name, ver);
  return -1;
}

/* Data assets (Azure ML data, versioned). */
enum
{
  DT_URI_FOLDER,
  DT_MLTABLE,
};

typedef struct
{
  const char *name;
  int         type;
  gboolean    eu_restricted;
  const char *source;
  const char *dates[6];
} Dataset;

static const Dataset datasets[] = {
  { "defect-images", DT_URI_FOLDER, FALSE, "line cameras, all plants (no people in frame)",
    { "2024-06-10", "2024-10-28", "2025-03-03", "2025-09-29", "2026-05-18" } },
  { "people-frames", DT_URI_FOLDER, FALSE, "entrance cameras, US and APAC plants",
    { "2024-09-16", "2025-02-24", "2025-09-01", "2026-01-12" } },
  { "ocr-labels", DT_MLTABLE, FALSE, "labelled packaging crops",
    { "2024-09-02", "2025-03-10", "2025-07-28", "2026-08-03" } },
  { "vibration-timeseries", DT_MLTABLE, FALSE, "gateway accelerometer exports",
    { "2024-08-01", "2025-01-27", "2025-06-16", "2025-12-01", "2026-04-13" } },
  { "people-frames-eu", DT_URI_FOLDER, TRUE, "entrance cameras Rotterdam, Lyon, Munich (GDPR, EU only)",
    { "2024-11-18", "2025-03-17", "2025-08-11", "2026-02-16" } },
  { "thermal-frames", DT_URI_FOLDER, FALSE, "radiometric frames of switchgear",
    { "2024-07-01", "2024-12-02", "2025-03-03", "2025-08-25", "2026-02-09" } },
};

#define N_DATASETS ((int) G_N_ELEMENTS (datasets))

typedef struct
{
  int    dataset;
  int    version;     /* 1-based */
  gint64 t_created;
  int    creator;
  char  *arm_id;
  char  *data_uri;
  char  *short_path;  /* azureml://datastores/... short form */
} DataVersion;

static GArray *data_versions;

/* Deployments (IoT Hub configurations with modulesContent). */
enum
{
  K_BASE,
  K_CANARY,
  K_FLEET,
  K_ROLLBACK,
  K_PILOT,
};

enum
{
  UPD_NONE,
  UPD_METRICS,
  UPD_TARGET,
  UPD_PRIORITY,
};

enum
{
  DF_NO_AUDIT_UPDATE = 1 << 0,   /* planted missing-audit */
  DF_DRIFT = 1 << 1,             /* planted twin-drift */
};

typedef struct
{
  int         hub;
  int         kind;
  int         fam;       /* -1 for base */
  const char *ver;       /* model version, or runtime "1.4"/"1.5" */
  const char *created;
  int         site;      /* canary/pilot site, -1 */
  int         creator;
  const char *updated;
  int         upd_kind;
  int         upd_arg;
  const char *deleted;
  guint       flags;
} DepSpec;

static const DepSpec dep_specs[] = {
  /* westeurope */
  { H_WEU, K_BASE, -1, "1.4", "2025-04-14 08:30", -1, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_DEFECT, "3.1.0", "2025-04-16 09:05", 1, SP_DEPLOY, NULL, 0, 0, "2025-06-20 10:00", 0 },
  { H_WEU, K_CANARY, F_OCR, "1.0.1", "2025-04-16 09:20", 1, SP_DEPLOY, NULL, 0, 0, "2025-06-20 10:01", 0 },
  { H_WEU, K_CANARY, F_PPE, "1.1.1", "2025-04-17 10:00", 2, SP_DEPLOY, NULL, 0, 0, "2025-06-20 10:02", 0 },
  { H_WEU, K_CANARY, F_THERMAL, "1.0.1", "2025-04-17 10:30", 0, SP_DEPLOY, NULL, 0, 0, "2025-06-20 10:03", 0 },
  { H_WEU, K_FLEET, F_DEFECT, "3.1.0", "2025-04-23 09:10", -1, SP_DEPLOY, NULL, 0, 0, "2026-01-15 09:30", 0 },
  { H_WEU, K_FLEET, F_OCR, "1.0.1", "2025-04-23 09:25", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_FLEET, F_PPE, "1.1.1", "2025-04-24 10:05", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_FLEET, F_THERMAL, "1.0.1", "2025-04-24 10:40", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_THERMAL, "1.1.0", "2025-09-22 13:10", 0, SP_DEPLOY, NULL, 0, 0, "2025-12-01 08:15", 0 },
  { H_WEU, K_FLEET, F_THERMAL, "1.1.0", "2025-09-30 08:45", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_DEFECT, "3.2.1", "2025-11-03 09:00", 1, SP_DEPLOY, NULL, 0, 0, "2026-01-15 09:31", 0 },
  { H_WEU, K_FLEET, F_DEFECT, "3.2.1", "2025-11-12 09:00", -1, SP_DEPLOY, "2025-12-04 14:12", UPD_METRICS, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_OCR, "1.2.0", "2025-12-08 10:20", 2, SP_DEPLOY, NULL, 0, 0, "2026-02-10 11:00", 0 },
  { H_WEU, K_FLEET, F_OCR, "1.2.0", "2025-12-16 09:40", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_PPE, "1.3.0", "2026-03-09 09:15", 2, SP_DEPLOY, NULL, 0, 0, "2026-05-04 08:50", 0 },
  { H_WEU, K_FLEET, F_PPE, "1.3.0", "2026-03-17 09:05", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_BASE, -1, "1.5", "2026-04-13 07:45", -1, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_WEU, K_CANARY, F_DEFECT, "3.3.0", "2026-06-22 08:55", 1, SP_DEPLOY, "2026-07-09 13:20", UPD_TARGET, 2, NULL, 0 },
  { H_WEU, K_FLEET, F_DEFECT, "3.3.0", "2026-07-20 09:10", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  /* eastus */
  { H_EUS, K_BASE, -1, "1.4", "2025-04-15 14:10", -1, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_CANARY, F_DEFECT, "3.1.0", "2025-04-18 14:30", 0, SP_DEPLOY, NULL, 0, 0, "2025-06-25 15:00", 0 },
  { H_EUS, K_CANARY, F_PERSON, "1.5.2", "2025-04-18 14:45", 1, SP_DEPLOY, NULL, 0, 0, "2025-06-25 15:01", 0 },
  { H_EUS, K_CANARY, F_ANOMALY, "2.1.0", "2025-04-21 15:05", 2, SP_DEPLOY, NULL, 0, 0, "2025-06-25 15:02", 0 },
  { H_EUS, K_FLEET, F_DEFECT, "3.1.0", "2025-04-25 14:20", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_FLEET, F_PERSON, "1.5.2", "2025-04-25 14:35", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_FLEET, F_ANOMALY, "2.1.0", "2025-04-28 15:15", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_CANARY, F_PERSON, "1.6.0", "2025-10-06 14:05", 1, SP_DEPLOY, NULL, 0, 0, "2025-12-02 15:40", 0 },
  { H_EUS, K_FLEET, F_PERSON, "1.6.0", "2025-10-14 14:25", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_CANARY, F_DEFECT, "3.2.1", "2025-11-05 15:00", 0, SP_DEPLOY, NULL, 0, 0, "2026-01-20 14:45", 0 },
  { H_EUS, K_FLEET, F_DEFECT, "3.2.1", "2025-11-14 14:40", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_CANARY, F_ANOMALY, "2.2.0", "2026-01-12 15:20", 2, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_FLEET, F_ANOMALY, "2.2.0", "2026-01-21 14:50", -1, SP_DEPLOY, "2026-02-05 16:30", UPD_PRIORITY, 5, NULL, 0 },
  { H_EUS, K_CANARY, F_PERSON, "2.0.0", "2026-02-02 14:15", 1, SP_DEPLOY, NULL, 0, 0, "2026-03-16 15:10", 0 },
  { H_EUS, K_FLEET, F_PERSON, "2.0.0", "2026-02-10 14:30", -1, SP_DEPLOY, NULL, 0, 0, "2026-04-01 14:00", 0 },
  { H_EUS, K_CANARY, F_DEFECT, "3.2.2", "2026-02-24 19:05", 0, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_ROLLBACK, F_PERSON, "1.6.0", "2026-03-09 13:35", -1, P_VERA, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_BASE, -1, "1.5", "2026-04-20 13:50", -1, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_EUS, K_PILOT, F_PPE, "1.3.0", "2026-06-03 21:40", 0, P_JONAS, NULL, 0, 0, NULL, 0 },
  /* southeastasia */
  { H_SEA, K_BASE, -1, "1.4", "2025-04-16 02:20", -1, P_MALIK, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_CANARY, F_ANOMALY, "2.1.0", "2025-04-21 02:35", 0, SP_DEPLOY, NULL, 0, 0, "2025-06-30 03:00", 0 },
  { H_SEA, K_CANARY, F_THERMAL, "1.0.1", "2025-04-22 02:50", 1, SP_DEPLOY, NULL, 0, 0, "2025-06-30 03:01", 0 },
  { H_SEA, K_FLEET, F_ANOMALY, "2.1.0", "2025-04-29 02:40", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_FLEET, F_THERMAL, "1.0.1", "2025-04-29 03:05", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_CANARY, F_THERMAL, "1.1.0", "2025-10-06 02:25", 1, SP_DEPLOY, NULL, 0, 0, "2025-12-10 02:10", 0 },
  { H_SEA, K_FLEET, F_THERMAL, "1.1.0", "2025-10-15 02:45", -1, SP_DEPLOY, "2026-03-10 17:42", UPD_METRICS, 0, NULL, DF_NO_AUDIT_UPDATE },
  { H_SEA, K_CANARY, F_ANOMALY, "2.2.0", "2026-01-14 03:10", 0, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_FLEET, F_ANOMALY, "2.2.0", "2026-01-23 02:55", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_FLEET, F_THERMAL, "1.2.0", "2026-03-02 03:20", -1, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_CANARY, F_ANOMALY, "2.3.0", "2026-05-04 02:30", 0, SP_DEPLOY, NULL, 0, 0, NULL, 0 },
  { H_SEA, K_FLEET, F_ANOMALY, "2.3.0", "2026-05-12 02:40", -1, SP_DEPLOY, NULL, 0, 0, NULL, DF_DRIFT },
};

#define N_DEPS ((int) G_N_ELEMENTS (dep_specs))

typedef struct
{
  const DepSpec *spec;
  int            index;
  char          *id;
  int            hub;
  int            kind;
  int            fam;
  int            slot;
  int            vidx;      /* model version, -1 for base */
  int            rt;        /* 14 or 15 for base */
  int            site2;     /* second canary site after UPD_TARGET */
  gint64         t_created;
  gint64         t_applied; /* hub applied it to the twins */
  gint64         t_upd;
  gint64         t_upd_applied;
  gint64         t_deleted;
  int            prio[2];
  char          *target[2];
  int            creator;
  gboolean       layered;
} Dep;

static Dep deps[N_DEPS];

static const char *
kind_name (int kind)
{
  switch (kind)
    {
    case K_BASE:
      return "base";
    case K_CANARY:
      return "canary";
    case K_FLEET:
      return "fleet";
    case K_ROLLBACK:
      return "rollback";
    case K_PILOT:
      return "pilot";
    default:
      return "?";
    }
}

static char *
dashed (const char *ver)
{
  char *s = pstrdup (ver);
  char *p;

  for (p = s; *p != '\0'; p++)
    if (*p == '.')
      *p = '-';
  return s;
}

/* tags.workload condition for the workloads of a hub that run a family. */
static char *
workload_condition (int hub,
                    int fam)
{
  g_autoptr (GString) s = g_string_new (NULL);
  int n = 0, i;
  const char *only = NULL;

  for (i = 0; i < hubs[hub].n_wl; i++)
    if (workloads[hubs[hub].wl[i]].fam_mask & (1u << fam))
      {
        only = workloads[hubs[hub].wl[i]].name;
        g_string_append_printf (s, "%s'%s'", n > 0 ? "," : "", only);
        n++;
      }
  if (n == 1)
    return pprintf ("tags.workload='%s'", only);
  return pprintf ("tags.workload IN [%s]", s->str);
}

static void
init_deps (Rng *r)
{
  int i, v;
  int fam_seq[N_HUBS] = { 0 };

  for (i = 0; i < N_DEPS; i++)
    {
      const DepSpec *sp = &dep_specs[i];
      Dep *d = &deps[i];
      const Hub *hub = &hubs[sp->hub];

      d->spec = sp;
      d->index = i;
      d->hub = sp->hub;
      d->kind = sp->kind;
      d->fam = sp->fam;
      d->slot = sp->fam < 0 ? 0 : 1 + sp->fam;
      d->creator = sp->creator;
      d->site2 = sp->upd_kind == UPD_TARGET ? sp->upd_arg : -1;
      d->layered = sp->kind != K_BASE;
      d->t_created = parse_t (sp->created) + rng_range (r, 0, 59) * TPS + rng_range (r, 0, TPS - 1);
      d->t_applied = d->t_created + rng_range (r, 90, 300) * TPS + rng_range (r, 0, TPS - 1);
      if (sp->updated != NULL)
        {
          d->t_upd = parse_t (sp->updated) + rng_range (r, 0, 59) * TPS + rng_range (r, 0, TPS - 1);
          d->t_upd_applied = d->t_upd + rng_range (r, 90, 300) * TPS;
        }
      d->t_deleted = sp->deleted != NULL
        ? parse_t (sp->deleted) + rng_range (r, 0, 59) * TPS + rng_range (r, 0, TPS - 1)
        : T_NEVER;

      if (sp->kind == K_BASE)
        {
          d->vidx = -1;
          d->rt = strcmp (sp->ver, "1.5") == 0 ? 15 : 14;
          d->id = pprintf ("base-runtime-%s-%s", dashed (sp->ver), hub->code);
          d->prio[0] = d->rt == 15 ? 20 : 10;
          d->target[0] = pstrdup ("*");
        }
      else
        {
          d->vidx = find_mversion (sp->fam, sp->ver);
          d->rt = 0;
          d->id = pprintf ("%s-%s-%s-%s", families[sp->fam].shortname, dashed (sp->ver), kind_name (sp->kind), hub->code);
          d->prio[0] = 100 + 10 * fam_seq[sp->hub]++;
          switch (sp->kind)
            {
            case K_CANARY:
              d->target[0] = pprintf ("tags.ring='canary' AND tags.site='%s' AND %s", hub->sites[sp->site],
                                      workload_condition (sp->hub, sp->fam));
              break;
            case K_PILOT:
              d->target[0] = pprintf ("tags.site='%s' AND tags.workload='people-count' AND tags.line='line-02'",
                                      hub->sites[sp->site]);
              break;
            default:
              d->target[0] = workload_condition (sp->hub, sp->fam);
              break;
            }
        }

      d->prio[1] = d->prio[0];
      d->target[1] = d->target[0];
      if (sp->upd_kind == UPD_PRIORITY)
        d->prio[1] = d->prio[0] + sp->upd_arg;
      else if (sp->upd_kind == UPD_TARGET)
        d->target[1] = pprintf ("tags.ring='canary' AND tags.site IN ['%s','%s'] AND %s",
                                hub->sites[sp->site], hub->sites[sp->upd_arg],
                                workload_condition (sp->hub, sp->fam));
      for (v = 0; v < 2; v++)
        g_assert (d->target[v] != NULL);
    }
}

static int
find_dep (const char *id)
{
  int i;

  for (i = 0; i < N_DEPS; i++)
    if (strcmp (deps[i].id, id) == 0)
      return i;
  g_error ("unknown deployment %s", id);
  return -1;
}

/* Version of a configuration's user-visible state in force at t (0 or 1). */
static int
dep_ver_at (const Dep *d,
            gint64     t)
{
  return d->t_upd != 0 && t >= d->t_upd ? 1 : 0;
}

/* The state the hub has evaluated against twins at t. */
static int
dep_eval_ver_at (const Dep *d,
                 gint64     t)
{
  return d->t_upd != 0 && t >= d->t_upd_applied ? 1 : 0;
}

static gboolean
dep_live_for_twins (const Dep *d,
                    gint64     t)
{
  return t >= d->t_applied && t < d->t_deleted;
}

static gboolean
dep_listed (const Dep *d,
            gint64     t)
{
  return t >= d->t_created && t < d->t_deleted;
}

static char *
etag_small (int v)
{
  g_autofree char *n = g_strdup_printf ("%d", v);
  g_autofree char *b = g_base64_encode ((const guchar *) n, strlen (n));

  return tprintf ("%s", b);
}

static char *
dep_digest (const Dep *d,
            int        v)
{
  return tprintf ("%" G_GINT64_FORMAT, (v ? d->t_upd : d->t_created) + NET_EPOCH);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

enum
{
  AUTH_SAS,
  AUTH_SELF_SIGNED,
  AUTH_CA,
};

static const char *const auth_names[] = { "sas", "selfSigned", "certificateAuthority" };

enum
{
  DV_CANARY = 1 << 0,
  DV_NEW = 1 << 1,        /* registered during the window */
  DV_NEVER = 1 << 2,      /* registered but never came online */
  DV_DELETED = 1 << 3,
  DV_STALE = 1 << 4,
  DV_OLD_RT = 1 << 5,
  DV_DRIFT = 1 << 6,
  DV_MOVED_UK = 1 << 7,
  DV_WEAK = 1 << 8,
  DV_PILOT = 1 << 9,
  DV_RING_CHANGE = 1 << 10,
  DV_LINE_CHANGE = 1 << 11,
  DV_PLANTED = DV_DRIFT | DV_MOVED_UK | DV_WEAK | DV_PILOT,
};

/* $edgeAgent desired-side history: one entry per change of what the hub
 * has merged into the twin. */
typedef struct
{
  gint64  t;
  gboolean desired_changed;
  int     win[N_SLOTS];
  int     win_ver[N_SLOTS];      /* configuration state version (etag 1/2) */
  int     agent_dver;            /* $edgeAgent properties.desired.$version */
  gint64  agent_dtime;
  int     extra;                 /* twin changes that touched only configurations */
  int     slot_changes[N_SLOTS];
  gint64  slot_dtime[N_SLOTS];
  int     slot_agent_ver[N_SLOTS];
  int     slot_wver[N_SLOTS];        /* configuration state version when written */
} DEv;

/* What the device actually runs, as written by edgeAgent and the modules. */
typedef struct
{
  gint64 t;
  int    dev_idx;                /* the DEv applied */
  int    code;                   /* lastDesiredStatus.code */
  int    run[N_SLOTS];           /* model version index, or runtime 14/15 in slot 0 */
  gint64 run_since[N_SLOTS];
  gint64 first_start[N_SLOTS];
  gint64 prev_exit[N_SLOTS];
  int    model_changes[N_SLOTS];
  int    agent_rver;             /* $edgeAgent properties.reported.$version */
  gint64 agent_start;
} AEv;

typedef struct
{
  char       *id;
  int         hub;
  int         n;            /* 1-based number inside the hub */
  int         workload;
  int         site;
  int         site_after;
  gint64      site_changed;
  int         line;
  int         line_after;
  gint64      line_changed;
  gint64      ring_changed;
  guint       flags;
  int         auth;
  char        thumb1[41];
  char        thumb2[41];
  gboolean    eu_restricted;
  gint64      created;
  gint64      online_from;
  gint64      deleted;
  gint64      stale_since;  /* last activity; T_NEVER when healthy */
  gint64      drift_fix;
  const char *rt_old;
  const char *rt14;
  const char *rt15;
  const char *arch;
  char       *device_etag;
  guint64     h;
  GArray     *dev_events;   /* DEv */
  GArray     *app_events;   /* AEv */
} Device;

static GPtrArray *devices;
static GPtrArray *hub_devices[N_HUBS];

static gboolean
dev_has_fam (const Device *d,
             int           fam)
{
  return (workloads[d->workload].fam_mask & (1u << fam)) != 0;
}

static gboolean
dev_alive (const Device *d,
           gint64        t)
{
  return t >= d->created && t < d->deleted;
}

static gboolean
dev_canary_at (const Device *d,
               gint64        t)
{
  return (d->flags & DV_CANARY) != 0 || (d->ring_changed != 0 && t >= d->ring_changed);
}

static int
dev_site_at (const Device *d,
             gint64        t)
{
  return d->site_after >= 0 && t >= d->site_changed ? d->site_after : d->site;
}

static int
dev_line_at (const Device *d,
             gint64        t)
{
  return d->line_changed != 0 && t >= d->line_changed ? d->line_after : d->line;
}

static const char *
dev_region_at (const Device *d,
               gint64        t)
{
  if (dev_site_at (d, t) == SITE_UK)
    return "uksouth";
  return hubs[d->hub].location;
}

/* Pick up to n devices of a hub that satisfy pred and carry none of the
 * excluded flags. */
typedef gboolean (*DevPred) (const Device *d, gpointer data);

static int
pick_devices (Rng      *r,
              int       hub,
              DevPred   pred,
              gpointer  data,
              guint     exclude,
              int       n,
              guint     set_flag,
              Device  **out)
{
  g_autoptr (GPtrArray) cand = g_ptr_array_new ();
  guint i;
  int got = 0;

  for (i = 0; i < hub_devices[hub]->len; i++)
    {
      Device *d = g_ptr_array_index (hub_devices[hub], i);

      if ((d->flags & exclude) == 0 && (pred == NULL || pred (d, data)))
        g_ptr_array_add (cand, d);
    }
  while (got < n && cand->len > 0)
    {
      guint k = (guint) rng_range (r, 0, cand->len - 1);
      Device *d = g_ptr_array_index (cand, k);

      g_ptr_array_remove_index (cand, k);
      d->flags |= set_flag;
      if (out != NULL)
        out[got] = d;
      got++;
    }
  return got;
}

static gboolean
pred_pilot (const Device *d,
            gpointer      data)
{
  (void) data;
  return d->workload == WL_PEOPLE && d->site == 0;
}

static gboolean
pred_drift (const Device *d,
            gpointer      data)
{
  (void) data;
  return d->site == 0 && dev_has_fam (d, F_ANOMALY);
}

static gboolean
pred_uk (const Device *d,
         gpointer      data)
{
  (void) data;
  return d->workload == WL_PPE && d->site == 2;
}

static gboolean
pred_eu (const Device *d,
         gpointer      data)
{
  (void) data;
  return d->eu_restricted;
}

static gboolean
pred_flag (const Device *d,
           gpointer      data)
{
  return (d->flags & GPOINTER_TO_UINT (data)) != 0;
}

/* Canary devices per (site, workload): two in groups of a dozen or more. */
static int
canaries_for (const Hub *hub,
              int        wl)
{
  int w;

  for (w = 0; w < hub->n_wl; w++)
    if (hub->wl[w] == wl)
      return hub->wl_count[w] / 3 >= 12 ? 2 : 1;
  return 1;
}

static const char *const rt14_versions[] = { "1.4.10", "1.4.16", "1.4.20", "1.4.27", "1.4.33" };
static const char *const rt15_versions[] = { "1.5.0", "1.5.3", "1.5.6", "1.5.13" };

static void
generate_devices (void)
{
  Rng r;
  int h, i;

  rng_init (&r, "devices");
  devices = g_ptr_array_new ();

  for (h = 0; h < N_HUBS; h++)
    {
      Hub *hub = &hubs[h];
      g_autoptr (GArray) slots = g_array_new (FALSE, FALSE, sizeof (int) * 2);
      int w, k, n = 0;
      int seen[N_WORKLOADS][3];

      hub_devices[h] = g_ptr_array_new ();
      memset (seen, 0, sizeof seen);

      for (w = 0; w < hub->n_wl; w++)
        for (k = 0; k < hub->wl_count[w]; k++)
          {
            int pair[2] = { hub->wl[w], k % 3 };

            g_array_append_vals (slots, pair, 1);
          }
      /* Fisher-Yates so that ids interleave workloads. */
      for (i = (int) slots->len - 1; i > 0; i--)
        {
          int j = (int) rng_range (&r, 0, i);
          int tmp[2];

          memcpy (tmp, &g_array_index (slots, int, 2 * i), sizeof tmp);
          memcpy (&g_array_index (slots, int, 2 * i), &g_array_index (slots, int, 2 * j), sizeof tmp);
          memcpy (&g_array_index (slots, int, 2 * j), tmp, sizeof tmp);
        }

      for (i = 0; i < (int) slots->len; i++)
        {
          Device *d = g_new0 (Device, 1);
          int wl = g_array_index (slots, int, 2 * i);
          int site = g_array_index (slots, int, 2 * i + 1);

          d->hub = h;
          d->n = ++n;
          d->workload = wl;
          d->site = site;
          d->site_after = -1;
          d->line = (int) rng_range (&r, 1, 6);
          d->id = pprintf ("%s-%s-%04d", workloads[wl].prefix, hub->code, d->n);
          d->h = hseed (hash_str (d->id), 17, 0);
          d->eu_restricted = h == H_WEU && (wl == WL_VISION || wl == WL_VISION_OCR || wl == WL_PPE);
          d->created = mkt (2025, 3, 3, 0, 0, 0) + rng_range (&r, 0, 34) * TPD
                       + rng_range (&r, 7 * 3600, 17 * 3600) * TPS + rng_range (&r, 0, TPS - 1);
          d->online_from = d->created + rng_range (&r, 20, 240) * TPM;
          d->deleted = T_NEVER;
          d->stale_since = T_NEVER;
          d->rt14 = rt14_versions[rng_range (&r, 0, G_N_ELEMENTS (rt14_versions) - 1)];
          d->rt15 = rt15_versions[rng_range (&r, 0, G_N_ELEMENTS (rt15_versions) - 1)];
          d->arch = (wl == WL_VIBRATION || wl == WL_VIB_THERMAL || rng_chance (&r, 0.15)) ? "aarch64" : "x86_64";
          d->device_etag = pprintf ("%" G_GINT64_FORMAT, rng_range (&r, 100000000, 999999999));
          hex_string (rng_u64 (&r), d->thumb1, 40, TRUE);
          hex_string (rng_u64 (&r), d->thumb2, 40, TRUE);
          d->dev_events = g_array_new (FALSE, TRUE, sizeof (DEv));
          d->app_events = g_array_new (FALSE, TRUE, sizeof (AEv));

          if (seen[wl][site] < canaries_for (hub, wl))
            {
              seen[wl][site]++;
              d->flags |= DV_CANARY;
            }
          else if (rng_chance (&r, 0.02))
            d->flags |= DV_CANARY;

          g_ptr_array_add (devices, d);
          g_ptr_array_add (hub_devices[h], d);
        }
    }

  /* Planted devices first, so that random choices below avoid them. */
  {
    Device *picked[8];
    int got, j;

    /* Residency: the pilot in eastus runs ppe-compliance (EU-only data). */
    got = pick_devices (&r, H_EUS, pred_pilot, NULL, DV_CANARY, 3, DV_PILOT, picked);
    for (j = 0; j < got; j++)
      picked[j]->line = 2;
    for (i = 0; i < (int) hub_devices[H_EUS]->len; i++)
      {
        Device *d = g_ptr_array_index (hub_devices[H_EUS], i);

        if (pred_pilot (d, NULL) && !(d->flags & DV_PILOT) && d->line == 2)
          d->line = 3;
      }

    /* Twin drift: ACR pulls fail at Penang for seven weeks. */
    got = pick_devices (&r, H_SEA, pred_drift, NULL, DV_CANARY | DV_PLANTED, 5, DV_DRIFT, picked);
    for (j = 0; j < got; j++)
      picked[j]->drift_fix = mkt (2026, 7, 3, 9, 0, 0) + rng_range (&r, 0, 180) * TPM + rng_range (&r, 0, TPS - 1);

    /* A Munich PPE camera moved to the UK plant in January 2026. */
    got = pick_devices (&r, H_WEU, pred_uk, NULL, DV_CANARY | DV_PLANTED, 1, DV_MOVED_UK, picked);
    for (j = 0; j < got; j++)
      {
        picked[j]->site_after = SITE_UK;
        picked[j]->site_changed = mkt (2026, 1, 12, 10, 0, 0) + rng_range (&r, 0, 7200) * TPS;
      }

    /* Weak identity: EU-restricted cameras still on symmetric keys. */
    pick_devices (&r, H_WEU, pred_eu, NULL, DV_CANARY | DV_PLANTED, 5, DV_WEAK, NULL);
  }

  for (h = 0; h < N_HUBS; h++)
    {
      int n_new = (int) hub_devices[h]->len * 8 / 100;
      Device *picked[64];
      int got, j;

      /* Devices added during the window. */
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED, n_new, DV_NEW, picked);
      for (j = 0; j < got; j++)
        {
          Device *d = picked[j];

          d->created = mkt (2025, 7, 1, 0, 0, 0) + rng_range (&r, 0, 426) * TPD
                       + rng_range (&r, 6 * 3600, 18 * 3600) * TPS + rng_range (&r, 0, TPS - 1);
          d->online_from = d->created + rng_range (&r, 1 * 24 * 60, 6 * 24 * 60) * TPM;
        }
      if (h != H_WEU)
        {
          got = pick_devices (&r, h, pred_flag, GUINT_TO_POINTER (DV_NEW), DV_NEVER, 1, DV_NEVER, picked);
          for (j = 0; j < got; j++)
            picked[j]->online_from = T_NEVER;
        }

      /* Decommissioned devices. */
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED | DV_NEW, 1, DV_DELETED, picked);
      for (j = 0; j < got; j++)
        {
          picked[j]->deleted = mkt (2026, 2, 1, 0, 0, 0) + rng_range (&r, 0, 140) * TPD + rng_range (&r, 8 * 3600, 17 * 3600) * TPS;
          picked[j]->stale_since = picked[j]->deleted - rng_range (&r, 5, 20) * TPD - rng_range (&r, 0, 86399) * TPS;
        }

      /* Stale devices: no activity for months. */
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED | DV_NEW | DV_DELETED, 5, DV_STALE, picked);
      for (j = 0; j < got; j++)
        picked[j]->stale_since = mkt (2025, 7, 1, 0, 0, 0) + rng_range (&r, 0, 450) * TPD
                                 + rng_range (&r, 0, 86399) * TPS + rng_range (&r, 0, TPS - 1);
      /* Old edge runtimes: two of the stale ones and two connected ones. */
      for (j = 0; j < 2 && j < got; j++)
        {
          picked[j]->flags |= DV_OLD_RT;
          picked[j]->rt_old = j == 0 ? "1.1.3" : "1.2.10";
        }
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED | DV_NEW | DV_DELETED | DV_STALE, 2, DV_OLD_RT, picked);
      for (j = 0; j < got; j++)
        picked[j]->rt_old = j == 0 ? "1.2.10" : "1.1.3";

      /* Promotions to the canary ring and line moves. */
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED | DV_NEW | DV_DELETED | DV_STALE | DV_OLD_RT,
                          2, DV_RING_CHANGE, picked);
      for (j = 0; j < got; j++)
        picked[j]->ring_changed = mkt (2025, 9, 1, 0, 0, 0) + rng_range (&r, 0, 180) * TPD + rng_range (&r, 8 * 3600, 17 * 3600) * TPS;
      got = pick_devices (&r, h, NULL, NULL, DV_CANARY | DV_PLANTED | DV_RING_CHANGE | DV_DELETED, 2, DV_LINE_CHANGE, picked);
      for (j = 0; j < got; j++)
        {
          Device *d = picked[j];

          if (d->hub == H_EUS && d->workload == WL_PEOPLE && d->site == 0)
            {
              d->flags &= ~DV_LINE_CHANGE;
              continue;
            }
          d->line_after = d->line % 6 + 1;
          d->line_changed = MAX (d->created, mkt (2025, 8, 1, 0, 0, 0)) + rng_range (&r, 10, 300) * TPD;
        }
    }

  /* Authentication. */
  for (i = 0; i < (int) devices->len; i++)
    {
      Device *d = g_ptr_array_index (devices, i);
      double u = hunit (hseed (d->h, 3, 0));

      if (d->flags & DV_WEAK)
        d->auth = AUTH_SAS;
      else if (d->eu_restricted)
        d->auth = u < 0.75 ? AUTH_CA : AUTH_SELF_SIGNED;
      else
        d->auth = u < 0.75 ? AUTH_SAS : (u < 0.90 ? AUTH_SELF_SIGNED : AUTH_CA);
    }
}

/* ------------------------------------------------------------------ */
/* Simulation: which configuration wins where, what devices run        */
/* ------------------------------------------------------------------ */

static gboolean
dep_matches (const Dep    *dp,
             int           v,
             const Device *d,
             gint64        t)
{
  int site;

  if (!dev_alive (d, t))
    return FALSE;
  switch (dp->kind)
    {
    case K_BASE:
      return TRUE;
    case K_CANARY:
      if (!dev_canary_at (d, t) || !dev_has_fam (d, dp->fam))
        return FALSE;
      site = dev_site_at (d, t);
      return site == dp->spec->site || (v == 1 && site == dp->site2);
    case K_FLEET:
    case K_ROLLBACK:
      return dev_has_fam (d, dp->fam);
    case K_PILOT:
      return dev_site_at (d, t) == dp->spec->site && d->workload == WL_PEOPLE && dev_line_at (d, t) == 2;
    default:
      return FALSE;
    }
}

enum
{
  ST_APPLIED,
  ST_TARGETED,
};

typedef struct
{
  int dep;
  int status;
} MapEntry;

/* Winners per slot and the configurations map at t.  Returns the number
 * of map entries. */
static int
evaluate (const Device *d,
          gint64        t,
          int           win[N_SLOTS],
          int           win_ver[N_SLOTS],
          MapEntry     *map,
          int           map_max)
{
  int i, s, n = 0;

  for (s = 0; s < N_SLOTS; s++)
    {
      win[s] = -1;
      win_ver[s] = 0;
    }
  for (i = 0; i < N_DEPS; i++)
    {
      const Dep *dp = &deps[i];
      int v;

      if (dp->hub != d->hub || !dep_live_for_twins (dp, t))
        continue;
      v = dep_eval_ver_at (dp, t);
      if (!dep_matches (dp, v, d, t))
        continue;
      s = dp->slot;
      if (win[s] < 0
          || dp->prio[v] > deps[win[s]].prio[win_ver[s]]
          || (dp->prio[v] == deps[win[s]].prio[win_ver[s]] && dp->t_created > deps[win[s]].t_created))
        {
          win[s] = i;
          win_ver[s] = v;
        }
    }
  for (i = 0; i < N_DEPS && map != NULL; i++)
    {
      const Dep *dp = &deps[i];

      if (dp->hub != d->hub || !dep_live_for_twins (dp, t))
        continue;
      if (!dep_matches (dp, dep_eval_ver_at (dp, t), d, t))
        continue;
      if (n < map_max)
        {
          map[n].dep = i;
          map[n].status = (dp->kind == K_BASE && win[0] != i) ? ST_TARGETED : ST_APPLIED;
        }
      n++;
    }
  return MIN (n, map_max);
}

static guint64
map_signature (const MapEntry *map,
               int             n)
{
  guint64 h = 7;
  int i;

  for (i = 0; i < n; i++)
    h = mix64 (h ^ (guint64) (map[i].dep * 4 + map[i].status));
  return h;
}

static int
cmp_gint64 (const void *a,
            const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static int
slot_version (int dep,
              int slot)
{
  if (dep < 0)
    return -1;
  return slot == 0 ? deps[dep].rt : deps[dep].vidx;
}

static const Dep *drift_dep;

static void
push_apply (Device  *d,
            int      ei,
            gint64   a,
            gboolean fail)
{
  const DEv *e = &g_array_index (d->dev_events, DEv, ei);
  AEv n;
  int s;

  if (d->app_events->len > 0)
    n = g_array_index (d->app_events, AEv, d->app_events->len - 1);
  else
    {
      memset (&n, 0, sizeof n);
      for (s = 0; s < N_SLOTS; s++)
        n.run[s] = -1;
      n.agent_rver = 1;
    }

  n.t = a;
  n.dev_idx = ei;
  n.code = fail ? 500 : 200;
  for (s = 0; s < N_SLOTS; s++)
    {
      int v = slot_version (e->win[s], s);
      gint64 start = a + (gint64) (5 + (hseed (d->h, (guint64) ei, (guint64) s) % 40)) * TPS
                     + (gint64) (hseed (d->h, (guint64) ei, 99 + (guint64) s) % TPS);

      if (fail && s == 1 + F_ANOMALY)
        continue;
      if (v < 0 || v == n.run[s])
        continue;
      if (s == 0 && d->rt_old != NULL && n.run[0] > 0)
        {
          /* Old host packages: the agent keeps its version. */
          n.run[0] = v;
          continue;
        }
      if (n.run[s] < 0)
        n.first_start[s] = start;
      else
        {
          n.model_changes[s]++;
          n.prev_exit[s] = start - 2 * TPS;
        }
      n.run[s] = v;
      n.run_since[s] = start;
      if (s == 0)
        n.agent_start = start;
    }
  n.agent_rver++;
  g_array_append_val (d->app_events, n);
}

static void
simulate_device (Device *d)
{
  g_autoptr (GArray) cps = g_array_new (FALSE, FALSE, sizeof (gint64));
  MapEntry map[32];
  guint64 prev_sig = 0;
  gint64 last_a = 0;
  gboolean fix_done = FALSE;
  guint i;
  int s;

  g_array_append_val (cps, d->created);
  for (i = 0; i < N_DEPS; i++)
    {
      const Dep *dp = &deps[i];

      if (dp->hub != d->hub)
        continue;
      g_array_append_val (cps, dp->t_applied);
      if (dp->t_upd != 0)
        g_array_append_val (cps, dp->t_upd_applied);
      if (dp->t_deleted != T_NEVER)
        g_array_append_val (cps, dp->t_deleted);
    }
  if (d->ring_changed != 0)
    g_array_append_val (cps, d->ring_changed);
  if (d->site_after >= 0)
    g_array_append_val (cps, d->site_changed);
  if (d->line_changed != 0)
    g_array_append_val (cps, d->line_changed);
  g_array_sort (cps, cmp_gint64);

  for (i = 0; i < cps->len; i++)
    {
      gint64 t = g_array_index (cps, gint64, i);
      DEv e;
      const DEv *prev = d->dev_events->len > 0
        ? &g_array_index (d->dev_events, DEv, d->dev_events->len - 1) : NULL;
      int nmap;
      guint64 sig;
      gboolean changed;

      if (t < d->created || t >= d->deleted || (i > 0 && t == g_array_index (cps, gint64, i - 1)))
        continue;
      memset (&e, 0, sizeof e);
      e.t = t;
      nmap = evaluate (d, t, e.win, e.win_ver, map, G_N_ELEMENTS (map));
      sig = map_signature (map, nmap);

      if (prev == NULL)
        {
          gboolean any = FALSE;

          for (s = 0; s < N_SLOTS; s++)
            {
              if (e.win[s] >= 0)
                {
                  any = TRUE;
                  e.slot_changes[s] = 1;
                  e.slot_dtime[s] = t;
                  e.slot_wver[s] = e.win_ver[s];
                }
            }
          e.desired_changed = TRUE;
          e.agent_dver = any ? 2 : 1;
          e.agent_dtime = t;
          for (s = 0; s < N_SLOTS; s++)
            e.slot_agent_ver[s] = e.agent_dver;
          g_array_append_val (d->dev_events, e);
          prev_sig = sig;
          continue;
        }

      changed = FALSE;
      for (s = 0; s < N_SLOTS; s++)
        if (e.win[s] != prev->win[s])
          changed = TRUE;
      if (!changed && sig == prev_sig)
        continue;

      e.desired_changed = changed;
      e.agent_dver = prev->agent_dver + (changed ? 1 : 0);
      e.agent_dtime = changed ? t : prev->agent_dtime;
      e.extra = prev->extra + (changed ? 0 : 1);
      for (s = 0; s < N_SLOTS; s++)
        {
          if (e.win[s] != prev->win[s])
            {
              if (e.win[s] < 0 && s > 0)
                g_warning ("%s: module %s removed at %s", d->id, families[s - 1].module, ts (t, TS_7Z));
              e.slot_changes[s] = prev->slot_changes[s] + 1;
              e.slot_dtime[s] = t;
              e.slot_agent_ver[s] = e.agent_dver;
              e.slot_wver[s] = e.win_ver[s];
            }
          else
            {
              e.slot_changes[s] = prev->slot_changes[s];
              e.slot_dtime[s] = prev->slot_dtime[s];
              e.slot_agent_ver[s] = prev->slot_agent_ver[s];
              e.slot_wver[s] = prev->slot_wver[s];
            }
        }
      g_array_append_val (d->dev_events, e);
      prev_sig = sig;
    }

  /* The agent applies each desired change shortly after it appears. */
  for (i = 0; i < d->dev_events->len; i++)
    {
      const DEv *e = &g_array_index (d->dev_events, DEv, i);
      gint64 a;
      gboolean fail = FALSE;

      if (!e->desired_changed || d->online_from == T_NEVER)
        continue;
      if (e->agent_dver == 1)
        continue;   /* nothing to apply yet */
      a = MAX (e->t, d->online_from) + (gint64) (60 + hseed (d->h, i, 5) % 1500) * TPS
          + (gint64) (hseed (d->h, i, 6) % TPS);
      if (a <= last_a)
        a = last_a + TPS;
      if (i + 1 < d->dev_events->len)
        {
          const DEv *next = &g_array_index (d->dev_events, DEv, i + 1);

          if (next->desired_changed && a >= next->t)
            continue;   /* superseded before the agent got to it */
        }
      if (a >= d->stale_since || a >= d->deleted)
        break;
      if ((d->flags & DV_DRIFT) && drift_dep != NULL && e->t >= drift_dep->t_applied)
        {
          if (!fix_done && a >= d->drift_fix)
            {
              int k;

              for (k = (int) i - 1; k >= 0; k--)
                if (g_array_index (d->dev_events, DEv, k).desired_changed)
                  break;
              push_apply (d, MAX (k, 0), d->drift_fix, FALSE);
              last_a = d->drift_fix;
              fix_done = TRUE;
              if (a <= last_a)
                a = last_a + TPS;
            }
          fail = !fix_done;
        }
      push_apply (d, (int) i, a, fail);
      last_a = a;
    }
  if ((d->flags & DV_DRIFT) && !fix_done && d->drift_fix < d->stale_since)
    {
      int k;

      for (k = (int) d->dev_events->len - 1; k >= 0; k--)
        if (g_array_index (d->dev_events, DEv, k).desired_changed
            && g_array_index (d->dev_events, DEv, k).t <= d->drift_fix)
          break;
      push_apply (d, MAX (k, 0), d->drift_fix, FALSE);
    }
}

static const DEv *
dev_event_at (const Device *d,
              gint64        t)
{
  const DEv *best = NULL;
  guint i;

  for (i = 0; i < d->dev_events->len; i++)
    {
      const DEv *e = &g_array_index (d->dev_events, DEv, i);

      if (e->t > t)
        break;
      best = e;
    }
  return best;
}

static const AEv *
app_event_at (const Device *d,
              gint64        t)
{
  const AEv *best = NULL;
  guint i;

  for (i = 0; i < d->app_events->len; i++)
    {
      const AEv *a = &g_array_index (d->app_events, AEv, i);

      if (a->t > t)
        break;
      best = a;
    }
  return best;
}

static void
simulate (void)
{
  guint i;

  drift_dep = NULL;
  for (i = 0; i < N_DEPS; i++)
    if (deps[i].spec->flags & DF_DRIFT)
      drift_dep = &deps[i];
  for (i = 0; i < devices->len; i++)
    simulate_device (g_ptr_array_index (devices, i));
}

/* ------------------------------------------------------------------ */
/* Deployment content                                                  */
/* ------------------------------------------------------------------ */

static char *
image_of (int vidx)
{
  return tprintf ("%s/%s:%s", ACR_HOST, families[mversions[vidx].fam].name, mversions[vidx].ver);
}

static char *
runtime_image (const char *what,
               int         rt)
{
  return tprintf ("mcr.microsoft.com/azureiotedge-%s:%d.%d", what, rt / 10, rt % 10);
}

static char *
image_hash (const char *image)
{
  g_autofree char *h = g_compute_checksum_for_string (G_CHECKSUM_SHA256, image, -1);

  return tprintf ("sha256:%s", h);
}

static char *
module_create_options (int fam)
{
  JVal *o = j_obj ();
  JVal *hc = j_put_o (o, "HostConfig");
  JVal *binds = j_put_a (hc, "Binds");

  j_add (binds, j_str ("/var/lib/attest-models:/models:ro"));
  j_put_i (hc, "Memory", (gint64) families[fam].memory * 2 * 1024 * 1024);
  if (fam == F_DEFECT || fam == F_PERSON || fam == F_OCR || fam == F_PPE || fam == F_THERMAL)
    {
      JVal *devs = j_put_a (hc, "Devices");
      JVal *dev = j_add (devs, j_obj ());

      j_put_s (dev, "PathOnHost", fam == F_THERMAL ? "/dev/ttyACM0" : "/dev/video0");
      j_put_s (dev, "PathInContainer", fam == F_THERMAL ? "/dev/ttyACM0" : "/dev/video0");
      j_put_s (dev, "CgroupPermissions", "rwm");
    }
  return j_to_string (o);
}

static const char *
edgehub_create_options (void)
{
  return "{\"HostConfig\":{\"PortBindings\":{\"443/tcp\":[{\"HostPort\":\"443\"}],"
         "\"5671/tcp\":[{\"HostPort\":\"5671\"}],\"8883/tcp\":[{\"HostPort\":\"8883\"}]}}}";
}

/* modules.<m> as written in $edgeAgent desired properties. */
static JVal *
module_desired_entry (int vidx)
{
  int fam = mversions[vidx].fam;
  JVal *m = j_obj ();
  JVal *settings = j_put_o (m, "settings");

  j_put_s (settings, "image", image_of (vidx));
  j_put_s (settings, "createOptions", module_create_options (fam));
  j_put_s (m, "type", "docker");
  j_put_s (m, "status", "running");
  j_put_s (m, "restartPolicy", "always");
  j_put_s (m, "version", mversions[vidx].ver);
  return m;
}

static JVal *
runtime_desired (void)
{
  JVal *rt = j_obj ();
  JVal *settings, *creds, *acr;

  j_put_s (rt, "type", "docker");
  settings = j_put_o (rt, "settings");
  j_put_s (settings, "minDockerVersion", "v1.25");
  j_put_s (settings, "loggingOptions", "");
  creds = j_put_o (settings, "registryCredentials");
  acr = j_put_o (creds, "acrattestdemo");
  j_put_s (acr, "username", "acrattestdemo");
  j_put_s (acr, "password", "ACRPASSWORD");
  j_put_s (acr, "address", ACR_HOST);
  return rt;
}

static JVal *
system_modules_desired (int rt)
{
  JVal *sm = j_obj ();
  JVal *agent = j_put_o (sm, "edgeAgent");
  JVal *hub = j_put_o (sm, "edgeHub");
  JVal *s;

  j_put_s (agent, "type", "docker");
  s = j_put_o (agent, "settings");
  j_put_s (s, "image", runtime_image ("agent", rt));
  j_put_s (s, "createOptions", "{}");
  j_put_s (hub, "type", "docker");
  j_put_s (hub, "status", "running");
  j_put_s (hub, "restartPolicy", "always");
  s = j_put_o (hub, "settings");
  j_put_s (s, "image", runtime_image ("hub", rt));
  j_put_s (s, "createOptions", edgehub_create_options ());
  return sm;
}

static JVal *
edgehub_desired_base (void)
{
  JVal *o = j_obj ();

  j_put_s (o, "schemaVersion", "1.1");
  j_put_s (j_put_o (o, "routes"), "upstream", "FROM /messages/* INTO $upstream");
  j_put_i (j_put_o (o, "storeAndForwardConfiguration"), "timeToLiveSecs", 7200);
  return o;
}

static JVal *
model_ref (int vidx)
{
  JVal *m = j_obj ();

  j_put_s (m, "name", families[mversions[vidx].fam].name);
  j_put_s (m, "version", mversions[vidx].ver);
  return m;
}

static JVal *
dep_content (const Dep *dp)
{
  JVal *content = j_obj ();
  JVal *mc = j_put_o (content, "modulesContent");

  if (dp->kind == K_BASE)
    {
      JVal *agent = j_put_o (j_put_o (mc, "$edgeAgent"), "properties.desired");

      j_put_o (agent, "modules");
      j_put (agent, "runtime", runtime_desired ());
      j_put_s (agent, "schemaVersion", "1.1");
      j_put (agent, "systemModules", system_modules_desired (dp->rt));
      j_put (j_put_o (mc, "$edgeHub"), "properties.desired", edgehub_desired_base ());
    }
  else
    {
      const char *m = families[dp->fam].module;

      j_put (j_put_o (mc, "$edgeAgent"), tprintf ("properties.desired.modules.%s", m),
             module_desired_entry (dp->vidx));
      j_put_s (j_put_o (mc, "$edgeHub"), tprintf ("properties.desired.routes.%sToUpstream", m),
               tprintf ("FROM /messages/modules/%s/outputs/* INTO $upstream", m));
      j_put (j_put_o (mc, m), "properties.desired.model", model_ref (dp->vidx));
    }
  return content;
}

/* ------------------------------------------------------------------ */
/* Twins                                                               */
/* ------------------------------------------------------------------ */

static char *
etag_long (gint64 v)
{
  guchar be[8];
  int i;
  g_autofree char *b = NULL;

  for (i = 0; i < 8; i++)
    be[i] = (guchar) ((guint64) v >> (56 - 8 * i));
  b = g_base64_encode (be, 8);
  return tprintf ("%s", b);
}

static JVal *
meta_node (gint64      t,
           int         ver,
           const char *by,
           const char *digest)
{
  JVal *m = j_obj ();

  j_put_s (m, "$lastUpdated", ts (t, TS_7Z));
  if (ver > 0)
    j_put_i (m, "$lastUpdatedVersion", ver);
  if (by != NULL)
    {
      j_put_s (m, "$lastUpdatedBy", by);
      j_put_s (m, "$lastUpdatedByDigest", digest);
    }
  return m;
}

static const char *
rt_string (const Device *d,
           const AEv    *a)
{
  if (d->rt_old != NULL)
    return d->rt_old;
  return a->run[0] == 15 ? d->rt15 : d->rt14;
}

static int
rt_image_tag (const Device *d,
              const AEv    *a)
{
  if (d->rt_old != NULL)
    return d->rt_old[2] == '1' ? 11 : 12;
  return a->run[0] == 15 ? 15 : 14;
}

/* Zone-less timestamps from older agents, as in the real fixture. */
static int
agent_ts_style (const Device *d,
                const AEv    *a)
{
  return rt_image_tag (d, a) >= 15 ? TS_7Z : TS_7N;
}

static JVal *
twin_header (const Device *d,
             const char   *module_id,
             gint64        version,
             gboolean      connected,
             const char   *last_activity)
{
  JVal *o = j_obj ();
  JVal *x;

  j_put_s (o, "deviceId", d->id);
  if (module_id != NULL)
    j_put_s (o, "moduleId", module_id);
  j_put_s (o, "etag", etag_long (version));
  {
    g_autofree char *de = g_base64_encode ((const guchar *) d->device_etag, strlen (d->device_etag));

    j_put_s (o, "deviceEtag", de);
  }
  j_put_s (o, "status", "enabled");
  j_put_s (o, "statusUpdateTime", NEVER_Z);
  j_put_s (o, "connectionState", connected ? "Connected" : "Disconnected");
  j_put_s (o, "lastActivityTime", last_activity);
  j_put_i (o, "cloudToDeviceMessageCount", 0);
  if (module_id != NULL)
    {
      j_put_s (o, "authenticationType", "sas");
      x = j_put_o (o, "x509Thumbprint");
      j_put_null (x, "primaryThumbprint");
      j_put_null (x, "secondaryThumbprint");
    }
  else
    {
      j_put_s (o, "authenticationType", auth_names[d->auth]);
      x = j_put_o (o, "x509Thumbprint");
      if (d->auth == AUTH_SELF_SIGNED)
        {
          j_put_s (x, "primaryThumbprint", d->thumb1);
          j_put_s (x, "secondaryThumbprint", d->thumb2);
        }
      else
        {
          j_put_null (x, "primaryThumbprint");
          j_put_null (x, "secondaryThumbprint");
        }
    }
  j_put_s (o, "modelId", "");
  j_put_i (o, "version", version);
  return o;
}

static int
device_twin_version (const Device *d,
                     gint64        t)
{
  int v = 2;   /* created, then tagged by the provisioning pipeline */

  if (d->ring_changed != 0 && t >= d->ring_changed)
    v++;
  if (d->site_after >= 0 && t >= d->site_changed)
    v++;
  if (d->line_changed != 0 && t >= d->line_changed)
    v++;
  return v;
}

static JVal *
device_tags (const Device *d,
             gint64        t)
{
  JVal *tags = j_obj ();

  j_put_s (tags, "site", hubs[d->hub].sites[dev_site_at (d, t)]);
  j_put_s (tags, "region", dev_region_at (d, t));
  j_put_s (tags, "dataClass", d->eu_restricted ? "eu-restricted" : "general");
  j_put_s (tags, "line", tprintf ("line-%02d", dev_line_at (d, t)));
  j_put_s (tags, "ring", dev_canary_at (d, t) ? "canary" : "fleet");
  j_put_s (tags, "workload", workloads[d->workload].name);
  return tags;
}

static gint64
device_last_activity (const Device *d,
                      gint64        t,
                      gboolean     *connected)
{
  guint64 h = hseed (d->h, (guint64) t, 11);

  *connected = FALSE;
  if (d->online_from == T_NEVER || t < d->online_from)
    return 0;
  if (t >= d->stale_since)
    return d->stale_since;
  if (h % 25 == 0)
    return t - (gint64) (2 * 3600 + (h >> 8) % (20 * 3600)) * TPS - (gint64) ((h >> 32) % TPS);
  *connected = TRUE;
  return t - (gint64) ((h >> 8) % 3000) * TPS - (gint64) ((h >> 32) % TPS);
}

static JVal *
build_device_twin (const Device *d,
                   gint64        t)
{
  gboolean connected;
  gint64 last = device_last_activity (d, t, &connected);
  int style = (d->h % 9 == 0) ? TS_3Z : TS_7Z;
  gint64 version = device_twin_version (d, t);
  JVal *o = twin_header (d, NULL, version, connected, ts (last, style));
  JVal *props, *p, *caps;

  j_put (o, "tags", device_tags (d, t));
  props = j_put_o (o, "properties");
  p = j_put_o (props, "desired");
  j_put (p, "$metadata", meta_node (d->created, 0, NULL, NULL));
  j_put_i (p, "$version", 1);
  p = j_put_o (props, "reported");
  j_put (p, "$metadata", meta_node (d->created, 0, NULL, NULL));
  j_put_i (p, "$version", 1);
  caps = j_put_o (o, "capabilities");
  j_put_b (caps, "iotEdge", TRUE);
  j_put_s (o, "deviceScope", tprintf ("ms-azure-iot-edge://%s-%" G_GINT64_FORMAT, d->id, d->created + NET_EPOCH));
  j_put_a (o, "parentScopes");
  return o;
}

static JVal *
agent_desired (const DEv *e,
               gboolean   with_meta)
{
  JVal *o = j_obj ();
  JVal *mods = j_put_o (o, "modules");
  int s;

  for (s = 1; s < N_SLOTS; s++)
    if (e->win[s] >= 0)
      j_put (mods, families[s - 1].module, module_desired_entry (deps[e->win[s]].vidx));
  if (e->win[0] >= 0)
    {
      j_put (o, "runtime", runtime_desired ());
      j_put_s (o, "schemaVersion", "1.1");
      j_put (o, "systemModules", system_modules_desired (deps[e->win[0]].rt));
    }
  if (with_meta)
    {
      JVal *meta = j_put (o, "$metadata", meta_node (e->agent_dtime, e->agent_dver, NULL, NULL));
      gint64 mt = 0;
      int mv = 0;
      JVal *mm;

      for (s = 1; s < N_SLOTS; s++)
        if (e->win[s] >= 0 && e->slot_dtime[s] > mt)
          {
            mt = e->slot_dtime[s];
            mv = e->slot_agent_ver[s];
          }
      mm = j_put (meta, "modules", meta_node (mt != 0 ? mt : e->agent_dtime, mt != 0 ? mv : e->agent_dver, NULL, NULL));
      for (s = 1; s < N_SLOTS; s++)
        if (e->win[s] >= 0)
          {
            const Dep *dp = &deps[e->win[s]];

            j_put (mm, families[s - 1].module,
                   meta_node (e->slot_dtime[s], e->slot_agent_ver[s], dp->id, dep_digest (dp, e->slot_wver[s])));
          }
      if (e->win[0] >= 0)
        {
          const Dep *bp = &deps[e->win[0]];
          const char *dg = dep_digest (bp, e->slot_wver[0]);

          j_put (meta, "runtime", meta_node (e->slot_dtime[0], e->slot_agent_ver[0], bp->id, dg));
          j_put (meta, "schemaVersion", meta_node (e->slot_dtime[0], e->slot_agent_ver[0], bp->id, dg));
          j_put (meta, "systemModules", meta_node (e->slot_dtime[0], e->slot_agent_ver[0], bp->id, dg));
        }
      j_put_i (o, "$version", e->agent_dver);
    }
  return o;
}

static JVal *
agent_reported (const Device *d,
                const AEv    *a,
                const DEv    *applied)
{
  JVal *o = j_obj ();
  JVal *v, *lds, *rt, *plat, *set, *sm, *mods, *meta, *mm;
  const char *rts = rt_string (d, a);
  int tag = rt_image_tag (d, a);
  int style = agent_ts_style (d, a);
  gint64 rep = a->t + 60 * TPS;
  guint64 hb = hash_str (rts);
  char commit[41];
  int s;

  j_put_s (o, "schemaVersion", "1.0");
  v = j_put_o (o, "version");
  j_put_s (v, "version", rts);
  j_put_s (v, "build", tprintf ("%" G_GUINT64_FORMAT, 40000000 + hb % 60000000));
  hex_string (mix64 (hb), commit, 40, FALSE);
  j_put_s (v, "commit", commit);
  lds = j_put_o (o, "lastDesiredStatus");
  j_put_i (lds, "code", a->code);
  if (a->code == 200)
    j_put_s (lds, "description", "");
  else
    j_put_s (lds, "description",
             tprintf ("Error calling Create module %s: Get https://%s/v2/%s/manifests/%s: unauthorized: authentication required",
                      families[F_ANOMALY].module, ACR_HOST, families[F_ANOMALY].name,
                      mversions[deps[applied->win[1 + F_ANOMALY]].vidx].ver));
  j_put_i (o, "lastDesiredVersion", applied->agent_dver);
  rt = j_put_o (o, "runtime");
  plat = j_put_o (rt, "platform");
  j_put_s (plat, "os", "linux");
  j_put_s (plat, "architecture", d->arch);
  j_put_s (plat, "version", rts);
  j_put_s (rt, "type", "docker");
  set = j_put_o (rt, "settings");
  j_put_s (set, "minDockerVersion", "v1.25");
  j_put_o (set, "registryCredentials");

  sm = j_put_o (o, "systemModules");
  {
    JVal *ag = j_put_o (sm, "edgeAgent");
    JVal *hb2 = j_put_o (sm, "edgeHub");
    const char *ai = runtime_image ("agent", tag);
    const char *hi = runtime_image ("hub", tag);
    JVal *st;

    j_put_s (ag, "type", "docker");
    j_put_i (ag, "exitCode", 0);
    j_put_s (ag, "statusDescription", "running");
    j_put_s (ag, "lastStartTimeUtc", ts (a->agent_start, style));
    j_put_s (ag, "lastExitTimeUtc", ts (T_NEVER, style));
    j_put_s (ag, "runtimeStatus", "running");
    j_put_s (ag, "imagePullPolicy", "on-create");
    st = j_put_o (ag, "settings");
    j_put_s (st, "image", ai);
    j_put_s (st, "imageHash", image_hash (ai));
    j_put_s (st, "createOptions", "{}");

    j_put_s (hb2, "type", "docker");
    j_put_s (hb2, "status", "running");
    j_put_s (hb2, "restartPolicy", "always");
    j_put_i (hb2, "exitCode", 0);
    j_put_s (hb2, "statusDescription", "running");
    j_put_s (hb2, "lastStartTimeUtc", ts (a->agent_start + 9 * TPS, style));
    j_put_s (hb2, "lastExitTimeUtc", ts (T_NEVER, style));
    j_put_i (hb2, "restartCount", 0);
    j_put_s (hb2, "lastRestartTimeUtc", ts (T_NEVER, style));
    j_put_s (hb2, "runtimeStatus", "running");
    st = j_put_o (hb2, "settings");
    j_put_s (st, "image", hi);
    j_put_s (st, "imageHash", image_hash (hi));
    j_put_s (st, "createOptions", edgehub_create_options ());
  }

  mods = j_put_o (o, "modules");
  for (s = 1; s < N_SLOTS; s++)
    {
      int vidx = a->run[s];
      JVal *m, *st;
      int restarts;
      const char *img;

      if (vidx < 0)
        continue;
      img = image_of (vidx);
      restarts = a->prev_exit[s] != 0 ? 1 + (int) (hseed (d->h, (guint64) a->run_since[s], 21) % 3) : 0;
      m = j_put_o (mods, families[s - 1].module);
      j_put_i (m, "exitCode", 0);
      j_put_s (m, "statusDescription", "running");
      j_put_s (m, "lastStartTimeUtc", ts (a->run_since[s], style));
      j_put_s (m, "lastExitTimeUtc", ts (a->prev_exit[s] != 0 ? a->prev_exit[s] : T_NEVER, style));
      j_put_i (m, "restartCount", restarts);
      j_put_s (m, "lastRestartTimeUtc", ts (a->prev_exit[s] != 0 ? a->prev_exit[s] : T_NEVER, style));
      j_put_s (m, "runtimeStatus", "running");
      j_put_s (m, "version", mversions[vidx].ver);
      j_put_s (m, "status", "running");
      j_put_s (m, "restartPolicy", "always");
      j_put_s (m, "type", "docker");
      st = j_put_o (m, "settings");
      j_put_s (st, "image", img);
      j_put_s (st, "imageHash", image_hash (img));
    }

  meta = j_put (o, "$metadata", meta_node (rep, 0, NULL, NULL));
  j_put (meta, "version", meta_node (a->agent_start + 30 * TPS, 0, NULL, NULL));
  j_put (meta, "lastDesiredStatus", meta_node (rep, 0, NULL, NULL));
  j_put (meta, "lastDesiredVersion", meta_node (rep, 0, NULL, NULL));
  j_put (meta, "systemModules", meta_node (a->agent_start + 30 * TPS, 0, NULL, NULL));
  mm = j_put (meta, "modules", meta_node (rep, 0, NULL, NULL));
  for (s = 1; s < N_SLOTS; s++)
    if (a->run[s] >= 0)
      j_put (mm, families[s - 1].module, meta_node (MAX (a->run_since[s], a->first_start[s]) + 20 * TPS, 0, NULL, NULL));
  j_put_i (o, "$version", a->agent_rver);
  return o;
}

/* Returns NULL when the $edgeAgent twin does not exist at t. */
static JVal *
build_agent_twin (const Device *d,
                  gint64        t,
                  gint64       *version_out)
{
  const DEv *e = dev_event_at (d, t);
  const AEv *a = app_event_at (d, t);
  MapEntry map[32];
  int win[N_SLOTS], wv[N_SLOTS];
  int nmap, i;
  gint64 version;
  JVal *o, *props, *rep, *cfg;

  if (e == NULL || !dev_alive (d, t))
    return NULL;
  version = e->agent_dver + (a != NULL ? a->agent_rver : 1) + e->extra;
  if (version_out != NULL)
    *version_out = version;
  o = twin_header (d, "$edgeAgent", version, FALSE, NEVER_Z);
  props = j_put_o (o, "properties");
  j_put (props, "desired", agent_desired (e, TRUE));
  if (a != NULL)
    j_put (props, "reported", agent_reported (d, a, &g_array_index (d->dev_events, DEv, a->dev_idx)));
  else
    {
      rep = j_put_o (props, "reported");
      j_put (rep, "$metadata", meta_node (d->created, 0, NULL, NULL));
      j_put_i (rep, "$version", 1);
    }
  /* The configurations map reflects the last evaluation event. */
  nmap = evaluate (d, e->t, win, wv, map, G_N_ELEMENTS (map));
  cfg = j_put_o (o, "configurations");
  for (i = 0; i < nmap; i++)
    j_put_s (j_put_o (cfg, deps[map[i].dep].id), "status", map[i].status == ST_APPLIED ? "Applied" : "Targeted");
  return o;
}

/* Daily metric reports of an AI module. */
static gint64
report_offset (const Device *d,
               int           s)
{
  return 15 * TPM + (gint64) (hseed (d->h, (guint64) s, 31) % 3600) * TPS
         + (gint64) (hseed (d->h, (guint64) s, 32) % TPS);
}

static gint64
count_reports (gint64 start,
               gint64 end,
               gint64 off)
{
  if (end <= start)
    return 0;
  return (end - off) / TPD - (start - off) / TPD;
}

typedef struct
{
  double accuracy;
  double latency;
  double cpu;
  int    memory;
  int    inferences;
} Metrics;

static void
field_metrics (const Device *d,
               int           s,
               int           vidx,
               gint64        run_since,
               gint64        at,
               Metrics      *m)
{
  const MVersion *mv = &mversions[vidx];
  const Family *f = &families[mv->fam];
  gint64 day = at / TPD;
  double age_days = (double) (at - run_since) / (double) TPD;
  double bias = (hunit (hseed (d->h, (guint64) s, 41)) - 0.5) * 0.024;
  double noise = (hunit (hseed (d->h, (guint64) s, (guint64) day)) - 0.5) * 0.012;
  double vf = 0.9 + 0.2 * hunit (hash_str (mv->ver) ^ (guint64) mv->fam);
  double df = 0.92 + 0.16 * hunit (hseed (d->h, (guint64) s, 43));
  double ln = 1.0 + (hunit (hseed (d->h, (guint64) day, 44 + (guint64) s)) - 0.5) * 0.1;

  if (age_days < 0)
    age_days = 0;
  m->accuracy = mv->acc + bias + noise - 0.00005 * age_days;
  if (m->accuracy > 0.995)
    m->accuracy = 0.995;
  m->latency = f->latency * vf * df * ln;
  m->cpu = f->cpu * vf * df * (1.0 + (ln - 1.0) * 2.0);
  if (mv->fam == F_PERSON && strcmp (mv->ver, "2.0.0") == 0)
    {
      m->latency *= 1.22;
      m->cpu *= 1.15;
    }
  if (strcmp (d->arch, "aarch64") == 0)
    {
      m->latency *= 1.35;
      m->cpu *= 1.2;
    }
  m->memory = (int) ((double) f->memory * vf) / 8 * 8;
  m->inferences = 20000 + (int) (hseed (d->h, (guint64) day, 45 + (guint64) s) % 70000);
}

/* Time of the last daily metrics report at t, and how many there were. */
static gint64
ai_last_report (const Device *d,
                int           s,
                const AEv    *a,
                gint64        t,
                gint64       *nrep_out)
{
  gint64 end = MIN (t, d->stale_since);
  gint64 off = report_offset (d, s);
  gint64 nrep = count_reports (a->first_start[s], end, off);
  gint64 last_rep = nrep > 0 ? ((end - off) / TPD) * TPD + off : a->first_start[s] + 30 * TPS;

  if (last_rep < a->run_since[s])
    last_rep = a->run_since[s] + 30 * TPS;
  if (nrep_out != NULL)
    *nrep_out = nrep;
  return last_rep;
}

/* Returns NULL when the module twin does not exist at t. */
static JVal *
build_ai_twin (const Device *d,
               int           s,
               gint64        t,
               gint64       *version_out,
               char        **model_version_out)
{
  const DEv *e = dev_event_at (d, t);
  const AEv *a = app_event_at (d, t);
  gint64 nrep, last_rep, dver, rver, version;
  gboolean connected;
  const Dep *dp;
  JVal *o, *props, *des, *rep, *meta, *met;
  Metrics m;
  int vidx;

  if (e == NULL || a == NULL || a->run[s] < 0 || e->win[s] < 0 || !dev_alive (d, t))
    return NULL;
  dp = &deps[e->win[s]];
  vidx = a->run[s];
  last_rep = ai_last_report (d, s, a, t, &nrep);
  dver = 1 + e->slot_changes[s];
  rver = 2 + a->model_changes[s] + nrep;
  version = dver + rver;
  if (version_out != NULL)
    *version_out = version;
  if (model_version_out != NULL)
    *model_version_out = (char *) mversions[vidx].ver;
  connected = t < d->stale_since;

  o = twin_header (d, families[s - 1].module, version, connected, ts (last_rep, TS_7Z));
  props = j_put_o (o, "properties");
  des = j_put_o (props, "desired");
  j_put (des, "model", model_ref (dp->vidx));
  meta = j_put (des, "$metadata", meta_node (MAX (e->slot_dtime[s], a->first_start[s]), (int) dver, NULL, NULL));
  j_put (meta, "model", meta_node (MAX (e->slot_dtime[s], a->first_start[s]), (int) dver, dp->id,
                                   dep_digest (dp, e->slot_wver[s])));
  j_put_i (des, "$version", dver);

  rep = j_put_o (props, "reported");
  j_put (rep, "model", model_ref (vidx));
  field_metrics (d, s, vidx, a->run_since[s], last_rep, &m);
  met = j_put_o (rep, "metrics");
  j_put_s (met, "window", "PT24H");
  j_put (met, "accuracy", j_dbl (m.accuracy, 3));
  j_put (met, "latencyMs", j_dbl (m.latency, 1));
  j_put (met, "cpuPercent", j_dbl (m.cpu, 1));
  j_put_i (met, "memoryMb", m.memory);
  j_put_i (met, "inferences", m.inferences);
  meta = j_put (rep, "$metadata", meta_node (MAX (last_rep, a->run_since[s] + 30 * TPS), 0, NULL, NULL));
  j_put (meta, "model", meta_node (a->run_since[s] + 30 * TPS, 0, NULL, NULL));
  j_put (meta, "metrics", meta_node (last_rep, 0, NULL, NULL));
  j_put_i (rep, "$version", rver);
  return o;
}

/* ------------------------------------------------------------------ */
/* Configurations (edge deployments)                                   */
/* ------------------------------------------------------------------ */

typedef struct
{
  int targeted;
  int applied;
  int ok;
  int failed;
  int model_reported;
  int model_healthy;
} DepCounts;

static void
dep_counts (const Dep *dp,
            gint64     t,
            DepCounts *c)
{
  guint i;

  memset (c, 0, sizeof *c);
  if (!dep_live_for_twins (dp, t))
    return;
  for (i = 0; i < hub_devices[dp->hub]->len; i++)
    {
      const Device *d = g_ptr_array_index (hub_devices[dp->hub], i);
      const DEv *e;
      const AEv *a;
      gboolean applied;

      if (!dev_alive (d, t) || !dep_matches (dp, dep_eval_ver_at (dp, t), d, t))
        continue;
      c->targeted++;
      e = dev_event_at (d, t);
      a = app_event_at (d, t);
      if (e == NULL)
        continue;
      applied = dp->kind != K_BASE || e->win[0] == dp->index;
      if (!applied)
        continue;
      c->applied++;
      if (a != NULL && g_array_index (d->dev_events, DEv, a->dev_idx).agent_dver == e->agent_dver)
        {
          if (a->code == 200)
            c->ok++;
          else
            c->failed++;
        }
      if (dp->kind != K_BASE && a != NULL && a->run[dp->slot] == dp->vidx)
        {
          Metrics m;

          c->model_reported++;
          field_metrics (d, dp->slot, dp->vidx, a->run_since[dp->slot], t, &m);
          if (m.accuracy >= 0.9)
            c->model_healthy++;
        }
    }
}

static JVal *
build_config (const Dep *dp,
              gint64     t,
              gboolean   for_export)
{
  int v = dep_ver_at (dp, t);
  JVal *o = j_obj ();
  JVal *labels, *sys, *q, *r, *met;
  DepCounts c;
  const char *id = dp->id;

  dep_counts (dp, t, &c);
  j_put_s (o, "id", id);
  j_put_null (o, "schemaVersion");
  labels = j_put_o (o, "labels");
  if (dp->kind == K_BASE)
    j_put_s (labels, "runtime", tprintf ("%d.%d", dp->rt / 10, dp->rt % 10));
  else
    {
      j_put_s (labels, "model", families[dp->fam].name);
      j_put_s (labels, "modelVersion", mversions[dp->vidx].ver);
    }
  j_put_s (labels, "ring", kind_name (dp->kind));
  j_put_s (labels, "createdBy", caller_of (dp->creator));
  if (dp->creator == SP_DEPLOY)
    j_put_s (labels, "pipeline", tprintf ("edge-release/%" G_GINT64_FORMAT, 1000 + (dp->t_created / TPD) % 900));
  j_put (o, "content", dep_content (dp));
  if (!for_export)
    j_put_null (o, "contentType");
  j_put_s (o, "targetCondition", dp->target[v]);
  j_put_s (o, "createdTimeUtc", ts (dp->t_created, TS_7Z));
  j_put_s (o, "lastUpdatedTimeUtc", ts (v ? dp->t_upd : dp->t_created, TS_7Z));
  j_put_i (o, "priority", dp->prio[v]);

  sys = j_put_o (o, "systemMetrics");
  q = j_put_o (sys, "queries");
  j_put_s (q, "targetedCount",
           strcmp (dp->target[v], "*") == 0
           ? "select deviceId from devices where capabilities.iotEdge = true"
           : tprintf ("select deviceId from devices where %s", dp->target[v]));
  j_put_s (q, "appliedCount",
           tprintf ("select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[%s]].status = 'Applied'", id));
  j_put_s (q, "reportedSuccessfulCount",
           tprintf ("select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[%s]].status = 'Applied' and properties.desired.$version = properties.reported.lastDesiredVersion and properties.reported.lastDesiredStatus.code = 200", id));
  j_put_s (q, "reportedFailedCount",
           tprintf ("select deviceId from devices.modules where moduleId = '$edgeAgent' and configurations.[[%s]].status = 'Applied' and properties.desired.$version = properties.reported.lastDesiredVersion and properties.reported.lastDesiredStatus.code != 200", id));
  r = j_put_o (sys, "results");
  if (dep_live_for_twins (dp, t))
    {
      j_put_i (r, "targetedCount", c.targeted);
      j_put_i (r, "appliedCount", c.applied);
      j_put_i (r, "reportedSuccessfulCount", c.ok);
      j_put_i (r, "reportedFailedCount", c.failed);
    }

  met = j_put_o (o, "metrics");
  q = j_put_o (met, "queries");
  r = j_put_o (met, "results");
  if (dp->kind != K_BASE)
    {
      const char *m = families[dp->fam].module;

      j_put_s (q, "modelReported",
               tprintf ("SELECT deviceId FROM devices.modules WHERE moduleId = '%s' AND properties.reported.model.version = '%s'",
                        m, mversions[dp->vidx].ver));
      if (dep_live_for_twins (dp, t))
        j_put_i (r, "modelReported", c.model_reported);
      if (v == 1 && dp->spec->upd_kind == UPD_METRICS)
        {
          j_put_s (q, "modelHealthy",
                   tprintf ("SELECT deviceId FROM devices.modules WHERE moduleId = '%s' AND properties.reported.model.version = '%s' AND properties.reported.metrics.accuracy >= 0.9",
                            m, mversions[dp->vidx].ver));
          if (t >= dp->t_upd_applied)
            j_put_i (r, "modelHealthy", c.model_healthy);
        }
    }
  j_put_s (o, "etag", etag_small (v + 1));
  return o;
}

/* ------------------------------------------------------------------ */
/* Writers: twin snapshots, deployment lists, state exports            */
/* ------------------------------------------------------------------ */

#define N_SNAPSHOTS 18
#define FIRST_SNAPSHOT_MONTH 4   /* 2025-05 */

static gint64
snapshot_time (int hub,
               int k)
{
  return month_start (FIRST_SNAPSHOT_MONTH + k) + 6 * TPH + hubs[hub].snap_offset_min * TPM
         + (gint64) (hseed ((guint64) hub, (guint64) k, 51) % 600) * TPS;
}

static gboolean
snapshot_is_az (int k)
{
  return k % 6 == 5;
}

static int n_module_twin_docs;
static int n_device_twin_docs;
static GHashTable *distinct_twin_versions;   /* "dev/mod@ver" */

static void
note_twin_version (const char *dev,
                   const char *mod,
                   gint64      v)
{
  g_hash_table_add (distinct_twin_versions, g_strdup_printf ("%s/%s@%" G_GINT64_FORMAT, dev, mod, v));
}

static void
write_twin_snapshots (void)
{
  int h, k;

  for (h = 0; h < N_HUBS; h++)
    for (k = 0; k < N_SNAPSHOTS; k++)
      {
        gint64 t = snapshot_time (h, k);
        gboolean az = snapshot_is_az (k);
        const JStyle *st = az ? &J_AZ : &J_REST;
        g_autoptr (GString) out = g_string_new (NULL);
        JVal *arr = j_arr ();
        guint i;
        int s, count = 0;
        char *date = date_str (t);
        g_autofree char *rel = NULL;
        g_autofree char *desc = NULL;

        for (i = 0; i < hub_devices[h]->len; i++)
          {
            const Device *d = g_ptr_array_index (hub_devices[h], i);
            gint64 v;
            JVal *tw;

            tw = build_agent_twin (d, t, &v);
            if (tw == NULL)
              continue;
            j_add (arr, tw);
            note_twin_version (d->id, "$edgeAgent", v);
            count++;
            for (s = 1; s < N_SLOTS; s++)
              {
                tw = build_ai_twin (d, s, t, &v, NULL);
                if (tw == NULL)
                  continue;
                j_add (arr, tw);
                note_twin_version (d->id, families[s - 1].module, v);
                count++;
              }
          }
        j_append_doc (out, arr, st);
        rel = g_strdup_printf ("%s/modules-%s.json", hubs[h].name, date);
        desc = g_strdup_printf ("%s: az iot hub query -n %s -q \"SELECT * FROM devices.modules WHERE moduleId != '$edgeHub'\" "
                                "at %s (%d module twins: $edgeAgent and AI modules)",
                                az ? "az CLI output (bare array, keys sorted)" : "REST POST /devices/query pages joined (bare array, REST key order)",
                                hubs[h].name, ts (t, TS_0Z), count);
        n_module_twin_docs += count;
        emit_file (rel, out, hubs[h].name, "module-twins", count, desc);

        /* Device twins. */
        {
          const int page_size = 100;
          int page = 0, total = 0, n_in_page = 0;
          g_autoptr (GPtrArray) alive = g_ptr_array_new ();

          date = date_str (t);
          for (i = 0; i < hub_devices[h]->len; i++)
            {
              Device *d = g_ptr_array_index (hub_devices[h], i);

              if (dev_alive (d, t))
                g_ptr_array_add (alive, d);
            }
          if (az)
            {
              g_autoptr (GString) o2 = g_string_new (NULL);
              g_autofree char *rel2 = g_strdup_printf ("%s/devices-%s.json", hubs[h].name, date);
              g_autofree char *desc2 = NULL;

              arr = j_arr ();
              for (i = 0; i < alive->len; i++)
                j_add (arr, build_device_twin (g_ptr_array_index (alive, i), t));
              j_append_doc (o2, arr, &J_AZ);
              desc2 = g_strdup_printf ("az iot hub query -n %s -q \"select * from devices\" at %s (bare array, keys sorted, %u device twins)",
                                       hubs[h].name, ts (t, TS_0Z), alive->len);
              n_device_twin_docs += (int) alive->len;
              emit_file (rel2, o2, hubs[h].name, "device-twins", (int) alive->len, desc2);
            }
          else
            {
              while (total < (int) alive->len)
                {
                  g_autoptr (GString) o2 = g_string_new (NULL);
                  g_autofree char *rel2 = NULL;
                  g_autofree char *desc2 = NULL;
                  g_autofree char *tstr = NULL;

                  date = date_str (t);
                  tstr = g_strdup (ts (t, TS_0Z));
                  rel2 = g_strdup_printf ("%s/devices-%s-p%d.json", hubs[h].name, date, page + 1);
                  arr = j_arr ();
                  for (n_in_page = 0; n_in_page < page_size && total < (int) alive->len; n_in_page++, total++)
                    j_add (arr, build_device_twin (g_ptr_array_index (alive, total), t));
                  j_append_doc (o2, arr, &J_REST);
                  desc2 = g_strdup_printf ("REST POST /devices/query {\"query\":\"select * from devices\"} page %d "
                                           "(x-ms-max-item-count: %d) at %s, %d device twins%s",
                                           page + 1, page_size, tstr, n_in_page,
                                           total < (int) alive->len ? "; response carried x-ms-continuation" : "; last page");
                  n_device_twin_docs += n_in_page;
                  emit_file (rel2, o2, hubs[h].name, "device-twins", n_in_page, desc2);
                  page++;
                }
            }
        }
      }
}

static int n_deployment_docs;
static GHashTable *distinct_dep_versions;

static void
write_deployment_lists (void)
{
  int h, k;

  for (h = 0; h < N_HUBS; h++)
    for (k = 0; k <= N_SNAPSHOTS; k++)
      {
        gint64 t = k < N_SNAPSHOTS ? snapshot_time (h, k) : t_now - 30 * TPM;
        g_autoptr (GString) out = g_string_new (NULL);
        g_autofree char *rel = NULL;
        g_autofree char *desc = NULL;
        JVal *arr = j_arr ();
        int i, n = 0;

        for (i = 0; i < N_DEPS; i++)
          {
            const Dep *dp = &deps[i];

            if (dp->hub != h || !dep_listed (dp, t))
              continue;
            j_add (arr, build_config (dp, t, FALSE));
            g_hash_table_add (distinct_dep_versions, g_strdup_printf ("%s@%d", dp->id, dep_ver_at (dp, t) + 1));
            n++;
          }
        j_append_doc (out, arr, &J_AZ);
        rel = g_strdup_printf ("%s/deployments-%s.json", hubs[h].name, date_str (t));
        desc = g_strdup_printf ("az iot edge deployment list -n %s at %s (bare array, keys sorted, %d configurations)",
                                hubs[h].name, ts (t, TS_0Z), n);
        n_deployment_docs += n;
        emit_file (rel, out, hubs[h].name, "deployments", n, desc);
      }
}

static JVal *
arm_hub_resource (int h)
{
  JVal *res = j_obj ();
  JVal *props, *c2d, *fb, *ehe, *me, *fn, *routing, *ep, *eh, *fr, *routes, *rt, *se, *def, *sku, *tags;
  const Hub *hub = &hubs[h];

  j_put_s (res, "apiVersion", "2022-04-30-preview");
  j_put_s (j_put_o (res, "identity"), "type", "None");
  j_put_s (res, "location", hub->location);
  j_put_s (res, "name", hub->name);
  props = j_put_o (res, "properties");
  j_put_a (props, "allowedFqdnList");
  c2d = j_put_o (props, "cloudToDevice");
  j_put_s (c2d, "defaultTtlAsIso8601", "PT1H");
  fb = j_put_o (c2d, "feedback");
  j_put_s (fb, "lockDurationAsIso8601", "PT1M");
  j_put_i (fb, "maxDeliveryCount", 10);
  j_put_s (fb, "ttlAsIso8601", "PT1H");
  j_put_i (c2d, "maxDeliveryCount", 10);
  j_put_b (props, "disableDeviceSAS", FALSE);
  j_put_b (props, "disableLocalAuth", FALSE);
  j_put_b (props, "enableDataResidency", h == H_WEU);
  j_put_b (props, "enableFileUploadNotifications", FALSE);
  ehe = j_put_o (j_put_o (props, "eventHubEndpoints"), "events");
  j_put_i (ehe, "partitionCount", 4);
  j_put_i (ehe, "retentionTimeInDays", 1);
  j_put_s (props, "features", "None");
  j_put_a (props, "ipFilterRules");
  me = j_put_o (props, "messagingEndpoints");
  fn = j_put_o (me, "fileNotifications");
  j_put_s (fn, "lockDurationAsIso8601", "PT1M");
  j_put_i (fn, "maxDeliveryCount", 10);
  j_put_s (fn, "ttlAsIso8601", "PT1H");
  j_put_s (props, "minTlsVersion", "1.2");
  routing = j_put_o (props, "routing");
  ep = j_put_o (routing, "endpoints");
  j_put_a (ep, "cosmosDBSqlCollections");
  eh = j_put_a (ep, "eventHubs");
  {
    JVal *e1 = j_add (eh, j_obj ());
    Guid g;

    name_guid (tprintf ("eh-endpoint-%s", hub->name), &g);
    j_put_s (e1, "connectionString",
             tprintf ("Endpoint=sb://evhns-edge-telemetry-%s.servicebus.windows.net/;SharedAccessKeyName=SHAREDACCESSKEYNAME;SharedAccessKey=SHAREDACCESSKEY;EntityPath=telemetry",
                      hub->code));
    j_put_s (e1, "id", g.s);
    j_put_s (e1, "name", "telemetry");
    j_put_s (e1, "resourceGroup", RG_EDGE);
    j_put_s (e1, "subscriptionId", SUBSCRIPTION_ID);
  }
  j_put_a (ep, "serviceBusQueues");
  j_put_a (ep, "serviceBusTopics");
  j_put_a (ep, "storageContainers");
  fr = j_put_o (routing, "fallbackRoute");
  j_put_s (fr, "condition", "true");
  j_add (j_put_a (fr, "endpointNames"), j_str ("events"));
  j_put_b (fr, "isEnabled", TRUE);
  j_put_s (fr, "name", "$fallback");
  j_put_s (fr, "source", "DeviceMessages");
  routes = j_put_a (routing, "routes");
  rt = j_add (routes, j_obj ());
  j_put_s (rt, "condition", "true");
  j_add (j_put_a (rt, "endpointNames"), j_str ("telemetry"));
  j_put_b (rt, "isEnabled", TRUE);
  j_put_s (rt, "name", "telemetry-to-eventhub");
  j_put_s (rt, "source", "DeviceMessages");
  se = j_put_o (props, "storageEndpoints");
  def = j_put_o (se, "$default");
  j_put_s (def, "authenticationType", "keyBased");
  j_put_s (def, "connectionString",
           tprintf ("DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net;AccountName=stedge%s;AccountKey=ACCOUNTKEY", hub->code));
  j_put_s (def, "containerName", tprintf ("%s-uploads", hub->name));
  j_put_s (def, "sasTtlAsIso8601", "PT1H");
  sku = j_put_o (res, "sku");
  j_put_i (sku, "capacity", hub->capacity);
  j_put_s (sku, "name", hub->sku);
  j_put_s (sku, "tier", "Standard");
  tags = j_put_o (res, "tags");
  j_put_s (tags, "environment", "prod");
  j_put_s (tags, "costCenter", "ot-edge-ai");
  j_put_s (res, "type", "Microsoft.Devices/IotHubs");
  return res;
}

static JVal *
null_keys_auth (const char *type)
{
  JVal *a = j_obj ();
  JVal *k = j_put_o (a, "symmetricKey");
  JVal *x;

  j_put_null (k, "primaryKey");
  j_put_null (k, "secondaryKey");
  j_put_s (a, "type", type);
  x = j_put_o (a, "x509Thumbprint");
  j_put_null (x, "primaryThumbprint");
  j_put_null (x, "secondaryThumbprint");
  return a;
}

static JVal *
module_identity (gboolean connected)
{
  JVal *id = j_obj ();

  j_put (id, "authentication", null_keys_auth ("none"));
  j_put_s (id, "connectionState", connected ? "Connected" : "Disconnected");
  j_put_s (id, "managedBy", "iotEdge");
  return id;
}

static void
write_state_exports (void)
{
  int h, i;

  for (h = 0; h < N_HUBS; h++)
    {
      gint64 t = t_now - 20 * TPM;
      g_autoptr (GString) out = g_string_new (NULL);
      g_autofree char *rel = g_strdup_printf ("%s/state-export.json", hubs[h].name);
      g_autofree char *desc = NULL;
      JVal *root = j_obj ();
      JVal *arm = j_put_o (root, "arm");
      JVal *cfgs = j_put_o (root, "configurations");
      JVal *edeps, *devs;
      int n_dev = 0, n_cfg = 0;
      guint k;

      j_put_s (arm, "$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
      j_put_s (arm, "contentVersion", "1.0.0.0");
      j_put_o (arm, "parameters");
      j_add (j_put_a (arm, "resources"), arm_hub_resource (h));
      j_put_o (arm, "variables");
      j_put_o (cfgs, "admConfigurations");
      edeps = j_put_o (cfgs, "edgeDeployments");
      for (i = 0; i < N_DEPS; i++)
        if (deps[i].hub == h && dep_listed (&deps[i], t))
          {
            j_put (edeps, deps[i].id, build_config (&deps[i], t, TRUE));
            n_cfg++;
          }

      devs = j_put_o (root, "devices");
      for (k = 0; k < hub_devices[h]->len; k++)
        {
          const Device *d = g_ptr_array_index (hub_devices[h], k);
          const DEv *e = dev_event_at (d, t);
          const AEv *a = app_event_at (d, t);
          JVal *dv, *ident, *auth, *mods, *tw, *m;
          gboolean connected;
          int s;

          if (!dev_alive (d, t) || e == NULL)
            continue;
          n_dev++;
          device_last_activity (d, t, &connected);
          dv = j_put_o (devs, d->id);
          ident = j_put_o (dv, "identity");
          if (d->auth == AUTH_SAS)
            {
              JVal *x, *sk;

              auth = j_put_o (ident, "authentication");
              sk = j_put_o (auth, "symmetricKey");
              j_put_s (sk, "primaryKey", "PRIMARYKEY");
              j_put_s (sk, "secondaryKey", "SECONDARYKEY");
              j_put_s (auth, "type", "sas");
              x = j_put_o (auth, "x509Thumbprint");
              j_put_null (x, "primaryThumbprint");
              j_put_null (x, "secondaryThumbprint");
            }
          else if (d->auth == AUTH_SELF_SIGNED)
            {
              JVal *x;

              auth = j_put_o (ident, "authentication");
              j_put_s (auth, "type", "selfSigned");
              x = j_put_o (auth, "x509Thumbprint");
              j_put_s (x, "primaryThumbprint", d->thumb1);
              j_put_s (x, "secondaryThumbprint", d->thumb2);
            }
          else
            j_put (ident, "authentication", null_keys_auth ("certificateAuthority"));
          j_put_b (j_put_o (ident, "capabilities"), "iotEdge", TRUE);
          j_put_s (ident, "connectionState", connected ? "Connected" : "Disconnected");
          j_put_s (ident, "modelId", "");
          j_put_s (ident, "status", "enabled");

          mods = j_put_o (dv, "modules");
          m = j_put_o (mods, "$edgeAgent");
          j_put (m, "identity", module_identity (FALSE));
          tw = j_put_o (m, "twin");
          j_put_s (tw, "modelId", "");
          j_put (j_put_o (tw, "properties"), "desired", agent_desired (e, FALSE));
          j_put_s (tw, "status", "enabled");

          m = j_put_o (mods, "$edgeHub");
          j_put (m, "identity", module_identity (connected));
          tw = j_put_o (m, "twin");
          j_put_s (tw, "modelId", "");
          {
            JVal *hd = edgehub_desired_base ();
            JVal *routes = hd->head->next->val;   /* "routes" */

            for (s = 1; s < N_SLOTS; s++)
              if (e->win[s] >= 0)
                j_put_s (routes, tprintf ("%sToUpstream", families[s - 1].module),
                         tprintf ("FROM /messages/modules/%s/outputs/* INTO $upstream", families[s - 1].module));
            j_put (j_put_o (tw, "properties"), "desired", hd);
          }
          j_put_s (tw, "status", "enabled");

          for (s = 1; s < N_SLOTS; s++)
            {
              if (a == NULL || a->run[s] < 0 || e->win[s] < 0)
                continue;
              m = j_put_o (mods, families[s - 1].module);
              j_put (m, "identity", module_identity (connected));
              tw = j_put_o (m, "twin");
              j_put_s (tw, "modelId", "");
              j_put (j_put_o (j_put_o (tw, "properties"), "desired"), "model", model_ref (deps[e->win[s]].vidx));
              j_put_s (tw, "status", "enabled");
            }
          tw = j_put_o (dv, "twin");
          j_put_o (j_put_o (tw, "properties"), "desired");
          j_put (tw, "tags", device_tags (d, t));
        }
      j_append_doc (out, root, &J_AZ4);
      desc = g_strdup_printf ("az iot hub state export -n %s --state-file ... at %s (%d devices, %d edge deployments; keys are placeholders)",
                              hubs[h].name, ts (t, TS_0Z), n_dev, n_cfg);
      emit_file (rel, out, "-", "state-export", n_dev, desc);
    }
}

/* ------------------------------------------------------------------ */
/* Azure ML registry: data assets, jobs, model versions                */
/* ------------------------------------------------------------------ */

typedef struct
{
  char       *name;
  int         vidx;      /* model version trained, -1 */
  int         fam;
  gint64      t_created;
  gint64      t_end;
  int         creator;
  const char *status;
  int         data;      /* data version, -1 */
  char       *raw_uri;   /* raw datastore input instead of a data asset */
  char       *arm_id;
} Job;

static GArray *jobs;

static const char *const job_adjectives[] = {
  "brave", "calm", "clever", "eager", "gentle", "happy", "jolly", "keen", "lively", "loyal",
  "mighty", "neat", "polite", "quiet", "shy", "sincere", "sleepy", "tender", "witty", "zealous",
};
static const char *const job_nouns[] = {
  "apple", "bean", "carrot", "cherry", "fig", "garlic", "kiwi", "lemon", "lime", "mango",
  "melon", "olive", "onion", "peach", "pear", "plum", "radish", "spinach", "tomato", "yam",
};

static char *
ws_arm_prefix (void)
{
  return pprintf ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s",
                  SUBSCRIPTION_ID, RG_ML, WORKSPACE);
}

static char *
job_name (Rng *r)
{
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char tail[11];
  int i;

  for (i = 0; i < 10; i++)
    tail[i] = alnum[rng_range (r, 0, 35)];
  tail[10] = '\0';
  return pprintf ("%s_%s_%s", job_adjectives[rng_range (r, 0, G_N_ELEMENTS (job_adjectives) - 1)],
                  job_nouns[rng_range (r, 0, G_N_ELEMENTS (job_nouns) - 1)], tail);
}

static int
family_dataset (int fam)
{
  int i;

  for (i = 0; i < N_DATASETS; i++)
    if (strcmp (datasets[i].name, families[fam].dataset) == 0)
      return i;
  return -1;
}

static void
init_aml (void)
{
  Rng r;
  int i, k;
  char *prefix = ws_arm_prefix ();

  rng_init (&r, "aml");
  data_versions = g_array_new (FALSE, TRUE, sizeof (DataVersion));
  jobs = g_array_new (FALSE, TRUE, sizeof (Job));

  for (i = 0; i < N_DATASETS; i++)
    for (k = 0; k < 6 && datasets[i].dates[k] != NULL; k++)
      {
        DataVersion dv = { 0 };
        const char *path;

        dv.dataset = i;
        dv.version = k + 1;
        dv.t_created = parse_t (datasets[i].dates[k]) + rng_range (&r, 8 * 3600, 17 * 3600) * TPS + rng_range (&r, 0, TPS - 1);
        dv.creator = k % 2 == 0 ? SP_MLOPS : (i % 2 == 0 ? P_ANA : P_LI);
        dv.arm_id = pprintf ("%s/data/%s/versions/%d", prefix, datasets[i].name, k + 1);
        if (strcmp (datasets[i].name, "thermal-frames") == 0 && k == 4)
          path = "raw/thermal/2026-02/";
        else
          path = pprintf ("curated/%s/v%d/", datasets[i].name, k + 1);
        dv.data_uri = pprintf ("azureml://subscriptions/%s/resourcegroups/%s/workspaces/%s/datastores/workspaceblobstore/paths/%s",
                               SUBSCRIPTION_ID, RG_ML, WORKSPACE, path);
        dv.short_path = pprintf ("azureml://datastores/workspaceblobstore/paths/%s", path);
        g_array_append_val (data_versions, dv);
      }

  for (i = 0; i < N_MVERSIONS; i++)
    {
      MVersion *mv = &mversions[i];
      int ds = family_dataset (mv->fam);
      gint64 best_t = 0;
      guint j;

      mv->t_reg = parse_t (mv->reg) + rng_range (&r, 0, 59) * TPS + rng_range (&r, 0, TPS - 1);
      mv->arm_id = pprintf ("%s/models/%s/versions/%s", prefix, families[mv->fam].name, mv->ver);
      mv->job = -1;
      mv->data = -1;
      mv->approver = pprintf ("%s@%s", (mv->fam == F_ANOMALY || mv->fam == F_THERMAL) ? "malik.haddad" : "vera.becker",
                              MAIL_DOMAIN);
      for (j = 0; j < data_versions->len; j++)
        {
          const DataVersion *dv = &g_array_index (data_versions, DataVersion, j);

          if (dv->dataset == ds && dv->t_created < mv->t_reg - 2 * TPD && dv->t_created > best_t)
            {
              best_t = dv->t_created;
              mv->data = (int) j;
            }
        }
      if (!(mv->flags & (MV_NO_JOB | MV_UNREG)))
        {
          Job jb = { 0 };

          jb.name = job_name (&r);
          jb.vidx = i;
          jb.fam = mv->fam;
          jb.t_end = mv->t_reg - rng_range (&r, 2, 30) * TPH - rng_range (&r, 0, 3599) * TPS;
          jb.t_created = jb.t_end - rng_range (&r, 40, 600) * TPM - rng_range (&r, 0, TPS - 1);
          jb.creator = mv->creator;
          jb.status = "Completed";
          jb.data = mv->data;
          if (mv->flags & MV_RAW_INPUT)
            jb.raw_uri = g_array_index (data_versions, DataVersion, mv->data).short_path;
          jb.arm_id = pprintf ("%s/jobs/%s", prefix, jb.name);
          mv->job = (int) jobs->len;
          g_array_append_val (jobs, jb);
        }
    }

  /* Experiments that did not produce a registered model. */
  for (k = 0; k < 14; k++)
    {
      Job jb = { 0 };
      static const int who[] = { P_ANA, P_LI, P_ANA, P_TOMASZ, P_LI, SP_MLOPS };
      gint64 lo = mkt (2025, 5, 1, 0, 0, 0), hi = mkt (2026, 10, 20, 0, 0, 0);
      guint j;
      gint64 best_t = 0;
      int ds;

      jb.name = job_name (&r);
      jb.vidx = -1;
      jb.fam = (int) rng_range (&r, 0, N_FAMILIES - 1);
      jb.creator = who[rng_range (&r, 0, G_N_ELEMENTS (who) - 1)];
      if (jb.creator == P_TOMASZ)
        lo = mkt (2025, 11, 25, 0, 0, 0);
      jb.t_created = lo + rng_range (&r, 0, (hi - lo) / TPS) * TPS + rng_range (&r, 0, TPS - 1);
      jb.t_end = jb.t_created + rng_range (&r, 5, 500) * TPM;
      jb.status = k % 3 == 0 ? "Failed" : (k % 3 == 1 ? "Completed" : "Canceled");
      jb.data = -1;
      ds = family_dataset (jb.fam);
      for (j = 0; j < data_versions->len; j++)
        {
          const DataVersion *dv = &g_array_index (data_versions, DataVersion, j);

          if (dv->dataset == ds && dv->t_created < jb.t_created && dv->t_created > best_t)
            {
              best_t = dv->t_created;
              jb.data = (int) j;
            }
        }
      jb.arm_id = pprintf ("%s/jobs/%s", prefix, jb.name);
      g_array_append_val (jobs, jb);
    }
}

static gboolean
mversion_has_tag (const MVersion *mv,
                  guint           missing_flag)
{
  return (mv->flags & missing_flag) == 0;
}

static char *
training_data_ref (const MVersion *mv)
{
  const DataVersion *dv;

  if (mv->data < 0)
    return NULL;
  dv = &g_array_index (data_versions, DataVersion, mv->data);
  if (mv->flags & MV_RAW_INPUT)
    return dv->short_path;
  return tprintf ("azureml:%s:%d", datasets[dv->dataset].name, dv->version);
}

static JVal *
mversion_tags (const MVersion *mv)
{
  JVal *tags = j_obj ();
  const char *td = training_data_ref (mv);

  if (mversion_has_tag (mv, MV_NO_CARD))
    j_put_s (tags, "model_card", tprintf ("https://wiki.%s/ml/model-cards/%s/%s", MAIL_DOMAIN, families[mv->fam].name, mv->ver));
  if (mversion_has_tag (mv, MV_NO_DATA) && td != NULL)
    j_put_s (tags, "training_data", td);
  if (mversion_has_tag (mv, MV_NO_APPROVER))
    j_put_s (tags, "approver", mv->approver);
  if (mv->fam == F_PPE)
    j_put_s (tags, "dataClass", "eu-restricted");
  j_put_s (tags, "team", families[mv->fam].team);
  return tags;
}

static JVal *
mversion_properties (const MVersion *mv)
{
  JVal *p = j_obj ();
  double offline = mv->acc + 0.011;

  if (mv->fam == F_PERSON && strcmp (mv->ver, "2.0.0") == 0)
    offline = 0.944;   /* looked fine offline */
  j_put_s (p, "eval.accuracy", fmt_fixed (offline, 3));
  if (mv->data >= 0)
    j_put_s (p, "eval.dataset", training_data_ref (mv));
  j_put_s (p, "framework", families[mv->fam].mlflow ? "mlflow-onnx" : "onnxruntime-1.17");
  j_put_s (p, "image", tprintf ("%s/%s:%s", ACR_HOST, families[mv->fam].name, mv->ver));
  return p;
}

static JVal *
mversion_flavors (const MVersion *mv)
{
  JVal *f = j_obj ();

  if (families[mv->fam].mlflow)
    {
      JVal *d = j_put_o (j_put_o (f, "python_function"), "data");
      JVal *o;

      j_put_s (d, "env", "conda.yaml");
      j_put_s (d, "loader_module", "mlflow.onnx");
      j_put_s (d, "python_version", "3.10.14");
      o = j_put_o (j_put_o (f, "onnx"), "data");
      j_put_s (o, "onnx_version", "1.16.1");
    }
  return f;
}

static char *
mversion_uri (const MVersion *mv)
{
  const Job *jb = mv->job >= 0 ? &g_array_index (jobs, Job, mv->job) : NULL;

  if (jb == NULL)
    return tprintf ("azureml://subscriptions/%s/resourceGroups/%s/workspaces/%s/datastores/workspaceblobstore/paths/LocalUpload/%016" G_GINT64_MODIFIER "x/%s.onnx",
                    SUBSCRIPTION_ID, RG_ML, WORKSPACE, (guint64) hash_str (mv->arm_id), families[mv->fam].module);
  if (families[mv->fam].mlflow)
    return tprintf ("azureml://jobs/%s/outputs/artifacts/paths/model/", jb->name);
  return tprintf ("azureml://subscriptions/%s/resourceGroups/%s/workspaces/%s/datastores/workspaceartifactstore/paths/ExperimentRun/dcid.%s/outputs/model/",
                  SUBSCRIPTION_ID, RG_ML, WORKSPACE, jb->name);
}

static gint64
mversion_modified (const MVersion *mv,
                   int            *by)
{
  *by = mv->creator;
  if (mv->flags & MV_ARCHIVED)
    {
      *by = P_VERA;
      return mkt (2025, 6, 2, 9, 14, 0) + (gint64) (hash_str (mv->arm_id) % 86400) * TPS;
    }
  return mv->t_reg;
}

static int
sys_style (const MVersion *mv)
{
  return families[mv->fam].mlflow ? TS_7P : TS_7Z;
}

static JVal *
system_data (gint64 created,
             int    creator,
             gint64 modified,
             int    modifier,
             int    style,
             gboolean with_modified)
{
  JVal *sd = j_obj ();

  j_put_s (sd, "createdAt", ts (created, style));
  j_put_s (sd, "createdBy", aml_creator_of (creator));
  j_put_s (sd, "createdByType", principals[creator].sp ? "Application" : "User");
  if (with_modified)
    {
      j_put_s (sd, "lastModifiedAt", ts (modified, style));
      j_put_s (sd, "lastModifiedBy", aml_creator_of (modifier));
      j_put_s (sd, "lastModifiedByType", principals[modifier].sp ? "Application" : "User");
    }
  return sd;
}

static JVal *
mversion_rest (const MVersion *mv)
{
  JVal *o = j_obj ();
  JVal *p;
  int modifier;
  gint64 modified = mversion_modified (mv, &modifier);
  const Job *jb = mv->job >= 0 ? &g_array_index (jobs, Job, mv->job) : NULL;

  j_put_s (o, "id", mv->arm_id);
  j_put_s (o, "name", mv->ver);
  j_put_s (o, "type", "Microsoft.MachineLearningServices/workspaces/models/versions");
  p = j_put_o (o, "properties");
  if (hash_str (mv->arm_id) % 4 == 0)
    j_put_null (p, "description");
  else
    j_put_s (p, "description", tprintf ("%s %s", families[mv->fam].description, mv->ver));
  j_put (p, "tags", mversion_tags (mv));
  j_put (p, "properties", mversion_properties (mv));
  j_put_b (p, "isArchived", (mv->flags & MV_ARCHIVED) != 0);
  j_put_b (p, "isAnonymous", FALSE);
  j_put (p, "flavors", mversion_flavors (mv));
  j_put_s (p, "modelType", families[mv->fam].mlflow ? "mlflow_model" : "custom_model");
  j_put_s (p, "modelUri", mversion_uri (mv));
  j_put_s (p, "jobName", jb != NULL ? jb->name : NULL);
  if (mv->t_reg >= mkt (2026, 1, 1, 0, 0, 0))
    j_put_s (p, "stage", "Production");
  j_put (o, "systemData", system_data (mv->t_reg, mv->creator, modified, modifier, sys_style (mv), TRUE));
  return o;
}

static JVal *
mversion_sdk (const MVersion *mv)
{
  JVal *o = j_obj ();
  JVal *cc;
  int modifier;
  gint64 modified = mversion_modified (mv, &modifier);
  const Job *jb = mv->job >= 0 ? &g_array_index (jobs, Job, mv->job) : NULL;

  cc = j_put_o (o, "creation_context");
  j_put_s (cc, "created_at", ts (mv->t_reg, TS_6P));
  j_put_s (cc, "created_by", aml_creator_of (mv->creator));
  j_put_s (cc, "created_by_type", principals[mv->creator].sp ? "Application" : "User");
  j_put_s (cc, "last_modified_at", ts (modified, TS_6P));
  j_put_s (cc, "last_modified_by", aml_creator_of (modifier));
  j_put_s (cc, "last_modified_by_type", principals[modifier].sp ? "Application" : "User");
  if (hash_str (mv->arm_id) % 4 != 0)
    j_put_s (o, "description", tprintf ("%s %s", families[mv->fam].description, mv->ver));
  j_put (o, "flavors", mversion_flavors (mv));
  j_put_s (o, "id", tprintf ("azureml:%s", mv->arm_id));
  if (jb != NULL)
    j_put_s (o, "job_name", jb->name);
  j_put_s (o, "name", families[mv->fam].name);
  j_put_s (o, "path", mversion_uri (mv));
  j_put (o, "properties", mversion_properties (mv));
  j_put_s (o, "resourceGroup", RG_ML);
  if (mv->t_reg >= mkt (2026, 1, 1, 0, 0, 0))
    j_put_s (o, "stage", "Production");
  j_put (o, "tags", mversion_tags (mv));
  j_put_s (o, "type", families[mv->fam].mlflow ? "mlflow_model" : "custom_model");
  j_put_s (o, "version", mv->ver);
  return o;
}

static int
cmp_vidx_desc (const void *a,
               const void *b)
{
  const MVersion *x = &mversions[*(const int *) a];
  const MVersion *y = &mversions[*(const int *) b];

  return x->t_reg > y->t_reg ? -1 : (x->t_reg < y->t_reg ? 1 : 0);
}

static int n_registered_versions;

static void
write_aml (void)
{
  char *prefix = ws_arm_prefix ();
  int f, i;

  /* Model containers. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    JVal *root = j_obj ();
    JVal *arr = j_put_a (root, "value");

    for (f = 0; f < N_FAMILIES; f++)
      {
        JVal *o = j_add (arr, j_obj ());
        JVal *p;
        const MVersion *first = NULL, *latest = NULL;

        for (i = 0; i < N_MVERSIONS; i++)
          {
            const MVersion *mv = &mversions[i];

            if (mv->fam != f || (mv->flags & MV_UNREG))
              continue;
            if (first == NULL || mv->t_reg < first->t_reg)
              first = mv;
            if (latest == NULL || mv->t_reg > latest->t_reg)
              latest = mv;
          }
        j_put_s (o, "id", tprintf ("%s/models/%s", prefix, families[f].name));
        j_put_s (o, "name", families[f].name);
        j_put_s (o, "type", "Microsoft.MachineLearningServices/workspaces/models");
        p = j_put_o (o, "properties");
        j_put_s (p, "description", families[f].description);
        j_put_s (j_put_o (p, "tags"), "team", families[f].team);
        j_put_o (p, "properties");
        j_put_b (p, "isArchived", FALSE);
        j_put_s (p, "latestVersion", latest->ver);
        j_put_null (p, "nextVersion");
        j_put (o, "systemData", system_data (first->t_reg, first->creator, latest->t_reg, latest->creator, TS_7Z, TRUE));
      }
    j_append_doc (out, root, &J_NET_PRETTY);
    emit_file ("aml/model-containers.json", out, "-", "aml-containers", N_FAMILIES,
               "REST GET .../workspaces/" WORKSPACE "/models?api-version=2024-04-01&listViewType=ActiveOnly (model containers)");
  }

  /* Model versions per model, newest first; defect-detector split over two pages. */
  for (f = 0; f < N_FAMILIES; f++)
    {
      int idx[16];
      int n = 0, page, start = 0;
      int per_page = f == F_DEFECT ? 5 : 100;

      for (i = 0; i < N_MVERSIONS; i++)
        if (mversions[i].fam == f && !(mversions[i].flags & MV_UNREG))
          idx[n++] = i;
      qsort (idx, n, sizeof (int), cmp_vidx_desc);
      n_registered_versions += n;
      for (page = 0; start < n; page++)
        {
          g_autoptr (GString) out = g_string_new (NULL);
          g_autofree char *rel = NULL;
          g_autofree char *desc = NULL;
          JVal *root = j_obj ();
          JVal *arr = j_put_a (root, "value");
          int end = MIN (n, start + per_page);

          for (i = start; i < end; i++)
            j_add (arr, mversion_rest (&mversions[idx[i]]));
          if (end < n)
            {
              g_autofree char *tok = NULL;
              g_autofree char *raw = g_strdup_printf ("+RID:~%s#RT:%d#TRC:%d#ISV:2#IEO:65551", families[f].name, page + 1, end);

              tok = g_base64_encode ((const guchar *) raw, strlen (raw));
              j_put_s (root, "nextLink",
                       tprintf ("https://management.azure.com%s/models/%s/versions?api-version=2024-04-01&$orderBy=createdtime+desc&$top=%d&$skipToken=%s",
                                prefix, families[f].name, per_page, tok));
            }
          j_append_doc (out, root, &J_NET_PRETTY);
          if (per_page < n)
            rel = g_strdup_printf ("aml/model-versions-%s-page%d.json", families[f].name, page + 1);
          else
            rel = g_strdup_printf ("aml/model-versions-%s.json", families[f].name);
          desc = g_strdup_printf ("REST GET .../models/%s/versions?$orderBy=createdtime desc%s (%d model versions%s)",
                                  families[f].name, page > 0 ? " (followed nextLink)" : "", end - start,
                                  end < n ? "; nextLink to the next page" : "");
          emit_file (rel, out, "-", "aml-model-versions", end - start, desc);
          start = end;
        }
    }

  /* az ml model list (SDK v2 entities, snake_case, keys sorted). */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    JVal *arr = j_arr ();
    int idx[64];
    int n = 0;

    for (i = 0; i < N_MVERSIONS; i++)
      if (!(mversions[i].flags & MV_UNREG))
        idx[n++] = i;
    qsort (idx, n, sizeof (int), cmp_vidx_desc);
    for (i = 0; i < n; i++)
      j_add (arr, mversion_sdk (&mversions[idx[i]]));
    j_append_doc (out, arr, &J_AZ);
    emit_file ("aml/az-ml-model-list.json", out, "-", "aml-model-versions", n,
               "az ml model list --name <model> -w " WORKSPACE " -g " RG_ML " for every model, concatenated (SDK v2 snake_case, keys sorted)");
  }

  /* Jobs as JSON Lines of REST GET /jobs/{name}. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    guint j;

    for (j = 0; j < jobs->len; j++)
      {
        const Job *jb = &g_array_index (jobs, Job, j);
        const Family *fam = &families[jb->fam];
        JVal *o = j_obj ();
        JVal *p, *pp, *svc, *tr, *st, *ins, *outs, *in, *om, *res;
        char commit[41];

        hex_string (hash_str (jb->name), commit, 40, FALSE);
        j_put_s (o, "id", jb->arm_id);
        j_put_s (o, "name", jb->name);
        j_put_s (o, "type", "Microsoft.MachineLearningServices/workspaces/jobs");
        p = j_put_o (o, "properties");
        j_put_null (p, "description");
        j_put_s (j_put_o (p, "tags"), "family", fam->name);
        pp = j_put_o (p, "properties");
        j_put_s (pp, "mlflow.source.git.repoURL", tprintf ("https://dev.azure.com/contoso-edge/ml/_git/%s", fam->name));
        j_put_s (pp, "mlflow.source.git.branch", jb->vidx >= 0 ? "main" : tprintf ("exp/%s", jb->name));
        j_put_s (pp, "mlflow.source.git.commit", commit);
        j_put_s (pp, "azureml.git.dirty", jb->vidx >= 0 ? "False" : "True");
        j_put_s (pp, "_azureml.ComputeTargetType", "amlctrain");
        j_put_s (p, "displayName", tprintf ("train-%s", fam->name));
        j_put_s (p, "status", jb->status);
        j_put_s (p, "experimentName", fam->name);
        svc = j_put_o (p, "services");
        tr = j_put_o (svc, "Tracking");
        j_put_s (tr, "jobServiceType", "Tracking");
        j_put_null (tr, "port");
        j_put_s (tr, "endpoint", tprintf ("azureml://westeurope.api.azureml.ms/mlflow/v1.0%s?", prefix));
        j_put_null (tr, "status");
        j_put_null (tr, "errorMessage");
        j_put_null (tr, "properties");
        st = j_put_o (svc, "Studio");
        j_put_s (st, "jobServiceType", "Studio");
        j_put_null (st, "port");
        j_put_s (st, "endpoint", tprintf ("https://ml.azure.com/runs/%s?wsid=/subscriptions/%s/resourcegroups/%s/workspaces/%s",
                                          jb->name, SUBSCRIPTION_ID, RG_ML, WORKSPACE));
        j_put_null (st, "status");
        j_put_null (st, "errorMessage");
        j_put_null (st, "properties");
        j_put_s (p, "computeId", tprintf ("%s/computes/%s", prefix, fam->mlflow ? "cpu-cluster-d8" : "gpu-cluster-nc24"));
        j_put_b (p, "isArchived", FALSE);
        j_put_s (j_put_o (p, "identity"), "identityType", "AMLToken");
        j_put_null (p, "componentId");
        j_put_s (p, "jobType", "Command");
        res = j_put_o (p, "resources");
        j_put_i (res, "instanceCount", 1);
        j_put_null (res, "instanceType");
        j_put_null (res, "properties");
        j_put_s (res, "shmSize", "2g");
        j_put_null (res, "dockerArgs");
        j_put_s (p, "codeId", tprintf ("%s/codes/%08x-%04x-4%03x-8%03x-%012" G_GINT64_MODIFIER "x/versions/1", prefix,
                                       (guint) (hash_str (jb->name) >> 32), (guint) (hash_str (jb->name) & 0xffff),
                                       (guint) (hash_str (jb->name) >> 20 & 0xfff), (guint) (hash_str (jb->name) >> 8 & 0xfff),
                                       (guint64) (mix64 (hash_str (jb->name)) & G_GUINT64_CONSTANT (0xffffffffffff))));
        j_put_s (p, "command", tprintf ("python train.py --data ${{inputs.training_data}} --out ${{outputs.model}} --family %s", fam->name));
        j_put_s (p, "environmentId", tprintf ("%s/environments/edge-train-onnx/versions/%d", prefix, 3 + month_index (jb->t_created) / 4));
        ins = j_put_o (p, "inputs");
        if (jb->raw_uri != NULL || jb->data >= 0)
          {
            const DataVersion *dv = jb->data >= 0 ? &g_array_index (data_versions, DataVersion, jb->data) : NULL;

            in = j_put_o (ins, "training_data");
            j_put_null (in, "description");
            if (jb->raw_uri != NULL)
              {
                j_put_s (in, "uri", jb->raw_uri);
                j_put_s (in, "mode", "ReadOnlyMount");
                j_put_s (in, "jobInputType", "uri_folder");
              }
            else
              {
                j_put_s (in, "uri", tprintf ("azureml:%s:%d", datasets[dv->dataset].name, dv->version));
                j_put_s (in, "mode", datasets[dv->dataset].type == DT_MLTABLE ? "EvalMount" : "ReadOnlyMount");
                j_put_s (in, "jobInputType", datasets[dv->dataset].type == DT_MLTABLE ? "mltable" : "uri_folder");
              }
          }
        in = j_put_o (ins, "epochs");
        j_put_null (in, "description");
        j_put_s (in, "value", tprintf ("%d", 20 + (int) (hash_str (jb->name) % 60)));
        j_put_s (in, "jobInputType", "literal");
        outs = j_put_o (p, "outputs");
        om = j_put_o (outs, "model");
        j_put_null (om, "description");
        j_put_s (om, "uri", tprintf ("azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.%s/outputs/model", jb->name));
        j_put_s (om, "mode", "Upload");
        j_put_s (om, "jobOutputType", fam->mlflow ? "mlflow_model" : "custom_model");
        om = j_put_o (outs, "default");
        j_put_null (om, "description");
        j_put_s (om, "uri", tprintf ("azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.%s", jb->name));
        j_put_s (om, "mode", "ReadWriteMount");
        j_put_s (om, "jobOutputType", "uri_folder");
        j_put_null (p, "distribution");
        j_put_null (p, "limits");
        j_put_o (p, "environmentVariables");
        j_put_o (p, "parameters");
        j_put (o, "systemData", system_data (jb->t_created, jb->creator, 0, 0, TS_7P, FALSE));
        j_write (out, o, &J_REST, 0);
        g_string_append_c (out, '\n');
      }
    emit_file ("aml/jobs.jsonl", out, "-", "aml-jobs", (int) jobs->len,
               "JSON Lines, one REST GET .../workspaces/" WORKSPACE "/jobs/{name} response per line (training jobs behind the model versions, plus experiments)");
  }

  /* Data asset versions. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    JVal *root = j_obj ();
    JVal *arr = j_put_a (root, "value");
    guint j;

    for (j = 0; j < data_versions->len; j++)
      {
        const DataVersion *dv = &g_array_index (data_versions, DataVersion, j);
        const Dataset *ds = &datasets[dv->dataset];
        JVal *o = j_add (arr, j_obj ());
        JVal *p, *tags, *sd;

        j_put_s (o, "id", dv->arm_id);
        j_put_s (o, "name", tprintf ("%d", dv->version));
        j_put_s (o, "type", "Microsoft.MachineLearningServices/workspaces/data/versions");
        p = j_put_o (o, "properties");
        j_put_s (p, "description", tprintf ("%s, snapshot %s", ds->source, date_str (dv->t_created)));
        tags = j_put_o (p, "tags");
        j_put_s (tags, "dataClass", ds->eu_restricted ? "eu-restricted" : "general");
        j_put_s (tags, "retention", ds->eu_restricted ? "P2Y" : "P5Y");
        j_put_o (p, "properties");
        j_put_b (p, "isArchived", FALSE);
        j_put_b (p, "isAnonymous", FALSE);
        j_put_s (p, "dataUri", dv->data_uri);
        j_put_s (p, "dataType", ds->type == DT_MLTABLE ? "mltable" : "uri_folder");
        sd = j_put (o, "systemData", system_data (dv->t_created, dv->creator, 0, 0, TS_7P, FALSE));
        j_put_s (sd, "lastModifiedAt", ts (dv->t_created + 15 * TPM, TS_7P));
      }
    j_append_doc (out, root, &J_NET_PRETTY);
    emit_file ("aml/data-versions.json", out, "-", "aml-data-versions", (int) data_versions->len,
               "REST GET .../workspaces/" WORKSPACE "/data/{name}/versions for every data asset, merged into one value array");
  }
}

/* ------------------------------------------------------------------ */
/* Audit events: Azure Monitor activity log                            */
/* ------------------------------------------------------------------ */

enum
{
  OP_HUB_LISTKEYS,
  OP_HUB_WRITE,
  OP_ROLE_WRITE,
  OP_ROLE_DELETE,
  OP_DIAG_WRITE,
  OP_DIAG_DELETE,
  OP_MODEL_WRITE,
  OP_JOB_WRITE,
  OP_DATA_WRITE,
  OP_COMPUTE_START,
  OP_COMPUTE_STOP,
  OP_STORAGE_LISTKEYS,
  OP_ARM_DEPLOY,
  OP_ACR_LISTCRED,
  N_OPS
};

typedef struct
{
  const char *op;
  const char *loc;
  const char *provider;
  const char *provider_loc;
  const char *rtype;
  const char *method;
  int         http;
} OpDef;

static const OpDef ops[N_OPS] = {
  { "Microsoft.Devices/IotHubs/listkeys/action", "Get IotHub Keys", "Microsoft.Devices", "Microsoft Devices",
    "Microsoft.Devices/IotHubs", "POST", 200 },
  { "Microsoft.Devices/IotHubs/write", "Create or update IotHub resource", "Microsoft.Devices", "Microsoft Devices",
    "Microsoft.Devices/IotHubs", "PUT", 200 },
  { "Microsoft.Authorization/roleAssignments/write", "Create role assignment", "Microsoft.Authorization",
    "Microsoft Authorization", "Microsoft.Authorization/roleAssignments", "PUT", 201 },
  { "Microsoft.Authorization/roleAssignments/delete", "Delete role assignment", "Microsoft.Authorization",
    "Microsoft Authorization", "Microsoft.Authorization/roleAssignments", "DELETE", 200 },
  { "Microsoft.Insights/diagnosticSettings/write", "Create or update resource diagnostic setting", "microsoft.insights",
    "Microsoft Insights", "microsoft.insights/diagnosticSettings", "PUT", 200 },
  { "Microsoft.Insights/diagnosticSettings/delete", "Delete resource diagnostic setting", "microsoft.insights",
    "Microsoft Insights", "microsoft.insights/diagnosticSettings", "DELETE", 200 },
  { "Microsoft.MachineLearningServices/workspaces/models/versions/write", "Create or update model version",
    "Microsoft.MachineLearningServices", "Microsoft Machine Learning Services",
    "Microsoft.MachineLearningServices/workspaces/models/versions", "PUT", 201 },
  { "Microsoft.MachineLearningServices/workspaces/jobs/write", "Create or update job",
    "Microsoft.MachineLearningServices", "Microsoft Machine Learning Services",
    "Microsoft.MachineLearningServices/workspaces/jobs", "PUT", 201 },
  { "Microsoft.MachineLearningServices/workspaces/data/versions/write", "Create or update data version",
    "Microsoft.MachineLearningServices", "Microsoft Machine Learning Services",
    "Microsoft.MachineLearningServices/workspaces/data/versions", "PUT", 201 },
  { "Microsoft.MachineLearningServices/workspaces/computes/start/action", "Start compute",
    "Microsoft.MachineLearningServices", "Microsoft Machine Learning Services",
    "Microsoft.MachineLearningServices/workspaces/computes", "POST", 202 },
  { "Microsoft.MachineLearningServices/workspaces/computes/stop/action", "Stop compute",
    "Microsoft.MachineLearningServices", "Microsoft Machine Learning Services",
    "Microsoft.MachineLearningServices/workspaces/computes", "POST", 202 },
  { "Microsoft.Storage/storageAccounts/listKeys/action", "List Storage Account Keys", "Microsoft.Storage",
    "Microsoft Storage", "Microsoft.Storage/storageAccounts", "POST", 200 },
  { "Microsoft.Resources/deployments/write", "Create Deployment", "Microsoft.Resources", "Microsoft Resources",
    "Microsoft.Resources/deployments", "PUT", 201 },
  { "Microsoft.ContainerRegistry/registries/listCredentials/action",
    "Lists the login credentials for the specified container registry.", "Microsoft.ContainerRegistry",
    "Microsoft ContainerRegistry", "Microsoft.ContainerRegistry/registries", "POST", 200 },
};

enum
{
  PH_STARTED,
  PH_DONE,
};

enum
{
  AF_HOLDOUT = 1 << 0,   /* only in the CSV export */
};

typedef struct
{
  gint64 t;
  gint64 sub_t;
  int    op;
  int    who;
  int    phase;
  int    http;
  int    seq;
  guint  flags;
  char  *resource_id;
  char  *rg;
  char  *req_body;
  char  *resp_body;
  Guid   corr;
  Guid   evid;
  Guid   opid;
  Guid   reqid;
} ActEv;

static GArray *act_events;
static Rng act_rng;
static int act_seq;

static const char *
role_of (int who)
{
  switch (who)
    {
    case P_VERA:
    case P_MALIK:
      return "Owner";
    case P_ANA:
    case P_LI:
    case P_TOMASZ:
      return "AzureML Data Scientist";
    case P_JONAS:
    case P_PETER:
    case SP_MLOPS:
    case SP_DEPLOY:
      return "Contributor";
    case SP_MONITOR:
      return "IoT Hub Contributor";
    case SP_ATTEST:
      return "Attest IoT Reader";
    default:
      return "Reader";
    }
}

static char *
rg_of_resource (const char *rid)
{
  const char *p = strstr (rid, "/resourceGroups/");
  const char *e;

  if (p == NULL)
    return NULL;
  p += strlen ("/resourceGroups/");
  e = strchr (p, '/');
  return e != NULL ? pprintf ("%.*s", (int) (e - p), p) : pstrdup (p);
}

/* Adds a Started/done pair; returns the index of the second event. */
static guint
act_pair (gint64      t,
          int         op,
          int         who,
          const char *resource_id,
          int         http,
          const char *req_body,
          const char *resp_body)
{
  ActEv a = { 0 }, b;
  gint64 dur = rng_range (&act_rng, 150, 4000) * TPS / 1000;

  a.t = t;
  a.sub_t = t + rng_range (&act_rng, 4, 45) * TPS + rng_range (&act_rng, 0, TPS - 1);
  a.op = op;
  a.who = who;
  a.phase = PH_STARTED;
  a.http = http;
  a.seq = act_seq++;
  a.resource_id = pstrdup (resource_id);
  a.rg = rg_of_resource (resource_id);
  if (a.rg == NULL)
    a.rg = pstrdup ("");
  if (a.rg != NULL && rng_chance (&act_rng, 0.2))
    {
      char *p;

      for (p = a.rg; *p != '\0'; p++)
        *p = g_ascii_toupper (*p);
    }
  a.req_body = pstrdup (req_body);
  rng_guid (&act_rng, &a.corr);
  rng_guid (&act_rng, &a.evid);
  rng_guid (&act_rng, &a.opid);
  rng_guid (&act_rng, &a.reqid);
  if (t >= mkt (2026, 8, 20, 0, 0, 0) && t < mkt (2026, 8, 22, 0, 0, 0))
    a.flags |= AF_HOLDOUT;
  g_array_append_val (act_events, a);

  b = a;
  b.t = t + dur;
  b.sub_t = b.t + rng_range (&act_rng, 4, 45) * TPS + rng_range (&act_rng, 0, TPS - 1);
  b.phase = PH_DONE;
  b.seq = act_seq++;
  b.req_body = NULL;
  b.resp_body = pstrdup (resp_body);
  rng_guid (&act_rng, &b.evid);
  g_array_append_val (act_events, b);
  return act_events->len - 1;
}

static const char *
act_evid (guint idx)
{
  return g_array_index (act_events, ActEv, idx).evid.s;
}

typedef struct
{
  const char *name;
  const char *id;
} RoleDef;

static const RoleDef role_defs[] = {
  { "Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
  { "Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c" },
  { "Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7" },
  { "IoT Hub Data Contributor", "4fc6c259-987e-4a07-842e-c321cc9d413f" },
  { "AzureML Data Scientist", "f6c7c914-8db3-469d-8ca1-694a8f32e121" },
};

static const char *
role_def_id (const char *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (role_defs); i++)
    if (strcmp (role_defs[i].name, name) == 0)
      return role_defs[i].id;
  g_error ("unknown role %s", name);
  return NULL;
}

/* Role assignment change; returns the index of the Succeeded event. */
static guint
act_role (gint64      t,
          int         op,
          int         by,
          int         principal,
          const char *role,
          const char *scope)
{
  Guid ra;
  g_autofree char *rid = NULL;
  g_autofree char *rdid = NULL;
  const char *ptype = principals[principal].sp ? "ServicePrincipal" : "User";
  JVal *body, *props, *resp, *rp;
  char *req = NULL;
  char *resp_s;

  rng_guid (&act_rng, &ra);
  rid = g_strdup_printf ("%s/providers/Microsoft.Authorization/roleAssignments/%s", scope, ra.s);
  rdid = g_strdup_printf ("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", SUBSCRIPTION_ID,
                          role_def_id (role));
  if (op == OP_ROLE_WRITE)
    {
      body = j_obj ();
      j_put_s (body, "Id", ra.s);
      props = j_put_o (body, "Properties");
      j_put_s (props, "PrincipalId", principals[principal].object_id.s);
      j_put_s (props, "PrincipalType", ptype);
      j_put_s (props, "RoleDefinitionId", rdid);
      j_put_s (props, "Scope", scope);
      j_put_null (props, "Condition");
      j_put_null (props, "ConditionVersion");
      req = j_to_string (body);
    }
  resp = j_obj ();
  rp = j_put_o (resp, "properties");
  j_put_s (rp, "roleDefinitionId", rdid);
  j_put_s (rp, "principalId", principals[principal].object_id.s);
  j_put_s (rp, "principalType", ptype);
  j_put_s (rp, "scope", scope);
  j_put_null (rp, "condition");
  j_put_null (rp, "conditionVersion");
  j_put_s (rp, "createdOn", ts (t + 2 * TPS, TS_7Z));
  j_put_s (rp, "updatedOn", ts (t + 2 * TPS, TS_7Z));
  j_put_null (rp, "createdBy");
  j_put_s (rp, "updatedBy", principals[by].object_id.s);
  j_put_null (rp, "delegatedManagedIdentityResourceId");
  j_put_null (rp, "description");
  j_put_s (resp, "id", rid);
  j_put_s (resp, "type", "Microsoft.Authorization/roleAssignments");
  j_put_s (resp, "name", ra.s);
  resp_s = j_to_string (resp);
  {
    guint idx = act_pair (t, op, by, rid, op == OP_ROLE_WRITE ? 201 : 200, req, resp_s);

    arena_reset (&tmp_arena);
    return idx;
  }
}

/* ------------------------------------------------------------------ */
/* Audit events: IoT Hub resource logs                                 */
/* ------------------------------------------------------------------ */

enum
{
  RC_CONFIGURATIONS,
  RC_DEVICE_IDENTITY,
  RC_TWIN_QUERIES,
};

static const char *const res_categories[] = { "Configurations", "DeviceIdentityOperations", "TwinQueries" };

typedef struct
{
  gint64      t;
  int         hub;
  int         cat;
  const char *op;
  int         dur;
  int         status;     /* 0 = success, else HTTP code */
  int         seq;
  char       *props;
  const char *ip;
} ResRec;

static GArray *res_records;
static int res_seq;

static gint64 diag_enabled[N_HUBS];
static gint64 diag_gap_start, diag_gap_end;   /* southeastasia */

static gboolean
res_logged (int    hub,
            gint64 t)
{
  if (t < diag_enabled[hub])
    return FALSE;
  if (hub == H_SEA && t >= diag_gap_start && t < diag_gap_end)
    return FALSE;
  return TRUE;
}

static void
res_add (gint64      t,
         int         hub,
         int         cat,
         const char *op,
         int         dur,
         int         status,
         char       *props,
         const char *ip)
{
  ResRec r;

  if (!res_logged (hub, t))
    return;
  r.t = t;
  r.hub = hub;
  r.cat = cat;
  r.op = op;
  r.dur = dur;
  r.status = status;
  r.seq = res_seq++;
  r.props = props;
  r.ip = ip;
  g_array_append_val (res_records, r);
}

static char *
config_props (const char *id,
              const char *sdk,
              int         size,
              int         status)
{
  return pprintf ("{\"configurationId\":\"%s\",\"sdkVersion\":\"%s\",\"messageSize\":\"%d\",\"statusCode\":%s,\"serviceId\":null}",
                  id, sdk, size, status ? pprintf ("\"%d\"", status) : "null");
}

static char *
identity_props (const char *device_id,
                const char *ip,
                int         status)
{
  return pprintf ("{\"maskedIpAddress\":\"%s\",\"deviceId\":\"%s\",\"statusCode\":%s}",
                  ip, device_id, status ? pprintf ("\"%d\"", status) : "null");
}

static const char *const masked_ips[] = {
  "20.50.2.XXX", "20.61.7.XXX", "198.51.100.XXX", "203.0.113.XXX", "192.0.2.XXX",
};

static const char *
principal_masked_ip (int who)
{
  if (principals[who].sp)
    return who == SP_ATTEST || who == SP_MONITOR ? masked_ips[1] : masked_ips[0];
  return who == P_LI ? masked_ips[3] : (who == P_JONAS ? masked_ips[4] : masked_ips[2]);
}

static int
sdk_is_az (int who)
{
  return !principals[who].sp;
}

/* ------------------------------------------------------------------ */
/* Scripted audit trail                                                */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint tomasz_role;
  guint tomasz_model_start;
  guint tomasz_model_done;
  guint jonas_denied;
  guint jonas_role;
  guint jonas_listkeys;
  guint jonas_role_removed;
  guint diag_delete;
  guint diag_restore;
} KeyEvents;

static KeyEvents key_events;
static int n_scripted_act, n_scripted_res;

static void
generate_scripted_audit (void)
{
  char *ws = ws_arm_prefix ();
  int h, i;
  guint j;

  /* Diagnostic settings enabled on every hub before the fleet went live. */
  for (h = 0; h < N_HUBS; h++)
    {
      diag_enabled[h] = mkt (2025, 4, 10, 9, 0, 0) + h * 10 * TPM + rng_range (&act_rng, 0, 59) * TPS;
      act_pair (diag_enabled[h] - 40 * TPS, OP_DIAG_WRITE, P_MALIK,
                tprintf ("%s/providers/microsoft.insights/diagnosticSettings/attest-audit", hubs[h].arm_id), 200, NULL, NULL);
    }
  diag_gap_start = mkt (2026, 3, 10, 16, 55, 12);
  diag_gap_end = mkt (2026, 3, 11, 9, 31, 40);
  key_events.diag_delete = act_pair (diag_gap_start - 20 * TPS, OP_DIAG_DELETE, SP_DEPLOY,
                                     tprintf ("%s/providers/microsoft.insights/diagnosticSettings/attest-audit", hubs[H_SEA].arm_id),
                                     200, NULL, NULL);
  key_events.diag_restore = act_pair (diag_gap_end - 25 * TPS, OP_DIAG_WRITE, P_MALIK,
                                      tprintf ("%s/providers/microsoft.insights/diagnosticSettings/attest-audit", hubs[H_SEA].arm_id),
                                      200, NULL, NULL);
  arena_reset (&tmp_arena);

  /* Role assignments. */
  act_role (mkt (2025, 5, 2, 10, 12, 7), OP_ROLE_WRITE, P_MALIK, SP_ATTEST, "Reader",
            "/subscriptions/" SUBSCRIPTION_ID);
  act_role (mkt (2025, 5, 6, 8, 47, 31), OP_ROLE_WRITE, P_MALIK, SP_DEPLOY, "IoT Hub Data Contributor",
            "/subscriptions/" SUBSCRIPTION_ID "/resourceGroups/" RG_EDGE);
  act_role (mkt (2025, 9, 1, 9, 3, 55), OP_ROLE_WRITE, P_VERA, P_LI, "AzureML Data Scientist", ws);
  key_events.tomasz_role = act_role (mkt (2025, 11, 24, 15, 20, 48), OP_ROLE_WRITE, P_VERA, P_TOMASZ,
                                     "AzureML Data Scientist", ws);
  act_role (mkt (2026, 1, 5, 11, 2, 13), OP_ROLE_WRITE, P_MALIK, P_ZOE, "Reader", "/subscriptions/" SUBSCRIPTION_ID);
  act_role (mkt (2026, 2, 16, 8, 5, 40), OP_ROLE_DELETE, P_MALIK, P_PETER, "Contributor",
            "/subscriptions/" SUBSCRIPTION_ID "/resourceGroups/" RG_EDGE);
  key_events.jonas_role = act_role (mkt (2026, 5, 20, 16, 44, 2), OP_ROLE_WRITE, P_MALIK, P_JONAS, "Contributor",
                                    hubs[H_EUS].arm_id);
  key_events.jonas_role_removed = act_role (mkt (2026, 7, 10, 9, 12, 26), OP_ROLE_DELETE, P_MALIK, P_JONAS, "Contributor",
                                            hubs[H_EUS].arm_id);
  key_events.jonas_denied = act_pair (mkt (2026, 5, 18, 20, 3, 17), OP_HUB_LISTKEYS, P_JONAS, hubs[H_EUS].arm_id, 403, NULL, NULL);
  act_pair (mkt (2026, 1, 7, 14, 41, 9), OP_HUB_LISTKEYS, P_ZOE, hubs[H_WEU].arm_id, 403, NULL, NULL);

  /* Hub changes. */
  act_pair (mkt (2025, 7, 14, 13, 22, 41), OP_HUB_WRITE, P_MALIK, hubs[H_EUS].arm_id, 200, NULL, NULL);
  act_pair (mkt (2026, 1, 19, 10, 5, 3), OP_HUB_WRITE, P_MALIK, hubs[H_WEU].arm_id, 200, NULL, NULL);
  act_pair (mkt (2026, 9, 2, 3, 15, 38), OP_HUB_WRITE, SP_DEPLOY, hubs[H_SEA].arm_id, 200, NULL, NULL);

  /* Configuration changes: the deployer fetches hub keys first (activity
   * log), the hub records the data-plane call (resource log). */
  for (i = 0; i < N_DEPS; i++)
    {
      const Dep *dp = &deps[i];
      const char *ip = principal_masked_ip (dp->creator);
      const char *sdk = sdk_is_az (dp->creator) ? "2024-03-31" : "2021-04-12";
      int size;
      guint k;

      size = (int) strlen (j_to_string (dep_content (dp))) + 900;
      arena_reset (&tmp_arena);
      k = act_pair (dp->t_created - rng_range (&act_rng, 60, 240) * TPS, OP_HUB_LISTKEYS, dp->creator,
                    hubs[dp->hub].arm_id, 200, NULL, NULL);
      if (dp->creator == P_JONAS)
        key_events.jonas_listkeys = k;
      res_add (dp->t_created - rng_range (&act_rng, 2, 9) * TPS, dp->hub, RC_CONFIGURATIONS, "ReadManyConfigurations",
               (int) rng_range (&act_rng, 8, 40), 0, config_props ("", sdk, 0, 0), ip);
      res_add (dp->t_created - rng_range (&act_rng, 100, 900) * TPS / 1000, dp->hub, RC_CONFIGURATIONS,
               "CreateOrUpdateConfiguration", (int) rng_range (&act_rng, 20, 180), 0,
               config_props (dp->id, sdk, size, 0), ip);
      if (dp->t_upd != 0)
        {
          if (!(dp->spec->flags & DF_NO_AUDIT_UPDATE))
            {
              act_pair (dp->t_upd - rng_range (&act_rng, 60, 240) * TPS, OP_HUB_LISTKEYS, dp->creator,
                        hubs[dp->hub].arm_id, 200, NULL, NULL);
              res_add (dp->t_upd - rng_range (&act_rng, 100, 900) * TPS / 1000, dp->hub, RC_CONFIGURATIONS,
                       "UpdateConfiguration", (int) rng_range (&act_rng, 20, 120), 0,
                       config_props (dp->id, sdk, size, 0), ip);
            }
        }
      if (dp->t_deleted != T_NEVER)
        {
          act_pair (dp->t_deleted - rng_range (&act_rng, 60, 240) * TPS, OP_HUB_LISTKEYS, dp->creator,
                    hubs[dp->hub].arm_id, 200, NULL, NULL);
          res_add (dp->t_deleted - rng_range (&act_rng, 100, 900) * TPS / 1000, dp->hub, RC_CONFIGURATIONS,
                   "DeleteConfiguration", (int) rng_range (&act_rng, 10, 90), 0,
                   config_props (dp->id, sdk, 0, 0), ip);
        }
    }

  /* Device registry changes. */
  for (j = 0; j < devices->len; j++)
    {
      const Device *d = g_ptr_array_index (devices, j);
      const char *ip = principal_masked_ip (P_MALIK);

      if (d->created >= diag_enabled[d->hub])
        res_add (d->created - rng_range (&act_rng, 100, 900) * TPS / 1000, d->hub, RC_DEVICE_IDENTITY, "addOrUpdate",
                 (int) rng_range (&act_rng, 10, 60), 0, identity_props (d->id, ip, 0), NULL);
      if (d->deleted != T_NEVER)
        res_add (d->deleted - rng_range (&act_rng, 100, 900) * TPS / 1000, d->hub, RC_DEVICE_IDENTITY, "delete",
                 (int) rng_range (&act_rng, 10, 60), 0, identity_props (d->id, ip, 0), NULL);
    }

  /* Azure ML writes. */
  for (i = 0; i < N_MVERSIONS; i++)
    {
      const MVersion *mv = &mversions[i];
      guint k;

      if ((mv->flags & MV_UNREG) || mv->t_reg < mkt (2025, 4, 1, 0, 0, 0))
        continue;
      k = act_pair (mv->t_reg - rng_range (&act_rng, 200, 1500) * TPS / 1000, OP_MODEL_WRITE, mv->creator, mv->arm_id,
                    201, NULL, NULL);
      if (mv->creator == P_TOMASZ)
        {
          key_events.tomasz_model_done = k;
          key_events.tomasz_model_start = k - 1;
        }
    }
  for (j = 0; j < jobs->len; j++)
    {
      const Job *jb = &g_array_index (jobs, Job, j);

      if (jb->t_created >= mkt (2025, 4, 1, 0, 0, 0))
        act_pair (jb->t_created - rng_range (&act_rng, 500, 3000) * TPS / 1000, OP_JOB_WRITE, jb->creator, jb->arm_id, 201,
                  NULL, NULL);
    }
  for (j = 0; j < data_versions->len; j++)
    {
      const DataVersion *dv = &g_array_index (data_versions, DataVersion, j);

      if (dv->t_created >= mkt (2025, 4, 1, 0, 0, 0))
        act_pair (dv->t_created - rng_range (&act_rng, 200, 1500) * TPS / 1000, OP_DATA_WRITE, dv->creator, dv->arm_id, 201,
                  NULL, NULL);
    }
  n_scripted_act = (int) act_events->len;
  n_scripted_res = (int) res_records->len;
}

/* ------------------------------------------------------------------ */
/* Background audit traffic (scaled by --scale)                        */
/* ------------------------------------------------------------------ */

static gint64
random_work_time (Rng   *r,
                  gint64 lo,
                  gint64 hi,
                  int    hub)
{
  for (;;)
    {
      gint64 day = lo / TPD + rng_range (r, 0, (hi - lo) / TPD);
      int wd = (int) ((day + 4) % 7);   /* 0 = Sunday (1970-01-01 was a Thursday) */
      int local_start = hub == H_EUS ? 13 : (hub == H_SEA ? 0 : 6);
      gint64 t;

      if ((wd == 0 || wd == 6) && !rng_chance (r, 0.15))
        continue;
      if (rng_chance (r, 0.85))
        t = day * TPD + (local_start + rng_range (r, 0, 10)) * TPH + rng_range (r, 0, 3599) * TPS;
      else
        t = day * TPD + rng_range (r, 0, 86399) * TPS;
      t += rng_range (r, 0, TPS - 1);
      if (t >= lo && t < hi)
        return t;
    }
}

static const char *const twin_queries[] = {
  "SELECT * FROM devices.modules WHERE moduleId = '$edgeAgent'",
  "SELECT * FROM devices",
  "SELECT * FROM devices.modules WHERE moduleId != '$edgeHub'",
  "SELECT deviceId, properties.reported.lastDesiredStatus FROM devices.modules WHERE moduleId = '$edgeAgent'",
  "SELECT deviceId FROM devices WHERE tags.ring = 'canary'",
  "SELECT deviceId FROM devices WHERE connectionState = 'Disconnected'",
  "SELECT COUNT() AS numberOfDevices FROM devices",
};

static void
generate_noise (int n_act,
                int n_res)
{
  Rng r;
  char *ws = ws_arm_prefix ();
  int i;
  gint64 lo = t_window_start, hi = t_now;
  static const char *const computes[] = { "gpu-cluster-nc24", "cpu-cluster-d8" };

  rng_init (&r, "noise");

  for (i = 0; i < n_act / 2; i++)
    {
      int pick = (int) rng_range (&r, 0, 99);
      int op, who, hub = (int) rng_range (&r, 0, N_HUBS - 1);
      const char *rid;
      int http;
      gint64 t = random_work_time (&r, lo, hi, hub);

      if (pick < 30)
        {
          static const int w[] = { SP_MONITOR, SP_MONITOR, SP_MONITOR, SP_MONITOR, SP_ATTEST, SP_ATTEST, SP_ATTEST,
                                   SP_DEPLOY, SP_DEPLOY, P_MALIK, P_VERA };
          op = OP_HUB_LISTKEYS;
          who = w[rng_range (&r, 0, G_N_ELEMENTS (w) - 1)];
          rid = hubs[hub].arm_id;
        }
      else if (pick < 52)
        {
          static const int w[] = { P_ANA, P_ANA, P_LI, P_LI, P_TOMASZ, P_VERA, SP_MLOPS, SP_MLOPS };
          op = OP_JOB_WRITE;
          who = w[rng_range (&r, 0, G_N_ELEMENTS (w) - 1)];
          rid = tprintf ("%s/jobs/%s", ws, job_name (&r));
        }
      else if (pick < 72)
        {
          static const int w[] = { P_ANA, P_LI, SP_MLOPS };
          op = pick < 62 ? OP_COMPUTE_START : OP_COMPUTE_STOP;
          who = w[rng_range (&r, 0, G_N_ELEMENTS (w) - 1)];
          rid = tprintf ("%s/computes/%s", ws, computes[rng_range (&r, 0, 1)]);
        }
      else if (pick < 84)
        {
          static const int w[] = { SP_MLOPS, SP_MLOPS, P_ANA, P_LI };
          op = OP_STORAGE_LISTKEYS;
          who = w[rng_range (&r, 0, G_N_ELEMENTS (w) - 1)];
          rid = "/subscriptions/" SUBSCRIPTION_ID "/resourceGroups/" RG_ML "/providers/Microsoft.Storage/storageAccounts/stmledgeai";
        }
      else if (pick < 92)
        {
          op = OP_ACR_LISTCRED;
          who = rng_chance (&r, 0.7) ? SP_DEPLOY : SP_MLOPS;
          rid = "/subscriptions/" SUBSCRIPTION_ID "/resourceGroups/" RG_EDGE "/providers/Microsoft.ContainerRegistry/registries/acrattestdemo";
        }
      else
        {
          op = OP_ARM_DEPLOY;
          who = rng_chance (&r, 0.8) ? SP_DEPLOY : P_MALIK;
          rid = tprintf ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Resources/deployments/edge-infra-%s",
                         SUBSCRIPTION_ID, RG_EDGE, date_str (t));
        }
      /* People only act while they have access. */
      if (who == P_TOMASZ && t < mkt (2025, 11, 25, 0, 0, 0))
        who = P_ANA;
      if (who == P_LI && t < mkt (2025, 9, 2, 0, 0, 0))
        who = P_ANA;
      if (who == SP_ATTEST && t < mkt (2025, 5, 3, 0, 0, 0))
        who = SP_MONITOR;
      http = rng_chance (&r, 0.015) && !principals[who].sp ? 403 : ops[op].http;
      act_pair (t, op, who, rid, http, NULL, NULL);
      arena_reset (&tmp_arena);
    }

  for (i = 0; i < n_res; i++)
    {
      int hub = (int) (rng_range (&r, 0, 99) < 40 ? H_WEU : (rng_range (&r, 0, 99) < 55 ? H_EUS : H_SEA));
      gint64 t = random_work_time (&r, MAX (lo - 20 * TPD, diag_enabled[hub]), hi, hub);
      int pick = (int) rng_range (&r, 0, 99);

      if (pick < 45)
        {
          const char *q = twin_queries[rng_range (&r, 0, G_N_ELEMENTS (twin_queries) - 1)];
          gboolean cont = rng_chance (&r, 0.3);
          g_autoptr (GString) s = g_string_new (NULL);
          JVal *o = j_obj ();

          j_put_s (o, "query", q);
          j_put_s (o, "sdkVersion", rng_chance (&r, 0.6) ? "2021-04-12" : "2024-03-31");
          j_put_s (o, "messageSize", tprintf ("%d", (int) strlen (q) + 14));
          j_put_s (o, "pageSize", rng_chance (&r, 0.5) ? "100" : "1000");
          j_put_s (o, "continuation", cont ? "true" : "false");
          j_put_s (o, "resultSize", tprintf ("%" G_GINT64_FORMAT, rng_range (&r, 900, 420000)));
          j_write (s, o, &J_REST, 0);
          res_add (t, hub, RC_TWIN_QUERIES, "query", (int) rng_range (&r, 3, 400), 0, pstrdup (s->str), NULL);
        }
      else if (pick < 85)
        {
          const Device *d = g_ptr_array_index (hub_devices[hub], rng_range (&r, 0, hub_devices[hub]->len - 1));
          gboolean missing = rng_chance (&r, 0.04) || !dev_alive (d, t);
          const char *ip = masked_ips[rng_range (&r, 0, 2)];
          const char *id = missing && dev_alive (d, t) ? tprintf ("%s-old", d->id) : d->id;

          res_add (t, hub, RC_DEVICE_IDENTITY, "get", (int) rng_range (&r, 1, 30), missing ? 404 : 0,
                   identity_props (id, ip, missing ? 404 : 0), NULL);
        }
      else
        {
          int who = rng_chance (&r, 0.5) ? SP_ATTEST : (rng_chance (&r, 0.5) ? SP_MONITOR : P_MALIK);

          res_add (t, hub, RC_CONFIGURATIONS, "ReadManyConfigurations", (int) rng_range (&r, 5, 60), 0,
                   config_props ("", sdk_is_az (who) ? "2024-03-31" : "2021-04-12", 0, 0), principal_masked_ip (who));
        }
      arena_reset (&tmp_arena);
    }
}

static int
cmp_act (const void *a,
         const void *b)
{
  const ActEv *x = a, *y = b;

  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->seq - y->seq;
}

static int
cmp_res (const void *a,
         const void *b)
{
  const ResRec *x = a, *y = b;

  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->seq - y->seq;
}

/* ------------------------------------------------------------------ */
/* Writers: activity log (REST pages, az, JSON Lines, CSV)             */
/* ------------------------------------------------------------------ */

static const char *
status_text (int http)
{
  switch (http)
    {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 403:
      return "Forbidden";
    default:
      return "Unknown";
    }
}

static const char *
status_value (const ActEv *e)
{
  if (e->phase == PH_STARTED)
    return "Started";
  if (e->http >= 400)
    return "Failed";
  if (e->http == 202)
    return "Accepted";
  return "Succeeded";
}

static JVal *
act_claims (const ActEv *e)
{
  const Principal *p = &principals[e->who];
  JVal *c = j_obj ();
  gint64 secs = e->t / TPS;
  guint64 h = hseed ((guint64) e->seq, 61, 0);
  char buf[41];

  j_put_s (c, "aud", "https://management.core.windows.net/");
  j_put_s (c, "iss", "https://sts.windows.net/" TENANT_ID "/");
  j_put_s (c, "iat", tprintf ("%" G_GINT64_FORMAT, secs - 300 - (gint64) (h % 2400)));
  j_put_s (c, "nbf", tprintf ("%" G_GINT64_FORMAT, secs - 300 - (gint64) (h % 2400)));
  j_put_s (c, "exp", tprintf ("%" G_GINT64_FORMAT, secs + 3300 - (gint64) (h % 2400)));
  if (!p->sp)
    {
      j_put_s (c, "http://schemas.microsoft.com/claims/authnmethodsreferences", "pwd,mfa");
      j_put_s (c, "appid", h % 3 == 0 ? "c44b4083-3bb0-49c1-b47d-974e53cbdf3c" : "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
      j_put_s (c, "appidacr", "0");
      if (h % 4 == 0)
        {
          j_put_s (c, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", p->surname);
          j_put_s (c, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", p->given);
        }
      j_put_s (c, "ipaddr", p->ip);
      j_put_s (c, "name", p->display);
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/objectidentifier", p->object_id.s);
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/scope", "user_impersonation");
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/tenantid", TENANT_ID);
      j_put_s (c, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", p->upn);
      j_put_s (c, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", p->upn);
    }
  else
    {
      j_put_s (c, "appid", p->app_id.s);
      j_put_s (c, "appidacr", "1");
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/identityprovider", "https://sts.windows.net/" TENANT_ID "/");
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/objectidentifier", p->object_id.s);
      j_put_s (c, "http://schemas.microsoft.com/identity/claims/tenantid", TENANT_ID);
      j_put_s (c, "idtyp", "app");
    }
  hex_string (h, buf, 22, FALSE);
  j_put_s (c, "uti", buf);
  j_put_s (c, "ver", "1.0");
  return c;
}

static JVal *
act_properties (const ActEv *e)
{
  JVal *p = j_obj ();

  if (e->phase == PH_DONE)
    {
      Guid g;

      guid_from (hseed ((guint64) e->seq, 71, 0), hseed ((guint64) e->seq, 72, 0), &g);
      j_put_s (p, "statusCode", status_text (e->http));
      j_put_s (p, "serviceRequestId", g.s);
    }
  j_put_s (p, "eventCategory", "Administrative");
  j_put_s (p, "entity", e->resource_id);
  j_put_s (p, "message", ops[e->op].op);
  j_put_s (p, "hierarchy", TENANT_ID "/" SUBSCRIPTION_ID);
  if (e->req_body != NULL)
    j_put_s (p, "requestbody", e->req_body);
  if (e->resp_body != NULL && e->http < 400)
    j_put_s (p, "responseBody", e->resp_body);
  if (e->phase == PH_DONE && e->http == 403)
    j_put_s (p, "statusMessage",
             tprintf ("{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client '%s' with object id '%s' does not have "
                      "authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently "
                      "granted, please refresh your credentials.\"}}",
                      caller_of (e->who), principals[e->who].object_id.s, ops[e->op].op, e->resource_id));
  return p;
}

static JVal *
lv (const char *value,
    const char *localized)
{
  JVal *o = j_obj ();

  j_put_s (o, "value", value);
  j_put_s (o, "localizedValue", localized);
  return o;
}

static JVal *
act_json (const ActEv *e)
{
  const OpDef *op = &ops[e->op];
  JVal *o = j_obj ();
  JVal *auth, *hr;
  gboolean done = e->phase == PH_DONE;

  auth = j_put_o (o, "authorization");
  j_put_s (auth, "action", op->op);
  if (!principals[e->who].sp || e->seq % 2 == 0)
    j_put_s (auth, "role", role_of (e->who));
  j_put_s (auth, "scope", e->resource_id);
  j_put_s (o, "caller", caller_of (e->who));
  j_put_s (o, "channels", "Operation");
  j_put (o, "claims", act_claims (e));
  j_put_s (o, "correlationId", e->corr.s);
  j_put_s (o, "description", "");
  j_put_s (o, "eventDataId", e->evid.s);
  j_put (o, "eventName", done ? lv ("EndRequest", "End request") : lv ("BeginRequest", "Begin request"));
  j_put (o, "category", lv ("Administrative", "Administrative"));
  j_put_s (o, "eventTimestamp", ts (e->t, TS_7Z));
  hr = j_put_o (o, "httpRequest");
  j_put_s (hr, "clientRequestId", e->reqid.s);
  j_put_s (hr, "clientIpAddress", principals[e->who].ip);
  j_put_s (hr, "method", op->method);
  j_put_s (o, "id", tprintf ("%s/events/%s/ticks/%" G_GINT64_FORMAT, e->resource_id, e->evid.s, e->t + NET_EPOCH));
  j_put_s (o, "level", done && e->http >= 400 ? "Error" : "Informational");
  j_put_s (o, "operationId", e->opid.s);
  j_put (o, "operationName", lv (op->op, op->loc));
  j_put_s (o, "resourceGroupName", e->rg);
  j_put (o, "resourceProviderName", lv (op->provider, op->provider_loc));
  j_put (o, "resourceType", lv (op->rtype, op->rtype));
  j_put_s (o, "resourceId", e->resource_id);
  j_put (o, "status", lv (status_value (e), status_value (e)));
  if (done)
    j_put (o, "subStatus", lv (status_text (e->http), tprintf ("%s (HTTP Status Code: %d)", status_text (e->http), e->http)));
  else
    j_put (o, "subStatus", lv ("", ""));
  j_put_s (o, "submissionTimestamp", ts (e->sub_t, TS_7Z));
  j_put_s (o, "subscriptionId", SUBSCRIPTION_ID);
  j_put_s (o, "tenantId", TENANT_ID);
  j_put (o, "properties", act_properties (e));
  j_put_a (o, "relatedEvents");
  return o;
}

static int n_act_rest, n_act_az, n_act_jsonl, n_act_csv, n_act_csv_only;

static char *
skiptoken (guint64 h)
{
  g_autofree char *raw = g_strdup_printf ("{\"p\":%" G_GUINT64_FORMAT ",\"s\":\"%016" G_GINT64_MODIFIER "x\"}", h % 1000, h);
  g_autofree char *b = g_base64_encode ((const guchar *) raw, strlen (raw));

  return tprintf ("%s", b);
}

static void
write_activity_log (void)
{
  gint64 t_az = mkt (2026, 9, 1, 0, 0, 0);
  gint64 t_jsonl = mkt (2026, 10, 1, 0, 0, 0);
  int page_no = 0, m;
  guint i;

  g_array_sort (act_events, cmp_act);

  /* REST pages: one query per month (the API only looks back 90 days),
   * newest first, nextLink inside each month. */
  for (m = month_index (diag_enabled[0]) - 1; m < month_index (t_az); m++)
    {
      gint64 lo = month_start (m), hi = month_start (m + 1);
      g_autoptr (GArray) sel = g_array_new (FALSE, FALSE, sizeof (guint));
      const guint page_size = 500;
      guint start = 0;
      int k;

      for (k = (int) act_events->len - 1; k >= 0; k--)
        {
          const ActEv *e = &g_array_index (act_events, ActEv, k);
          guint kk = (guint) k;

          if (e->t >= lo && e->t < hi && !(e->flags & AF_HOLDOUT))
            g_array_append_val (sel, kk);
        }
      if (sel->len == 0)
        continue;
      while (start < sel->len)
        {
          g_autoptr (GString) out = g_string_new (NULL);
          g_autofree char *rel = NULL;
          g_autofree char *desc = NULL;
          g_autofree char *filter = NULL;
          g_autofree char *filter_q = NULL;
          JVal *root = j_obj ();
          JVal *arr;
          guint end = MIN (sel->len, start + page_size);
          guint q;

          filter = g_strdup_printf ("eventTimestamp ge '%s' and eventTimestamp le '%s'", ts (lo, TS_0Z), ts (hi - TPS, TS_0Z));
          filter_q = g_uri_escape_string (filter, NULL, FALSE);
          page_no++;
          if (end < sel->len)
            j_put_s (root, "nextLink",
                     tprintf ("https://management.azure.com/subscriptions/%s/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=%s&$skiptoken=%s",
                              SUBSCRIPTION_ID, filter_q,
                              skiptoken (hseed ((guint64) m, (guint64) end, 81))));
          arr = j_put_a (root, "value");
          for (q = start; q < end; q++)
            j_add (arr, act_json (&g_array_index (act_events, ActEv, g_array_index (sel, guint, q))));
          j_append_doc (out, root, &J_REST);
          g_string_append_c (out, '\n');
          rel = g_strdup_printf ("activitylog/page-%03d.json", page_no);
          desc = g_strdup_printf ("REST GET https://management.azure.com/subscriptions/%s/providers/Microsoft.Insights/eventtypes/management/values?$filter=%s, %s (%u events%s)",
                                  "<sub>", filter, start == 0 ? "first page" : "followed nextLink", end - start,
                                  end < sel->len ? ", nextLink to the next file" : ", last page of this query");
          n_act_rest += (int) (end - start);
          emit_file (rel, out, "-", "activity-log", (int) (end - start), desc);
          start = end;
        }
    }

  /* az monitor activity-log list for September 2026. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    JVal *arr = j_arr ();
    int k, n = 0;

    for (k = (int) act_events->len - 1; k >= 0; k--)
      {
        const ActEv *e = &g_array_index (act_events, ActEv, k);

        if (e->t >= t_az && e->t < t_jsonl && !(e->flags & AF_HOLDOUT))
          {
            j_add (arr, act_json (e));
            n++;
          }
      }
    j_append_doc (out, arr, &J_AZ);
    n_act_az = n;
    emit_file ("activitylog/az-activity-log-2026-09.json", out, "-", "activity-log", n,
               "az monitor activity-log list --start-time 2026-09-01T00:00:00Z --end-time 2026-09-30T23:59:59Z --max-events 100000 (bare array, keys sorted)");
  }

  /* JSON Lines for October 2026. */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    int n = 0;

    for (i = 0; i < act_events->len; i++)
      {
        const ActEv *e = &g_array_index (act_events, ActEv, i);

        if (e->t >= t_jsonl)
          {
            j_write (out, act_json (e), &J_REST, 0);
            g_string_append_c (out, '\n');
            n++;
            arena_reset (&tmp_arena);
          }
      }
    n_act_jsonl = n;
    emit_file ("activitylog/events.jsonl", out, "-", "activity-log", n,
               "JSON Lines, one activity-log event (REST shape) per line, October 2026 (collected by a script that paged the REST API)");
  }

  /* Log Analytics AzureActivity CSV export (portal "Export to CSV"). */
  {
    g_autoptr (GString) out = g_string_new (NULL);
    gint64 lo = mkt (2026, 8, 15, 0, 0, 0), hi = mkt (2026, 9, 15, 0, 0, 0);
    int candidates = 0, n = 0;
    double keep;
    static const char *const header[] = {
      "TimeGenerated [UTC]", "Caller", "CallerIpAddress", "CategoryValue", "OperationNameValue",
      "ActivityStatusValue", "ActivitySubstatusValue", "Level", "ResourceGroup", "ResourceProviderValue",
      "ResourceId", "SubscriptionId", "TenantId", "CorrelationId", "OperationId", "EventDataId",
      "EventSubmissionTimestamp [UTC]", "Properties_d",
    };
    guint c;

    for (i = 0; i < act_events->len; i++)
      {
        const ActEv *e = &g_array_index (act_events, ActEv, i);

        if (e->t >= lo && e->t < hi && !(e->flags & AF_HOLDOUT))
          candidates++;
      }
    keep = candidates > 0 ? MIN (1.0, 320.0 / candidates) : 1.0;

    for (c = 0; c < G_N_ELEMENTS (header); c++)
      {
        const char *hname = header[c];

        if (c > 0)
          g_string_append_c (out, ',');
        if (strchr (hname, ' ') != NULL)
          g_string_append_printf (out, "\"%s\"", hname);
        else
          g_string_append (out, hname);
      }
    g_string_append (out, "\r\n");

    for (i = 0; i < act_events->len; i++)
      {
        const ActEv *e = &g_array_index (act_events, ActEv, i);
        const char *fields[18];
        char *rg_up, *rid_up, *op_up, *prov_up;
        const char *st;
        int f;

        if (e->t < lo || e->t >= hi)
          continue;
        if (!(e->flags & AF_HOLDOUT) && hunit (hseed ((guint64) e->seq, 91, 0)) >= keep)
          continue;
        if (e->flags & AF_HOLDOUT)
          n_act_csv_only++;
        rg_up = g_ascii_strup (e->rg, -1);
        rid_up = g_ascii_strup (e->resource_id, -1);
        op_up = g_ascii_strup (ops[e->op].op, -1);
        prov_up = g_ascii_strup (ops[e->op].provider, -1);
        if (e->phase == PH_STARTED)
          st = "Start";
        else if (e->http >= 400)
          st = "Failure";
        else if (e->http == 202)
          st = "Accept";
        else
          st = "Success";
        fields[0] = ts_portal (e->t);
        fields[1] = caller_of (e->who);
        fields[2] = principals[e->who].ip;
        fields[3] = "Administrative";
        fields[4] = tprintf ("%s", op_up);
        fields[5] = st;
        fields[6] = e->phase == PH_STARTED ? "" : status_text (e->http);
        fields[7] = e->phase == PH_DONE && e->http >= 400 ? "Error" : "Informational";
        fields[8] = tprintf ("%s", rg_up);
        fields[9] = tprintf ("%s", prov_up);
        fields[10] = tprintf ("%s", rid_up);
        fields[11] = SUBSCRIPTION_ID;
        fields[12] = TENANT_ID;
        fields[13] = e->corr.s;
        fields[14] = e->opid.s;
        fields[15] = e->evid.s;
        fields[16] = ts_portal (e->sub_t);
        fields[17] = j_to_string (act_properties (e));
        g_free (rg_up);
        g_free (rid_up);
        g_free (op_up);
        g_free (prov_up);
        for (f = 0; f < 18; f++)
          {
            const char *v = fields[f];

            if (f > 0)
              g_string_append_c (out, ',');
            if (strpbrk (v, ",\"\r\n") != NULL)
              {
                const char *p;

                g_string_append_c (out, '"');
                for (p = v; *p != '\0'; p++)
                  {
                    if (*p == '"')
                      g_string_append_c (out, '"');
                    g_string_append_c (out, *p);
                  }
                g_string_append_c (out, '"');
              }
            else
              g_string_append (out, v);
          }
        g_string_append (out, "\r\n");
        n++;
      }
    n_act_csv = n;
    emit_file ("activitylog/azureactivity.csv", out, "-", "activity-csv", n,
               "Log Analytics portal export (Export > CSV, all columns) of "
               "AzureActivity | where TimeGenerated between (datetime(2026-08-15) .. datetime(2026-09-15)) | sample; "
               "en-US time format, RFC 4180 quoting, CRLF; 2026-08-20..21 events appear only here");
  }
}

/* ------------------------------------------------------------------ */
/* Writers: IoT Hub resource logs                                      */
/* ------------------------------------------------------------------ */

static int n_res_records_json, n_res_records_jsonl;

static JVal *
res_json (const ResRec *r,
          gboolean      upper)
{
  JVal *o = j_obj ();

  j_put_s (o, "time", ts (r->t, r->cat == RC_CONFIGURATIONS ? TS_0Z : TS_7Z));
  j_put_s (o, "resourceId", upper ? hubs[r->hub].arm_id_upper : hubs[r->hub].arm_id);
  j_put_s (o, "operationName", r->op);
  j_put_s (o, "category", res_categories[r->cat]);
  if (r->cat != RC_TWIN_QUERIES || r->status != 0)
    {
      j_put_s (o, "resultType", r->status ? tprintf ("%d", r->status) : "");
      j_put_s (o, "resultDescription", r->status == 404 ? "ErrorCode: DeviceNotFound" : "");
    }
  j_put_s (o, "level", r->status ? "Error" : "Information");
  j_put_s (o, "durationMs", tprintf ("%d", r->dur));
  if (r->ip != NULL)
    j_put_s (o, "callerIpAddress", r->ip);
  j_put_s (o, "properties", r->props);
  j_put_s (o, "location", hubs[r->hub].location);
  return o;
}

static void
write_resource_logs (void)
{
  int h, m;
  int first = month_index (mkt (2025, 4, 1, 0, 0, 0));
  int last = month_index (t_now);
  int jsonl_from = month_index (mkt (2026, 7, 1, 0, 0, 0));

  g_array_sort (res_records, cmp_res);
  for (h = 0; h < N_HUBS; h++)
    for (m = first; m <= last; m++)
      {
        gint64 lo = month_start (m), hi = month_start (m + 1);
        g_autoptr (GString) out = g_string_new (NULL);
        g_autofree char *rel = NULL;
        g_autofree char *desc = NULL;
        gboolean jsonl = m >= jsonl_from;
        JVal *root = NULL, *arr = NULL;
        guint i;
        int n = 0;

        if (!jsonl)
          {
            root = j_obj ();
            arr = j_put_a (root, "records");
          }
        for (i = 0; i < res_records->len; i++)
          {
            const ResRec *r = &g_array_index (res_records, ResRec, i);

            if (r->hub != h || r->t < lo || r->t >= hi)
              continue;
            if (jsonl)
              {
                j_write (out, res_json (r, TRUE), &J_REST, 0);
                g_string_append_c (out, '\n');
              }
            else
              j_add (arr, res_json (r, m % 3 == 0));
            n++;
          }
        if (!jsonl)
          j_append_doc (out, root, &J_REST);
        rel = g_strdup_printf ("%s/resourcelogs-%s.%s", hubs[h].name, month_str (lo), jsonl ? "jsonl" : "json");
        if (jsonl)
          {
            desc = g_strdup_printf ("IoT Hub resource logs (Configurations, DeviceIdentityOperations, TwinQueries) for %s, "
                                    "diagnostic setting -> storage account, JSON Lines as in insights-logs-* blobs (%d records)",
                                    month_str (lo), n);
            n_res_records_jsonl += n;
          }
        else
          {
            desc = g_strdup_printf ("IoT Hub resource logs (Configurations, DeviceIdentityOperations, TwinQueries) for %s, "
                                    "diagnostic setting -> Event Hubs capture, {\"records\": [...]} (%d records)",
                                    month_str (lo), n);
            n_res_records_json += n;
          }
        emit_file (rel, out, "-", "resource-logs", n, desc);
      }
}

/* ------------------------------------------------------------------ */
/* planted.json, README.txt, import.list                               */
/* ------------------------------------------------------------------ */

typedef struct
{
  char      *rule;
  char      *subject;
  char      *detail;
  GPtrArray *evidence;
} Planted;

static GPtrArray *planted;

typedef struct
{
  char *tomasz_role;
  char *tomasz_model_start;
  char *tomasz_model_done;
  char *jonas_denied;
  char *jonas_role;
  char *jonas_listkeys;
  char *jonas_role_removed;
  char *diag_delete;
  char *diag_restore;
} KeyIds;

static KeyIds key_ids;

static void
capture_key_ids (void)
{
  key_ids.tomasz_role = g_strdup (act_evid (key_events.tomasz_role));
  key_ids.tomasz_model_start = g_strdup (act_evid (key_events.tomasz_model_start));
  key_ids.tomasz_model_done = g_strdup (act_evid (key_events.tomasz_model_done));
  key_ids.jonas_denied = g_strdup (act_evid (key_events.jonas_denied));
  key_ids.jonas_role = g_strdup (act_evid (key_events.jonas_role));
  key_ids.jonas_listkeys = g_strdup (act_evid (key_events.jonas_listkeys));
  key_ids.jonas_role_removed = g_strdup (act_evid (key_events.jonas_role_removed));
  key_ids.diag_delete = g_strdup (act_evid (key_events.diag_delete));
  key_ids.diag_restore = g_strdup (act_evid (key_events.diag_restore));
}

static Planted *
plant (const char *rule,
       char       *subject,
       char       *detail)
{
  Planted *p = g_new0 (Planted, 1);

  p->rule = g_strdup (rule);
  p->subject = subject;
  p->detail = detail;
  p->evidence = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (planted, p);
  return p;
}

static void
evidence (Planted    *p,
          const char *ev)
{
  if (ev != NULL)
    g_ptr_array_add (p->evidence, g_strdup (ev));
}

static char *
ev_ai (const Device *d,
       int           fam,
       gint64        t,
       const char  **model_version)
{
  gint64 v = 0;
  char *mv = NULL;
  char *r = NULL;

  if (build_ai_twin (d, 1 + fam, t, &v, &mv) != NULL)
    r = g_strdup_printf ("%s/%s@%" G_GINT64_FORMAT, d->id, families[fam].module, v);
  if (model_version != NULL)
    *model_version = mv;
  arena_reset (&tmp_arena);
  return r;
}

static char *
ev_agent (const Device *d,
          gint64        t)
{
  gint64 v = 0;
  char *r = NULL;

  if (build_agent_twin (d, t, &v) != NULL)
    r = g_strdup_printf ("%s/$edgeAgent@%" G_GINT64_FORMAT, d->id, v);
  arena_reset (&tmp_arena);
  return r;
}

static char *
ev_device (const Device *d,
           gint64        t)
{
  return g_strdup_printf ("%s@%d", d->id, device_twin_version (d, t));
}

static void
evidence_take (Planted *p,
               char    *ev)
{
  if (ev != NULL)
    g_ptr_array_add (p->evidence, ev);
}

static int
snapshot_k (int y,
            int m)
{
  return (y - 2025) * 12 + (m - 1) - FIRST_SNAPSHOT_MONTH;
}

static gint64
last_snapshot (int hub)
{
  return snapshot_time (hub, N_SNAPSHOTS - 1);
}

static void
build_planted (void)
{
  guint i;
  Planted *p;

  planted = g_ptr_array_new ();

  /* unapproved-deployer: model version written by a non-approved principal. */
  {
    const MVersion *mv = &mversions[find_mversion (F_ANOMALY, "2.2.0")];

    p = plant ("unapproved-deployer", g_strdup ("model anomaly-vibration:2.2.0"),
               g_strdup_printf ("Model version written to %s by %s (%s), who is not on approved_deployers "
                                "(AzureML Data Scientist since 2025-11-24); it was then rolled out on attest-demo-eus and "
                                "attest-demo-sea by the pipeline.", WORKSPACE, principals[P_TOMASZ].display,
                                principals[P_TOMASZ].upn));
    evidence (p, mv->arm_id);
    evidence (p, key_ids.tomasz_model_start);
    evidence (p, key_ids.tomasz_model_done);
    evidence (p, key_ids.tomasz_role);
    evidence (p, "anomaly-2-2-0-fleet-eus@MQ==");
    evidence (p, "anomaly-2-2-0-fleet-sea@MQ==");
  }

  /* unapproved-deployer: deployment created by a plant engineer. */
  {
    const Dep *dp = &deps[find_dep ("ppe-1-3-0-pilot-eus")];

    p = plant ("unapproved-deployer", g_strdup_printf ("deployment %s", dp->id),
               g_strdup_printf ("Edge deployment created on %s by %s (labels.createdBy), who is not on approved_deployers; "
                                "he fetched the iothubowner keys minutes before (listkeys) after being denied on 2026-05-18 "
                                "and granted Contributor on the hub on 2026-05-20.", ts (dp->t_created, TS_0Z),
                                principals[P_JONAS].upn));
    evidence (p, "ppe-1-3-0-pilot-eus@MQ==");
    evidence (p, key_ids.jonas_listkeys);
    evidence (p, key_ids.jonas_role);
    evidence (p, key_ids.jonas_denied);
  }

  /* no-canary */
  {
    const Dep *dp = &deps[find_dep ("thermal-1-2-0-fleet-sea")];
    gint64 t = snapshot_time (H_SEA, snapshot_k (2026, 4));
    DepCounts c;
    int n = 0;

    dep_counts (dp, dp->t_applied + TPD, &c);
    p = plant ("no-canary", g_strdup_printf ("deployment %s", dp->id),
               g_strdup_printf ("thermal-hotspot 1.2.0 went straight to every thermal device of attest-demo-sea "
                                "(targetedCount %d, target \"%s\") on %s; no canary configuration for 1.2.0 ever existed.",
                                c.targeted, dp->target[0], ts (dp->t_created, TS_0Z)));
    evidence (p, "thermal-1-2-0-fleet-sea@MQ==");
    for (i = 0; i < hub_devices[H_SEA]->len && n < 4; i++)
      {
        const Device *d = g_ptr_array_index (hub_devices[H_SEA], i);
        const char *mv = NULL;
        char *ev = ev_ai (d, F_THERMAL, t, &mv);

        if (ev != NULL && mv != NULL && strcmp (mv, "1.2.0") == 0)
          {
            evidence_take (p, ev);
            n++;
          }
        else
          g_free (ev);
      }
  }

  /* twin-drift */
  {
    const Dep *dp = &deps[find_dep ("anomaly-2-3-0-fleet-sea")];
    gint64 t1 = snapshot_time (H_SEA, snapshot_k (2026, 6));
    gint64 t2 = snapshot_time (H_SEA, snapshot_k (2026, 7));
    int n = 0;

    p = plant ("twin-drift", g_strdup ("anomaly-vibration 2.3.0 on attest-demo-sea (site penang)"), NULL);
    evidence (p, "anomaly-2-3-0-fleet-sea@MQ==");
    for (i = 0; i < hub_devices[H_SEA]->len; i++)
      {
        const Device *d = g_ptr_array_index (hub_devices[H_SEA], i);
        const char *mv1 = NULL, *mv2 = NULL;
        char *e1, *e2;

        if (!(d->flags & DV_DRIFT))
          continue;
        e1 = ev_ai (d, F_ANOMALY, t1, &mv1);
        e2 = ev_ai (d, F_ANOMALY, t2, &mv2);
        if (mv1 == NULL || strcmp (mv1, "2.3.0") == 0 || mv2 == NULL || strcmp (mv2, "2.3.0") == 0)
          g_warning ("drift device %s does not drift (%s, %s)", d->id, mv1 ? mv1 : "-", mv2 ? mv2 : "-");
        evidence_take (p, e1);
        evidence_take (p, e2);
        evidence_take (p, ev_agent (d, t1));
        n++;
      }
    p->detail = g_strdup_printf ("%s (%s) sets model 2.3.0; %d Penang devices keep reporting 2.2.0 in the 2026-06-01 and "
                                 "2026-07-01 snapshots (edgeAgent lastDesiredStatus 500: image pull unauthorized) until "
                                 "the ACR firewall was fixed on 2026-07-03 - about seven weeks.",
                                 dp->id, ts (dp->t_created, TS_0Z), n);
  }

  /* unregistered-model */
  {
    const Dep *dp = &deps[find_dep ("defect-3-2-2-canary-eus")];
    gint64 t = last_snapshot (H_EUS);
    int n = 0;

    p = plant ("unregistered-model", g_strdup ("model defect-detector:3.2.2"), NULL);
    evidence (p, "defect-3-2-2-canary-eus@MQ==");
    for (i = 0; i < hub_devices[H_EUS]->len; i++)
      {
        const Device *d = g_ptr_array_index (hub_devices[H_EUS], i);
        const char *mv = NULL;
        char *ev = ev_ai (d, F_DEFECT, t, &mv);

        if (ev != NULL && mv != NULL && strcmp (mv, "3.2.2") == 0)
          {
            evidence_take (p, ev);
            n++;
          }
        else
          g_free (ev);
      }
    p->detail = g_strdup_printf ("A hotfix image defect-detector:3.2.2 was deployed by %s (%s) and is reported by %d canary "
                                 "devices up to the last snapshot; no aml/ file has a 3.2.2 model version.",
                                 dp->id, principals[P_MALIK].upn, n);
  }

  /* residency (a): the eastus pilot. */
  {
    gint64 t = snapshot_time (H_EUS, snapshot_k (2026, 7));
    int n = 0;

    p = plant ("residency", g_strdup ("model ppe-compliance:1.3.0 on attest-demo-eus (eastus)"), NULL);
    evidence (p, "ppe-1-3-0-pilot-eus@MQ==");
    for (i = 0; i < hub_devices[H_EUS]->len; i++)
      {
        const Device *d = g_ptr_array_index (hub_devices[H_EUS], i);
        char *ev = ev_ai (d, F_PPE, t, NULL);

        if (ev != NULL)
          {
            evidence_take (p, ev);
            n++;
          }
      }
    p->detail = g_strdup_printf ("ppe-compliance is tagged dataClass=eu-restricted and trained on people-frames-eu "
                                 "(dataClass=eu-restricted), but ppe-1-3-0-pilot-eus runs it on %d devices of the eastus hub "
                                 "(tags.region=eastus).", n);
  }

  /* residency (b): a camera moved to the UK. */
  for (i = 0; i < hub_devices[H_WEU]->len; i++)
    {
      const Device *d = g_ptr_array_index (hub_devices[H_WEU], i);
      gint64 t = snapshot_time (H_WEU, snapshot_k (2026, 2));

      if (!(d->flags & DV_MOVED_UK))
        continue;
      p = plant ("residency", g_strdup_printf ("device %s", d->id),
                 g_strdup_printf ("Tags changed on %s to site=birmingham, region=uksouth (outside the allowed EU regions); "
                                  "the device keeps running ppe-compliance (EU-only training data).",
                                  ts (d->site_changed, TS_0Z)));
      evidence_take (p, ev_device (d, t));
      evidence_take (p, ev_ai (d, F_PPE, t, NULL));
      evidence_take (p, ev_ai (d, F_PPE, last_snapshot (H_WEU), NULL));
    }

  /* undocumented-model */
  {
    const MVersion *mv = &mversions[find_mversion (F_THERMAL, "1.1.0")];

    p = plant ("undocumented-model", g_strdup ("model thermal-hotspot:1.1.0"),
               g_strdup ("Deployed fleet-wide on attest-demo-weu and attest-demo-sea, but the model version has no "
                         "model_card and no approver tag."));
    evidence (p, mv->arm_id);
    evidence (p, "thermal-1-1-0-fleet-weu@MQ==");
    evidence (p, "thermal-1-1-0-fleet-sea@MQ==");
    mv = &mversions[find_mversion (F_OCR, "1.2.0")];
    p = plant ("undocumented-model", g_strdup ("model ocr-reader:1.2.0"),
               g_strdup ("Deployed fleet-wide on attest-demo-weu, but the model version has no training_data tag "
                         "(lineage is only available through jobName)."));
    evidence (p, mv->arm_id);
    evidence (p, "ocr-1-2-0-fleet-weu@MQ==");
  }

  /* weak-identity */
  for (i = 0; i < devices->len; i++)
    {
      const Device *d = g_ptr_array_index (devices, i);

      if (!(d->flags & DV_WEAK))
        continue;
      p = plant ("weak-identity", g_strdup_printf ("device %s", d->id),
                 g_strdup ("authenticationType sas (symmetric key) on a device tagged dataClass=eu-restricted; the "
                           "assumed policy requires X.509 (selfSigned or certificateAuthority) for eu-restricted devices."));
      evidence_take (p, ev_device (d, last_snapshot (d->hub)));
    }

  /* stale-device */
  for (i = 0; i < devices->len; i++)
    {
      const Device *d = g_ptr_array_index (devices, i);
      gint64 t = last_snapshot (d->hub);
      g_autoptr (GString) why = g_string_new (NULL);

      if (!dev_alive (d, t_now))
        continue;
      if (d->online_from == T_NEVER)
        g_string_append_printf (why, "registered on %s but never connected (lastActivityTime 0001-01-01T00:00:00Z)",
                                date_str (d->created));
      else if (d->stale_since < t_now - 30 * TPD)
        g_string_append_printf (why, "no activity since %s (%" G_GINT64_FORMAT " days before 2026-10-31)",
                                ts (d->stale_since, TS_0Z), (t_now - d->stale_since) / TPD);
      if (d->rt_old != NULL)
        g_string_append_printf (why, "%sedgeAgent reports runtime %s (< 1.4)", why->len > 0 ? "; " : "", d->rt_old);
      if (why->len == 0)
        continue;
      p = plant ("stale-device", g_strdup_printf ("device %s", d->id), g_strdup (why->str));
      evidence_take (p, ev_device (d, t));
      evidence_take (p, ev_agent (d, t));
      arena_reset (&tmp_arena);
    }

  /* missing-audit */
  {
    const Dep *dp = &deps[find_dep ("thermal-1-1-0-fleet-sea")];

    p = plant ("missing-audit", g_strdup_printf ("deployment %s", dp->id),
               g_strdup_printf ("Configuration updated at %s (metrics added: etag Mg==, lastUpdatedTimeUtc) while the "
                                "diagnostic setting of attest-demo-sea was deleted (%s) and not yet restored (%s): "
                                "no UpdateConfiguration resource-log record exists for it.",
                                ts (dp->t_upd, TS_0Z), ts (diag_gap_start, TS_0Z), ts (diag_gap_end, TS_0Z)));
    evidence (p, "thermal-1-1-0-fleet-sea@Mg==");
    evidence (p, key_ids.diag_delete);
    evidence (p, key_ids.diag_restore);
  }

  /* performance-regression */
  {
    gint64 t_new = snapshot_time (H_EUS, snapshot_k (2026, 3));
    gint64 t_old = snapshot_time (H_EUS, snapshot_k (2026, 2));
    int v_new = find_mversion (F_PERSON, "2.0.0"), v_old = find_mversion (F_PERSON, "1.6.0");
    double sum_new = 0, sum_old = 0, min_old = 1.0;
    int n_new = 0, n_old = 0, below = 0;
    int pass;

    p = plant ("performance-regression", g_strdup ("model person-counter:2.0.0"), NULL);
    for (pass = 0; pass < 2; pass++)
      for (i = 0; i < hub_devices[H_EUS]->len; i++)
        {
          const Device *d = g_ptr_array_index (hub_devices[H_EUS], i);
          gint64 t = pass == 0 ? t_old : t_new;
          const AEv *a = app_event_at (d, t);
          int s = 1 + F_PERSON;
          Metrics m;
          gint64 last;

          if (a == NULL || !dev_alive (d, t) || a->run[s] != (pass == 0 ? v_old : v_new))
            continue;
          last = ai_last_report (d, s, a, t, NULL);
          field_metrics (d, s, a->run[s], a->run_since[s], last, &m);
          if (pass == 0)
            {
              sum_old += m.accuracy;
              n_old++;
              min_old = MIN (min_old, m.accuracy);
            }
          else
            {
              sum_new += m.accuracy;
              n_new++;
              if (m.accuracy < min_old)
                below++;
              evidence_take (p, ev_ai (d, F_PERSON, t, NULL));
            }
        }
    evidence (p, "person-2-0-0-fleet-eus@MQ==");
    evidence (p, "person-1-6-0-rollback-eus@MQ==");
    p->detail = g_strdup_printf ("In the 2026-03-01 snapshot %d of %d devices running 2.0.0 report accuracy below the worst "
                                 "1.6.0 device of 2026-02-01 (mean %.3f vs %.3f, offline eval said 0.944); latency is also ~22%% "
                                 "higher. Rolled back by person-1-6-0-rollback-eus on 2026-03-09.",
                                 below, n_new, n_new ? sum_new / n_new : 0.0, n_old ? sum_old / n_old : 0.0);
  }
}

static void
write_planted (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  JVal *root = j_obj ();
  JVal *arr, *pol, *pr, *notes;
  guint i, k;

  j_put_s (root, "generator", "attest-demo-gen");
  j_put_i (root, "seed", (gint64) opt_seed);
  j_put (root, "scale", j_dbl (opt_scale, 4));
  j_put_s (root, "now", ts (t_now, TS_0Z));
  arr = j_put_a (root, "approved_deployers");
  for (i = 0; i < N_PRINCIPALS; i++)
    if (principals[i].approved)
      j_add (arr, j_str (caller_of ((int) i)));
  pr = j_put_a (root, "principals");
  for (i = 0; i < N_PRINCIPALS; i++)
    {
      const Principal *pp = &principals[i];
      JVal *o = j_add (pr, j_obj ());

      j_put_s (o, "caller", caller_of ((int) i));
      j_put_s (o, "displayName", pp->display);
      j_put_s (o, "type", pp->sp ? "ServicePrincipal" : "User");
      j_put_s (o, "objectId", pp->object_id.s);
      if (pp->sp)
        j_put_s (o, "appId", pp->app_id.s);
      j_put_s (o, "role", pp->role);
      j_put_b (o, "approved", pp->approved);
    }
  pol = j_put_o (root, "policy_assumptions");
  {
    JVal *a = j_put_a (pol, "eu_restricted_allowed_regions");

    j_add (a, j_str ("westeurope"));
    j_add (a, j_str ("northeurope"));
    j_add (a, j_str ("germanywestcentral"));
    j_add (a, j_str ("francecentral"));
    j_put_s (pol, "x509_required_for", "tags.dataClass = 'eu-restricted'");
    j_put_i (pol, "stale_after_days", 30);
    j_put_s (pol, "min_edge_runtime", "1.4");
    a = j_put_a (pol, "required_model_tags");
    j_add (a, j_str ("model_card"));
    j_add (a, j_str ("training_data"));
    j_add (a, j_str ("approver"));
    j_put_s (pol, "model_data_class", "model version tag dataClass, or tags.dataClass of its training data asset");
    j_put_s (pol, "twin_drift_after", "P14D");
  }
  arr = j_put_a (root, "planted");
  for (i = 0; i < planted->len; i++)
    {
      Planted *p = g_ptr_array_index (planted, i);
      JVal *o = j_add (arr, j_obj ());
      JVal *ev;

      j_put_s (o, "rule", p->rule);
      j_put_s (o, "subject", p->subject);
      j_put_s (o, "detail", p->detail);
      ev = j_put_a (o, "evidence");
      for (k = 0; k < p->evidence->len; k++)
        j_add (ev, j_str (g_ptr_array_index (p->evidence, k)));
    }
  notes = j_put_a (root, "notes");
  j_add (notes, j_str ("Evidence forms: deviceId/moduleId@twinVersion (module twin in a modules-*.json snapshot), "
                       "deviceId@twinVersion (device twin), configurationId@etag (deployments-*.json), eventDataId "
                       "(activity log), ARM ids (aml/ files)."));
  j_add (notes, j_str ("Side effects that a correct rule may also report: stale and never-connected devices keep old "
                       "reported model versions while desired moves on (twin-drift); deleted devices disappear from later "
                       "snapshots; person-1-6-0-rollback-eus is a fleet-wide configuration without its own canary, but "
                       "1.6.0 had run fleet-wide before; ppe-1-3-0-pilot-eus is a small pilot, not a fleet rollout."));
  j_add (notes, j_str ("Configuration ids cannot contain '.', so versions appear with dashes (defect-3-2-1-fleet-weu); "
                       "labels.model/modelVersion and the module image tag carry the dotted version."));
  j_add (notes, j_str ("Resource-log records carry no event id; match Configurations records to configuration versions by "
                       "hub (resourceId, case-insensitive), configurationId and time (record time is up to 1 s before "
                       "createdTimeUtc/lastUpdatedTimeUtc; Configurations records have whole-second times)."));
  j_append_doc (out, root, &J_REST_PRETTY);
  emit_file ("planted.json", out, "-", "meta", (int) planted->len, "planted governance problems and the approved-deployer list");
}

static void
write_import_list (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint i;
  int n = 0;

  for (i = 0; i < out_files->len; i++)
    {
      const OutFile *f = g_ptr_array_index (out_files, i);

      if (strcmp (f->kind, "meta") == 0)
        continue;
      g_string_append_printf (out, "%s %s\n", f->hub, f->path);
      n++;
    }
  emit_file ("import.list", out, "-", "meta", n, "one line per data file: <hub or -> <relative path>");
}

static void
write_readme (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint i;
  int h;

  g_string_append_printf (out,
    "Attest demo fleet\n"
    "=================\n\n"
    "Generated by attest-demo-gen --seed %" G_GINT64_FORMAT " --scale %s. Deterministic: the same seed gives\n"
    "byte-identical files. \"Now\" is fixed at 2026-10-31T23:00:00Z; the history covers\n"
    "2025-05-01 .. 2026-10-31 (deployments and resource logs start in April 2025, when the fleet\n"
    "was rolled out and the diagnostic settings were enabled).\n\n"
    "Everything is fictitious. Keys and passwords are placeholders (PRIMARYKEY, ACCOUNTKEY,\n"
    "ACRPASSWORD, SHAREDACCESSKEY); IP addresses are from documentation ranges.\n\n"
    "Context\n"
    "-------\n"
    "Tenant %s, subscription %s.\n"
    "IoT hubs (resource group %s):\n",
    (gint64) opt_seed, fmt_fixed (opt_scale, 4), TENANT_ID, SUBSCRIPTION_ID, RG_EDGE);
  for (h = 0; h < N_HUBS; h++)
    g_string_append_printf (out, "  %-16s %-14s %s\n", hubs[h].name, hubs[h].location, hubs[h].arm_id);
  g_string_append_printf (out,
    "Azure ML workspace %s (resource group %s); container registry %s.\n"
    "Device ids: <cam|thm|gw>-<hub code>-NNNN. Tags: site, region, dataClass, line, ring, workload.\n"
    "Module names: defectdetector, personcounter, ocrreader, anomalyvibration, ppecompliance,\n"
    "thermalhotspot; each reports properties.reported.model.{name,version} and .metrics.\n"
    "Deployment ids: base-runtime-<1-4|1-5>-<hub code> (full $edgeAgent/$edgeHub content) and\n"
    "<family>-<version with dashes>-<canary|fleet|rollback|pilot>-<hub code> (layered, dotted keys).\n\n"
    "Importing\n"
    "---------\n"
    "import.list has one line per data file: \"<hub> <path>\". Twin query results and deployment\n"
    "lists do not name their hub, so pass it:  attest-cli import --hub <hub> <path>.  \"-\" means the\n"
    "file carries its own context (resourceId, ARM ids, state-export ARM template).\n"
    "Snapshots are monthly (1st of the month, ~06:00Z); a twin whose content did not change keeps\n"
    "its version, so re-importing overlapping snapshots deduplicates. As in IoT Hub,\n"
    "lastActivityTime and connectionState may change without a version change (device twins\n"
    "every month, module twins when a device goes quiet between two reports).\n"
    "The CSV export overlaps the REST pages and the az file (same eventDataId twice must\n"
    "deduplicate); events of 2026-08-20..21 exist only in the CSV.\n\n"
    "planted.json lists the governance problems planted on purpose, with evidence ids.\n\n"
    "Files\n"
    "-----\n",
    WORKSPACE, RG_ML, ACR_HOST);
  for (i = 0; i < out_files->len; i++)
    {
      const OutFile *f = g_ptr_array_index (out_files, i);

      g_string_append_printf (out, "%s  [%s, %d records, %" G_GSIZE_FORMAT " bytes]\n    %s\n",
                              f->path, f->hub, f->records, f->size, f->desc);
    }
  g_string_append (out, "planted.json\n    planted governance problems and the approved-deployer list\n"
                        "import.list\n    import order and hub per file\n"
                        "README.txt\n    this file\n");
  emit_file ("README.txt", out, "-", "meta", 0, "this file");
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  gint64 seed_arg = 42;
  double scale_arg = 1.0;
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed_arg, "PRNG seed (default 42)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale_arg, "Multiply the number of audit events (default 1.0)", "F" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("OUTDIR");
  g_autoptr (GError) error = NULL;
  Rng dep_rng;
  int target, scripted, remaining, n_act_noise, n_res_noise;
  guint i;

  g_option_context_set_summary (ctx, "Write the deterministic Attest demo fleet into OUTDIR.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("attest-demo-gen: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || scale_arg <= 0 || scale_arg > 100)
    {
      g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);

      g_printerr ("%s", help);
      return 2;
    }
  opt_seed = (guint64) seed_arg;
  opt_scale = scale_arg;
  out_dir = argv[1];
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_printerr ("attest-demo-gen: cannot create %s\n", out_dir);
      return 2;
    }

  t_now = mkt (2026, 10, 31, 23, 0, 0);
  t_window_start = mkt (2025, 5, 1, 0, 0, 0);
  out_files = g_ptr_array_new ();
  distinct_twin_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  distinct_dep_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  act_events = g_array_new (FALSE, TRUE, sizeof (ActEv));
  res_records = g_array_new (FALSE, TRUE, sizeof (ResRec));
  rng_init (&act_rng, "activity");
  rng_init (&dep_rng, "deployments");

  init_principals ();
  init_hubs ();
  init_deps (&dep_rng);
  init_aml ();
  generate_devices ();
  simulate ();

  generate_scripted_audit ();
  capture_key_ids ();
  target = (int) (50000.0 * opt_scale + 0.5);
  scripted = n_scripted_act + n_scripted_res;
  remaining = MAX (0, target - scripted);
  n_act_noise = (remaining * 10 / 100) & ~1;
  n_res_noise = remaining - n_act_noise;
  generate_noise (n_act_noise, n_res_noise);

  write_aml ();
  write_deployment_lists ();
  write_twin_snapshots ();
  write_state_exports ();
  write_resource_logs ();
  write_activity_log ();
  build_planted ();
  write_planted ();
  write_import_list ();
  write_readme ();

  g_print ("attest-demo-gen: seed %" G_GINT64_FORMAT ", scale %s: %d hubs, %u devices, %d deployments (%u versions), "
           "%d model versions, %u jobs, %u data versions, %u module-twin versions, %u audit events "
           "(%d activity REST, %d az, %d JSONL, %d CSV rows; %d resource-log records), %u planted, %u files, %.1f MB in %s\n",
           (gint64) opt_seed, fmt_fixed (opt_scale, 4), N_HUBS, devices->len, N_DEPS, g_hash_table_size (distinct_dep_versions),
           n_registered_versions, jobs->len, data_versions->len, g_hash_table_size (distinct_twin_versions),
           act_events->len + res_records->len, n_act_rest, n_act_az, n_act_jsonl, n_act_csv,
           n_res_records_json + n_res_records_jsonl, planted->len, out_files->len,
           (double) out_total / (1024.0 * 1024.0), out_dir);

  for (i = 0; i < out_files->len; i++)
    {
      OutFile *f = g_ptr_array_index (out_files, i);

      g_free (f->path);
      g_free (f->hub);
      g_free (f->desc);
      g_free (f);
    }
  g_ptr_array_unref (out_files);
  arena_reset (&tmp_arena);
  arena_reset (&perm_arena);
  return 0;
}
