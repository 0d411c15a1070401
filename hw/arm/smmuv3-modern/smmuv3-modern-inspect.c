/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern: the "state" QOM property, a JSON snapshot of the model
 * (decoded STEs and CDs, queues, GERROR, configuration cache, IOTLB, the
 * tear checker's open windows) for `qom-get` at any moment.  The snapshot
 * itself is made by the core (core/smmum-inspect.c).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qobject/qjson.h"
#include "qobject/qobject.h"
#include "smmuv3-modern-internal.h"
#include "core/smmum-inspect.h"

static void inspect_state_get(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    SMMUv3ModernState *s = ARM_SMMUV3_MODERN(obj);
    g_autofree char *json = NULL;
    QObject *q;

    if (!DEVICE(obj)->realized) {
        error_setg(errp, "%s: state: the device is not realized yet",
                   TYPE_ARM_SMMUV3_MODERN);
        return;
    }
    json = smmum_inspect_json(&s->core, s->tear, NULL);
    q = qobject_from_json(json, errp);
    if (!q) {
        return;
    }
    visit_type_any(v, name, &q, errp);
    qobject_unref(q);
}

void smmuv3_modern_inspect_add_props(Object *obj)
{
    object_property_add(obj, "state", "any", inspect_state_get, NULL, NULL,
                        NULL);
    object_property_set_description(obj, "state",
        "JSON snapshot: registers, queues, GERROR, decoded STEs/CDs "
        "(stream table and cache), configuration cache, IOTLB, tear "
        "checker windows (bounded; docs/smmuv3-modern.rst)");
}
