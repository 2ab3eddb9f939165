#!/usr/bin/env bash
# A guest written for QEMU ends through the isa-debug-exit port 0xf4: under beaml4 the VM must
# end with the status the same guest gives bare. The test guest with `exit=port` (never the EXIT
# hypercall) asks for a passing program (status 0) and for an unknown one (status 1), bare under
# QEMU TCG and under beaml4 in each mode given; init's line "VM tg exited: debug-exit port: ...,
# status N" must carry the bare run's status.
#
# usage: tests/system/vmm/run-exit-status.sh [--modes LIST] KERNEL INIT IMAGE OUT_DIR
#   --modes LIST  comma-separated VM modes (default pv,svm: QEMU's -cpu max has AMD-V)
# example: tests/system/vmm/run-exit-status.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/guests/testguest/testguest-low-pvh.elf \
#              build/tests/vmm/exit-status
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../../tools/lib/cli.sh"
cli_help "$@"

modes=pv,svm
while [ $# -gt 0 ]; do
    case "$1" in
    --modes) modes=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 4 "$@"
kernel=$1
init=$2
image=$3
out=$4
run_qemu=$here/../../../tools/run-qemu.sh
mkdir -p "$out"
IFS=, read -r -a mode_list <<<"$modes"

passed=0
failed=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# name programs: the programs' status bare, then under beaml4 in each mode.
case_run() {
    local name=$1 programs=$2 bare mode ending
    "$run_qemu" --timeout 60 --memory 128 --append "test=$programs exit=port" "$image" \
        >"$out/$name.bare.log" 2>&1
    bare=$?
    for mode in "${mode_list[@]}"; do
        "$run_qemu" --icount --timeout 120 --memory 512 --append exit_after_vms "$kernel" "$init" \
            "$image vm=tg mode=$mode mem=64M cmdline=\"test=$programs exit=port\"" 2>&1 |
            tr -d '\r' | sed 's/^.*\x1b\[K//' >"$out/$name.$mode.log"
        ending=$(grep -a '^init: VM tg \(exited\|failed\|crashed\|stopped\)' "$out/$name.$mode.log" |
            tail -1)
        if [[ "$ending" == "init: VM tg exited: debug-exit port: "*", status $bare" ]]; then
            pass "$name ($mode): status $bare through port 0xf4, as bare"
        else
            fail "$name ($mode): bare status $bare, beaml4 \"$ending\""
        fi
    done
}

case_run passing console
case_run unknown-program no-such-program

printf 'run-exit-status: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
