/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: a snapshot of the model as one JSON object, for
 * inspection at any moment (the device's "state" property).
 *
 * What it holds: the registers (GERROR decoded), both queues, every STE
 * that is valid in the stream table or cached, each decoded by the
 * model's own decoder (smmum_ste_decode, smmum_cd_decode: the meaning
 * structs, field by field), the CDs those STEs reach, the configuration
 * cache and IOTLB contents and the tear checker's open windows.  Every
 * list is bounded; each says how many entries it left out.  Taking the
 * snapshot reads guest memory through the host's dma_read and changes
 * nothing: no cache entry is touched or filled and the observer (tear
 * checker) is not told about these reads.
 */
#ifndef SMMUM_INSPECT_H
#define SMMUM_INSPECT_H

#include "smmum-core.h"
#include "smmum-tear.h"

typedef struct SmmumInspectLimits {
    unsigned streams;       /* StreamIDs listed (0: default 64) */
    unsigned cds;           /* CDs per StreamID (0: default 16) */
    unsigned cache;         /* config-cache entries (0: default 64) */
    unsigned iotlb;         /* IOTLB entries (0: default 64) */
    unsigned windows;       /* tear-checker windows (0: default 64) */
    /* Table entries read from memory per snapshot (0: default 65536). */
    unsigned scan;
} SmmumInspectLimits;

/*
 * The snapshot as a JSON object on one line; g_free it.  tear may be
 * NULL (tear-check=off); lim may be NULL (defaults).
 */
char *smmum_inspect_json(SmmumCore *s, SmmumTear *tear,
                         const SmmumInspectLimits *lim);

#endif
