#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Core micro-benchmark (tests/bench/bench-core.c, no QEMU): translations
# per second on IOTLB hits and misses (stage 1, stage 2, nested) and
# commands per second (CFGI_STE, TLBI_NH_VA by page and by RIL range,
# CMD_SYNC, with and without the tear checker), on fake guest memory.
#
#   scripts/bench-core.sh [--time SECONDS] [--reps N] [--only CASE]
#
# Builds the core with -O2 -g (as QEMU builds it) in out/bench-core/build,
# runs every case REPS times (default 5) for SECONDS of CPU time each
# (default 0.3) and prints the median rates; out/bench-core/results.tsv
# gets the same.  CPU time of the benchmark thread, so a busy machine
# stretches the run, not the figures (caches and frequency still vary:
# compare figures from one run).
. "$(dirname "$0")/lib.sh"

out="$SMMU_TOP/out/bench-core"
build="$out/build"
mkdir -p "$out"
if [ ! -f "$build/build.ninja" ]; then
    meson setup --buildtype=debugoptimized -Dwerror=false "$build" "$SMMU_TOP" >"$out/setup.log" 2>&1 ||
        die "meson setup failed: see $out/setup.log"
fi
ninja -C "$build" tests/bench/bench-core >"$out/build.log" 2>&1 ||
    die "build failed: see $out/build.log"
log "host: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) CPUs"
"$build/tests/bench/bench-core" --tsv "$out/results.tsv" "$@"
