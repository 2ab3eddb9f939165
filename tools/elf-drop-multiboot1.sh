#!/usr/bin/env bash
# Copies a beaml4 kernel ELF with its multiboot1 magic cleared, so that QEMU's -kernel loader
# takes the PVH entry instead (it prefers multiboot1 when both are present). Used to test the
# PVH boot path.
#
# usage: tools/elf-drop-multiboot1.sh IN.elf OUT.elf
# example: tools/elf-drop-multiboot1.sh build/kernel/beaml4.elf build/beaml4-pvh.elf
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_args 2 "$@"
in=$1
out=$2
offset=$(readelf -SW "$in" |
    sed -n 's/^ *\[ *[0-9]*\] \.boot\.header  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
[ -n "$offset" ] || { echo "$0: no .boot.header section in $in" >&2; exit 1; }
cp "$in" "$out.tmp"
printf '\0\0\0\0' | dd of="$out.tmp" bs=1 seek=$((16#$offset)) conv=notrunc status=none
mv "$out.tmp" "$out"
