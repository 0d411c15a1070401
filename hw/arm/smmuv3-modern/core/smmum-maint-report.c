/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: maintenance checker records as JSON Lines
 * (json-glib), as plain words and as a summary.  Schema:
 * docs/tear-report-schema.md (version 2).
 */
#include <stddef.h>
#include <string.h>
#include <glib.h>

#include "smmum-json.h"
#include "smmum-maint.h"

static const char *const kind_names[SMMUM_MAINT__MAX] = {
    [SMMUM_MAINT_STALE] = "stale-translation",
    [SMMUM_MAINT_MISSING] = "missing-tlb-maintenance",
    [SMMUM_MAINT_LATE] = "dma-before-invalidation",
    [SMMUM_MAINT_FQ] = "fq-use-after-unmap",
    [SMMUM_MAINT_BBM] = "break-before-make",
    [SMMUM_MAINT_LEAF] = "leaf-tlbi-of-table",
    [SMMUM_MAINT_ATC_MISSING] = "atc-inv-missing",
    [SMMUM_MAINT_ATC_LATE] = "ats-use-before-atc-inv",
    [SMMUM_MAINT_ATS_UNCOVERED] = "ats-translated-uncovered",
    [SMMUM_MAINT_ATS_ENABLE] = "ats-enabled-before-eats",
    [SMMUM_MAINT_ATS_DISABLE] = "eats-cleared-before-ats-disable",
};

static const char *const check_names[SMMUM_MAINT__MAX] = {
    [SMMUM_MAINT_STALE] = "stale",
    [SMMUM_MAINT_MISSING] = "missing",
    [SMMUM_MAINT_LATE] = "late",
    [SMMUM_MAINT_FQ] = "fq",
    [SMMUM_MAINT_BBM] = "bbm",
    [SMMUM_MAINT_LEAF] = "leaf",
    [SMMUM_MAINT_ATC_MISSING] = "atc-missing",
    [SMMUM_MAINT_ATC_LATE] = "atc-late",
    [SMMUM_MAINT_ATS_UNCOVERED] = "ats-uncovered",
    [SMMUM_MAINT_ATS_ENABLE] = "ats-enable",
    [SMMUM_MAINT_ATS_DISABLE] = "ats-disable",
};

static const char *const change_names[SMMUM_CHG__MAX] = {
    [SMMUM_CHG_NONE] = "none",
    [SMMUM_CHG_UNMAP] = "unmap",
    [SMMUM_CHG_NARROW] = "narrow-permission",
    [SMMUM_CHG_REMAP] = "remap",
    [SMMUM_CHG_RESIZE] = "resize",
    [SMMUM_CHG_ATTR] = "attributes",
};

static const char *const ats_ste_names[] = {
    [SMMUM_ATS_STE_PERMITS] = "permits",
    [SMMUM_ATS_STE_NO_EATS] = "no-eats",
    [SMMUM_ATS_STE_ABORT] = "abort",
    [SMMUM_ATS_STE_INVALID] = "invalid",
    [SMMUM_ATS_STE_UNREACHABLE] = "unreachable",
};

static const char *const miss_names[SMMUM_MISS__BITS] = {
    "stage", "vmid", "asid", "global", "address", "ttl", "tg",
};

#define NAME(tab, i) ((unsigned)(i) < G_N_ELEMENTS(tab) && (tab)[i] ? \
                      (tab)[i] : "?")

const char *smmum_maint_kind_name(SmmumMaintKind k)
{
    return NAME(kind_names, k);
}

const char *smmum_ats_ste_name(uint8_t state)
{
    return NAME(ats_ste_names, state);
}

static bool is_ats_order(SmmumMaintKind k)
{
    return k == SMMUM_MAINT_ATS_ENABLE || k == SMMUM_MAINT_ATS_DISABLE;
}

const char *smmum_maint_check_name(SmmumMaintKind k)
{
    return NAME(check_names, k);
}

const char *smmum_maint_change_name(SmmumMaintChange c)
{
    return NAME(change_names, c);
}

const char *smmum_maint_miss_name(unsigned bit)
{
    return NAME(miss_names, bit);
}

const char *smmum_tlbi_op_name(uint8_t op)
{
    switch (op) {
    case SMMUM_TLBI_NH_ALL:
        return "TLBI_NH_ALL";
    case SMMUM_TLBI_NH_ASID:
        return "TLBI_NH_ASID";
    case SMMUM_TLBI_NH_VA:
        return "TLBI_NH_VA";
    case SMMUM_TLBI_NH_VAA:
        return "TLBI_NH_VAA";
    case SMMUM_TLBI_EL2_ALL:
        return "TLBI_EL2_ALL";
    case SMMUM_TLBI_EL2_ASID:
        return "TLBI_EL2_ASID";
    case SMMUM_TLBI_EL2_VA:
        return "TLBI_EL2_VA";
    case SMMUM_TLBI_EL2_VAA:
        return "TLBI_EL2_VAA";
    case SMMUM_TLBI_S12_VMALL:
        return "TLBI_S12_VMALL";
    case SMMUM_TLBI_S2_IPA:
        return "TLBI_S2_IPA";
    case SMMUM_TLBI_NSNH_ALL:
        return "TLBI_NSNH_ALL";
    default:
        return "?";
    }
}

static void add_tlbi(JsonBuilder *b, const SmmumMaintTlbi *t, bool missed)
{
    json_builder_begin_object(b);
    smmum_json_str(b, "op", smmum_tlbi_op_name(t->t.opcode));
    smmum_json_int(b, "asid", t->t.asid);
    smmum_json_int(b, "vmid", t->t.vmid);
    smmum_json_hex(b, "addr", t->t.addr);
    smmum_json_bool(b, "leaf", t->t.leaf);
    smmum_json_int(b, "ttl", t->t.ttl);
    smmum_json_int(b, "tg", t->t.tg);
    smmum_json_int(b, "num", t->t.num);
    smmum_json_int(b, "scale", t->t.scale);
    if (t->len) {
        smmum_json_hex(b, "range_start", t->start);
        smmum_json_hex(b, "range_len", t->len);
    }
    smmum_json_int(b, "seq", (int64_t)t->seq);
    smmum_json_int(b, "vcnt", (int64_t)t->vcnt);
    if (missed) {
        json_builder_set_member_name(b, "missed_because");
        json_builder_begin_array(b);
        for (unsigned i = 0; i < SMMUM_MISS__BITS; i++) {
            if (t->missed & (1u << i)) {
                json_builder_add_string_value(b, smmum_maint_miss_name(i));
            }
        }
        json_builder_end_array(b);
    }
    json_builder_end_object(b);
}

static const char *stage_name(const SmmumIotlbEntry *e)
{
    if (e->tag.stage == SMMUM_TLB_S2) {
        return "s2";
    }
    return e->tag.regime == SMMUM_TLB_EL2 ? "el2" : "s1";
}

char *smmum_maint_record_to_json(const SmmumMaintRecord *r)
{
    JsonBuilder *b = json_builder_new();

    json_builder_begin_object(b);
    smmum_json_int(b, "schema", SMMUM_TEAR_SCHEMA_VERSION);
    smmum_json_str(b, "type", smmum_maint_kind_name(r->kind));
    smmum_json_str(b, "severity", smmum_tear_severity_name(r->sev));
    smmum_json_str(b, "mode", "maint");
    smmum_json_str(b, "view", r->atc ? "atc" : "iotlb");
    smmum_json_int(b, "sid", r->sid);
    if (r->ssv) {
        smmum_json_int(b, "ssid", r->ssid);
    }
    if (r->kind == SMMUM_MAINT_ATS_UNCOVERED) {
        smmum_json_hex(b, "translated_addr", r->translated_addr);
        smmum_json_int(b, "exposure", (int64_t)r->exposure);
        goto idr;
    }
    if (is_ats_order(r->kind)) {
        json_builder_set_member_name(b, "ste");
        json_builder_begin_object(b);
        smmum_json_str(b, "view", r->ste_view ? r->ste_view : "?");
        smmum_json_str(b, "state", smmum_ats_ste_name(r->ste_state));
        smmum_json_int(b, "eats", r->ste_eats);
        smmum_json_hex(b, "pa", r->ste_pa);
        json_builder_end_object(b);
        smmum_json_str(b, "detected", r->detected ? r->detected : "?");
        smmum_json_int(b, "detect_seq", (int64_t)r->detect_seq);
        smmum_json_int(b, "detect_vcnt", (int64_t)r->detect_vcnt);
        goto idr;
    }
    json_builder_set_member_name(b, "entry");
    json_builder_begin_object(b);
    if (!r->atc) {
        smmum_json_str(b, "stage", stage_name(&r->entry));
        smmum_json_int(b, "vmid", r->entry.tag.vmid);
    }
    if (!r->atc && r->entry.tag.stage == SMMUM_TLB_S1) {
        smmum_json_int(b, "asid", r->entry.tag.asid);
        smmum_json_bool(b, "global", r->entry.global);
    }
    smmum_json_hex(b, "iova", r->entry.iova);
    smmum_json_hex(b, "size", 1ULL << r->entry.size_shift);
    smmum_json_hex(b, "pa", r->entry.pa);
    smmum_json_int(b, "level", r->entry.level);
    smmum_json_int(b, "granule", 1 << r->entry.granule);
    smmum_json_int(b, "perm", r->entry.perm);
    json_builder_end_object(b);
    smmum_json_str(b, "change", smmum_maint_change_name(r->change));
    json_builder_set_member_name(b, "now");
    if (r->new_valid && r->change != SMMUM_CHG_NARROW) {
        json_builder_begin_object(b);
        smmum_json_hex(b, "pa", r->new_pa);
        smmum_json_hex(b, "size", 1ULL << r->new_size_shift);
        smmum_json_int(b, "perm", r->new_perm);
        json_builder_end_object(b);
    } else if (r->new_valid) {
        json_builder_begin_object(b);
        smmum_json_int(b, "perm", r->new_perm);
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_set_member_name(b, "descriptor");
    json_builder_begin_object(b);
    smmum_json_hex(b, "pa", r->desc_pa);
    if (r->desc_level_known) {
        smmum_json_int(b, "level", r->desc_level);
    }
    smmum_json_int(b, "index", r->desc_index);
    smmum_json_int(b, "of", r->ndescs);
    smmum_json_hex(b, "old", r->desc_old);
    smmum_json_hex(b, "new", r->desc_new);
    json_builder_end_object(b);
    smmum_json_str(b, "detected", r->detected ? r->detected : "?");
    smmum_json_int(b, "detect_seq", (int64_t)r->detect_seq);
    smmum_json_int(b, "detect_vcnt", (int64_t)r->detect_vcnt);
    json_builder_set_member_name(b, "missed_tlbis");
    json_builder_begin_array(b);
    for (unsigned i = 0; i < r->ntlbis && i < SMMUM_MAINT_MAX_TLBIS; i++) {
        add_tlbi(b, &r->tlbis[i], true);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "removed_by");
    if (r->removed_by_tlbi) {
        add_tlbi(b, &r->removal, false);
    } else {
        json_builder_add_null_value(b);
    }
    if (r->reason) {
        smmum_json_str(b, "reason", r->reason);
    }
    smmum_json_int(b, "exposure", (int64_t)r->exposure);
    smmum_json_int(b, "exposure_after_tlbi", (int64_t)r->exposure_stale);
    smmum_json_int(b, "bbml", r->bbml);
    if (r->kind == SMMUM_MAINT_BBM) {
        smmum_json_bool(b, "tlb_conflict", r->conflict);
    }
    if (r->atc) {
        smmum_json_bool(b, "atc_inv_pending", r->atc_inv_pending);
    }
idr:
    smmum_json_idr(b, &r->idr);
    json_builder_end_object(b);

    return smmum_json_finish(b);
}

char *smmum_maint_record_describe(const SmmumMaintRecord *r)
{
    GString *s = g_string_new("smmuv3-modern maint-check: ");
    const SmmumIotlbEntry *e = &r->entry;

    g_string_append_printf(s, "%s severity=%s sid=0x%x",
                           smmum_maint_kind_name(r->kind),
                           smmum_tear_severity_name(r->sev), r->sid);
    if (r->ssv) {
        g_string_append_printf(s, " ssid=%u", r->ssid);
    }
    if (r->kind == SMMUM_MAINT_ATS_UNCOVERED) {
        g_string_append_printf(s, " translated DMA to 0x%" G_GINT64_MODIFIER
                               "x, which no ATC translation covers",
                               r->translated_addr);
        return g_string_free(s, FALSE);
    }
    if (r->kind == SMMUM_MAINT_ATS_ENABLE) {
        g_string_append_printf(s, " the endpoint enabled ATS while the STE"
                               " in %s (EATS=%u) is %s: its Translation"
                               " Requests get UR",
                               r->ste_view, r->ste_eats,
                               smmum_ats_ste_name(r->ste_state));
        return g_string_free(s, FALSE);
    }
    if (r->kind == SMMUM_MAINT_ATS_DISABLE) {
        g_string_append_printf(s, " an STE refusing ATS (%s, EATS=%u) at "
                               "0x%" G_GINT64_MODIFIER "x was published "
                               "(seen at %s) while the endpoint still had "
                               "ATS enabled", smmum_ats_ste_name(r->ste_state),
                               r->ste_eats, r->ste_pa, r->detected);
        return g_string_free(s, FALSE);
    }
    g_string_append_printf(s, " %s", r->atc ? "atc" : stage_name(e));
    if (!r->atc && e->tag.stage == SMMUM_TLB_S1) {
        g_string_append_printf(s, " asid=%u", e->tag.asid);
    }
    g_string_append_printf(s, " vmid=%u iova=0x%" G_GINT64_MODIFIER "x"
                           "+0x%" G_GINT64_MODIFIER "x -> 0x%"
                           G_GINT64_MODIFIER "x; %s: descriptor @0x%"
                           G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x"
                           " -> 0x%" G_GINT64_MODIFIER "x",
                           e->tag.vmid, e->iova,
                           (uint64_t)1 << e->size_shift,
                           e->pa, smmum_maint_change_name(r->change),
                           r->desc_pa, r->desc_old, r->desc_new);
    for (unsigned i = 0; i < r->ntlbis && i < SMMUM_MAINT_MAX_TLBIS; i++) {
        const SmmumMaintTlbi *t = &r->tlbis[i];

        g_string_append_printf(s, "; %s asid=%u vmid=%u addr=0x%"
                               G_GINT64_MODIFIER "x missed:",
                               smmum_tlbi_op_name(t->t.opcode), t->t.asid,
                               t->t.vmid, t->t.addr);
        for (unsigned j = 0; j < SMMUM_MISS__BITS; j++) {
            if (t->missed & (1u << j)) {
                g_string_append_printf(s, " %s", smmum_maint_miss_name(j));
            }
        }
    }
    if (r->removed_by_tlbi) {
        g_string_append_printf(s, "; removed by %s",
                               smmum_tlbi_op_name(r->removal.t.opcode));
    } else if (r->reason) {
        g_string_append_printf(s, "; %s", r->reason);
    }
    if (r->exposure) {
        g_string_append_printf(s, "; %" G_GUINT64_FORMAT " DMA served",
                               r->exposure);
    }
    if (r->conflict) {
        g_string_append(s, "; F_TLB_CONFLICT");
    }
    return g_string_free(s, FALSE);
}

char *smmum_maint_summary(const SmmumMaintCounters *c)
{
    GString *s = g_string_new("");
    uint64_t findings = 0;

    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        findings += c->records[k];
    }
    g_string_append_printf(s, "%" G_GUINT64_FORMAT " finding(s)", findings);
    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        if (c->records[k]) {
            g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                                   smmum_maint_kind_name(k), c->records[k]);
        }
    }
    g_string_append_printf(s, "; checked: %" G_GUINT64_FORMAT " entries, %"
                           G_GUINT64_FORMAT " hits, %" G_GUINT64_FORMAT
                           " descriptor reads, %" G_GUINT64_FORMAT
                           " TLBIs, %" G_GUINT64_FORMAT " SYNCs (%"
                           G_GUINT64_FORMAT " neighbours, %"
                           G_GUINT64_FORMAT " skipped); changed entries:",
                           c->entries, c->hits, c->descs_read, c->tlbis,
                           c->syncs, c->neighbours, c->skipped);
    for (unsigned i = 1; i < SMMUM_CHG__MAX; i++) {
        g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                               smmum_maint_change_name(i), c->changes[i]);
    }
    g_string_append_printf(s, "; maintained before use %" G_GUINT64_FORMAT
                           ", benign %" G_GUINT64_FORMAT,
                           c->maintained, c->benign);
    if (c->ats_granted || c->translated || c->atc_invs) {
        g_string_append_printf(s, "; ATS: %" G_GUINT64_FORMAT " translations"
                               ", %" G_GUINT64_FORMAT " ATC_INVs, %"
                               G_GUINT64_FORMAT " translated DMA",
                               c->ats_granted, c->atc_invs, c->translated);
    }
    if (c->ats_enables || c->ats_disables || c->ats_cfgis) {
        g_string_append_printf(s, "; ATS Enable: %" G_GUINT64_FORMAT
                               " on, %" G_GUINT64_FORMAT " off, %"
                               G_GUINT64_FORMAT " CFGIs while on",
                               c->ats_enables, c->ats_disables, c->ats_cfgis);
    }
    if (c->conflicts) {
        g_string_append_printf(s, ", TLB conflicts %" G_GUINT64_FORMAT,
                               c->conflicts);
    }
    return g_string_free(s, FALSE);
}

char *smmum_maint_summary_to_json(const SmmumMaintCounters *c)
{
    JsonBuilder *b = json_builder_new();
    uint64_t findings = 0;
    static const struct {
        const char *name;
        size_t off;
    } checked[] = {
#define C(f) { #f, offsetof(SmmumMaintCounters, f) }
        C(entries), C(hits), C(descs_read), C(rewalks), C(tlbis), C(syncs),
        C(neighbours), C(skipped), C(maintained), C(benign), C(conflicts),
        C(untracked), C(ats_granted), C(atc_invs), C(translated),
        C(atc_dropped), C(ats_enables), C(ats_disables), C(ats_cfgis),
#undef C
    };

    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        findings += c->records[k];
    }
    json_builder_begin_object(b);
    smmum_json_int(b, "schema", SMMUM_TEAR_SCHEMA_VERSION);
    smmum_json_str(b, "type", "maint-summary");
    smmum_json_str(b, "mode", "maint");
    smmum_json_int(b, "findings", (int64_t)findings);
    json_builder_set_member_name(b, "by_type");
    json_builder_begin_object(b);
    for (unsigned k = 0; k < SMMUM_MAINT__MAX; k++) {
        smmum_json_int(b, smmum_maint_kind_name(k), (int64_t)c->records[k]);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "changes");
    json_builder_begin_object(b);
    for (unsigned i = 1; i < SMMUM_CHG__MAX; i++) {
        smmum_json_int(b, smmum_maint_change_name(i),
                       (int64_t)c->changes[i]);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "checked");
    json_builder_begin_object(b);
    for (unsigned i = 0; i < G_N_ELEMENTS(checked); i++) {
        smmum_json_int(b, checked[i].name,
                       (int64_t)*(const uint64_t *)((const char *)c +
                                                    checked[i].off));
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    return smmum_json_finish(b);
}
