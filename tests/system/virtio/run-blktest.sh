#!/usr/bin/env bash
# Boots beaml4 under QEMU TCG with a virtio-blk disk (modern PCI) backed by an image this script
# writes with a known pattern per sector, and blktest (the virtio service's client test) on the
# command line; checks that every case passed, that the virtio service found the disk, and then
# the image on the host: the sectors blktest wrote changed, nothing else did. Then again with the
# disk read-only (QEMU's readonly=on, `blktest_ro`): writes denied, the image unchanged.
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
status=0

# run MODE: "rw" or "ro"; the image is made afresh and checked after.
run() {
    local mode=$1 log=$logdir/blktest-$1.log image=$logdir/disk-$1.img disk append=blktest
    local check=check access=read-write code
    disk=$image
    if [ "$mode" = ro ]; then
        disk=$image,ro append="blktest blktest_ro" check=same access=read-only
    fi
    "$here/disk.py" make "$image" $sectors || exit 1
    "$here/../../../tools/run-qemu.sh" --timeout 60 --disk "$disk" --append "panic_poweroff $append" \
        "$kernel" "$init" >"$log" 2>&1
    code=$?
    sed -i 's/\r$//; s/^.*\x1b\[K//' "$log"
    expect "$log" "virtio: disk 0 (00:08.0): $sectors sectors ($((sectors / 2)) KiB), $access, flush"
    expect "$log" "blktest: 7 passed, 0 failed" # 8 cases, of which write_read_back or read_only
    expect "$log" "init: service virtio restarted (1 of 3)"
    if [ "$(grep -ac "^virtio: disk 0 (00:08.0)" "$log")" -ne 2 ]; then
        echo "test-virtio ($mode): FAILED, the disk was not set up again after the restart"
        status=1
    fi
    if grep -aq "blktest: FAIL" "$log"; then
        grep -a "blktest: FAIL" "$log" | sed "s/^/test-virtio ($mode): /"
        status=1
    fi
    [ "$code" -eq 0 ] || { echo "test-virtio ($mode): FAILED, exit status $code (log: $log)"; status=1; }
    "$here/disk.py" $check "$image" $sectors >"$logdir/disk-check-$mode.txt" || status=1
    sed "s/^/test-virtio ($mode): /" "$logdir/disk-check-$mode.txt"
}

expect() {
    if ! grep -aqF -- "$2" "$1"; then
        echo "test-virtio: FAILED, missing: $2 (log: $1)"
        status=1
    fi
}
run rw
run ro
if [ $status -ne 0 ]; then
    echo "test-virtio: FAILED (logs: $logdir)"
    exit 1
fi
echo "test-virtio: passed: read-write and read-only, $(grep -a 'blktest: .* passed' \
    "$logdir/blktest-rw.log") and $(grep -a 'blktest: .* passed' "$logdir/blktest-ro.log")"
