/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue of the tear checker.  Parses the tear-*
 * properties, feeds the checker from the core's observer hooks, writes the
 * JSON Lines report (and with tear-trace the trace of the checker's inputs
 * that tools/smmum-replay replays), applies tear-action, exposes counters
 * to QOM and prints a summary when QEMU exits.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "system/system.h"
#include "system/runstate.h"
#include "system/qtest.h"
#include "system/tcg.h"
#include "trace.h"
#include "smmuv3-modern-internal.h"

static void tear_get_regs(void *opaque, SmmumTearRegs *regs)
{
    SMMUv3ModernState *s = opaque;

    smmum_idregs_from_core(&s->core, &regs->idr);
    /* From a reset's enter phase on, nothing is reachable any more. */
    regs->smmuen = (s->core.cr0ack & SMMUM_CR0_SMMUEN) && !s->tear_in_reset;
    regs->strtab_base = s->core.strtab_base;
    regs->strtab_base_cfg = s->core.strtab_base_cfg;
}

/* Guest virtual time in ns: what dmesg's clock shows with CNTVOFF=0. */
static uint64_t tear_now(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

void smmuv3_modern_tear_alert(SMMUv3ModernState *s, const char *line)
{
    warn_report("%s: %s", TYPE_ARM_SMMUV3_MODERN, line);
    switch (s->tear_action) {
    case SMMUM_TEAR_ACTION_STOP:
        qemu_system_vmstop_request_prepare();
        qemu_system_vmstop_request(RUN_STATE_PAUSED);
        break;
    case SMMUM_TEAR_ACTION_EXIT:
        s->tear_exit_requested = true;
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_ERROR);
        break;
    default:
        break;
    }
}

static void tear_record(void *opaque, const SmmumTearRecord *rec)
{
    SMMUv3ModernState *s = opaque;

    if (s->tear_report) {
        g_autofree char *json = smmum_tear_record_to_json(rec);

        fprintf(s->tear_report, "%s\n", json);
        fflush(s->tear_report);
    }
    trace_smmuv3_modern_tear_record(smmum_tear_rec_type_name(rec->type),
                                    rec->sid, rec->ssid);
    if (rec->type != SMMUM_TEAR_REC_TEAR &&
        rec->type != SMMUM_TEAR_REC_MISSING_INVAL &&
        rec->type != SMMUM_TEAR_REC_TRANSIENT_BYPASS) {
        return;
    }
    if (rec->sev < s->tear_severity) {
        return;
    }
    {
        g_autofree char *line = smmum_tear_record_describe(rec);

        smmuv3_modern_tear_alert(s, line);
    }
}

static void tear_summary(SMMUv3ModernState *s)
{
    SmmumTearCounters c;
    uint64_t tears = 0;

    smmum_tear_get_counters(s->tear, &c);
    for (int i = 0; i < SMMUM_TEAR_CLASS__MAX; i++) {
        if (i != SMMUM_TEAR_CLASS_ILLEGAL_MIX) {
            tears += c.tears[i];
        }
    }
    fprintf(stderr, "%s: tear check (%s): %" PRIu64 " tear(s)",
            TYPE_ARM_SMMUV3_MODERN, smmum_tear_mode_name(s->tear_mode),
            tears);
    for (int i = 0; i < SMMUM_TEAR_CLASS__MAX; i++) {
        if (c.tears[i]) {
            fprintf(stderr, " %s=%" PRIu64,
                    smmum_tear_class_name(i), c.tears[i]);
        }
    }
    fprintf(stderr, "; transitions %" PRIu64 " hitless, %" PRIu64
            " breaking; missing invalidations %" PRIu64
            "; transient bypass %" PRIu64 "; L1 published without "
            "invalidation %" PRIu64 "; windows %" PRIu64 "%s\n",
            c.hitless, c.breaking, c.records[SMMUM_TEAR_REC_MISSING_INVAL],
            c.records[SMMUM_TEAR_REC_TRANSIENT_BYPASS],
            c.records[SMMUM_TEAR_REC_L1_PUBLISH], c.windows,
            c.approximate ? " (some judged approximately)" : "");
}

/* ---- tear-trace: the checker's inputs, for tools/smmum-replay ---- */

static void tear_trace_line(void *opaque, const char *line)
{
    SMMUv3ModernState *s = opaque;

    if (s->tear_trace_file) {
        fputs(line, s->tear_trace_file);
        fputc('\n', s->tear_trace_file);
    }
}

static bool tear_trace_start(SMMUv3ModernState *s,
                             const SmmumTearParams *params,
                             SmmumTearHost *host, Error **errp)
{
    SmmumTraceModel model = {
        .cfgcache_size = s->cfg.cfgcache_size,
        .cfgcache_sticky = s->cfg.cfgcache_sticky,
    };
    SmmumTearRegs regs;

    s->tear_trace_file = fopen(s->tear_trace_path, "w");
    if (!s->tear_trace_file) {
        error_setg_errno(errp, errno, "%s: cannot open tear-trace file "
                         "'%s'", TYPE_ARM_SMMUV3_MODERN, s->tear_trace_path);
        return false;
    }
    setvbuf(s->tear_trace_file, NULL, _IOFBF, 1 << 20);
    pstrcpy(model.accel, sizeof(model.accel),
            qtest_enabled() ? "qtest" : tcg_enabled() ? "tcg" : "other");
    tear_get_regs(s, &regs);
    s->tear_trace = smmum_trace_new(params, &regs, &model, tear_trace_line,
                                    s);
    smmum_trace_wrap_host(s->tear_trace, host);
    smmum_trace_set_core(s->tear_trace, &s->core);
    return true;
}

static void tear_trace_close(SMMUv3ModernState *s)
{
    if (s->tear_trace_file) {
        fclose(s->tear_trace_file);
        s->tear_trace_file = NULL;
    }
}

void smmuv3_modern_tear_store(SMMUv3ModernState *s, uint64_t pa,
                              unsigned size, uint64_t data, uint64_t pc,
                              int cpu_index, uint64_t vcnt)
{
    if (s->tear_trace) {
        smmum_trace_store(s->tear_trace, pa, size, data, pc, cpu_index,
                          vcnt, false);
    } else {
        smmum_tear_store(s->tear, pa, size, data, pc, cpu_index, vcnt);
    }
}

void smmuv3_modern_tear_global_bypass(SMMUv3ModernState *s, uint32_t sid)
{
    if (s->tear_trace) {
        smmum_trace_global_bypass(s->tear_trace, sid);
    } else {
        smmum_tear_note_global_bypass(s->tear, sid);
    }
}

void smmuv3_modern_tear_migrate(SMMUv3ModernState *s)
{
    if (s->tear_trace) {
        smmum_trace_migrate(s->tear_trace);
        fflush(s->tear_trace_file);
    } else {
        smmum_tear_migrate(s->tear);
    }
}

void smmuv3_modern_tear_finish(SMMUv3ModernState *s)
{
    if (s->tear_trace) {
        /* the recorder stays: the model may still call its hooks */
        smmum_trace_finish(s->tear_trace);
        tear_trace_close(s);
    } else if (s->tear) {
        smmum_tear_finish(s->tear);
    }
}

static void tear_exit_notify(Notifier *n, void *data)
{
    SMMUv3ModernState *s = container_of(n, SMMUv3ModernState, tear_exit);

    smmuv3_modern_tear_finish(s);
    if (s->tear) {
        tear_summary(s);
    }
    if (s->tear_report) {
        fclose(s->tear_report);
        s->tear_report = NULL;
    }
}

static void counter_get(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    const SMMUv3ModernCounterProp *p = opaque;
    uint64_t val = p->value(ARM_SMMUV3_MODERN(obj), p);

    visit_type_uint64(v, name, &val, errp);
}

void smmuv3_modern_add_counter_props(Object *obj, const char *prefix,
                                     const SMMUv3ModernCounterProp *props,
                                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const SMMUv3ModernCounterProp *p = &props[i];
        g_autofree char *name = g_strdup_printf("%s%s", prefix, p->name);

        object_property_add(obj, name, "uint64", counter_get, NULL, NULL,
                            (void *)p);
        object_property_set_description(obj, name, p->desc);
    }
}

static uint64_t tear_counter(SMMUv3ModernState *s,
                             const SMMUv3ModernCounterProp *p)
{
    SmmumTearCounters c;
    uint64_t v = 0;

    if (!s->tear) {
        return 0;
    }
    smmum_tear_get_counters(s->tear, &c);
    if (p->off != COUNTER_SUM) {
        return smmuv3_modern_counter_at(&c, p);
    }
    for (int i = 0; i < SMMUM_TEAR_CLASS__MAX; i++) {
        v += i == SMMUM_TEAR_CLASS_ILLEGAL_MIX ? 0 : c.tears[i];
    }
    return v;
}

#define TEAR(n, d, f) { n, d, tear_counter, offsetof(SmmumTearCounters, f) }

/* QOM counters: "tear-counter-<name>". */
static const SMMUv3ModernCounterProp tear_counter_props[] = {
    { "tears", "illegal observable states found (all classes)",
      tear_counter, COUNTER_SUM },
    TEAR("critical", "records of severity critical",
         by_severity[SMMUM_TEAR_SEV_CRITICAL]),
    TEAR("major", "records of severity major",
         by_severity[SMMUM_TEAR_SEV_MAJOR]),
    TEAR("minor", "records of severity minor",
         by_severity[SMMUM_TEAR_SEV_MINOR]),
    TEAR("hitless", "committed transitions that were hitless", hitless),
    TEAR("breaking", "committed transitions that were breaking", breaking),
    TEAR("missing-invalidations", "missing CFGI findings",
         records[SMMUM_TEAR_REC_MISSING_INVAL]),
    TEAR("windows", "invalidation windows judged", windows),
};

void smmuv3_modern_tear_add_props(Object *obj)
{
    smmuv3_modern_add_counter_props(obj, "tear-counter-", tear_counter_props,
                                    ARRAY_SIZE(tear_counter_props));
}

void smmuv3_modern_tear_post_load(SMMUv3ModernState *s)
{
    /*
     * The registers came with the migration stream, not through MMIO: tell
     * the checker (and, in store mode, the watches) what is reachable.
     */
    if (s->tear && s->core.obs.tables_changed) {
        s->core.obs.tables_changed(s->core.obs.opaque);
    }
}

static bool parse_enum(const char *prop, const char *val,
                       const char *const *names, int n, int *out,
                       Error **errp)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(val, names[i])) {
            *out = i;
            return true;
        }
    }
    error_setg(errp, "%s: %s=%s is not valid", TYPE_ARM_SMMUV3_MODERN,
               prop, val);
    error_append_hint(errp, "Valid values:");
    for (int i = 0; i < n; i++) {
        error_append_hint(errp, " %s", names[i]);
    }
    error_append_hint(errp, "\n");
    return false;
}

bool smmuv3_modern_tear_report_open(SMMUv3ModernState *s, Error **errp)
{
    s->tear_report = fopen(s->tear_report_path, "w");
    if (!s->tear_report) {
        error_setg_errno(errp, errno, "%s: cannot open tear-report file '%s'",
                         TYPE_ARM_SMMUV3_MODERN, s->tear_report_path);
        return false;
    }
    return true;
}

/*
 * tear-check's default: `store` under TCG when the machine routes the
 * vCPUs' memory through us (virt with iommu=smmuv3-modern), since the
 * store feeder passes its access-shape, reset and migration tests and
 * sees every value an entry held; `sync` otherwise (other accelerators
 * cannot show us the stores; qtests choose their mode explicitly).
 */
const char *smmuv3_modern_tear_default(SMMUv3ModernState *s)
{
    return tcg_enabled() && s->cpu_sysmem ? "store" : "sync";
}

bool smmuv3_modern_tear_realize(SMMUv3ModernState *s, Error **errp)
{
    static const char *const modes[] = { "off", "sync", "store" };
    static const char *const actions[] = { "log", "stop", "exit" };
    static const char *const sevs[] = { "info", "minor", "major",
                                        "critical" };
    SmmumTearParams params = { 0 };
    SmmumTearHost host = {
        .opaque = s,
        .read = s->core.host.dma_read,   /* the SMMU's own view of memory */
        .get_regs = tear_get_regs,
        .now = tear_now,
        .record = tear_record,
    };
    SmmumObserver obs;
    int mode, action, sev;

    if (!parse_enum("tear-check",
                    s->tear_check_str ?: smmuv3_modern_tear_default(s), modes,
                    ARRAY_SIZE(modes), &mode, errp) ||
        !parse_enum("tear-action", s->tear_action_str ?: "log", actions,
                    ARRAY_SIZE(actions), &action, errp) ||
        !parse_enum("tear-severity", s->tear_severity_str ?: "minor", sevs,
                    ARRAY_SIZE(sevs), &sev, errp)) {
        return false;
    }
    s->tear_mode = mode;
    s->tear_action = action;
    s->tear_severity = sev;
    if (s->tear_mode == SMMUM_TEAR_STORE) {
        if (!tcg_enabled() && !qtest_enabled()) {
            error_setg(errp, "%s: tear-check=store needs TCG or qtest: other "
                       "accelerators cannot see the guest's stores",
                       TYPE_ARM_SMMUV3_MODERN);
            return false;
        }
        if (!s->cpu_sysmem) {
            error_setg(errp, "%s: tear-check=store needs a machine that "
                       "routes its vCPUs' memory through the SMMU (virt "
                       "with iommu=smmuv3-modern)", TYPE_ARM_SMMUV3_MODERN);
            return false;
        }
    }
    if (s->tear_mode == SMMUM_TEAR_OFF) {
        bool maint = !g_strcmp0(s->maint_check_str, "on");

        /* The maintenance checker writes to them too (maint-check=on). */
        if (s->tear_report_path && !maint) {
            warn_report("%s: tear-report is ignored with tear-check=off",
                        TYPE_ARM_SMMUV3_MODERN);
        }
        if (s->tear_trace_path && !maint) {
            warn_report("%s: tear-trace is ignored with tear-check=off and "
                        "maint-check=off", TYPE_ARM_SMMUV3_MODERN);
        } else if (s->tear_trace_path) {
            /* Its header (mode off), then the maintenance checker's. */
            if (!tear_trace_start(s, &params, &host, errp)) {
                return false;
            }
            s->tear_exit.notify = tear_exit_notify;
            qemu_add_exit_notifier(&s->tear_exit);
        }
        return true;
    }
    if (s->tear_report_path && !smmuv3_modern_tear_report_open(s, errp)) {
        return false;
    }
    params.mode = s->tear_mode;
    /* A second of guest inactivity ends a committed transition. */
    params.gap_ticks = NANOSECONDS_PER_SECOND;
    if (s->tear_trace_path && !tear_trace_start(s, &params, &host, errp)) {
        if (s->tear_report) {
            fclose(s->tear_report);
            s->tear_report = NULL;
        }
        return false;
    }
    s->tear = smmum_tear_new(&params, &host);
    smmum_tear_observer(s->tear, &obs);
    if (s->tear_mode == SMMUM_TEAR_STORE &&
        !smmuv3_modern_watch_start(s, &obs, errp)) {
        smmum_tear_free(s->tear);
        s->tear = NULL;
        if (s->tear_report) {
            fclose(s->tear_report);
            s->tear_report = NULL;
        }
        smmum_trace_free(s->tear_trace);
        s->tear_trace = NULL;
        tear_trace_close(s);
        return false;
    }
    if (s->tear_trace) {
        /* outermost: records each input after the feeder passed it on */
        smmum_trace_attach(s->tear_trace, s->tear, &obs);
    }
    smmum_core_set_observer(&s->core, &obs);
    s->tear_exit.notify = tear_exit_notify;
    qemu_add_exit_notifier(&s->tear_exit);
    return true;
}
