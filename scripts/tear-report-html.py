#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Render a smmuv3-modern tear report as one self-contained HTML page.

    tear-report-html.py REPORT.jsonl [CONSOLE.log] [--system-map FILE]
                        [--title TEXT] > page.html

The page has no scripts and loads nothing: an inline SVG timeline with one
lane per StreamID (named from the guest's SMMUM-DEV lines) showing the
committed configurations (abort / bypass / S1 with its CD table / S2 with
its VMID / nested), each transition as a tick (green hitless, red dashed
breaking) and each finding as a marker; a lane of the guest's SMMUM-STEP
lines; then the same as tables.  Hover any mark for its details.

Time axis: virtual seconds when records carry a virtual time (commands[]
.vcnt, store.vcnt; guest uptime runs on the same clock), other records
interpolated between them in report order; when no record has a time, the
axis is report order and the guest steps get a lane of their own.
Exit status as scripts/tear-summary.py: 0 no major/critical tear, 1 some,
2 unreadable report.
"""
import html
import importlib.util
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
_spec = importlib.util.spec_from_file_location(
    'tear_summary', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 'tear-summary.py'))
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)

KIND_COLOR = {'abort': '#9e9e9e', 'V=0': '#d0d0d0', 'bypass': '#ff9800',
              'S1': '#1e88e5', 'S2': '#43a047', 'nested': '#8e24aa',
              'CD': '#1e88e5', 'valid': '#1e88e5', '?': '#eeeeee'}
SEV_COLOR = {'critical': '#b71c1c', 'major': '#e53935', 'minor': '#fb8c00',
             'info': '#757575'}

LEFT = 300
WIDTH = 1100
LANE = 34
TOP = 40


def esc(s):
    return html.escape(str(s), quote=True)


def svg_timeline(records, con):
    placed = ts.place(records)
    timed = any(t is not None for t, _ in placed)
    lanes = ts.timelines(records)
    steps = con['steps']
    n = len(records)
    if timed:
        xs = [t for t, _ in placed]
        lo = min(xs + [t for t, _ in steps])
        hi = max(xs + [t for t, _ in steps])
    else:
        lo, hi = 0, max(n, 1)
    span = (hi - lo) or 1.0

    def xof(i):
        v = placed[i][0] if timed else i + 0.5
        return LEFT + (v - lo) / span * (WIDTH - LEFT - 20)

    def xt(t):
        return LEFT + (t - lo) / span * (WIDTH - LEFT - 20)

    step_lane = 1 if (timed and steps) else 0
    h = TOP + LANE * (len(lanes) + step_lane) + 30
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
         f'height="{h}" font-family="sans-serif" font-size="11">']
    o.append(f'<text x="{LEFT}" y="14">'
             + esc('virtual time, seconds (guest uptime clock)' if timed else
                   'report order (the records carry no virtual time)')
             + '</text>')
    # axis
    ticks = 10
    for k in range(ticks + 1):
        v = lo + span * k / ticks
        x = LEFT + (WIDTH - LEFT - 20) * k / ticks
        o.append(f'<line x1="{x:.1f}" y1="{TOP - 12}" x2="{x:.1f}" '
                 f'y2="{h - 24}" stroke="#eee"/>')
        lab = f'{v:.2f}s' if timed else f'#{int(v) + 1}'
        o.append(f'<text x="{x:.1f}" y="{TOP - 16}" text-anchor="middle" '
                 f'fill="#777">{esc(lab)}</text>')
    y = TOP
    if step_lane:
        o.append(f'<text x="4" y="{y + 18}">guest steps (SMMUM-STEP)</text>')
        for t, text in steps:
            x = xt(t)
            o.append(f'<line x1="{x:.1f}" y1="{y + 4}" x2="{x:.1f}" '
                     f'y2="{y + LANE - 4}" stroke="#555"><title>'
                     f'{esc(f"{t:.3f}s {text}")}</title></line>')
        y += LANE
    end_x = WIDTH - 20
    for (sid, view, ssid), lane in lanes.items():
        title = ts.sid_title(con, sid)
        if view != 'ste':
            title += f' {view}' + (f' ssid {ssid}' if ssid is not None else '')
        o.append(f'<text x="4" y="{y + 18}"><title>{esc(title)}</title>'
                 f'{esc(title[:48])}</text>')
        states = lane['states']
        for k, (label, kind, i) in enumerate(states):
            x0 = xof(i) if k else LEFT
            x1 = xof(states[k + 1][2]) if k + 1 < len(states) else end_x
            if x1 < x0:
                x1 = x0
            o.append(f'<rect x="{x0:.1f}" y="{y + 6}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{LANE - 12}" fill="{KIND_COLOR.get(kind, "#ccc")}" '
                     f'opacity="0.75"><title>{esc(label)}</title></rect>')
            if x1 - x0 > 7 * len(label):
                o.append(f'<text x="{x0 + 3:.1f}" y="{y + 21}" fill="#fff">'
                         f'{esc(label)}</text>')
        for i, r in lane['transitions']:
            x = xof(i)
            brk = r.get('verdict') == 'breaking'
            tip = (f'#{i + 1} {ts.config_label(view, r.get("a"))} -> '
                   f'{ts.config_label(view, r.get("b"))}: {r.get("verdict")}, '
                   f'syncs={r.get("sync_count")}')
            dash = ' stroke-dasharray="3,2"' if brk else ''
            o.append(f'<line x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" '
                     f'y2="{y + LANE - 2}" stroke="{"#c62828" if brk else "#2e7d32"}" '
                     f'stroke-width="{3 if brk else 2}"{dash}>'
                     f'<title>{esc(tip)}</title></line>')
        for i, r in lane['events']:
            x = xof(i)
            col = SEV_COLOR.get(r.get('severity'), '#757575')
            o.append(f'<path d="M{x:.1f},{y + LANE - 2} l-6,-12 l12,0 z" '
                     f'fill="{col}" stroke="#000" stroke-width="0.5">'
                     f'<title>{esc(f"#{i + 1} " + ts.describe(r))}</title></path>')
        y += LANE
    # legend
    lx = 4
    for kind in ('abort', 'bypass', 'S1', 'S2', 'nested', 'V=0'):
        o.append(f'<rect x="{lx}" y="{h - 18}" width="12" height="12" '
                 f'fill="{KIND_COLOR[kind]}"/><text x="{lx + 16}" y="{h - 8}">'
                 f'{esc(kind)}</text>')
        lx += 70
    o.append(f'<line x1="{lx}" y1="{h - 18}" x2="{lx}" y2="{h - 6}" '
             f'stroke="#2e7d32" stroke-width="2"/><text x="{lx + 6}" '
             f'y="{h - 8}">hitless</text>')
    lx += 70
    o.append(f'<line x1="{lx}" y1="{h - 18}" x2="{lx}" y2="{h - 6}" '
             f'stroke="#c62828" stroke-width="3" stroke-dasharray="3,2"/>'
             f'<text x="{lx + 6}" y="{h - 8}">breaking</text>')
    lx += 80
    o.append(f'<path d="M{lx + 6},{h - 6} l-6,-12 l12,0 z" fill="#e53935"/>'
             f'<text x="{lx + 16}" y="{h - 8}">finding (colour = severity)'
             f'</text>')
    o.append('</svg>')
    return '\n'.join(o)


def table(head, rows):
    o = ['<table><tr>' + ''.join(f'<th>{esc(h)}</th>' for h in head) + '</tr>']
    for r in rows:
        o.append('<tr>' + ''.join(f'<td>{c}</td>' for c in r) + '</tr>')
    o.append('</table>')
    return '\n'.join(o)


def page(records, con, title):
    st = ts.stats(records)
    placed = ts.place(records)
    verdict = con['verdict'] or 'none'
    bad = st['tears_major']
    o = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8">',
         f'<title>{esc(title)}</title>', '<style>',
         'body{font-family:sans-serif;margin:1.5em;color:#222}',
         'table{border-collapse:collapse;margin:.5em 0 1.5em}',
         'td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px;'
         'text-align:left;vertical-align:top}',
         'th{background:#f3f3f3}.PASS{color:#2e7d32}.FAIL{color:#c62828}',
         '.SKIP{color:#777}code{font-size:11px}', '</style></head><body>',
         f'<h1>{esc(title)}</h1>']
    o.append(f'<p>Guest verdict: <b class="{esc(verdict)}">{esc(verdict)}</b>'
             f' &middot; tear check: <b class="{"FAIL" if bad else "PASS"}">'
             f'{"FAIL" if bad else "PASS"}</b> ({st["tears"]} tear(s), '
             f'{bad} major/critical) &middot; transitions: {st["hitless"]} '
             f'hitless, {st["breaking"]} breaking &middot; missing '
             f'invalidations: {st["missing_invalidation"]} &middot; transient '
             f'bypass: {st["transient_bypass"]}'
             + (f' &middot; guest: {esc(con["init"])}' if con['init'] else '')
             + '</p>')
    o.append('<h2>Timeline</h2>')
    o.append(svg_timeline(records, con))
    o.append('<h2>Devices (StreamID = BDF on bus 0)</h2>')
    sids = sorted({r.get('sid') for r in records if r.get('sid') is not None}
                  | {s for s in con['devs'] if s is not None})
    rows = []
    for sid in sids:
        d = con['devs'].get(sid, {})
        recs = [r for r in records if r.get('sid') == sid]
        rows.append([f'0x{sid:x}', esc(d.get('bdf', '?')),
                     esc('/'.join(d.get('drivers', [])) or '-'),
                     esc('/'.join(d.get('groups', [])) or '-'),
                     str(sum(1 for r in recs if r.get('verdict') == 'hitless')),
                     str(sum(1 for r in recs if r.get('verdict') == 'breaking')),
                     str(sum(1 for r in recs if r.get('type') in ts.VIOLATIONS))])
    o.append(table(['StreamID', 'BDF', 'driver(s)', 'group(s)', 'hitless',
                    'breaking', 'violations'], rows))
    o.append('<h2>Records</h2>')
    rows = []
    for i, r in enumerate(records):
        t, exact = placed[i]
        when = '' if t is None else f'{"" if exact else "~"}{t:.3f}s'
        v = r.get('view', '?')
        what = ''
        if r.get('a') and r.get('b'):
            what = (f'{ts.config_label(v, r["a"])} &rarr; '
                    f'{ts.config_label(v, r["b"])}')
        sev = r.get('severity', '?')
        rows.append([str(i + 1), esc(when), esc(ts.sid_title(con, r.get('sid'))),
                     esc(r.get('type')), f'<span style="color:'
                     f'{SEV_COLOR.get(sev, "#000")}">{esc(sev)}</span>',
                     what, f'<code>{esc(ts.describe(r))}</code>'])
    o.append(table(['#', 'time', 'StreamID', 'type', 'severity', 'configs',
                    'details'], rows))
    if con['checks']:
        o.append('<h2>Guest checks</h2>')
        o.append(table(['check', 'result', 'detail'],
                       [[esc(n), f'<span class="{esc(r)}">{esc(r)}</span>',
                         esc(d)] for n, r, d in con['checks']]))
    if con['steps']:
        o.append('<h2>Guest steps (uptime)</h2>')
        o.append(table(['uptime', 'step'], [[f'{t:.3f}', esc(s)]
                                            for t, s in con['steps']]))
    o.append('<p style="color:#777;font-size:11px">Generated by '
             'scripts/tear-report-html.py (smmuv3-modern); schema: '
             'docs/tear-report-schema.md.</p></body></html>')
    return '\n'.join(o), bad


def main(argv):
    args = argv[1:]
    if not args or args[0] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if args else 2
    opts = {}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in ('--system-map', '--title') and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
            continue
        pos.append(args[i])
        i += 1
    try:
        records = ts.load(pos[0])
        if '--system-map' in opts:
            ts.SYMS = ts.SystemMap(path=opts['--system-map'])
    except (OSError, ValueError) as e:
        print(f'tear-report-html: {e}', file=sys.stderr)
        return 2
    con = ts.parse_console(pos[1] if len(pos) > 1 else None)
    ts.symbols_from_console(con)
    title = opts.get('--title') or (
        'smmuv3-modern tear report' + (f': {con["init"]}' if con['init'] else ''))
    text, bad = page(records, con, title)
    sys.stdout.write(text + '\n')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
