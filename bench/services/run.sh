#!/usr/bin/env bash
# The services' figures: init, the log and time services booted with svctest in its benchmark
# mode (kernel words `svctest svcbench`): timer latency from a deadline to the waiter running (a
# sleeping thread, an event loop's timer) and the cost of arming and cancelling a timer
# (services/svctest/bench_time.c); a request's round trip from one service to init, the log
# service and the time service, and the log service's lines per second from a client's ring to
# the serial line (bench_services.c). Under QEMU TCG in real time and counting instructions
# (--icount: the TSC then counts instructions, identical from run to run), and under KVM when it
# is usable. Prints every figure with the command that produced it.
#
# usage: bench/services/run.sh KERNEL INIT
# Run from the top of the tree (make bench-services does).
# example: bench/services/run.sh build/kernel/beaml4.elf build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 2 "$@"
kernel=$1
init=$2
status=0
FIGURES=7 # 3 from bench_time.c, 4 from bench_services.c

run() {
    local name=$1
    shift
    local words="panic_poweroff svctest svcbench"
    local command=(tools/run-qemu.sh "$@" --timeout 300 --append "$words" "$kernel" "$init")
    local shown="tools/run-qemu.sh ${*:+$* }--timeout 300 --append \"$words\" $kernel $init"
    echo "bench-services [$name]: $shown"
    local out
    # Without carriage returns and dbg's prompt line (erased by ESC [K before each line).
    out=$("${command[@]}" 2>&1 | sed 's/\r$//; s/^.*\x1b\[K//')
    local code=$?
    if [ "$(grep -c '^svctest: figure: ' <<<"$out")" -ne "$FIGURES" ] || [ $code -ne 0 ]; then
        echo "bench-services [$name]: run failed (exit status $code)"
        tail -20 <<<"$out"
        status=1
        return
    fi
    grep '^time: TSC' <<<"$out" | sed "s/^/bench-services [$name]: /"
    grep '^svctest: figure: ' <<<"$out" | sed "s/^svctest: figure: /bench-services [$name]: /"
}

if tools/kvm-usable.sh; then
    run kvm --kvm
else
    echo "bench-services [kvm]: skipped: KVM not usable"
fi
run tcg
run tcg-icount --icount
exit $status
