#!/usr/bin/env bash
# Boots Debian's Linux kernel (its bzImage) with the BusyBox initramfs bare under QEMU TCG
# (q35, qboot, -cpu max, 256 MiB, -kernel/-initrd/-append) and checks its console with
# tests/system/linux/check-console.sh: the reference a Linux guest under beaml4 is compared
# with. The guest must power itself off; `uname -r` must name the release the image's setup
# header does. Prints the checks and the figures, among them the wall-clock
# time from QEMU's start to the initramfs' shell; keeps the log as OUT_DIR/console.log and that
# time in milliseconds as OUT_DIR/boot-ms.
# Exit status 0 when every check held.
#
# usage: tests/system/linux/run-bare.sh [--timeout S] BZIMAGE INITRAMFS OUT_DIR
#   --timeout S   QEMU's limit in seconds (default 300)
# example: tests/system/linux/run-bare.sh build/linux/bzImage build/linux/initramfs.cpio.gz \
#              build/tests/linux/bare
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_help "$@"

limit=300
while [ $# -gt 0 ]; do
    case "$1" in
    --timeout) limit=$2; shift 2 ;;
    -*) cli_refuse "$1" ;;
    *) break ;;
    esac
done
cli_args 3 "$@"
bzimage=$1
initramfs=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
for file in "$bzimage" "$initramfs"; do
    [ -r "$file" ] || { echo "run-bare: cannot read $file" >&2; exit 2; }
done
mkdir -p "$out"
log=$out/console.log

# Each console line is read as it comes, so that the shell's first line is timed when it comes.
: >"$log"
start=$(date +%s%N)
shell_at=""
while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    if [ -z "$shell_at" ] && [[ "$line" == "initramfs: shell"* ]]; then
        shell_at=$(date +%s%N)
    fi
done < <("$here/../../../tools/run-qemu.sh" --memory 256 --timeout "$limit" \
    --append "console=ttyS0 quiet panic=-1" "$bzimage" "$initramfs" 2>&1
    echo "run-bare: run-qemu.sh status $?")
end=$(date +%s%N)

"$here/check-console.sh" "$log" "$bzimage"
status=$?
# run-qemu.sh ends with 126 when the guest powers QEMU off (no exit device).
if grep -q '^run-bare: run-qemu.sh status 126$' "$log"; then
    echo "ok   the guest powered the machine off"
else
    echo "FAIL the guest did not power off: $(grep '^run-bare: run-qemu.sh status' "$log")"
    status=1
fi
if [ -n "$shell_at" ]; then
    echo "figure: linux bare boot to the shell: $(((shell_at - start) / 1000000)) ms"
    echo "$(((shell_at - start) / 1000000))" >"$out/boot-ms" # for the runs under beaml4
fi
echo "figure: linux bare run: $(((end - start) / 1000000)) ms"
[ "$status" -eq 0 ] && echo "run-bare: Linux booted bare to its shell and powered off"
exit "$status"
