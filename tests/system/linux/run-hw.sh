#!/usr/bin/env bash
# Boots Debian's Linux with the BusyBox initramfs as a VM under beaml4 in a hardware mode (AMD-V
# under QEMU TCG -cpu max; VT-x in Bochs, from a GRUB ISO) and checks its console as the bare run's
# is checked (tests/system/linux/check-console.sh), against the bare run's log as the reference:
# the same initramfs lines, figures in bounds, no panic; the VM must power itself off (init
# reports "power-off"). Prints the boot time to the shell and, given the bare run's figure
# (OUT_DIR of run-bare.sh), the ratio. Keeps the log as OUT_DIR/console.log.
# Exit status 0 when every check held.
#
# usage: tests/system/linux/run-hw.sh [--mode svm] [--bochs] [--timeout S] [--memory MiB] KERNEL INIT BZIMAGE INITRAMFS BARE_DIR OUT_DIR
#   --mode M      the VM's mode= (default svm)
#   --bochs       beaml4 in Bochs (tools/mkiso.sh, tools/run-bochs.sh), whose CPU has VT-x; Bochs
#                 gives the console at its end, so only the whole run's time is printed
#   --timeout S   the emulator's limit in seconds (default 300)
#   --memory MiB  the VM's RAM (default 256, as the bare run's machine)
# example: tests/system/linux/run-hw.sh build/kernel/beaml4.elf build/services/init/init.elf \
#              build/linux/bzImage build/linux/initramfs.cpio.gz build/tests/linux/bare \
#              build/tests/linux/svm
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

mode=svm
bochs=false
limit=300
memory=256
while [ $# -gt 0 ]; do
    case "$1" in
    --mode) mode=$2; shift 2 ;;
    --bochs) bochs=true; shift ;;
    --timeout) limit=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 6 "$@"
kernel=$1
init=$2
bzimage=$3
initramfs=$4
bare=$5
out=$6
here=$(cd "$(dirname "$0")" && pwd)
for file in "$kernel" "$init" "$bzimage" "$initramfs" "$bare/console.log"; do
    [ -r "$file" ] || { echo "run-hw: cannot read $file" >&2; exit 2; }
done
mkdir -p "$out"
log=$out/console.log

vm="$bzimage vm=lx mode=$mode mem=${memory}M initrd=$(basename "$initramfs") cmdline=\"console=ttyS0 quiet panic=-1\""
tools=$here/../../../tools

# beaml4 with the VM, on stdout. Bochs' clocks count instructions, 5 ns each as for the test
# guest (tests/system/vmm/run-differential.sh): room for the VMM's work per interrupt.
run_beaml4() {
    if $bochs; then
        "$tools/mkiso.sh" --append exit_after_vms "$out/beaml4.iso" "$kernel" "$init" "$vm" \
            "$initramfs" || return 125
        "$tools/run-bochs.sh" --ips 200000000 --memory $((memory + 768)) "$out/beaml4.iso" "$limit"
    else
        "$tools/run-qemu.sh" --memory $((memory + 768)) --timeout "$limit" \
            --append exit_after_vms "$kernel" "$init" "$vm" "$initramfs"
    fi
}

: >"$log"
start=$(date +%s%N)
shell_at=""
while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    if [ -z "$shell_at" ] && [[ "$line" == "lx: initramfs: shell"* ]]; then
        shell_at=$(date +%s%N)
    fi
done < <(run_beaml4 2>&1 | tr -d '\r' | sed 's/^.*\x1b\[K//'
    echo "run-hw: the emulator's status ${PIPESTATUS[0]}")
rm -f "$out/beaml4.iso"

"$here/check-console.sh" --reference "$bare/console.log" "$log" "$bzimage"
status=$?
if grep -q '^init: VM lx exited: power-off: ' "$log"; then
    echo "ok   the guest powered its VM off ($(grep -o 'VM lx exited: .*' "$log"))"
else
    echo "FAIL the VM did not end by powering off: $(grep '^init: VM lx \|^run-hw:' "$log" | tail -2)"
    status=1
fi
grep '^lx: vmm: .* entries' "$log" | sed 's/^lx: vmm: /figure: linux under beaml4: /'
if $bochs; then
    echo "figure: linux under beaml4 ($mode) in Bochs: the whole run $((($(date +%s%N) - start) / 1000000000)) s"
elif [ -n "$shell_at" ]; then
    ms=$(((shell_at - start) / 1000000))
    echo "figure: linux under beaml4 ($mode) boot to the shell: $ms ms (beaml4's own boot included)"
    if [ -r "$bare/boot-ms" ]; then
        bare_ms=$(cat "$bare/boot-ms")
        echo "figure: boot to the shell, beaml4 $mode / bare: $ms / $bare_ms ms = $(awk -v a="$ms" -v b="$bare_ms" 'BEGIN { printf "%.2f", a / b }')"
    fi
fi
[ "$status" -eq 0 ] && echo "run-hw: Linux booted under beaml4 ($mode) to its shell and powered off"
exit "$status"
