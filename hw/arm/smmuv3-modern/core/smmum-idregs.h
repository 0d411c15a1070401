/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: what the ID registers imply (address sizes,
 * granules), shared by the STE and CD decoders and the walker.
 */
#ifndef SMMUM_IDREGS_H
#define SMMUM_IDREGS_H

#include <stdbool.h>

#include "smmum-meaning.h"

/* IDR5.OAS / CD.IPS / STE.S2PS encoding to bits (32..52). */
unsigned smmum_pa_bits(unsigned enc);
/* Output address size from IDR5.OAS, in bits. */
unsigned smmum_idr_oas(const SmmumIdRegs *idr);
/* Input address size the ID registers imply (IAS, in bits). */
unsigned smmum_idr_ias(const SmmumIdRegs *idr);
/* Is a translation granule of 2^shift bytes implemented (IDR5.GRANxx)? */
bool smmum_idr_granule(const SmmumIdRegs *idr, unsigned shift);

#endif
