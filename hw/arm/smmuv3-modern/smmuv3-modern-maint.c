/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue of the maintenance checker (core/smmum-maint.h).
 * Parses the maint-* properties, installs the checker as the core's IOTLB
 * observer, writes its records into the tear report (tear-report=FILE),
 * applies tear-action / tear-severity to them, exposes counters to QOM
 * and prints a summary line when QEMU exits.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
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
    smmum_maint_finish(s->maint);
    smmum_maint_get_counters(s->maint, &c);
    sum = smmum_maint_summary(&c);
    fprintf(stderr, "%s: maint check: %s\n", TYPE_ARM_SMMUV3_MODERN, sum);
    if (s->maint_owns_report && s->tear_report) {
        fclose(s->tear_report);
        s->tear_report = NULL;
    }
}

static void maint_exit_notify(Notifier *n, void *data)
{
    maint_finish(container_of(n, SMMUv3ModernState, maint_exit));
}

/* QOM counters: "maint-counter-<name>" read-only uint64 properties. */
static const SMMUv3ModernCounterProp maint_counter_props[] = {
    { "findings", "maintenance findings (all kinds)" },
    { "stale", "stale-translation findings" },
    { "missing", "missing-tlb-maintenance findings" },
    { "late", "dma-before-invalidation findings" },
    { "fq", "fq-use-after-unmap findings" },
    { "bbm", "break-before-make findings" },
    { "leaf", "leaf-tlbi-of-table findings" },
    { "atc-missing", "atc-inv-missing findings" },
    { "atc-late", "ats-use-before-atc-inv findings" },
    { "ats-uncovered", "ats-translated-uncovered findings" },
    { "entries", "IOTLB entries tracked" },
    { "hits", "DMA served from the IOTLB and checked" },
    { "descs-read", "descriptors re-read" },
    { "tlbis", "TLBI commands seen" },
    { "syncs", "CMD_SYNCs completing TLBIs" },
    { "neighbours", "entries re-checked at those SYNCs" },
    { "maintained", "changed entries invalidated before any DMA used them" },
    { "conflicts", "transactions terminated with F_TLB_CONFLICT" },
    { "ats-granted", "ATS translations tracked" },
    { "atc-invs", "CMD_ATC_INV seen" },
    { "translated", "ATS Translated transactions checked" },
};

static uint64_t maint_counter(SMMUv3ModernState *s, const char *name)
{
    SmmumMaintCounters c;
    uint64_t v = 0;

    if (!s->maint) {
        return 0;
    }
    smmum_maint_get_counters(s->maint, &c);
    for (int k = 0; k < SMMUM_MAINT__MAX; k++) {
        if (!strcmp(name, "findings")) {
            v += c.records[k];
        } else if (!strcmp(name, smmum_maint_check_name(k))) {
            return c.records[k];
        }
    }
    if (!strcmp(name, "entries")) {
        v = c.entries;
    } else if (!strcmp(name, "hits")) {
        v = c.hits;
    } else if (!strcmp(name, "descs-read")) {
        v = c.descs_read;
    } else if (!strcmp(name, "tlbis")) {
        v = c.tlbis;
    } else if (!strcmp(name, "syncs")) {
        v = c.syncs;
    } else if (!strcmp(name, "neighbours")) {
        v = c.neighbours;
    } else if (!strcmp(name, "maintained")) {
        v = c.maintained;
    } else if (!strcmp(name, "conflicts")) {
        v = c.conflicts;
    } else if (!strcmp(name, "ats-granted")) {
        v = c.ats_granted;
    } else if (!strcmp(name, "atc-invs")) {
        v = c.atc_invs;
    } else if (!strcmp(name, "translated")) {
        v = c.translated;
    }
    return v;
}

static void maint_counter_get(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    const SMMUv3ModernCounterProp *p = opaque;
    uint64_t val = maint_counter(ARM_SMMUV3_MODERN(obj), p->name);

    visit_type_uint64(v, name, &val, errp);
}

void smmuv3_modern_maint_add_props(Object *obj)
{
    smmuv3_modern_add_counter_props(obj, "maint-counter-",
                                    maint_counter_props,
                                    ARRAY_SIZE(maint_counter_props),
                                    maint_counter_get);
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
    s->maint = smmum_maint_new(&params, &host);
    smmum_maint_observer(s->maint, &obs);
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
    smmum_maint_free(s->maint);
    s->maint = NULL;
}
