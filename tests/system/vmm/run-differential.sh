#!/usr/bin/env bash
# The test guest's programs bare under QEMU TCG (the reference) and as a VM under beaml4 (PV
# mode, or AMD-V: QEMU's -cpu max has SVM; or VT-x in Bochs), compared program by program.
#
# usage: tests/system/vmm/run-differential.sh [--jobs N] [--variants LIST] [--real-time] [--mode M]
#            [--bochs] [--programs LIST] [--hostile LIST] KERNEL INIT IMAGE_DIR OUT_DIR
#   --jobs N          emulator runs at a time (default 2)
#   --variants LIST   comma-separated, from mb1-low, mb1-high, pvh-low, pvh-high (default all four)
#   --real-time       beaml4's runs in real time, not counting instructions (the outputs must not
#                     depend on how fast the host is; the default is the deterministic run)
#   --mode M          the VM's mode= (default pv; svm runs it under AMD-V, vtx under VT-x)
#   --bochs           beaml4 runs in Bochs (a GRUB ISO made by tools/mkiso.sh, tools/run-bochs.sh;
#                     its CPU has VT-x), one Bochs at a time; the reference stays bare QEMU.
#                     Differences that come from Bochs' machine, not from beaml4, are listed in
#                     known-differences-bochs.txt beside this script
#   --programs LIST   the programs compared, comma-separated (default all: test=all)
#   --hostile LIST    the hostile programs run (default wild-write,bad-cr3,bad-idt,no-stack,
#                     fault-loop,halt-forever,mmio-unmapped,bad-cr; "none" for none)
# IMAGE_DIR holds testguest-{low,high}{,-pvh}.elf (make testguest). For each variant, the
# programs run bare and under beaml4 (the image declared as VM "tg", 128 MiB, the kernel word
# exit_after_vms, QEMU counting instructions; Bochs always counts them), and every program's
# lines are compared (figure: lines dropped; the variant: line too is compared: beaml4 must boot
# the image by the protocol QEMU chose). Programs the guest marks differs-bare (msr-unknown,
# hypercall) must instead pass their own checks under beaml4.
# The hostile programs outside test=all run alone in one variant: wild-write must exit 0 with
# the bare output; bad-idt and no-stack must end the VM as a triple fault reported by init
# ("init: VM tg failed: triple fault"), bad-cr3 as a triple fault or a report of the page table
# outside RAM, each with the bare output up to it; fault-loop must keep the VM running;
# halt-forever (CLI; HLT) too, run in real time, with QEMU's CPU time under half the wall time;
# mmio-unmapped must exit 0 with the bare output, its reads all ones where bare QEMU 7.2 reads
# zeros (hardware and Bochs read all ones); bad-cr must pass its checks (bare QEMU skips them:
# Bochs is its reference) in every mode (under AMD-V the VMM checks CR0 and CR4 writes itself).
# Differences listed in tests/system/vmm/known-differences.txt (variant, program, reason) are
# reported as known, not failures; a listed difference that no longer occurs fails the run, so
# that the list is kept true. Logs: OUT_DIR/<variant>/. Exit status 0 when every check held.
# Under Bochs, halt-forever's CPU time is not judged (Bochs spins through a halt).
# example: tests/system/vmm/run-differential.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/guests/testguest build/tests/vmm/differential
#          tests/system/vmm/run-differential.sh --bochs --mode vtx --jobs 1 --variants pvh-low \
#              --programs console,paging --hostile none build/kernel/beaml4.elf \
#              build/services/init/init.elf build/guests/testguest build/tests/vmm/vtx
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../../tools/lib/cli.sh"
cli_help "$@"

jobs=2
icount=--icount
variants=mb1-low,mb1-high,pvh-low,pvh-high
mode=pv
bochs=false
programs=all
hostile_list=wild-write,bad-cr3,bad-idt,no-stack,fault-loop,halt-forever,mmio-unmapped,bad-cr
while [ $# -gt 0 ]; do
    case "$1" in
    --jobs) jobs=$2; shift 2 ;;
    --variants) variants=$2; shift 2 ;;
    --real-time) icount=; shift ;;
    --mode) mode=$2; shift 2 ;;
    --bochs) bochs=true; shift ;;
    --programs) programs=$2; shift 2 ;;
    --hostile) hostile_list=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 4 "$@"
kernel=$1
init=$2
images=$3
out=$4
tools=$here/../../../tools
run_qemu=$tools/run-qemu.sh
known_files=("$here/known-differences.txt")
! $bochs || known_files+=("$here/known-differences-bochs.txt")
memory=128
IFS=, read -r -a variant_list <<<"$variants"

declare -A image=(
    [mb1-low]=testguest-low.elf [mb1-high]=testguest-high.elf
    [pvh-low]=testguest-low-pvh.elf [pvh-high]=testguest-high-pvh.elf)
for v in "${variant_list[@]}"; do
    [ -n "${image[$v]:-}" ] || { echo "run-differential: unknown variant $v" >&2; exit 2; }
    [ -f "$images/${image[$v]}" ] || { echo "run-differential: $images/${image[$v]} missing" >&2; exit 2; }
    mkdir -p "$out/$v"
done

start=$(date +%s%N)
passed=0
failed=0
known=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# bare VARIANT NAME PROGRAMS TIMEOUT: the guest alone under QEMU.
bare() {
    local dir=$out/$1
    "$run_qemu" --timeout "$4" --memory "$memory" --append "test=$3" "$images/${image[$1]}" \
        2>"$dir/$2.bare.err" | tr -d '\r' >"$dir/$2.bare.log"
    echo "${PIPESTATUS[0]}" >"$dir/$2.bare.status"
}

# The guest's boot module for VARIANT, without its command line.
vm_module() {
    echo "$images/${image[$1]} vm=tg mode=$mode mem=${memory}M"
}

# beaml4 VARIANT NAME PROGRAMS TIMEOUT [real-time]: beaml4 with the guest as VM tg; the console
# as a terminal shows it (the shell's prompt line, which the log service erases before each
# line, dropped). QEMU counts instructions (unless --real-time or the fifth word): the guest's
# devices then keep time with what runs, whatever else loads the host, and a failure repeats.
# QEMU's CPU time (user, system, wall seconds) goes to NAME.beaml4.time.
beaml4() {
    local dir=$out/$1 count=$icount
    if $bochs; then
        beaml4_bochs "$@"
        return
    fi
    [ "${5:-}" != real-time ] || count=
    local TIMEFORMAT='%U %S %R'
    # shellcheck disable=SC2086
    { time "$run_qemu" $count --timeout "$4" --memory 512 --append "exit_after_vms" "$kernel" "$init" \
        "$(vm_module "$1") cmdline=\"test=$3\"" \
        2>"$dir/$2.beaml4.err" | tr -d '\r' | sed 's/^.*\x1b\[K//' >"$dir/$2.beaml4.log"
        echo "${PIPESTATUS[0]}" >"$dir/$2.beaml4.status"; } 2>"$dir/$2.beaml4.time"
}
# The same in Bochs, from a GRUB ISO; one Bochs at a time (the lock), whatever --jobs says.
# Bochs' clocks count instructions: at its default 20 ns each, the kernel's and the VMM's work
# for one guest interrupt outlasts the lapic program's 1.6 ms timer period, and the guest sees
# nothing but interrupts; at 5 ns there is room, while the BIOS's and GRUB's waits (which count
# instructions too: 3.5 s of them) stay short.
beaml4_bochs() {
    local dir=$out/$1
    "$tools/mkiso.sh" --append exit_after_vms "$dir/$2.iso" "$kernel" "$init" \
        "$(vm_module "$1") cmdline=\"test=$3\"" \
        2>"$dir/$2.beaml4.err" || { echo 125 >"$dir/$2.beaml4.status"; return; }
    flock "$out/bochs.lock" "$tools/run-bochs.sh" --ips 200000000 "$dir/$2.iso" "$4" \
        2>>"$dir/$2.beaml4.err" | tr -d '\r' | sed 's/^.*\x1b\[K//' >"$dir/$2.beaml4.log"
    echo "${PIPESTATUS[0]}" >"$dir/$2.beaml4.status"
    rm -f "$dir/$2.iso"
}


# The guest's own lines in a beaml4 log: "tg: text", not the VMM's "tg: vmm: ...".
guest_lines() {
    grep -a '^tg: ' "$1" | grep -av '^tg: vmm: ' | sed 's/^tg: //'
}

# Runs "bare"/"beaml4" calls from stdin (one per line: KIND VARIANT NAME PROGRAMS TIMEOUT).
run_all() {
    local line
    while read -r line; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
            wait -n
        done
        # shellcheck disable=SC2086
        $line &
    done
    wait
}

# The lines of one program in a test=all output: "== NAME" to its summary line.
section() {
    awk -v name="$2" '$0 == "== " name { on = 1 } on { print } on && index($0, "== " name ": ") == 1 { exit }' "$1"
}

# The known difference for VARIANT PROGRAM ("" when none): the reason after the second field.
known_reason() {
    local file
    for file in "${known_files[@]}"; do
        [ -f "$file" ] || continue
        awk -v v="$1" -v p="$2" '!/^#/ && NF >= 2 && ($1 == v || $1 == "*") && ($2 == p || $2 == "*") {
            $1 = ""; $2 = ""; sub(/^ +/, ""); print; found = 1; exit } END { exit !found }' "$file" &&
            return 0
    done
    return 0
}

hostile=()
[ "$hostile_list" = none ] || IFS=, read -r -a hostile <<<"$hostile_list"
hostile_variant=${variant_list[0]}
# beaml4's time limits: QEMU's, or Bochs' (its boot through the BIOS and GRUB alone takes
# 20 s; test=all about 2 minutes).
# halt-forever runs in real time: a loaded host can take more than 12 s to boot beaml4 there.
limit_all=300 limit_hostile=60 limit_loop=12 limit_halt=30
! $bochs || { limit_all=900 limit_hostile=180 limit_loop=60 limit_halt=60; }
{
    echo "bare $hostile_variant list list 30"
    for v in "${variant_list[@]}"; do
        echo "bare $v all $programs 120"
        echo "beaml4 $v all $programs $limit_all"
    done
    for p in "${hostile[@]}"; do
        if [ "$p" = fault-loop ]; then
            echo "bare $hostile_variant $p $p 3"
            echo "beaml4 $hostile_variant $p $p $limit_loop"
        elif [ "$p" = halt-forever ]; then
            # In real time: counting instructions, QEMU would skip the idle host's time ahead
            # to each of its timer ticks and spin.
            echo "bare $hostile_variant $p $p 3"
            echo "beaml4 $hostile_variant $p $p $limit_halt real-time"
        else
            echo "bare $hostile_variant $p $p 60"
            echo "beaml4 $hostile_variant $p $p $limit_hostile"
        fi
    done
} | run_all

# ---- test=all, program by program ----
for v in "${variant_list[@]}"; do
    dir=$out/$v
    guest_lines "$dir/all.beaml4.log" | grep -v '^figure:' >"$dir/all.beaml4.out"
    grep -v '^figure:' "$dir/all.bare.log" >"$dir/all.bare.out"
    if [ "$(cat "$dir/all.bare.status")" != 0 ]; then
        fail "$v: the bare reference did not pass (status $(cat "$dir/all.bare.status"))"
        continue
    fi
    reason=$(known_reason "$v" variant)
    if [ "$(head -1 "$dir/all.beaml4.out")" = "$(head -1 "$dir/all.bare.out")" ]; then
        pass "$v: booted as bare QEMU boots it ($(head -1 "$dir/all.bare.out"))"
    elif [ -n "$reason" ]; then
        echo "known $v: the variant line: $reason"
        known=$((known + 1))
    else
        fail "$v: first line \"$(head -1 "$dir/all.beaml4.out")\", bare \"$(head -1 "$dir/all.bare.out")\""
    fi
    same=0
    for p in $(grep '^== [a-z0-9-]*$' "$dir/all.bare.out" | sed 's/^== //'); do
        section "$dir/all.bare.out" "$p" >"$dir/$p.bare.section"
        section "$dir/all.beaml4.out" "$p" >"$dir/$p.beaml4.section"
        reason=$(known_reason "$v" "$p")
        if grep -q "^program $p .*differs-bare" "$out/$hostile_variant/list.bare.log"; then
            if tail -1 "$dir/$p.beaml4.section" | grep -q "^== $p: [0-9]* checks passed" &&
                ! grep -q '^FAIL' "$dir/$p.beaml4.section"; then
                pass "$v: $p (differs-bare): its checks pass under beaml4"
            elif [ -n "$reason" ]; then
                echo "known $v: $p: $reason"
                known=$((known + 1))
            else
                fail "$v: $p (differs-bare): $(tail -1 "$dir/$p.beaml4.section")"
            fi
        elif diff -q "$dir/$p.bare.section" "$dir/$p.beaml4.section" >/dev/null; then
            same=$((same + 1))
            [ -z "$reason" ] || fail "$v: $p: listed as a known difference ($reason), but no longer differs"
        elif [ -n "$reason" ]; then
            echo "known $v: $p: $reason"
            known=$((known + 1))
        else
            fail "$v: $p differs from bare QEMU:"
            diff "$dir/$p.bare.section" "$dir/$p.beaml4.section" | head -6
        fi
    done
    pass "$v: $same programs print exactly what they print bare"
    grep -a '^init: VM tg ' "$dir/all.beaml4.log" | tail -1 | sed "s/^/     $v: /"
done

# ---- the hostile programs outside test=all ----
dir=$out/$hostile_variant
exited0="init: VM tg exited: exit hypercall: the guest's EXIT hypercall, status 0"

# exits_like REFERENCE TEXT: program $p's VM exited with status 0 and printed REFERENCE's lines.
exits_like() {
    if [ "$ending" = "$exited0" ] && diff -q "$1" "$dir/$p.beaml4.out" >/dev/null; then
        pass "$p: $2"
    else
        fail "$p: \"$ending\""
        diff "$1" "$dir/$p.beaml4.out" | head -6
    fi
}
for p in "${hostile[@]}"; do
    guest_lines "$dir/$p.beaml4.log" | grep -v '^figure:' >"$dir/$p.beaml4.out"
    grep -v '^figure:' "$dir/$p.bare.log" >"$dir/$p.bare.out"
    ending=$(grep -a '^init: VM tg \(exited\|failed\|crashed\|stopped\)' "$dir/$p.beaml4.log" | tail -1)
    case "$p" in
    wild-write)
        exits_like "$dir/$p.bare.out" "the writes outside RAM vanish as on bare QEMU; exit status 0"
        ;;
    fault-loop | halt-forever)
        # Both run until the timeout; a halted VM must also leave QEMU mostly idle.
        status=$(cat "$dir/$p.beaml4.status")
        busy=true
        if [ "$p" = halt-forever ] && ! $bochs; then
            read -r user sys wall <"$dir/$p.beaml4.time"
            awk -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN { exit !(u + s < w / 2) }' || busy=false
            cpu=", QEMU busy ${user}+${sys} s of ${wall} s"
        else
            cpu=""
        fi
        if [ "$status" = 124 ] && [ -z "$ending" ] && grep -aq '^init: VM tg running' "$dir/$p.beaml4.log" &&
            diff -q "$dir/$p.bare.out" "$dir/$p.beaml4.out" >/dev/null && $busy; then
            pass "$p: the VM stays running until the timeout stops it$cpu"
        else
            fail "$p: status $status, \"$ending\"$cpu"
        fi
        ;;
    mmio-unmapped)
        # QEMU 7.2 reads unassigned memory as zeros; hardware (a master abort) and Bochs read
        # all ones, and so does beaml4's bus: the bare reference is read with all ones.
        sed 's/byte 0, word 0, dword 0, qword 0$/byte 0xff, word 0xffff, dword 0xffffffff, qword 0xffffffffffffffff/' \
            "$dir/$p.bare.out" >"$dir/$p.bare.ones"
        exits_like "$dir/$p.bare.ones" "reads outside RAM and devices give all ones, writes vanish; exit status 0"
        ;;
    bad-cr)
        checks=$(grep -c '^ok bad-cr: ' "$dir/$p.beaml4.out")
        if grep -q '^skip bad-cr: every case: ' "$dir/$p.bare.out" &&
            [ "$ending" = "$exited0" ] && grep -q "^== bad-cr: $checks checks passed" "$dir/$p.beaml4.out" && [ "$checks" -ge 20 ]; then
            pass "$p: $checks checks: every invalid CR0, CR4 and EFER value #GP(0), nothing changed"
        else
            fail "$p: $checks checks passed, \"$ending\""
            grep '^FAIL' "$dir/$p.beaml4.out" | head -6
        fi
        ;;
    bad-cr3)
        # Bare, the walk reads whatever the bus gives and faults to a triple fault; beaml4's
        # software TLB finds the table outside RAM and ends the VM saying so (pv/walk.h).
        if [[ "$ending" == "init: VM tg failed: "*"outside guest RAM"* ||
            "$ending" == "init: VM tg failed: triple fault: "* ]] &&
            diff -q "$dir/$p.bare.out" "$dir/$p.beaml4.out" >/dev/null &&
            [ "$(cat "$dir/$p.bare.status")" = 126 ]; then
            pass "$p: the VM ends, reported (${ending#init: VM tg failed: })"
        else
            fail "$p: bare status $(cat "$dir/$p.bare.status"), beaml4 \"$ending\""
        fi
        ;;
    *)
        if [[ "$ending" == "init: VM tg failed: triple fault: "* ]] &&
            diff -q "$dir/$p.bare.out" "$dir/$p.beaml4.out" >/dev/null &&
            [ "$(cat "$dir/$p.bare.status")" = 126 ]; then
            pass "$p: a triple fault on both; beaml4 reports it (${ending#init: VM tg failed: })"
        else
            fail "$p: bare status $(cat "$dir/$p.bare.status"), beaml4 \"$ending\""
            diff "$dir/$p.bare.out" "$dir/$p.beaml4.out" | head -6
        fi
        ;;
    esac
done

tenths=$((($(date +%s%N) - start) / 100000000))
printf 'run-differential: %d passed, %d failed, %d known differences in %d.%d s; logs in %s\n' \
    "$passed" "$failed" "$known" $((tenths / 10)) $((tenths % 10)) "$out"
[ "$failed" -eq 0 ]
