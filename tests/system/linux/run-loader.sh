#!/usr/bin/env bash
# Boots Debian's Linux under QEMU TCG from what the VMM's Linux loader prepared, not from QEMU's
# own: loader_dump (tests/system/linux/loader_dump.c) runs services/vmm's loader on the host for
# a 256 MiB guest and writes out the boot area (boot_params, command line, GDT, identity map),
# the kernel and the initrd with their addresses, and the vCPU's start state; QEMU places those
# bytes in RAM (-device loader) and boots entry_stub.S, a multiboot1 kernel that installs the
# start state (GDT, CR3, CR4, EFER, CR0, segments) and jumps to the 64-bit entry with RSI =
# boot_params, as the hardware back end will. The console is judged by check-console.sh (with
# --reference, against the bare run's log too) and the guest must power off. The firmware is
# QEMU's (acpi_rsdp_addr is 0: the kernel finds QEMU's RSDP), since QEMU's BIOS area is ROM.
# Prints the checks and the figures; keeps the files and OUT_DIR/console.log.
#
# usage: tests/system/linux/run-loader.sh [--timeout S] [--reference LOG] [--entry32]
#            LOADER_DUMP BZIMAGE INITRAMFS OUT_DIR
#   --timeout S      QEMU's limit in seconds (default 300)
#   --reference LOG  the bare run's console log (tests/system/linux/run-bare.sh)
#   --entry32        the 32-bit entry instead: the loader is given a copy of the image with
#                    XLF_KERNEL_64 cleared (OUT_DIR/bzImage-32), as a kernel without it has
# example: tests/system/linux/run-loader.sh --reference build/tests/linux/bare/console.log \
#              build/tests/linux/loader_dump build/linux/bzImage \
#              build/linux/initramfs.cpio.gz build/tests/linux/loader
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

limit=300
reference=()
entry32=false
while [ $# -gt 0 ]; do
    case "$1" in
    --timeout) limit=$2; shift 2 ;;
    --reference) reference=(--reference "$2"); shift 2 ;;
    --entry32) entry32=true; shift ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 4 "$@"
dump=$1
bzimage=$2
initramfs=$3
out=$4
here=$(cd "$(dirname "$0")" && pwd)
entry=64-bit
long_mode=0x1
$entry32 && entry=32-bit long_mode=0
# Where the boot area waits until the stub copies it to 0x8000 (QEMU's multiboot loader writes
# its own structures at 0x9000 after the files are placed): BOOT_AREA_STAGED in entry_stub.S.
staged=0x800000

mkdir -p "$out"
log=$out/console.log
if $entry32; then
    # xloadflags (0x236), bit 0: XLF_KERNEL_64.
    cp "$bzimage" "$out/bzImage-32"
    flags=$(od -An -t u1 -j $((0x236)) -N 1 "$bzimage" | tr -d ' ')
    printf "\\$(printf '%03o' $((flags & ~1)))" |
        dd of="$out/bzImage-32" bs=1 seek=$((0x236)) conv=notrunc status=none
    bzimage=$out/bzImage-32
fi
"$dump" "$bzimage" "$initramfs" 256 "console=ttyS0 quiet panic=-1" "$out" ||
    { echo "FAIL the loader refused the image"; exit 1; }
as --32 -I "$out" "$here/entry_stub.S" -o "$out/entry_stub.o" &&
    ld -m elf_i386 -Ttext=0x400000 -e start "$out/entry_stub.o" -o "$out/entry_stub.elf" ||
    { echo "run-loader: the entry stub could not be built" >&2; exit 2; }

devices=()
while read -r file address; do
    [ "$file" = boot-area.bin ] && address=$staged
    devices+=(--device "loader,file=$out/$file,addr=$address,force-raw=on")
done <"$out/ranges.txt"

start=$(date +%s%N)
"$here/../../../tools/run-qemu.sh" --memory 256 --timeout "$limit" "${devices[@]}" \
    "$out/entry_stub.elf" >"$log" 2>&1
qemu_status=$?
end=$(date +%s%N)

"$here/check-console.sh" "${reference[@]}" "$log" "$bzimage"
status=$?
if [ "$qemu_status" -eq 126 ] && grep -q 'reboot: Power down' "$log"; then
    echo "ok   the guest powered the machine off"
else
    echo "FAIL the guest did not power off (run-qemu.sh status $qemu_status)"
    status=1
fi
echo "figure: linux from the VMM's loader, $entry entry, run: $(((end - start) / 1000000)) ms"
if grep -q "^.set START_LONG_MODE, $long_mode\$" "$out/start.inc"; then
    echo "ok   the loader chose the $entry entry"
else
    echo "FAIL the loader did not choose the $entry entry ($out/start.inc)"
    status=1
fi
[ "$status" -eq 0 ] && echo "run-loader: Linux booted from the VMM's loader to its shell"
exit "$status"
