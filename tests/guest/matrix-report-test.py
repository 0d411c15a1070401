#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self-test of scripts/matrix-report.py (no QEMU, no guest).

    matrix-report-test.py [SCRIPTS_DIR]

Builds a crafted matrix folder -- a passing cell (minor tear, an L1STD
publication, a transition), a cell whose tear report has a major tear, a
cell whose guest verdict is FAIL and a cell that could not be started --
runs scripts/matrix-report.py on subsets of it and checks the exit status
(0 / 1 / 2), the KTAP document (plan, one result per cell, the ERROR
directive, subtests with the guest's checks) and the table (verdicts,
tears by class, exposure without the L1STD's, QEMU CPU time).  Prints
TAP; exit status 0 only when every check passed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..',
                                                             'scripts')
IMG = ['0x0'] * 8
S1 = ['0x000000004480000b'] + ['0x0'] * 7
ABORT = ['0x0000000000000001'] + ['0x0'] * 7

n = 0
bad = 0


def check(ok, what):
    global n, bad
    n += 1
    if not ok:
        bad += 1
    print(f'{"ok" if ok else "not ok"} {n} - {what}')


def rec(type_, **kw):
    r = {'schema': 1, 'type': type_, 'severity': 'info', 'mode': 'sync',
         'view': 'ste', 'sid': 8, 'addr': '0x7ac60200', 'window': 1,
         'a': S1, 'b': ABORT, 'state': IMG, 'commands': [], 'store': None,
         'exposure': 0, 'idr': ['0x0'] * 6}
    r.update(kw)
    return r


def cell(root, name, verdict, records, rc=0, rusage='10.5 1.5 1000'):
    d = os.path.join(root, name)
    os.makedirs(d)
    with open(os.path.join(d, 'status'), 'w') as f:
        f.write(f'{rc} 12345\n')
    if rc >= 3:
        with open(os.path.join(d, 'guest-run.err'), 'w') as f:
            f.write('[guest-run.sh] no QEMU binary at /nonexistent\n')
        return
    with open(os.path.join(d, 'qemu.rusage'), 'w') as f:
        f.write(rusage + '\n')
    with open(os.path.join(d, 'console.log'), 'w') as f:
        f.write('SMMUM-CHECK modules PASS 7 loaded\n'
                'SMMUM-CHECK edu-reset SKIP no reset method\n')
        if verdict == 'FAIL':
            f.write('SMMUM-CHECK blk-DMA FAIL data mismatch\n')
        f.write(f'SMMUM-VERDICT {verdict}\n')
    with open(os.path.join(d, 'tear-report.jsonl'), 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')


def run(root, names):
    cells = os.path.join(root, 'cells-' + '-'.join(names) + '.tsv')
    envf = os.path.join(root, 'kernel.env')
    with open(cells, 'w') as f:
        for nm in names:
            w = nm.split('_')
            maint = f'\t{w[3]}' if len(w) > 3 else ''
            f.write(f'{w[0]}\t{w[1]}\t{w[2]}\t{nm}\t{envf}{maint}\n')
    p = subprocess.run([sys.executable,
                        os.path.join(SCRIPTS, 'matrix-report.py'),
                        '--out', root, '--cells', cells, '--tear-summary',
                        os.path.join(SCRIPTS, 'tear-summary.py')],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def mrec(type_, severity, **kw):
    r = {'schema': 2, 'type': type_, 'severity': severity, 'mode': 'maint',
         'view': 'iotlb', 'sid': 8, 'exposure': 4, 'idr': ['0x0'] * 6}
    r.update(kw)
    return r


def msummary(findings):
    return mrec('maint-summary', None, findings=findings, by_type={},
                checked={'entries': 5, 'hits': 10, 'tlbis': 2, 'syncs': 2,
                         'maintained': 2})


def maint_main(root):
    """Cells run with maint-check=on (the sixth column of cells.tsv)."""
    cell(root, 'm_DMA_store_on', 'PASS',
         [mrec('dma-before-invalidation', 'minor'), msummary(1)])
    cell(root, 'm_DMA-FQ_store_on', 'PASS',
         [mrec('missing-tlb-maintenance', 'major'), msummary(1)])
    cell(root, 'm_identity_store_on', 'PASS', [])

    rc, out, err = run(root, ['m_DMA_store_on'])
    check(rc == 0, 'maint: a minor finding passes')
    check('    ok 4 maint-report' in out.splitlines(),
          'maint: the maint-report subtest')
    row = [ln for ln in err.splitlines() if ln.startswith('| m ')]
    cols = [c.strip() for c in row[0].strip('|').split('|')] if row else []
    check(cols[11:13] == ['0', 'dma-before-invalidation 1'],
          'maint: findings column; its exposure is not the tears\'')
    check(cols[13] == '5 entries, 10 hits, 2 TLBIs, 2 SYNCs, 2 maintained',
          'maint: what was checked, from maint-summary')

    rc, out, _ = run(root, ['m_DMA-FQ_store_on', 'm_identity_store_on'])
    check(rc == 1, 'maint: failing cells: exit 1')
    check('not ok 1 m-DMA-FQ-store' in out and
          '    not ok 4 maint-report' in out,
          'maint: a major finding fails the cell')
    check(re.search(r'^# m-DMA-FQ-store: 1 major/critical maintenance',
                    out, re.M) is not None, 'maint: the reason')
    check(re.search(r'^# m-identity-store: no maint-summary', out, re.M)
          is not None, 'maint: a missing summary fails the cell')


def main():
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, 'kernel.env'), 'w') as f:
            f.write('LABEL=k-1.0\nKVER=1.0.0\nPKGVER=1.0-1\n')
        good = [rec('transition', verdict='hitless', hitless=True),
                rec('tear', severity='minor', **{'class': 'attr'},
                    exposure=7),
                rec('l1-publish-without-invalidation', view='l1std',
                    exposure=1000)]
        cell(root, 'k_DMA_sync', 'PASS', good)
        cell(root, 'k_DMA_store', 'PASS',
             [rec('tear', severity='critical', **{'class': 'bypass'},
                  exposure=3)])
        cell(root, 'k_identity_sync', 'FAIL', [])
        cell(root, 'k_identity_store', 'NONE', [], rc=3)

        rc, out, err = run(root, ['k_DMA_sync'])
        check(rc == 0, 'one passing cell: exit 0')
        lines = out.splitlines()
        check(lines[:2] == ['KTAP version 1', '1..1'], 'KTAP header and plan')
        check('ok 1 k-DMA-sync' in lines, 'the cell is ok')
        check('    ok 2 edu-reset # SKIP no reset method' in lines,
              'a skipped guest check is a SKIP subtest')
        check('    ok 3 tear-report' in lines and
              '    ok 4 guest-verdict' in lines and '    1..4' in lines,
              'subtests: guest checks, tear report, guest verdict')
        row = [ln for ln in err.splitlines() if ln.startswith('| k ')]
        check(len(row) == 1, 'one table row')
        cols = [c.strip() for c in row[0].strip('|').split('|')] if row \
            else []
        check(cols[3:5] == ['PASS', 'PASS'], 'verdict and guest columns')
        check(cols[6] == 'attr 1', 'tears by class')
        check(cols[11] == '7', 'exposure counts the tear, not the L1STD')
        check(cols[12:14] == ['off', '-'], 'maint columns of a cell without')
        check(cols[14] == '12.0', 'QEMU CPU time is user + system')
        check('L1 publish 1' in cols[7], 'other findings name the L1STD')
        doc = json.load(open(os.path.join(root, 'matrix.json')))
        check(doc[0]['pass'] is True and doc[0]['stats']['hitless'] == 1,
              'matrix.json carries the cell')

        rc, out, _ = run(root, ['k_DMA_sync', 'k_DMA_store',
                                'k_identity_sync'])
        check(rc == 1, 'a failed verdict: exit 1')
        check('not ok 2 k-DMA-store' in out, 'a critical tear fails the cell')
        check('    not ok 3 tear-report' in out, 'the tear-report subtest')
        check('not ok 3 k-identity-sync' in out,
              'a guest FAIL fails the cell')
        check(re.search(r'^# k-identity-sync: guest verdict FAIL$', out,
                        re.M) is not None, 'the reason as a diagnostic')

        rc, out, _ = run(root, ['k_DMA_sync', 'k_identity_store'])
        check(rc == 2, 'a cell that could not start: exit 2')
        check(re.search(r'^not ok 2 k-identity-store # ERROR could not start',
                        out, re.M) is not None, 'the ERROR directive')
        maint_main(root)
        html = open(os.path.join(root, 'index.html')).read()
        check('<script' not in html and 'http' not in html.split('<body>')[1],
              'index.html is self-contained')
    print(f'1..{n}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
