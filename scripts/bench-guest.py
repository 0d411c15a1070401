#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end benchmark: the same guest workload on iommu=none, upstream
iommu=smmuv3 and iommu=smmuv3-modern (tear checking off / sync / store),
interleaved, reporting medians of QEMU CPU time and of the workload's
guest time, with the ratios to iommu=none and to upstream smmuv3 and
95 % bootstrap intervals.

    scripts/bench-guest.py [--reps N] [--kernel trixie] [--workloads LIST]
                           [--modes LIST] [--configs LIST] [--mb N]

workloads: boot blk4k blk1m nvme4k nvme1m net (tests/guest/bench.sh)
modes:     strict (iommu.strict=1), fq (iommu.strict=0),
           identity (iommu.passthrough=1)
configs:   none smmuv3 modern-off modern-sync modern-store
Defaults: 10 repetitions, trixie, blk4k and net in strict and fq, boot in
strict, configs none, smmuv3, modern-off and modern-sync.  QEMU CPU time
is user+system of the run's process tree (getrusage), boot included: the
boot workload alone shows that part.
Machine noise hits all configurations alike because repetitions are
interleaved; a difference smaller than its interval is no difference.
"""
import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = {
    'strict': 'iommu.strict=1',
    'fq': 'iommu.strict=0',
    'identity': 'iommu.passthrough=1',
}
CONFIGS = {
    'none': ('none', ''),
    'smmuv3': ('smmuv3', ''),
    'modern-off': ('smmuv3-modern',
                   '-global arm-smmuv3-modern.tear-check=off'),
    'modern-sync': ('smmuv3-modern',
                    '-global arm-smmuv3-modern.tear-check=sync'),
    'modern-store': ('smmuv3-modern',
                     '-global arm-smmuv3-modern.tear-check=store'),
}
BENCH = re.compile(r'^SMMUM-BENCH (\S+) ([0-9.]+)')


def qemu_binary():
    out = subprocess.run([os.path.join(TOP, 'scripts/build-qemu.sh')],
                         check=True, stdout=subprocess.PIPE, text=True)
    return os.path.join(out.stdout.strip(), 'qemu-system-aarch64')


def run_once(qemu, kernel, workload, mode, config, mb, outdir):
    iommu, extra = CONFIGS[config]
    append = f'smmum.bench={workload} smmum.bench_mb={mb}'
    if iommu != 'none':
        append += ' ' + MODES[mode]
    out = os.path.join(outdir, f'{workload}-{mode}-{config}')
    env = dict(os.environ, SMMUM_QEMU_EXTRA=extra)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(
        [os.path.join(TOP, 'scripts/guest-run.sh'), '--kernel', kernel,
         '--iommu', iommu, '--append', append, '--qemu', qemu,
         '--out', out, '--timeout', '600'],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime +
           after.ru_stime - before.ru_stime)
    guest = None
    try:
        with open(os.path.join(out, 'console.log'), errors='replace') as f:
            for line in f:
                m = BENCH.match(line.strip())
                if m:
                    guest = float(m.group(2))
    except OSError:
        pass
    if proc.returncode != 0 or guest is None:
        return None
    return {'cpu': cpu, 'wall': wall, 'guest': guest}


def boot_ci(xs, ys, stat=statistics.median, n=1000):
    """95 % bootstrap interval of stat(xs) / stat(ys)."""
    rng = random.Random(1)
    ratios = []
    for _ in range(n):
        a = stat([rng.choice(xs) for _ in xs])
        b = stat([rng.choice(ys) for _ in ys])
        if b > 0:
            ratios.append(a / b)
    ratios.sort()
    if not ratios:
        return (float('nan'), float('nan'))
    return (ratios[int(0.025 * len(ratios))],
            ratios[int(0.975 * len(ratios)) - 1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--reps', type=int, default=10)
    ap.add_argument('--kernel', default='trixie')
    ap.add_argument('--workloads', default='boot,blk4k,net')
    ap.add_argument('--modes', default='strict,fq')
    ap.add_argument('--configs', default='none,smmuv3,modern-off,modern-sync')
    ap.add_argument('--mb', type=int, default=64)
    ap.add_argument('--out', default=os.path.join(TOP, 'out/bench-guest'))
    args = ap.parse_args()
    workloads = args.workloads.split(',')
    modes = args.modes.split(',')
    configs = args.configs.split(',')
    for c in configs:
        if c not in CONFIGS:
            sys.exit(f'unknown config {c}; known: {" ".join(CONFIGS)}')
    for m in modes:
        if m not in MODES:
            sys.exit(f'unknown mode {m}; known: {" ".join(MODES)}')
    os.makedirs(args.out, exist_ok=True)
    qemu = qemu_binary()
    cells = [(w, m) for w in workloads for m in modes
             if w != 'boot' or m == modes[0]]
    results = {}
    failed = set()
    for rep in range(args.reps):
        for (w, m) in cells:
            for c in configs:
                if (w, m, c) in failed:
                    continue
                r = run_once(qemu, args.kernel, w, m, c, args.mb, args.out)
                if r is None:
                    print(f'# {w} {m} {c}: run failed, dropped',
                          file=sys.stderr)
                    failed.add((w, m, c))
                    continue
                results.setdefault((w, m, c), []).append(r)
        print(f'# repetition {rep + 1}/{args.reps} done', file=sys.stderr)

    tsv = os.path.join(args.out, 'results.tsv')
    with open(tsv, 'w') as f:
        f.write('workload\tmode\tconfig\trep\tcpu_s\twall_s\tguest_s\n')
        for (w, m, c), rs in sorted(results.items()):
            for i, r in enumerate(rs):
                f.write(f'{w}\t{m}\t{c}\t{i}\t{r["cpu"]:.3f}\t'
                        f'{r["wall"]:.3f}\t{r["guest"]:.3f}\n')

    print(f'kernel {args.kernel}, {args.reps} interleaved repetitions; '
          f'medians; [95 % bootstrap interval]')
    print(f'{"workload":<8} {"mode":<8} {"config":<13} {"cpu s":>7} '
          f'{"guest s":>8} {"cpu/none":>20} {"cpu/smmuv3":>20}')
    for (w, m) in cells:
        for c in configs:
            rs = results.get((w, m, c))
            if not rs:
                print(f'{w:<8} {m:<8} {c:<13} {"failed":>7}')
                continue
            cpu = [r['cpu'] for r in rs]
            cols = []
            for ref in ('none', 'smmuv3'):
                rr = results.get((w, m, ref))
                if not rr or ref == c:
                    cols.append('')
                    continue
                ref_cpu = [r['cpu'] for r in rr]
                lo, hi = boot_ci(cpu, ref_cpu)
                ratio = statistics.median(cpu) / statistics.median(ref_cpu)
                cols.append(f'{ratio:.3f} [{lo:.3f},{hi:.3f}]')
            print(f'{w:<8} {m:<8} {c:<13} {statistics.median(cpu):7.2f} '
                  f'{statistics.median([r["guest"] for r in rs]):8.2f} '
                  f'{cols[0]:>20} {cols[1]:>20}')
    print(f'raw results: {tsv}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
