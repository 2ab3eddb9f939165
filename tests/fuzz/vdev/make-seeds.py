#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_vdev.c into seeds/: short programs that set up the
platform as a guest kernel would (local APIC timer, I/O APIC routes, the 8259 and PIT, x2APIC,
COM1, the RTC, PCI configuration space), so that the fuzzer starts from configured devices instead of reset ones.

usage: tests/fuzz/vdev/make-seeds.py [DIR]   (default: the seeds/ folder beside this script)

Other files in seeds/ are the fuzzer's findings, kept as regressions; this script leaves them.

The encoding follows fuzz_vdev.c: the platform's configuration (10 bytes), then for each action
an operation byte (its value modulo 13 selects the action),
then the action's arguments; ports, addresses and MSRs are given explicitly (the escape forms).
"""
import os
import struct
import sys

WIDTH = {1: 0, 2: 1, 4: 2, 8: 3}  # indices into fuzz_vdev.c's widths[]


def out(port, value, width=1):
    return bytes([0, 0xff]) + struct.pack("<HBI", port, WIDTH[width], value)


def inp(port, width=1):
    return bytes([1, 0xff]) + struct.pack("<HB", port, WIDTH[width])


def mmio_write(address, value, width=4):
    return bytes([2, 7]) + struct.pack("<HQBQ", 0, address, WIDTH[width], value)


def mmio_read(address, width=4):
    return bytes([3, 7]) + struct.pack("<HQB", 0, address, WIDTH[width])


def wrmsr(msr, value):
    return bytes([5, 0xff]) + struct.pack("<IBQ", msr, 0x03, value)


def rdmsr(msr):
    return bytes([4, 0xff]) + struct.pack("<I", msr)


def inject(flags=1):
    return bytes([6, flags])


def console(text):
    return bytes([7, len(text)]) + text


def time(delta_ns):
    """The smallest time-passing operation that covers delta_ns (rounded down)."""
    for op in range(256):
        if op % 13 not in (10, 11) or not op & 0x10:
            continue
        shift = (op >> 5) * 3
        if delta_ns >> shift < 1 << 32:
            return bytes([op]) + struct.pack("<I", delta_ns >> shift)
    raise ValueError(delta_ns)


# The platform's configuration: 2026-01-01 UTC, TSC 2.4 GHz and APIC timer 1 GHz, one vCPU.
SETUP = struct.pack("<qBB", 1767225600, 0 | 1 << 3, 0)

LAPIC = 0xfee00000
IOAPIC = 0xfec00000


def lapic_timer():
    s = mmio_write(LAPIC + 0xf0, 0x1ff)
    s += mmio_write(LAPIC + 0x3e0, 0xb)
    s += mmio_write(LAPIC + 0x320, 0x20040)  # periodic, vector 0x40
    s += mmio_write(LAPIC + 0x380, 100000)
    for _ in range(4):
        s += time(100000) + inject() + mmio_write(LAPIC + 0xb0, 0)
    s += mmio_read(LAPIC + 0x390)
    s += mmio_write(LAPIC + 0x320, 0x40041)  # TSC-deadline
    s += wrmsr(0x6e0, 5000000) + time(10000000) + inject()
    return s


def ioapic_pit():
    s = mmio_write(LAPIC + 0xf0, 0x1ff)
    s += mmio_write(IOAPIC, 0x14) + mmio_write(IOAPIC + 0x10, 0x30)   # pin 2: vector 0x30
    s += mmio_write(IOAPIC, 0x22) + mmio_write(IOAPIC + 0x10, 0x8039)  # pin 9: level
    s += out(0x43, 0x34) + out(0x40, 0xa9) + out(0x40, 0x04)
    for _ in range(3):
        s += time(1000000) + inject() + mmio_write(LAPIC + 0xb0, 0)
    s += bytes([8, 0x19, 0, 0]) + inject() + mmio_write(LAPIC + 0xb0, 0)  # IRQ 9 up
    return s


def pic_pit():
    s = b""
    for port, value in ((0x20, 0x11), (0xa0, 0x11), (0x21, 0x20), (0xa1, 0x28), (0x21, 4),
                        (0xa1, 2), (0x21, 1), (0xa1, 1), (0x21, 0xfe), (0xa1, 0xff)):
        s += out(port, value)
    s += out(0x43, 0x34) + out(0x40, 0xa9) + out(0x40, 0x04)
    for _ in range(3):
        s += time(1000000) + inject() + out(0x20, 0x20)
    s += out(0x43, 0xb0) + out(0x42, 0xff) + out(0x42, 0xff) + out(0x61, 0x01)
    s += out(0x43, 0xc8) + inp(0x42) + inp(0x42) + inp(0x42) + time(60000000) + inp(0x61)
    return s


def x2apic():
    s = wrmsr(0x1b, 0xfee00d00)
    s += wrmsr(0x80f, 0x1ff) + wrmsr(0x83f, 0x50) + inject() + wrmsr(0x80b, 0)
    s += wrmsr(0x830, 0x0000000000044051) + inject() + wrmsr(0x80b, 0)
    s += wrmsr(0x83e, 0x3) + wrmsr(0x832, 0x52) + wrmsr(0x838, 1000) + time(20000) + inject()
    s += rdmsr(0x80a) + rdmsr(0x839) + wrmsr(0x1b, 0xfee00100) + wrmsr(0x1b, 0xfee00900)
    return s


def com1():
    s = mmio_write(LAPIC + 0xf0, 0x1ff)
    s += mmio_write(IOAPIC, 0x18) + mmio_write(IOAPIC + 0x10, 0x44)
    s += out(0x3fb, 0x83) + out(0x3f8, 1) + out(0x3f9, 0) + out(0x3fb, 3) + out(0x3fa, 0xc7)
    s += out(0x3fc, 0x0b) + out(0x3f9, 0x0f) + out(0x3f8, ord("A"))
    s += console(b"hello") + time(1000000) + inject() + inp(0x3fa) + inp(0x3f8) + inp(0x3fd)
    s += out(0x3fc, 0x1f) + out(0x3f8, ord("B")) + inp(0x3fe)
    return s


def rtc():
    s = mmio_write(LAPIC + 0xf0, 0x1ff)
    s += mmio_write(IOAPIC, 0x20) + mmio_write(IOAPIC + 0x10, 0x38)
    s += out(0x70, 0x0b) + out(0x71, 0x72) + out(0x70, 0x01) + out(0x71, 0x05)
    s += out(0x70, 0x03) + out(0x71, 0xc0) + out(0x70, 0x05) + out(0x71, 0xc0)
    s += time(6000000000) + inject() + out(0x70, 0x0c) + inp(0x71)
    s += out(0x70, 0x0b) + out(0x71, 0x86) + out(0x70, 0x00) + out(0x71, 0x59)
    s += out(0x70, 0x0b) + out(0x71, 0x06) + out(0x70, 0x0a) + inp(0x71)
    return s


def pci():
    s = b""
    for register in range(0, 0x40, 4):
        s += out(0xcf8, 0x80001800 | register, 4) + inp(0xcfc, 4)
    for register in (0x10, 0x14, 0x20, 0x24):
        s += out(0xcf8, 0x80001800 | register, 4) + out(0xcfc, 0xffffffff, 4) + inp(0xcfc, 4)
    s += out(0xcf8, 0x80001804, 4) + out(0xcfc, 0x0007, 2) + inp(0xcfe, 2)
    s += out(0xcf8, 0x80001840, 4) + inp(0xcfc, 4) + out(0xcf8, 0x80000000, 4) + inp(0xcfd, 1)
    return s


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
        print(f"{name}: takes at most one folder, got {len(args)} arguments "
              f"(see {sys.argv[0]} --help)", file=sys.stderr)
        sys.exit(2)
    return args


def main():
    args = arguments()
    folder = args[0] if args else os.path.join(os.path.dirname(__file__), "seeds")
    os.makedirs(folder, exist_ok=True)
    for name, make in (("lapic-timer", lapic_timer), ("ioapic-pit", ioapic_pit),
                       ("pic-pit", pic_pit), ("x2apic", x2apic), ("com1", com1), ("rtc", rtc),
                       ("pci", pci)):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(SETUP + make())


if __name__ == "__main__":
    main()
