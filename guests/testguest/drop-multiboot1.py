#!/usr/bin/env python3
"""Copies a test-guest ELF image with its multiboot1 header magic zeroed.

QEMU's -kernel loader prefers multiboot1 when an image has both a multiboot1 header and a PVH
note; without the magic it takes the PVH entry. The header is found as the section named by
--section (default .mb1.header), read from the ELF section headers.

example: guests/testguest/drop-multiboot1.py build/guests/testguest/testguest-low.elf low-pvh.elf
"""
import argparse
import struct
import sys

MB1_MAGIC = 0x1BADB002


def section_offset(image, wanted):
    """File offset of the section called wanted, or None."""
    if image[:4] != b"\x7fELF" or image[4] != 2:
        raise ValueError("not an ELF64 file")
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", image, 0x3A)
    def header(index):
        base = shoff + index * shentsize
        name, _type, _flags, _addr, offset, size = struct.unpack_from("<IIQQQQ", image, base)
        return name, offset, size
    _, names_offset, names_size = header(shstrndx)
    names = image[names_offset:names_offset + names_size]
    for index in range(shnum):
        name, offset, _ = header(index)
        end = names.index(b"\0", name)
        if names[name:end].decode() == wanted:
            return offset
    return None


class Parser(argparse.ArgumentParser):
    """argparse, but a bad command line costs one line on stderr (and exit status 2), and an
    unknown option is named as such even when arguments are missing too."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {sys.argv[0]} --help)\n")

    def parse_args(self, args=None, namespace=None):
        for arg in sys.argv[1:] if args is None else args:
            if arg.startswith("-") and arg.split("=")[0] not in self._option_string_actions:
                self.error(f"unknown option '{arg}'")
        return super().parse_args(args, namespace)


def main():
    parser = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--section", default=".mb1.header",
                        help="section whose first word is the multiboot1 magic")
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()
    image = bytearray(open(args.input, "rb").read())
    try:
        offset = section_offset(image, args.section)
    except ValueError as error:
        sys.exit(f"{args.input}: {error}")
    if offset is None:
        sys.exit(f"{args.input}: no section {args.section}")
    magic, = struct.unpack_from("<I", image, offset)
    if magic != MB1_MAGIC:
        sys.exit(f"{args.input}: section {args.section} does not start with the multiboot1 magic")
    struct.pack_into("<I", image, offset, 0)
    with open(args.output, "wb") as out:
        out.write(image)


if __name__ == "__main__":
    main()
