#!/usr/bin/env bash
# Debian's Linux under beaml4 (AMD-V under QEMU TCG -cpu max) keeps a file on an ext4 file system
# across a reboot of its VM. The script makes an empty ext4 image (mkfs.ext4), gives it to QEMU as
# the machine's virtio-blk disk and declares the Linux VM with disk=dev:0 (the whole disk, written
# in place) and the command-line word initramfs.ext4=TOKEN, TOKEN new on every run. The guest's
# /init (tests/system/linux/guest-init.sh) loads virtio-mmio, virtio-blk and ext4 from its
# initramfs, mounts /dev/vda, writes TOKEN to /beaml4/token, syncs, unmounts and reboots; the VMM
# restarts the VM at the reset, and the new boot finds the file, prints it and powers off.
# Checked: both boots' lines in order, TOKEN read back, the VM ended by power-off, no panic, oops,
# BUG or EXT4-fs error; then on the host, with QEMU ended, debugfs reads TOKEN from the image and
# e2fsck -fn finds the file system clean. Beside TOKEN the guest writes 4 MiB of random bytes to
# /beaml4/data: their SHA-256 as written, as the new boot reads them and in the image must agree.
# Keeps the log as OUT_DIR/console.log and the image as OUT_DIR/ext4.img. Exit status 0 when
# every check held.
#
# usage: tests/system/linux/run-ext4.sh [--timeout S] KERNEL INIT BZIMAGE INITRAMFS OUT_DIR
#   --timeout S   QEMU's limit in seconds (default 300)
# example: tests/system/linux/run-ext4.sh build/kernel/beaml4.elf build/services/init/init.elf \
#              build/linux/bzImage build/linux/initramfs.cpio.gz build/tests/linux/ext4
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
cli_args 5 "$@"
kernel=$1
init=$2
bzimage=$3
initramfs=$4
out=$5
tools=$(cd "$(dirname "$0")/../../../tools" && pwd)
for file in "$kernel" "$init" "$bzimage" "$initramfs"; do
    [ -r "$file" ] || { echo "run-ext4: cannot read $file" >&2; exit 2; }
done
for program in mkfs.ext4 debugfs e2fsck; do
    command -v "$program" >/dev/null ||
        { echo "run-ext4: no $program: install e2fsprogs (tools/setup.sh)" >&2; exit 2; }
done
mkdir -p "$out"
log=$out/console.log
image=$out/ext4.img

# 64 MiB, empty but for lost+found; mkfs.ext4's defaults (metadata checksums, a journal).
rm -f "$image"
truncate -s 64M "$image"
mkfs.ext4 -q -F -L beaml4 "$image" || { echo "run-ext4: mkfs.ext4 failed" >&2; exit 2; }
token="beaml4-ext4-$(date +%s)-$$"

vm="$bzimage vm=lx mode=svm mem=256M disk=dev:0 initrd=$(basename "$initramfs") cmdline=\"console=ttyS0 quiet panic=-1 initramfs.ext4=$token\""
start=$(date +%s)
"$tools/run-qemu.sh" --memory 1024 --timeout "$limit" --disk "$image" --append exit_after_vms \
    "$kernel" "$init" "$vm" "$initramfs" 2>&1 | tr -d '\r' | sed 's/^.*\x1b\[K//' >"$log"
qemu_status=${PIPESTATUS[0]}
seconds=$(($(date +%s) - start))

passed=0
failed=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# line N PATTERN: the number of the first line from N on matching the extended regex (0 if none).
line() {
    awk -v from="$1" -v pattern="$2" 'NR >= from && $0 ~ pattern { print NR; found = 1; exit }
        END { if (!found) print 0 }' "$log"
}

# Each step of the round trip, in this order, after the one before.
at=1
# The disk the guest sees is the image, all of it.
vda="lx: ext4: /dev/vda: $(($(stat -c %s "$image") / 512)) sectors\$"
for step in "lx: modules: ext4 loaded" "$vda" "lx: ext4: mounted: /dev/vda ext4" \
    "lx: ext4: wrote: $token\$" "lx: ext4: wrote data: [0-9a-f]+\$" \
    "lx: ext4: unmounted; rebooting" \
    "init: VM lx stopped: reset: the reset register" "init: VM lx running" \
    "lx: modules: ext4 loaded" "$vda" "lx: ext4: mounted: /dev/vda ext4" \
    "lx: ext4: read back: $token\$" "lx: ext4: read back data: [0-9a-f]+\$" \
    "lx: ext4: unmounted; powering off" \
    "init: VM lx exited: power-off"; do
    found=$(line "$at" "^$step")
    if [ "$found" -gt 0 ]; then
        pass "line $found: $(sed -n "${found}p" "$log")"
        at=$((found + 1))
    else
        fail "no line '$step' after line $((at - 1)) (log: $log)"
    fi
done
if [ "$(grep -c '^lx: ext4: wrote: ' "$log")" -eq 1 ] &&
    [ "$(grep -c '^lx: ext4: read back: ' "$log")" -eq 1 ]; then
    pass "one boot wrote the file, one read it back"
else
    fail "the file was written $(grep -c '^lx: ext4: wrote: ' "$log") and read $(grep -c '^lx: ext4: read back: ' "$log") times: one each expected"
fi
if grep -E -q 'Kernel panic|Oops|BUG:|EXT4-fs error|I/O error|refused by insmod' "$log"; then
    fail "the log has an error: $(grep -E -m1 'Kernel panic|Oops|BUG:|EXT4-fs error|I/O error|refused by insmod' "$log")"
else
    pass "no panic, oops, BUG, ext4 or I/O error, no module refused"
fi
[ "$qemu_status" -eq 0 ] && pass "QEMU ended with status 0 after $seconds s" ||
    fail "QEMU's status $qemu_status after $seconds s (124: timeout)"

# On the host, the machine ended: the file is in the image and the file system is clean.
content=$(debugfs -R 'cat /beaml4/token' "$image" 2>/dev/null)
[ "$content" = "$token" ] && pass "debugfs: /beaml4/token in the image holds $token" ||
    fail "debugfs: /beaml4/token in the image holds '$content', not $token"
# The 4 MiB of random bytes: the same SHA-256 when written, read by the new boot, and in the image.
written=$(sed -n 's/^lx: ext4: wrote data: //p' "$log" | head -n1)
read_back=$(sed -n 's/^lx: ext4: read back data: //p' "$log" | head -n1)
debugfs -R "dump /beaml4/data $out/data" "$image" >/dev/null 2>&1
in_image=$(sha256sum <"$out/data" 2>/dev/null | cut -d' ' -f1)
size=$(stat -c %s "$out/data" 2>/dev/null)
rm -f "$out/data"
if [ -n "$written" ] && [ "$written" = "$read_back" ] && [ "$written" = "$in_image" ] &&
    [ "$size" = 4194304 ]; then
    pass "/beaml4/data: 4 MiB, SHA-256 ${written:0:16}... written, read back and in the image"
else
    fail "/beaml4/data: SHA-256 written '$written', read back '$read_back', in the image '$in_image' ($size bytes)"
fi
if fsck_output=$(e2fsck -f -n "$image" 2>&1); then
    pass "e2fsck -f -n: clean ($(echo "$fsck_output" | tail -n1))"
else
    fail "e2fsck -f -n found problems:"
    echo "$fsck_output" | sed 's/^/     /'
fi

grep '^lx: vmm: .* entries' "$log" | sed 's/^lx: vmm: /figure: linux ext4 round trip under beaml4: /'
echo "figure: linux ext4 round trip under beaml4 (svm): two boots in $seconds s"
echo "run-ext4: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
