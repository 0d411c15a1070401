#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Model cost per translated DMA, in instructions (callgrind: repeatable,
# whatever else the machine is doing), for upstream smmuv3 and for
# smmuv3-modern with tear checking off and in sync mode, and with the
# maintenance checker on (tear checking off).
#
#   scripts/bench-model.sh [DMAS]      (default 200)
#
# Boundary: QEMU's generic address_space_translate_iommu() (inclusive),
# the same for any IOMMU model.  Workload: tests/qtest/smmuv3-modern-bench.c
# (8 pages mapped at stage 1, DMAS edu transfers of 4 KiB; IOTLB hits after
# the first 8).  Each configuration runs twice, with 8 and with 8+DMAS
# transfers; the difference divided by DMAS is the steady-state cost per
# DMA, free of start-up and table-programming work.
. "$(dirname "$0")/lib.sh"

dmas=${1:-200}
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
build=$("$SMMU_TOP/scripts/build-qemu.sh")
qemu="$build/qemu-system-aarch64"
bench="$build/tests/qtest/smmuv3-modern/smmuv3-modern-bench"
out="$SMMU_TOP/out/bench-model"
mkdir -p "$out"

# instructions IOMMU N EXTRA: Ir collected inside the translate boundary.
instructions() {
    local iommu=$1 n=$2 extra=$3 f
    f="$out/callgrind.$iommu.$n.$(echo "$extra" | hash_stdin)"
    QTEST_QEMU_BINARY="valgrind --tool=callgrind --callgrind-out-file=$f \
        --toggle-collect=address_space_translate_iommu $qemu" \
        "$bench" "$iommu" "$n" "$extra" >"$f.log" 2>&1 ||
        die "benchmark run failed ($iommu, $n DMAs): see $f.log"
    awk '/^(summary|totals):/ { print $2; exit }' "$f"
}

per_dma() {  # per_dma IOMMU EXTRA
    local a b
    a=$(instructions "$1" 8 "$2")
    b=$(instructions "$1" $((8 + dmas)) "$2")
    echo $(( (b - a) / dmas ))
}

log "running under callgrind (a few minutes)"
up=$(per_dma smmuv3 "")
off=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off")
sync=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=sync")
maint=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off \
-global arm-smmuv3-modern.maint-check=on")
printf '%-36s %12s %8s\n' configuration "instr/DMA" "ratio"
printf '%-36s %12d %8s\n' "upstream smmuv3" "$up" "1.00"
for row in "smmuv3-modern tear-check=off:$off" \
           "smmuv3-modern tear-check=sync:$sync" \
           "smmuv3-modern maint-check=on:$maint"; do
    v=${row##*:}
    printf '%-36s %12d %8s\n' "${row%%:*}" "$v" \
        "$(awk -v a="$v" -v b="$up" 'BEGIN { printf "%.2f", a / b }')"
done
