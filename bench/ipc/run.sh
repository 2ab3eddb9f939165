#!/usr/bin/env bash
# Runs the IPC benchmark under QEMU KVM (when usable), TCG, and TCG counting instructions
# (-icount: the figures are then instructions executed, identical from run to run), and prints
# every figure with the command line that produced it.
#
# usage: bench/ipc/run.sh KERNEL BENCH_ELF
# Run from the top of the tree (make bench-ipc does).
# example: bench/ipc/run.sh build/kernel/beaml4.elf build/bench/ipc/bench-ipc.elf
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 2 "$@"
kernel=$1
bench=$2
status=0

run() {
    local name=$1
    shift
    local command=(tools/run-qemu.sh "$@" --timeout 300 "$kernel" "$bench")
    echo "bench-ipc [$name]: ${command[*]}"
    local out
    out=$("${command[@]}" 2>&1)
    local code=$?
    if ! grep -q '^bench-ipc: done' <<<"$out" || [ $code -ne 0 ]; then
        echo "bench-ipc [$name]: run failed (exit status $code)"
        tail -20 <<<"$out"
        status=1
        return
    fi
    grep '^bench-ipc: ' <<<"$out" | sed "s/^bench-ipc: /bench-ipc [$name]: /"
}

if tools/kvm-usable.sh; then
    run kvm --kvm
else
    echo "bench-ipc [kvm]: skipped: KVM not usable"
fi
run tcg
run tcg-icount --icount
exit $status
