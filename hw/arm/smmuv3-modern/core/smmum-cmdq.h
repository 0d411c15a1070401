/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: command queue (IHI 0070 4).
 */
#ifndef SMMUM_CMDQ_H
#define SMMUM_CMDQ_H

#include "smmum-core.h"
#include "smmum-iotlb.h"

/*
 * IOTLB invalidation entry point: called for every consumed CMD_TLBI_*
 * with its decoded fields (TG/TTL/NUM/SCALE are 0 unless IDR3.RIL).
 */
void smmum_tlbi(SmmumCore *s, const SmmumTlbi *t);

#endif
