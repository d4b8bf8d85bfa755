/* attest-types.h: forward declarations shared by every layer of attest-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AttestStore        AttestStore;
typedef struct _AttestStoreWriter  AttestStoreWriter;
typedef struct _AttestJsonDoc      AttestJsonDoc;
typedef struct _AttestJsonNode     AttestJsonNode;
typedef struct _AttestJsonStream   AttestJsonStream;
typedef struct _AttestImporter     AttestImporter;

G_END_DECLS
