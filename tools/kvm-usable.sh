#!/usr/bin/env bash
# Exit 0 when /dev/kvm can be opened for reading and writing by this user, 1 otherwise.
# Tests run their KVM variants only then, and say they skipped them otherwise.
#
# usage: tools/kvm-usable.sh
# example: if tools/kvm-usable.sh; then echo "KVM usable"; fi
source "$(dirname "$0")/lib/cli.sh"
cli_args 0 "$@"
[ -c /dev/kvm ] && { exec 3<>/dev/kvm; } 2>/dev/null
