/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: tear checker records as JSON Lines (json-glib) and
 * as plain words.  Schema: docs/tear-report-schema.md.
 */
#include <string.h>
#include <glib.h>

#include "smmum-json.h"
#include "smmum-tear.h"

static const char *const class_names[SMMUM_TEAR_CLASS__MAX] = {
    [SMMUM_TEAR_CLASS_BYPASS] = "bypass",
    [SMMUM_TEAR_CLASS_TRANSLATE] = "translate",
    [SMMUM_TEAR_CLASS_ATS] = "ats",
    [SMMUM_TEAR_CLASS_ABORT] = "abort",
    [SMMUM_TEAR_CLASS_PERMISSION] = "permission",
    [SMMUM_TEAR_CLASS_ATTR] = "attr",
    [SMMUM_TEAR_CLASS_ILLEGAL_MIX] = "illegal-mix",
};

static const char *const sev_names[SMMUM_TEAR_SEV__MAX] = {
    [SMMUM_TEAR_SEV_INFO] = "info",
    [SMMUM_TEAR_SEV_MINOR] = "minor",
    [SMMUM_TEAR_SEV_MAJOR] = "major",
    [SMMUM_TEAR_SEV_CRITICAL] = "critical",
};

static const char *const rec_names[SMMUM_TEAR_REC__MAX] = {
    [SMMUM_TEAR_REC_TEAR] = "tear",
    [SMMUM_TEAR_REC_TRANSITION] = "transition",
    [SMMUM_TEAR_REC_TRANSIENT_BYPASS] = "transient-bypass",
    [SMMUM_TEAR_REC_MISSING_INVAL] = "missing-invalidation",
    [SMMUM_TEAR_REC_L1_PUBLISH] = "l1-publish-without-invalidation",
    [SMMUM_TEAR_REC_RACING_STORE] = "store-racing-invalidation",
    [SMMUM_TEAR_REC_UNOBSERVED] = "unobserved-store",
    [SMMUM_TEAR_REC_UNTERMINATED] = "unterminated-window",
    [SMMUM_TEAR_REC_APPROXIMATE] = "approximate",
    [SMMUM_TEAR_REC_GLOBAL_BYPASS] = "global-bypass",
};

static const char *const view_names[SMMUM_TEAR_VIEW__MAX] = {
    [SMMUM_TEAR_VIEW_STE] = "ste",
    [SMMUM_TEAR_VIEW_CD] = "cd",
    [SMMUM_TEAR_VIEW_L1STD] = "l1std",
    [SMMUM_TEAR_VIEW_L1CD] = "l1cd",
};

static const char *const mode_names[] = {
    [SMMUM_TEAR_OFF] = "off",
    [SMMUM_TEAR_SYNC] = "sync",
    [SMMUM_TEAR_STORE] = "store",
};

#define NAME(tab, i) ((unsigned)(i) < G_N_ELEMENTS(tab) && (tab)[i] ? \
                      (tab)[i] : "?")

const char *smmum_tear_class_name(SmmumTearClass c)
{
    return NAME(class_names, c);
}

const char *smmum_tear_severity_name(SmmumTearSeverity s)
{
    return NAME(sev_names, s);
}

const char *smmum_tear_rec_type_name(SmmumTearRecType r)
{
    return NAME(rec_names, r);
}

const char *smmum_tear_view_name(SmmumTearViewKind k)
{
    return NAME(view_names, k);
}

const char *smmum_tear_mode_name(SmmumTearMode m)
{
    return NAME(mode_names, m);
}

bool smmum_tear_mode_parse(const char *s, SmmumTearMode *m)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(mode_names); i++) {
        if (s && !strcmp(s, mode_names[i])) {
            *m = i;
            return true;
        }
    }
    return false;
}

bool smmum_tear_severity_parse(const char *s, SmmumTearSeverity *sev)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(sev_names); i++) {
        if (s && !strcmp(s, sev_names[i])) {
            *sev = i;
            return true;
        }
    }
    return false;
}

static const char *cmd_name(uint8_t op)
{
    switch (op) {
    case 0x03:
        return "CFGI_STE";
    case 0x04:
        return "CFGI_STE_RANGE";
    case 0x05:
        return "CFGI_CD";
    case 0x06:
        return "CFGI_CD_ALL";
    case 0x46:
        return "SYNC";
    default:
        return "?";
    }
}

char *smmum_tear_record_to_json(const SmmumTearRecord *r)
{
    JsonBuilder *b = json_builder_new();
    unsigned n = MIN(r->nwords, 8);

    json_builder_begin_object(b);
    smmum_json_int(b, "schema", SMMUM_TEAR_SCHEMA_VERSION);
    smmum_json_str(b, "type", smmum_tear_rec_type_name(r->type));
    if (r->type == SMMUM_TEAR_REC_TEAR) {
        smmum_json_str(b, "class", smmum_tear_class_name(r->cls));
    }
    smmum_json_str(b, "severity", smmum_tear_severity_name(r->sev));
    smmum_json_str(b, "mode", smmum_tear_mode_name(r->mode));
    smmum_json_str(b, "view", smmum_tear_view_name(r->view));
    if (r->view != SMMUM_TEAR_VIEW_L1STD) {
        smmum_json_int(b, "sid", r->sid);
    }
    if (r->view == SMMUM_TEAR_VIEW_CD) {
        smmum_json_int(b, "ssid", r->ssid);
    } else if (r->view != SMMUM_TEAR_VIEW_STE) {
        smmum_json_int(b, "l1_index", r->ssid);
    }
    smmum_json_hex(b, "addr", r->addr);
    smmum_json_int(b, "window", r->window);
    if (r->reason) {
        smmum_json_str(b, "reason", r->reason);
    }
    smmum_json_words(b, "a", r->a, n);
    smmum_json_words(b, "b", r->b, n);
    smmum_json_words(b, "state", r->state, n);
    if (r->view == SMMUM_TEAR_VIEW_CD) {
        json_builder_set_member_name(b, "ste_context");
        json_builder_begin_object(b);
        smmum_json_int(b, "s1stalld", r->ctx.s1_stalld);
        smmum_json_int(b, "strw", r->ctx.strw);
        smmum_json_bool(b, "nested", r->ctx.nested);
        json_builder_end_object(b);
    }
    json_builder_set_member_name(b, "store");
    if (r->store.valid) {
        json_builder_begin_object(b);
        smmum_json_hex(b, "pa", r->store.pa);
        smmum_json_int(b, "size", r->store.size);
        smmum_json_hex(b, "data", r->store.data);
        smmum_json_hex(b, "pc", r->store.pc);
        smmum_json_int(b, "cpu", r->store.cpu);
        smmum_json_int(b, "vcnt", (int64_t)r->store.vcnt);
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_set_member_name(b, "commands");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < r->ncmds && i < SMMUM_TEAR_MAX_CMDS; i++) {
        const SmmumTearCmd *c = &r->cmds[i];

        json_builder_begin_object(b);
        smmum_json_str(b, "op", cmd_name(c->op));
        if (c->op != 0x46) {
            smmum_json_int(b, "sid", c->sid);
        }
        if (c->op == 0x05) {
            smmum_json_int(b, "ssid", c->ssid);
        }
        if (c->op == 0x03 || c->op == 0x05) {
            smmum_json_bool(b, "leaf", c->leaf);
        }
        if (c->op == 0x04) {
            smmum_json_int(b, "range", c->range);
        }
        smmum_json_int(b, "seq", (int64_t)c->seq);
        smmum_json_int(b, "vcnt", (int64_t)c->vcnt);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    smmum_json_int(b, "exposure", (int64_t)r->exposure);
    smmum_json_bool(b, "approximate", r->approximate);
    if (r->type == SMMUM_TEAR_REC_TRANSITION ||
        r->type == SMMUM_TEAR_REC_TRANSIENT_BYPASS) {
        if (r->type == SMMUM_TEAR_REC_TRANSITION) {
            smmum_json_str(b, "verdict", r->hitless ? "hitless" : "breaking");
        }
        smmum_json_int(b, "sync_count", r->sync_count);
    }
    smmum_json_idr(b, &r->idr);
    json_builder_end_object(b);

    return smmum_json_finish(b);
}

static void describe_meaning(GString *s, const SmmumTearRecord *r,
                             const uint64_t *w)
{
    SmmumSteMeaning ste;
    SmmumCdMeaning cd;
    SmmumL1Meaning l1;
    static const char *const out[] = { "abort", "bypass", "translate" };

    switch (r->view) {
    case SMMUM_TEAR_VIEW_STE:
        smmum_ste_decode(&r->idr, w, &ste);
        g_string_append(s, out[ste.outcome % 3]);
        if (ste.outcome == SMMUM_OUT_TRANSLATE) {
            g_string_append_printf(s, " cfg=%u", ste.regime.config);
            if (ste.regime.config & 1) {
                g_string_append_printf(s, " ctx=0x%" G_GINT64_MODIFIER "x"
                                       " cdmax=%u", ste.regime.s1_context_ptr,
                                       ste.regime.s1_cd_max);
            }
            if (ste.regime.config & 2) {
                g_string_append_printf(s, " vmid=%u s2ttb=0x%"
                                       G_GINT64_MODIFIER "x",
                                       ste.regime.s2_vmid,
                                       ste.regime.s2_ttb);
            }
            if (ste.ats.eats) {
                g_string_append_printf(s, " eats=%u", ste.ats.eats);
            }
        } else if (ste.outcome == SMMUM_OUT_ABORT) {
            g_string_append_printf(s, "(%s)", ste.abort_why == 1 ? "V=0" :
                                   ste.abort_why == 2 ? "ILLEGAL" :
                                   "config");
        }
        break;
    case SMMUM_TEAR_VIEW_CD:
        smmum_cd_decode(&r->idr, &r->ctx, w, &cd);
        if (cd.outcome != SMMUM_OUT_TRANSLATE) {
            g_string_append_printf(s, "abort(%s)", cd.abort_why == 1 ?
                                   "V=0" : "ILLEGAL");
            break;
        }
        g_string_append_printf(s, "asid=%u ttb0=0x%" G_GINT64_MODIFIER "x",
                               cd.regime.asid, cd.regime.ttb0);
        if (cd.regime.epd0) {
            g_string_append(s, " epd0");
        }
        break;
    default:
        if (r->view == SMMUM_TEAR_VIEW_L1STD) {
            smmum_l1std_decode(&r->idr, w[0], &l1);
        } else {
            smmum_l1cd_decode(&r->idr, w[0], &l1);
        }
        if (l1.valid) {
            g_string_append_printf(s, "l2=0x%" G_GINT64_MODIFIER "x",
                                   l1.l2ptr);
        } else {
            g_string_append(s, "invalid");
        }
        break;
    }
}

char *smmum_tear_record_describe(const SmmumTearRecord *r)
{
    GString *s = g_string_new("smmuv3-modern tear-check: ");

    g_string_append_printf(s, "%s", smmum_tear_rec_type_name(r->type));
    if (r->type == SMMUM_TEAR_REC_TEAR) {
        g_string_append_printf(s, " class=%s", smmum_tear_class_name(r->cls));
    }
    if (r->type == SMMUM_TEAR_REC_TRANSITION) {
        g_string_append_printf(s, " %s syncs=%u",
                               r->hitless ? "hitless" : "breaking",
                               r->sync_count);
    }
    g_string_append_printf(s, " severity=%s %s",
                           smmum_tear_severity_name(r->sev),
                           smmum_tear_view_name(r->view));
    if (r->view != SMMUM_TEAR_VIEW_L1STD) {
        g_string_append_printf(s, " sid=0x%x", r->sid);
    }
    if (r->view == SMMUM_TEAR_VIEW_CD) {
        g_string_append_printf(s, " ssid=%u", r->ssid);
    }
    g_string_append_printf(s, " @0x%" G_GINT64_MODIFIER "x", r->addr);
    if (r->reason) {
        g_string_append_printf(s, " (%s)", r->reason);
    }
    g_string_append(s, " A: ");
    describe_meaning(s, r, r->a);
    g_string_append(s, "; B: ");
    describe_meaning(s, r, r->b);
    if (r->type == SMMUM_TEAR_REC_TEAR ||
        r->type == SMMUM_TEAR_REC_TRANSIENT_BYPASS) {
        g_string_append(s, "; seen: ");
        describe_meaning(s, r, r->state);
    }
    if (r->store.valid) {
        g_string_append_printf(s, "; store pc=0x%" G_GINT64_MODIFIER "x"
                               " cpu=%d vcnt=%" G_GUINT64_FORMAT,
                               r->store.pc, r->store.cpu, r->store.vcnt);
    } else if (r->mode == SMMUM_TEAR_SYNC) {
        g_string_append(s, "; stores not visible in sync mode");
    }
    for (unsigned i = 0; i < r->ncmds && i < SMMUM_TEAR_MAX_CMDS; i++) {
        g_string_append_printf(s, "%s%s", i ? " " : "; cmds: ",
                               cmd_name(r->cmds[i].op));
    }
    if (r->exposure) {
        g_string_append_printf(s, "; %" G_GUINT64_FORMAT " DMA served",
                               r->exposure);
    }
    if (r->approximate) {
        g_string_append(s, "; approximate");
    }
    return g_string_free(s, FALSE);
}

char *smmum_tear_summary(const SmmumTearCounters *c)
{
    GString *s = g_string_new("smmuv3-modern tear-check summary\n");

    g_string_append(s, "  tears by class:");
    for (unsigned i = 0; i < SMMUM_TEAR_CLASS__MAX; i++) {
        g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                               smmum_tear_class_name(i), c->tears[i]);
    }
    g_string_append(s, "\n  records by severity:");
    for (unsigned i = 0; i < SMMUM_TEAR_SEV__MAX; i++) {
        g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                               smmum_tear_severity_name(i),
                               c->by_severity[i]);
    }
    g_string_append(s, "\n  records by type:");
    for (unsigned i = 0; i < SMMUM_TEAR_REC__MAX; i++) {
        g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                               smmum_tear_rec_type_name(i), c->records[i]);
    }
    g_string_append_printf(s, "\n  transitions: hitless=%" G_GUINT64_FORMAT
                           " breaking=%" G_GUINT64_FORMAT "\n"
                           "  windows=%" G_GUINT64_FORMAT
                           " states=%" G_GUINT64_FORMAT
                           " approximate=%" G_GUINT64_FORMAT
                           " views=%" G_GUINT64_FORMAT "\n",
                           c->hitless, c->breaking, c->windows, c->states,
                           c->approximate, c->views);
    return g_string_free(s, FALSE);
}
