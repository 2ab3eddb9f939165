#!/usr/bin/env bash
# Runs the PV vCPU benchmark: nanoseconds per emulated trap (median and minimum of 9 runs), then
# the instructions per trap of each scenario counted by valgrind's cachegrind (when installed):
# the difference between 2,000 and 1,000 traps less the same difference for the per-trap reset
# alone, divided by 1,000, so set-up does not count and the figure is the same from run to run
# whatever the machine's load. Prints every command.
#
# usage: bench/pv-cpu/run.sh BENCH_BINARY
# Run from the top of the tree (make bench-pv-cpu does).
# example: bench/pv-cpu/run.sh build/pv/bench/bench-pv-cpu
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 1 "$@"
bench=$1

echo "bench-pv-cpu: $bench -r 9"
"$bench" -r 9 || exit 1

if ! command -v valgrind >/dev/null; then
    echo "bench-pv-cpu: valgrind is not installed: no instruction counts"
    exit 0
fi

# Instructions executed by one run of N iterations of a scenario (cachegrind's "I refs"); FLAG
# is -c (trap and reset) or -C (reset only).
refs() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$bench" "$3" -n "$2" -s "$1" 2>&1 >/dev/null | awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

echo "bench-pv-cpu: instructions per trap: valgrind --tool=cachegrind --cache-sim=no $bench -c|-C -n N -s SCENARIO, (N = 2000) - (N = 1000), less the reset alone (-C), / 1000"
for scenario in cpuid mov-cr3 exception inject syscall iretq; do
    counts=()
    for run in "1000 -c" "2000 -c" "1000 -C" "2000 -C"; do
        read -r n flag <<<"$run"
        count=$(refs "$scenario" "$n" "$flag")
        if [ -z "$count" ]; then
            echo "bench-pv-cpu: $scenario: valgrind gave no count"
            exit 1
        fi
        counts+=("$count")
    done
    echo "$scenario ${counts[*]}"
done | awk '{ printf "bench-pv-cpu: %-10s %6.0f instructions per trap\n", $1, (($3 - $2) - ($5 - $4)) / 1000 }'
