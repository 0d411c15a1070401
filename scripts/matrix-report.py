#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The summary of a scripts/matrix.sh run: one table, one KTAP document.

    matrix-report.py --out DIR --cells DIR/cells.tsv
                     --tear-summary scripts/tear-summary.py
                     [--system-map FILE]

cells.tsv has one line per cell: label, mode, check, folder (under DIR),
kernel.env and, optionally, maint (on: the cell ran with maint-check=on).  Each folder holds what scripts/guest-run.sh left (console.log,
qemu.rusage), the model's tear-report.jsonl and matrix.sh's `status`
("guest-run-exit wall-ms").  Writes DIR/matrix.md, DIR/matrix.json,
DIR/index.html and DIR/matrix.ktap, prints the KTAP document on stdout
and the Markdown table on stderr.

Cell verdict: pass when the guest's verdict is PASS and the tear report
has no tear of severity major or critical and, with maint on, no
maintenance finding of severity major or critical and the checker's
maint-summary record (what it checked).  Time never enters a verdict.
Exit status: 0 every cell passed, 1 some cell failed, 2 some cell could
not be run (harness error: not started, no status).
"""
import argparse
import collections
import html
import importlib.util
import json
import os
import re
import sys

sys.dont_write_bytecode = True

# Record types counted as findings besides tears (schema 1 names).
FINDINGS = [('transient-bypass', 'transient bypass'),
            ('missing-invalidation', 'missing inval'),
            ('store-racing-invalidation', 'store racing'),
            ('l1-publish-without-invalidation', 'L1 publish'),
            ('global-bypass', 'global bypass'),
            ('unobserved-store', 'unobserved'),
            ('unterminated-window', 'unterminated'),
            ('approximate', 'approximate')]


# Records whose exposure is not DMA into a bad window (an L1STD's
# exposure is all DMA through its level-2 table: fail-closed).
NOT_EXPOSURE = ('transition', 'unterminated-window', 'approximate',
                'l1-publish-without-invalidation')


def load_ts(path):
    spec = importlib.util.spec_from_file_location('tear_summary', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_env(path):
    env = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip('\n').partition('=')
                env[k] = v
    except OSError:
        pass
    return env


def ktap_name(s):
    """KTAP names may not hold '#'; keep them on one line."""
    return re.sub(r'[#\s]+', ' ', s).strip() or '?'


def maint_stats(recs):
    """The maintenance checker's part of a report (None: no summary)."""
    summ = [r for r in recs if r.get('type') == 'maint-summary']
    found = [r for r in recs if r.get('mode') == 'maint' and
             r.get('type') != 'maint-summary']
    if not summ:
        return None
    return {'summary': summ[-1],
            'by_type': dict(collections.Counter(r.get('type')
                                                for r in found)),
            'major': sum(1 for r in found
                         if r.get('severity') in ('major', 'critical'))}


def cell_result(ts, out, label, mode, check, folder, envf, maint='off'):
    d = os.path.join(out, folder)
    env = read_env(envf)
    c = {'kernel': label, 'mode': mode, 'check': check, 'folder': folder,
         'maint_on': maint == 'on',
         'kver': env.get('KVER', '?'), 'pkgver': env.get('PKGVER', '?'),
         'error': None, 'why': [], 'cpu_s': None, 'wall_s': None}
    try:
        rc, wall = open(os.path.join(d, 'status')).read().split()[:2]
        c['guest_run_exit'] = int(rc)
        c['wall_s'] = int(wall) / 1000
    except (OSError, ValueError):
        c['guest_run_exit'] = None
        c['error'] = 'not run (no status)'
    try:
        u, s = open(os.path.join(d, 'qemu.rusage')).read().split()[:2]
        c['cpu_s'] = round(float(u) + float(s), 1)
    except (OSError, ValueError):
        pass
    if c['guest_run_exit'] is not None and c['guest_run_exit'] >= 3:
        err = ''
        try:
            err = open(os.path.join(d, 'guest-run.err')).read().strip()
        except OSError:
            pass
        c['error'] = ('could not start the guest: ' +
                      (err.splitlines()[-1] if err else 'no message'))
    log = os.path.join(d, 'console.log')
    con = ts.parse_console(log if os.path.exists(log) else None)
    c['checks'] = [{'name': n, 'result': r, 'detail': t}
                   for n, r, t in con['checks']]
    c['guest'] = con['verdict'] or 'NONE'
    cnt = collections.Counter(r for _, r, _ in con['checks'])
    c['checks_pfs'] = f'{cnt["PASS"]}/{cnt["FAIL"]}/{cnt["SKIP"]}'
    rep = os.path.join(d, 'tear-report.jsonl')
    try:
        recs = ts.load(rep)
        st = ts.stats(recs)
        types = collections.Counter(r.get('type') for r in recs)
        st['findings'] = {k: types[k] for k, _ in FINDINGS if types.get(k)}
        # Exposure: DMA served during bad windows only (a window still
        # open at exit is not one, nor is a transition).
        st['exposure'] = sum(r.get('exposure') or 0 for r in recs
                             if r.get('type') not in NOT_EXPOSURE and
                             r.get('mode') != 'maint')
        st['maint'] = maint_stats(recs)
    except (OSError, ValueError) as e:
        st = None
        c['report_error'] = str(e)
    c['stats'] = st
    if c['error'] is None:
        if c['guest'] != 'PASS':
            c['why'].append('guest verdict ' + c['guest'])
        if st is None:
            c['why'].append('no readable tear report')
        elif st['tears_major']:
            c['why'].append(f'{st["tears_major"]} major/critical tear(s)')
        if st is not None and c['maint_on']:
            if st['maint'] is None:
                c['why'].append('no maint-summary in the tear report')
            elif st['maint']['major']:
                c['why'].append(f'{st["maint"]["major"]} major/critical '
                                'maintenance finding(s)')
    c['pass'] = c['error'] is None and not c['why']
    c['timed_out'] = False
    try:
        c['timed_out'] = 'timed out' in open(
            os.path.join(d, 'guest-run.err')).read()
    except OSError:
        pass
    c['console_tail'] = []
    if not c['pass'] and os.path.exists(log):
        with open(log, errors='replace') as f:
            c['console_tail'] = [ln.rstrip('\n') for ln in f][-12:]
    c['page'] = (os.path.join(folder, 'tear-report.html')
                 if os.path.exists(os.path.join(d, 'tear-report.html'))
                 else None)
    return c


def fmt_classes(st):
    return ', '.join(f'{k} {v}' for k, v in st['tears_by_class'].items()) \
        or '0'


def fmt_findings(st):
    names = dict(FINDINGS)
    return ', '.join(f'{names[k]} {v}' for k, v in st['findings'].items()) \
        or '0'


def fmt_kinds(st):
    return '; '.join(f'{k} {v}' for k, v in
                     st['transitions_by_kind'].items()) or '-'


def fmt_maint(c):
    m = c['stats'] and c['stats'].get('maint')
    if not c['maint_on']:
        return 'off', '-'
    if not m:
        return '-', '-'
    found = ', '.join(f'{k} {v}' for k, v in sorted(m['by_type'].items()))
    k = m['summary'].get('checked', {})
    checked = (f'{k.get("entries", 0)} entries, {k.get("hits", 0)} hits, '
               f'{k.get("tlbis", 0)} TLBIs, {k.get("syncs", 0)} SYNCs, '
               f'{k.get("maintained", 0)} maintained')
    if k.get('ats_granted') or k.get('ats_enables'):
        checked += (f', ATS {k.get("ats_granted", 0)} granted / '
                    f'{k.get("atc_invs", 0)} ATC_INV / '
                    f'{k.get("ats_enables", 0)} enables')
    return found or '0', checked


def verdict_text(c):
    if c['error']:
        return 'ERROR'
    return 'PASS' if c['pass'] else 'FAIL'


HDR = ['kernel', 'mode', 'check', 'verdict', 'guest', 'checks p/f/s',
       'tears by class', 'other findings', 'hitless', 'breaking',
       'transitions by kind', 'exposure', 'maint findings', 'maint checked',
       'QEMU CPU s', 'wall s']


def row(c):
    st = c['stats']
    dash = '-'
    return [c['kernel'], c['mode'], c['check'], verdict_text(c), c['guest'],
            c['checks_pfs'],
            fmt_classes(st) if st else dash,
            fmt_findings(st) if st else dash,
            st['hitless'] if st else dash, st['breaking'] if st else dash,
            fmt_kinds(st) if st else dash,
            st['exposure'] if st else dash,
            *fmt_maint(c),
            c['cpu_s'] if c['cpu_s'] is not None else dash,
            f'{c["wall_s"]:.1f}' if c['wall_s'] is not None else dash]


def markdown(cells):
    lines = ['| ' + ' | '.join(HDR) + ' |', '|' + '---|' * len(HDR)]
    for c in cells:
        lines.append('| ' + ' | '.join(str(x) for x in row(c)) + ' |')
    return '\n'.join(lines) + '\n'


def ktap(cells):
    out = ['KTAP version 1', f'1..{len(cells)}']
    for i, c in enumerate(cells, 1):
        name = ktap_name(f'{c["kernel"]}-{c["mode"]}-{c["check"]}')
        sub = ['    KTAP version 1', f'    # Subtest: {name}']
        results = []
        for ch in c['checks']:
            r = ch['result']
            d = ' # SKIP ' + ktap_name(ch['detail']) if r == 'SKIP' else ''
            results.append((r in ('PASS', 'SKIP'), ktap_name(ch['name']), d))
        if c['error'] is None:
            st = c['stats']
            results.append((st is not None and not st['tears_major'],
                            'tear-report', ''))
            if c['maint_on']:
                m = st and st.get('maint')
                results.append((bool(m) and not m['major'], 'maint-report',
                                ''))
            results.append((c['guest'] == 'PASS', 'guest-verdict',
                            ' # TIMEOUT' if c['timed_out'] else ''))
        sub.append(f'    1..{len(results)}')
        for j, (ok, n, d) in enumerate(results, 1):
            sub.append(f'    {"ok" if ok else "not ok"} {j} {n}{d}')
        out += sub
        st = c['stats']
        info = [f'{c["kver"]} ({c["pkgver"]})']
        if st:
            info.append(f'tears {fmt_classes(st)}; findings '
                        f'{fmt_findings(st)}; hitless {st["hitless"]} '
                        f'breaking {st["breaking"]}; exposure '
                        f'{st["exposure"]}')
            if c['maint_on']:
                found, checked = fmt_maint(c)
                info.append(f'maint findings {found}; checked {checked}')
        if c['cpu_s'] is not None:
            info.append(f'QEMU CPU {c["cpu_s"]} s (not a verdict)')
        out.append(f'# {name}: ' + '; '.join(info))
        for w in c['why']:
            out.append(f'# {name}: {w}')
        for ln in c['console_tail']:
            out.append(f'# {name} console: {ln}')
        if c['error']:
            out.append(f'not ok {i} {name} # ERROR {ktap_name(c["error"])}')
        else:
            out.append(f'{"ok" if c["pass"] else "not ok"} {i} {name}')
    npass = sum(1 for c in cells if c['pass'])
    out.append(f'# {npass} of {len(cells)} cells passed')
    return '\n'.join(out) + '\n'


def page(cells):
    e = html.escape
    h = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
         '<title>smmuv3-modern: kernel x mode x check</title><style>',
         'body{font-family:sans-serif;margin:1.5em}',
         'table{border-collapse:collapse}',
         'td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}',
         'th{background:#f3f3f3}.PASS{color:#2e7d32;font-weight:bold}',
         '.FAIL,.NONE,.ERROR{color:#c62828;font-weight:bold}',
         '</style></head><body>',
         '<h1>smmuv3-modern: kernel &times; boot mode &times; checking</h1>',
         '<p>Modes: DMA = iommu.strict=1, DMA-FQ = iommu.strict=0, identity '
         '= iommu.passthrough=1 (the workload then switches every group '
         'through identity, DMA and DMA-FQ itself). Checks: tear-check=sync '
         '(samples at CFGI, SYNC and fetches) or store (every guest store '
         'to the tables). Maint: the maintenance checker (maint-check=on; '
         'its findings and what it checked). A cell passes when the guest '
         'verdict is PASS and no tear or maintenance finding is major or '
         'critical; QEMU CPU and wall time are for information only.</p>'
         '<table><tr>']
    h += [f'<th>{e(x)}</th>' for x in HDR + ['report']]
    h.append('</tr>')
    for c in cells:
        r = [e(str(x)) for x in row(c)]
        for k in (3, 4):
            r[k] = f'<span class="{r[k]}">{r[k]}</span>'
        link = (f'<a href="{e(c["page"])}">report</a>' if c['page']
                else '-')
        h.append('<tr>' + ''.join(f'<td>{x}</td>' for x in r + [link]) +
                 '</tr>')
    h.append('</table><p><a href="matrix.ktap">KTAP</a>, '
             '<a href="matrix.json">JSON</a></p></body></html>')
    return '\n'.join(h) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--cells', required=True)
    ap.add_argument('--tear-summary', required=True)
    ap.add_argument('--system-map')
    a = ap.parse_args()
    ts = load_ts(a.tear_summary)
    cells = []
    with open(a.cells) as f:
        for line in f:
            w = line.rstrip('\n').split('\t')
            if len(w) in (5, 6):
                cells.append(cell_result(ts, a.out, *w))
    md = markdown(cells)
    kt = ktap(cells)
    with open(os.path.join(a.out, 'matrix.md'), 'w') as f:
        f.write(md)
    with open(os.path.join(a.out, 'matrix.ktap'), 'w') as f:
        f.write(kt)
    with open(os.path.join(a.out, 'matrix.json'), 'w') as f:
        json.dump(cells, f, indent=1)
        f.write('\n')
    with open(os.path.join(a.out, 'index.html'), 'w') as f:
        f.write(page(cells))
    sys.stdout.write(kt)
    sys.stderr.write(md)
    sys.stderr.write(f'wrote {os.path.join(a.out, "index.html")}\n')
    if not cells or any(c['error'] for c in cells):
        return 2
    return 0 if all(c['pass'] for c in cells) else 1


if __name__ == '__main__':
    sys.exit(main())
