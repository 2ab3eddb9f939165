#!/usr/bin/env bash
# Boots the beaml4 kernel in QEMU (q35, qboot, -kernel) with boot modules, prints COM1 on stdout
# and exits with the code the kernel passed to the isa-debug-exit device (126 if QEMU stopped
# some other way, 124 on timeout).
#   tools/run-qemu.sh [--kvm] [--timeout S] [--memory MiB] [--append CMDLINE] KERNEL [MODULE...]
# With --kvm, QEMU runs with -accel kvm -cpu host; without, TCG with -cpu max.
set -uo pipefail
accel=(-accel tcg -cpu max)
limit=60
memory=256
append=""
while [ $# -gt 0 ]; do
    case "$1" in
    --kvm) accel=(-accel kvm -cpu host); shift ;;
    --timeout) limit=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --append) append=$2; shift 2 ;;
    *) break ;;
    esac
done
kernel=$1
shift
initrd=()
if [ $# -gt 0 ]; then
    list=$(IFS=,; echo "$*")
    initrd=(-initrd "$list")
fi

timeout "$limit" qemu-system-x86_64 -M q35 "${accel[@]}" -m "$memory" \
    -bios /usr/share/qemu/qboot.rom -kernel "$kernel" ${append:+-append "$append"} "${initrd[@]}" \
    -nographic -serial stdio -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
status=$?
if [ $status -eq 124 ]; then
    exit 124
elif [ $((status % 2)) -eq 1 ]; then
    exit $((status >> 1)) # the value the kernel wrote to isa-debug-exit
fi
exit 126 # QEMU ended without the exit device: triple fault, error, or power-off
