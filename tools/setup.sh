#!/usr/bin/env bash
# Installs the Debian packages beaml4 needs to build, boot and test (with sudo when not root).
# Idempotent: installs only what is missing, so `make run` and `make test` may call it every time.
#
# usage: tools/setup.sh
# example: tools/setup.sh       (make setup runs it)
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_args 0 "$@"

packages=(
  # build
  gcc make binutils clang-14 libclang-rt-14-dev clang-format clang-tidy cppcheck
  # boot media and emulators
  grub-pc-bin grub-common xorriso mtools qemu-system-x86 bochs bochs-term bochsbios vgabios
  # host test frameworks and reference decoders
  libcmocka-dev libzydis-dev libcapstone-dev
  # reference CRC-32 for the boot layer's host tests
  zlib1g-dev
  # unpacking Debian's kernel image for the decoder's real-code tests (tools/fetch-linux.sh)
  xz-utils
  # the ext4 image of the Linux guest's disk test, checked after it (tests/system/linux/run-ext4.sh)
  e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Through env, so that the setting survives sudo's reset of the environment (debconf must not ask).
apt=(env DEBIAN_FRONTEND=noninteractive apt-get)
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "setup: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
  }
  apt=(sudo "${apt[@]}")
fi
echo "setup: installing ${missing[*]}" >&2
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
