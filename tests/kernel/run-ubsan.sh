#!/usr/bin/env bash
# Runs a root task that ends the run itself (the kernel test suite or the smoke test) under QEMU
# TCG on the UBSan kernel (mk/ubsan-kernel.mk) and checks how it ended. A UBSan check that fires is a ud2 in kernel mode: the panic line names its RIP,
# which is shown here as a source line (addr2line on the kernel ELF).
#
# usage: tests/kernel/run-ubsan.sh KERNEL ROOTTASK LOGDIR [MODULE...]
# MODULEs follow the root task as further boot modules ("PATH [WORDS...]"). Run from the top of
# the tree (make test-kernel-ubsan does).
# example: tests/kernel/run-ubsan.sh build/kernel-ubsan/beaml4.elf build/kernel/smoke/smoke.elf \
#              build/kernel-ubsan/smoke
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 3+ "$@"
kernel=$1
roottask=$2
logdir=$3
shift 3
modules=("$@")
mkdir -p "$logdir"
log=$logdir/tcg.log

tools/run-qemu.sh --timeout 300 --append panic_poweroff "$kernel" "$roottask" "${modules[@]}" >"$log" 2>&1
code=$?
sed -i 's/\r$//' "$log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
panic=$(grep -a 'beaml4 kernel panic' "$log" | head -1)
if [ -n "$panic" ]; then
    echo "test-kernel-ubsan: $panic"
    rip=$(sed -n 's/.* rip \(0x[0-9a-f]*\) .*/\1/p' <<<"$panic")
    if [ -n "$rip" ]; then
        echo "test-kernel-ubsan: at $(addr2line -f -i -e "$kernel" "$rip" | paste -sd ' ')"
    fi
    grep -E '^(PASS|FAIL)' "$log" | tail -1 | sed 's/^/test-kernel-ubsan: last test line: /'
    exit 1
fi
# The suite closes with "N passed, N failed", the smoke test with "smoke: all checks passed".
summary=${summary:-$(grep -E '^smoke: all checks passed$' "$log" | tail -1)}
grep -E '^(FAIL|smoke: FAIL)' "$log"
if [ "$code" -ne 0 ] || [ -z "$summary" ] || [[ "$summary" == *" passed, "[1-9]* ]]; then
    echo "test-kernel-ubsan: FAILED (exit status $code, ${summary:-no summary line}; log: $log)"
    exit 1
fi
echo "test-kernel-ubsan [$(basename "$roottask")]: $summary; no undefined behaviour trapped"

