#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run test programs that speak TAP and count their results.

    tap-run.py [--timeout S] [--log DIR] SUITE NAME -- CMD [ARGS...]
        run one program, print its results as "SUITE: ok/not ok ..." and
        append the counts to DIR/counts.tsv
    tap-run.py --summary DIR
        print the per-suite table and the final "N passed, N failed" line;
        exit 1 when anything failed.

A program that crashes, times out or stops before its TAP plan is
complete counts the missing results as failed: a test that did not run
never counts as passed.
"""
import os
import re
import subprocess
import sys

RESULT = re.compile(r'^(not )?ok\b\s*(\d+)?\s*-?\s*(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)')
SKIP = re.compile(r'#\s*skip', re.IGNORECASE)


def run(argv):
    timeout = 1800
    logdir = 'out/test'
    while argv and argv[0].startswith('--'):
        opt = argv.pop(0)
        if opt == '--timeout':
            timeout = int(argv.pop(0))
        elif opt == '--log':
            logdir = argv.pop(0)
        else:
            sys.exit(f'tap-run: unknown option {opt}')
    if len(argv) < 4 or argv[2] != '--':
        sys.exit('usage: tap-run.py [--timeout S] [--log DIR] SUITE NAME -- CMD...')
    suite, name, cmd = argv[0], argv[1], argv[3:]
    os.makedirs(logdir, exist_ok=True)
    logpath = os.path.join(logdir, f'{suite}-{name}.log'.replace('/', '_'))
    passed = failed = skipped = 0
    plan = None
    note = ''
    with open(logpath, 'w') as log:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                    stderr=log, text=True, errors='replace')
        except OSError as e:
            proc, note = None, f'cannot start: {e}'
        if proc:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
                note = f'timed out after {timeout}s'
            log.write(out)
            for line in out.splitlines():
                m = PLAN.match(line)
                if m:
                    plan = int(m.group(1))
                    continue
                m = RESULT.match(line)
                if not m:
                    continue
                if m.group(1):
                    failed += 1
                    print(f'{suite}: not ok - {m.group(3)}')
                elif SKIP.search(line):
                    skipped += 1
                    print(f'{suite}: ok - {m.group(3)}')
                else:
                    passed += 1
                    print(f'{suite}: ok - {m.group(3)}')
            if not note and proc.returncode not in (0, 77):
                note = f'exit status {proc.returncode}'
    ran = passed + failed + skipped
    missing = (plan - ran) if plan is not None and plan > ran else 0
    if note and failed == 0 and missing == 0:
        missing = 1
    if missing:
        failed += missing
        print(f'{suite}: not ok - {name}: {missing} result(s) missing '
              f'({note or "stopped early"}); log: {logpath}')
    elif ran == 0:
        failed += 1
        print(f'{suite}: not ok - {name}: ran no test; log: {logpath}')
    with open(os.path.join(logdir, 'counts.tsv'), 'a') as f:
        f.write(f'{suite}\t{name}\t{passed}\t{failed}\t{skipped}\n')
    return 0 if failed == 0 else 1


def summary(logdir):
    rows = {}
    path = os.path.join(logdir, 'counts.tsv')
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                suite, _, p, fl, s = line.rstrip('\n').split('\t')
                r = rows.setdefault(suite, [0, 0, 0])
                r[0] += int(p)
                r[1] += int(fl)
                r[2] += int(s)
    tot = [sum(r[i] for r in rows.values()) for i in range(3)]
    print()
    print(f'{"suite":<24}{"passed":>8}{"failed":>8}{"skipped":>9}')
    for suite, r in rows.items():
        print(f'{suite:<24}{r[0]:>8}{r[1]:>8}{r[2]:>9}')
    print()
    line = f'{tot[0]} passed, {tot[1]} failed'
    if tot[2]:
        line += f', {tot[2]} skipped'
    print(line)
    return 1 if tot[1] or not tot[0] else 0


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--summary':
        sys.exit(summary(sys.argv[2]))
    sys.exit(run(sys.argv[1:]))
