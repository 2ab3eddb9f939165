#!/usr/bin/env bash
# Boots the test guest's programs bare under QEMU TCG in its four variants and checks them.
#
# usage: tests/system/guest/run-bare.sh [--jobs N] IMAGE_DIR OUT_DIR
#   --jobs N   QEMU runs at a time (default 2)
# IMAGE_DIR holds testguest-{low,high}{,-pvh}.elf (make testguest). The guest lists its own
# programs (test=list), with how each ends and whether it is hostile or prints differently
# under beaml4; this script runs:
#   - test=all in every variant: exit status 0, every program passed, and the four outputs
#     identical once "figure:" lines (measurements) and the "variant:" line are dropped;
#   - every program outside test=all in every variant: exit status 0, a triple fault (QEMU
#     ends without the exit device: run-qemu.sh status 126), or still running at a 3 s timeout
#     (124), as the list says, with identical outputs across variants;
#   - every program of test=all alone, in one variant: the same lines as its part of test=all.
# Programs marked input (echo) read COM1 and wait for a terminal: they are listed, not run here
# (run-qemu.sh gives QEMU no serial input); tests/system/vmm/run-lifecycle.py types to echo
# under beaml4 through the shell's vm console.
# The bare outputs are kept as the reference for differential runs under beaml4:
# OUT_DIR/reference/<program>.out (figure and variant lines dropped), programs.txt (the list),
# and every raw log in OUT_DIR/<variant>/. Exit status 0 when every check held.
# example: tests/system/guest/run-bare.sh build/guests/testguest build/tests/guest/bare
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
    --jobs) jobs=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 2 "$@"
images=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
run_qemu=$here/../../../tools/run-qemu.sh
memory=128

declare -A image=(
    [mb1-low]=testguest-low.elf [mb1-high]=testguest-high.elf
    [pvh-low]=testguest-low-pvh.elf [pvh-high]=testguest-high-pvh.elf)
declare -A variant_line=(
    [mb1-low]="variant: boot multiboot1, linked at 0x100000"
    [mb1-high]="variant: boot multiboot1, linked at 0xffffffff80100000"
    [pvh-low]="variant: boot pvh, linked at 0x100000"
    [pvh-high]="variant: boot pvh, linked at 0xffffffff80100000")
variants=(mb1-low mb1-high pvh-low pvh-high)

start=$(date +%s%N)
passed=0
failed=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

for v in "${variants[@]}"; do
    [ -f "$images/${image[$v]}" ] || { echo "run-bare: $images/${image[$v]} missing" >&2; exit 2; }
    mkdir -p "$out/$v"
done
rm -rf "$out/reference"
mkdir -p "$out/reference"

# boot VARIANT NAME PROGRAMS TIMEOUT: one QEMU run; the serial output (without CRs) goes to
# NAME.log and run-qemu.sh's status to NAME.status, in the variant's directory.
boot() {
    local v=$1 name=$2 programs=$3 limit=$4 dir=$out/$1
    "$run_qemu" --timeout "$limit" --memory "$memory" --append "test=$programs" \
        "$images/${image[$v]}" 2>"$dir/$name.err" | tr -d '\r' >"$dir/$name.log"
    echo "${PIPESTATUS[0]}" >"$dir/$name.status"
}

# Runs "boot" calls from stdin (one per line: VARIANT NAME PROGRAMS TIMEOUT), $jobs at a time.
run_all() {
    local line
    while read -r line; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
            wait -n
        done
        # shellcheck disable=SC2086
        boot $line &
    done
    wait
}

# What comparisons see: no measurements, no variant line.
comparable() {
    grep -v -e '^figure:' -e '^variant:' "$1"
}

# The lines of one program in a test=all log: from "== NAME" to its summary line.
section() {
    awk -v name="$2" '$0 == "== " name { on = 1 } on { print } on && index($0, "== " name ": ") == 1 { exit }' "$1"
}

# ---- the program list, from the guest itself ----
boot mb1-low list list 30
if [ "$(cat "$out/mb1-low/list.status")" != 0 ] || ! grep -q '^program ' "$out/mb1-low/list.log"; then
    fail "test=list: status $(cat "$out/mb1-low/list.status"), no program list"
    exit 1
fi
grep '^program ' "$out/mb1-low/list.log" >"$out/reference/programs.txt"
declare -A ending
in_all=()
others=()
input=()
while read -r line; do
    read -r _ name end flags <<<"${line%% - *}"
    ending[$name]=$end
    case " $flags " in
    *" all "*) in_all+=("$name") ;;
    *" input "*) input+=("$name") ;;
    *) others+=("$name") ;;
    esac
done <"$out/reference/programs.txt"
echo "run-bare: ${#in_all[@]} programs in test=all, ${#others[@]} more run alone;" \
    "$(grep -c ' hostile' "$out/reference/programs.txt") hostile," \
    "$(grep -c ' differs-bare' "$out/reference/programs.txt") differing under beaml4;" \
    "${#input[@]} reading COM1 (${input[*]:-none}) left to the console test"
for needed in console exceptions paging user hypercall; do
    [ -n "${ending[$needed]:-}" ] || fail "the program list lacks $needed"
done

# ---- every run, in parallel ----
{
    for v in "${variants[@]}"; do
        echo "$v all all 120"
        for p in "${others[@]}"; do
            if [ "${ending[$p]}" = never ]; then
                echo "$v $p $p 3"
            else
                echo "$v $p $p 60"
            fi
        done
    done
    for p in "${in_all[@]}"; do
        echo "pvh-high alone-$p $p 60"
    done
} | run_all

# ---- test=all in every variant ----
for v in "${variants[@]}"; do
    status=$(cat "$out/$v/all.status")
    log=$out/$v/all.log
    summary="testguest: all ${#in_all[@]} programs passed"
    if [ "$status" = 0 ] && [ "$(head -1 "$log")" = "${variant_line[$v]}" ] &&
        [ "$(tail -1 "$log")" = "$summary" ]; then
        pass "$v: test=all: status 0, \"$summary\", booted as \"${variant_line[$v]#variant: }\""
    else
        fail "$v: test=all: status $status, first line \"$(head -1 "$log")\", last \"$(tail -1 "$log")\""
        grep -e '^FAIL' "$log" | head -5
    fi
done
reference=mb1-low
same=true
for v in "${variants[@]}"; do
    if ! diff <(comparable "$out/$reference/all.log") <(comparable "$out/$v/all.log") >"$out/$v/all.diff"; then
        same=false
        fail "$v: test=all differs from $reference (figure and variant lines dropped):"
        head -6 "$out/$v/all.diff"
    fi
done
$same && pass "test=all: the four variants print the same lines ($(comparable "$out/$reference/all.log" | wc -l) lines, figure and variant lines dropped)"
comparable "$out/$reference/all.log" >"$out/reference/all.out"
for p in "${in_all[@]}"; do
    section "$out/$reference/all.log" "$p" | grep -v '^figure:' >"$out/reference/$p.out"
done

# ---- programs outside test=all ----
for p in "${others[@]}"; do
    case "${ending[$p]}" in
    exit) want=0; how="exit status 0" ;;
    triple-fault) want=126; how="a triple fault (QEMU ended without the exit device)" ;;
    *) want=124; how="still running at the 3 s timeout" ;;
    esac
    ok=true
    for v in "${variants[@]}"; do
        status=$(cat "$out/$v/$p.status")
        log=$out/$v/$p.log
        if [ "$status" != "$want" ] || ! grep -qx "== $p" "$log" || grep -q '^FAIL\|FAIL:' "$log"; then
            ok=false
            fail "$v: $p: status $status, expected $how"
            tail -3 "$log"
        elif ! diff -q <(comparable "$out/$reference/$p.log") <(comparable "$log") >/dev/null; then
            ok=false
            fail "$v: $p: output differs from $reference"
        fi
    done
    if $ok; then
        pass "$p: $how in every variant, the same output"
        comparable "$out/$reference/$p.log" >"$out/reference/$p.out"
    fi
done

# ---- each program of test=all alone ----
alone_failed=()
for p in "${in_all[@]}"; do
    status=$(cat "$out/pvh-high/alone-$p.status")
    if [ "$status" != 0 ] ||
        ! diff -q <(section "$out/pvh-high/alone-$p.log" "$p" | grep -v '^figure:') \
            "$out/reference/$p.out" >/dev/null; then
        alone_failed+=("$p (status $status)")
    fi
done
if [ ${#alone_failed[@]} -eq 0 ]; then
    pass "every program of test=all, run alone (pvh-high), prints what it prints in test=all"
else
    fail "run alone, these differ from their part of test=all: ${alone_failed[*]}"
fi

tenths=$((($(date +%s%N) - start) / 100000000))
printf 'run-bare: %d passed, %d failed in %d.%d s; references in %s/reference\n' \
    "$passed" "$failed" $((tenths / 10)) $((tenths % 10)) "$out"
[ "$failed" -eq 0 ]
