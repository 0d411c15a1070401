#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the busybox initramfs for one kernel and print its path.
#
#   scripts/guest-initramfs.sh [--no-cache] KERNEL
#   scripts/guest-initramfs.sh --resolve KERNEL     (print the kernel.env path)
#
# KERNEL is a suite fetched by fetch-kernels.sh (bookworm, trixie, sid), its
# label (bookworm-6.1, ...), a kernel.env file, a folder holding either a
# kernel.env or an extracted kernel (boot/vmlinuz-* or
# [usr/]lib/modules/<ver>/vmlinuz, plus [usr/]lib/modules/<ver>), or a bare
# arm64 Image/vmlinuz file (then no modules: the drivers must be built in).
#
# The initramfs holds busybox-static, tests/guest/init.sh as /init, the
# static aarch64 programs built from tests/guest/*.c, and the modules the
# workload needs with their dependencies: Debian's .debs carry no
# modules.dep, so depmod -b runs on the host; .ko.xz/.ko.zst are
# decompressed on the host; /init loads them in the order resolved here.
# Cached in $SMMU_CACHE/initramfs by (kernel version, package version,
# hash of tests/guest and of this script, busybox version).
#
# SMMUM_INITRD_EXTRA=DIR: copy DIR's contents over the tree as well (after
# everything else; its content hash is part of the cache key).
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

GUEST_MODULES=(virtio_pci virtio_blk virtio_net nvme vfio vfio_pci
               vfio_iommu_type1)

resolve=0
kernel=""
for a in "$@"; do
    case "$a" in
        --no-cache) ;;  # handled before lib.sh is sourced
        --resolve) resolve=1 ;;
        -h|--help) sed -n '3,20p' "$0"; exit 0 ;;
        -*) die "unknown option $a" ;;
        *) kernel=$a ;;
    esac
done
[ -n "$kernel" ] || die "usage: $0 [--resolve] KERNEL"

# Describe a kernel the user brings (an extracted tree) in a kernel.env
# kept in the cache; prints its path.
describe_tree() {
    local root=$1 vmlinuz moddir kver key out
    root=$(cd "$root" && pwd)
    vmlinuz=$(find "$root" -maxdepth 5 \( -path '*/boot/vmlinuz-*' -o \
              -path '*/lib/modules/*/vmlinuz' -o -name Image -o \
              -name Image.gz \) -type f 2>/dev/null | sort | head -1)
    [ -n "$vmlinuz" ] || die "no kernel image under $root"
    moddir=$(find "$root" -maxdepth 4 -mindepth 3 -path '*lib/modules/*' \
             -type d 2>/dev/null | head -1)
    kver=${moddir:+$(basename "$moddir")}
    kver=${kver:-$(basename "$vmlinuz" | sed 's/^vmlinuz-//')}
    key=$(echo "$root $(stat -c %Y "$vmlinuz")" | hash_stdin)
    out="$SMMU_CACHE/kernels/local/$key/kernel.env"
    mkdir -p "$(dirname "$out")"
    cat > "$out" <<ENV
SUITE=local
LABEL=local-$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
KVER=$kver
PKG=local
PKGVER=$key
VMLINUZ=$vmlinuz
MODDIR=$moddir
ENV
    echo "$out"
}

# A bare kernel image file: no modules (what the workload needs must be
# built in).
describe_image() {
    local img key out
    img=$(readlink -f "$1")
    key=$(sha256sum < "$img" | cut -c1-16)
    out="$SMMU_CACHE/kernels/local/$key/kernel.env"
    mkdir -p "$(dirname "$out")"
    cat > "$out" <<ENV
SUITE=local
LABEL=local-$(basename "$img" | tr -c 'A-Za-z0-9._+\n-' _)
KVER=local-$key
PKG=local
PKGVER=$key
VMLINUZ=$img
MODDIR=
ENV
    echo "$out"
}

resolve_kernel() {
    local k=$1 s
    if [ -f "$k" ] && [ "$(basename "$k")" = kernel.env ]; then
        readlink -f "$k"; return
    fi
    if [ -f "$k" ]; then
        describe_image "$k"; return
    fi
    if [ -d "$k" ]; then
        if [ -f "$k/kernel.env" ]; then readlink -f "$k/kernel.env"; return; fi
        describe_tree "$k"; return
    fi
    for s in "$SMMU_CACHE"/kernels/*/current/kernel.env; do
        [ -f "$s" ] || continue
        if [ "$(basename "$(dirname "$(dirname "$s")")")" = "$k" ] ||
           grep -qx "LABEL=$k" "$s"; then
            echo "$s"; return
        fi
    done
    die "unknown kernel '$k' (run scripts/fetch-kernels.sh, or give a path)"
}

envf=$(resolve_kernel "$kernel")
if [ "$resolve" = 1 ]; then echo "$envf"; exit 0; fi
# shellcheck disable=SC1090
. "$envf"

bb="$SMMU_CACHE/busybox/current/root/bin/busybox"
[ -x "$bb" ] || die "no busybox-static in the cache (run scripts/fetch-kernels.sh)"
bbver=$(readlink "$SMMU_CACHE/busybox/current")

guest="$SMMU_TOP/tests/guest"
ghash=$( (cd "$guest" && find . -type f ! -name '*~' | LC_ALL=C sort |
          xargs sha256sum; sha256sum < "$SMMU_TOP/scripts/guest-initramfs.sh"
          # vfio-testdev.c includes the test endpoint's register header
          sha256sum < "$SMMU_TOP/hw/arm/smmuv3-modern/smmuv3-modern-testdev.h"
          echo "$bbver") | hash_stdin)
outdir="$SMMU_CACHE/initramfs"
xtag=""
if [ -n "${SMMUM_INITRD_EXTRA:-}" ]; then
    [ -d "$SMMUM_INITRD_EXTRA" ] || die "SMMUM_INITRD_EXTRA: no folder $SMMUM_INITRD_EXTRA"
    xtag=_x$( (cd "$SMMUM_INITRD_EXTRA" && find . -type f | LC_ALL=C sort |
              xargs -r sha256sum; find . | LC_ALL=C sort) | hash_stdin)
fi
out="$outdir/${KVER}_${PKGVER//:/_}_$ghash$xtag.cpio.gz"
if [ -f "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$outdir"

# ---- static guest programs (shared by all kernels of one tests/guest) ----
bindir="$SMMU_CACHE/guest-bin/$ghash"
if [ ! -f "$bindir/.done" ]; then
    command -v aarch64-linux-gnu-gcc >/dev/null ||
        die "aarch64-linux-gnu-gcc missing (run scripts/setup-host.sh)"
    rm -rf "$bindir"
    mkdir -p "$bindir"
    for c in "$guest"/*.c; do
        [ -f "$c" ] || continue
        log "building $(basename "$c") (aarch64, static)"
        aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
            -o "$bindir/$(basename "$c" .c)" "$c"
    done
    touch "$bindir/.done"
fi

# ---- module closure: depmod on the host, once per kernel ----
stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
load_list=()
if [ -n "$MODDIR" ] && [ -d "$MODDIR" ]; then
    dep="$SMMU_CACHE/depmod/${KVER}_${PKGVER//:/_}"
    if [ ! -f "$dep/.done" ]; then
        log "depmod for $KVER"
        rm -rf "$dep"
        mkdir -p "$dep/lib/modules/$KVER"
        for f in "$MODDIR"/*; do
            case "$(basename "$f")" in
                modules.*.bin|modules.dep|modules.alias|modules.symbols|\
                modules.softdep|modules.devname) ;;
                *) ln -s "$f" "$dep/lib/modules/$KVER/" ;;
            esac
        done
        depmod -b "$dep" "$KVER"
        touch "$dep/.done"
    fi
    mapfile -t lines < <(modprobe -d "$dep" -S "$KVER" --show-depends \
                         -a "${GUEST_MODULES[@]}" 2>&1)
    declare -A seen=()
    for l in "${lines[@]}"; do
        set -- $l
        case "${1:-}" in
            insmod)
                rel=${2#"$dep/lib/modules/$KVER/"}
                [ -z "${seen[$rel]:-}" ] || continue
                seen[$rel]=1
                dst="$stage/lib/modules/$KVER/${rel%.xz}"
                dst=${dst%.zst}
                mkdir -p "$(dirname "$dst")"
                case "$rel" in
                    *.xz) xz -dc "$2" > "$dst" ;;
                    *.zst) zstd -qdc "$2" > "$dst" ;;
                    *.gz) gzip -dc "$2" > "$dst" ;;
                    *) cp "$2" "$dst" ;;
                esac
                load_list+=("${dst#"$stage"}")
                ;;
            builtin) ;;
            *) die "modprobe cannot resolve the guest modules for $KVER: $l" ;;
        esac
    done
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        [ -f "$MODDIR/$f" ] && cp "$MODDIR/$f" "$stage/lib/modules/$KVER/"
    done
    depmod -b "$stage" "$KVER"
fi

# ---- the tree ----
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,run,mnt,root}
cp "$bb" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$guest/init.sh" "$stage/init"
cp "$guest/bench.sh" "$stage/bin/bench.sh"
chmod 755 "$stage/init" "$stage/bin/bench.sh"
for p in "$bindir"/*; do
    [ -f "$p" ] && [ -x "$p" ] && cp "$p" "$stage/bin/"
done
printf '%s\n' "${load_list[@]}" > "$stage/etc/smmum-modules"
cat > "$stage/etc/smmum-kernel" <<EOF
LABEL=$LABEL
KVER=$KVER
PKGVER=$PKGVER
EOF

if [ -n "$xtag" ]; then
    cp -a "$SMMUM_INITRD_EXTRA"/. "$stage/"
    log "added $(find "$SMMUM_INITRD_EXTRA" -type f | wc -l) file(s) from $SMMUM_INITRD_EXTRA"
fi

tmp="$out.tmp.$$"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
 cpio --null -o -H newc --owner 0:0 --quiet | gzip -6n) > "$tmp"
mv "$tmp" "$out"
log "initramfs for $LABEL ($KVER): ${#load_list[@]} modules, $(du -h "$out" | cut -f1)"
echo "$out"
