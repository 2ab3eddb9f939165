#!/usr/bin/env bash
# Boot-time figures: boots the kernel with init as the root task and exit_after_boot RUNS times
# (QEMU, q35, qboot, -kernel, as `make run` does) and prints, per run and as median [min-max]:
# power-on to platform ready, platform_init, power-on to the root task (init's line), the wall
# time of the whole QEMU process, and, when the kernel prints them (--append platform_verbose),
# platform_init's steps. A measurement, not a test: it never fails on a slow figure.
#
# usage: tests/system/boot/measure-boot-time.sh [--kvm] [--runs N] [--append WORDS] KERNEL INIT_ELF
#   --kvm            boot under KVM (-cpu host) instead of TCG
#   --runs N         number of boots (default 5)
#   --append WORDS   more kernel command-line words (e.g. platform_verbose)
# example: tests/system/boot/measure-boot-time.sh --kvm --runs 7 build/kernel/beaml4.elf \
#              build/services/init/init.elf
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"
here=$(cd "$(dirname "$0")" && pwd)
tools=$(cd "$here/../../../tools" && pwd)
accel=()
runs=5
words=""
while [ $# -gt 0 ]; do
    case "$1" in
    --kvm) accel=(--kvm); shift ;;
    --runs) runs=$2; shift 2 ;;
    --append) words=" $2"; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 2 "$@"
kernel=$1
init=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT

declare -A series # figure name -> space-separated values in microseconds
order=()          # figure names in the order they first appeared
add() {
    [ -n "${series[$1]+set}" ] || order+=("$1")
    series[$1]="${series[$1]:-} $2"
}
# "12.345" (ms) -> 12345 (us)
ms_to_us() { local whole=${1%.*} frac=${1#*.}; echo $((10#$whole * 1000 + 10#${frac:0:3})); }

echo "command: $tools/run-qemu.sh ${accel[*]} --append \"exit_after_boot$words\" $kernel $init"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; run++)); do
    start=$(date +%s%N)
    "$tools/run-qemu.sh" "${accel[@]}" --timeout 60 --append "exit_after_boot$words" "$kernel" "$init" \
        </dev/null >"$log" 2>&1
    status=$?
    end=$(date +%s%N)
    tr -d '\r' <"$log" >"$log.clean" && mv "$log.clean" "$log"
    if [ $status -ne 0 ]; then
        echo "run $run: QEMU exit status $status; output:"
        cat "$log"
        exit 1
    fi
    ready=$(sed -n 's/^boot: platform ready: \([0-9.]*\) ms after power-on.*/\1/p' "$log")
    took=$(sed -n 's/.*platform_init took \([0-9.]*\) ms.*/\1/p' "$log")
    root=$(sed -n 's/^init: boot time \([0-9.]*\) ms from power-on.*/\1/p' "$log")
    steps=$(sed -n 's/^boot: platform_init steps (us): //p' "$log")
    wall_us=$(((end - start) / 1000))
    printf 'run %d: ready %s ms, platform_init %s ms, root task %s ms, qemu wall %d.%03d ms; steps: %s\n' \
        "$run" "${ready:--}" "${took:--}" "${root:--}" $((wall_us / 1000)) $((wall_us % 1000)) \
        "${steps:--}"
    [ -n "$ready" ] && add "power-on -> platform ready" "$(ms_to_us "$ready")"
    [ -n "$took" ] && add "platform_init" "$(ms_to_us "$took")"
    [ -n "$root" ] && add "power-on -> root task" "$(ms_to_us "$root")"
    add "qemu process wall time" "$wall_us"
    # shellcheck disable=SC2086 # "name value name value ...": split on purpose
    set -- $steps
    while [ $# -ge 2 ]; do
        add "  step $1" "$2"
        shift 2
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "figure: median [min-max] over $runs runs, ms"
fmt() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
for name in "${order[@]}"; do
    # shellcheck disable=SC2086 # a list of numbers: split on purpose
    read -r -a sorted < <(printf '%s\n' ${series[$name]} | sort -n | tr '\n' ' ')
    count=${#sorted[@]}
    printf '%-28s %s [%s-%s]\n' "$name" "$(fmt "${sorted[$((count / 2))]}")" "$(fmt "${sorted[0]}")" \
        "$(fmt "${sorted[$((count - 1))]}")"
done
