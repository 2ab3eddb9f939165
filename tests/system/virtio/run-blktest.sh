#!/usr/bin/env bash
# Boots beaml4 under QEMU TCG with a virtio-blk disk (modern PCI) backed by an image this script
# writes with a known pattern per sector, and blktest (the virtio service's client test) on the
# command line; checks that every case passed, that the virtio service found the disk, and then
# the image on the host: the sectors blktest wrote changed, nothing else did.
#
# usage: tests/system/virtio/run-blktest.sh KERNEL INIT LOGDIR
# example: tests/system/virtio/run-blktest.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/tests/virtio
set -uo pipefail
here=$(dirname "$0")
source "$here/../../../tools/lib/cli.sh"
cli_args 3 "$@"
kernel=$1
init=$2
logdir=$3
sectors=4096 # 2 MiB
mkdir -p "$logdir"
log=$logdir/blktest.log
image=$logdir/disk.img
status=0

"$here/disk.py" make "$image" $sectors || exit 1
"$here/../../../tools/run-qemu.sh" --timeout 60 --disk "$image" --append "panic_poweroff blktest" \
    "$kernel" "$init" >"$log" 2>&1
code=$?
sed -i 's/\r$//; s/^.*\x1b\[K//' "$log"

expect() {
    if ! grep -aqF -- "$1" "$log"; then
        echo "test-virtio: FAILED, missing: $1"
        status=1
    fi
}
expect "virtio: disk 0 (00:08.0): $sectors sectors ($((sectors / 2)) KiB), read-write, flush"
expect "blktest: 6 passed, 0 failed"
if grep -aq "blktest: FAIL" "$log"; then
    grep -a "blktest: FAIL" "$log" | sed 's/^/test-virtio: /'
    status=1
fi
[ "$code" -eq 0 ] || { echo "test-virtio: FAILED, exit status $code (log: $log)"; status=1; }
"$here/disk.py" check "$image" $sectors >"$logdir/disk-check.txt" || status=1
sed 's/^/test-virtio: /' "$logdir/disk-check.txt"
if [ $status -ne 0 ]; then
    echo "test-virtio: FAILED (log: $log)"
    exit 1
fi
echo "test-virtio: passed: $(grep -a 'blktest: .* passed' "$log")"
