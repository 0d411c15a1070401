#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install the host packages smmuv3-modern needs, from Debian only:
#  - bookworm: compilers, ninja, GLib, libfdt, pixman, flex, bison, ...
#  - bookworm-backports: meson >= 1.5 and python3-pycotap.  These are
#    downloaded through a private apt configuration and installed as local
#    .debs, so the host's apt sources stay as they were.
# Idempotent: does nothing when everything is present.
. "$(dirname "$0")/lib.sh"

HOST_PKGS=(
    build-essential pkg-config ninja-build libglib2.0-dev libfdt-dev
    libpixman-1-dev python3-venv flex bison dpkg-dev
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross
    cpio xz-utils zstd kmod file time
    libjson-glib-dev
    clang-14 libclang-rt-14-dev
    bc libssl-dev libelf-dev rsync
    valgrind python3-matplotlib
)
BACKPORTS_PKGS=(meson python3-pycotap)

missing=()
for p in "${HOST_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing from bookworm: ${missing[*]}"
    as_root apt-get -q update >/dev/null || log "apt-get update failed; trying anyway"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y install \
        --no-install-recommends "${missing[@]}"
fi

meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version)" ge 1.5
}
pycotap_ok() { /usr/bin/python3 -c 'import pycotap' 2>/dev/null; }

if ! meson_ok || ! pycotap_ok; then
    log "installing from bookworm-backports: ${BACKPORTS_PKGS[*]}"
    apt_private_setup backports amd64 \
        "deb [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR bookworm-backports main"
    apt_private_update backports
    dl="$SMMU_CACHE/debs/backports"
    mkdir -p "$dl"
    (cd "$dl" && apt_private backports download "${BACKPORTS_PKGS[@]}")
    debs=()
    for p in "${BACKPORTS_PKGS[@]}"; do
        debs+=("$(ls -t "$dl/${p}_"*.deb | head -1)")
    done
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y install \
        --no-install-recommends "${debs[@]}"
fi
meson_ok || die "meson >= 1.5 is not available"
pycotap_ok || die "python3-pycotap is not available"
log "host packages ready (meson $(meson --version))"
