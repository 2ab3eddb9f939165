#!/usr/bin/env python3
"""Make fuzzer seeds from the ACPI test fixtures: the same tables packed into a small memory
image (RSDP at address 0, the root table and the others after it, pointers rewritten, checksums
recomputed), prefixed by the mode byte 0, written to seeds/ beside this script.

usage: tests/fuzz/acpi/make-seeds.py
"""
import glob
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))


def load(path):
    regions, rsdp, current = {}, None, None
    for line in open(path):
        words = line.split()
        if not words or words[0] == "#":
            continue
        if words[0] == "rsdp":
            rsdp = int(words[1], 16)
        elif words[0] == "region":
            current = int(words[1], 16)
            regions[current] = bytearray()
        else:
            regions[current] += bytes.fromhex(words[0])
    return rsdp, regions


def checksum(table, at):
    table[at] = 0
    table[at] = (0x100 - sum(table)) & 0xFF


def pack(rsdp, regions):
    order = [rsdp] + sorted(a for a in regions if a != rsdp)
    where, at = {}, 0
    for address in order:
        where[address] = at
        at += (len(regions[address]) + 15) & ~15
    image = bytearray(at)
    for address in order:
        table = bytearray(regions[address])
        if address == rsdp:
            struct.pack_into("<I", table, 16, where[struct.unpack_from("<I", table, 16)[0]])
            checksum(table, 8)
        elif table[:4] == b"RSDT":
            for entry in range(36, len(table), 4):
                old = struct.unpack_from("<I", table, entry)[0]
                struct.pack_into("<I", table, entry, where[old])
            checksum(table, 9)
        elif table[:4] == b"FACP":
            for field in (36, 40):
                struct.pack_into("<I", table, field, where[struct.unpack_from("<I", table, field)[0]])
            if len(table) >= 148:
                struct.pack_into("<QQ", table, 132, 0, 0)
            checksum(table, 9)
        image[where[address]:where[address] + len(table)] = table
    return bytes([0]) + image


def check_arguments(count):
    """--help prints the usage; anything else unexpected costs one line and exit status 2."""
    args = sys.argv[1:]
    if "--help" in args or "-h" in args:
        print(__doc__)
        sys.exit(0)
    for arg in args:
        if arg.startswith("-"):
            print(f"{os.path.basename(sys.argv[0])}: unknown option '{arg}' (see {sys.argv[0]} --help)",
                  file=sys.stderr)
            sys.exit(2)
    if len(args) != count:
        print(f"{os.path.basename(sys.argv[0])}: takes {count} arguments, got {len(args)} "
              f"(see {sys.argv[0]} --help)", file=sys.stderr)
        sys.exit(2)


check_arguments(0)
for path in sorted(glob.glob(os.path.join(here, "../../host/acpi/fixtures/*.acpi"))):
    name = os.path.basename(path)[:-5]
    open(os.path.join(here, "seeds", name), "wb").write(pack(*load(path)))
