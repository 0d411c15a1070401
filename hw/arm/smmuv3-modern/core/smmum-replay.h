/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-modern core: replaying a tear-checker trace (smmum-trace.h)
 * through the same checker, offline: the checker's host answers from the
 * trace (memory, registers, clock), its inputs are the trace's records
 * in order.  Also: delta debugging of a trace down to the records one
 * finding needs.  Used by tools/smmum-replay and the unit tests.
 */
#ifndef SMMUM_REPLAY_H
#define SMMUM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "smmum-trace.h"

/* A parsed trace: recs[0] is the header, line[i] the line of recs[i]. */
typedef struct SmmumTraceFile {
    GArray *recs;               /* SmmumTraceRec */
    GArray *line;               /* unsigned */
    unsigned unknown;           /* records of kinds this reader skips */
    GPtrArray *extra;           /* char *: their lines (NULL for others) */
} SmmumTraceFile;

/* NULL with *err (g_free it) naming the line when the text is no trace. */
SmmumTraceFile *smmum_trace_parse(const char *text, char **err);
SmmumTraceFile *smmum_trace_load(const char *path, char **err);
void smmum_trace_file_free(SmmumTraceFile *f);
/* The records with keep[i] (recs[0], the header, always), as JSON Lines. */
char *smmum_trace_file_to_text(const SmmumTraceFile *f, const bool *keep);

typedef struct SmmumReplay SmmumReplay;
/* A finding, made while the record at index idx was being replayed. */
typedef void (*SmmumReplayFinding)(void *opaque, const SmmumTearRecord *r,
                                   size_t idx);

/* A checker set up as the header says. */
SmmumReplay *smmum_replay_new(const SmmumTraceRec *header,
                              SmmumReplayFinding cb, void *opaque);
/*
 * Records of kinds the tear checker does not know (another checker's):
 * fn gets each one's line when smmum_replay_run reaches it.
 */
typedef void (*SmmumReplayExtra)(void *opaque, const char *line,
                                 size_t idx);
void smmum_replay_set_extra(SmmumReplay *rp, SmmumReplayExtra fn,
                            void *opaque);
/* Feed one record (idx: its index, passed to the finding callback). */
void smmum_replay_feed(SmmumReplay *rp, const SmmumTraceRec *r, size_t idx);
SmmumTear *smmum_replay_tear(SmmumReplay *rp);
/*
 * What the trace says guest memory holds at this point of the replay
 * (for another checker replayed alongside, smmum-maint-trace.h).
 */
SmmumTraceMem *smmum_replay_mem(SmmumReplay *rp);
void smmum_replay_free(SmmumReplay *rp);

/*
 * Replay f's records 1..stop (stop 0 or past the end: all) that keep
 * selects (NULL: all).  Returns the checker for inspection.
 */
SmmumReplay *smmum_replay_run(const SmmumTraceFile *f, const bool *keep,
                              size_t stop, SmmumReplayFinding cb,
                              void *opaque);
/* The same, passing records of unknown kinds to extra. */
SmmumReplay *smmum_replay_run_extra(const SmmumTraceFile *f,
                                    const bool *keep, size_t stop,
                                    SmmumReplayFinding cb, void *opaque,
                                    SmmumReplayExtra extra,
                                    void *extra_opaque);

/* Is r the same finding as target (type, class, view, SID, SSID)? */
bool smmum_replay_same_finding(const SmmumTearRecord *r,
                               const SmmumTearRecord *target);

/*
 * Delta debugging: a keep mask (g_free it) of as few records as this
 * finds in at most max_runs replays, with which the replay still makes
 * target's finding.  First everything after the record that made it is
 * dropped, then chunks of the rest (ddmin).  *runs: replays done.  NULL
 * when the whole trace does not make the finding.
 */
bool *smmum_replay_minimise(const SmmumTraceFile *f,
                            const SmmumTearRecord *target,
                            unsigned max_runs, unsigned *runs);

#endif
