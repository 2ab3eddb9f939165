#!/usr/bin/env bash
# Boots the beaml4 kernel in QEMU (q35, qboot, -kernel) with boot modules, prints COM1 on stdout
# and exits with the code the kernel passed to the isa-debug-exit device; 124 on timeout, 125 when
# QEMU itself failed (it could not start: missing file, bad option, no KVM), 126 when QEMU ended
# some other way (triple fault, power-off).
#
# usage: tools/run-qemu.sh [--kvm] [--icount] [--cpu MODEL] [--machine SPEC] [--device SPEC]...
#                          [--timeout S] [--memory MiB] [--append CMDLINE] [--disk FILE[,ro]]...
#                          [--net] [--forward [udp:]HOSTPORT:GUESTPORT]... KERNEL [MODULE...]
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
# Each --disk gives the machine a virtio-blk PCI function (modern only: disable-legacy=on) backed
# by FILE as a raw image, written in place (",ro": read-only), its serial (virtio-blk's identity)
# "beaml4-diskN" for the Nth --disk from 0. --net gives it a virtio-net PCI
# function (modern only) on QEMU's user network restricted to the machine itself (restrict=on:
# no way out); each --forward [tcp:|udp:]HOSTPORT:GUESTPORT forwards TCP (or UDP) from
# 127.0.0.1:HOSTPORT on the host to GUESTPORT of the machine (and implies --net). The functions sit on bus 0 from slot 8 on.
# example: tools/run-qemu.sh --append exit_after_boot build/kernel/beaml4.elf \
#              build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_help "$@"
fail() {
    echo "run-qemu: $*" >&2
    exit 2
}
accel=tcg
icount=()
cpu=""
machine=q35
devices=()
limit=60
memory=256
append=""
cdrom=""
disks=()
net=0
forwards=""
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
    --disk) disks+=("$2"); shift 2 ;;
    --net) net=1; shift ;;
    --forward)
        [[ "$2" =~ ^((tcp|udp):)?[0-9]+:[0-9]+$ ]] ||
            fail "--forward wants [tcp:|udp:]HOSTPORT:GUESTPORT, not '$2'"
        net=1
        protocol=tcp
        [[ "$2" != udp:* ]] || protocol=udp
        ports=${2#*p:}
        forwards+=",hostfwd=$protocol:127.0.0.1:${ports%%:*}-:${ports##*:}"
        shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
slot=8
index=0
for disk in "${disks[@]}"; do
    file=${disk%,ro}
    readonly=off
    [ "$file" = "$disk" ] || readonly=on
    [ -f "$file" ] || fail "--disk: no file '$file'"
    devices+=(-drive "if=none,id=disk$slot,format=raw,file=${file//,/,,},readonly=$readonly"
        -device "virtio-blk-pci,drive=disk$slot,disable-legacy=on,serial=beaml4-disk$index,addr=$(printf '%#x' $slot)")
    slot=$((slot + 1))
    index=$((index + 1))
done
if [ $net = 1 ]; then
    devices+=(-netdev "user,id=net0,restrict=on$forwards"
        -device "virtio-net-pci,netdev=net0,disable-legacy=on,addr=$(printf '%#x' $slot)")
fi
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
