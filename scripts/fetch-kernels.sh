#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch Debian's arm64 kernels and busybox-static into the cache.
#
#   scripts/fetch-kernels.sh [--no-cache] [SUITE...]   (default: bookworm trixie sid)
#
# For each suite a private apt configuration (arm64) resolves the current
# package names: linux-image-arm64 -> linux-image-<abi> (and, where the image
# is split as in sid, its linux-binary-<abi>, linux-modules-<abi> and
# linux-base-<abi>).  The .debs are extracted into
#   $SMMU_CACHE/kernels/<suite>/<image-package>_<version>/root
# next to a kernel.env describing them; <suite>/current points at the last
# good copy.  busybox-static:arm64 goes to $SMMU_CACHE/busybox/<version>.
#
# If the archive cannot serve a suite, "skipped: archive: <reason>" is
# printed for it and the last good cached copy stays current; the reason is
# kept in <suite>/status for the test suite to report.  Exit status is 0
# unless nothing at all could be provided.
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

suites=()
for a in "$@"; do
    case "$a" in
        --no-cache) ;;  # handled before lib.sh is sourced
        -h|--help) sed -n '3,20p' "$0"; exit 0 ;;
        -*) die "unknown option $a" ;;
        *) suites+=("$a") ;;
    esac
done
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)

KROOT="$SMMU_CACHE/kernels"
mkdir -p "$KROOT"

apt_for() {  # apt_for SUITE: set up (once) and refresh the private config
    local s=$1
    apt_private_setup "kernels-$s" arm64 \
        "deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $s main"
    apt_private_update "kernels-$s"
}

# Package version as the archive has it (first candidate), or empty.
cand_version() {
    apt_cache_private "kernels-$1" show "$2" 2>/dev/null |
        awk '/^Version:/ {print $2; exit}'
}

# Names of the direct Depends of PKG (alternatives included).
depends_of() {
    apt_cache_private "kernels-$1" depends "$2" 2>/dev/null |
        awk '$1 ~ /Depends:$/ {print $2}' | tr -d '<>' | sort -u
}

extract_debs() {  # extract_debs DEST DEB...
    local dest=$1; shift
    mkdir -p "$dest"
    local d
    for d in "$@"; do
        dpkg-deb -x "$d" "$dest"
    done
}

# fetch_kernel SUITE: prints nothing on success, the reason on failure.
fetch_kernel() {
    local s=$1 meta img ver abi parts p dir tmp stamp
    if ! apt_for "$s" >/dev/null 2>&1; then
        echo "cannot read the $s package lists:" \
             "$(f="$(apt_private_root "kernels-$s")/update.log"
                { grep '^E:' "$f"; grep '^Err:' "$f"; } 2>/dev/null |
                head -1 | cut -c1-160)"
        return 1
    fi
    # Lists unchanged since the last good resolution: nothing to do.
    stamp=$(stat -c %Y "$(apt_private_root "kernels-$s")/updated" 2>/dev/null || echo none)
    if [ -f "$KROOT/$s/current/.done" ] &&
       [ "$(cat "$KROOT/$s/resolved" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    meta=linux-image-arm64
    [ -n "$(cand_version "$s" "$meta")" ] ||
        { echo "$s has no $meta"; return 1; }
    img=$(depends_of "$s" "$meta" | grep -E '^linux-image-[0-9].*-arm64$' | sort -V | tail -1)
    [ -n "$img" ] || { echo "$meta in $s depends on no linux-image-<abi>-arm64"; return 1; }
    ver=$(cand_version "$s" "$img")
    [ -n "$ver" ] || { echo "$img is not available in $s"; return 1; }
    abi=${img#linux-image-}
    parts=("$img")
    for p in $(depends_of "$s" "$img"); do
        case "$p" in
            "linux-binary-$abi"|"linux-modules-$abi"|"linux-base-$abi") parts+=("$p") ;;
        esac
    done
    dir="$KROOT/$s/${img}_${ver}"
    if [ ! -f "$dir/.done" ]; then
        log "$s: downloading ${parts[*]} ($ver)"
        rm -rf "$dir"
        tmp="$dir/debs"
        mkdir -p "$tmp"
        if ! (cd "$tmp" && apt_private "kernels-$s" download "${parts[@]}") \
                >"$dir/download.log" 2>&1; then
            echo "download of ${parts[*]} failed: $(grep -E '^(E|W):' "$dir/download.log" | head -1)"
            rm -rf "$dir"
            return 1
        fi
        extract_debs "$dir/root" "$tmp"/*.deb
        # Device trees and docs are not needed to boot virt: save the space.
        find "$dir/root" -depth \( -name 'dtb*' -o -path '*/usr/share/doc' \
             -o -path '*/usr/lib/linux-image-*' \) -exec rm -rf {} + 2>/dev/null || true
        describe_kernel "$s" "$img" "$ver" "$dir" || { rm -rf "$dir"; return 1; }
        rm -rf "$tmp"
        touch "$dir/.done"
    fi
    ln -sfn "$(basename "$dir")" "$KROOT/$s/current"
    echo "$stamp" > "$KROOT/$s/resolved"
}

# Write kernel.env for an extracted kernel; prints a reason on failure.
describe_kernel() {
    local s=$1 img=$2 ver=$3 dir=$4 vmlinuz moddir kver short
    vmlinuz=$(cd "$dir/root" && find . \( -path './boot/vmlinuz-*' -o \
               -path '*/lib/modules/*/vmlinuz' \) -type f | sort | head -1)
    [ -n "$vmlinuz" ] || { echo "no vmlinuz in ${img} ${ver}"; return 1; }
    moddir=$(cd "$dir/root" && find . -maxdepth 4 -path '*lib/modules/*' \
             -mindepth 3 -type d -name '*arm64*' | head -1)
    [ -n "$moddir" ] || { echo "no modules folder in ${img} ${ver}"; return 1; }
    kver=$(basename "$moddir")
    short=$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
    cat > "$dir/kernel.env" <<ENV
SUITE=$s
LABEL=$s-$short
KVER=$kver
PKG=$img
PKGVER=$ver
VMLINUZ=$dir/root/${vmlinuz#./}
MODDIR=$dir/root/${moddir#./}
ENV
}

fetch_busybox() {
    local s ver dir stamp
    for s in bookworm trixie sid; do
        apt_for "$s" >/dev/null 2>&1 || continue
        stamp=$(stat -c %Y "$(apt_private_root "kernels-$s")/updated" 2>/dev/null || echo none)
        if [ -f "$SMMU_CACHE/busybox/current/.done" ] &&
           [ "$(cat "$SMMU_CACHE/busybox/resolved" 2>/dev/null)" = "$s $stamp" ]; then
            return 0
        fi
        ver=$(cand_version "$s" busybox-static)
        [ -n "$ver" ] || continue
        dir="$SMMU_CACHE/busybox/$s-${ver#*:}"
        if [ ! -f "$dir/.done" ]; then
            log "busybox-static $ver ($s)"
            rm -rf "$dir"
            mkdir -p "$dir/debs"
            (cd "$dir/debs" && apt_private "kernels-$s" download busybox-static) \
                >"$dir/download.log" 2>&1 || { rm -rf "$dir"; continue; }
            extract_debs "$dir/root" "$dir"/debs/*.deb
            [ -x "$dir/root/bin/busybox" ] || { rm -rf "$dir"; continue; }
            rm -rf "$dir/debs"
            touch "$dir/.done"
        fi
        ln -sfn "$(basename "$dir")" "$SMMU_CACHE/busybox/current"
        echo "$s $stamp" > "$SMMU_CACHE/busybox/resolved"
        return 0
    done
    return 1
}

rc=0
mkdir -p "$SMMU_CACHE/busybox"
if fetch_busybox; then
    echo "busybox: $(readlink "$SMMU_CACHE/busybox/current")"
elif [ -e "$SMMU_CACHE/busybox/current" ]; then
    echo "busybox: skipped: archive: cannot download busybox-static;" \
         "using cached $(readlink "$SMMU_CACHE/busybox/current")"
else
    echo "busybox: skipped: archive: cannot download busybox-static"
    rc=1
fi

good=0
for s in "${suites[@]}"; do
    mkdir -p "$KROOT/$s"
    if reason=$(fetch_kernel "$s"); then
        echo ok > "$KROOT/$s/status"
        . "$KROOT/$s/current/kernel.env"
        echo "$s: $LABEL $KVER ($PKG $PKGVER)"
        good=$((good + 1))
    else
        reason=${reason:-unknown failure}
        echo "skipped: archive: $reason" > "$KROOT/$s/status"
        if [ -f "$KROOT/$s/current/kernel.env" ]; then
            . "$KROOT/$s/current/kernel.env"
            echo "$s: skipped: archive: $reason; using cached $LABEL $KVER ($PKGVER)"
            good=$((good + 1))
        else
            echo "$s: skipped: archive: $reason"
        fi
    fi
done
[ "$good" -gt 0 ] || rc=1
exit $rc
