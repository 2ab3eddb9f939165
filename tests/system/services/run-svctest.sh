#!/usr/bin/env bash
# Boots beaml4 with init and the services' test suite (svctest, started by init when the kernel
# command line says `svctest`) under QEMU TCG, twice: in real time, and counting instructions
# (--icount, the kernel word `icount` tells the suite so), where time advances only with the
# guest's work and the time group's tolerances are tight. Checks each run: the suite's summary
# with no failure and at least MIN_TESTS cases, exit status 0, init's report of the log and time
# services' restarts (which cases cause), the time service's check of the TSC, and the log
# group's lines. Logs: LOGDIR/tcg.log and LOGDIR/icount.log.
#
# usage: tests/system/services/run-svctest.sh KERNEL INIT MIN_TESTS LOGDIR
# example: tests/system/services/run-svctest.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf 4 build/tests/services
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 4 "$@"
kernel=$1
init=$2
min_tests=$3
logdir=$4
mkdir -p "$logdir"
# One boot of the suite: MODE names it (and its log), the rest are run-qemu.sh's options.
run_suite() {
    local mode=$1 words=""
    shift
    local options=("$@")
    local log=$logdir/$mode.log code summary passed failed order seen bad threads dropped checks
    [ "$mode" != icount ] || words=" icount"
    tools/run-qemu.sh "${options[@]}" --timeout 120 --append "panic_poweroff svctest$words" "$kernel" \
        "$init" >"$log" 2>&1
    code=$?
    # Lines as a terminal shows them: CR LF ends, and dbg's prompt line, which the log service
    # erases (CR, ESC [ K) before each log line, gone.
    sed -i 's/\r$//; s/^.*\x1b\[K//' "$log"
    grep -a '^svctest: FAIL' "$log"
    summary=$(grep -aE '^svctest: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -z "$summary" ]; then
        echo "test-services: FAILED ($mode), no summary line (log: $log)"
        tail -15 "$log"
        status=1
        return
    fi
    passed=$(sed -E 's/^svctest: ([0-9]+) passed.*/\1/' <<<"$summary")
    failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$summary")
    if [ "$failed" -ne 0 ] || [ "$passed" -lt "$min_tests" ] || [ "$code" -ne 0 ]; then
        echo "test-services: FAILED ($mode), $summary, exit status $code (need >= $min_tests passed)"
        status=1
    fi
    if ! grep -aq '^init: service log: page fault at 0' "$log" ||
        ! grep -aq '^init: service log restarted (1 of 3)$' "$log"; then
        echo "test-services: FAILED ($mode), init did not report the log service's crash and restart"
        status=1
    fi
    # The producers' lines: every thread's 0..199, each once, in order (interleaving is free).
    order=$(grep -aE '^svctest: order t=[0-9]+ n=[0-9]+$' "$log" | awk '
        { split($3, t, "="); split($4, n, "="); if (n[2] != next_n[t[2]] + 0) bad++; next_n[t[2]] = n[2] + 1; seen++ }
        END { for (k in next_n) if (next_n[k] != 200) bad++; print seen + 0, bad + 0, length(next_n) }')
    read -r seen bad threads <<<"$order"
    if [ "$seen" -ne 800 ] || [ "$bad" -ne 0 ] || [ "$threads" -ne 4 ]; then
        echo "test-services: FAILED ($mode), producers' lines: $seen of 800, $bad out of order, $threads threads"
        status=1
    fi
    # The overrun: the log service's drop report equals what the suite counted.
    dropped=$(sed -nE 's/^svctest: overrun [0-9]+ printed ([0-9]+) dropped$/\1/p' "$log")
    if [ -z "$dropped" ] || ! grep -aq "^log: svctest: $dropped lines dropped (its ring was full)$" "$log"; then
        echo "test-services: FAILED ($mode), the log service did not report the ${dropped:-?} dropped lines"
        status=1
    fi
    # The time service: its check of the TSC against the PIT, at start and after its restart.
    checks=$(grep -acE '^time: TSC [0-9.]+ MHz stated, [0-9.]+ MHz against the PIT \([-+][0-9]+ ppm\)' \
        "$log")
    if [ "$checks" -ne 2 ] || ! grep -aq '^init: service time: page fault at 0' "$log" ||
        ! grep -aq '^init: service time restarted (1 of 3)$' "$log"; then
        echo "test-services: FAILED ($mode), $checks checks of the TSC, or no restart of the time service"
        status=1
    fi
    summaries+=("$mode: ${summary#svctest: }")
}

status=0
summaries=()
run_suite tcg
run_suite icount --icount
[ $status -ne 0 ] || echo "test-services: ${summaries[0]}; ${summaries[1]}"
exit $status
