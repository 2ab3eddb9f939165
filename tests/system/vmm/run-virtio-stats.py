#!/usr/bin/env python3
"""System test of the virtio request counts in `vm stats`: boots beaml4 under QEMU TCG with the
test guest's virtio-blk program in two VMs over one read-only disk module (the pattern
run-virtio-blk.sh writes), one in PV mode and one in AMD-V mode, and drives the shell (dbg) over
the serial line. Each guest says how many reads and writes its device answered and how many of
those with an error; once it has ended, `vm stats` must show the same numbers as blk-reads,
blk-writes and blk-errors, no flush, and VMs without disk= no blk counters at all. A third VM
runs the virtio-hostile program over the same module: vm stats must count the requests its
device answered as the guest did (the chains that broke the device are no requests).

usage: tests/system/vmm/run-virtio-stats.py KERNEL INIT IMAGE_LOW IMAGE_HIGH LOGDIR
  KERNEL      the kernel image (build/kernel/beaml4.elf)
  INIT        init, with dbg and the VMM embedded (build/services/init/init.elf)
  IMAGE_LOW   the test guest linked low, for PV mode (testguest-low-pvh.elf)
  IMAGE_HIGH  the test guest linked high, for AMD-V mode (testguest-high-pvh.elf)
  LOGDIR      where the disk image and the serial transcript (serial-virtio-stats.log) go
"""
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location("run_dbg",
                                              os.path.join(HERE, "..", "dbg", "run-dbg.py"))
dbg = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dbg)
expect = dbg.expect

VM_SECONDS = 120
SECTORS = 64
VMS = (("blkpv", "pv"), ("blksvm", "svm"))


def counters(m, name):
    return dbg.stats_counters(m.command(f"vm stats {name}"))


def guest_counts(m, name, plausible):
    """What the guest says its device answered, once it has exited; plausible(reads, writes,
    errors) judges the numbers before vm stats is asked."""
    m.wait_line(rf"^init: VM {name} exited: exit hypercall: .*, status 0$", 0, VM_SECONDS)
    said = m.wait_line(rf"^{name}: (virtio-[a-z]+: )?requests answered: ", 0)
    match = re.search(r"requests answered: (\d+) reads, (\d+) writes, (\d+) errors$", said)
    expect(match is not None, f"{name} said {said!r}")
    reads, writes, errors = (int(g) for g in match.groups())
    expect(plausible(reads, writes, errors), f"{name} said {said!r}")
    return reads, writes, errors


def check_counts(m, name):
    # Every sector, one read past the end, the read after the reset; one refused write.
    reads, writes, errors = guest_counts(
        m, name, lambda r, w, e: r == SECTORS + 2 and w == 1 and e == 2)
    found = counters(m, name)
    want = {"blk-reads": reads, "blk-writes": writes, "blk-flushes": 0, "blk-errors": errors}
    got = {key: found.get(key) for key in want}
    expect(got == want, f"vm stats {name}: {got}, the guest counted {want}")
    print(f"     {name}: vm stats shows {reads} reads, {writes} write, {errors} errors, as the "
          f"guest counted")


def check_hostile(m):
    """The hostile driver's requests the device answered (the broken chains are not requests):
    the flood's 300 reads and more, no write, one error (the header it could not read)."""
    reads, writes, errors = guest_counts(m, "hostile",
                                         lambda r, w, e: r > 300 and w == 0 and e == 1)
    found = counters(m, "hostile")
    want = {"blk-reads": reads, "blk-writes": writes, "blk-errors": errors}
    got = {key: found.get(key) for key in want}
    expect(got == want, f"vm stats hostile: {got}, the guest counted {want}")
    print(f"     hostile: vm stats shows {reads} reads, {writes} writes, {errors} error, as the "
          f"guest counted")


def check_no_disk(m):
    m.wait_line(r"^init: VM nodisk exited: .*status 0$", 0, VM_SECONDS)
    found = counters(m, "nodisk")
    expect("con-requests" in found and "rng-requests" in found and
           not any(key.startswith("blk-") for key in found), f"vm stats nodisk: {found}")


def main():
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(__doc__.strip())
        return 0
    for arg in sys.argv[1:]:
        if arg.startswith("-"):
            print(f"{os.path.basename(sys.argv[0])}: unknown option '{arg}' "
                  f"(see {sys.argv[0]} --help)", file=sys.stderr)
            return 2
    if len(sys.argv) != 6:
        print(f"{os.path.basename(sys.argv[0])}: takes 5 arguments, got {len(sys.argv) - 1} "
              f"(see {sys.argv[0]} --help)", file=sys.stderr)
        return 2
    kernel, init, low, high, logdir = sys.argv[1:]
    os.makedirs(logdir, exist_ok=True)
    disk = os.path.join(logdir, "vdisk.img")
    with open(disk, "wb") as f:
        for s in range(SECTORS):
            f.write(bytes((s * 7 + i * 13 + 1) & 0xff for i in range(512)))
    modules = [f"{low if mode == 'pv' else high} vm={name} mode={mode} mem=64M "
               f"disk=vdisk.img:ro cmdline=\"test=virtio-blk\"" for name, mode in VMS]
    modules += [f"{low} vm=hostile mode=pv mem=64M disk=vdisk.img:ro "
                f"cmdline=\"test=virtio-hostile\"",
                f"{low} vm=nodisk mode=pv mem=32M cmdline=\"test=console\"", disk]
    checks = dbg.Checks()
    machine = None
    try:
        machine = dbg.Machine(["-m", "512"] + dbg.direct_boot(kernel, init, modules),
                              os.path.join(logdir, "serial-virtio-stats.log"))
        machine.wait(machine.at_prompt, "prompt", dbg.BOOT_SECONDS)
        for name, mode in VMS:
            checks.check(f"vm stats {name} ({mode}): the virtio-blk requests the guest made",
                         check_counts, machine, name)
        checks.check("vm stats hostile: the requests of the hostile driver the device answered",
                     check_hostile, machine)
        checks.check("vm stats of a VM without disk=: no blk counters", check_no_disk, machine)
    except dbg.Failure as error:
        print(f"FAIL virtio-stats run: {error}")
        checks.failed += 1
    finally:
        if machine is not None:
            machine.close()
    if checks.failed:
        print(f"virtio-stats: FAILED, {checks.failed} of {checks.passed + checks.failed} checks "
              f"(transcript in {logdir})")
        return 1
    print(f"virtio-stats: {checks.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
