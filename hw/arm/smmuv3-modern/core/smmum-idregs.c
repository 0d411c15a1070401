/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: what the ID registers imply.
 */
#include <glib.h>

#include "smmum-idregs.h"
#include "smmum-regs.h"

unsigned smmum_pa_bits(unsigned enc)
{
    static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

    return bits[enc & 7];
}

unsigned smmum_idr_oas(const SmmumIdRegs *idr)
{
    return smmum_pa_bits(SMMUM_EX(idr->idr[5], SMMUM_IDR5_OAS, 3));
}

unsigned smmum_idr_ias(const SmmumIdRegs *idr)
{
    unsigned oas = smmum_idr_oas(idr);

    /* With AArch32 (VMSAv8-32 LPAE) tables, IAS is at least 40 bits. */
    if (SMMUM_EX(idr->idr[0], SMMUM_IDR0_TTF, 2) & 1) {
        return MAX(40u, oas);
    }
    return oas;
}

bool smmum_idr_granule(const SmmumIdRegs *idr, unsigned shift)
{
    switch (shift) {
    case 12:
        return SMMUM_EX(idr->idr[5], SMMUM_IDR5_GRAN4K, 1);
    case 14:
        return SMMUM_EX(idr->idr[5], SMMUM_IDR5_GRAN16K, 1);
    case 16:
        return SMMUM_EX(idr->idr[5], SMMUM_IDR5_GRAN64K, 1);
    default:
        return false;
    }
}
