#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the core's libFuzzer harnesses with clang (ASan + UBSan) and run
# each for SECONDS (default 60) from its seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      harnesses: regs cmdq xlate tear
#
# Seeds: tests/fuzz/corpus/<harness>/ (tests/fuzz/gen-seeds.py).  The
# growing corpus and any crash/hang/leak inputs go to out/fuzz/.  Keep
# every finding, once fixed, in tests/fuzz/regress/<harness>/: the unit
# suite replays it (test-fuzz-regress).  Exit status 1 when a harness
# found something.
. "$(dirname "$0")/lib.sh"
cd "$SMMU_TOP"

secs=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(regs cmdq xlate tear)

bdir="$SMMU_TOP/build/fuzz"
odir="$SMMU_TOP/out/fuzz"
mkdir -p "$odir"
if [ ! -f "$bdir/build.ninja" ]; then
    CC=clang meson setup "$bdir" "$SMMU_TOP" -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        >"$odir/meson-setup.log" 2>&1 ||
        { cat "$odir/meson-setup.log" >&2; die "meson setup failed"; }
fi
ninja -C "$bdir" >"$odir/ninja.log" 2>&1 ||
    { tail -40 "$odir/ninja.log" >&2; die "fuzz build failed"; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# -entropic=0: with tens of thousands of features libFuzzer's entropic
# bookkeeping took three quarters of the time.
status=0
for h in "${harnesses[@]}"; do
    corpus="$odir/corpus/$h"
    art="$odir/artifacts/$h"
    mkdir -p "$corpus" "$art"
    "$bdir/tests/fuzz/fuzz-$h" "$corpus" "$SMMU_TOP/tests/fuzz/corpus/$h" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -entropic=0 -print_final_stats=1 -artifact_prefix="$art/" \
        >"$odir/$h.log" 2>&1 && rc=0 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$odir/$h.log")
    if [ $rc -eq 0 ]; then
        echo "fuzz $h: ok, ${execs:-?} execs in ${secs}s"
    else
        echo "fuzz $h: FINDING (rc $rc), see $odir/$h.log and $art/"
        status=1
    fi
done
exit $status
