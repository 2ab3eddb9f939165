#!/bin/bash
# The test guest's virtio-blk program in a VM whose disk= is a module the runner writes (64
# sectors, byte i of sector s = (s * 7 + i * 13 + 1) mod 256), in PV mode (the image linked low)
# and in AMD-V mode (linked high; QEMU TCG -cpu max has SVM): every check of the program must
# pass in both, with its 13 checks, and each VM must end by its EXIT hypercall with status 0.
#
# usage: tests/system/vmm/run-virtio-blk.sh [--out DIR]   (default: build/tests/virtio-blk)
set -euo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

# Options first: an unknown one is named wherever it stands.
skip_value=false
for arg in "$@"; do
    if $skip_value; then
        skip_value=false
    elif [ "$arg" = --out ]; then
        skip_value=true
    elif [[ "$arg" == -* ]]; then
        cli_refuse "$arg"
    fi
done

out=build/tests/virtio-blk
while [ $# -gt 0 ]; do
    case "$1" in
    --out)
        [ $# -ge 2 ] || cli_refuse "$1"
        out=$2
        shift 2
        ;;
    *) cli_refuse "$1" ;;
    esac
done
mkdir -p "$out"
python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for s in range(64):
        f.write(bytes((s * 7 + i * 13 + 1) & 0xff for i in range(512)))
' "$out/vdisk.img"

failed=0
for run in "pv testguest-low-pvh.elf" "svm testguest-high-pvh.elf"; do
    read -r mode image <<<"$run"
    log=$out/$mode.log
    status=0
    tools/run-qemu.sh --timeout 120 --memory 512 --append exit_after_vms \
        build/kernel/beaml4.elf build/services/init/init.elf \
        "build/guests/testguest/$image vm=tg mode=$mode mem=64M disk=vdisk.img:ro cmdline=\"test=virtio-blk\"" \
        "$out/vdisk.img" >"$log" 2>&1 </dev/null || status=$?
    if grep -aq 'tg: == virtio-blk: 13 checks passed' "$log" &&
        grep -aq 'init: VM tg exited: exit hypercall: the guest.s EXIT hypercall, status 0' "$log" &&
        ! grep -aq 'FAIL' "$log"; then
        echo "PASS virtio-blk in $mode mode: 13 checks passed (every sector, IOERR, GET_ID, a broken ring reset)"
    else
        echo "FAIL virtio-blk in $mode mode (QEMU status $status), the guest's lines:"
        grep -a 'tg: ' "$log" | tail -20
        failed=1
    fi
done
exit $failed
