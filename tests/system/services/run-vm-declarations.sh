#!/usr/bin/env bash
# Boots beaml4 under QEMU TCG with init and boot modules that declare VMs, some of them wrongly,
# and checks init's VM table and its refusals: every good declaration is listed with its mode,
# memory, vCPUs and modules, every bad one is refused with a message naming the module and the
# field, and the good ones are declared all the same.
#
# usage: tests/system/services/run-vm-declarations.sh KERNEL INIT LOGDIR
# example: tests/system/services/run-vm-declarations.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/tests/vm-declarations
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 3 "$@"
kernel=$1
init=$2
logdir=$3
mkdir -p "$logdir"
log=$logdir/tcg.log
status=0

# Module files: their contents do not matter to the table.
head -c 5000 /dev/zero >"$logdir/guest.elf"
head -c 3000 /dev/zero >"$logdir/rootfs.cpio"
modules=(
    "$logdir/guest.elf vm=web mode=pv mem=96M vcpus=2 cmdline=\"console=ttyS0 quiet\" initrd=rootfs.cpio"
    "$logdir/rootfs.cpio"
    "$logdir/guest.elf vm=db mode=svm mem=1G autostart=no"
    "$logdir/guest.elf vm=bad mem=3X"
    "$logdir/guest.elf vm=web"
    "$logdir/guest.elf vm=lost initrd=nowhere.cpio"
    "$logdir/guest.elf vm=quote cmdline=\"unterminated"
    "$logdir/guest.elf vm=Upper"
    "$logdir/guest.elf vm=spin vcpus=17"
    "$logdir/guest.elf vm=store autostart=no disk=dev:2:8+16:ro"
    "$logdir/guest.elf vm=nodev disk=dev:4"
)
tools/run-qemu.sh --timeout 60 --append "panic_poweroff exit_after_services" "$kernel" "$init" \
    "${modules[@]}" >"$log" 2>&1
code=$?
# Lines as a terminal shows them: CR LF ends, and dbg's prompt line, which the log service erases
# (CR, ESC [ K) before each log line, gone.
sed -i 's/\r$//; s/^.*\x1b\[K//' "$log"

expect() {
    if ! grep -aqF -- "$1" "$log"; then
        echo "test-vm-declarations: FAILED, missing: $1"
        status=1
    fi
}
expect "init: VM web: mode pv, 96 MiB, 2 vCPUs, kernel module 0 (5000 bytes), initrd rootfs.cpio (module 1)"
expect "init: VM db: mode svm, 1024 MiB, 1 vCPU, kernel module 2 (5000 bytes), autostart no"
expect "init: module 3 ($logdir/guest.elf vm=bad mem=3X) refused: mem:"
expect "init: module 4 ($logdir/guest.elf vm=web) refused: vm:"
expect "init: module 5 ($logdir/guest.elf vm=lost initrd=nowhere.cpio) refused: initrd:"
expect "init: module 6 ($logdir/guest.elf vm=quote cmdline=\"unterminated) refused: cmdline:"
expect "init: module 7 ($logdir/guest.elf vm=Upper) refused: vm:"
expect "init: module 8 ($logdir/guest.elf vm=spin vcpus=17) refused: vcpus:"
expect "init: VM store: mode auto, 64 MiB, 1 vCPU, kernel module 9 (5000 bytes), autostart no, disk dev:2:8+16:ro (the machine's disk 2)"
expect "init: module 10 ($logdir/guest.elf vm=nodev disk=dev:4) refused: disk: 'dev:4' is not a machine disk (dev:0 to dev:3)"
expect "init: 3 VMs declared"
if [ "$(grep -ac '^init: VM ' "$log")" -ne 3 ]; then
    echo "test-vm-declarations: FAILED, not exactly three VMs listed"
    status=1
fi
[ "$code" -eq 0 ] || { echo "test-vm-declarations: FAILED, exit status $code (log: $log)"; status=1; }
[ $status -ne 0 ] || echo "test-vm-declarations: 3 VMs declared, 7 declarations refused as expected"
exit $status
