/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: functions shared between the core's own modules
 * (registers, queues, commands, events, stream table).  Not for hosts.
 */
#ifndef SMMUM_INT_H
#define SMMUM_INT_H

#include "smmum-core.h"

/* Activate GERROR bits (toggle those not already active) + IRQ/MSI. */
void smmum_gerror_raise(SmmumCore *s, uint32_t bits);
/*
 * Signal an interrupt: an MSI to cfg0/cfg1/cfg2 when IDR0.MSI and the
 * address is non-zero, else a pulse on the wired line.  A failed MSI
 * activates GERROR bit abt_bit.
 */
void smmum_signal(SmmumCore *s, SmmumIrq line, uint64_t cfg0, uint32_t cfg1,
                  uint32_t cfg2, uint32_t abt_bit);
/* Consume commands while CMDQEN=1 and no CMDQ_ERR is active. */
void smmum_cmdq_process(SmmumCore *s);

/* CMD_ATC_INV (smmum-ats.c); returns a CMDQ_CONS.ERR code. */
unsigned smmum_atc_inv_cmd(SmmumCore *s, const uint64_t c[2]);
/*
 * Did an ATC_INV since the last completed CMD_SYNC fail?  Clears the
 * condition: the CMD_SYNC about to complete fails instead.
 */
bool smmum_atc_sync_failed(SmmumCore *s);
/* ATS-enabled endpoints' StreamIDs covered by a CMD_CFGI (smmum-ats.c). */
void smmum_ats_cfgi(SmmumCore *s, const SmmumCfgi *f);

/* Tell the host every translation it holds may be stale. */
void smmum_notify_inval_all(SmmumCore *s);

/* The translation fast path's tables (smmum-pipeline.c). */
SmmumFast *smmum_fast_new(void);
void smmum_fast_free(SmmumFast *f);

/* Log2 of entries of the command / event queue and of the stream table. */
unsigned smmum_cmdq_log2size(const SmmumCore *s);
unsigned smmum_evtq_log2size(const SmmumCore *s);

#endif
