#!/usr/bin/env bash
# Boots beaml4 under QEMU TCG with Debian's bzImage declared as a VM in PV mode (the mode every
# VM runs in today) and checks that its VMM refuses it, as the Linux loader must: init reports
# the VM failed with the loader's message, and beaml4 goes on and powers off (exit_after_vms).
# Nothing of the guest runs.
#
# usage: tests/system/linux/run-pv-refusal.sh KERNEL INIT BZIMAGE LOG
# example: tests/system/linux/run-pv-refusal.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/linux/bzImage build/tests/linux/pv-refusal.log
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 4 "$@"
kernel=$1
init=$2
bzimage=$3
log=$4
here=$(cd "$(dirname "$0")" && pwd)
expected="init: VM lx failed: load error: a bzImage boots in hardware mode only"

mkdir -p "$(dirname "$log")"
"$here/../../../tools/run-qemu.sh" --memory 512 --timeout 120 --append exit_after_vms \
    "$kernel" "$init" "$bzimage vm=lx mode=pv mem=128M" >"$log" 2>&1
status=$?
if [ "$status" -ne 124 ] && [ "$status" -ne 125 ] && tr -d '\r' <"$log" | grep -qF "$expected"; then
    echo "ok   a bzImage in PV mode is refused by its VMM: $(tr -d '\r' <"$log" |
        grep -oF "$expected")"
    exit 0
fi
echo "FAIL no refusal of the bzImage in PV mode (run-qemu.sh status $status; log $log):"
tail -n 5 "$log"
exit 1
