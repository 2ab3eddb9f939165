#!/usr/bin/env bash
# System test of init's boot: boots the kernel with init as the root task and exit_after_boot on
# the command line, under QEMU TCG and (when usable) KVM, and checks the banner and every line of
# the boot summary against what the machine was given. Under KVM the time from power-on to the
# root task must be below 100 ms (qboot, -kernel) in the best of five boots.
# init's platform survey is checked against QEMU: the ACPI facts of its q35 and i440FX boards
# (one processor, the IOAPIC, the IRQ 0 override, the HPET, the FADT, the soft-off type), and
# the PCI functions on bus 0 against QEMU's own list (`info pci` of the same machine, not
# started), with a device behind a PCI-to-PCI bridge that the scan must find on the bus the
# firmware gave the bridge.
#
# usage: tests/system/init-boot.sh KERNEL INIT_ELF
# Run from the top of the tree (make test-init-boot does).
# example: tests/system/init-boot.sh build/kernel/beaml4.elf build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 2 "$@"
kernel=$1
init=$2
memory_mib=256
status=0

fail() {
    echo "test-init-boot [$1]: FAILED: $2"
    status=1
}

check_run() {
    local name=$1 log=$2 code=$3 ram ms mhz
    sed -i 's/\r$//' "$log" # QEMU's serial on stdio ends lines with CR LF
    [ "$code" -eq 0 ] || fail "$name" "exit status $code (expected 0 from exit_after_boot)"
    grep -Eq '^beaml4 [0-9]+\.[0-9]+\.[0-9]+' "$log" || fail "$name" "no banner 'beaml4 <version>'"
    ram=$(sed -n 's/^init: RAM \([0-9]*\)\.[0-9]* MiB normal, [0-9.]* [MGTP]iB device$/\1/p' "$log")
    if [ -z "$ram" ]; then
        fail "$name" "no RAM line"
    elif [ "$ram" -ge "$memory_mib" ] || [ "$ram" -lt $((memory_mib - 64)) ]; then
        fail "$name" "RAM ${ram} MiB does not fit a ${memory_mib} MiB machine"
    fi
    grep -Eq '^init: untypeds [1-9][0-9]*$' "$log" || fail "$name" "no untyped count"
    grep -Eq '^init: empty slots [1-9][0-9]*$' "$log" || fail "$name" "no empty slot count"
    mhz=$(sed -n 's/^init: TSC \([0-9]*\)\.[0-9]* MHz$/\1/p' "$log")
    if [ -z "$mhz" ] || [ "$mhz" -lt 100 ] || [ "$mhz" -gt 20000 ]; then
        fail "$name" "TSC frequency missing or implausible (${mhz:-none} MHz)"
    fi
    grep -Eq '^init: ACPI RSDP 0x[0-9a-f]+$' "$log" || fail "$name" "no ACPI RSDP address"
    ms=$(sed -n 's/^init: boot time \([0-9]*\)\.[0-9]* ms from power-on to the root task$/\1/p' \
        "$log")
    [ -n "$ms" ] || fail "$name" "no boot time"
    echo "test-init-boot [$name]: $(grep -E '^init: boot time' "$log" || echo 'boot time missing')"
    BOOT_MS=${ms:-999999}
}

# The facts QEMU's boards have in their ACPI tables, the same on q35 and i440FX.
check_acpi() {
    local name=$1 log=$2 line
    for line in \
        '^init: ACPI (RSDT|XSDT), OEM "[^"]*", [0-9]+ tables:( [A-Z]{4})*( FACP| APIC)( [A-Z]{4})*$' \
        '^init: ACPI processors 1 enabled of 1, local APIC 0xfee00000, 8259 PICs$' \
        '^init: ACPI IOAPIC 0 at 0xfec00000, GSI base 0$' \
        '^init: ACPI override IRQ 0 -> GSI 2, ' \
        '^init: ACPI HPET at 0xfed00000, [0-9]+ comparators, ' \
        '^init: ACPI FADT revision [0-9]+, SCI IRQ 9, PM timer port 0x[0-9a-f]+, ' \
        '^init: ACPI soft-off sleep type [0-7]$'; do
        grep -Eq "$line" "$log" || fail "$name" "no line matching /$line/"
    done
    ! grep -E '^init: ACPI .*(refused|not read|no usable|not copied)' "$log" ||
        fail "$name" "an ACPI table was not read"
}

# QEMU's list of the PCI functions on bus 0 of a machine, as "BB:DD.F VVVV:DDDD" lines.
qemu_pci_bus0() {
    local machine=$1
    shift
    printf 'info pci\nquit\n' |
        timeout 30 qemu-system-x86_64 -M "$machine" -S -display none -serial none -monitor stdio \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" 2>/dev/null | tr -d '\r' |
        awk '/^  Bus +[0-9]+, device +[0-9]+, function [0-9]+:/ {
                 gsub(",", ""); bus = $2; dev = $4; fn = $6 + 0 }
             / PCI device [0-9a-f]+:[0-9a-f]+$/ {
                 if (bus == 0) printf "%02x:%02x.%x %s\n", bus, dev, fn, $NF }'
}

# init's PCI lines against QEMU's list for bus 0; then every device QEMU places behind bridges.
check_pci() {
    local name=$1 log=$2 machine=$3
    shift 3
    local expected found
    expected=$(qemu_pci_bus0 "$machine" "$@")
    found=$(sed -n 's/^init: PCI \(00:[0-9a-f]*\.[0-7] [0-9a-f]*:[0-9a-f]*\) .*/\1/p' "$log")
    if [ -z "$expected" ]; then
        fail "$name" "QEMU's info pci gave no list"
    elif [ "$expected" != "$found" ]; then
        fail "$name" "the PCI functions on bus 0 differ from QEMU's (QEMU, then init):
$expected
--
$found"
    fi
    ! grep -E '^init: PCI .*(not scanned|not followed|: )' "$log" ||
        fail "$name" "the PCI scan reported a problem"
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A bridge at 00:05.0 with QEMU's edu test device at slot 3 behind it.
bridged=(pci-bridge,chassis_nr=1,id=bridge1,addr=5 edu,bus=bridge1,addr=3)
tools/run-qemu.sh --timeout 60 --memory "$memory_mib" --device "${bridged[0]}" \
    --device "${bridged[1]}" --append exit_after_boot "$kernel" "$init" >"$log" 2>&1
check_run tcg "$log" $?
check_acpi tcg "$log"
check_pci tcg "$log" q35 -device "${bridged[0]}" -device "${bridged[1]}"
grep -Eq '^init: PCI 0[1-9a-f]:03\.0 1234:11e8 ' "$log" ||
    fail tcg "the edu device behind the bridge was not found on the bridge's bus"
[ $status -eq 0 ] || cat "$log"

before=$status
tools/run-qemu.sh --timeout 60 --memory "$memory_mib" --machine pc --append exit_after_boot \
    "$kernel" "$init" >"$log" 2>&1
check_run "tcg pc" "$log" $?
check_acpi "tcg pc" "$log"
check_pci "tcg pc" "$log" pc
[ $status -eq "$before" ] || cat "$log"

# Under KVM the firmware's own time before the kernel varies a lot from run to run, so the bound
# applies to the best of KVM_BOOTS boots; every figure and the median are printed.
KVM_BOOTS=5
if tools/kvm-usable.sh; then
    times=()
    for i in $(seq 1 "$KVM_BOOTS"); do
        tools/run-qemu.sh --kvm --timeout 60 --memory "$memory_mib" --append exit_after_boot \
            "$kernel" "$init" >"$log" 2>&1
        code=$?
        before=$status
        check_run "kvm $i/$KVM_BOOTS" "$log" "$code"
        [ $status -eq "$before" ] || cat "$log"
        times+=("$BOOT_MS")
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    best=${sorted[0]}
    median=${sorted[$((KVM_BOOTS / 2))]}
    echo "test-init-boot [kvm]: boot times ${times[*]} ms (whole ms); best $best, median $median"
    if [ "$best" -ge 100 ]; then
        fail kvm "best boot time of $KVM_BOOTS, ${best} ms, is not below 100 ms"
    fi
else
    echo "test-init-boot [kvm]: skipped: KVM not usable"
fi
[ $status -eq 0 ] && echo "test-init-boot: passed"
exit $status
