#!/usr/bin/env bash
# Runs the kernel test suite under QEMU TCG (-cpu max and -cpu qemu64), QEMU KVM (when usable)
# and Bochs (GRUB ISO), and
# checks each run's closing line: "N passed, 0 failed" with N at least MIN_TESTS.
#
# usage: tests/kernel/run-suite.sh KERNEL ROOTTASK ISO MIN_TESTS LOGDIR [MODULE...]
# The modules (each "PATH [WORDS...]") follow the suite as further boot modules; the ISO must
# have been made with the same ones. Run from the top of the tree (make test-kernel does).
# example: tests/kernel/run-suite.sh build/kernel/beaml4.elf build/tests/kernel/ktest.elf \
#              build/tests/kernel/ktest.iso 60 build/tests/kernel
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 5+ "$@"
kernel=$1
roottask=$2
iso=$3
min_tests=$4
logdir=$5
shift 5
modules=("$@")
mkdir -p "$logdir"
status=0

# check NAME LOG: the summary line of the run, and its verdict.
check() {
    local name=$1 log=$2 summary passed failed
    sed -i 's/\r$//' "$log" # QEMU's serial on stdio ends lines with CR LF
    summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -z "$summary" ]; then
        echo "test-kernel [$name]: FAILED, no summary line (log: $log)"
        grep -aE '^(FAIL|PASS)' "$log" | tail -3
        tail -5 "$log"
        status=1
        return
    fi
    # The console group's two lines: what user space wrote through the UART it held reached the
    # line; what the kernel printed meanwhile did not (it went to the kernel log page only).
    if ! grep -aq '^console: a line written through COM1 by user space$' "$log" ||
        grep -aq 'kernel-log-only marker' "$log"; then
        echo "test-kernel [$name]: FAILED, the console hand-over shows on the serial line (log: $log)"
        status=1
    fi
    passed=${summary%% passed*}
    failed=${summary#*, }
    failed=${failed%% failed}
    grep -a '^FAIL' "$log"
    if [ "$failed" -ne 0 ] || [ "$passed" -lt "$min_tests" ]; then
        echo "test-kernel [$name]: FAILED, $summary (need >= $min_tests passed, 0 failed)"
        status=1
    else
        echo "test-kernel [$name]: $summary"
    fi
}

timeout_tcg=300
echo "test-kernel: QEMU TCG"
tools/run-qemu.sh --timeout "$timeout_tcg" --append panic_poweroff "$kernel" "$roottask" "${modules[@]}" >"$logdir/tcg.log" 2>&1
code=$?
check tcg "$logdir/tcg.log"
[ "$code" -eq 0 ] || { echo "test-kernel [tcg]: exit status $code"; status=1; }

# A CPU without SMEP, UMIP or FSGSBASE (and AMD's SYSCALL from 32-bit code): what the
# hostile-CPU group checks must hold without the protections those features add.
echo "test-kernel: QEMU TCG, -cpu qemu64"
tools/run-qemu.sh --cpu qemu64 --timeout "$timeout_tcg" --append panic_poweroff "$kernel" "$roottask" "${modules[@]}" >"$logdir/tcg-qemu64.log" 2>&1
code=$?
check tcg-qemu64 "$logdir/tcg-qemu64.log"
[ "$code" -eq 0 ] || { echo "test-kernel [tcg-qemu64]: exit status $code"; status=1; }

if tools/kvm-usable.sh; then
    echo "test-kernel: QEMU KVM"
    tools/run-qemu.sh --kvm --timeout 300 --append panic_poweroff "$kernel" "$roottask" "${modules[@]}" >"$logdir/kvm.log" 2>&1
    code=$?
    check kvm "$logdir/kvm.log"
    [ "$code" -eq 0 ] || { echo "test-kernel [kvm]: exit status $code"; status=1; }
else
    echo "test-kernel [kvm]: skipped: KVM not usable"
fi

echo "test-kernel: Bochs"
tools/run-bochs.sh "$iso" 900 >"$logdir/bochs.log" 2>&1
code=$?
check bochs "$logdir/bochs.log"
[ "$code" -eq 0 ] || { echo "test-kernel [bochs]: exit status $code (the suite did not end the run)"; status=1; }
exit $status
