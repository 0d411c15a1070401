#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the self-built arm64 guest kernel (IOMMUFD, VFIO cdev, KUnit with
# the arm-smmu-v3 cases) and print the path of its kernel.env.
#
#   scripts/build-kernel.sh [--no-cache] [--fragment FILE] [--suite sid]
#
# Source: Debian's linux-source-X.Y (arch all) for the newest Linux of the
# suite (default sid), resolved through the linux-source meta-package with
# a private apt configuration (the host's apt state is not touched).
# Config: make allnoconfig, merge FILE (default
# tests/guest/kernel/smmum-iommufd.config), make olddefconfig; every
# CONFIG_X=y of FILE must be =y in the result, or the build fails naming
# the options that were dropped.  Then Image, System.map and
# `make headers_install`, cross-compiled with Debian's gcc-aarch64-linux-gnu
# (nice -n 10 make -j2).
#
# Cached in $SMMU_CACHE/kernel-build/<pkgver>_<fragment hash>_<script hash>/
# (built once per machine, rebuilt when missing); kernel-build/current
# points at the last good build of the default fragment (current-<suite>-
# <fragment hash> at that of another --fragment or --suite, so a debug
# build never takes the default's place).  Its kernel.env (the format of
# fetch-kernels.sh, MODDIR empty: everything is built in) adds
#   HDRDIR=<uAPI headers>/include   SYSMAP=<System.map>   CONFIG=<.config>
# If the archive cannot serve the source, the last good build is printed
# with "skipped: archive: <reason>" on stderr; without one the exit status
# is 2 and stdout says "skipped: archive: <reason>".  Build errors exit 1.
for _a in "$@"; do [ "$_a" = --no-cache ] && export SMMU_NO_CACHE=1; done
. "$(dirname "$0")/lib.sh"

suite=sid
fragment="$SMMU_TOP/tests/guest/kernel/smmum-iommufd.config"
while [ $# -gt 0 ]; do
    case "$1" in
        --no-cache) ;;  # handled before lib.sh is sourced
        --fragment) fragment=$(readlink -f "${2:?}"); shift ;;
        --suite) suite=${2:?}; shift ;;
        -h|--help) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
[ -f "$fragment" ] || die "--fragment: no file $fragment"
fhash=$(hash_stdin < "$fragment")
current=current
[ "$fragment" = "$(readlink -f "$SMMU_TOP/tests/guest/kernel/smmum-iommufd.config")" ] &&
    [ "$suite" = sid ] || current="current-$suite-$fhash"

BROOT="$SMMU_CACHE/kernel-build"
SROOT="$SMMU_CACHE/kernel-src"
mkdir -p "$BROOT" "$SROOT"
apt_name="kernels-$suite"

# Fall back to the last good build when the archive fails.
archive_fail() {
    local reason=$1
    if [ -f "$BROOT/$current/kernel.env" ]; then
        log "skipped: archive: $reason; using the cached build" \
            "$(readlink "$BROOT/$current")"
        echo "$BROOT/$current/kernel.env"
        exit 0
    fi
    echo "skipped: archive: $reason"
    exit 2
}

apt_private_setup "$apt_name" arm64 \
    "deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $suite main"
apt_private_update "$apt_name" >/dev/null 2>&1 ||
    archive_fail "cannot read the $suite package lists"

pkg=$(apt_cache_private "$apt_name" depends linux-source 2>/dev/null |
      awk '$1 ~ /Depends:$/ {print $2}' | grep -E '^linux-source-[0-9]' |
      sort -V | tail -1)
[ -n "$pkg" ] || archive_fail "$suite has no linux-source -> linux-source-X.Y"
ver=$(apt_cache_private "$apt_name" show "$pkg" 2>/dev/null |
      awk '/^Version:/ {print $2; exit}')
[ -n "$ver" ] || archive_fail "$pkg is not available in $suite"

shash=$(hash_stdin < "$SMMU_TOP/scripts/build-kernel.sh")
key="${ver//:/_}_${fhash}_${shash}"
bdir="$BROOT/$key"
if [ -f "$bdir/.done" ]; then
    ln -sfn "$key" "$BROOT/$current"
    echo "$bdir/kernel.env"
    exit 0
fi

# ---- source: the .deb holds /usr/src/linux-source-X.Y.tar.xz ----
sdir="$SROOT/${pkg}_${ver//:/_}"
if [ ! -f "$sdir/.done" ]; then
    rm -rf "$sdir"
    mkdir -p "$sdir/deb"
    log "downloading $pkg $ver ($suite)"
    (cd "$sdir/deb" && apt_private "$apt_name" download "$pkg") \
        >"$sdir/download.log" 2>&1 ||
        { reason=$(grep -E '^(E|W):' "$sdir/download.log" | head -1)
          rm -rf "$sdir"; archive_fail "download of $pkg failed: $reason"; }
    dpkg-deb -x "$sdir"/deb/*.deb "$sdir/x"
    tarball=$(find "$sdir/x/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -1)
    [ -n "$tarball" ] || die "$pkg $ver holds no linux-source tarball"
    log "unpacking $(basename "$tarball")"
    mkdir -p "$sdir/src"
    tar -C "$sdir/src" --strip-components=1 -xf "$tarball"
    rm -rf "$sdir/deb" "$sdir/x"
    touch "$sdir/.done"
fi
src="$sdir/src"
[ -f "$src/Makefile" ] || die "no kernel Makefile in $src"

command -v aarch64-linux-gnu-gcc >/dev/null ||
    die "aarch64-linux-gnu-gcc missing (run scripts/setup-host.sh)"
for t in flex bison bc; do
    command -v "$t" >/dev/null || die "$t missing (run scripts/setup-host.sh)"
done

# ---- configure and build (out of tree) ----
rm -rf "$bdir"
mkdir -p "$bdir/obj"
kmake() {
    nice -n 10 make -C "$src" O="$bdir/obj" ARCH=arm64 \
        CROSS_COMPILE=aarch64-linux-gnu- "$@"
}
log "configuring $pkg $ver: allnoconfig + $(basename "$fragment")"
{
    kmake allnoconfig
    "$src/scripts/kconfig/merge_config.sh" -m -O "$bdir/obj" \
        "$bdir/obj/.config" "$fragment"
    kmake olddefconfig
} >"$bdir/config.log" 2>&1 || { tail -20 "$bdir/config.log" >&2; die "kernel configuration failed"; }

# Every option the fragment sets to y must have survived olddefconfig.
dropped=()
while IFS= read -r opt; do
    grep -qx "$opt=y" "$bdir/obj/.config" || dropped+=("$opt")
done < <(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$fragment")
if [ ${#dropped[@]} -gt 0 ]; then
    die "options of $(basename "$fragment") not =y after olddefconfig" \
        "(missing dependency or renamed): ${dropped[*]} (see $bdir/obj/.config)"
fi

log "building Image for $pkg $ver (make -j2, log $bdir/build.log)"
t0=$(date +%s)
if ! kmake -j2 Image >"$bdir/build.log" 2>&1; then
    grep -E 'error|Error' "$bdir/build.log" | head -10 >&2
    die "kernel build failed, see $bdir/build.log"
fi
kmake INSTALL_HDR_PATH="$bdir/hdr" headers_install >"$bdir/headers.log" 2>&1 ||
    die "headers_install failed, see $bdir/headers.log"
[ -f "$bdir/hdr/include/linux/iommufd.h" ] ||
    die "headers_install produced no linux/iommufd.h"
log "kernel built in $(( $(date +%s) - t0 ))s"

krel=$(cat "$bdir/obj/include/config/kernel.release")
short=$(echo "$krel" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
cp "$bdir/obj/arch/arm64/boot/Image" "$bdir/Image"
cp "$bdir/obj/System.map" "$bdir/System.map"
cp "$bdir/obj/.config" "$bdir/config"
# The object tree is large and only needed to build: drop it.
rm -rf "$bdir/obj"
cat > "$bdir/kernel.env" <<ENV
SUITE=self-$suite
LABEL=self-$short-iommufd
KVER=$krel
PKG=$pkg
PKGVER=$ver+$fhash
VMLINUZ=$bdir/Image
MODDIR=
HDRDIR=$bdir/hdr/include
SYSMAP=$bdir/System.map
CONFIG=$bdir/config
ENV
touch "$bdir/.done"
ln -sfn "$key" "$BROOT/$current"
echo "$bdir/kernel.env"
