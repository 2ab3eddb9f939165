#!/usr/bin/env python3
"""Writes the virtio fuzzer's seeds: programs in fuzz_virtio.c's encoding that bring each device
up and make it serve a well-formed request, so that fuzzing starts from live queues.

usage: tests/fuzz/virtio/make-seeds.py [DIR]   (default: the seeds/ folder beside this script)
"""
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def handshake(dev, queues, base):
    b = bytes([dev << 4 | 4, 0, 0])
    for q in range(queues):
        b += bytes([3]) + struct.pack("<H", base + 0x800 * q)
    return b


def ram(at, value):
    return bytes([2]) + struct.pack("<HQ", at, value)


def desc(dev, q, index, addr, length, flags, nxt):
    return bytes([dev << 4 | 5, q, index]) + struct.pack("<HHBB", addr, length, flags, nxt)


def publish(dev, q, head):
    return bytes([dev << 4 | 7, q, head])


def blk_read(dev):
    return (handshake(dev, 1, 0x1000) + ram(0x3000, 0) + ram(0x3008, 1) +
            desc(dev, 0, 0, 0x3000, 16, 1, 1) + desc(dev, 0, 1, 0x4000, 512, 3, 2) +
            desc(dev, 0, 2, 0x3100, 1, 2, 0) + publish(dev, 0, 0))


SEEDS = {
    "blk-read": blk_read(0),
    "blk-deferred": blk_read(1) + bytes([9, 0, 0]),
    "console": (handshake(2, 2, 0x1000) + desc(2, 1, 0, 0x3000, 32, 0, 0) + publish(2, 1, 0) +
                desc(2, 0, 0, 0x3200, 32, 2, 0) + publish(2, 0, 0) + bytes([11, 4]) + b"ping"),
    "rng": handshake(3, 1, 0x1000) + desc(3, 0, 0, 0x3000, 64, 2, 0) + publish(3, 0, 0),
}

def arguments():
    """--help prints the usage; an option or a second folder costs one line and exit status 2."""
    args = sys.argv[1:]
    if "--help" in args or "-h" in args:
        print(__doc__)
        sys.exit(0)
    name = os.path.basename(sys.argv[0])
    for arg in args:
        if arg.startswith("-"):
            print(f"{name}: unknown option '{arg}' (see {sys.argv[0]} --help)", file=sys.stderr)
            sys.exit(2)
    if len(args) > 1:
        print(f"{name}: takes at most one folder (see {sys.argv[0]} --help)", file=sys.stderr)
        sys.exit(2)
    return args


def main():
    args = arguments()
    folder = args[0] if args else OUT
    os.makedirs(folder, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
