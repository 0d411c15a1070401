#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self-test of the host-side report tools (no QEMU, no guest).

    report-tools-test.py [SCRIPTS_DIR]

Feeds scripts/tear-summary.py and scripts/tear-report-html.py a crafted
report (a clean one and one with a critical tear, a missing invalidation
and a breaking transition) plus a crafted console log, and checks exit
statuses, the StreamID <-> BDF/driver join, the timeline, time placement,
symbolisation and that the HTML page is self-contained with a well-formed
SVG.  Prints TAP; exit status 0 only when every check passed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.dom.minidom

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..',
                                                             'scripts')
IDR = ['0x0', '0x0', '0x0', '0x0', '0x0', '0x0']


def ste(w0, w2=0):
    return [f'0x{w0:016x}', '0x0', f'0x{w2:016x}'] + ['0x0'] * 5


ABORT = ste(0x1)
BYPASS = ste(0x9)
S1 = ste(0x44a6800b)
S2 = ste(0xd, 0x2a)


def rec(type_, sid, a, b, **kw):
    r = {'schema': 1, 'type': type_, 'severity': 'info', 'mode': 'sync',
         'view': 'ste', 'sid': sid, 'addr': '0x7ac60200', 'window': 1,
         'a': a, 'b': b, 'state': b, 'store': None, 'commands': [],
         'exposure': 0, 'approximate': False, 'idr': IDR}
    r.update(kw)
    return r


CLEAN = [
    rec('transition', 8, ABORT, S1, verdict='hitless', sync_count=2),
    rec('transition', 8, S1, BYPASS, verdict='hitless', sync_count=2),
    rec('transition', 16, ABORT, S2, verdict='hitless', sync_count=1,
        commands=[{'op': 'SYNC', 'seq': 4, 'vcnt': 5_500_000_000}]),
]
BAD = CLEAN + [
    rec('transition', 16, S2, ABORT, verdict='breaking', sync_count=1),
    rec('tear', 8, BYPASS, S1, severity='critical', **{'class': 'translate'},
        store={'pa': '0x7ac60210', 'size': 8, 'data': '0x0',
               'pc': '0xffff800080001004', 'cpu': 1, 'vcnt': 7_000_000_000},
        commands=[{'op': 'CFGI_STE', 'sid': 8, 'leaf': True, 'seq': 9,
                   'vcnt': 7_100_000_000}]),
    rec('missing-invalidation', 16, S2, ABORT, severity='major', reason='txn'),
]
CONSOLE = """\
SMMUM-STEP 3.10 init: test-1.0 1.0 (1), iommu=smmuv3-modern, 1.0
SMMUM-DEV 0000:00:01.0 virtio-pci 0
SMMUM-DEV 0000:00:02.0 nvme 3
SMMUM-STEP 5.40 nvme: domain DMA
SMMUM-DEV 0000:00:02.0 vfio-pci 3
SMMUM-STEP 6.90 blk: domain identity
SMMUM-CHECK blk-identity PASS ok
SMMUM-VERDICT PASS
SMMUM-DMESG-BEGIN
SMMUM-DEV 0000:00:09.0 bogus 9
SMMUM-DMESG-END
"""
SYSMAP = "ffff800080001000 T arm_smmu_write_ste\nffff800080002000 t other\n"
# The guest's part of /proc/kallsyms: the store at ...1004 is inside
# arm_smmu_write_ste, which ends where the "end" symbol starts; a PC past
# it is in a function the guest did not print and must stay unnamed.
KSYMS = ("SMMUM-KSYMS-BEGIN\n"
         "SMMUM-KSYM ffff800080001000 t arm_smmu_write_ste\n"
         "SMMUM-KSYM ffff800080001800 end unrelated_fn\n"
         "SMMUM-KSYMS-END\n")

n = 0
bad = 0


def ok(cond, what):
    global n, bad
    n += 1
    if not cond:
        bad += 1
    print(f'{"ok" if cond else "not ok"} {n} - {what}')


def run(*args):
    p = subprocess.run([sys.executable] + list(args), capture_output=True,
                       text=True)
    return p.returncode, p.stdout + p.stderr


with tempfile.TemporaryDirectory() as d:
    files = {}
    for name, recs in (('clean', CLEAN), ('bad', BAD)):
        files[name] = os.path.join(d, name + '.jsonl')
        with open(files[name], 'w') as f:
            f.write(''.join(json.dumps(r) + '\n' for r in recs))
    con = os.path.join(d, 'console.log')
    smap = os.path.join(d, 'System.map')
    with open(con, 'w') as f:
        f.write(CONSOLE)
    with open(smap, 'w') as f:
        f.write(SYSMAP)
    summ = os.path.join(SCRIPTS, 'tear-summary.py')
    page = os.path.join(SCRIPTS, 'tear-report-html.py')

    rc, out = run(summ, files['clean'])
    ok(rc == 0 and out.splitlines()[0] == '3 record(s): transition 3',
       'tear-summary: clean report exits 0, first line unchanged')
    rc, out = run(summ, files['bad'], '--all', '--console', con,
                  '--timeline', '--system-map', smap)
    ok(rc == 1, 'tear-summary: critical tear exits 1')
    ok('StreamID 0x8 (0000:00:01.0 virtio-pci group 0)' in out,
       'tear-summary: StreamID joined with BDF, driver, group')
    ok('nvme/vfio-pci' in out, 'tear-summary: driver history kept')
    ok('bogus' not in out,
       'tear-summary: SMMUM-DEV inside the dmesg dump ignored')
    ok('(arm_smmu_write_ste+0x4)' in out, 'tear-summary: store PC symbolised')
    ok(re.search(r'S2 vmid 42 -> abort\s+breaking', out) is not None,
       'tear-summary: timeline marks the breaking transition')
    ok(re.search(r'7\.100s \[blk: domain identity\]\s+!! tear translate', out)
       is not None, 'tear-summary: tear placed at its virtual time, next to '
       'the guest step')
    ok(out.count('; 1 violation(s)') == 2,
       'tear-summary: violations counted per lane (one each)')
    rc, out = run(summ, files['bad'], '--stats')
    st = json.loads(out)
    ok(rc == 1 and st['hitless'] == 3 and st['breaking'] == 1 and
       st['tears_by_class'] == {'translate': 1} and
       st['missing_invalidation'] == 1, 'tear-summary --stats counts')
    kcon = os.path.join(d, 'console-ksyms.log')
    with open(kcon, 'w') as f:
        f.write(KSYMS + CONSOLE)
    rc, out = run(summ, files['bad'], '--all', '--console', kcon)
    ok('(arm_smmu_write_ste+0x4)' in out,
       'tear-summary: store PC symbolised from the guest\'s SMMUM-KSYM lines')
    far = os.path.join(d, 'far.jsonl')
    with open(far, 'w') as f:
        f.write(open(files['bad']).read().replace('0xffff800080001004',
                                                  '0xffff800080001900'))
    rc, out = run(summ, far, '--all', '--console', kcon)
    ok('arm_smmu_write_ste+' not in out and 'unrelated_fn' not in out,
       'tear-summary: a PC past a symbol\'s end is left unnamed')
    rc, out = run(summ, os.path.join(d, 'missing.jsonl'))
    ok(rc == 2, 'tear-summary: unreadable report exits 2')

    rc, out = run(page, files['bad'], con, '--system-map', smap)
    ok(rc == 1, 'tear-report-html: critical tear exits 1')
    svg = re.search(r'<svg.*?</svg>', out, re.S)
    try:
        xml.dom.minidom.parseString(svg.group(0))
        wellformed = True
    except Exception:  # noqa: BLE001 -- any parse error fails the check
        wellformed = False
    ok(wellformed, 'tear-report-html: inline SVG is well-formed XML')
    ext = set(re.findall(r'(?:src|href)="([^"#][^"]*)"', out))
    ok(not ext and '<script' not in out,
       'tear-report-html: no scripts, no external references')
    ok(out.count('stroke-dasharray="3,2"') >= 2 and 'S2 vmid 42' in out,
       'tear-report-html: breaking transition drawn and labelled')
    ok('0000:00:02.0' in out and 'arm_smmu_write_ste+0x4' in out,
       'tear-report-html: device table and symbolised PC')
    rc, out = run(page, files['clean'])
    ok(rc == 0 and '<svg' in out, 'tear-report-html: clean report, no console')

print(f'1..{n}')
sys.exit(1 if bad else 0)
