#!/bin/sh
# The /init of the Linux guest's initramfs (tools/make-initramfs.sh packs it beside BusyBox):
# mounts proc, sys and dev, prints the lines the Linux guest tests check, then powers off.
# Lines "initramfs: ..." are the same on every run of the same kernel; lines "figure: NAME: ..."
# are measurements (tests/system/linux/check-console.sh judges both). On a host (not PID 1) it
# only answers --help.
#
# usage: /init          (the guest kernel's first process; it takes no arguments)
# example: tools/make-initramfs.sh build     (packs this file as the initramfs' /init)
if [ $$ -ne 1 ]; then
    for arg in "$@"; do
        case "$arg" in
        --help | -h)
            while IFS= read -r line; do
                case "$line" in
                '#!'*) ;;
                '#'*) line=${line#\#}; echo "${line# }" ;;
                *) break ;;
                esac
            done <"$0"
            exit 0
            ;;
        -*)
            echo "$(basename "$0"): unknown option '$arg' (see $0 --help)" >&2
            exit 2
            ;;
        esac
    done
    echo "$(basename "$0"): runs only as a Linux guest's /init (see $0 --help)" >&2
    exit 2
fi

/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
say() { echo "initramfs: $*"; }
figure() { echo "figure: $*"; }

say "shell"
mount -t proc proc /proc
read -r uptime_at_shell _ </proc/uptime
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
figure "uptime at the shell: $uptime_at_shell s"
say "mounted:$(awk '$2 == "/proc" || $2 == "/sys" || $2 == "/dev" { printf " %s %s", $2, $3 }' \
    /proc/mounts)"

say "uname -r: $(uname -r)"
say "uname -m: $(uname -m)"

# /proc/cpuinfo: what every x86-64 processor has; the vendor and model are the host's.
say "cpuinfo: processors: $(grep -c '^processor' /proc/cpuinfo)"
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
for flag in fpu tsc msr pae cx8 apic lm; do
    case "$flags" in
    *" $flag "*) say "cpuinfo: flag $flag: yes" ;;
    *) say "cpuinfo: flag $flag: no" ;;
    esac
done
figure "cpuinfo vendor_id: $(grep -m1 '^vendor_id' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
figure "cpuinfo model name:$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2)"
figure "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# A timer-driven sleep, measured by the kernel's clock (the TSC when it is the clocksource).
read -r before _ </proc/uptime
sleep 1
read -r after _ </proc/uptime
centiseconds() { echo "$1" | tr -d .; }
figure "sleep 1: $(($(centiseconds "$after") - $(centiseconds "$before"))) cs of uptime"

# /proc/interrupts after the sleep: the local APIC timer has counted, COM1 has its line.
figure "interrupts LOC: $(awk '$1 == "LOC:" { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts)"
say "interrupts: ttyS0 on IRQ $(awk '/ttyS0/ { sub(":", "", $1); print $1 }' /proc/interrupts)"

say "poweroff"
poweroff -f
