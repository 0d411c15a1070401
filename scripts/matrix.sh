#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kernel x boot-mode matrix on smmuv3-modern (tear-check=sync): every
# kernel boots once per default domain mode with the guest workload, then
# one table of verdicts, transitions and findings is written.
#
#   scripts/matrix.sh [--kernels "bookworm trixie sid"]
#                     [--modes "DMA DMA-FQ identity"] [--out DIR]
#                     [--timeout S] [--report-only]
#
#   --kernels      Debian suites (scripts/fetch-kernels.sh names)
#   --modes        DMA (iommu.strict=1), DMA-FQ (iommu.strict=0),
#                  identity (iommu.passthrough=1), default
#   --out          default out/matrix
#   --report-only  rebuild the table from the runs already in --out
#
# Runs one guest at a time (the machine's cores are shared).  Output:
# <out>/tap-<mode>.txt (TAP of scripts/guest-suite.sh, one file per mode,
# so a mode can be re-run alone), one folder + tear report
# + HTML page per cell, <out>/matrix.txt and <out>/index.html (the table,
# linking every cell's page).  Guests boot with nokaslr.  Exit status 0
# when every cell's guest verdict is PASS and no cell has a major or
# critical tear; wall time is shown but never part of a verdict.
. "$(dirname "$0")/lib.sh"

kernels="bookworm trixie sid"
modes="DMA DMA-FQ identity"
out=""
timeout=300
report_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kernels) kernels=${2:?}; shift ;;
        --modes) modes=${2:?}; shift ;;
        --out) out=${2:?}; shift ;;
        --timeout) timeout=${2:?}; shift ;;
        --report-only) report_only=1 ;;
        -h|--help) sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
out=${out:-$SMMU_TOP/out/matrix}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$out"

if [ "$report_only" = 0 ]; then
    set +e
    for m in $modes; do
        "$SMMU_TOP/scripts/guest-suite.sh" --iommu smmuv3-modern \
            --kernels "$kernels" --modes "$m" --append nokaslr \
            --timeout "$timeout" --out "$out" | tee "$out/tap-$m.txt"
    done
    set -e
fi

/usr/bin/python3 - "$out" "$SMMU_TOP/scripts/tear-summary.py" "$SMMU_CACHE" \
    "$kernels" "$modes" <<'PY'
import html, importlib.util, os, re, sys
out, tsp, cache, kernels, modes = sys.argv[1:6]
sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location('ts', tsp)
ts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ts)

wall = {}
taps = []
for mode in modes.split():
    try:
        taps.append((f'tap-{mode}.txt',
                     open(os.path.join(out, f'tap-{mode}.txt')).read()))
    except OSError:
        pass
for _, tap in taps:
    cell = None
    for line in tap.splitlines():
        m = re.search(r'log (\S+)/console\.log$', line)
        if m:
            cell = os.path.basename(m[1])
            continue
        m = re.search(r'\[guest-run.sh\] .*, ([0-9.]+)s$', line)
        if m and cell:
            wall[cell] = m[1]
            cell = None

rows = []
ok_all = True
for k in kernels.split():
    envf = os.path.join(cache, 'kernels', k, 'current', 'kernel.env')
    label = k
    try:
        for line in open(envf):
            if line.startswith('LABEL='):
                label = line.strip()[6:]
    except OSError:
        pass
    for mode in modes.split():
        cell = f'{label}-smmuv3-modern' + ('' if mode == 'default' else f'-{mode}')
        log = os.path.join(out, cell, 'console.log')
        rep = os.path.join(out, cell + '.tear-report.jsonl')
        con = ts.parse_console(log if os.path.exists(log) else None)
        try:
            st = ts.stats(ts.load(rep))
        except (OSError, ValueError):
            st = None
        checks = con['checks']
        npass = sum(1 for c in checks if c[1] == 'PASS')
        nfail = sum(1 for c in checks if c[1] == 'FAIL')
        nskip = sum(1 for c in checks if c[1] == 'SKIP')
        verdict = con['verdict'] or 'NONE'
        tear_ok = st is not None and st['tears_major'] == 0
        ok_all &= verdict == 'PASS' and tear_ok
        rows.append(dict(kernel=label, mode=mode, cell=cell, verdict=verdict,
                         checks=f'{npass}/{nfail}/{nskip}', st=st,
                         tear='PASS' if tear_ok else ('none' if st is None else 'FAIL'),
                         wall=wall.get(cell, '?')))

def cls(st):
    return ', '.join(f'{k} {v}' for k, v in st['tears_by_class'].items()) or '0'

def kinds(st):
    return '; '.join(f'{k} {v}' for k, v in st['transitions_by_kind'].items())

hdr = ['kernel', 'mode', 'guest', 'checks p/f/s', 'tear check', 'tears by class',
       'hitless', 'breaking', 'missing inval', 'transient bypass',
       'store racing', 'exposure', 'wall s']
lines = ['| ' + ' | '.join(hdr) + ' |', '|' + '---|' * len(hdr)]
for r in rows:
    st = r['st'] or {}
    lines.append('| ' + ' | '.join(str(x) for x in [
        r['kernel'], r['mode'], r['verdict'], r['checks'], r['tear'],
        cls(st) if st else '-', st.get('hitless', '-'), st.get('breaking', '-'),
        st.get('missing_invalidation', '-'), st.get('transient_bypass', '-'),
        st.get('store_racing', '-'), st.get('exposure', '-'), r['wall']]) + ' |')
lines.append('')
lines.append('Transitions by kind (STE/CD config before -> after, verdict):')
for r in rows:
    if r['st']:
        lines.append(f'  {r["kernel"]} {r["mode"]}: {kinds(r["st"])}')
text = '\n'.join(lines)
open(os.path.join(out, 'matrix.txt'), 'w').write(text + '\n')
print(text)

e = html.escape
h = ['<!DOCTYPE html><html><head><meta charset="utf-8">',
     '<title>smmuv3-modern kernel x mode matrix</title><style>',
     'body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}',
     'td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}',
     'th{background:#f3f3f3}.PASS{color:#2e7d32;font-weight:bold}',
     '.FAIL,.NONE{color:#c62828;font-weight:bold}</style></head><body>',
     '<h1>smmuv3-modern: kernel &times; boot mode</h1>',
     '<p>tear-check=sync; modes: DMA = iommu.strict=1, DMA-FQ = '
     'iommu.strict=0, identity = iommu.passthrough=1 (the workload then '
     'switches every group through identity, DMA and DMA-FQ itself). Wall '
     'time is shown for information only.</p><table><tr>']
h += [f'<th>{e(x)}</th>' for x in hdr + ['transitions by kind', 'report']]
h.append('</tr>')
for r in rows:
    st = r['st'] or {}
    page = r['cell'] + '.tear-report.html'
    link = (f'<a href="{e(page)}">report</a>'
            if os.path.exists(os.path.join(out, page)) else '-')
    cells = [e(r['kernel']), e(r['mode']),
             f'<span class="{e(r["verdict"])}">{e(r["verdict"])}</span>',
             e(r['checks']), f'<span class="{e(r["tear"])}">{e(r["tear"])}</span>',
             e(cls(st)) if st else '-'] + \
            [e(str(st.get(k, '-'))) for k in ('hitless', 'breaking',
             'missing_invalidation', 'transient_bypass', 'store_racing',
             'exposure')] + [e(r['wall']), e(kinds(st)) if st else '-', link]
    h.append('<tr>' + ''.join(f'<td>{c}</td>' for c in cells) + '</tr>')
h.append('</table><p>TAP output: ' + ', '.join(
    f'<a href="{e(name)}">{e(name)}</a>' for name, _ in taps) +
    '</p></body></html>')
open(os.path.join(out, 'index.html'), 'w').write('\n'.join(h) + '\n')
print(f'\nwrote {os.path.join(out, "index.html")}')
sys.exit(0 if ok_all else 1)
PY
