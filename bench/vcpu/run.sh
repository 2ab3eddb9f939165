#!/usr/bin/env bash
# Runs the VCPU benchmark: SVM under QEMU TCG -cpu max (TSC cycles), the same counting
# instructions (-icount: identical from run to run), and VMX under Bochs corei7_skylake_x (cycles
# of an emulator with its own clock: informative only). Prints every figure with the command
# line that produced it.
#
# usage: bench/vcpu/run.sh KERNEL BENCH_ELF BENCH_ISO
# Run from the top of the tree (make bench-vcpu does).
# example: bench/vcpu/run.sh build/kernel/beaml4.elf build/bench/vcpu/bench-vcpu.elf \
#              build/bench/vcpu/bench-vcpu.iso
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 3 "$@"
kernel=$1
bench=$2
iso=$3
status=0

# run NAME COMMAND...: the run's figures, named, or its failure.
run() {
    local name=$1
    shift
    echo "bench-vcpu [$name]: $*"
    local out
    out=$("$@" 2>&1)
    local code=$?
    if ! grep -aq '^bench-vcpu: done' <<<"$out" || [ $code -ne 0 ]; then
        echo "bench-vcpu [$name]: run failed (exit status $code)"
        tail -20 <<<"$out"
        status=1
        return
    fi
    grep -a '^bench-vcpu: ' <<<"$out" | sed "s/^bench-vcpu: /bench-vcpu [$name]: /"
}

run tcg-svm tools/run-qemu.sh --timeout 300 "$kernel" "$bench"
run tcg-svm-icount tools/run-qemu.sh --icount --timeout 300 "$kernel" "$bench"
run bochs-vmx tools/run-bochs.sh "$iso" 600
exit $status
