# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared shell helpers for the smmuv3-modern scripts.  Source, don't run.
#
# Everything downloaded or built lives in one machine-level cache folder,
# keyed by content, so that a fresh clone reuses it:
#   $SMMU_CACHE   (default ${XDG_CACHE_HOME:-$HOME/.cache}/smmuv3-modern)
# Setting SMMU_NO_CACHE=1 (the scripts' --no-cache switch) points the cache
# at a fresh temporary folder instead, proving the cold path.

set -euo pipefail

SMMU_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${SMMU_NO_CACHE:-0}" = 1 ] && [ -z "${SMMU_COLD_CACHE:-}" ]; then
    SMMU_COLD_CACHE=$(mktemp -d /tmp/smmuv3-modern-cold.XXXXXX)
    export SMMU_COLD_CACHE
fi
if [ -n "${SMMU_COLD_CACHE:-}" ]; then
    SMMU_CACHE=$SMMU_COLD_CACHE
fi
: "${SMMU_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/smmuv3-modern}"
export SMMU_CACHE SMMU_TOP
mkdir -p "$SMMU_CACHE"

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Root for system package installation; CI and developers run as root here,
# elsewhere sudo is used if present.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# A private apt configuration: its own sources, lists, cache and an empty
# dpkg status, so nothing of the host's apt state is read or changed.
#   apt_private NAME ARCH "deb-line" ... -- apt-get arguments
# NAME keys the folder under $SMMU_CACHE/apt.
apt_private_root() { echo "$SMMU_CACHE/apt/$1"; }

apt_private_setup() {
    local name=$1 arch=$2; shift 2
    local root
    root=$(apt_private_root "$name")
    mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/preferences.d" \
             "$root/lists/partial" "$root/archives/partial" "$root/state"
    : > "$root/state/status.new"
    [ -f "$root/state/status" ] || mv "$root/state/status.new" "$root/state/status"
    printf '%s\n' "$@" > "$root/etc/apt/sources.list.new"
    if ! cmp -s "$root/etc/apt/sources.list.new" "$root/etc/apt/sources.list"; then
        mv "$root/etc/apt/sources.list.new" "$root/etc/apt/sources.list"
        rm -f "$root/updated"
    else
        rm -f "$root/etc/apt/sources.list.new"
    fi
    cat > "$root/apt.conf" <<CONF
Dir::Etc::SourceList "$root/etc/apt/sources.list";
Dir::Etc::SourceParts "$root/etc/apt/sources.list.d";
Dir::Etc::Preferences "$root/etc/apt/preferences";
Dir::Etc::PreferencesParts "$root/etc/apt/preferences.d";
Dir::State::Lists "$root/lists";
Dir::State::status "$root/state/status";
Dir::Cache "$root/cache";
Dir::Cache::archives "$root/archives";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Get::AllowUnauthenticated "false";
Acquire::Languages "none";
Acquire::Retries "3";
APT::Sandbox::User "root";
CONF
    mkdir -p "$root/cache"
}

apt_private() {
    local name=$1; shift
    local root
    root=$(apt_private_root "$name")
    APT_CONFIG="$root/apt.conf" apt-get -q "$@"
}

apt_cache_private() {
    local name=$1; shift
    local root
    root=$(apt_private_root "$name")
    APT_CONFIG="$root/apt.conf" apt-cache "$@"
}

# Refresh a private configuration's package lists at most once a day
# (or always with SMMU_APT_REFRESH=1).  Failure keeps the old lists.
apt_private_update() {
    local name=$1 root stamp
    root=$(apt_private_root "$name")
    stamp="$root/updated"
    if [ "${SMMU_APT_REFRESH:-0}" = 1 ] || [ ! -f "$stamp" ] ||
       [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
        if apt_private "$name" update >"$root/update.log" 2>&1; then
            touch "$stamp"
        else
            log "apt update ($name) failed, see $root/update.log"
            [ -f "$stamp" ] || return 1
        fi
    fi
}

# sha256 of stdin, short form, for cache keys.
hash_stdin() { sha256sum | cut -c1-16; }

# TAP output of the run scripts (guest-suite.sh, iommufd-run.sh): the
# caller sets n=0 bad=0 and prints "1..$n" at the end.
tap() {  # tap ok|not-ok DESCRIPTION [DIRECTIVE]
    n=$((n + 1))
    local r=ok
    [ "$1" = ok ] || { r="not ok"; bad=$((bad + 1)); }
    echo "$r $n - $2${3:+ # $3}"
}
diag() { sed 's/^/# /'; }

# Describe your own kernel Image plus its modules tree (the
# /lib/modules/<version> folder, or a folder holding lib/modules/<version>)
# in a kernel.env kept in the cache; prints its path.
#   local_kernel_env IMAGE MODULES
local_kernel_env() {
    local kimg mdir sub kver key envd
    [ -f "$1" ] || die "--modules needs --kernel PATH (an Image file)"
    kimg=$(readlink -f "$1")
    mdir=$(readlink -f "$2")
    if [ ! -e "$mdir/modules.order" ] && [ ! -d "$mdir/kernel" ]; then
        sub=$(find "$mdir" -maxdepth 3 -mindepth 3 -path '*lib/modules/*' \
              -type d | head -1)
        [ -n "$sub" ] || die "$2: no /lib/modules/<version> tree"
        mdir=$sub
    fi
    kver=$(basename "$mdir")
    key=$(echo "$kimg $(stat -c %Y "$kimg") $mdir $(stat -c %Y "$mdir")" |
          hash_stdin)
    envd="$SMMU_CACHE/kernels/local/$key"
    mkdir -p "$envd"
    cat > "$envd/kernel.env" <<ENV
SUITE=local
LABEL=local-$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
KVER=$kver
PKG=local
PKGVER=$key
VMLINUZ=$kimg
MODDIR=$mdir
ENV
    echo "$envd/kernel.env"
}
