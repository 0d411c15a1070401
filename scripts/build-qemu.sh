#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build qemu-system-aarch64 with smmuv3-modern, plus our qtests.
#
# The QEMU tree lives in the cache, one per QEMU version; our overlay
# folders are symlinked into it (re-pointed at this clone on every run)
# and scripts/patches/*.patch are applied with fuzz 0.  When the patch set
# changes, the old set is reversed and the new one applied in place, so
# only what they touch is rebuilt.  Prints the build folder on stdout.
. "$(dirname "$0")/lib.sh"

src=$("$SMMU_TOP/scripts/fetch-qemu.sh")
ver=$(basename "$(dirname "$src")")
tree="$SMMU_CACHE/qemu-tree/$ver"
build="$tree/build"
mkdir -p "$SMMU_CACHE/qemu-tree"

exec 9>"$SMMU_CACHE/qemu-tree/$ver.lock"
flock 9

if [ ! -f "$tree/.copied" ]; then
    log "preparing QEMU tree $tree"
    rm -rf "$tree"
    cp -a "$src" "$tree"
    touch "$tree/.copied"
fi

# ---- integration patches ----
applied="$tree/.smmum-patches"
mkdir -p "$applied"
shopt -s nullglob
want=$(cat /dev/null "$SMMU_TOP"/scripts/patches/*.patch | hash_stdin)
have=$(cat /dev/null "$applied"/*.patch | hash_stdin)
if [ "$want" != "$have" ]; then
    for p in $(printf '%s\n' "$applied"/*.patch | sort -r); do
        log "reverting $(basename "$p")"
        patch -d "$tree" -p1 -R --fuzz=0 --no-backup-if-mismatch -s < "$p" ||
            die "cannot revert $(basename "$p"); delete $tree to start over"
        rm -f "$p"
    done
    for p in "$SMMU_TOP"/scripts/patches/*.patch; do
        log "applying $(basename "$p")"
        patch -d "$tree" -p1 --fuzz=0 --no-backup-if-mismatch -s < "$p" ||
            die "$(basename "$p") does not apply to qemu $ver with fuzz 0"
        cp "$p" "$applied/"
    done
fi

# ---- overlay links ----
link() {  # link TARGET-IN-CLONE PATH-IN-TREE
    local target="$SMMU_TOP/$1" path="$tree/$2"
    if [ "$(readlink "$path" 2>/dev/null)" != "$target" ]; then
        rm -rf "$path"
        ln -s "$target" "$path"
        relinked=1
    fi
}
relinked=0
link hw/arm/smmuv3-modern hw/arm/smmuv3-modern
link include/hw/arm/smmuv3-modern.h include/hw/arm/smmuv3-modern.h
link tests/qtest tests/qtest/smmuv3-modern
if [ "$relinked" = 1 ] && [ -d "$build" ]; then
    # Another clone built here before: make sure nothing of its overlay
    # files is taken for up to date, whatever the mtimes say.
    log "overlay now points at $SMMU_TOP: rebuilding our files"
    # (Relative paths: the cache folder's own name contains smmuv3-modern.)
    (cd "$build" && find . -path '*smmuv3-modern*' -name '*.o' -delete)
    find "$SMMU_TOP/hw/arm/smmuv3-modern" "$SMMU_TOP/tests/qtest" \
        -name meson.build -exec touch {} +
fi

# ---- configure once ----
if [ ! -f "$build/build.ninja" ]; then
    log "configuring QEMU $ver"
    rm -rf "$build"
    mkdir -p "$build"
    (cd "$build" && "$tree/configure" \
        --target-list=aarch64-softmmu \
        --without-default-features \
        --enable-fdt=system \
        --disable-install-blobs \
        --disable-download \
        --python=/usr/bin/python3 >"$build/../configure.log" 2>&1) ||
        { tail -30 "$tree/configure.log" >&2; die "configure failed"; }
fi

log "building (ninja, $(nproc) jobs)"
# the benchmark driver and the trace replay tool the trace qtest runs
qtests=(tests/qtest/smmuv3-modern/smmuv3-modern-bench
        tests/qtest/smmuv3-modern/smmum-replay)
for t in "$SMMU_TOP"/tests/qtest/*-test.c; do
    qtests+=("tests/qtest/smmuv3-modern/$(basename "$t" .c)")
done
# Regenerate build.ninja first: a qtest added to a meson.build is not a
# known target until then.
{ ninja -C "$build" build.ninja &&
  ninja -C "$build" -j "$(nproc)" qemu-system-aarch64 "${qtests[@]}"; } \
    >"$tree/ninja.log" 2>&1 ||
    { grep -E 'error|FAILED' -A5 "$tree/ninja.log" | head -60 >&2
      die "build failed, see $tree/ninja.log"; }
echo "$build"
