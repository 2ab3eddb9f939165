#!/usr/bin/env bash
# Disk throughput of Debian's Linux, bare under QEMU TCG on a virtio-blk-pci disk against the same
# kernel under beaml4 in AMD-V mode (QEMU TCG -cpu max) on its VM's virtio-mmio disk, a window of
# the machine's virtio-blk disk (disk=dev:0). Both boot the initramfs with the command-line word
# initramfs.dd=MIB: the guest's /init writes MIB MiB of zeros to /dev/vda with dd and reads them
# back (O_DIRECT, 1 MiB a request), timed by the kernel's clock
# (tests/system/linux/guest-init.sh). Each side runs on a fresh image of MIB + 1 MiB; the script
# prints each side's figures in MiB/s and the ratios bare / beaml4 (how many times slower the disk
# is under beaml4). Keeps the logs in OUT_DIR. Exit status 0 when both runs gave their figures.
#
# usage: tests/system/linux/run-dd.sh [--mib N] KERNEL INIT BZIMAGE INITRAMFS OUT_DIR
#   --mib N   MiB written and read on each side (default 128)
# example: tests/system/linux/run-dd.sh build/kernel/beaml4.elf build/services/init/init.elf \
#              build/linux/bzImage build/linux/initramfs.cpio.gz build/bench/linux-dd
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

mib=128
while [ $# -gt 0 ]; do
    case "$1" in
    --mib) mib=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 5 "$@"
[[ "$mib" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "run-dd: --mib wants 1-9999, not '$mib'" >&2; exit 2; }
kernel=$1
init=$2
bzimage=$3
initramfs=$4
out=$5
run_qemu=$(cd "$(dirname "$0")/../../../tools" && pwd)/run-qemu.sh
for file in "$kernel" "$init" "$bzimage" "$initramfs"; do
    [ -r "$file" ] || { echo "run-dd: cannot read $file" >&2; exit 2; }
done
mkdir -p "$out"
cmdline="console=ttyS0 quiet panic=-1 initramfs.dd=$mib"

# fresh_image NAME: a zeroed image of MIB + 1 MiB in OUT_DIR; prints its path.
fresh_image() {
    rm -f "$out/$1"
    truncate -s $((mib + 1))M "$out/$1"
    echo "$out/$1"
}

"$run_qemu" --memory 256 --timeout 600 --disk "$(fresh_image bare.img)" --append "$cmdline" \
    "$bzimage" "$initramfs" 2>&1 | tr -d '\r' >"$out/bare.log"
vm="$bzimage vm=lx mode=svm mem=256M disk=dev:0 initrd=$(basename "$initramfs") cmdline=\"$cmdline\""
"$run_qemu" --memory 1024 --timeout 600 --disk "$(fresh_image beaml4.img)" \
    --append exit_after_vms "$kernel" "$init" "$vm" "$initramfs" 2>&1 |
    tr -d '\r' | sed 's/^.*\x1b\[K//' >"$out/beaml4.log"
rm -f "$out/bare.img" "$out/beaml4.img"

# cs SIDE WHAT: the centiseconds of "figure: dd WHAT: MIB MiB in N cs" in SIDE's log.
cs() {
    sed -n -E "s/^(lx: )?figure: dd $2: $mib MiB in ([0-9]+) cs$/\2/p" "$out/$1.log" | head -n1
}
status=0
for side in bare beaml4; do
    if grep -q '^\(lx: \)\?dd: ' "$out/$side.log"; then
        echo "FAIL $side: $(grep -m1 '^\(lx: \)\?dd: ' "$out/$side.log") (log: $out/$side.log)"
        status=1
    fi
    for what in write read; do
        value=$(cs "$side" "$what")
        if [ -z "$value" ] || [ "$value" -le 0 ]; then
            echo "FAIL $side: no dd $what figure (log: $out/$side.log)"
            status=1
        else
            echo "figure: linux dd $what, $side: $mib MiB in $value cs = $(awk -v m="$mib" -v c="$value" 'BEGIN { printf "%.2f", m * 100 / c }') MiB/s"
        fi
    done
done
[ "$status" -eq 0 ] || exit 1
for what in write read; do
    echo "figure: linux dd $what, beaml4 svm / bare time: $(cs beaml4 "$what") / $(cs bare "$what") cs = $(awk -v a="$(cs beaml4 "$what")" -v b="$(cs bare "$what")" 'BEGIN { printf "%.2f", a / b }')"
done
