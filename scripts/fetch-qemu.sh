#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch Debian's QEMU 10.0 source package (deb-src trixie) into the cache
# and unpack it with dpkg-source -x (which applies Debian's patch series).
# Prints the unpacked folder.  The version we develop against is pinned in
# QEMU_PIN; trixie keeps only its newest 1:10.0.x, so a newer 10.0.x is
# accepted (and said), anything else is refused.
. "$(dirname "$0")/lib.sh"

QEMU_PIN=${QEMU_PIN:-1:10.0.13+ds-0+deb13u1}

apt_private_setup qemu-src amd64 \
    "deb-src [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR trixie main"

# Folder names drop the epoch: QEMU's configure refuses colons in paths.
src_dir_for() { echo "$SMMU_CACHE/qemu-src/${1#*:}"; }

# A previous unpack of the pinned (or any 10.0.x) version is good enough
# when the archive cannot be reached.
cached_any() {
    ls -d "$SMMU_CACHE"/qemu-src/10.0.*/qemu-* 2>/dev/null | sort -V | tail -1
}

ver=""
if apt_private_update qemu-src; then
    ver=$(apt_cache_private qemu-src showsrc qemu 2>/dev/null |
          awk '/^Version:/ {print $2}' | sort -V | tail -1)
fi
if [ -z "$ver" ]; then
    d=$(cached_any)
    [ -n "$d" ] || die "skipped: archive: cannot read trixie's qemu source package"
    log "archive unreachable; using cached $(basename "$(dirname "$d")")"
    echo "$d"; exit 0
fi
case "$ver" in
    1:10.0.*) ;;
    *) die "trixie's qemu is $ver, not 1:10.0.x; set QEMU_PIN and port the patches" ;;
esac
[ "$ver" = "$QEMU_PIN" ] ||
    log "note: archive has qemu $ver (developed against $QEMU_PIN); using $ver"

dir=$(src_dir_for "$ver")
if [ ! -f "$dir/.unpacked" ]; then
    log "fetching qemu $ver source"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" &&
     apt_private qemu-src source --download-only "qemu=$ver" >&2 &&
     dpkg-source -x --no-check qemu_*.dsc >&2)
    touch "$dir/.unpacked"
fi
ls -d "$dir"/qemu-*/ | head -1 | sed 's|/$||'
