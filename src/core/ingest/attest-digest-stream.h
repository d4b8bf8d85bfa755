/* attest-digest-stream.h: an input stream that hashes what passes through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ATTEST_TYPE_DIGEST_STREAM (attest_digest_stream_get_type ())
G_DECLARE_FINAL_TYPE (AttestDigestStream, attest_digest_stream, ATTEST, DIGEST_STREAM, GFilterInputStream)

GInputStream *attest_digest_stream_new        (GInputStream       *base);
guint64       attest_digest_stream_get_bytes  (AttestDigestStream *self);
/* SHA-256 of everything read so far, as lower-case hex. */
char         *attest_digest_stream_get_sha256 (AttestDigestStream *self);

G_END_DECLS
