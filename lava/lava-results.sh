#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Turn the guest workload's result lines into LAVA test cases.
#
#   lava-results.sh [FILE]     (default /tmp/smmum-results)
#
# FILE holds the lines tests/guest/init.sh prints on the console,
#   SMMUM-CHECK <name> PASS|FAIL|SKIP <detail>
#   SMMUM-VERDICT PASS|FAIL
# Each check becomes "lava-test-case <name> --result pass|fail|skip", the
# verdict "guest-verdict"; a missing file or verdict is a failed
# guest-verdict (the workload did not finish).  Outside LAVA (no
# lava-test-case in PATH) the same calls are printed, for testing.
# POSIX sh: it runs under the guest's busybox.
results=${1:-/tmp/smmum-results}

if command -v lava-test-case >/dev/null 2>&1; then
    case_cmd=lava-test-case
else
    case_cmd="echo lava-test-case"
fi

verdict=""
if [ -r "$results" ]; then
    while read -r tag name res rest; do
        case "$tag" in
            SMMUM-CHECK)
                case "$res" in
                    PASS) r=pass ;;
                    SKIP) r=skip ;;
                    *) r=fail ;;
                esac
                $case_cmd "$name" --result "$r"
                ;;
            SMMUM-VERDICT)
                verdict=$name
                ;;
        esac
    done < "$results"
fi
if [ "$verdict" = PASS ]; then
    $case_cmd guest-verdict --result pass
else
    $case_cmd guest-verdict --result fail
fi
