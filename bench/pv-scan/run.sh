#!/usr/bin/env bash
# Runs the patch scanner's benchmark over ELF images: the scan's time (minimum and median of 5
# runs) and what it found, then the host instructions one scan executes, counted by valgrind's
# cachegrind when installed (a run of 3 scans less a run of 1, halved: loading does not count,
# and the figure does not depend on the machine's load). Images without symbols (Debian's
# vmlinux) get objdump's direct call targets as function entries. Prints every command.
#
# usage: bench/pv-scan/run.sh BENCH_BINARY ELF...
# Run from the top of the tree (make bench-pv-scan does).
# example: bench/pv-scan/run.sh build/pv/bench/bench-pv-scan build/guests/testguest/testguest-low.elf
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 2+ "$@"
bench=$1
shift

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Function entries for an image without a symbol table: the targets of its direct near calls.
entries_for() {
    local image=$1 list
    list="$work/$(basename "$image").entries"
    if ! readelf -S "$image" 2>/dev/null | grep -q ' .symtab '; then
        objdump -d -w "$image" | awk -F'\t' '$3 ~ /^call +0x/ { split($3, f, " +"); print f[2] }' |
            sort -u >"$list"
        echo "-e $list"
    fi
}

status=0
for image in "$@"; do
    extra=$(entries_for "$image")
    echo "bench-pv-scan: $bench -r 5 $extra $image"
    # shellcheck disable=SC2086 # $extra is an option and its argument, or nothing
    "$bench" -r 5 $extra "$image" || status=1
done

if ! command -v valgrind >/dev/null; then
    echo "bench-pv-scan: valgrind is not installed: no instruction counts"
    exit "$status"
fi

# Instructions executed by a run of N scans (cachegrind's "I refs").
refs() {
    # shellcheck disable=SC2086
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$bench" -r "$1" $2 "$3" 2>&1 >/dev/null | awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

for image in "$@"; do
    extra=$(entries_for "$image")
    echo "bench-pv-scan: valgrind --tool=cachegrind $bench -r 3 (less -r 1) $extra $image"
    three=$(refs 3 "$extra" "$image")
    one=$(refs 1 "$extra" "$image")
    if [ -z "$three" ] || [ -z "$one" ]; then
        echo "bench-pv-scan: cachegrind gave no count for $image"
        status=1
        continue
    fi
    echo "  $(((three - one) / 2)) host instructions per scan of $image"
done
exit "$status"
