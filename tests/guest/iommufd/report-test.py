#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self-test of scripts/iommufd-report.py on a crafted run.

    report-test.py SCRIPTS_DIR

Prints "ok N - ..." / "not ok N - ..." per check and a plan; exit 1 when
any failed.
"""
import json
import os
import subprocess
import sys
import tempfile

CONSOLE = """SMMUM-STEP 1.0 init: self-7.2-iommufd
SMMUM-DEV 0000:00:05.0 vfio-pci 6
SMMUM-STEP 9.0 iommufd: exerciser on 0000:00:05.0 (vfio0)
SMMUM-IOMMUFD 10000000000 10.0 1 bind ok bound
SMMUM-IOMMUFD 11000000000 11.0 2 attach-paging-a ok attach/replace to paging HWPT A (id 3): ok
SMMUM-IOMMUFD 11500000000 11.5 3 dma-paging-a ok translated
SMMUM-IOMMUFD 12000000000 12.0 4 replace-paging-s2 ok attach/replace to S2 parent (id 5): ok
SMMUM-IOMMUFD 13000000000 13.0 end 1 failures
SMMUM-CHECK iommufd-bind PASS bound
SMMUM-CHECK iommufd-replace-paging-s2 FAIL did not
SMMUM-CHECK iommufd-pasid SKIP no PASID
SMMUM-VERDICT FAIL
SMMUM-DMESG-BEGIN
[    0.500000] KTAP version 1
[    0.500001] 1..2
[    0.500002]     KTAP version 1
[    0.500003]     # Subtest: arm-smmu-v3-kunit-test
[    0.500004]     1..3
[    0.500005]     ok 1 case_one
[    0.500006]         KTAP version 1
[    0.500007]         # Subtest: case_param
[    0.500008]         ok 1 param-a
[    0.500009]         not ok 2 param-b
[    0.500010]     not ok 2 case_param
[    0.500011]     ok 3 case_skip # SKIP not here
[    0.500012] not ok 1 arm-smmu-v3-kunit-test
[    0.500013]     KTAP version 1
[    0.500014]     # Subtest: other
[    0.500015]     1..1
[    0.500016]     ok 1 only
[    0.500017] ok 2 other
SMMUM-DMESG-END
"""


def ste(cfg):
    w0 = 1 | (cfg << 1)
    return [f'0x{w0:016x}'] + ['0x0'] * 7


def rec(t, sid, a, b, verdict, ns):
    r = {'schema': 1, 'type': t, 'view': 'ste', 'sid': sid,
         'a': ste(a), 'b': ste(b), 'verdict': verdict, 'sync_count': 1,
         'severity': 'info', 'commands': []}
    if ns is not None:
        r['commands'] = [{'op': 'CFGI_STE', 'sid': sid, 'vcnt': ns}]
    return r


# Report order is what counts (transitions carry no time): the workload's
# abort -> S1 first, then one STE change per domain-changing step.
RECORDS = [
    rec('transition', 0x28, 0, 5, 'hitless', None),      # before: workload
    rec('transition', 0x28, 5, 0, 'breaking', None),     # bind
    rec('transition', 0x08, 4, 5, 'hitless', None),      # another SID
    rec('transition', 0x28, 0, 5, 'hitless', None),      # attach-paging-a
    rec('transition', 0x28, 5, 6, 'breaking', None),     # replace-paging-s2
]


def main():
    scripts = sys.argv[1]
    results = []

    def check(ok, what):
        results.append((ok, what))

    with tempfile.TemporaryDirectory() as d:
        con = os.path.join(d, 'console.log')
        rep = os.path.join(d, 'report.jsonl')
        js = os.path.join(d, 'ev.json')
        with open(con, 'w') as f:
            f.write(CONSOLE)
        with open(rep, 'w') as f:
            f.write('\n'.join(json.dumps(r) for r in RECORDS) + '\n')
        p = subprocess.run([sys.executable,
                            os.path.join(scripts, 'iommufd-report.py'),
                            con, rep, '--json', js],
                           capture_output=True, text=True)
        out = p.stdout.splitlines()
        check(p.returncode == 0, f'report tool runs (exit {p.returncode})'
              + (f': {p.stderr.strip()[-200:]}' if p.returncode else ''))
        kun = [x for x in out if ' kunit ' in x and 'suite result' not in x]
        check(len(kun) == 4, f'4 KUnit cases at depth 1 (got {len(kun)})')
        check(sum(x.startswith('not ok') for x in kun) == 1,
              'one failing KUnit case (the parameterised one)')
        check(any('case_skip # SKIP' in x for x in kun),
              'a skipped KUnit case keeps its SKIP directive')
        suites = [x for x in out if 'suite result' in x]
        check(len(suites) == 2 and suites[0].startswith('not ok') and
              suites[1].startswith('ok'), 'two suite results, first failed')
        check(any(x.startswith('not ok - iommufd-replace-paging-s2')
                  for x in out), 'a FAIL check becomes not ok')
        check(any(x.startswith('ok - iommufd-pasid # skip') for x in out),
              'a SKIP check becomes a skip')
        check(any(x.startswith('ok - tear report:') for x in out),
              'a report without tears passes')
        check(any(x.startswith('ok - STE transitions of StreamID 0x28')
                  for x in out), 'the STE transitions line up with the steps')
        try:
            ev = json.load(open(js))
        except (OSError, ValueError):
            ev = {}
        check(ev.get('sid') == 0x28, 'the exerciser StreamID from its BDF')
        rep_ = ev.get('evidence', {}).get('hitless replace', {})
        check(rep_.get('hitless') == 1 and rep_.get('breaking') == 1 and
              len(rep_.get('transitions', [])) == 2 and
              rep_['transitions'][1].startswith('replace-paging-s2:') and
              'S1' in rep_['transitions'][1] and
              'breaking' in rep_['transitions'][1],
              'the breaking S1->S2 transition is placed in its step')
        blk = ev.get('evidence', {}).get(
            'BLOCKED/IDENTITY never-fail attach', {})
        check(len(blk.get('transitions', [])) == 1 and
              blk['transitions'][0].startswith('bind:') and
              'S1' in blk['transitions'][0] and
              'abort' in blk['transitions'][0],
              'the S1->abort transition is the bind step\'s (BLOCKED)')
    for i, (ok, what) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {what}')
    print(f'1..{len(results)}')
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
