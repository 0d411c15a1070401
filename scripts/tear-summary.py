#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise a smmuv3-modern tear report (JSON Lines, schema 2).

    tear-summary.py REPORT.jsonl [--all] [--console LOG] [--timeline]
                    [--system-map FILE]
    tear-summary.py REPORT.jsonl --stats [--console LOG]

Prints the counts by record type, class and severity, then one line per
finding of severity minor or above (all records with --all), grouped by
StreamID, in report order.  Exit status 0 when there is no tear of
severity major or critical, 1 otherwise, 2 when the report is unreadable.

--console LOG   the guest's console log: its "SMMUM-DEV <bdf> <driver>
                <group>" lines name each StreamID (StreamID = BDF on bus 0)
                and its SMMUM-STEP lines (guest uptime) are placed on the
                timeline next to records that carry a virtual time
--timeline      after the summary, per StreamID the committed
                configurations in order (abort / bypass / S1 with its CD
                table / S2 with its VMID / nested), each transition hitless
                or breaking, with the violations where they happened
--system-map F  symbolise store PCs (boot the guest with nokaslr); without
                it, the SMMUM-KSYM lines the guest printed in --console
--stats         one JSON object of counts instead (for scripts/matrix.sh)
"""
import bisect
import collections
import json
import re
import sys

SCHEMA = 2
# Maintenance-checker record types (view "iotlb", schema 2).
MAINT_TYPES = ('stale-translation', 'missing-tlb-maintenance',
               'dma-before-invalidation', 'fq-use-after-unmap',
               'break-before-make', 'leaf-tlbi-of-table', 'atc-inv-missing',
               'ats-use-before-atc-inv', 'ats-translated-uncovered',
               'ats-enabled-before-eats',
               'eats-cleared-before-ats-disable')
SEVERITIES = ['info', 'minor', 'major', 'critical']


def load(path):
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            if rec.get('schema', 0) > SCHEMA:
                raise ValueError(f'{path}:{n}: schema {rec["schema"]} is '
                                 f'newer than this tool ({SCHEMA})')
            records.append(rec)
    return records


def sid_of_bdf(bdf):
    """'0000:00:01.0' -> StreamID (bus << 8 | device << 3 | function)."""
    m = re.match(r'(?:[0-9a-f]+:)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$',
                 bdf, re.I)
    if not m:
        return None
    return (int(m[1], 16) << 8) | (int(m[2], 16) << 3) | int(m[3])


def parse_console(path):
    """What the guest said: devices, steps, checks, verdict."""
    con = {'devs': collections.OrderedDict(), 'steps': [], 'checks': [],
           'verdict': None, 'init': '', 'ksyms': []}
    if not path:
        return con
    try:
        f = open(path, errors='replace')
    except OSError:
        return con
    with f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('SMMUM-DMESG-BEGIN'):
                break
            w = line.split(' ', 3)
            if w[0] == 'SMMUM-DEV' and len(w) >= 4:
                sid = sid_of_bdf(w[1])
                hist = con['devs'].setdefault(sid, {'bdf': w[1],
                                                    'drivers': [],
                                                    'groups': []})
                for key, val in (('drivers', w[2]), ('groups', w[3])):
                    if val != 'none' and val not in hist[key]:
                        hist[key].append(val)
            elif w[0] == 'SMMUM-STEP' and len(w) >= 3:
                try:
                    t = float(w[1])
                except ValueError:
                    continue
                text = line.split(' ', 2)[2]
                con['steps'].append((t, text))
                if text.startswith('init: '):
                    con['init'] = text[6:]
            elif w[0] == 'SMMUM-CHECK' and len(w) >= 3:
                con['checks'].append((w[1], w[2], w[3] if len(w) > 3 else ''))
            elif w[0] == 'SMMUM-VERDICT' and len(w) >= 2:
                con['verdict'] = w[1]
            elif w[0] == 'SMMUM-KSYM' and len(w) >= 4:
                con['ksyms'].append(line.split(' ', 1)[1])
    return con


def symbols_from_console(con):
    """Use the guest's kernel symbols when no System.map was given."""
    global SYMS
    if not SYMS and con['ksyms']:
        SYMS = SystemMap(lines=con['ksyms'])


def dev_name(con, sid):
    d = con['devs'].get(sid)
    if not d:
        return ''
    return (f'{d["bdf"]} {"/".join(d["drivers"]) or "no driver"}'
            f' group {"/".join(d["groups"]) or "none"}')


def sid_title(con, sid):
    if sid is None:
        return 'no StreamID'
    name = dev_name(con, sid)
    return f'StreamID 0x{sid:x}' + (f' ({name})' if name else '')


class SystemMap:
    """Kernel symbols for store PCs: a System.map file, or the guest's
    SMMUM-KSYM lines (a part of /proc/kallsyms, where a symbol of type
    "end" only marks where the one before it stops)."""

    def __init__(self, path=None, lines=()):
        syms = []
        if path:
            with open(path) as f:
                lines = f.readlines()
        for line in lines:
            w = line.split()
            if len(w) < 3 or w[1] not in ('t', 'T', 'w', 'W', 'end'):
                continue
            try:
                syms.append((int(w[0], 16), None if w[1] == 'end'
                             else w[2]))
            except ValueError:
                continue
        syms.sort(key=lambda s: (s[0], s[1] is not None))
        self.addrs = [a for a, _ in syms]
        self.names = [n for _, n in syms]

    def __bool__(self):
        return bool(self.addrs)

    def lookup(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i < 0 or self.names[i] is None:
            return None
        return f'{self.names[i]}+0x{pc - self.addrs[i]:x}'


SYMS = None


def pc_text(pc):
    if pc is None:
        return 'None'
    if SYMS:
        try:
            sym = SYMS.lookup(int(pc, 16))
        except (TypeError, ValueError):
            sym = None
        if sym:
            return f'{pc} ({sym})'
    return str(pc)


def config_kind(view, words):
    """abort / bypass / S1 / S2 / nested / V=0 / ... of an image."""
    if not words:
        return '?'
    w0 = int(words[0], 16)
    if view == 'ste':
        if not w0 & 1:
            return 'V=0'
        cfg = (w0 >> 1) & 7
        return {4: 'bypass', 5: 'S1', 6: 'S2', 7: 'nested'}.get(cfg, 'abort')
    if view == 'cd':
        return 'CD' if (w0 >> 31) & 1 else 'V=0'
    return 'valid' if w0 & 1 else 'V=0'


def config_label(view, words):
    if view == 'ste':
        return ste_label(words)
    if not words:
        return '?'
    w0 = int(words[0], 16)
    if view == 'cd':
        if not (w0 >> 31) & 1:
            return 'CD V=0'
        ttb0 = int(words[1], 16) & ((1 << 52) - 16) if len(words) > 1 else 0
        return f'CD asid {w0 >> 48} ttb0 0x{ttb0:x}'
    return f'L1 0x{w0:x}' if w0 & 1 else 'L1 V=0'


def rec_time(rec):
    """Virtual time (seconds) a record carries, or None."""
    ts = [c['vcnt'] for c in rec.get('commands') or [] if 'vcnt' in c]
    st = rec.get('store') or {}
    if st.get('vcnt') is not None:
        ts.append(st['vcnt'])
    return max(ts) / 1e9 if ts else None


def place(records):
    """(time, exact) per record: its own virtual time, else interpolated
    from its neighbours in report order; None when nothing has a time."""
    times = [rec_time(r) for r in records]
    known = [i for i, t in enumerate(times) if t is not None]
    if not known:
        return [(None, False)] * len(records)
    out = []
    for i, t in enumerate(times):
        if t is not None:
            out.append((t, True))
            continue
        k = bisect.bisect_left(known, i)
        lo = known[k - 1] if k > 0 else None
        hi = known[k] if k < len(known) else None
        if lo is None:
            out.append((times[hi], False))
        elif hi is None:
            out.append((times[lo], False))
        else:
            f = (i - lo) / (hi - lo)
            out.append((times[lo] + f * (times[hi] - times[lo]), False))
    return out


VIOLATIONS = ('tear', 'missing-invalidation', 'transient-bypass')


def timelines(records):
    """Per (sid, view, ssid): the committed configurations in order.

    Returns {key: {'states': [(label, kind, first record index)],
    'events': [(record index, record)]}}; a transition record moves the
    view from its `a` image to its `b` image; every other record is an
    event placed after the transitions reported before it."""
    lanes = collections.OrderedDict()
    for i, r in enumerate(records):
        view = r.get('view', '?')
        key = (r.get('sid'), view, r.get('ssid'))
        lane = lanes.setdefault(key, {'states': [], 'events': [],
                                      'transitions': []})
        if r.get('type') == 'transition':
            a = (config_label(view, r.get('a')), config_kind(view, r.get('a')))
            b = (config_label(view, r.get('b')), config_kind(view, r.get('b')))
            if not lane['states'] or lane['states'][-1][:2] != a:
                lane['states'].append((a[0], a[1], i))
            lane['transitions'].append((i, r))
            lane['states'].append((b[0], b[1], i))
        else:
            lane['events'].append((i, r))
    return lanes


def stats(records):
    by_class = collections.Counter(r.get('class') for r in records
                                   if r.get('type') == 'tear')
    tr = collections.Counter(r.get('verdict') for r in records
                             if r.get('type') == 'transition')
    ty = collections.Counter(r.get('type') for r in records)
    kinds = collections.Counter()
    for r in records:
        if r.get('type') == 'transition':
            v = r.get('view')
            kinds[f'{config_kind(v, r.get("a"))}->{config_kind(v, r.get("b"))}'
                  f' {r.get("verdict")}'] += 1
    return {
        'records': len(records),
        'tears': sum(by_class.values()),
        'tears_by_class': dict(sorted(by_class.items())),
        'tears_major': sum(1 for r in records if r.get('type') == 'tear' and
                           r.get('severity') in ('major', 'critical')),
        'hitless': tr.get('hitless', 0),
        'breaking': tr.get('breaking', 0),
        'transitions_by_kind': dict(sorted(kinds.items())),
        'missing_invalidation': ty.get('missing-invalidation', 0),
        'transient_bypass': ty.get('transient-bypass', 0),
        'store_racing': ty.get('store-racing-invalidation', 0),
        'l1_publish': ty.get('l1-publish-without-invalidation', 0),
        'global_bypass': ty.get('global-bypass', 0),
        'exposure': sum(r.get('exposure') or 0 for r in records
                        if r.get('type') != 'transition'),
        'maint': {t: ty[t] for t in MAINT_TYPES if ty.get(t)},
    }


def print_timeline(records, con):
    placed = place(records)
    lanes = timelines(records)
    steps = con['steps']
    step_t = [t for t, _ in steps]

    def when(i):
        t, exact = placed[i]
        if t is None:
            return f'#{i + 1}'
        s = f'{"" if exact else "~"}{t:.3f}s'
        k = bisect.bisect_right(step_t, t) - 1
        if k >= 0:
            s += f' [{steps[k][1][:40]}]'
        return s

    print()
    print('== timeline per StreamID (report order'
          + (', virtual time' if any(t for t, _ in placed) else
             '; the records carry no virtual time') + ') ==')
    for (sid, view, ssid), lane in lanes.items():
        title = sid_title(con, sid)
        if view != 'ste':
            title += f' {view}' + (f' ssid {ssid}' if ssid is not None else '')
        print(title)
        items = [(i, 't', r) for i, r in lane['transitions']] + \
                [(i, 'e', r) for i, r in lane['events']]
        for i, what, r in sorted(items, key=lambda x: x[0]):
            v = r.get('view')
            if what == 't':
                print(f'  {when(i):>12}  {config_label(v, r.get("a"))} -> '
                      f'{config_label(v, r.get("b"))}  {r.get("verdict")}'
                      f' syncs={r.get("sync_count")}')
            else:
                mark = '!!' if r.get('type') in VIOLATIONS else '--'
                print(f'  {when(i):>12}  {mark} {describe(r)}')
        hl = sum(1 for _, r in lane['transitions']
                 if r.get('verdict') == 'hitless')
        print(f'  = {len(lane["transitions"])} transition(s): {hl} hitless, '
              f'{len(lane["transitions"]) - hl} breaking; '
              f'{sum(1 for _, r in lane["events"] if r.get("type") in VIOLATIONS)}'
              ' violation(s)')


def ste_label(words):
    """A display label for an STE image (verdicts never use it)."""
    if not words:
        return '?'
    w0 = int(words[0], 16)
    w2 = int(words[2], 16) if len(words) > 2 else 0
    if not w0 & 1:
        return 'V=0'
    cfg = (w0 >> 1) & 7
    if cfg < 4:
        return 'abort'
    if cfg == 4:
        return 'bypass'
    parts = []
    if cfg & 1:
        parts.append(f'S1 cd@0x{w0 & ((1 << 56) - 64):x}')
    if cfg & 2:
        parts.append(f'S2 vmid {w2 & 0xffff}')
    return '+'.join(parts)


def describe(rec):
    words = [rec.get('type', '?')]
    if rec.get('class'):
        words.append(rec['class'])
    if rec.get('verdict'):
        words.append(rec['verdict'])
    words.append(f'[{rec.get("severity", "?")}]')
    view = rec.get('view', '?')
    where = view
    if view == 'cd':
        where += f' ssid {rec.get("ssid")}'
    if 'l1_index' in rec:
        where += f' index {rec["l1_index"]}'
    if rec.get('type') == 'ats-translated-uncovered':
        words.append(f'{view}: translated DMA to {rec.get("translated_addr")}')
    elif view in ('iotlb', 'atc'):
        e = rec.get('entry') or {}
        d = rec.get('descriptor') or {}
        where += (f' {e.get("stage")} asid {e.get("asid")} vmid '
                  f'{e.get("vmid")} iova {e.get("iova")}+{e.get("size")}')
        words.append(f'{where}: {rec.get("change")}, descriptor '
                     f'@{d.get("pa")} {d.get("old")} -> {d.get("new")}')
        for t in rec.get('missed_tlbis') or []:
            words.append(f'{t.get("op")}(asid {t.get("asid")} vmid '
                         f'{t.get("vmid")} addr {t.get("addr")}) missed: '
                         + ','.join(t.get('missed_because') or []))
        if rec.get('removed_by'):
            words.append(f'removed by {rec["removed_by"].get("op")}')
    else:
        words.append(f'{where} @{rec.get("addr", "?")}')
    if view == 'ste' and rec.get('a') and rec.get('b'):
        words.append(f'{ste_label(rec["a"])} -> {ste_label(rec["b"])}')
    if rec.get('reason'):
        words.append(f'reason={rec["reason"]}')
    if 'sync_count' in rec:
        words.append(f'syncs={rec["sync_count"]}')
    if rec.get('exposure'):
        words.append(f'exposure={rec["exposure"]}')
    store = rec.get('store')
    if store:
        words.append(f'store pc={pc_text(store.get("pc"))} cpu={store.get("cpu")} '
                     f'vcnt={store.get("vcnt")}')
    if rec.get('approximate'):
        words.append('(approximate)')
    return ' '.join(words)


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    global SYMS
    show_all = '--all' in argv[2:]
    opts = {}
    rest = argv[2:]
    for i, a in enumerate(rest):
        if a in ('--console', '--system-map') and i + 1 < len(rest):
            opts[a] = rest[i + 1]
    try:
        records = load(argv[1])
        if '--system-map' in opts:
            SYMS = SystemMap(path=opts['--system-map'])
    except (OSError, ValueError) as e:
        print(f'tear-summary: {e}', file=sys.stderr)
        return 2
    con = parse_console(opts.get('--console'))
    symbols_from_console(con)
    if '--stats' in rest:
        print(json.dumps(stats(records), sort_keys=True))
        return 1 if stats(records)['tears_major'] else 0
    by_type = collections.Counter(r.get('type') for r in records)
    by_class = collections.Counter(r.get('class') for r in records
                                   if r.get('type') == 'tear')
    by_sev = collections.Counter(r.get('severity') for r in records)
    print(f'{len(records)} record(s): ' +
          (', '.join(f'{k} {v}' for k, v in sorted(by_type.items()))
           or 'none'))
    if by_class:
        print('tears by class: ' +
              ', '.join(f'{k} {v}' for k, v in sorted(by_class.items())))
    print('by severity: ' + ', '.join(f'{s} {by_sev.get(s, 0)}'
                                      for s in reversed(SEVERITIES)))
    per_sid = collections.OrderedDict()
    for r in records:
        if not show_all and SEVERITIES.index(r.get('severity', 'info')) < 1:
            continue
        per_sid.setdefault(r.get('sid'), []).append(r)
    for sid, recs in per_sid.items():
        print(f'{sid_title(con, sid)}:')
        for r in recs:
            print(f'  {describe(r)}')
    if '--timeline' in rest:
        print_timeline(records, con)
    bad = sum(1 for r in records if r.get('type') == 'tear' and
              r.get('severity') in ('major', 'critical'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
