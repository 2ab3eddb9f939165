#!/bin/bash
# Hostile virtio drivers beside a well-behaved one, in one boot: VM `bad` (PV mode, linked low)
# and VM `badsvm` (AMD-V mode, linked high) run the test guest's virtio-hostile program against
# their virtio-blk devices (disk=bad.img:ro) while VM `tg` (PV mode) runs the ordinary
# virtio-blk program over a disk of its own (disk=good.img:ro). Both images hold the pattern of
# run-virtio-blk.sh (byte i of sector s = (s * 7 + i * 13 + 1) mod 256). Every hostile case must
# pass in both modes (the device breaks, says so, and serves again after a reset), the
# well-behaved VM must pass its 13 checks, and all three must end by their EXIT hypercall with
# status 0: one VM's broken device harms no other VM's.
#
# usage: tests/system/vmm/run-virtio-hostile.sh [OUT]   (default: build/tests/virtio-hostile)
set -euo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 0-1 "$@"

HOSTILE_CHECKS=46

out=${1:-build/tests/virtio-hostile}
mkdir -p "$out"
for image in good bad; do
    python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for s in range(64):
        f.write(bytes((s * 7 + i * 13 + 1) & 0xff for i in range(512)))
' "$out/$image.img"
done

log=$out/serial.log
status=0
low=build/guests/testguest/testguest-low-pvh.elf
high=build/guests/testguest/testguest-high-pvh.elf
tools/run-qemu.sh --timeout 120 --memory 512 --append exit_after_vms \
    build/kernel/beaml4.elf build/services/init/init.elf \
    "$low vm=bad mode=pv mem=64M disk=bad.img:ro cmdline=\"test=virtio-hostile\"" \
    "$high vm=badsvm mode=svm mem=64M disk=bad.img:ro cmdline=\"test=virtio-hostile\"" \
    "$low vm=tg mode=pv mem=64M disk=good.img:ro cmdline=\"test=virtio-blk\"" \
    "$out/bad.img" "$out/good.img" >"$log" 2>&1 </dev/null || status=$?

failed=0
expect() { # NAME LINE WHAT
    if grep -aq -- "$2" "$log"; then
        echo "PASS $3"
    else
        echo "FAIL $3: no line '$2' (QEMU status $status), $1's lines:"
        grep -a "^$1: " "$log" | tail -20
        failed=1
    fi
}
for vm in bad badsvm; do
    expect $vm "$vm: == virtio-hostile: $HOSTILE_CHECKS checks passed" \
        "virtio-hostile in VM $vm: $HOSTILE_CHECKS checks passed"
    expect $vm "init: VM $vm exited: exit hypercall: the guest.s EXIT hypercall, status 0" \
        "VM $vm ended with status 0"
done
expect tg 'tg: == virtio-blk: 13 checks passed' "virtio-blk in VM tg beside them: 13 checks passed"
expect tg 'init: VM tg exited: exit hypercall: the guest.s EXIT hypercall, status 0' \
    "VM tg ended with status 0"
if grep -aq 'FAIL' "$log"; then
    echo "FAIL a line of the guests says FAIL:"
    grep -a 'FAIL' "$log" | head -20
    failed=1
fi
exit $failed
