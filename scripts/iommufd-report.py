#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn an iommufd run (scripts/iommufd-run.sh) into TAP and evidence.

    iommufd-report.py CONSOLE.log REPORT.jsonl [--system-map FILE]
                      [--steps FILE] [--json FILE]

Prints TAP lines (no plan; the caller numbers and counts them):
  - one per KUnit case of the kernel's KTAP output (dmesg), per suite
    one more for the suite's own result, "not ok" when no KTAP at all;
  - one per SMMUM-CHECK line of the guest (workload and exerciser);
  - the tear report's verdict (no tear of severity major or critical, no
    transient bypass, no missing invalidation).
Then, as "# " comments: each exerciser step (SMMUM-IOMMUFD lines) with the
report records of the exerciser's StreamID whose virtual time falls in the
step, and per seed property the transitions, sync counts, verdicts and
violations the model recorded.  --steps FILE writes that table to FILE as
well, --json FILE the same as one JSON object.
"""
import collections
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    'tear_summary', os.path.join(HERE, 'tear-summary.py'))
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
KT_RES = re.compile(r'^(\s*)(not ok|ok) (\d+) (.*?)(?:\s+#\s*(.*))?$')
KT_SUB = re.compile(r'^(\s*)# Subtest: (.*)$')


def dmesg_lines(path):
    """The kernel log the guest dumped, timestamps stripped."""
    out, inside = [], False
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('SMMUM-DMESG-BEGIN'):
                inside, out = True, []
                continue
            if line.startswith('SMMUM-DMESG-END'):
                inside = False
                continue
            if inside:
                out.append(STAMP.sub('', line))
    return out


def kunit(lines):
    """[(suite, case, ok, directive)] and [(suite, ok, directive)].

    KUnit's KTAP: a suite is "    # Subtest: NAME" (4 spaces) with its
    cases as "    ok N name" at the same indentation and its own result
    "ok N NAME" at 0; parameter instances (8 spaces) are not counted."""
    cases, suites = [], []
    suite = None
    for line in lines:
        m = KT_SUB.match(line)
        if m and len(m[1]) == 4:
            suite = m[2].strip()
            continue
        m = KT_RES.match(line)
        if not m or suite is None:
            continue
        indent, ok, name, directive = len(m[1]), m[2] == 'ok', m[4], m[5]
        if indent == 4:
            cases.append((suite, name.strip(), ok, directive))
        elif indent == 0:
            suites.append((name.strip(), ok, directive))
            suite = None
    return cases, suites


def exerciser_steps(path):
    """(steps, edu's BDF, the PASID device's BDF)."""
    steps, bdf, pbdf = [], None, None
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('SMMUM-DMESG-BEGIN'):
                break
            m = re.match(r'SMMUM-STEP \S+ iommufd: exerciser on (\S+)', line)
            if m:
                bdf = m[1]
            m = re.match(r'SMMUM-STEP \S+ iommufd: PASID exerciser on (\S+)',
                         line)
            if m:
                pbdf = m[1]
            w = line.split(' ', 6)
            if w[0] != 'SMMUM-IOMMUFD' or len(w) < 6 or w[3] == 'end':
                continue
            steps.append({'vns': int(w[1]), 'uptime': float(w[2]),
                          'n': int(w[3]), 'name': w[4], 'res': w[5],
                          'detail': w[6] if len(w) > 6 else ''})
    return steps, bdf, pbdf


def rec_ns(rec):
    t = ts.rec_time(rec)
    return None if t is None else int(t * 1e9)


def label(rec, which):
    return ts.config_label(rec.get('view'), rec.get(which))


def kind(rec, which):
    return ts.config_kind(rec.get('view'), rec.get(which))


def brief(rec):
    if rec.get('type') == 'transition':
        view = rec.get('view')
        if rec.get('ssid') is not None:
            view += f' ssid {rec["ssid"]}'
        return (f'{view} {label(rec, "a")} -> {label(rec, "b")}'
                f' {rec.get("verdict")} syncs={rec.get("sync_count")}')
    return ts.describe(rec)


# The STE configuration each domain-changing step must leave behind.
TARGETS = (('nested abort', 'abort'), ('nested bypass', 'S2'),
           ('nested s1', 'nested'), ('S2 parent', 'S2'),
           ('dirty-tracking HWPT', 'S1'), ('paging HWPT', 'S1'))


def target_kind(step):
    """abort / S1 / S2 / nested after this step, or None (no change)."""
    name, detail = step['name'], step['detail']
    if step['res'] not in ('ok', 'SKIP'):
        return None
    if name == 'bind' or name.startswith('detach-blocked'):
        return 'abort'
    if name == 'pasid-attach':
        # The RID is BLOCKED: the STE becomes a CD-table one for the
        # PASID's CD.  Detaching the PASID may or may not downgrade it
        # again (the driver decides), so pasid-detach expects nothing.
        return 'S1'
    if name.startswith(('attach-', 'replace-')):
        for text, kind_ in TARGETS:
            if f'to {text}' in detail:
                return kind_
    return None


def assign(steps, records, sid):
    """Line the StreamID's STE transitions up with the exerciser's steps.

    Report records carry no time of their own, but the report keeps their
    order: the last STE transitions of the StreamID must be, one by one,
    the configuration changes the exerciser's steps imply.  Returns
    (per step records, records before the exerciser, aligned?, what)."""
    per = collections.OrderedDict((s['n'], []) for s in steps)
    mine = [r for r in records if r.get('sid') == sid]
    ste = [i for i, r in enumerate(mine) if r.get('view') == 'ste' and
           r.get('type') == 'transition']
    changes, prev = [], None
    for s in steps:
        k = target_kind(s)
        if k and k != prev:
            changes.append((s, k))
        if k:
            prev = k
    start = len(ste) - len(changes)
    got = [kind(mine[i], 'b') for i in ste[max(start, 0):]]
    want = [k for _, k in changes]
    aligned = start >= 0 and got == want
    what = (f'{len(changes)} STE changes expected from the steps, '
            f'{len(ste)} STE transitions of the StreamID reported; '
            + ('the last ones match in order' if aligned else
               f'expected {want}, the last ones are {got}'))
    if not aligned:
        return per, mine, False, what
    first = ste[start]
    bounds = [ste[start + j] for j in range(len(changes))] + [len(mine)]
    for j, (s, _) in enumerate(changes):
        per[s['n']] = mine[bounds[j]:bounds[j + 1]]
    # A record after a step's STE change and before the next one belongs
    # to that step or to one of the steps up to the next change: name
    # the whole span.
    names = [s['name'] for s in steps]
    idx = {s['n']: k for k, s in enumerate(steps)}
    for j, (s, _) in enumerate(changes):
        lo = idx[s['n']]
        hi = idx[changes[j + 1][0]['n']] if j + 1 < len(changes) else \
            len(steps)
        SPAN[s['n']] = names[lo] if hi - lo <= 1 else \
            f'{names[lo]} .. {names[hi - 1]}'
    return per, mine[:first], True, what


SPAN = {}


VIOL = ('tear', 'missing-invalidation', 'transient-bypass')


def seed_evidence(records, sid, steps, per, psid=None, psteps=()):
    """Per seed property: what the model recorded."""
    by_name = {s['name']: s for s in steps}

    def recs_of(names):
        out = []
        for nm in names:
            s = by_name.get(nm)
            if s:
                out += [(SPAN.get(s['n'], nm), r)
                        for r in per.get(s['n'], [])]
        return out

    def summarise(pairs):
        tr = [(nm, r) for nm, r in pairs if r.get('type') == 'transition']
        vi = [(nm, r) for nm, r in pairs if r.get('type') in VIOL or
              (r.get('type') == 'tear')]
        hl = sum(1 for _, r in tr if r.get('verdict') == 'hitless')
        return {
            'transitions': [f'{nm}: {brief(r)}' for nm, r in tr],
            'hitless': hl, 'breaking': len(tr) - hl,
            'violations': [f'{nm}: {brief(r)}' for nm, r in vi],
            'steps': list(dict.fromkeys(n for n, _ in pairs)),
        }

    allsid = [r for r in records if r.get('type') == 'transition']
    kinds = collections.Counter(
        f'{kind(r, "a")}->{kind(r, "b")} {r.get("verdict")}'
        for r in allsid if r.get('view') == 'ste')
    ident = {k: v for k, v in kinds.items()
             if ('bypass' in k) and ('S1' in k or 'S2' in k)}
    tb = [r for r in records if r.get('type') == 'transient-bypass']
    blocked_steps = ['bind', 'dma-blocked-bind', 'detach-blocked',
                     'dma-blocked-detach', 'detach-blocked-2']
    ev = collections.OrderedDict()
    ev['BLOCKED/IDENTITY never-fail attach'] = summarise(
        recs_of(blocked_steps))
    ev['hitless IDENTITY <-> DMA (all StreamIDs, STE)'] = {
        'kinds': dict(sorted(ident.items()))}
    to_abort = [r for r in allsid if r.get('sid') == sid and
                r.get('view') == 'ste' and kind(r, 'b') == 'abort']
    ev['PAGING -> BLOCKED never through IDENTITY'] = {
        'transitions_to_abort': [brief(r) for r in to_abort],
        'transient_bypass_records': len(tb),
        'transient_bypass': [brief(r) for r in tb][:8],
    }
    ev['hitless replace'] = summarise(recs_of(
        [s['name'] for s in steps if s['name'].startswith(('replace-',
                                                          'attach-'))]))
    ev['GET_HW_INFO'] = {'checks': [
        f'{s["name"]} {s["res"]} {s["detail"]}' for s in steps
        if s['name'] == 'get-hw-info']}
    ev['NEST_PARENT'] = summarise(recs_of(
        ['nest-parent-alloc', 'replace-paging-s2', 'dma-s2']))
    ev['NESTED'] = summarise(recs_of(
        [s['name'] for s in steps if 'nested' in s['name'] or
         s['name'] in ('viommu-alloc', 'vdevice-alloc', 'veventq-alloc',
                       'vevent-fault', 'inv-cfgi-cd', 'inv-tlbi-nh-va',
                       'dma-after-cfgi-cd', 'dma-after-tlbi-nh-va',
                       'replace-bypass-s1', 'replace-abort-s1',
                       'replace-s1-bypass', 'replace-abort-bypass')]))
    ev['PASID'] = {
        'checks': [f'{s["name"]} {s["res"]} {s["detail"]}' for s in
                   list(steps) + list(psteps)
                   if s['name'].startswith(('pasid', 'pdev-'))],
        'test device records': [brief(r) for r in records
                                if psid is not None and
                                r.get('sid') == psid and
                                r.get('type') != 'unterminated-window'],
    }
    return ev


def main(argv):
    args = argv[1:]
    opts = {}
    pos = []
    while args:
        a = args.pop(0)
        if a in ('--system-map', '--steps', '--json'):
            opts[a] = args.pop(0) if args else None
        elif a.startswith('--'):
            sys.exit(f'unknown option {a}')
        else:
            pos.append(a)
    if len(pos) != 2:
        sys.exit(__doc__)
    console, report = pos
    if opts.get('--system-map') and os.path.exists(opts['--system-map']):
        ts.SYMS = ts.SystemMap(opts['--system-map'])

    # ---- KUnit ----
    cases, suites = kunit(dmesg_lines(console))
    if not cases and not suites:
        print('not ok - kunit: no KTAP output in the kernel log')
    for suite, case, ok, d in cases:
        skip = d and d.lower().startswith('skip')
        print(f'{"ok" if ok else "not ok"} - kunit {suite}: {case}'
              + (f' # {d}' if skip else ''))
    for suite, ok, d in suites:
        n = sum(1 for s, *_ in cases if s == suite)
        print(f'{"ok" if ok else "not ok"} - kunit {suite}: suite result'
              f' ({n} cases)' + (f' # {d}' if d and
                                 d.lower().startswith('skip') else ''))

    # ---- the guest's checks ----
    con = ts.parse_console(console)
    for name, res, detail in con['checks']:
        if res == 'PASS':
            print(f'ok - {name}: {detail}')
        elif res == 'SKIP':
            print(f'ok - {name} # skip {detail}')
        else:
            print(f'not ok - {name}: {detail}')

    # ---- the model's report ----
    try:
        records = ts.load(report)
    except (OSError, ValueError) as e:
        print(f'not ok - tear report unreadable: {e}')
        records = None
    allsteps, bdf, pbdf = exerciser_steps(console)
    steps = [s for s in allsteps if not s['name'].startswith('pdev-')]
    psteps = [s for s in allsteps if s['name'].startswith('pdev-')]
    psid = ts.sid_of_bdf(pbdf) if pbdf else None
    if records is not None:
        st = ts.stats(records)
        bad = st['tears_major'] + st['transient_bypass'] + \
            st['missing_invalidation']
        print(f'{"ok" if bad == 0 else "not ok"} - tear report:'
              f' {st["records"]} records, {st["tears"]} tears'
              f' ({st["tears_major"]} major+), {st["hitless"]} hitless /'
              f' {st["breaking"]} breaking transitions,'
              f' {st["transient_bypass"]} transient bypass,'
              f' {st["missing_invalidation"]} missing invalidations')
    sid = ts.sid_of_bdf(bdf) if bdf else None
    lines = []
    if records is not None and steps and sid is not None:
        per, before, aligned, what = assign(steps, records, sid)
        print(f'{"ok" if aligned else "not ok"} - STE transitions of'
              f' StreamID 0x{sid:x} follow the exerciser\'s attach/replace/'
              f'detach steps: {what}')
        lines.append(f'exerciser on {bdf} = StreamID 0x{sid:x}: '
                     f'{len(steps)} steps; {len(before)} records of this '
                     'StreamID before the first step (workload, vfio-edu)')
        for s in steps:
            lines.append(f'{s["vns"] / 1e9:10.6f}s {s["n"]:3d} {s["name"]}'
                         f' {s["res"]}' + (f'   [report records of'
                                           f' {SPAN[s["n"]]}:]'
                                           if per[s['n']] and ' .. ' in
                                           SPAN.get(s['n'], '') else ''))
            for r in per[s['n']]:
                mark = '!!' if r.get('type') in VIOL else '  '
                lines.append(f'{"":14}{mark} {brief(r)}')
        ev = seed_evidence(records, sid, steps, per, psid, psteps)
        lines.append('')
        lines.append('seed properties:')
        for k, v in ev.items():
            lines.append(f'  {k}:')
            for kk, vv in v.items():
                if isinstance(vv, list):
                    lines.append(f'    {kk}: {len(vv)}')
                    lines += [f'      {x}' for x in vv]
                elif isinstance(vv, dict):
                    lines.append(f'    {kk}:')
                    lines += [f'      {a}: {b}' for a, b in vv.items()]
                else:
                    lines.append(f'    {kk}: {vv}')
        if opts.get('--json'):
            with open(opts['--json'], 'w') as f:
                json.dump({'sid': sid, 'bdf': bdf, 'steps': steps,
                           'evidence': ev}, f, indent=1)
    elif not steps:
        lines.append('no exerciser steps in the console log')
    for line in lines:
        print(f'# {line}')
    if opts.get('--steps'):
        with open(opts['--steps'], 'w') as f:
            f.write('\n'.join(lines) + '\n')
    if records is not None:
        print('# ---- tear report summary ----')
        sys.stdout.flush()
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                ts.main(['tear-summary.py', report, '--console', console,
                         '--timeline'])
            except SystemExit:
                pass
        for line in buf.getvalue().splitlines():
            print(f'# {line}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
