/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: what the model served (core/smmum-stats.h), as read-only
 * QOM properties "stat-<name>" (qom-get) and one line on stderr when QEMU
 * exits.
 */
#include "qemu/osdep.h"
#include "system/system.h"
#include "smmuv3-modern-internal.h"

static uint64_t stat_value(SMMUv3ModernState *s,
                           const SMMUv3ModernCounterProp *p)
{
    if (p->off == COUNTER_SUM) {
        return smmum_stats_faults(&s->core.stats);
    }
    return smmuv3_modern_counter_at(&s->core.stats, p);
}

#define STAT(n, d, f) { n, d, stat_value, offsetof(SmmumStats, f) }

static const SMMUv3ModernCounterProp stat_props[] = {
    STAT("translations", "transactions translated or bypassed", xlate_ok),
    STAT("aborted", "transactions terminated", xlate_abort),
    STAT("iotlb-hits", "transactions served from the IOTLB", iotlb_hits),
    STAT("walks", "transactions served by a table walk", walks),
    STAT("events", "event records written", events),
    STAT("events-lost", "event records not written (queue disabled, "
         "full or aborted)", events_lost),
    { "faults", "translation faults recorded (F_TRANSLATION, F_ADDR_SIZE, "
      "F_ACCESS, F_PERMISSION, F_WALK_EABT)", stat_value, COUNTER_SUM },
    STAT("cfgi", "CMD_CFGI_* consumed", cmd_cfgi),
    STAT("tlbi", "CMD_TLBI_* consumed", cmd_tlbi),
    STAT("sync", "CMD_SYNC completed", cmd_sync),
    STAT("atc-inv", "CMD_ATC_INV consumed", cmd_atc_inv),
    STAT("prefetch", "CMD_PREFETCH_* consumed", cmd_prefetch),
    STAT("command-errors", "commands that stopped the queue (CERROR)",
         cmd_errors),
};

void smmuv3_modern_stats_add_props(Object *obj)
{
    smmuv3_modern_add_counter_props(obj, "stat-", stat_props,
                                    ARRAY_SIZE(stat_props));
}

static void stats_exit_notify(Notifier *n, void *data)
{
    SMMUv3ModernState *s = container_of(n, SMMUv3ModernState, stats_exit);
    const SmmumStats *st = &s->core.stats;

    fprintf(stderr, "%s: served %" PRIu64 " transaction(s) (%" PRIu64
            " IOTLB hits, %" PRIu64 " walks), %" PRIu64 " terminated; "
            "%" PRIu64 " event(s) (%" PRIu64 " translation faults), %"
            PRIu64 " lost; commands: %" PRIu64 " CFGI, %" PRIu64 " TLBI, %"
            PRIu64 " SYNC, %" PRIu64 " ATC_INV, %" PRIu64 " PREFETCH, %"
            PRIu64 " other, %" PRIu64 " errors\n", TYPE_ARM_SMMUV3_MODERN,
            st->xlate_ok, st->iotlb_hits, st->walks, st->xlate_abort,
            st->events, smmum_stats_faults(st), st->events_lost,
            st->cmd_cfgi, st->cmd_tlbi, st->cmd_sync, st->cmd_atc_inv,
            st->cmd_prefetch, st->cmd_other, st->cmd_errors);
}

void smmuv3_modern_stats_realize(SMMUv3ModernState *s)
{
    s->stats_exit.notify = stats_exit_notify;
    qemu_add_exit_notifier(&s->stats_exit);
}
