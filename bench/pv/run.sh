#!/usr/bin/env bash
# PV mode's costs in one run: the test guest's traps program and its three workloads (work-cpu,
# work-syscall, work-pagefault) bare under QEMU and as a PV VM under beaml4, each under TCG
# (TSC cycles) and TCG counting instructions (-icount: instructions executed, the same from run
# to run), and under KVM where it is usable; the IPC benchmark beside them for the null system
# call and the kernel's fast path. Prints each command, then for every trap kind its round trip
# bare and PV (medians), the VMM's share by part (from the PROFILE hypercall's reports: means)
# and the rest (PV's mean less the VMM's and the bare mean: the kernel's entries and exits, the
# fault and reply IPC); the fast path against the plain path
# and a null system call (the target: a patched CLI/STI/PUSHF/POPF within 2x a null system call,
# in instructions); the workloads bare against PV with their ratios.
# With --svm the same programs run a third time, as a VM in AMD-V mode (QEMU TCG -cpu max has
# SVM; not under KVM), and one more table per engine puts every event and workload bare, PV and
# AMD-V side by side with the ratios; then once more in VT-x mode under Bochs (a GRUB ISO, Bochs
# cycles: one per instruction, VM entries and exits one each), beside AMD-V's instruction
# counts (make bench-hw).
#
# usage: bench/pv/run.sh [--svm] KERNEL INIT GUEST_ELF BENCH_IPC_ELF OUT_DIR
# Run from the top of the tree (make bench-pv and make bench-hw do). Logs go to OUT_DIR.
# example: bench/pv/run.sh build/kernel/beaml4.elf build/services/init/init.elf \
#              build/guests/testguest/testguest-high-pvh.elf build/bench/ipc/bench-ipc.elf \
#              build/bench/pv
set -uo pipefail
here=$(dirname "$0")
source "$here/../../tools/lib/cli.sh"
cli_help "$@"
svm=false
if [ "${1:-}" = --svm ]; then
    svm=true
    shift
fi
cli_args 5 "$@"
kernel=$1
init=$2
guest=$3
ipc=$4
out=$5
programs=work-cpu,work-syscall,work-pagefault,traps
samples=1000 # the traps program's samples per figure (SAMPLES in programs/traps.c)
status=0
mkdir -p "$out"

# run NAME COMMAND...: prints the command, keeps the console's lines (terminal codes dropped)
# in OUT_DIR/NAME.log; a run that did not end well is reported and fails the benchmark.
run() {
    local name=$1
    shift
    echo "bench-pv [$name]: $*"
    "$@" 2>"$out/$name.err" | tr -d '\r' | sed 's/^.*\x1b\[K//' >"$out/$name.log"
    local code=${PIPESTATUS[0]}
    if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
        echo "bench-pv [$name]: run failed (exit status $code)"
        tail -5 "$out/$name.log" "$out/$name.err"
        status=1
    fi
}

modes=(tcg icount)
declare -A flags=([tcg]="" [icount]=--icount [kvm]=--kvm)
if tools/kvm-usable.sh; then
    modes+=(kvm)
else
    echo "bench-pv [kvm]: skipped: KVM not usable"
fi
for mode in "${modes[@]}"; do
    # shellcheck disable=SC2086
    run "bare-$mode" tools/run-qemu.sh ${flags[$mode]} --timeout 300 --memory 128 \
        --append "test=$programs" "$guest"
    # shellcheck disable=SC2086
    run "pv-$mode" tools/run-qemu.sh ${flags[$mode]} --timeout 300 --memory 512 \
        --append exit_after_vms "$kernel" "$init" \
        "$guest vm=tg mode=pv mem=128M cmdline=\"test=$programs\""
    # shellcheck disable=SC2086
    run "ipc-$mode" tools/run-qemu.sh ${flags[$mode]} --timeout 300 "$kernel" "$ipc"
    if $svm && [ "$mode" != kvm ]; then
        # shellcheck disable=SC2086
        run "svm-$mode" tools/run-qemu.sh ${flags[$mode]} --timeout 300 --memory 512 \
            --append exit_after_vms "$kernel" "$init" \
            "$guest vm=tg mode=svm mem=128M cmdline=\"test=$programs\""
    fi
done

# The guest's lines, "tg: " dropped from beaml4's console.
guest_lines() {
    sed 's/^tg: //' "$1"
}

# figure LOG NAME [mean]: the median (or mean) of a traps figure, or a workload's figure per
# unit.
figure() {
    guest_lines "$1" | awk -v name="$2" -v field="${3:-median}" '
        $1 == "figure:" && $2 == "traps:" && $3 == name ":" { print field == "mean" ? $7 : $5; exit }
        $1 == "figure:" && $2 == name ":" { print $5; exit }'
}

# vmm LOG NAME: the VMM's share per sample of the phase NAME: traps, cycles and each part.
vmm() {
    awk -v name="$2" -v n="$samples" '
        $1 == "tg:" && $2 == "vmm:" && $3 == "profile" && $4 == name ":" {
            traps += $6; cycles += $8
            for (i = 10; i <= NF; i += 2) { part[$i] += $(i + 1) }
        }
        END {
            printf "%.1f %d %d %d %d %d %d %d\n", traps / n, cycles / n, part["pv"] / n,
                part["tlb"] / n, part["devices"] / n, part["views"] / n,
                part["registers"] / n, part["clock"] / n
        }' "$1"
}

# ipc LOG NAME: a bench-ipc median.
ipc_figure() {
    awk -v name="$2" 'index($0, "bench-ipc: " name " ") == 1 {
        for (i = 1; i < NF; i++) { if ($i == "median") { print $(i + 1); exit } } }' "$1"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'
}

for mode in "${modes[@]}"; do
    unit="TSC cycles"
    [ "$mode" = icount ] && unit="instructions"
    bare=$out/bare-$mode.log
    pv=$out/pv-$mode.log
    ipc_log=$out/ipc-$mode.log
    echo
    echo "bench-pv [$mode]: trap round trips ($unit; medians of $samples after a warm-up; the VMM's share from its profile, per sample)"
    printf 'bench-pv [%s]: %-16s %8s %8s %7s %6s %7s %7s %6s %7s %6s %6s %6s %9s\n' "$mode" trap bare pv pv/bare \
        traps vmm lib/pv tlb devices views regs clock kernel+ipc
    for name in cpuid hypercall port-in mmio-read page-fill self-ipi timer syscall cli-sti-plain \
        pushf-popf-plain \
        cr3-reload cli-sti pushf-popf; do
        b=$(figure "$bare" "$name")
        p=$(figure "$pv" "$name")
        read -r traps cycles lpv tlb devices views regs clock <<<"$(vmm "$pv" "$name")"
        # The VMM's figures are means: the rest is taken from the means too (under plain TCG
        # a few slow samples, translation and the host's own work, make them differ; "-" when
        # they make it negative).
        rest=$(awk -v p="$(figure "$pv" "$name" mean)" -v b="$(figure "$bare" "$name" mean)" \
            -v v="$cycles" 'BEGIN { r = p - v - (b == "" ? 0 : b); print (p == "" || r < 0) ? "-" : r }')
        printf 'bench-pv [%s]: %-16s %8s %8s %7s %6s %7s %7s %6s %7s %6s %6s %6s %9s\n' "$mode" "$name" \
            "${b:--}" "${p:--}" "$(ratio "$p" "$b")" "$traps" "$cycles" "$lpv" "$tlb" "$devices" \
            "$views" "$regs" "$clock" "$rest"
    done
    null=$(ipc_figure "$ipc_log" BenchmarkNullSyscall)
    round=$(ipc_figure "$ipc_log" "Call+ReplyRecv, two address spaces")
    echo "bench-pv [$mode]: for scale (bench-ipc): null system call $null, IPC round trip (two address spaces) $round"
    echo "bench-pv [$mode]: CLI/STI/PUSHF/POPF, one instruction: fast path against the plain path and a null system call (target: within 2x)"
    rdtsc=$(figure "$pv" rdtsc)
    for pair in cli-sti pushf-popf; do
        fast=$(figure "$pv" "$pair")
        plain=$(figure "$pv" "$pair-plain")
        one_fast=$(awk -v f="$fast" -v t="$rdtsc" 'BEGIN { if (f == "") print ""; else print (f - t) / 2 }')
        one_plain=$(awk -v f="$plain" -v t="$rdtsc" 'BEGIN { if (f == "") print ""; else print (f - t) / 2 }')
        printf 'bench-pv [%s]: %-10s fast %7s plain %7s plain/fast %6s fast/null-syscall %5s %s\n' "$mode" \
            "$pair" "${one_fast:--}" "${one_plain:--}" "$(ratio "$one_plain" "$one_fast")" \
            "$(ratio "$one_fast" "$null")" \
            "$(awk -v r="$(ratio "$one_fast" "$null")" 'BEGIN { print (r != "-" && r <= 2) ? "(within 2x)" : "(over 2x)" }')"
    done
    for site in "PV PUSHF (patched, fast path)" "PV CLI (fast path)"; do
        v=$(ipc_figure "$ipc_log" "$site")
        printf 'bench-pv [%s]: bench-ipc %-30s %6s  /null-syscall %5s\n' "$mode" "$site" "${v:--}" \
            "$(ratio "$v" "$null")"
    done
    echo "bench-pv [$mode]: workloads ($unit per unit: KiB, round trip, fault), bare against PV"
    for name in work-cpu work-syscall work-pagefault; do
        b=$(figure "$bare" "$name")
        p=$(figure "$pv" "$name")
        printf 'bench-pv [%s]: %-16s bare %8s pv %8s pv/bare %7s\n' "$mode" "$name" "${b:--}" "${p:--}" \
            "$(ratio "$p" "$b")"
    done
done

# ---- bare, PV and AMD-V side by side (--svm), and VT-x under Bochs ----
$svm || exit $status
iso=$out/vtx.iso
echo "bench-hw [bochs-vtx]: tools/mkiso.sh --append exit_after_vms $iso $kernel $init '$guest vm=tg mode=vtx mem=64M cmdline=test=$programs'"
if tools/mkiso.sh --append exit_after_vms "$iso" "$kernel" "$init" \
    "$guest vm=tg mode=vtx mem=64M cmdline=test=$programs" >"$out/vtx-iso.log" 2>&1; then
    run bochs-vtx tools/run-bochs.sh "$iso" 600
else
    echo "bench-hw [bochs-vtx]: the ISO could not be made"
    tail -5 "$out/vtx-iso.log"
    status=1
fi
for mode in tcg icount; do
    unit="TSC cycles"
    [ "$mode" = icount ] && unit="instructions"
    echo
    echo "bench-hw [$mode]: round trips and workloads ($unit; medians of $samples, workloads per unit), bare, PV and AMD-V"
    printf 'bench-hw [%s]: %-16s %9s %9s %9s %8s %8s %7s\n' "$mode" event bare pv svm pv/bare svm/bare pv/svm
    for name in cpuid hypercall port-in mmio-read page-fill self-ipi timer syscall cli-sti \
        pushf-popf cr3-reload work-cpu work-syscall work-pagefault; do
        b=$(figure "$out/bare-$mode.log" "$name")
        p=$(figure "$out/pv-$mode.log" "$name")
        h=$(figure "$out/svm-$mode.log" "$name")
        printf 'bench-hw [%s]: %-16s %9s %9s %9s %8s %8s %7s\n' "$mode" "$name" "${b:--}" "${p:--}" \
            "${h:--}" "$(ratio "$p" "$b")" "$(ratio "$h" "$b")" "$(ratio "$p" "$h")"
    done
done
echo
echo "bench-hw [bochs-vtx]: VT-x under Bochs (Bochs cycles) beside AMD-V under TCG -icount (instructions)"
printf 'bench-hw [bochs-vtx]: %-16s %9s %9s %8s\n' event vtx svm vtx/svm
for name in cpuid hypercall port-in mmio-read page-fill self-ipi timer syscall cli-sti \
    pushf-popf cr3-reload work-cpu work-syscall work-pagefault; do
    x=$(figure "$out/bochs-vtx.log" "$name")
    h=$(figure "$out/svm-icount.log" "$name")
    printf 'bench-hw [bochs-vtx]: %-16s %9s %9s %8s\n' "$name" "${x:--}" "${h:--}" "$(ratio "$x" "$h")"
done
exit $status
