#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real-guest suite: boot Debian's bookworm, trixie and sid kernels with
# the guest workload on one IOMMU and print TAP, one result per (kernel,
# check) plus each kernel's verdict.
#
#   scripts/guest-suite.sh [--iommu smmuv3|smmuv3-modern|none]
#                          [--kernels "bookworm trixie sid"] [--timeout S]
#                          [--modes "default DMA DMA-FQ identity"]
#                          [--append "ARGS"] [--out DIR] [--reboots N]
#                          [--no-cache]
#
# --modes    the boot-time default domain of each run: default (the
#            kernel's own, the only mode unless asked), DMA (strict,
#            iommu.strict=1), DMA-FQ (iommu.strict=0), identity
#            (iommu.passthrough=1); every kernel boots once per mode
# --append   extra kernel command line for every run (e.g. nokaslr)
# --out      where runs go (default out/guest): <label>-<iommu>[-<mode>]/
#            console.log, and on smmuv3-modern <same>.tear-report.jsonl
#            plus <same>.tear-report.html
# --reboots  on smmuv3-modern, when trixie is among the kernels: one more
#            case where trixie reboots itself (sysrq b) until it has booted
#            N times (default 3; 0: no such case), without the extended
#            workload steps: one result per boot (its SMMU probe and
#            checks), the tear report over all boots, the loop's verdict
#
# QEMU: $QEMU, else the binary scripts/build-qemu.sh builds.
# A kernel the archive cannot serve (and that is not cached from an earlier
# run) is reported as "ok N - <suite> # skip archive: <reason>".
#
# SMMUM_GUEST_MODERN=0 reports every iommu=smmuv3-modern case as skipped
# (with that reason, never as passed) instead of running it; the default
# (1) runs them.
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

: "${SMMUM_GUEST_MODERN:=1}"
MODERN_SKIP_REASON="disabled by SMMUM_GUEST_MODERN=0"

iommu=smmuv3
kernels="bookworm trixie sid"
timeout=300
modes=default
gappend=""
outdir=""
reboots=3
while [ $# -gt 0 ]; do
    case "$1" in
        --iommu) iommu=${2:?}; shift ;;
        --kernels) kernels=${2:?}; shift ;;
        --timeout) timeout=${2:?}; shift ;;
        --modes) modes=${2:?}; shift ;;
        --append) gappend=${2?}; shift ;;
        --out) outdir=${2:?}; shift ;;
        --no-cache) ;;  # handled before lib.sh is sourced
        --reboots) reboots=${2:?}; shift ;;
        -h|--help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
    shift
done

for m in $modes; do
    case "$m" in
        default|DMA|DMA-FQ|identity) ;;
        *) die "unknown mode $m (default, DMA, DMA-FQ, identity)" ;;
    esac
done
mode_args() {
    case "$1" in
        DMA) echo "iommu.strict=1" ;;
        DMA-FQ) echo "iommu.strict=0" ;;
        identity) echo "iommu.passthrough=1" ;;
    esac
}
outdir=${outdir:-$SMMU_TOP/out/guest}
case "$outdir" in /*) ;; *) outdir="$PWD/$outdir" ;; esac

n=0
bad=0

# ---- the host-side report tools (no guest; fails on a broken tool) ----
if selftest=$(/usr/bin/python3 "$SMMU_TOP/tests/guest/report-tools-test.py" \
              "$SMMU_TOP/scripts" 2>&1); then
    tap ok "report tools self-test ($(echo "$selftest" | grep -c '^ok') checks)"
else
    echo "$selftest" | grep -v '^ok' | diag
    tap not-ok "report tools self-test"
fi

# ---- kernels (the archive may fail per suite; cached copies stay good) ----
"$SMMU_TOP/scripts/fetch-kernels.sh" $kernels 2>&1 | diag || true

if [ "$iommu" = smmuv3-modern ] && [ "$SMMUM_GUEST_MODERN" != 1 ]; then
    for s in $kernels; do
        envf="$SMMU_CACHE/kernels/$s/current/kernel.env"
        label=$s
        [ -f "$envf" ] && label=$(sed -n 's/^LABEL=//p' "$envf")
        tap ok "$label $iommu" "skip $MODERN_SKIP_REASON"
    done
    echo "1..$n"
    exit 0
fi

if [ -z "${QEMU:-}" ]; then
    QEMU="$("$SMMU_TOP/scripts/build-qemu.sh")/qemu-system-aarch64" ||
        { tap not-ok "qemu build"; echo "1..$n"; exit 1; }
    export QEMU
fi

for mode in $modes; do
for s in $kernels; do
    envf="$SMMU_CACHE/kernels/$s/current/kernel.env"
    status=$(cat "$SMMU_CACHE/kernels/$s/status" 2>/dev/null || echo "skipped: archive: never fetched")
    if [ ! -f "$envf" ]; then
        tap ok "$s $iommu" "skip ${status#skipped: }"
        continue
    fi
    label=$(sed -n 's/^LABEL=//p' "$envf")
    kver=$(sed -n 's/^KVER=//p' "$envf")
    pkgver=$(sed -n 's/^PKGVER=//p' "$envf")
    # The default mode keeps the names of the one-mode suite.
    if [ "$mode" != default ]; then
        label="$label-$mode"
    fi
    [ "$status" = ok ] ||
        tap ok "$label $iommu archive refresh" \
            "skip ${status#skipped: } (running the cached $kver, $pkgver)"
    if [ "$mode" = default ]; then
        out="$outdir/$label-$iommu"
    else
        out="$outdir/${label%-$mode}-$iommu-$mode"
    fi
    mkdir -p "$outdir"
    rm -rf "$out"
    rc=0
    report="$out.tear-report.jsonl"
    rm -f "$report"
    extra=${SMMUM_QEMU_EXTRA:-}
    [ "$iommu" != smmuv3-modern ] ||
        extra="$extra -global arm-smmuv3-modern.tear-check=sync
               -global arm-smmuv3-modern.tear-report=$report"
    SMMUM_QEMU_EXTRA=$extra "$SMMU_TOP/scripts/guest-run.sh" --kernel "$s" \
        --iommu "$iommu" --timeout "$timeout" --out "$out" --qemu "$QEMU" \
        --append "$(mode_args "$mode") $gappend" \
        >/dev/null 2>"$out.err" || rc=$?
    diag < "$out.err"
    rm -f "$out.err"
    log="$out/console.log"
    if [ "$rc" -ge 3 ] || [ ! -f "$log" ]; then
        tap not-ok "$label $iommu: could not start the guest (guest-run exit $rc)"
        continue
    fi
    while read -r _ name res detail; do
        case "$res" in
            PASS) tap ok "$label $iommu $name: $detail" ;;
            SKIP) tap ok "$label $iommu $name" "skip $detail" ;;
            *) tap not-ok "$label $iommu $name: $detail" ;;
        esac
    done < <(grep '^SMMUM-CHECK ' "$log")
    if [ "$iommu" = smmuv3-modern ]; then
        # The model's own verdict: no tear of severity major or critical.
        /usr/bin/python3 "$SMMU_TOP/scripts/tear-report-html.py" "$report" \
            "$log" > "$out.tear-report.html" 2>/dev/null || true
        if summary=$(/usr/bin/python3 "$SMMU_TOP/scripts/tear-summary.py" \
                     "$report" --console "$log" 2>&1); then
            tap ok "$label $iommu tear-report: $(echo "$summary" | head -1)"
        else
            echo "$summary" | diag
            tap not-ok "$label $iommu tear-report: $(echo "$summary" | head -1), see $report"
        fi
    fi
    case "$rc" in
        0) tap ok "$label $iommu verdict ($kver, $pkgver)" ;;
        1) tap not-ok "$label $iommu verdict: FAIL, log $log" ;;
        *) tap not-ok "$label $iommu verdict: none (hang, crash or timeout), log $log" ;;
    esac
done
done

# ---- reboot loop: trixie rebooting itself on the model ----
envf="$SMMU_CACHE/kernels/trixie/current/kernel.env"
if [ "$iommu" = smmuv3-modern ] && [ "$reboots" -gt 0 ] &&
   [[ " $kernels " = *" trixie "* ]] && [ -f "$envf" ]; then
    label="$(sed -n 's/^LABEL=//p' "$envf") $iommu reboot-loop"
    out="$outdir/$(sed -n 's/^LABEL=//p' "$envf")-$iommu-reboots"
    report="$out.tear-report.jsonl"
    rm -rf "$out" "$report"
    mkdir -p "$outdir"
    rc=0
    SMMUM_QEMU_EXTRA="${SMMUM_QEMU_EXTRA:-}
        -global arm-smmuv3-modern.tear-check=sync
        -global arm-smmuv3-modern.tear-report=$report" \
        "$SMMU_TOP/scripts/guest-run.sh" --kernel trixie --iommu "$iommu" \
        --timeout "$timeout" --out "$out" --qemu "$QEMU" \
        --reboots "$reboots" --append "smmum.extra=0 $gappend" \
        >/dev/null 2>"$out.err" || rc=$?
    diag < "$out.err"
    rm -f "$out.err"
    log="$out/console.log"
    if [ "$rc" -ge 3 ] || [ ! -f "$log" ]; then
        tap not-ok "$label: could not start the guest (guest-run exit $rc)"
    else
        # Per boot (a boot ends with its verdict): probe, checks, verdict.
        while read -r b probe np nf v; do
            if [ "$probe" = PASS ] && [ "$nf" = 0 ] && [ "$v" = PASS ]; then
                tap ok "$label boot $b: smmu-probe PASS, $np checks passed"
            else
                tap not-ok "$label boot $b: smmu-probe $probe, $np passed, $nf failed, verdict $v"
            fi
        done < <(awk '
            /^SMMUM-CHECK / { if ($3 == "PASS") np++; else if ($3 == "FAIL") nf++
                              if ($2 == "smmu-probe") probe = $3 }
            /^SMMUM-BOOT / { b = $2 }
            /^SMMUM-VERDICT / { print (b ? b : "?"), (probe ? probe : "none"),
                                      np + 0, nf + 0, $2
                                b = ""; probe = ""; np = 0; nf = 0 }' "$log")
        if summary=$(/usr/bin/python3 "$SMMU_TOP/scripts/tear-summary.py" \
                     "$report" --console "$log" 2>&1); then
            tap ok "$label tear-report: $(echo "$summary" | head -1)"
        else
            echo "$summary" | diag
            tap not-ok "$label tear-report: $(echo "$summary" | head -1), see $report"
        fi
        case "$rc" in
            0) tap ok "$label: $reboots boots, each with verdict PASS" ;;
            1) tap not-ok "$label: FAIL, log $log" ;;
            *) tap not-ok "$label: fewer than $reboots boots (hang, crash or timeout), log $log" ;;
        esac
    fi
fi
echo "1..$n"
[ "$bad" -eq 0 ]
