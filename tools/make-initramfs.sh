#!/usr/bin/env bash
# Makes the Linux guest's initramfs: Debian's busybox-static (downloaded with apt-get download,
# never installed, cached in BUILD_DIR/linux/), tests/system/linux/guest-init.sh as /init and
# the kernel modules a virtio-blk disk with ext4 needs, taken from the linux-image package
# tools/fetch-linux.sh left in BUILD_DIR/linux/ (the same kernel's), in a gzip-compressed newc
# cpio archive. The modules lie flat in /lib/modules/ with /lib/modules/order naming them in the
# order they load (each after those it depends on); /init loads them only when asked. The archive is the same bytes on every run from the
# same package: every entry owned by root, dated 0, numbered in order; gzip stores no name or
# date. BusyBox installs its applets' links itself when /init starts. Prints the archive's path.
#
# usage: tools/make-initramfs.sh [BUILD_DIR]     (BUILD_DIR defaults to build)
#   output: BUILD_DIR/linux/initramfs.cpio.gz
# example: tools/make-initramfs.sh build
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_args 0-1 "$@"

build=${1:-build}
out="$build/linux"
init="$(dirname "$0")/../tests/system/linux/guest-init.sh"
archive="$out/initramfs.cpio.gz"
mkdir -p "$out"

deb=$(find "$out" -maxdepth 1 -name 'busybox-static_*.deb' -print -quit)
if [ -z "$deb" ]; then
    echo "make-initramfs: downloading busybox-static" >&2
    # As root apt-get warns that its sandbox user cannot write here, which is harmless.
    (cd "$out" && apt-get download -q busybox-static >&2)
    deb=$(find "$out" -maxdepth 1 -name 'busybox-static_*.deb' -print -quit)
fi
[ -n "$deb" ] || { echo "make-initramfs: busybox-static could not be downloaded" >&2; exit 1; }

# The modules, each after its dependencies (their .modinfo "depends=": Debian's package has no
# modules.dep, depmod makes it at installation): virtio-mmio, virtio-pci (for the bare runs'
# virtio-blk-pci disk) and virtio-blk on virtio and virtio_ring; virtio-pci also on its modern
# and legacy device parts; ext4 on jbd2, mbcache and crc16, and through the crypto API (its "softdep=pre:
# crypto-crc32c", which only modprobe follows) on a crc32c for its metadata checksums.
modules="virtio_ring virtio virtio_mmio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
virtio_blk crc16 mbcache jbd2 crc32c_generic ext4"
kernel_deb=$(find "$out" -maxdepth 1 -name 'linux-image-*-amd64_*.deb' -print -quit)
[ -n "$kernel_deb" ] ||
    { echo "make-initramfs: no linux-image package in $out (run tools/fetch-linux.sh first)" >&2; exit 1; }

busybox=$(mktemp)
staging=$(mktemp -d)
trap 'rm -rf "$busybox" "$staging" "$archive.tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >"$busybox"
[ "$(od -An -t x1 -N 4 "$busybox" | tr -d ' ')" = "7f454c46" ] ||
    { echo "make-initramfs: $deb holds no ELF ./bin/busybox" >&2; exit 1; }

patterns=()
for module in $modules; do
    patterns+=("./lib/modules/*/$module.ko")    # tar's * matches across directories
done
dpkg-deb --fsys-tarfile "$kernel_deb" | tar -x -C "$staging" --wildcards "${patterns[@]}"
module_entries=""
for module in $modules; do
    path=$(find "$staging" -name "$module.ko" -print -quit)
    [ -n "$path" ] || { echo "make-initramfs: $kernel_deb has no $module.ko" >&2; exit 1; }
    module_entries+=$'\n'"file lib/modules/$module.ko 0644 $path"
done
printf '%s\n' $modules >"$staging/order"

# The archive's entries, one a line: TYPE NAME MODE [SOURCE | TARGET | MAJOR:MINOR].
# /dev/console must exist before /init runs: the kernel opens it as init's standard streams.
entries="dir bin 0755
file bin/busybox 0755 $busybox
link bin/sh 0777 busybox
dir dev 0755
char dev/console 0600 5:1
dir proc 0755
dir sys 0755
dir tmp 1777
dir lib 0755
dir lib/modules 0755
file lib/modules/order 0644 $staging/order$module_entries
file init 0755 $init"

# newc: per entry a 110-byte ASCII header ("070701" and 13 fields of 8 hex digits), the name
# with its NUL padded to 4 bytes, the data padded to 4 bytes; "TRAILER!!!" ends the archive.
python3 -c '
import os, stat, sys
out = bytearray()
def entry(number, name, mode, data=b"", rdev=(0, 0)):
    name = name.encode() + b"\0"
    fields = [number, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data), 0, 0,
              rdev[0], rdev[1], len(name), 0]
    out.extend(b"070701" + b"".join(b"%08x" % f for f in fields) + name)
    out.extend(b"\0" * (-len(out) % 4) + data + b"\0" * (-len(data) % 4))
kinds = {"dir": stat.S_IFDIR, "file": stat.S_IFREG, "link": stat.S_IFLNK, "char": stat.S_IFCHR}
for number, line in enumerate(sys.stdin.read().splitlines(), 1):
    kind, name, mode, *rest = line.split(" ", 3)
    mode = kinds[kind] | int(mode, 8)
    if kind == "file":
        entry(number, name, mode, open(rest[0], "rb").read())
    elif kind == "link":
        entry(number, name, mode, rest[0].encode())
    elif kind == "char":
        entry(number, name, mode, rdev=tuple(int(n) for n in rest[0].split(":")))
    else:
        entry(number, name, mode)
entry(0, "TRAILER!!!", 0)
sys.stdout.buffer.write(bytes(out))
' <<<"$entries" | gzip -9 -n >"$archive.tmp"
mv "$archive.tmp" "$archive"
echo "$archive"
