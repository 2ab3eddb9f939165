#!/usr/bin/env bash
# Builds a BIOS-bootable GRUB ISO that loads the beaml4 kernel by multiboot2, with the given
# files as boot modules (the first one is the root task), and optionally a kernel command line.
#
# usage: tools/mkiso.sh [--append CMDLINE] OUT.iso KERNEL.elf [MODULE...]
#   --append CMDLINE   words for the kernel's command line
# A MODULE is a file path, optionally followed (in the same argument) by words that become part
# of the module's command line, after its name: "guest.elf vm=web mode=pv".
# example: tools/mkiso.sh build/my.iso build/kernel/beaml4.elf build/services/init/init.elf
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_help "$@"
append=""
while [ $# -gt 0 ]; do
    case "$1" in
    --append) append=" $2"; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 2+ "$@"
out=$1
kernel=$2
shift 2

# The ISO's tree is a subdirectory: the tool's log beside it must not be packed into the ISO
# (xorriso fails when a file it packs grows meanwhile).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
staging=$work/iso
mkdir -p "$staging/boot/grub"
cp "$kernel" "$staging/boot/beaml4.elf"
{
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'serial --unit=0 --speed=115200'
    echo 'terminal_output serial'
    echo 'menuentry "beaml4" {'
    echo "    multiboot2 /boot/beaml4.elf$append"
    for module in "$@"; do
        path=${module%% *}
        words=""
        [ "$path" = "$module" ] || words=" ${module#* }"
        name=$(basename "$path")
        cp "$path" "$staging/boot/$name"
        # GRUB's script syntax would take quotes and the like away: escape every character it
        # treats specially, so the module sees its words exactly.
        words=$(printf '%s' "$words" | sed 's/[]["'"'"'\\$;|&<>{}()#*?]/\\&/g')
        echo "    module2 /boot/$name $name$words"
    done
    echo '    boot'
    echo '}'
} >"$staging/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
grub-mkrescue --compress=no -d /usr/lib/grub/i386-pc -o "$out.tmp" "$staging" 2>"$work/log" ||
    { cat "$work/log" >&2; exit 1; }
mv "$out.tmp" "$out"
