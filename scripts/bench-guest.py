#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end benchmark: the same guest workload on iommu=none, upstream
iommu=smmuv3 and iommu=smmuv3-modern (tear checking off / sync / store),
interleaved, reporting medians of QEMU CPU time, wall time and the
workload's guest time, with the ratios to iommu=none, to upstream smmuv3
and (checking on) to modern-off, and 95 % bootstrap intervals.

    scripts/bench-guest.py [--reps N] [--kernel trixie] [--workloads LIST]
                           [--modes LIST] [--cells LIST] [--configs LIST]
                           [--mb N] [--parallel 1|2] [--qemu BINARY]
                           [--out DIR] [--no-plot]

workloads: boot blk4k blk1m nvme4k nvme1m net (tests/guest/bench.sh)
modes:     strict (iommu.strict=1), fq (iommu.strict=0),
           identity (iommu.passthrough=1)
cells:     explicit WORKLOAD:MODE pairs instead of workloads x modes,
           e.g. blk4k:strict,blk4k:fq,net:strict,boot
configs:   none smmuv3 modern-off modern-sync modern-store modern-maint
           (modern-maint: the maintenance checker on, tear checking off)
Defaults: 10 repetitions, trixie, blk4k and net in strict and fq, boot in
strict, configs none, smmuv3, modern-off and modern-sync.

The guest is scripts/guest-run.sh's machine: virt, GICv3, -cpu cortex-a57,
2 vCPUs, 1 GiB, TCG.  QEMU CPU time is user+system of the QEMU process
(guest-run.sh's qemu.rusage; else getrusage of the run's process tree),
boot included: the boot workload alone shows that part.  Guest time is
the workload's own time (SMMUM-BENCH); for boot it is the uptime at /init.

Every run has its own folder (OUT/runs/WORKLOAD-MODE-CONFIG/repN, the
console kept); a failed run is counted and reported, and its cell keeps
running.  Results: OUT/results.tsv (one line per run), OUT/results.json
(machine, runs, summary), OUT/summary.tsv, and with python3-matplotlib
one PNG per cell in OUT/plots/.

Machine noise hits all configurations alike because repetitions are
interleaved (the order of the runs inside a repetition is shuffled, seed
printed); a difference smaller than its interval is no difference.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_TOP = TOP       # the snapshot the runs use (see snapshot())
MODES = {
    'strict': 'iommu.strict=1',
    'fq': 'iommu.strict=0',
    'identity': 'iommu.passthrough=1',
}
WORKLOADS = ('boot', 'blk4k', 'blk1m', 'nvme4k', 'nvme1m', 'net')
CONFIGS = {
    'none': ('none', ''),
    'smmuv3': ('smmuv3', ''),
    'modern-off': ('smmuv3-modern',
                   '-global arm-smmuv3-modern.tear-check=off'),
    'modern-sync': ('smmuv3-modern',
                    '-global arm-smmuv3-modern.tear-check=sync'),
    'modern-store': ('smmuv3-modern',
                     '-global arm-smmuv3-modern.tear-check=store'),
    'modern-maint': ('smmuv3-modern',
                     '-global arm-smmuv3-modern.tear-check=off '
                     '-global arm-smmuv3-modern.maint-check=on'),
}
# The guest machine of scripts/guest-run.sh (checked against each run's
# qemu-cmdline).
GUEST_CPU = 'cortex-a57'
GUEST_SMP = '2'
BENCH = re.compile(r'^SMMUM-BENCH (\S+) ([0-9.]+)')
STEP_INIT = re.compile(r'^SMMUM-STEP ([0-9.]+) init:')
VERDICT = re.compile(r'^SMMUM-VERDICT (PASS|FAIL)')
# The first sign of trouble in a console (kept with each failed run).
TROUBLE = re.compile(r'Kernel panic|BUG:|Oops|Unable to handle|corrupted|'
                     r'soft lockup|hung_task|blocked for more than|'
                     r'watchdog FAIL|Call trace:')
STATUS = {0: 'pass', 1: 'fail', 2: 'no-verdict', 3: 'setup-error'}


def qemu_binary():
    out = subprocess.run([os.path.join(TOP, 'scripts/build-qemu.sh')],
                         check=True, stdout=subprocess.PIPE, text=True)
    return os.path.join(out.stdout.strip(), 'qemu-system-aarch64')


def host_info():
    info = {'nproc': os.cpu_count(), 'cpu': platform.machine(),
            'mem_gib': None, 'kernel': platform.release()}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    info['cpu'] = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'):
                    info['mem_gib'] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


def qemu_version(qemu):
    try:
        out = subprocess.run([qemu, '--version'], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
        return out.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return 'unknown'


def kernel_info(kernel):
    """KVER/PKGVER of the guest kernel (guest-initramfs.sh --resolve)."""
    try:
        env = subprocess.run(
            [os.path.join(TOP, 'scripts/guest-initramfs.sh'), '--resolve',
             kernel], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, check=True).stdout.strip()
        vals = {}
        with open(env) as f:
            for line in f:
                m = re.match(r'^(?:export )?(\w+)=["\']?([^"\'\n]*)', line)
                if m:
                    vals[m.group(1)] = m.group(2)
        return {k: vals.get(k) for k in ('LABEL', 'KVER', 'PKGVER')}
    except (OSError, subprocess.CalledProcessError):
        return {'LABEL': kernel}


def git_rev():
    try:
        rev = subprocess.run(['git', '-C', TOP, 'rev-parse', '--short',
                              'HEAD'], stdout=subprocess.PIPE, text=True,
                             stderr=subprocess.DEVNULL).stdout.strip()
        dirty = subprocess.run(['git', '-C', TOP, 'status', '--porcelain',
                                '--untracked-files=no'],
                               stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL).stdout.strip()
        return rev + ('-dirty' if dirty else '')
    except OSError:
        return 'unknown'


def parse_console(path):
    guest = init = verdict = None
    try:
        with open(path, errors='replace') as f:
            for line in f:
                line = line.strip()
                m = BENCH.match(line)
                if m:
                    guest = float(m.group(2))
                m = STEP_INIT.match(line)
                if m and init is None:
                    init = float(m.group(1))
                m = VERDICT.match(line)
                if m:
                    verdict = m.group(1)
    except OSError:
        pass
    return guest, init, verdict


def first_trouble(path):
    try:
        with open(path, errors='replace') as f:
            for line in f:
                if TROUBLE.search(line):
                    return line.rstrip('\n')
    except OSError:
        pass
    return None


def powered_down(path):
    try:
        with open(path, errors='replace') as f:
            return any('reboot: Power down' in ln for ln in f)
    except OSError:
        return False


def console_tail(path, n=8):
    try:
        with open(path, errors='replace') as f:
            lines = [ln.rstrip('\n') for ln in f
                     if not ln.startswith('SMMUM-DMESG')]
    except OSError:
        return []
    return lines[-n:]


def check_machine(out):
    """The run's -cpu and -smp as guest-run.sh passed them."""
    try:
        with open(os.path.join(out, 'qemu-cmdline')) as f:
            words = f.read().split()
    except OSError:
        return None, None
    cpu = smp = None
    for a, b in zip(words, words[1:]):
        if a == '-cpu':
            cpu = b
        elif a == '-smp':
            smp = b
    return cpu, smp


def snapshot(outdir):
    """Copy the scripts and guest files a run uses: a long benchmark must
    not pick up edits made to the working tree meanwhile (bash reads a
    script as it runs)."""
    snap = os.path.join(outdir, 'snapshot')
    shutil.rmtree(snap, ignore_errors=True)
    for d in ('scripts', 'tests/guest'):
        shutil.copytree(os.path.join(TOP, d), os.path.join(snap, d),
                        symlinks=True)
    # The guest programs take the test endpoint's registers from here.
    hdr = 'hw/arm/smmuv3-modern/smmuv3-modern-testdev.h'
    os.makedirs(os.path.dirname(os.path.join(snap, hdr)), exist_ok=True)
    shutil.copy2(os.path.join(TOP, hdr), os.path.join(snap, hdr))
    return snap


def run_once(qemu, kernel, task, mb, outdir, timeout):
    w, m, c, rep = task
    iommu, extra = CONFIGS[c]
    append = f'smmum.bench={w} smmum.bench_mb={mb}'
    if iommu != 'none':
        append += ' ' + MODES[m]
    out = os.path.join(outdir, 'runs', f'{w}-{m}-{c}', f'rep{rep}')
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, SMMUM_QEMU_EXTRA=extra)
    t0 = time.monotonic()
    with open(os.path.join(out, 'guest-run.log'), 'w') as log:
        proc = subprocess.Popen(
            [os.path.join(RUN_TOP, 'scripts/guest-run.sh'), '--kernel', kernel,
             '--iommu', iommu, '--append', append, '--qemu', qemu,
             '--out', out, '--timeout', str(timeout)],
            env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        # wait4: this run's own process tree, exact under --parallel 2.
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    tree_cpu = ru.ru_utime + ru.ru_stime
    cpu = None
    try:
        with open(os.path.join(out, 'qemu.rusage')) as f:
            u, s = f.read().split()[:2]
            cpu = float(u) + float(s)
            cpu_src = 'qemu'
    except (OSError, ValueError):
        cpu = tree_cpu
        cpu_src = 'tree'
    guest, init, verdict = parse_console(os.path.join(out, 'console.log'))
    if w == 'boot':
        guest = init
    gcpu, gsmp = check_machine(out)
    rc = proc.returncode
    r = {'workload': w, 'mode': m, 'config': c, 'rep': rep,
         'rc': rc, 'cpu': cpu, 'cpu_src': cpu_src,
         'tree_cpu': tree_cpu, 'wall': wall, 'guest': guest,
         'init': init, 'verdict': verdict, 'out': out,
         'machine': [gcpu, gsmp]}
    classify(r, timeout)
    return r


def classify(r, timeout):
    """Set r's status, first sign of trouble and console tail."""
    rc = r['rc']
    status = STATUS.get(rc, f'rc{rc}')
    if rc == 0 and r['guest'] is None:
        status = 'no-figure'
    console = os.path.join(r['out'], 'console.log')
    r['trouble'] = first_trouble(console)
    if (rc == 2 and r['guest'] is not None and not r['trouble'] and
            powered_down(console)):
        # The workload's figure came and the kernel powered off cleanly,
        # but the verdict line was lost on the console: a harness fault.
        status = 'verdict-lost'
    if status == 'pass' and r['trouble']:
        # A kernel oops, panic or lockup, even when the workload still
        # printed its figure: that run's time is not the workload's.
        status = 'guest-error'
    elif status == 'pass' and r['wall'] >= timeout - 5:
        # The workload passed but the guest then hung (killed at the
        # timeout): QEMU's CPU time includes the hang.
        status = 'hang-after-verdict'
    if status == 'pass' and r.get('machine') != [GUEST_CPU, GUEST_SMP]:
        status = 'wrong-machine'
    r['status'] = status
    r['tail'] = [] if status == 'pass' else console_tail(console)


def boot_ci(xs, ys, stat=statistics.median, n=2000):
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


def ratio(runs, key, num, den):
    xs = [r[key] for r in runs.get(num, [])
          if r['status'] == 'pass' and r[key] is not None]
    ys = [r[key] for r in runs.get(den, [])
          if r['status'] == 'pass' and r[key] is not None]
    if not xs or not ys or num == den:
        return None
    lo, hi = boot_ci(xs, ys)
    return {'ratio': statistics.median(xs) / statistics.median(ys),
            'lo': lo, 'hi': hi}


def paired(runs, key, num, den):
    """Median over repetitions of the per-repetition ratio num/den (both
    runs of a repetition passed), with its 95 % bootstrap interval: the
    runs of one repetition are minutes apart, so slow changes of the
    machine's load cancel out."""
    a = {r['rep']: r[key] for r in runs.get(num, [])
         if r['status'] == 'pass' and r[key] is not None}
    b = {r['rep']: r[key] for r in runs.get(den, [])
         if r['status'] == 'pass' and r[key]}
    xs = [a[k] / b[k] for k in sorted(a) if k in b]
    if not xs or num == den:
        return None
    rng = random.Random(1)
    meds = sorted(statistics.median([rng.choice(xs) for _ in xs])
                  for _ in range(2000))
    return {'ratio': statistics.median(xs), 'lo': meds[50],
            'hi': meds[1949], 'n': len(xs)}


def fmt_ratio(r):
    if r is None:
        return ''
    return f'{r["ratio"]:.3f} [{r["lo"]:.3f},{r["hi"]:.3f}]'


def summarise(cells, configs, results):
    summary = []
    for (w, m) in cells:
        by_cfg = {c: results.get((w, m, c), []) for c in configs}
        for c in configs:
            rs = by_cfg[c]
            ok = [r for r in rs if r['status'] == 'pass']
            row = {'workload': w, 'mode': m, 'config': c, 'runs': len(rs),
                   'ok': len(ok), 'failed': len(rs) - len(ok)}
            for key in ('cpu', 'wall', 'guest', 'init'):
                vals = [r[key] for r in ok if r[key] is not None]
                row[key] = statistics.median(vals) if vals else None
            for key in ('cpu', 'guest', 'init'):
                row[f'{key}_vs_none'] = ratio(by_cfg, key, c, 'none')
                row[f'{key}_vs_smmuv3'] = ratio(by_cfg, key, c, 'smmuv3')
                checked = c in ('modern-sync', 'modern-store', 'modern-maint')
                row[f'{key}_vs_off'] = (ratio(by_cfg, key, c, 'modern-off')
                                        if checked else None)
            for ref in ('none', 'smmuv3', 'modern-off'):
                if ref != 'modern-off' or c in ('modern-sync',
                                                'modern-store',
                                                'modern-maint'):
                    row[f'cpu_paired_vs_{ref}'] = paired(by_cfg, 'cpu', c,
                                                         ref)
            summary.append(row)
    return summary


def print_table(summary, header):
    print(header)
    print(f'{"workload":<7} {"mode":<6} {"config":<12} {"ok/n":>5} '
          f'{"cpu s":>7} {"wall s":>7} {"guest s":>7} '
          f'{"cpu/none":>21} {"cpu/smmuv3":>21} {"cpu/off":>21}')
    for row in summary:
        okn = f'{row["ok"]}/{row["runs"]}'

        def num(v):
            return f'{v:7.2f}' if v is not None else f'{"-":>7}'
        print(f'{row["workload"]:<7} {row["mode"]:<6} {row["config"]:<12} '
              f'{okn:>5} {num(row["cpu"])} {num(row["wall"])} '
              f'{num(row["guest"])} '
              f'{fmt_ratio(row["cpu_vs_none"]):>21} '
              f'{fmt_ratio(row["cpu_vs_smmuv3"]):>21} '
              f'{fmt_ratio(row["cpu_vs_off"]):>21}')


def print_paired(summary):
    print('\nthe same, paired: median over repetitions of the ratio of '
          'the two runs of each repetition [95 % bootstrap interval]')
    print(f'{"workload":<7} {"mode":<6} {"config":<12} '
          f'{"cpu/none":>21} {"cpu/smmuv3":>21} {"cpu/off":>21}')
    for row in summary:
        print(f'{row["workload"]:<7} {row["mode"]:<6} {row["config"]:<12} '
              f'{fmt_ratio(row.get("cpu_paired_vs_none")):>21} '
              f'{fmt_ratio(row.get("cpu_paired_vs_smmuv3")):>21} '
              f'{fmt_ratio(row.get("cpu_paired_vs_modern-off")):>21}')


def print_init(configs, runs):
    """Boot to /init (guest uptime), every passing run of every cell."""
    by_cfg = {}
    for r in runs:
        if r['status'] == 'pass' and r['init'] is not None:
            by_cfg.setdefault(r['config'], []).append(r)
    if not by_cfg:
        return
    print('\nboot to /init (guest uptime at /init), passing runs of all '
          'cells pooled')
    print(f'{"config":<12} {"n":>4} {"init s":>7} {"init/none":>21} '
          f'{"init/smmuv3":>21}')
    for c in configs:
        rs = by_cfg.get(c, [])
        if not rs:
            continue
        med = statistics.median(r['init'] for r in rs)
        print(f'{c:<12} {len(rs):>4} {med:7.2f} '
              f'{fmt_ratio(ratio(by_cfg, "init", c, "none")):>21} '
              f'{fmt_ratio(ratio(by_cfg, "init", c, "smmuv3")):>21}')


def write_tsv(path, runs):
    with open(path, 'w') as f:
        f.write('workload\tmode\tconfig\trep\tstatus\tcpu_s\tcpu_src\t'
                'wall_s\tguest_s\tinit_s\tout\n')
        for r in runs:
            def v(x):
                return '' if x is None else f'{x:.3f}'
            f.write(f'{r["workload"]}\t{r["mode"]}\t{r["config"]}\t'
                    f'{r["rep"]}\t{r["status"]}\t{v(r["cpu"])}\t'
                    f'{r["cpu_src"]}\t{v(r["wall"])}\t{v(r["guest"])}\t'
                    f'{v(r["init"])}\t{r["out"]}\n')


def write_summary_tsv(path, summary):
    cols = ['workload', 'mode', 'config', 'runs', 'ok', 'failed', 'cpu',
            'wall', 'guest', 'init']
    rcols = [f'{k}_vs_{ref}' for k in ('cpu', 'guest', 'init')
             for ref in ('none', 'smmuv3', 'off')] + \
        [f'cpu_paired_vs_{ref}' for ref in ('none', 'smmuv3', 'modern-off')]
    with open(path, 'w') as f:
        f.write('\t'.join(cols + [f'{c}{s}' for c in rcols
                                  for s in ('', '_lo', '_hi')]) + '\n')
        for row in summary:
            vals = []
            for c in cols:
                x = row[c]
                vals.append('' if x is None else
                            f'{x:.3f}' if isinstance(x, float) else str(x))
            for c in rcols:
                r = row.get(c)
                vals += ['', '', ''] if r is None else \
                    [f'{r["ratio"]:.4f}', f'{r["lo"]:.4f}', f'{r["hi"]:.4f}']
            f.write('\t'.join(vals) + '\n')


def plot(cells, configs, results, outdir, meta):
    """One PNG per cell: QEMU CPU time of every passing run per config."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('# no plots: python3-matplotlib is not installed '
              '(scripts/setup-host.sh installs it)', file=sys.stderr)
        return []
    pdir = os.path.join(outdir, 'plots')
    os.makedirs(pdir, exist_ok=True)
    made = []
    for (w, m) in cells:
        data = [[r['cpu'] for r in results.get((w, m, c), [])
                 if r['status'] == 'pass'] for c in configs]
        fails = [sum(1 for r in results.get((w, m, c), [])
                     if r['status'] != 'pass') for c in configs]
        if not any(data):
            continue
        fig, ax = plt.subplots(figsize=(7, 4))
        pos = [i + 1 for i, d in enumerate(data) if d]
        ax.boxplot([d for d in data if d], positions=pos, widths=0.5,
                   showfliers=False)
        rng = random.Random(2)
        for i, d in enumerate(data):
            ax.scatter([i + 1 + rng.uniform(-0.12, 0.12) for _ in d], d,
                       s=12, alpha=0.7, color='tab:blue', zorder=3)
        base = data[configs.index('none')] if 'none' in configs else []
        if base:
            ref = statistics.median(base)
            ax.axhline(ref, color='grey', linestyle=':', linewidth=1)
            for i, d in enumerate(data):
                if d:
                    ax.annotate(f'{statistics.median(d) / ref:.3f}x',
                                (i + 1, max(d)), textcoords='offset points',
                                xytext=(0, 4), ha='center', fontsize=8)
        ax.set_xticks(range(1, len(configs) + 1))
        ax.set_xticklabels([f'{c}\n({len(d)} ok, {f} failed)'
                            if f else f'{c}\n({len(d)} ok)'
                            for c, d, f in zip(configs, data, fails)],
                           fontsize=8)
        ax.set_ylabel('QEMU CPU time, s (user+system)')
        if base:
            ax.set_xlabel('median / median of none above each box; '
                          'dotted: median of none', fontsize=8)
        mode = '' if w == 'boot' else f', {MODES[m]}'
        ax.set_title(f'{w}{mode}: {meta["guest_kernel"].get("KVER")}, '
                     f'-cpu {GUEST_CPU} x{GUEST_SMP}, TCG\n'
                     f'host: {meta["host"]["cpu"]} '
                     f'({meta["host"]["nproc"]} CPUs)', fontsize=9)
        ax.grid(axis='y', alpha=0.3)
        fig.tight_layout()
        path = os.path.join(pdir, f'{w}-{m}.png')
        fig.savefig(path, dpi=100)
        plt.close(fig)
        made.append(path)
    return made


def parse_cells(args):
    if args.cells:
        cells = []
        for item in args.cells.split(','):
            w, _, m = item.partition(':')
            cells.append((w, m or 'strict'))
    else:
        modes = args.modes.split(',')
        cells = [(w, m) for w in args.workloads.split(',') for m in modes
                 if w != 'boot' or m == modes[0]]
    for (w, m) in cells:
        if w not in WORKLOADS:
            sys.exit(f'--workloads/--cells: unknown workload {w}; '
                     f'known: {" ".join(WORKLOADS)}')
        if m not in MODES:
            sys.exit(f'--modes/--cells: unknown mode {m}; '
                     f'known: {" ".join(MODES)}')
    return cells


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[2:]))
    ap.add_argument('--reps', type=int, default=10)
    ap.add_argument('--kernel', default='trixie')
    ap.add_argument('--workloads', default='boot,blk4k,net')
    ap.add_argument('--modes', default='strict,fq')
    ap.add_argument('--cells', default='',
                    help='WORKLOAD:MODE,... instead of workloads x modes')
    ap.add_argument('--configs', default='none,smmuv3,modern-off,modern-sync')
    ap.add_argument('--mb', type=int, default=64)
    ap.add_argument('--parallel', type=int, default=1, choices=(1, 2))
    ap.add_argument('--qemu', default='',
                    help='qemu-system-aarch64 to use (default: build it)')
    ap.add_argument('--timeout', type=int, default=240,
                    help='wall-clock seconds before a run is killed '
                    '(default 240; the guest watchdog fires at 4/5)')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--no-plot', action='store_true')
    ap.add_argument('--from-runs', default='',
                    help='summarise OUT/runs.jsonl of an earlier (even '
                    'interrupted) run instead of running')
    ap.add_argument('--out', default=os.path.join(TOP, 'out/bench-guest'))
    args = ap.parse_args()
    if args.reps < 1:
        sys.exit('--reps must be at least 1')
    if args.mb < 1:
        sys.exit('--mb must be at least 1')
    if args.timeout < 60:
        sys.exit('--timeout must be at least 60 seconds')
    configs = args.configs.split(',')
    for c in configs:
        if c not in CONFIGS:
            sys.exit(f'--configs: unknown config {c}; '
                     f'known: {" ".join(CONFIGS)}')
    cells = parse_cells(args)
    os.makedirs(args.out, exist_ok=True)
    qemu = args.qemu or (args.from_runs and 'unknown') or qemu_binary()
    if not args.from_runs and not os.access(qemu, os.X_OK):
        sys.exit(f'--qemu: {qemu} is not an executable')
    seed = args.seed if args.seed is not None else int(time.time())
    meta = {
        'date': datetime.datetime.now(datetime.timezone.utc)
        .strftime('%Y-%m-%d %H:%M UTC'),
        'host': host_info(), 'qemu': qemu, 'qemu_version': qemu_version(qemu),
        'git': git_rev(), 'guest_kernel': kernel_info(args.kernel),
        'guest_machine': f'virt,gic-version=3 -cpu {GUEST_CPU} '
                         f'-smp {GUEST_SMP} -m 1G -accel tcg',
        'reps': args.reps, 'mb': args.mb, 'parallel': args.parallel,
        'seed': seed, 'timeout': args.timeout,
        'cells': [f'{w}:{m}' for w, m in cells],
        'configs': configs, 'argv': sys.argv[1:],
    }
    meta_path = os.path.join(args.out, 'meta.json')
    if args.from_runs:
        try:
            with open(os.path.join(os.path.dirname(args.from_runs),
                                   'meta.json')) as f:
                meta = json.load(f)
            configs = meta['configs']
            cells = [tuple(x.split(':')) for x in meta['cells']]
        except (OSError, ValueError, KeyError):
            pass
    else:
        with open(meta_path, 'w') as f:
            json.dump(meta, f, indent=1)
    h = meta['host']
    print(f'# host: {h["cpu"]}, {h["nproc"]} CPUs, {h["mem_gib"]} GiB; '
          f'{meta["qemu_version"]}; guest {meta["guest_kernel"].get("KVER")} '
          f'on {meta["guest_machine"]}; seed {seed}', file=sys.stderr)

    results = {}
    if args.from_runs:
        runs = []
        with open(args.from_runs) as f:
            for line in f:
                if line.strip():
                    runs.append(json.loads(line))
        for r in runs:
            classify(r, meta.get('timeout', args.timeout))
        for r in runs:
            results.setdefault((r['workload'], r['mode'], r['config']),
                               []).append(r)
    else:
        global RUN_TOP
        RUN_TOP = snapshot(args.out)
        rng = random.Random(seed)
        tasks = []
        for rep in range(args.reps):
            batch = [(w, m, c, rep) for (w, m) in cells for c in configs]
            rng.shuffle(batch)
            tasks += batch
        runs = []
        lock = threading.Lock()
        done = [0]
        jsonl = open(os.path.join(args.out, 'runs.jsonl'), 'w')

        def one(task):
            r = run_once(qemu, args.kernel, task, args.mb, args.out,
                         args.timeout)
            with lock:
                runs.append(r)
                results.setdefault(task[:3], []).append(r)
                jsonl.write(json.dumps(r) + '\n')
                jsonl.flush()
                done[0] += 1
                note = '' if r['status'] == 'pass' else \
                    f'  FAILED ({r["status"]}): {r["out"]}'
                cpu = f'{r["cpu"]:.1f}' if r['cpu'] is not None else '-'
                print(f'# [{done[0]}/{len(tasks)}] rep {task[3] + 1} '
                      f'{task[0]} {task[1]} {task[2]}: cpu {cpu} s, '
                      f'wall {r["wall"]:.1f} s{note}', file=sys.stderr)
            return r

        with concurrent.futures.ThreadPoolExecutor(args.parallel) as ex:
            list(ex.map(one, tasks))
        jsonl.close()

    runs.sort(key=lambda r: (r['workload'], r['mode'], r['config'],
                             r['rep']))
    summary = summarise(cells, configs, results)
    write_tsv(os.path.join(args.out, 'results.tsv'), runs)
    write_summary_tsv(os.path.join(args.out, 'summary.tsv'), summary)
    plots = [] if args.no_plot else plot(cells, configs, results, args.out,
                                         meta)
    meta['plots'] = plots
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump({'meta': meta, 'runs': runs, 'summary': summary}, f,
                  indent=1)

    header = (f'kernel {meta["guest_kernel"].get("KVER")}, guest -cpu '
              f'{GUEST_CPU} x{GUEST_SMP} (TCG), host {h["cpu"]} '
              f'({h["nproc"]} CPUs); {meta["reps"]} interleaved '
              f'repetitions, --parallel {meta["parallel"]}, '
              f'--mb {meta["mb"]}\n'
              f'medians of passing runs; ratios of medians of QEMU CPU time '
              f'[95 % bootstrap interval]')
    print_table(summary, header)
    print_paired(summary)
    print_init(configs, runs)
    failed = [r for r in runs if r['status'] != 'pass']
    if failed:
        print(f'\n{len(failed)} failed run(s):')
        for r in failed:
            print(f'  {r["workload"]} {r["mode"]} {r["config"]} rep '
                  f'{r["rep"]}: {r["status"]}, {r["out"]}/console.log')
            if r.get('trouble'):
                print(f'      first sign: {r["trouble"]}')
            for ln in r['tail']:
                print(f'      | {ln}')
    print(f'\nresults: {args.out}/results.tsv, summary.tsv, results.json'
          + (f', {len(plots)} plot(s) in {args.out}/plots' if plots else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
