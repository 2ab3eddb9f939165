#!/usr/bin/env bash
# Boots the beaml4 kernel in QEMU (q35, qboot, -kernel) with boot modules, prints COM1 on stdout
# and exits with the code the kernel passed to the isa-debug-exit device; 124 on timeout, 125 when
# QEMU itself failed (it could not start: missing file, bad option, no KVM), 126 when QEMU ended
# some other way (triple fault, power-off).
#
# usage: tools/run-qemu.sh [--kvm] [--icount] [--cpu MODEL] [--machine SPEC] [--device SPEC]...
#                          [--timeout S] [--memory MiB] [--append CMDLINE] KERNEL [MODULE...]
#        tools/run-qemu.sh [--kvm] [--cpu MODEL] [--machine SPEC] [--timeout S] [--memory MiB]
#                          --cdrom ISO
# With --kvm, QEMU runs with -accel kvm -cpu host; without, TCG with -cpu max. --icount makes TCG
# count instructions (-icount shift=0,sleep=off): the guest's TSC then advances by one per
# instruction executed, so cycle figures become deterministic instruction counts. --cpu names another
# CPU model, --machine another machine than q35 (or q35 with options: "q35,pit=off"); each --device
# adds a QEMU device ("pci-bridge,chassis_nr=1,id=b1"). --timeout
# defaults to 60 s, --memory to 256 MiB; --append gives the kernel's command line. --cdrom
# boots a GRUB ISO (tools/mkiso.sh) through QEMU's default BIOS instead; its command line is the
# ISO's. A MODULE is a file path, optionally followed (in the same argument) by words that become
# part of the module's command line: "guest.elf vm=web mode=pv".
# example: tools/run-qemu.sh --append exit_after_boot build/kernel/beaml4.elf \
#              build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_help "$@"
accel=tcg
icount=()
cpu=""
machine=q35
devices=()
limit=60
memory=256
append=""
cdrom=""
while [ $# -gt 0 ]; do
    case "$1" in
    --kvm) accel=kvm; shift ;;
    --icount) icount=(-icount shift=0,sleep=off); shift ;;
    --cpu) cpu=$2; shift 2 ;;
    --machine) machine=$2; shift 2 ;;
    --device) devices+=(-device "$2"); shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    --cdrom) cdrom=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
if [ -z "$cpu" ]; then
    cpu=max
    [ "$accel" = kvm ] && cpu=host
fi
if [ -n "$cdrom" ]; then
    cli_args 0 "$@"
    boot=(-cdrom "$cdrom" -boot d)
else
    cli_args 1+ "$@"
    boot=(-bios /usr/share/qemu/qboot.rom -kernel "$1")
    shift
    [ -z "$append" ] || boot+=(-append "$append")
    if [ $# -gt 0 ]; then
        # Each MODULE is "PATH [WORDS...]": QEMU passes the whole string as the module's command
        # line. Modules are separated by commas in -initrd, so a comma inside one is doubled.
        list=""
        for module in "$@"; do
            [ -z "$list" ] || list+=","
            list+=${module//,/,,}
        done
        boot+=(-initrd "$list")
    fi
fi

# QEMU's own messages: a guest that wrote 0 to the exit device and a QEMU that failed both end
# with status 1, and only QEMU's complaint on stderr tells them apart.
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
timeout -k 10 "$limit" qemu-system-x86_64 -M "$machine" -accel "$accel" "${icount[@]}" -cpu "$cpu" -m "$memory" \
    "${boot[@]}" -nographic -serial stdio -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${devices[@]}" </dev/null 2>"$errors"
status=$?
cat "$errors" >&2
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    exit 124 # timed out (137: QEMU ignored SIGTERM and was killed)
elif [ $status -eq 1 ] && grep -qvE '^$|warning:' "$errors"; then
    echo "run-qemu: QEMU failed (exit status 1, see its message above)" >&2
    exit 125
elif [ $((status % 2)) -eq 1 ]; then
    exit $((status >> 1)) # the value the kernel wrote to isa-debug-exit
fi
exit 126 # QEMU ended without the exit device: triple fault, error, or power-off
