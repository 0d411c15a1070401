/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: QEMU glue of fault injection (core/smmum-inject.h).
 * The inject-* properties are dynamic QOM properties, so they can be set
 * with -global at start-up and changed at run time with QMP qom-set; a
 * virtual-clock timer serves inject-sync's ns= delay.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "trace.h"
#include "smmuv3-modern-internal.h"
#include "core/smmum-inject.h"

static const char *const inject_desc[SMMUM_INJ__MAX] = {
    [SMMUM_INJ_FETCH] = "structure fetch / table walk aborts: "
        "l1std+ste+l1cd+cd+walk[:sid=N][:every=N][:count=N][:nth=N], off",
    [SMMUM_INJ_CERROR] = "command errors: "
        "ill|abt[:op=N][:every=N][:count=N][:nth=N], off",
    [SMMUM_INJ_SYNC] = "CMD_SYNC completing late or never: never | "
        "late[:accesses=N][:ns=N] [:every=N][:count=N][:nth=N], off",
    [SMMUM_INJ_EVTQ_OVERFLOW] = "event records lost as on queue "
        "overflow: on[:type=N][:every=N][:count=N][:nth=N], off",
    [SMMUM_INJ_MSI_ABORT] = "MSI writes that abort: "
        "gerror+evtq+cmdq[:every=N][:count=N][:nth=N], off",
};

static SmmumInjWhat inject_what(void *opaque)
{
    return (SmmumInjWhat)(uintptr_t)opaque;
}

static void inject_get(Object *obj, Visitor *v, const char *name,
                       void *opaque, Error **errp)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);
    char *val = g_strdup(smmum_inject_get(s->inject, inject_what(opaque)));

    visit_type_str(v, name, &val, errp);
    g_free(val);
}

static void inject_set(Object *obj, Visitor *v, const char *name,
                       void *opaque, Error **errp)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);
    g_autofree char *val = NULL;
    g_autofree char *err = NULL;

    if (!visit_type_str(v, name, &val, errp)) {
        return;
    }
    err = smmum_inject_set(s->inject, inject_what(opaque), val);
    if (err) {
        error_setg(errp, "%s: %s", TYPE_ARM_SMMUV3_MODERN, err);
    }
}

static bool inject_sfm_get(Object *obj, Error **errp)
{
    return ARM_SMMUV3_MODERN(obj)->inject->sfm;
}

static void inject_sfm_set(Object *obj, bool value, Error **errp)
{
    smmum_inject_set_sfm(ARM_SMMUV3_MODERN(obj)->inject, value);
}

static void inject_fired_get(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint64_t val = smmum_inject_fired(ARM_SMMUV3_MODERN(obj)->inject);

    visit_type_uint64(v, name, &val, errp);
}

static void inject_timer_cb(void *opaque)
{
    SMMUv3ModernState *s = opaque;

    smmum_inject_timer_expired(s->inject);
}

static void inject_host_timer(void *opaque, uint64_t ns)
{
    SMMUv3ModernState *s = opaque;

    if (!ns) {
        timer_del(s->inject_timer);
        return;
    }
    timer_mod(s->inject_timer,
              qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              (int64_t)MIN(ns, (uint64_t)INT64_MAX / 2));
}

static void inject_host_fired(void *opaque, SmmumInjWhat what,
                              const char *detail)
{
    trace_smmuv3_modern_inject(what < SMMUM_INJ__MAX ?
                               smmum_inject_name(what) : "inject-sfm",
                               detail);
}

void smmuv3_modern_inject_init(Object *obj)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);
    SmmumInjectHost host = {
        .opaque = s,
        .timer = inject_host_timer,
        .fired = inject_host_fired,
    };

    s->inject = smmum_inject_new(&host);
    s->inject_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, inject_timer_cb, s);
    for (int i = 0; i < SMMUM_INJ__MAX; i++) {
        const char *name = smmum_inject_name(i);

        object_property_add(obj, name, "str", inject_get, inject_set, NULL,
                            (void *)(uintptr_t)i);
        object_property_set_description(obj, name, inject_desc[i]);
    }
    object_property_add_bool(obj, "inject-sfm", inject_sfm_get,
                             inject_sfm_set);
    object_property_set_description(obj, "inject-sfm",
                                    "while true the SMMU is in service "
                                    "failure mode (GERROR.SFM_ERR)");
    object_property_add(obj, "inject-fired", "uint64", inject_fired_get,
                        NULL, NULL, NULL);
    object_property_set_description(obj, "inject-fired",
                                    "injections made so far, all kinds");
}

void smmuv3_modern_inject_realize(SMMUv3ModernState *s)
{
    smmum_inject_attach(s->inject, &s->core);
}

void smmuv3_modern_inject_finalize(Object *obj)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);

    timer_free(s->inject_timer);
    s->inject_timer = NULL;
    smmum_inject_free(s->inject);
    s->inject = NULL;
}
