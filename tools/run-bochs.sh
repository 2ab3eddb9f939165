#!/usr/bin/env bash
# Boots a GRUB ISO in Bochs, non-interactively, and prints what the guest wrote to COM1.
# The guest ends the simulation by writing "Shutdown" to port 0x8900 (see
# kernel/arch/x86/64/machine/power.c). Bochs itself always exits non-zero, so callers judge the
# run by the serial output; this script exits 124 when the timeout ended the simulation instead
# of the guest, else 0.
#
# usage: tools/run-bochs.sh [--ips N] [--memory MiB] ISO [TIMEOUT_SECONDS] [CPU_MODEL]
#   TIMEOUT_SECONDS defaults to 120, CPU_MODEL (a Bochs cpu model) to corei7_skylake_x
#   --ips N        emulated instructions per emulated second (default 50000000). Bochs' clocks
#                  (TSC, PIT, APIC timer) advance with the instruction count, so a larger N gives
#                  the guest more instructions per millisecond of its time: 1000000000 is the
#                  1 ns per instruction of QEMU's -icount shift=0
#   --memory MiB   the machine's RAM (default 256)
# example: tools/run-bochs.sh build/beaml4-exit-after-boot.iso 120
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_help "$@"
ips=50000000
megs=256
while [ $# -gt 0 ]; do
    case "$1" in
    --ips) ips=$2; shift 2 ;;
    --memory) megs=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 1-3 "$@"
iso=$(realpath "$1")
limit=${2:-120}
model=${3:-corei7_skylake_x}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/bochsrc" <<EOC
megs: $megs
cpu: model=$model, count=1, ips=$ips, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
display_library: term
com1: enabled=1, mode=file, dev=$work/serial.txt
port_e9_hack: enabled=1
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
EOC
printf 'c\n' >"$work/cont.rc"
status=0
(cd "$work" && TERM=dumb timeout -k 5 "$limit" bochs -q -f bochsrc -rc cont.rc </dev/null >/dev/null 2>&1) ||
    status=$?
if [ -s "$work/serial.txt" ]; then
    tr -d '\r' <"$work/serial.txt"
fi
# Bochs' own complaints, the guest's requested shutdown aside (one awk: a grep | grep -q pipe can
# fail on SIGPIPE under pipefail).
complaints=$(awk '/PANIC|FATAL/ && !/Shutdown port/ && shown++ < 5' "$work/bochs.log" 2>/dev/null) || true
if [ -n "$complaints" ]; then
    echo "run-bochs: bochs reported:" >&2
    echo "$complaints" >&2
fi
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    echo "run-bochs: the simulation ran into the ${limit} s timeout" >&2
    exit 124
fi
exit 0
