/* attest-digest-stream.c: an input stream that hashes what passes through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "attest-ingest"

#include "config.h"

#include <openssl/evp.h>

#include "attest-autocleanups.h"
#include "attest-digest-stream.h"

struct _AttestDigestStream
{
  GFilterInputStream  parent_instance;
  EVP_MD_CTX         *md;
  guint64             bytes;
};

G_DEFINE_FINAL_TYPE (AttestDigestStream, attest_digest_stream, G_TYPE_FILTER_INPUT_STREAM)

static gssize
attest_digest_stream_read (GInputStream  *stream,
                           void          *buffer,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  AttestDigestStream *self = ATTEST_DIGEST_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n = g_input_stream_read (base, buffer, count, cancellable, error);

  if (n > 0)
    {
      EVP_DigestUpdate (self->md, buffer, n);
      self->bytes += n;
    }
  return n;
}

static void
attest_digest_stream_finalize (GObject *object)
{
  AttestDigestStream *self = ATTEST_DIGEST_STREAM (object);

  EVP_MD_CTX_free (self->md);
  G_OBJECT_CLASS (attest_digest_stream_parent_class)->finalize (object);
}

static void
attest_digest_stream_class_init (AttestDigestStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = attest_digest_stream_finalize;
  stream_class->read_fn = attest_digest_stream_read;
}

static void
attest_digest_stream_init (AttestDigestStream *self)
{
  self->md = EVP_MD_CTX_new ();
  EVP_DigestInit_ex (self->md, EVP_sha256 (), NULL);
}

GInputStream *
attest_digest_stream_new (GInputStream *base)
{
  return g_object_new (ATTEST_TYPE_DIGEST_STREAM, "base-stream", base, NULL);
}

guint64
attest_digest_stream_get_bytes (AttestDigestStream *self)
{
  return self->bytes;
}

char *
attest_digest_stream_get_sha256 (AttestDigestStream *self)
{
  g_autoptr(EVP_MD_CTX) copy = EVP_MD_CTX_new ();
  guint8 out[32];
  unsigned int n = 32;
  GString *hex = g_string_sized_new (64);
  int i;

  EVP_MD_CTX_copy_ex (copy, self->md);
  EVP_DigestFinal_ex (copy, out, &n);
  for (i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", out[i]);
  return g_string_free (hex, FALSE);
}
