/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue of the maintenance checker (core/smmum-maint.h).
 * Parses the maint-* properties, installs the checker as the core's IOTLB
 * observer, writes its records into the tear report (tear-report=FILE),
 * records its inputs into the tear trace (tear-trace=FILE, replayed by
 * tools/smmum-replay), applies tear-action / tear-severity to them,
 * exposes counters to QOM and prints a summary line when QEMU exits.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "smmuv3-modern-internal.h"

static uint64_t maint_now(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void maint_record(void *opaque, const SmmumMaintRecord *rec)
{
    SMMUv3ModernState *s = opaque;
    g_autofree char *line = NULL;

    if (s->tear_report) {
        g_autofree char *json = smmum_maint_record_to_json(rec);

        fprintf(s->tear_report, "%s\n", json);
        fflush(s->tear_report);
    }
    if (rec->sev == SMMUM_TEAR_SEV_INFO || rec->sev < s->tear_severity) {
        return;
    }
    line = smmum_maint_record_describe(rec);
    smmuv3_modern_tear_alert(s, line);
}

static void maint_finish(SMMUv3ModernState *s)
{
    SmmumMaintCounters c;
    g_autofree char *sum = NULL;

    if (!s->maint || s->maint_finished) {
        return;
    }
    s->maint_finished = true;
    if (s->maint_trace) {
        smmum_maint_trace_finish(s->maint_trace);   /* and maint-exit */
    } else {
        smmum_maint_finish(s->maint);
    }
    smmum_maint_get_counters(s->maint, &c);
    sum = smmum_maint_summary(&c);
    fprintf(stderr, "%s: maint check: %s\n", TYPE_ARM_SMMUV3_MODERN, sum);
    if (s->tear_report) {
        g_autofree char *json = smmum_maint_summary_to_json(&c);

        fprintf(s->tear_report, "%s\n", json);
        fflush(s->tear_report);
    }
    if (s->maint_owns_report && s->tear_report) {
        fclose(s->tear_report);
        s->tear_report = NULL;
    }
}

static void maint_exit_notify(Notifier *n, void *data)
{
    maint_finish(container_of(n, SMMUv3ModernState, maint_exit));
}

static uint64_t maint_counter(SMMUv3ModernState *s,
                              const SMMUv3ModernCounterProp *p)
{
    SmmumMaintCounters c;
    uint64_t v = 0;

    if (!s->maint) {
        return 0;
    }
    smmum_maint_get_counters(s->maint, &c);
    if (p->off != COUNTER_SUM) {
        return smmuv3_modern_counter_at(&c, p);
    }
    for (int k = 0; k < SMMUM_MAINT__MAX; k++) {
        v += c.records[k];
    }
    return v;
}

#define MAINT(n, d, f) { n, d, maint_counter, \
                         offsetof(SmmumMaintCounters, f) }

/* QOM counters: "maint-counter-<name>". */
static const SMMUv3ModernCounterProp maint_counter_props[] = {
    { "findings", "maintenance findings (all kinds)", maint_counter,
      COUNTER_SUM },
    MAINT("stale", "stale-translation findings", records[SMMUM_MAINT_STALE]),
    MAINT("missing", "missing-tlb-maintenance findings",
          records[SMMUM_MAINT_MISSING]),
    MAINT("late", "dma-before-invalidation findings",
          records[SMMUM_MAINT_LATE]),
    MAINT("fq", "fq-use-after-unmap findings", records[SMMUM_MAINT_FQ]),
    MAINT("bbm", "break-before-make findings", records[SMMUM_MAINT_BBM]),
    MAINT("leaf", "leaf-tlbi-of-table findings", records[SMMUM_MAINT_LEAF]),
    MAINT("atc-missing", "atc-inv-missing findings",
          records[SMMUM_MAINT_ATC_MISSING]),
    MAINT("atc-late", "ats-use-before-atc-inv findings",
          records[SMMUM_MAINT_ATC_LATE]),
    MAINT("ats-uncovered", "ats-translated-uncovered findings",
          records[SMMUM_MAINT_ATS_UNCOVERED]),
    MAINT("ats-enable", "ats-enabled-before-eats findings",
          records[SMMUM_MAINT_ATS_ENABLE]),
    MAINT("ats-disable", "eats-cleared-before-ats-disable findings",
          records[SMMUM_MAINT_ATS_DISABLE]),
    MAINT("entries", "IOTLB entries tracked", entries),
    MAINT("hits", "DMA served from the IOTLB and checked", hits),
    MAINT("descs-read", "descriptors re-read", descs_read),
    MAINT("tlbis", "TLBI commands seen", tlbis),
    MAINT("syncs", "CMD_SYNCs completing TLBIs", syncs),
    MAINT("neighbours", "entries re-checked at those SYNCs", neighbours),
    MAINT("maintained", "changed entries invalidated before any DMA used "
          "them", maintained),
    MAINT("conflicts", "transactions terminated with F_TLB_CONFLICT",
          conflicts),
    MAINT("ats-granted", "ATS translations tracked", ats_granted),
    MAINT("atc-invs", "CMD_ATC_INV seen", atc_invs),
    MAINT("translated", "ATS Translated transactions checked", translated),
    MAINT("ats-enables", "endpoint ATS Enable set, order checked",
          ats_enables),
    MAINT("ats-disables", "endpoint ATS Enable cleared, order checked",
          ats_disables),
    MAINT("ats-cfgis", "CMD_CFGI_STE* of StreamIDs with ATS enabled, "
          "checked", ats_cfgis),
};

void smmuv3_modern_maint_add_props(Object *obj)
{
    smmuv3_modern_add_counter_props(obj, "maint-counter-",
                                    maint_counter_props,
                                    ARRAY_SIZE(maint_counter_props));
}

bool smmuv3_modern_maint_realize(SMMUv3ModernState *s, Error **errp)
{
    const char *mode = s->maint_check_str ?: "off";
    SmmumMaintParams params;
    SmmumMaintHost host = {
        .opaque = s,
        .read = s->core.host.dma_read,   /* the SMMU's own view of memory */
        .now = maint_now,
        .record = maint_record,
    };
    SmmumTlbObserver obs;
    g_autofree char *err = NULL;

    if (strcmp(mode, "off") && strcmp(mode, "on")) {
        error_setg(errp, "%s: maint-check=%s is not valid",
                   TYPE_ARM_SMMUV3_MODERN, mode);
        error_append_hint(errp, "Valid values: off on\n");
        return false;
    }
    smmum_maint_params_default(&params);
    err = smmum_maint_checks_parse(&params, s->maint_checks_str);
    if (err) {
        error_setg(errp, "%s: maint-checks=%s: %s", TYPE_ARM_SMMUV3_MODERN,
                   s->maint_checks_str, err);
        return false;
    }
    if (!strcmp(mode, "off")) {
        if (s->maint_conflict) {
            warn_report("%s: maint-tlb-conflict is ignored with "
                        "maint-check=off", TYPE_ARM_SMMUV3_MODERN);
        }
        return true;
    }
    if (!s->tear_report && s->tear_report_path) {
        /* tear-check=off: the report is the checker's alone. */
        if (!smmuv3_modern_tear_report_open(s, errp)) {
            return false;
        }
        s->maint_owns_report = true;
    }
    smmum_idregs_from_core(&s->core, &params.idr);
    params.conflict = s->maint_conflict;
    if (s->tear_trace) {
        /* tear-trace: its inputs go into the same trace */
        s->maint_trace = smmum_maint_trace_new(s->tear_trace, &params);
        smmum_maint_trace_wrap_host(s->maint_trace, &host);
    }
    s->maint = smmum_maint_new(&params, &host);
    smmum_maint_observer(s->maint, &obs);
    if (s->maint_trace) {
        smmum_maint_trace_attach(s->maint_trace, s->maint, &obs);
    }
    smmum_core_set_tlb_observer(&s->core, &obs);
    /* Registered after the tear checker's: runs before it closes the file. */
    s->maint_exit.notify = maint_exit_notify;
    qemu_add_exit_notifier(&s->maint_exit);
    return true;
}

void smmuv3_modern_maint_unrealize(SMMUv3ModernState *s)
{
    if (!s->maint) {
        return;
    }
    notifier_remove(&s->maint_exit);
    maint_finish(s);
    smmum_core_set_tlb_observer(&s->core, NULL);
    smmum_maint_trace_free(s->maint_trace);
    s->maint_trace = NULL;
    smmum_maint_free(s->maint);
    s->maint = NULL;
    if (!s->tear && s->tear_trace) {
        /* tear-check=off: the trace was this checker's alone */
        notifier_remove(&s->tear_exit);
        smmuv3_modern_tear_finish(s);
        smmum_trace_free(s->tear_trace);
        s->tear_trace = NULL;
    }
}
