/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: fault injection (see smmum-inject.h): spec parsing,
 * triggers, and the hooks the rest of the core calls.
 */
#include "smmum-inject.h"
#include "smmum-int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static const char *const inj_names[SMMUM_INJ__MAX] = {
    [SMMUM_INJ_FETCH] = "inject-fetch",
    [SMMUM_INJ_CERROR] = "inject-cerror",
    [SMMUM_INJ_SYNC] = "inject-sync",
    [SMMUM_INJ_EVTQ_OVERFLOW] = "inject-evtq-overflow",
    [SMMUM_INJ_MSI_ABORT] = "inject-msi-abort",
};

typedef struct InjWord {
    const char *name;
    unsigned bit;
} InjWord;

static const InjWord fetch_words[] = {
    { "ste", SMMUM_FETCH_STE },
    { "cd", SMMUM_FETCH_CD },
    { "l1std", SMMUM_FETCH_L1STD },
    { "l1cd", SMMUM_FETCH_L1CD },
    { "walk", SMMUM_INJ_FETCH_WALK },
};

static const InjWord msi_words[] = {
    { "gerror", SMMUM_IRQ_GERROR },
    { "evtq", SMMUM_IRQ_EVTQ },
    { "cmdq", SMMUM_IRQ_CMD_SYNC },
};

const char *smmum_inject_name(SmmumInjWhat what)
{
    return what < SMMUM_INJ__MAX ? inj_names[what] : "inject-?";
}

SmmumInject *smmum_inject_new(const SmmumInjectHost *host)
{
    SmmumInject *inj = g_new0(SmmumInject, 1);

    if (host) {
        inj->host = *host;
    }
    return inj;
}

void smmum_inject_free(SmmumInject *inj)
{
    if (!inj) {
        return;
    }
    if (inj->core && inj->core->inject == inj) {
        inj->core->inject = NULL;
    }
    for (int i = 0; i < SMMUM_INJ__MAX; i++) {
        g_free(inj->spec[i].text);
    }
    g_free(inj);
}

static void update_active(SmmumInject *inj)
{
    bool on = inj->sfm || inj->sync_held || inj->sync_release;

    for (int i = 0; i < SMMUM_INJ__MAX; i++) {
        on |= inj->spec[i].armed;
    }
    inj->active = on;
}

static void fired(SmmumInject *inj, SmmumInjWhat what, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void fired(SmmumInject *inj, SmmumInjWhat what, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    inj->fired++;
    if (!inj->host.fired) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    inj->host.fired(inj->host.opaque, what, msg);
    g_free(msg);
}

/* Count one matching step; true when the injection fires on it. */
static bool trigger_hit(SmmumInjTrigger *t)
{
    if (t->count && t->fired >= t->count) {
        return false;
    }
    t->matches++;
    if (t->matches % t->every) {
        return false;
    }
    t->fired++;
    return true;
}

/* ---- spec parsing ---- */

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    uint64_t v;

    if (!*s || *s == '-' || *s == '+' || g_ascii_isspace(*s)) {
        return false;
    }
    errno = 0;
    v = g_ascii_strtoull(s, &end, 0);
    if (errno || *end || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static char *words_hint(const InjWord *w, size_t n)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "", w[i].name);
    }
    return g_string_free(s, false);
}

/* MODE as a '+'-separated set of words; 0 with *err set on failure. */
static uint32_t parse_words(const char *prop, const char *mode,
                            const InjWord *w, size_t n, char **err)
{
    g_auto(GStrv) parts = g_strsplit(mode, "+", -1);
    uint32_t mask = 0;

    for (int i = 0; parts[i]; i++) {
        size_t j;

        for (j = 0; j < n; j++) {
            if (!strcmp(parts[i], w[j].name)) {
                mask |= 1u << w[j].bit;
                break;
            }
        }
        if (j == n) {
            g_autofree char *hint = words_hint(w, n);

            *err = g_strdup_printf("%s: '%s' is not one of %s (joined "
                                   "with '+')", prop, parts[i], hint);
            return 0;
        }
    }
    return mask;
}

static char *parse_mode(SmmumInjWhat what, const char *prop,
                        const char *mode, SmmumInjSpec *sp)
{
    char *err = NULL;

    switch (what) {
    case SMMUM_INJ_FETCH:
        sp->mask = parse_words(prop, mode, fetch_words,
                               G_N_ELEMENTS(fetch_words), &err);
        return err;
    case SMMUM_INJ_MSI_ABORT:
        sp->mask = parse_words(prop, mode, msi_words,
                               G_N_ELEMENTS(msi_words), &err);
        return err;
    case SMMUM_INJ_CERROR:
        if (!strcmp(mode, "ill")) {
            sp->err = SMMUM_CERROR_ILL;
        } else if (!strcmp(mode, "abt")) {
            sp->err = SMMUM_CERROR_ABT;
        } else {
            return g_strdup_printf("%s: '%s' is not ill or abt", prop, mode);
        }
        return NULL;
    case SMMUM_INJ_SYNC:
        if (!strcmp(mode, "never")) {
            sp->never = true;
        } else if (strcmp(mode, "late")) {
            return g_strdup_printf("%s: '%s' is not never or late", prop,
                                   mode);
        }
        return NULL;
    case SMMUM_INJ_EVTQ_OVERFLOW:
        if (strcmp(mode, "on")) {
            return g_strdup_printf("%s: '%s' is not on (or off)", prop, mode);
        }
        return NULL;
    default:
        return g_strdup_printf("%s: no such injection", prop);
    }
}

/* One KEY=VALUE option; NULL or an error message. */
static char *parse_option(SmmumInjWhat what, const char *prop,
                          const char *opt, SmmumInjSpec *sp)
{
    const char *eq = strchr(opt, '=');
    g_autofree char *key = eq ? g_strndup(opt, eq - opt) : g_strdup(opt);
    const char *val = eq ? eq + 1 : "";
    uint64_t max = UINT32_MAX, v;
    bool ok = false;

    if (!strcmp(key, "op") || !strcmp(key, "type")) {
        max = 0xff;
    } else if (!strcmp(key, "ns")) {
        max = INT64_MAX;
    }
    if (!eq || !parse_u64(val, max, &v)) {
        return g_strdup_printf("%s: option '%s' needs KEY=NUMBER (at most "
                               "%" PRIu64 ")", prop, opt, max);
    }
    if (!strcmp(key, "every") || !strcmp(key, "nth")) {
        if (!v) {
            return g_strdup_printf("%s: %s must be at least 1", prop, key);
        }
        sp->trig.every = v;
        if (key[0] == 'n') {
            sp->trig.count = 1;
        }
        ok = true;
    } else if (!strcmp(key, "count")) {
        sp->trig.count = v;
        ok = true;
    } else if (what == SMMUM_INJ_FETCH && !strcmp(key, "sid")) {
        sp->sid = v;
        ok = true;
    } else if (what == SMMUM_INJ_CERROR && !strcmp(key, "op")) {
        sp->opcode = v;
        ok = true;
    } else if (what == SMMUM_INJ_EVTQ_OVERFLOW && !strcmp(key, "type")) {
        sp->evt_type = v;
        ok = true;
    } else if (what == SMMUM_INJ_SYNC && !sp->never &&
               (!strcmp(key, "accesses") || !strcmp(key, "ns"))) {
        if (!v) {
            return g_strdup_printf("%s: %s must be at least 1", prop, key);
        }
        if (key[0] == 'a') {
            sp->accesses = v;
        } else {
            sp->ns = v;
        }
        ok = true;
    }
    if (!ok) {
        return g_strdup_printf("%s: option '%s' does not apply here", prop,
                               key);
    }
    return NULL;
}

static char *parse_spec(SmmumInjWhat what, const char *text,
                        SmmumInjSpec *sp)
{
    const char *prop = smmum_inject_name(what);
    g_auto(GStrv) parts = NULL;
    char *err;

    memset(sp, 0, sizeof(*sp));
    sp->trig.every = 1;
    sp->sid = -1;
    sp->opcode = -1;
    sp->evt_type = -1;
    if (!text || !*text || !strcmp(text, "off")) {
        return NULL;
    }
    parts = g_strsplit(text, ":", -1);
    err = parse_mode(what, prop, parts[0], sp);
    for (int i = 1; !err && parts[i]; i++) {
        err = parse_option(what, prop, parts[i], sp);
    }
    if (!err && what == SMMUM_INJ_SYNC && !sp->never && !sp->accesses &&
        !sp->ns) {
        err = g_strdup_printf("%s: late needs accesses=N and/or ns=N", prop);
    }
    if (err) {
        return err;
    }
    sp->armed = true;
    sp->text = g_strdup(text);
    return NULL;
}

/* ---- held CMD_SYNC ---- */

static void drop_hold(SmmumInject *inj)
{
    if (inj->sync_held && inj->host.timer) {
        inj->host.timer(inj->host.opaque, 0);
    }
    inj->sync_held = false;
    inj->sync_release = false;
    update_active(inj);
}

/* Let the held CMD_SYNC complete now and consumption go on. */
static void release_sync(SmmumInject *inj)
{
    if (!inj->sync_held) {
        return;
    }
    drop_hold(inj);
    inj->sync_release = true;
    update_active(inj);
    if (inj->core) {
        smmum_cmdq_process(inj->core);
    }
}

void smmum_inject_timer_expired(SmmumInject *inj)
{
    release_sync(inj);
}

/* ---- host interface ---- */

static void enter_sfm(SmmumCore *s)
{
    /* Nothing handed out before may be used any more. */
    s->xlate_gen++;
    smmum_notify_inval_all(s);
    smmum_gerror_raise(s, SMMUM_GERROR_SFM_ERR);
}

void smmum_inject_attach(SmmumInject *inj, SmmumCore *s)
{
    if (inj->core && inj->core->inject == inj) {
        inj->core->inject = NULL;
    }
    drop_hold(inj);
    inj->core = s;
    if (!s) {
        return;
    }
    s->inject = inj;
    if (inj->sfm) {
        enter_sfm(s);
    }
}

char *smmum_inject_set(SmmumInject *inj, SmmumInjWhat what,
                       const char *text)
{
    SmmumInjSpec sp;
    char *err;

    if (what >= SMMUM_INJ__MAX) {
        return g_strdup("no such injection");
    }
    err = parse_spec(what, text, &sp);
    if (err) {
        return err;
    }
    g_free(inj->spec[what].text);
    inj->spec[what] = sp;
    update_active(inj);
    if (what == SMMUM_INJ_SYNC) {
        release_sync(inj);
    }
    if (what == SMMUM_INJ_FETCH && sp.armed && inj->core) {
        /* Allowed at any time: the next transaction fetches afresh. */
        smmum_core_drop_caches(inj->core);
    }
    return NULL;
}

const char *smmum_inject_get(const SmmumInject *inj, SmmumInjWhat what)
{
    if (what >= SMMUM_INJ__MAX || !inj->spec[what].armed) {
        return "off";
    }
    return inj->spec[what].text;
}

void smmum_inject_set_sfm(SmmumInject *inj, bool on)
{
    if (on == inj->sfm) {
        return;
    }
    inj->sfm = on;
    update_active(inj);
    if (!inj->core) {
        return;
    }
    if (on) {
        fired(inj, SMMUM_INJ_SFM, "service failure mode entered");
        enter_sfm(inj->core);
    } else {
        /* Commands published meanwhile are consumed now. */
        smmum_cmdq_process(inj->core);
    }
}

uint64_t smmum_inject_fired(const SmmumInject *inj)
{
    return inj->fired;
}

/* ---- hooks ---- */

bool smmum_inject_txn_slow(SmmumCore *s, const SmmumTxn *txn)
{
    s->inject->cur_sid = txn->sid;
    return s->inject->sfm;
}

bool smmum_inject_fetch_slow(SmmumCore *s, unsigned kind, uint32_t sid)
{
    SmmumInject *inj = s->inject;
    SmmumInjSpec *sp = &inj->spec[SMMUM_INJ_FETCH];
    static const char *const kinds[] = {
        [SMMUM_FETCH_STE] = "STE", [SMMUM_FETCH_CD] = "CD",
        [SMMUM_FETCH_L1STD] = "L1STD", [SMMUM_FETCH_L1CD] = "L1CD",
        [SMMUM_INJ_FETCH_WALK] = "table walk",
    };

    if (!sp->armed || !(sp->mask & (1u << kind)) ||
        (sp->sid >= 0 && sp->sid != sid) || !trigger_hit(&sp->trig)) {
        return false;
    }
    fired(inj, SMMUM_INJ_FETCH, "%s read for StreamID %u aborted",
          kind < G_N_ELEMENTS(kinds) ? kinds[kind] : "?", sid);
    return true;
}

bool smmum_inject_cmdq_stopped_slow(SmmumCore *s)
{
    SmmumInject *inj = s->inject;

    if (inj->sfm) {
        return true;
    }
    if (inj->sync_held && s->cmdq.cons != inj->held_cons) {
        /* The queue was reset under the held command: forget it. */
        drop_hold(inj);
    }
    return inj->sync_held;
}

unsigned smmum_inject_command_slow(SmmumCore *s, const uint64_t c[2])
{
    SmmumInject *inj = s->inject;
    SmmumInjSpec *ce = &inj->spec[SMMUM_INJ_CERROR];
    SmmumInjSpec *sy = &inj->spec[SMMUM_INJ_SYNC];
    unsigned op = c[0] & 0xff;

    if (inj->sync_release) {
        bool same = s->cmdq.cons == inj->held_cons;

        inj->sync_release = false;
        update_active(inj);
        if (same) {
            return 0;       /* the released CMD_SYNC: no second match */
        }
    }
    if (ce->armed && (ce->opcode < 0 || ce->opcode == op) &&
        trigger_hit(&ce->trig)) {
        fired(inj, SMMUM_INJ_CERROR, "command 0x%02x at CONS 0x%x fails "
              "with %s", op, s->cmdq.cons,
              ce->err == SMMUM_CERROR_ILL ? "CERROR_ILL" : "CERROR_ABT");
        return ce->err;
    }
    if (op == SMMUM_CMD_SYNC && sy->armed && trigger_hit(&sy->trig)) {
        inj->sync_held = true;
        inj->held_cons = s->cmdq.cons;
        inj->accesses_left = sy->accesses;
        update_active(inj);
        if (sy->ns && inj->host.timer) {
            inj->host.timer(inj->host.opaque, sy->ns);
        }
        fired(inj, SMMUM_INJ_SYNC, "CMD_SYNC at CONS 0x%x held (%s)",
              s->cmdq.cons, sy->never ? "never completes" : "late");
        return SMMUM_INJ_HOLD;
    }
    return 0;
}

bool smmum_inject_evtq_overflow_slow(SmmumCore *s, const SmmumEvent *ev)
{
    SmmumInject *inj = s->inject;
    SmmumInjSpec *sp = &inj->spec[SMMUM_INJ_EVTQ_OVERFLOW];

    if (!sp->armed || (sp->evt_type >= 0 && sp->evt_type != ev->type) ||
        !trigger_hit(&sp->trig)) {
        return false;
    }
    fired(inj, SMMUM_INJ_EVTQ_OVERFLOW, "event 0x%02x for StreamID %u "
          "lost as on overflow", ev->type, ev->sid);
    return true;
}

bool smmum_inject_msi_abort_slow(SmmumCore *s, SmmumIrq line)
{
    SmmumInject *inj = s->inject;
    SmmumInjSpec *sp = &inj->spec[SMMUM_INJ_MSI_ABORT];

    if (!sp->armed || !(sp->mask & (1u << line)) ||
        !trigger_hit(&sp->trig)) {
        return false;
    }
    fired(inj, SMMUM_INJ_MSI_ABORT, "MSI of interrupt %u aborted", line);
    return true;
}

void smmum_inject_mmio_slow(SmmumCore *s)
{
    SmmumInject *inj = s->inject;

    if (inj->sync_held && inj->accesses_left &&
        !--inj->accesses_left) {
        release_sync(inj);
    }
}

void smmum_inject_reset(SmmumCore *s)
{
    SmmumInject *inj = s->inject;

    if (!inj) {
        return;
    }
    drop_hold(inj);
    if (inj->sfm) {
        /* A broken SMMU stays broken: in SFM again straight from reset. */
        smmum_gerror_raise(s, SMMUM_GERROR_SFM_ERR);
    }
}
