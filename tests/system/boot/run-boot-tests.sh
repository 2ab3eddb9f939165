#!/usr/bin/env bash
# Boot tests: boots the kernel with "platform_summary_only" on every boot path (QEMU TCG via
# multiboot1, PVH and a GRUB multiboot2 ISO; KVM when usable; Bochs from the ISO) with two boot
# modules of random contents (and once with 32, the most, and 33, refused), and checks the kernel's
# boot summary against the host: module sizes and CRC32s (the host's from gzip), RAM total against
# the configured size, TSC frequency against the host's TSC (TCG; KVM from its pvclock, its timing
# leaf and the PIT) or Bochs' instruction rate and where it came from, LAPIC timer rate, ACPI/MADT
# found, the kernel window's reach and page size, and the interrupt self-test ("platform_selftest":
# LAPIC timer periodic and one-shot, self-IPI, PIT IRQ 0 through the MADT override and the IOAPIC).
#
# usage: tests/system/boot/run-boot-tests.sh KERNEL.elf HOST_TSC_HZ_TOOL WORKDIR
# HOST_TSC_HZ_TOOL prints the host's TSC frequency (make builds it from host_tsc_hz.c).
# example: tests/system/boot/run-boot-tests.sh build/kernel/beaml4.elf \
#              build/host/boot/host_tsc_hz build/tests/boot
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 3 "$@"
kernel=$1
tsc_tool=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
tools=$(cd "$here/../../../tools" && pwd)
mkdir -p "$work"

passed=0
failed=0
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok    $1"
    else
        failed=$((failed + 1))
        echo "FAIL  $1: $3"
    fi
}

# Two modules whose sizes are not page multiples, fresh contents every run.
head -c 12345 /dev/urandom >"$work/mod_a.bin"
head -c 70001 /dev/urandom >"$work/mod_b.bin"
host_crc() { gzip -c "$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'; }
host_size() { stat -c %s "$1"; }
host_tsc_hz=$("$tsc_tool")

# The summary of one boot is checked by these; $log holds the serial output.
check_common() { # NAME LOG PROTOCOL MEMORY_MIB MODULE_NAMING(named|unnamed) MODULE...
    local name=$1 log=$2 protocol=$3 memory_mib=$4 naming=$5
    shift 5
    local modules=("$@")

    grep -q '^boot: platform ready' "$log"
    check "$name: boot summary complete" $? "no 'platform ready' line; see $log"
    grep -q "^boot: protocol $protocol," "$log"
    check "$name: protocol is $protocol" $? "$(grep '^boot: protocol' "$log")"

    local count
    count=$(sed -n 's/^boot: modules: \([0-9]*\)$/\1/p' "$log")
    [ "$count" = "${#modules[@]}" ]
    check "$name: ${#modules[@]} modules reported" $? "kernel says '${count}'"
    local i=0
    for module in "${modules[@]}"; do
        local want_name=-
        [ "$naming" = named ] && want_name=$(basename "$module")
        local want
        want="boot: module $i name=$want_name size=$(host_size "$module") crc32=$(host_crc "$module") "
        grep -qF "$want" "$log"
        check "$name: module $i size and crc32 match the host" $? \
            "want '$want', kernel: $(grep "^boot: module $i " "$log")"
        i=$((i + 1))
    done

    # RAM: the configured size minus the firmware's reservations (legacy hole 640K-1M, EBDA,
    # ACPI tables, BIOS data at the top of low RAM), which stay below 1 MiB in total.
    local usable want_max want_min
    usable=$(sed -n 's/^boot: memory map: [0-9]* regions, \([0-9]*\) usable bytes.*/\1/p' "$log")
    want_max=$((memory_mib << 20))
    want_min=$(((memory_mib - 1) << 20))
    [ -n "$usable" ] && [ "$usable" -le "$want_max" ] && [ "$usable" -ge "$want_min" ]
    check "$name: usable RAM within 1 MiB below -m $memory_mib MiB" $? "kernel says '$usable'"

    # Free RAM: everything usable but the kernel image, modules, first MiB, boot allocations.
    local free
    free=$(sed -n 's/^boot: ram free \([0-9]*\) bytes.*/\1/p' "$log")
    [ -n "$free" ] && [ "$free" -le "$usable" ] && [ "$free" -ge $((usable - (4 << 20))) ]
    check "$name: free RAM is usable RAM less at most 4 MiB" $? "free '$free' usable '$usable'"

    grep -Eq '^boot: acpi rsdp 0x[0-9a-f]+ .* tables:.* APIC( |$)' "$log"
    check "$name: ACPI root table lists a MADT" $? "$(grep '^boot: acpi' "$log")"
    grep -Eq '^boot: madt lapic 0xfee00000, [1-9][0-9]* processors \([1-9][0-9]* enabled\), [1-9][0-9]* ioapics' "$log"
    check "$name: MADT gives the LAPIC, a CPU and an IOAPIC" $? "$(grep '^boot: madt' "$log")"
    grep -Eq '^boot: ioapic 0 id [0-9]+ at 0xfec00000 version 0x[0-9a-f]+ gsi 0-23$' "$log"
    check "$name: IOAPIC 0 serves GSI 0-23" $? "$(grep '^boot: ioapic' "$log")"
    grep -q '^boot: 8259 pair remapped to 0x20-0x2f, all masked' "$log"
    check "$name: 8259s remapped and masked" $? "$(grep '^boot: 8259' "$log")"

    # The window must reach the top of usable RAM and at least 4 GiB.
    local window top
    window=$(sed -n 's/^boot: kernel window \(0x[0-9a-f]*\) bytes.*/\1/p' "$log")
    top=$(sed -n 's/^boot:   0x[0-9a-f]*-\(0x[0-9a-f]*\) usable$/\1/p' "$log" | tail -1)
    [ -n "$window" ] && [ -n "$top" ] && [ $((window)) -ge $((top)) ] &&
        [ $((window)) -ge $((4 << 30)) ]
    check "$name: kernel window covers RAM and 4 GiB" $? "window '$window' top of RAM '$top'"
}

# Self-test line: 20 LAPIC timer ticks, one self-IPI, 20 PIT interrupts through the IOAPIC, with
# the measured periods. Bochs runs on emulated time, so there the periods must be exact (5%). Under
# QEMU the host's load delays interrupts without bound (seen: 18 ms mean periods with both cores
# busy), so there only earliness is an error; a calibration that is too slow is caught by the
# 3% checks of the TSC and LAPIC timer rates.
check_selftest() { # NAME LOG exact|not-early
    local name=$1 log=$2 mode=$3 line
    line=$(grep '^boot: selftest ' "$log")
    [[ "$line" == *": ok" ]]
    check "$name: interrupt self-test passed" $? "'$line'"
    local ticks period oneshot ipi isa_ticks isa_period
    read -r ticks period oneshot ipi isa_ticks isa_period < <(echo "$line" | sed -n \
        's/^boot: selftest lapic timer \([0-9]*\) ticks of \([0-9]*\) ns .*one-shot after \([0-9]*\) ns .*self-ipi \([0-9]*\), isa irq 0 -> gsi [0-9]*: \([0-9]*\) ticks of \([0-9]*\) ns.*/\1 \2 \3 \4 \5 \6/p')
    [ "${ticks:-0}" -eq 20 ] && [ "${ipi:-0}" -eq 1 ] && [ "${isa_ticks:-0}" -eq 20 ]
    check "$name: 20 timer ticks, 1 self-IPI, 20 IOAPIC interrupts" $? "'$line'"
    if [ "$mode" = exact ]; then
        check_rate "$name: LAPIC timer period is the calibrated 1 ms" "$period" 1000000 5
        check_rate "$name: LAPIC one-shot fires 3 ms after arming" "$oneshot" 3000000 5
        check_rate "$name: PIT interrupts through the IOAPIC every 1 ms" "$isa_period" 1000000 5
    else
        # A late first tick followed by on-time ones shortens the mean by at most 1/20.
        check_between "$name: LAPIC timer period not shorter than 1 ms" "$period" 940000 ""
        check_between "$name: LAPIC one-shot not before 3 ms" "$oneshot" 2990000 ""
        # KVM's PIT re-injects ticks a busy host made it miss, in quick succession.
        check_between "$name: PIT interrupts through the IOAPIC not faster than ~1 kHz" \
            "$isa_period" 500000 ""
    fi
}

check_between() { # NAME VALUE LOW HIGH (HIGH may be empty: no upper bound)
    [ -n "$2" ] && [ "$2" -ge "$3" ] && { [ -z "$4" ] || [ "$2" -le "$4" ]; }
    check "$1" $? "got '$2', want $3..$4"
}

check_rate() { # NAME VALUE EXPECTED PERCENT
    local low=$(($3 - $3 * $4 / 100)) high=$(($3 + $3 * $4 / 100))
    [ -n "$2" ] && [ "$2" -ge "$low" ] && [ "$2" -le "$high" ]
    check "$1" $? "got '$2', want $3 +-$4%"
}

tsc_of() { sed -n 's/^boot: tsc \([0-9]*\) Hz.*/\1/p' "$1"; }
tsc_source_of() { sed -n 's/^boot: tsc [0-9]* Hz (source \([a-z0-9+-]*\).*/\1/p' "$1"; }
lapic_timer_of() { sed -n 's/^boot: lapic .* timer \([0-9]*\) Hz.*/\1/p' "$1"; }
ready_ms_of() { sed -n 's/^boot: platform ready: *\([0-9]*\)\.[0-9]* ms after power-on.*/\1/p' "$1"; }

# One boot through tools/run-qemu.sh (qboot, -kernel) with $cmdline; true when the kernel powered
# off with status 0. $machine, when set, replaces q35 (machine options); $limit the 120 s timeout.
qemu_boot() { # LOG CPU MEMORY_MIB ACCEL(tcg|kvm) KERNEL [MODULE...]
    local log=$1 cpu=$2 memory=$3 accel=$4
    shift 4
    local kvm=()
    [ "$accel" = kvm ] && kvm=(--kvm)
    "$tools/run-qemu.sh" "${kvm[@]}" --cpu "$cpu" --machine "${machine:-q35}" --memory "$memory" \
        --timeout "${limit:-120}" --append "$cmdline" "$@" | tr -d '\r' >"$log"
    [ "${PIPESTATUS[0]}" -eq 0 ]
}

echo "== tools/run-qemu.sh: how a run ended"
# QEMU's own failure exits 1, as a guest writing 0 to isa-debug-exit does: it must not pass.
"$tools/run-qemu.sh" "$work/no-such-kernel.elf" >"$work/run-qemu-missing.log" 2>&1
status=$?
[ "$status" -eq 125 ]
check "run-qemu.sh: a QEMU that cannot start exits 125, not the guest's 0" $? \
    "exit status $status; see $work/run-qemu-missing.log"
# QEMU takes longer than 10 ms to start, so this run always meets its timeout.
"$tools/run-qemu.sh" --timeout 0.01 "$kernel" >"$work/run-qemu-timeout.log" 2>&1
status=$?
[ "$status" -eq 124 ]
check "run-qemu.sh: a run cut off by its timeout exits 124" $? "exit status $status"

cmdline="platform_summary_only platform_selftest"
# QEMU's TCG and KVM LAPIC timers count at 1 GHz; the kernel divides by 16.
qemu_lapic_hz=62500000

echo "== QEMU TCG, multiboot1 (qboot, -kernel), 256 MiB, -cpu max"
log=$work/tcg-multiboot1.log
qemu_boot "$log" max 256 tcg "$kernel" "$work/mod_a.bin" "$work/mod_b.bin"
check "tcg-multiboot1: kernel powered off with status 0" $? "see $log"
check_common tcg-multiboot1 "$log" multiboot1 256 named "$work/mod_a.bin" "$work/mod_b.bin"
check_selftest tcg-multiboot1 "$log" not-early
check_rate "tcg-multiboot1: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3
check_rate "tcg-multiboot1: LAPIC timer at 1 GHz / 16" "$(lapic_timer_of "$log")" $qemu_lapic_hz 3
# TCG states no TSC frequency (no CPUID 0x15, no hypervisor clock): the PIT calibration is used.
[ "$(tsc_source_of "$log")" = pit ]
check "tcg-multiboot1: TSC frequency from the PIT" $? "$(grep '^boot: tsc' "$log")"
grep -q '^boot: kernel window .* in 1 GiB pages' "$log"
check "tcg-multiboot1: window uses 1 GiB pages where pdpe1gb exists" $? "$(grep '^boot: kernel window' "$log")"
ms=$(ready_ms_of "$log")
[ -n "$ms" ] && [ "$ms" -lt 5000 ]
check "tcg-multiboot1: ready within 5 s of power-on" $? "'$ms' ms"
# QEMU's TSC and ACPI PM timer both start at power-on under TCG: they must agree.
grep -q '^boot: platform ready: .*(clock tsc, agrees with acpi-pm-timer;' "$log"
check "tcg-multiboot1: power-on clock: TSC confirmed by the ACPI PM timer" $? \
    "$(grep '^boot: platform ready' "$log")"

echo "== QEMU TCG, multiboot1, 5 GiB (RAM above 4 GiB), -cpu qemu64 (no pdpe1gb)"
log=$work/tcg-multiboot1-5g.log
qemu_boot "$log" qemu64 5120 tcg "$kernel" "$work/mod_a.bin" "$work/mod_b.bin"
check "tcg-5g: kernel powered off with status 0" $? "see $log"
check_common tcg-5g "$log" multiboot1 5120 named "$work/mod_a.bin" "$work/mod_b.bin"
check_selftest tcg-5g "$log" not-early
grep -q '^boot: kernel window .* in 2 MiB pages' "$log"
check "tcg-5g: window falls back to 2 MiB pages without pdpe1gb" $? "$(grep '^boot: kernel window' "$log")"

echo "== QEMU TCG, multiboot1, 32 modules (the most the kernel takes), then 33"
# 32: the root task's and 31 more (16 VMs and their data modules); each a different size, some
# whole pages. One more is refused while the loader's information is read.
many=()
for i in $(seq 1 32); do
    head -c $((4096 * (i % 3) + 97 * i)) /dev/urandom >"$work/many_$i.bin"
    many+=("$work/many_$i.bin")
done
log=$work/tcg-32-modules.log
qemu_boot "$log" max 256 tcg "$kernel" "${many[@]}"
check "tcg-32-modules: kernel powered off with status 0" $? "see $log"
check_common tcg-32-modules "$log" multiboot1 256 named "${many[@]}"
head -c 4096 /dev/urandom >"$work/many_33.bin"
log=$work/tcg-33-modules.log
qemu_boot "$log" max 256 tcg "$kernel" "${many[@]}" "$work/many_33.bin"
status=$?
want="beaml4: boot error: boot information: too many entries (multiboot1 modules)"
[ "$status" -ne 0 ] && grep -qxF "$want" "$log"
check "tcg-33-modules: refused with '$want'" $? "exit status $status; see $log"

echo "== QEMU TCG, multiboot1, 256 MiB, -cpu qemu64 (no pdpe1gb, xAPIC)"
# The GiBs above RAM reuse head.S's boot directories; the xAPIC and IOAPIC pages live there, so
# the self-test proves them mapped and usable.
log=$work/tcg-qemu64.log
qemu_boot "$log" qemu64 256 tcg "$kernel" "$work/mod_a.bin" "$work/mod_b.bin"
check "tcg-qemu64: kernel powered off with status 0" $? "see $log"
check_common tcg-qemu64 "$log" multiboot1 256 named "$work/mod_a.bin" "$work/mod_b.bin"
check_selftest tcg-qemu64 "$log" not-early
grep -q '^boot: lapic id 0, xapic at 0xfee00000' "$log"
check "tcg-qemu64: LAPIC in xAPIC mode (MMIO through the window)" $? "$(grep '^boot: lapic' "$log")"
check_rate "tcg-qemu64: LAPIC timer at 1 GHz / 16" "$(lapic_timer_of "$log")" $qemu_lapic_hz 3

echo "== QEMU TCG, PVH (multiboot1 magic dropped), 512 MiB"
# QEMU's PVH loader passes exactly one module (its initrd).
pvh_kernel=$work/beaml4-pvh.elf
"$tools/elf-drop-multiboot1.sh" "$kernel" "$pvh_kernel"
log=$work/tcg-pvh.log
qemu_boot "$log" max 512 tcg "$pvh_kernel" "$work/mod_b.bin"
check "tcg-pvh: kernel powered off with status 0" $? "see $log"
check_common tcg-pvh "$log" pvh 512 unnamed "$work/mod_b.bin"
check_selftest tcg-pvh "$log" not-early
check_rate "tcg-pvh: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3

echo "== QEMU TCG, multiboot1, no PIT (q35,pit=off)"
# Nothing states the TSC frequency under TCG and there is no PIT to measure it with: the boot
# must stop with its TSC error, and soon (the PIT waits are bounded in time, not only in polls).
log=$work/tcg-no-pit.log
start=$(date +%s%N)
cmdline="platform_summary_only" machine=q35,pit=off limit=30 qemu_boot "$log" max 256 tcg "$kernel"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
grep -q '^beaml4: boot error: TSC frequency: timed out' "$log"
check "tcg-no-pit: the boot stops with the TSC frequency error" $? "$(tail -1 "$log")"
[ "$elapsed_ms" -lt 5000 ]
check "tcg-no-pit: ... within 5 s" $? "${elapsed_ms} ms"

echo "== QEMU TCG, multiboot2 from the GRUB ISO (SeaBIOS, -cdrom)"
iso=$work/beaml4-boot-test.iso
"$tools/mkiso.sh" --append "$cmdline" "$iso" "$kernel" "$work/mod_a.bin" "$work/mod_b.bin" \
    >"$work/mkiso.log" 2>&1
check "GRUB ISO built (tools/mkiso.sh)" $? "see $work/mkiso.log"
log=$work/tcg-multiboot2.log
"$tools/run-qemu.sh" --timeout 120 --memory 256 --cdrom "$iso" | tr -d '\r' >"$log"
[ "${PIPESTATUS[0]}" -eq 0 ]
check "tcg-multiboot2: kernel powered off with status 0" $? "see $log"
check_common tcg-multiboot2 "$log" multiboot2 256 named "$work/mod_a.bin" "$work/mod_b.bin"
check_selftest tcg-multiboot2 "$log" not-early
check_rate "tcg-multiboot2: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3

echo "== QEMU KVM, multiboot1, -cpu host"
if "$tools/kvm-usable.sh"; then
    log=$work/kvm-multiboot1.log
    qemu_boot "$log" host 256 kvm "$kernel" "$work/mod_a.bin" "$work/mod_b.bin"
    check "kvm-multiboot1: kernel powered off with status 0" $? "see $log"
    check_common kvm-multiboot1 "$log" multiboot1 256 named "$work/mod_a.bin" "$work/mod_b.bin"
    check_selftest kvm-multiboot1 "$log" not-early
    check_rate "kvm-multiboot1: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3
    check_rate "kvm-multiboot1: LAPIC timer at 1 GHz / 16" "$(lapic_timer_of "$log")" $qemu_lapic_hz 3
    # KVM states the TSC frequency (pvclock); it must have been taken, after a PIT check.
    [ "$(tsc_source_of "$log")" = kvmclock ]
    check "kvm-multiboot1: TSC frequency from KVM's pvclock" $? "$(grep '^boot: tsc' "$log")"
    # Under KVM the guest may see the host's TSC; the PM timer then gives the time since power-on,
    # which must be that of a VM that has just started.
    ms=$(ready_ms_of "$log")
    [ -n "$ms" ] && [ "$ms" -lt 5000 ]
    check "kvm-multiboot1: ready within 5 s of power-on" $? "$(grep '^boot: platform ready' "$log")"

    echo "== QEMU KVM, multiboot1, -cpu host, TSC calibrated against the PIT (platform_tsc_pit)"
    log=$work/kvm-pit.log
    cmdline="platform_summary_only platform_tsc_pit" qemu_boot "$log" host 256 kvm "$kernel"
    check "kvm-pit: kernel powered off with status 0" $? "see $log"
    [ "$(tsc_source_of "$log")" = pit ]
    check "kvm-pit: TSC frequency from the PIT" $? "$(grep '^boot: tsc' "$log")"
    check_rate "kvm-pit: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3
    check_rate "kvm-pit: LAPIC timer at 1 GHz / 16" "$(lapic_timer_of "$log")" $qemu_lapic_hz 3

    echo "== QEMU KVM, multiboot1, -cpu host,+invtsc (QEMU then offers the timing leaf 0x40000010)"
    log=$work/kvm-invtsc.log
    cmdline="platform_summary_only" qemu_boot "$log" host,+invtsc 256 kvm "$kernel"
    check "kvm-invtsc: kernel powered off with status 0" $? "see $log"
    [ "$(tsc_source_of "$log")" = cpuid-40000010h ]
    check "kvm-invtsc: TSC frequency from CPUID 0x40000010" $? "$(grep '^boot: tsc' "$log")"
    check_rate "kvm-invtsc: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3

    echo "== QEMU KVM, multiboot1, -cpu host, no PIT (q35,pit=off)"
    # KVM states the frequency; without a PIT to check it the stated figure is taken, at once.
    log=$work/kvm-no-pit.log
    start=$(date +%s%N)
    cmdline="platform_summary_only" machine=q35,pit=off limit=30 qemu_boot "$log" host 256 kvm "$kernel"
    check "kvm-no-pit: kernel powered off with status 0" $? "see $log"
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    grep -q '^boot: tsc [0-9]* Hz (source kvmclock; pit check 0)' "$log"
    check "kvm-no-pit: TSC frequency from KVM's pvclock, unchecked" $? "$(grep '^boot: tsc' "$log")"
    check_rate "kvm-no-pit: TSC frequency matches the host's TSC" "$(tsc_of "$log")" "$host_tsc_hz" 3
    [ "$elapsed_ms" -lt 10000 ]
    check "kvm-no-pit: booted within 10 s" $? "${elapsed_ms} ms"
else
    echo "skipped: KVM not usable"
fi

echo "== Bochs, multiboot2 from the GRUB ISO, 256 MiB, corei7_skylake_x"
log=$work/bochs.log
"$tools/run-bochs.sh" "$iso" 120 >"$log" 2>&1
status=$?
grep -q '^boot: protocol' "$log"
check "bochs: kernel printed its summary" $? "see $log"
[ "$status" -eq 0 ]
check "bochs: the kernel ended the simulation (not the timeout)" $? "run-bochs.sh exit status $status"
check_common bochs "$log" multiboot2 256 named "$work/mod_a.bin" "$work/mod_b.bin"
check_selftest bochs "$log" exact
# Bochs' TSC advances once per emulated instruction (ips=50000000 in run-bochs.sh), and the PIT
# follows the same emulated clock; its LAPIC timer runs at the same rate.
check_rate "bochs: TSC frequency equals the emulated 50 MIPS" "$(tsc_of "$log")" 50000000 2
check_rate "bochs: LAPIC timer at the TSC rate / 16" "$(lapic_timer_of "$log")" 3125000 3
grep -q '^boot: lapic id 0, x2apic' "$log"
check "bochs: LAPIC in x2APIC mode where the CPU has it" $? "$(grep '^boot: lapic' "$log")"
# Bochs' TSC starts at power-on, and BIOS plus GRUB may take longer than one 4.7 s turn of the
# 24-bit PM timer:
# the TSC must be confirmed modulo the timer's period, not replaced by the wrapped PM reading.
grep -q '^boot: platform ready: .*(clock tsc, agrees with acpi-pm-timer;' "$log"
check "bochs: power-on clock: TSC confirmed by the ACPI PM timer" $? \
    "$(grep '^boot: platform ready' "$log")"

echo "boot-tests: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
