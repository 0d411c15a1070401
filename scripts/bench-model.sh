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
#
# Then the DMA-strict pattern (SMMUM_BENCH_STRICT=1): each transfer is
# followed by CMD_TLBI_NH_VA of its page and a CMD_SYNC, as Linux's
# iommu.strict=1 unmap sends them, so every transfer walks again.  There
# the boundary also takes in the model's MMIO write handler (command-queue
# processing happens there, synchronously, in both models): smmu_write_mmio
# for upstream, smmuv3_modern_write for smmuv3-modern.
. "$(dirname "$0")/lib.sh"

dmas=${1:-200}
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
build=$("$SMMU_TOP/scripts/build-qemu.sh")
out="$SMMU_TOP/out/bench-model"
mkdir -p "$out/bin"
# Private copies, taken under the build lock: a rebuild during the run
# must not change (or truncate) the binaries being measured.
flock "$(dirname "$build").lock" \
    cp "$build/qemu-system-aarch64" \
       "$build/tests/qtest/smmuv3-modern/smmuv3-modern-bench" "$out/bin/"
qemu="$out/bin/qemu-system-aarch64"
bench="$out/bin/smmuv3-modern-bench"

# instructions IOMMU N EXTRA [strict]: Ir collected inside the boundary.
instructions() {
    local iommu=$1 n=$2 extra=$3 strict=${4:-} f toggles
    f="$out/callgrind.$iommu.$n.$(echo "$extra $strict" | hash_stdin)"
    toggles="--toggle-collect=address_space_translate_iommu"
    if [ -n "$strict" ]; then
        case "$iommu" in
            smmuv3) toggles+=" --toggle-collect=smmu_write_mmio" ;;
            *) toggles+=" --toggle-collect=smmuv3_modern_write" ;;
        esac
    fi
    SMMUM_BENCH_STRICT=${strict:+1} \
    QTEST_QEMU_BINARY="valgrind --tool=callgrind --callgrind-out-file=$f \
        $toggles $qemu" \
        "$bench" "$iommu" "$n" "$extra" >"$f.log" 2>&1 ||
        die "benchmark run failed ($iommu, $n DMAs): see $f.log"
    awk '/^(summary|totals):/ { print $2; exit }' "$f"
}

per_dma() {  # per_dma IOMMU EXTRA [strict]
    local a b
    a=$(instructions "$1" 8 "$2" "${3:-}") || exit 1
    b=$(instructions "$1" $((8 + dmas)) "$2" "${3:-}") || exit 1
    [ -n "$a" ] && [ -n "$b" ] || die "no instruction count ($1 $2)"
    echo $(( (b - a) / dmas ))
}

log "running under callgrind (a few minutes)"
up=$(per_dma smmuv3 "") || exit 1
off=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off") || exit 1
sync=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=sync") || exit 1
maint=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off \
-global arm-smmuv3-modern.maint-check=on") || exit 1
printf '%-36s %12s %8s\n' configuration "instr/DMA" "ratio"
printf '%-36s %12d %8s\n' "upstream smmuv3" "$up" "1.00"
for row in "smmuv3-modern tear-check=off:$off" \
           "smmuv3-modern tear-check=sync:$sync" \
           "smmuv3-modern maint-check=on:$maint"; do
    v=${row##*:}
    printf '%-36s %12d %8s\n' "${row%%:*}" "$v" \
        "$(awk -v a="$v" -v b="$up" 'BEGIN { printf "%.2f", a / b }')"
done

log "DMA-strict pattern: TLBI_NH_VA + CMD_SYNC after every transfer"
sup=$(per_dma smmuv3 "" strict) || exit 1
soff=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off" strict) || exit 1
ssync=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=sync" \
        strict) || exit 1
smaint=$(per_dma smmuv3-modern "-global arm-smmuv3-modern.tear-check=off \
-global arm-smmuv3-modern.maint-check=on" strict) || exit 1
printf '\n%-36s %12s %8s\n' "DMA-strict (translate + commands)" \
    "instr/DMA" "ratio"
printf '%-36s %12d %8s\n' "upstream smmuv3" "$sup" "1.00"
for row in "smmuv3-modern tear-check=off:$soff" \
           "smmuv3-modern tear-check=sync:$ssync" \
           "smmuv3-modern maint-check=on:$smaint"; do
    v=${row##*:}
    printf '%-36s %12d %8s\n' "${row%%:*}" "$v" \
        "$(awk -v a="$v" -v b="$sup" 'BEGIN { printf "%.2f", a / b }')"
done
