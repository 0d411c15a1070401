#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Validate the LAVA job definitions and test definitions in lava/ with
# Debian's own LAVA code (package lava-common: the voluptuous schema the
# LAVA server applies when a job is submitted).  Opt-in: installs
# lava-common from Debian when it is missing (the default CI run never
# calls this script).  Without it (no root, no archive) the same files
# are checked against the structural schema of lava/check-schema.py.
#
#   scripts/lava-validate.sh [--no-install] [FILE.yaml...]
#
# Prints TAP, one result per file and checker; exit status 0 when every
# file is valid.
. "$(dirname "$0")/lib.sh"

install=1
files=()
for a in "$@"; do
    case "$a" in
        --no-install) install=0 ;;
        -h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) files+=("$(readlink -f "$a")") ;;
    esac
done
if [ ${#files[@]} = 0 ]; then
    files=("$SMMU_TOP"/lava/*.yaml)
fi

have_lava() {
    /usr/bin/python3 -c 'import lava_common.schemas' 2>/dev/null
}
if ! have_lava && [ "$install" = 1 ]; then
    log "installing lava-common from Debian (opt-in LAVA validation)"
    as_root apt-get -q update >/dev/null || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y install \
        --no-install-recommends lava-common >&2 ||
        log "lava-common is not installable here: structural check only"
fi

/usr/bin/python3 "$SMMU_TOP/lava/check-schema.py" \
    $(have_lava && echo --lava-common) "${files[@]}"
