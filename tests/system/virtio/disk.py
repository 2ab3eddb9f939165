#!/usr/bin/env python3
"""The disk image of the virtio disk test: writes the pattern services/blktest/blktest.h
describes (sector n: n, the sector count, bytes (n * 7 + i) & 0xff, the sum of the words), and
checks an image afterwards: the sectors blktest writes (100-131 and the last) hold its mark
instead of the count, every other sector is as written here ("check"), or every sector is as
written here ("same": a read-only disk).

usage: tests/system/virtio/disk.py make IMAGE SECTORS
       tests/system/virtio/disk.py check IMAGE SECTORS
       tests/system/virtio/disk.py same IMAGE SECTORS
"""
import os
import struct
import sys

SECTOR = 512
MARK = 0x6E657474697277  # "written"
WRITTEN = set(range(100, 132))


def sector(n, second):
    body = struct.pack("<QQ", n, second) + bytes((n * 7 + i) & 0xFF for i in range(16, SECTOR - 8))
    total = sum(struct.unpack("<%dQ" % ((SECTOR - 8) // 8), body)) & (2**64 - 1)
    return body + struct.pack("<Q", total)


def usage_exit(status, message=None):
    if message is None:
        print(__doc__.strip())
    else:
        print(f"{os.path.basename(sys.argv[0])}: {message} (see {sys.argv[0]} --help)",
              file=sys.stderr)
    sys.exit(status)


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        usage_exit(0)
    for arg in args:
        if arg.startswith("-"):
            usage_exit(2, f"unknown option '{arg}'")
    if len(args) != 3 or args[0] not in ("make", "check", "same") or not args[2].isdigit():
        usage_exit(2, "takes make|check|same, an image and a sector count")
    action, path, count = args[0], args[1], int(args[2])
    if action == "make":
        with open(path, "wb") as out:
            out.write(b"".join(sector(n, count) for n in range(count)))
        return 0
    with open(path, "rb") as image:
        data = image.read()
    if len(data) != count * SECTOR:
        print("disk.py: the image has %d bytes, not %d" % (len(data), count * SECTOR))
        return 1
    wrong = []
    for n in range(count):
        written = action == "check" and (n in WRITTEN or n == count - 1)
        if data[n * SECTOR:(n + 1) * SECTOR] != sector(n, MARK if written else count):
            wrong.append("%d (%s)" % (n, "not written" if written else "changed"))
    if wrong:
        print("disk.py: wrong sectors: " + ", ".join(wrong[:20]))
        return 1
    if action == "same":
        print("disk.py: all %d sectors unchanged" % count)
    else:
        print("disk.py: %d sectors written as asked, the other %d unchanged" % (len(WRITTEN) + 1, count - len(WRITTEN) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
