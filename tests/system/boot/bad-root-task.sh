#!/usr/bin/env bash
# System test of the root-task loader: boots the kernel under QEMU TCG with root-task images made
# from init (make-bad-root-tasks.py), each changing one thing. A malformed image must end the boot
# with its exact error line and the boot failure exit status, never a timeout, a panic or a run
# of the image; an unusual but valid one (overlapping segments, a shared page, an unaligned file
# offset, page 0, the segment and CNode limits exactly) must boot init normally.
#
# usage: tests/system/boot/bad-root-task.sh KERNEL INIT_ELF WORKDIR
# WORKDIR is emptied first. Run from the top of the tree (make test-bad-root-task does).
# example: tests/system/boot/bad-root-task.sh build/kernel/beaml4.elf \
#              build/services/init/init.elf build/tests/bad-root-task
set -uo pipefail
source "$(dirname "$0")/../../../tools/lib/cli.sh"
cli_args 3 "$@"
kernel=$1
init=$2
work=$3
here=$(dirname "$0")
bootinfo=include/sel4/bootinfo.h
root_task=kernel/arch/x86/64/kernel/boot_root_task.c
passed=0
failed=0

# The kernel's own constants: the boot failure status, and the most image pages the root CNode
# takes (its slots less the initial caps, the paging reserve and the untyped list).
value() { sed -n "s/^#define $1 \([0-9][0-9]*\)$/\1/p" "$2"; }
failure_code=$(value BOOT_FAILURE_EXIT_CODE kernel/arch/x86/64/include/arch/kernel/boot_root_task.h)
cnode_bits=$(value seL4_RootCNodeSizeBits "$bootinfo")
untypeds=$(value seL4_MaxBootInfoUntypedCaps "$bootinfo")
reserved=$(value BOOT_SLOTS_RESERVED "$root_task")
initial=$(sed -n 's/^ *seL4_NumInitialCaps = \([0-9][0-9]*\)$/\1/p' "$bootinfo")
for name in failure_code cnode_bits untypeds reserved initial; do
    if [ -z "${!name}" ]; then
        echo "test-bad-root-task: cannot read $name from the kernel's headers"
        exit 1
    fi
done
pages_max=$(((1 << cnode_bits) - initial - reserved - untypeds))

rm -rf "$work"
mkdir -p "$work"
python3 "$here/make-bad-root-tasks.py" "$init" "$work" "$pages_max" || exit 1

# image, memory (MiB), then the boot error it must end with (after "beaml4: boot error: "), or
# "boots" for an image that must run init to its end. The largest image that the root CNode
# takes is too large for the boot memory of a 16 MiB machine.
cases=(
    "truncated-header|256|root task image: file shorter than an ELF header"
    "truncated-phdrs|256|root task image: program header table outside the file"
    "truncated-text|256|root task image: segment data outside the file"
    "bad-magic|256|root task image: not an ELF file"
    "elf32|256|root task image: not a little-endian ELF64 file"
    "kernel-slot|256|root task image: segment outside user address space"
    "non-canonical|256|root task image: segment outside user address space"
    "filesz-over-memsz|256|root task image: segment file size exceeds its memory size"
    "entry-in-data|256|root task image: entry point outside every executable segment"
    "entry-past-text|256|root task image: entry point outside every executable segment"
    "last-page|256|root task image: segment in the last page of the address space"
    "too-many-segments|256|root task image: too many loadable segments"
    "no-load|256|root task image: no loadable segment"
    "huge-bss|256|root task image: more pages than the root CNode has slots for"
    "cnode-limit-plus-one|256|root task image: more pages than the root CNode has slots for"
    "cnode-limit|16|root task: out of boot memory"
    "overlap-writable-text|256|boots"
    "split-shared-page|256|boots"
    "unaligned-offset|256|boots"
    "page-zero|256|boots"
    "sixteen-segments|256|boots"
    "cnode-limit|256|boots"
)

check_case() {
    local expected=$1 log=$2 code=$3 line
    if [ "$code" -eq 124 ]; then
        echo "timed out"
        return
    fi
    if grep -qi 'panic' "$log"; then
        echo "kernel panic: $(grep -i -m1 'panic' "$log")"
        return
    fi
    if [ "$expected" = boots ]; then
        [ "$code" -eq 0 ] || { echo "exit status $code, expected 0 (init ran to exit_after_boot)"; return; }
        grep -q 'boot error' "$log" && { echo "boot error: $(grep -m1 'boot error' "$log")"; return; }
        grep -Eq '^beaml4 [0-9]+\.[0-9]+\.[0-9]+' "$log" || { echo "no banner from init"; return; }
        grep -Eq '^init: untypeds [1-9][0-9]*$' "$log" || { echo "no untyped count from init"; return; }
        grep -Eq '^init: boot time [0-9.]+ ms from power-on to the root task$' "$log" ||
            { echo "no boot time from init"; return; }
        return
    fi
    line="beaml4: boot error: $expected"
    [ "$code" -eq "$failure_code" ] ||
        { echo "exit status $code, expected $failure_code (boot failure)"; return; }
    [ "$(grep -c 'boot error' "$log")" -eq 1 ] && grep -Fxq "$line" "$log" ||
        { echo "no line '$line' (got: $(grep -m1 'boot error' "$log" || echo none))"; return; }
    grep -q '^init:' "$log" && { echo "init ran"; return; }
}

for entry in "${cases[@]}"; do
    IFS='|' read -r image memory expected <<<"$entry"
    name=$image
    [ "$memory" -eq 256 ] || name="$image-in-$memory-MiB"
    log="$work/$name.log"
    tools/run-qemu.sh --timeout 60 --memory "$memory" --append exit_after_boot "$kernel" \
        "$work/$image.elf" >"$log" 2>&1
    code=$?
    sed -i 's/\r$//' "$log" # QEMU's serial on stdio ends lines with CR LF
    problem=$(check_case "$expected" "$log" "$code")
    if [ -z "$problem" ]; then
        echo "PASS $name: ${expected/#boots/booted init} (exit status $code)"
        passed=$((passed + 1))
    else
        echo "FAIL $name: $problem; log:"
        sed 's/^/    /' "$log" | tail -n 20
        failed=$((failed + 1))
    fi
done
echo "test-bad-root-task: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
