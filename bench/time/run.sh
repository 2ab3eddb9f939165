#!/usr/bin/env bash
# Timer latency, from a deadline to the waiter running (a sleeping thread, an event loop's
# timer), and the cost of arming and cancelling a timer: init and the time service booted with
# svctest in its benchmark mode (kernel words `svctest svcbench`), under QEMU TCG in real time
# and counting instructions (--icount: the TSC then counts instructions, identical from run to
# run), and under KVM when it is usable. Prints every figure with the command that produced it.
#
# usage: bench/time/run.sh KERNEL INIT
# Run from the top of the tree (make bench-time does).
# example: bench/time/run.sh build/kernel/beaml4.elf build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 2 "$@"
kernel=$1
init=$2
status=0

run() {
    local name=$1
    shift
    local words="panic_poweroff svctest svcbench"
    local command=(tools/run-qemu.sh "$@" --timeout 300 --append "$words" "$kernel" "$init")
    local shown="tools/run-qemu.sh ${*:+$* }--timeout 300 --append \"$words\" $kernel $init"
    echo "bench-time [$name]: $shown"
    local out
    # Without carriage returns and dbg's prompt line (erased by ESC [K before each line).
    out=$("${command[@]}" 2>&1 | sed 's/\r$//; s/^.*\x1b\[K//')
    local code=$?
    if [ "$(grep -c '^svctest: figure: ' <<<"$out")" -ne 3 ] || [ $code -ne 0 ]; then
        echo "bench-time [$name]: run failed (exit status $code)"
        tail -20 <<<"$out"
        status=1
        return
    fi
    grep '^time: TSC' <<<"$out" | sed "s/^/bench-time [$name]: /"
    grep '^svctest: figure: ' <<<"$out" | sed "s/^svctest: figure: /bench-time [$name]: /"
}

if tools/kvm-usable.sh; then
    run kvm --kvm
else
    echo "bench-time [kvm]: skipped: KVM not usable"
fi
run tcg
run tcg-icount --icount
exit $status
