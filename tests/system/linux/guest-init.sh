#!/bin/sh
# The /init of the Linux guest's initramfs (tools/make-initramfs.sh packs it beside BusyBox):
# mounts proc, sys and dev, prints the lines the Linux guest tests check, then powers off.
# Lines "initramfs: ..." are the same on every run of the same kernel; lines "figure: NAME: ..."
# are measurements (tests/system/linux/check-console.sh judges both). Words of the kernel's
# command line ask for more (read from /proc/cmdline: the kernel hands dotted words to no one):
#   initramfs.ext4=TOKEN   load the modules of /lib/modules/order (virtio-mmio, virtio-pci,
#                          virtio-blk, ext4 and what they need: "modules: NAME loaded"), then,
#                          instead of the lines above, the ext4 round trip: mount /dev/vda as
#                          ext4; if /beaml4/token is not there, write TOKEN into it and 4 MiB of
#                          random bytes into /beaml4/data, sync, print both (the data's
#                          SHA-256), unmount and reboot; if it is, print both, unmount and power
#                          off. Its lines start "ext4: " (tests/system/linux/run-ext4.sh).
#   initramfs.dd=MIB       load them, then instead of the lines above write MIB MiB of zeros to
#                          /dev/vda and read them back with dd (O_DIRECT, 1 MiB a request),
#                          printing "figure: dd write|read: MIB MiB in N cs" (by the kernel's
#                          clock), and power off (tests/system/linux/run-dd.sh compares them).
# On a host (not PID 1) it only answers --help.
#
# usage: /init          (the guest kernel's first process; its words come from /proc/cmdline)
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

# load_modules: insmod every module of /lib/modules/order, in its order (each after those it
# depends on), printing "modules: NAME loaded"; a refusal is printed and ends the list.
load_modules() {
    while read -r module; do
        if insmod "/lib/modules/$module.ko"; then
            echo "modules: $module loaded"
        else
            echo "modules: $module refused by insmod"
            return 1
        fi
    done </lib/modules/order
}

# wait_vda: waits up to 5 s for virtio-blk's /dev/vda; status 1 when it did not come.
wait_vda() {
    waited=0
    while [ ! -b /dev/vda ] && [ $waited -lt 50 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    [ -b /dev/vda ]
}

# uptime_cs: the kernel's uptime in centiseconds.
uptime_cs() {
    read -r now _ </proc/uptime
    echo "$now" | tr -d .
}

# The dd figures of initramfs.dd=MIB (see the top); powers off.
dd_figures() {
    load_modules && wait_vda || { echo "dd: no /dev/vda"; poweroff -f; }
    figure "dd disk: $(cat /sys/block/vda/size) sectors"
    before=$(uptime_cs)
    dd if=/dev/zero of=/dev/vda bs=1M count="$1" oflag=direct conv=fsync 2>/dev/null ||
        echo "dd: the write failed"
    middle=$(uptime_cs)
    dd if=/dev/vda of=/dev/null bs=1M count="$1" iflag=direct 2>/dev/null ||
        echo "dd: the read failed"
    after=$(uptime_cs)
    figure "dd write: $1 MiB in $((middle - before)) cs"
    figure "dd read: $1 MiB in $((after - middle)) cs"
    poweroff -f
}

# The ext4 round trip of initramfs.ext4=TOKEN (see the top); ends the VM either way.
ext4_round_trip() {
    ext4() { echo "ext4: $*"; }
    load_modules || poweroff -f
    wait_vda || { ext4 "no /dev/vda after 5 s"; poweroff -f; }
    ext4 "/dev/vda: $(cat /sys/block/vda/size) sectors"
    mkdir -p /mnt
    mount -t ext4 /dev/vda /mnt || { ext4 "mount of /dev/vda failed"; poweroff -f; }
    ext4 "mounted: $(awk '$2 == "/mnt" { print $1, $3 }' /proc/mounts)"
    if [ -f /mnt/beaml4/token ]; then
        ext4 "read back: $(cat /mnt/beaml4/token)"
        ext4 "read back data: $(sha256sum </mnt/beaml4/data | cut -d' ' -f1)"
        umount /mnt && ext4 "unmounted; powering off"
        poweroff -f
    fi
    mkdir -p /mnt/beaml4
    echo "$1" >/mnt/beaml4/token
    dd if=/dev/urandom of=/mnt/beaml4/data bs=64k count=64 2>/dev/null
    sync
    ext4 "wrote: $(cat /mnt/beaml4/token)"
    ext4 "wrote data: $(sha256sum </mnt/beaml4/data | cut -d' ' -f1)"
    umount /mnt && ext4 "unmounted; rebooting"
    reboot -f
}

for word in $(cat /proc/cmdline); do
    case "$word" in
    initramfs.ext4=*) ext4_round_trip "${word#initramfs.ext4=}" ;;
    initramfs.dd=*) dd_figures "${word#initramfs.dd=}" ;;
    esac
done

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
