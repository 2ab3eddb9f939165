#!/usr/bin/env bash
# Fetches Debian's linux-image-*-amd64 package (download only: never installed, so no maintainer
# script runs), unpacks it under build/linux/, keeps its bzImage as BUILD_DIR/linux/bzImage and
# extracts the ELF vmlinux from it. Cached: does nothing when both exist. Prints the path of the
# vmlinux on success.
#
# usage: tools/fetch-linux.sh [BUILD_DIR]       (BUILD_DIR defaults to build)
# example: tools/fetch-linux.sh build
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_args 0-1 "$@"

build=${1:-build}
out="$build/linux"
vmlinux="$out/vmlinux"
if [ -s "$vmlinux" ] && [ -s "$out/bzImage" ]; then
    echo "$vmlinux"
    exit 0
fi
mkdir -p "$out"

# The versioned package the linux-image-amd64 metapackage points at (e.g. linux-image-6.1.0-NN-amd64).
package_name() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1
}
package=$(package_name || true)
if [ -z "$package" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    package=$(package_name)
fi
[ -n "$package" ] || { echo "fetch-linux: cannot resolve linux-image-amd64" >&2; exit 1; }

deb=$(find "$out" -maxdepth 1 -name "${package}_*.deb" -print -quit)
if [ -z "$deb" ]; then
    echo "fetch-linux: downloading $package" >&2
    # apt-get download writes into the current directory; as root it warns that the sandbox
    # user cannot write there, which is harmless.
    (cd "$out" && apt-get download -q "$package" >&2)
    deb=$(find "$out" -maxdepth 1 -name "${package}_*.deb" -print -quit)
fi

rm -rf "$out/root"
dpkg-deb -x "$deb" "$out/root"
bzimage=$(find "$out/root/boot" -name 'vmlinuz-*' -print -quit)
[ -n "$bzimage" ] || { echo "fetch-linux: no vmlinuz in $deb" >&2; exit 1; }
cp "$bzimage" "$out/bzImage"

# bzImage: the real-mode setup is (setup_sects + 1) sectors (setup_sects 0 means 4); the
# protected-mode part follows. Its header field payload_offset (0x248) and payload_length
# (0x24c) locate the compressed vmlinux relative to the start of the protected-mode part.
le32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
setup_sects=$(od -An -t u1 -j $((0x1f1)) -N 1 "$bzimage" | tr -d ' ')
[ "$setup_sects" -eq 0 ] && setup_sects=4
pm_start=$(((setup_sects + 1) * 512))
payload_offset=$(le32 "$bzimage" $((0x248)))
payload_length=$(le32 "$bzimage" $((0x24c)))
dd if="$bzimage" of="$out/payload" bs=1M iflag=skip_bytes,count_bytes \
    skip=$((pm_start + payload_offset)) count="$payload_length" status=none
magic=$(od -An -t x1 -N 6 "$out/payload" | tr -d ' ')
case "$magic" in
fd377a585a00) xz -dc < "$out/payload" > "$vmlinux.tmp" 2>/dev/null || true ;;
*) echo "fetch-linux: payload is not xz (magic $magic)" >&2; exit 1 ;;
esac
# The payload carries trailing size bytes after the xz stream; xz reports that as an error
# after writing everything, so judge the result by its ELF magic instead of xz's status.
[ "$(od -An -t x1 -N 4 "$vmlinux.tmp" | tr -d ' ')" = "7f454c46" ] ||
    { echo "fetch-linux: extracted payload is not an ELF file" >&2; exit 1; }
mv "$vmlinux.tmp" "$vmlinux"
rm -rf "$out/root" "$out/payload"
echo "$vmlinux"
