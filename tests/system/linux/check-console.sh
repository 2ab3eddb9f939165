#!/usr/bin/env bash
# Checks the console log of a Linux guest booted with the initramfs of tools/make-initramfs.sh,
# bare or under beaml4 (whose console prefixes a guest's lines with "NAME: "; both are read).
#   - the "initramfs:" lines are exactly those of tests/system/linux/expected.txt, in order, with
#     @RELEASE@ the kernel's release: RELEASE, or the version string of the bzImage BZIMAGE's
#     setup header (uname -r must say what the image says);
#   - the figures are measurements within bounds: a timer-driven `sleep 1` took 0.95-2.5 s of
#     the kernel's clock, the local APIC timer counted, the vendor is AMD's or Intel's, the
#     clocksource and the uptime at the shell are given;
#   - no kernel panic, oops or BUG line;
#   - with --reference LOG (a bare run), its "initramfs:" lines are the same as this log's.
# Prints an "ok" or "FAIL" line per check and the figures; exit status 0 when every check held.
#
# usage: tests/system/linux/check-console.sh [--reference LOG] CONSOLE_LOG BZIMAGE|RELEASE
# example: tests/system/linux/check-console.sh build/tests/linux/bare/console.log build/linux/bzImage
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

reference=""
while [ $# -gt 0 ]; do
    case "$1" in
    --reference) reference=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 2 "$@"
log=$1
release=$2
expected=$(dirname "$0")/expected.txt
if [ -f "$release" ]; then
    # The setup header's kernel_version (0x20e) points to the string, 0x200 before its offset.
    offset=$(od -An -t u2 -j $((0x20e)) -N 2 "$release" | tr -d ' ')
    release=$(dd if="$release" bs=1 skip=$((offset + 0x200)) count=64 status=none |
        tr '\0' ' ' | cut -d' ' -f1)
    [ -n "$release" ] || { echo "check-console: $2 has no kernel version string" >&2; exit 2; }
fi

passed=0
failed=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# lines KIND LOG: the log's lines of that kind ("initramfs" or "figure"), prefix and CR dropped.
lines() {
    tr -d '\r' <"$2" | sed -n -E "s/^([a-z][a-z0-9-]*: )?($1: .*)$/\2/p"
}
# figure NAME: the value of "figure: NAME: VALUE" in the log (the first one).
figure() {
    lines figure "$log" | sed -n "s/^figure: $1: //p" | head -n1
}

[ -r "$log" ] || { echo "check-console: cannot read $log" >&2; exit 2; }

if diff -u <(sed "s/@RELEASE@/$release/" "$expected") <(lines initramfs "$log") >/dev/null; then
    pass "the initramfs lines are those expected ($(wc -l <"$expected") lines, release $release)"
else
    fail "the initramfs lines differ from $expected (- expected, + logged):"
    diff -u <(sed "s/@RELEASE@/$release/" "$expected") <(lines initramfs "$log") | tail -n +3
fi

sleep_cs=$(figure "sleep 1" | sed -n 's/^\([0-9]*\) cs of uptime$/\1/p')
if [ -n "$sleep_cs" ] && [ "$sleep_cs" -ge 95 ] && [ "$sleep_cs" -le 250 ]; then
    pass "sleep 1 took $sleep_cs cs of the kernel's clock (95-250)"
else
    fail "sleep 1: '$(figure "sleep 1")', not 95-250 cs"
fi
loc=$(figure "interrupts LOC")
if [[ "$loc" =~ ^[0-9]+$ ]] && [ "$loc" -gt 0 ]; then
    pass "the local APIC timer counted $loc interrupts"
else
    fail "interrupts LOC: '$loc', not a count above 0"
fi
vendor=$(figure "cpuinfo vendor_id")
case "$vendor" in
AuthenticAMD | GenuineIntel) pass "vendor_id $vendor" ;;
*) fail "vendor_id '$vendor', neither AMD's nor Intel's" ;;
esac
for name in "clocksource" "uptime at the shell"; do
    if [ -n "$(figure "$name")" ]; then
        pass "$name: $(figure "$name")"
    else
        fail "no figure '$name'"
    fi
done

bad=$(tr -d '\r' <"$log" | grep -E 'Kernel panic|Oops|BUG:|general protection fault' | head -n3)
if [ -z "$bad" ]; then
    pass "no kernel panic, oops or BUG"
else
    fail "the kernel complained: $(echo "$bad" | tr '\n' '|')"
fi

if [ -n "$reference" ]; then
    if [ -r "$reference" ] && diff -q <(lines initramfs "$reference") <(lines initramfs "$log") \
        >/dev/null; then
        pass "the same initramfs lines as $reference"
    else
        fail "the initramfs lines differ from $reference's (or it cannot be read)"
    fi
fi

lines figure "$log"
echo "check-console: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
