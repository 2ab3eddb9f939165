#!/usr/bin/env bash
# Boots a test-guest image in Bochs (cpu model corei7_skylake_x: x2APIC, TSC deadline) through
# a GRUB ISO that loads it with GRUB's multiboot1 command, and prints the guest's output from
# its "variant:" line on.
#
# usage: tests/system/guest/run-bochs.sh [--timeout S] IMAGE.elf PROGRAMS
#   --timeout S   seconds of simulation at most (default 120)
# PROGRAMS is what follows "test=" (e.g. x2apic, or all). Bochs is the reference where QEMU 7.2
# TCG lacks a feature (the x2apic program). Exit status 0 when the guest's last line says every
# program passed, 1 otherwise, 124 when the simulation met the timeout.
# example: tests/system/guest/run-bochs.sh build/guests/testguest/testguest-high.elf x2apic
set -euo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

limit=120
while [ $# -gt 0 ]; do
    case "$1" in
    --timeout) limit=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 2 "$@"
image=$1
programs=$2
tools=$(cd "$(dirname "$0")/../../../tools" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/iso/boot/grub"
cp "$image" "$work/iso/boot/testguest.elf"
cat >"$work/iso/boot/grub/grub.cfg" <<EOC
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_output serial
menuentry "testguest" {
    multiboot /boot/testguest.elf test=$programs
    boot
}
EOC
grub-mkrescue --compress=no -d /usr/lib/grub/i386-pc -o "$work/guest.iso" "$work/iso" \
    2>"$work/mkrescue.log" || { cat "$work/mkrescue.log" >&2; exit 1; }

status=0
"$tools/run-bochs.sh" "$work/guest.iso" "$limit" >"$work/serial.txt" || status=$?
# GRUB's own screen output comes first: the guest's starts at its variant line.
sed -n '/^variant: /,$p' "$work/serial.txt" | tee "$work/guest.txt"
[ "$status" -ne 124 ] || exit 124
grep -q '^testguest: all [0-9]* programs passed$' "$work/guest.txt"
