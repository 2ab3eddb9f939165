#!/usr/bin/env python3
"""System test of a VM's virtio-blk disk backed by the machine's own disk (disk=dev:N): beaml4
boots under QEMU TCG with a virtio-blk PCI function over an image this script writes (4096
sectors, byte i of sector s = (s * 5 + i * 7 + 3) mod 256), and the test guest's virtio-blk-rw
program in a VM whose disk is the window dev:0:1000+100. Three boots:

  rw   PV mode, the window writable: the guest writes every sector of it in 20 KiB requests
       (the VMM splits them for its 16 KiB buffer), flushes, reads back twice, is refused past
       the window's end. Then, on the host: sectors 1000-1099 of the image hold the guest's
       pattern for window sector s - 1000, every other sector is as written here.
  ro   AMD-V mode, the same window with :ro: the device offers RO, a write is refused with IOERR,
       every sector reads back the pattern the rw boot left (it lasted: a new boot of the machine
       and of the VM). The image is byte for byte as the rw boot left it.
  bad  dev:1 on a machine with one disk: the VM is refused at start saying how many disks there
       are; dev:0:4000+200 (past the disk's 4096 sectors): the virtio service refuses the grant,
       the VM ends saying so. The image is unchanged.
  whole  a second disk of 64 sectors beside the first: a VM with disk=dev:1 (all of it, no
       window) writes and reads it as in rw; then every sector of the second image holds the
       pattern and the first image is unchanged. dev:2 is refused, naming the two disks.
  again  through the shell (dbg, on the serial line): a VM with dev:0:2000+50 runs the program
       in PV mode, and once it has exited, `vm start` runs it again and, after `vm mode ... svm`,
       a third time in AMD-V mode: each new start of its VMM gets the endpoint and the grant
       again (its buffer stays mapped) and every check passes. Then sectors 2000-2049 hold the
       pattern, and the rest of the image is as the earlier boots left it.

usage: tests/system/vmm/run-machine-disk.py KERNEL INIT LOW HIGH LOGDIR
  LOW, HIGH  the test guest linked low (PV) and high (AMD-V)
example: tests/system/vmm/run-machine-disk.py build/kernel/beaml4.elf \\
             build/services/init/init.elf build/guests/testguest/testguest-low-pvh.elf \\
             build/guests/testguest/testguest-high-pvh.elf build/tests/machine-disk
"""
import hashlib
import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The shell's harness (a serial socket read as a terminal shows it, commands typed byte by byte).
SPEC = importlib.util.spec_from_file_location("run_dbg",
                                              os.path.join(HERE, "..", "dbg", "run-dbg.py"))
dbg = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dbg)
AGAIN_START, AGAIN_COUNT = 2000, 50
VM_SECONDS = 120
RUN_QEMU = os.path.join(HERE, "..", "..", "..", "tools", "run-qemu.sh")
SECTOR = 512
SECTORS = 4096
START, COUNT = 1000, 100
WHOLE_SECTORS = 64
RW_CHECKS, RO_CHECKS = 10, 6


def initial(s):
    return bytes((s * 5 + i * 7 + 3) & 0xFF for i in range(SECTOR))


def written(s):
    """The guest's pattern for window sector s (guests/testguest/programs/virtio_blk.c)."""
    return bytes((s * 11 + i * 3 + 0x5A) & 0xFF for i in range(SECTOR))


def boot(name, logdir, images, modules):
    log = os.path.join(logdir, name + ".log")
    disks = [arg for image in images for arg in ("--disk", image)]
    with open(log, "wb") as out:
        code = subprocess.call([RUN_QEMU, "--timeout", "180", "--memory", "512"] + disks +
                               ["--append", "exit_after_vms"] + modules,
                               stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    with open(log, "rb") as f:
        text = f.read().decode("latin-1").replace("\r\n", "\n")
    return code, text, log


class Result:
    def __init__(self):
        self.failed = False

    def check(self, ok, what, log=None):
        print(("PASS " if ok else "FAIL ") + what + ("" if ok or log is None else f" (log: {log})"))
        self.failed |= not ok

    def expect(self, text, line, log):
        self.check(line in text, "line: " + line, log)


def guest_lines(text):
    return [l for l in text.splitlines() if "tg: " in l][-15:]


def run_again(kernel, init, low, image, logdir):
    """The fourth boot, driven through the shell; True when every run passed."""
    vm = (f'{low} vm=tg mode=pv mem=64M disk=dev:0:{AGAIN_START}+{AGAIN_COUNT} '
          'cmdline="test=virtio-blk-rw"')
    boot = ["-m", "512",
            "-drive", f"if=none,id=disk8,format=raw,file={image.replace(',', ',,')}",
            "-device", "virtio-blk-pci,drive=disk8,disable-legacy=on,serial=beaml4-disk0,"
            "addr=0x8"] + dbg.direct_boot(kernel, init, [vm])
    machine = None
    passed = f"tg: == virtio-blk-rw: {RW_CHECKS} checks passed"
    exited = "init: VM tg exited: exit hypercall: the guest's EXIT hypercall, status 0"
    try:
        machine = dbg.Machine(boot, os.path.join(logdir, "again.log"))
        for run, command in enumerate([None, "vm start tg", "vm mode tg svm"]):
            mark = len(machine.terminal.lines)
            if command is not None:
                machine.command(command)
            if run == 2:
                machine.command("vm start tg")
            machine.wait_line("^" + exited.replace("(", r"\(").replace(")", r"\)"), mark,
                              VM_SECONDS)
            lines = machine.terminal.lines[mark:]
            if passed not in lines or any("FAIL" in l for l in lines):
                print("\n".join(l for l in lines if "tg: " in l)[-2000:])
                return False
            print(f"     run {run + 1}: {passed}")
        return True
    except dbg.Failure as failure:
        print(f"     {failure}")
        return False
    finally:
        if machine is not None:
            machine.close()


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__.strip())
        return 0
    for arg in args:
        if arg.startswith("-"):
            print(f"{os.path.basename(sys.argv[0])}: unknown option '{arg}' "
                  f"(see {sys.argv[0]} --help)", file=sys.stderr)
            return 2
    if len(args) != 5:
        print(f"{os.path.basename(sys.argv[0])}: KERNEL INIT LOW HIGH LOGDIR expected, got "
              f"{len(args)} arguments (see {sys.argv[0]} --help)", file=sys.stderr)
        return 2
    kernel, init, low, high, logdir = args
    os.makedirs(logdir, exist_ok=True)
    image = os.path.join(logdir, "machine-disk.img")
    with open(image, "wb") as f:
        for s in range(SECTORS):
            f.write(initial(s))
    r = Result()

    vm = f'{low} vm=tg mode=pv mem=64M disk=dev:0:{START}+{COUNT} cmdline="test=virtio-blk-rw"'
    code, text, log = boot("rw", logdir, [image], [kernel, init, vm])
    r.expect(text, f"vmm: disk dev:0: {COUNT} sectors, read-write, id 'beaml4-disk0'", log)
    r.expect(text, f"tg: == virtio-blk-rw: {RW_CHECKS} checks passed", log)
    r.expect(text, "init: VM tg exited: exit hypercall: the guest's EXIT hypercall, status 0", log)
    r.check("FAIL" not in text and code == 0, f"rw boot: no FAIL, QEMU status {code}", log)
    if r.failed:
        print("\n".join(guest_lines(text)))
    with open(image, "rb") as f:
        data = f.read()
    wrong_in = [s for s in range(START, START + COUNT)
                if data[s * SECTOR:(s + 1) * SECTOR] != written(s - START)]
    wrong_out = [s for s in range(SECTORS) if not START <= s < START + COUNT
                 and data[s * SECTOR:(s + 1) * SECTOR] != initial(s)]
    r.check(len(data) == SECTORS * SECTOR and not wrong_in,
            f"the image's sectors {START}-{START + COUNT - 1} hold the guest's pattern"
            + (f" (not: {wrong_in[:8]})" if wrong_in else ""))
    r.check(not wrong_out, f"the other {SECTORS - COUNT} sectors are unchanged"
            + (f" (changed: {wrong_out[:8]})" if wrong_out else ""))
    digest = hashlib.sha256(data).hexdigest()

    vm = (f'{high} vm=tg mode=svm mem=64M disk=dev:0:{START}+{COUNT}:ro '
          'cmdline="test=virtio-blk-rw"')
    code, text, log = boot("ro", logdir, [image], [kernel, init, vm])
    r.expect(text, f"vmm: disk dev:0: {COUNT} sectors, read-only, id 'beaml4-disk0'", log)
    r.expect(text, f"tg: == virtio-blk-rw: {RO_CHECKS} checks passed", log)
    r.expect(text, "init: VM tg exited: exit hypercall: the guest's EXIT hypercall, status 0", log)
    r.check("FAIL" not in text and code == 0, f"ro boot: no FAIL, QEMU status {code}", log)
    with open(image, "rb") as f:
        r.check(hashlib.sha256(f.read()).hexdigest() == digest,
                "the read-only boot left the image byte for byte as it was")

    modules = [kernel, init,
               f'{low} vm=nodisk mode=pv mem=32M disk=dev:1 cmdline="test=virtio-blk-rw"',
               f'{low} vm=past mode=pv mem=32M disk=dev:0:4000+200 cmdline="test=virtio-blk-rw"']
    code, text, log = boot("bad", logdir, [image], modules)
    r.expect(text, "init: VM nodisk not started: disk=dev:1: the machine has 1 virtio-blk disk "
             "(dev:0)", log)
    r.expect(text, "virtio: the grant of disk 0 to client 17 refused: sectors 4000+200 are not "
             "on its 4096 sectors", log)
    r.expect(text, "init: VM past failed: load error: disk dev:0: the virtio service refused the "
             "window (no such disk, or past its end)", log)
    r.check("tg: == virtio-blk-rw" not in text and "past: ==" not in text,
            "neither refused VM ran its program", log)
    with open(image, "rb") as f:
        r.check(hashlib.sha256(f.read()).hexdigest() == digest, "the refused VMs left the image "
                "as it was")
    second = os.path.join(logdir, "machine-disk-1.img")
    with open(second, "wb") as f:
        for s in range(WHOLE_SECTORS):
            f.write(initial(s))
    vms = [f'{low} vm=whole mode=pv mem=32M disk=dev:1 cmdline="test=virtio-blk-rw"',
           f'{low} vm=third mode=pv mem=32M disk=dev:2 cmdline="test=virtio-blk-rw"']
    code, text, log = boot("whole", logdir, [image, second], [kernel, init] + vms)
    r.expect(text, f"vmm: disk dev:1: {WHOLE_SECTORS} sectors, read-write, id 'beaml4-disk1'",
             log)
    r.expect(text, f"whole: == virtio-blk-rw: {RW_CHECKS} checks passed", log)
    r.expect(text, "init: VM whole exited: exit hypercall: the guest's EXIT hypercall, status 0",
             log)
    r.expect(text, "init: VM third not started: disk=dev:2: the machine has 2 virtio-blk disks "
             "(dev:0 to dev:1)", log)
    # Status 1: exit_after_vms counts the refused VM.
    r.check("FAIL" not in text and code == 1, f"whole boot: no FAIL, QEMU status {code}", log)
    with open(second, "rb") as f:
        r.check(f.read() == b"".join(written(s) for s in range(WHOLE_SECTORS)),
                "every sector of the second disk holds the guest's pattern")
    with open(image, "rb") as f:
        r.check(hashlib.sha256(f.read()).hexdigest() == digest, "the first disk is unchanged")
    r.check(run_again(kernel, init, low, image, logdir), "the VM started three times from the "
            "shell (PV, PV, AMD-V) passed every check each time")
    with open(image, "rb") as f:
        data = f.read()
    wrong = [s for s in range(SECTORS) if not START <= s < START + COUNT and
             data[s * SECTOR:(s + 1) * SECTOR] !=
             (written(s - AGAIN_START) if AGAIN_START <= s < AGAIN_START + AGAIN_COUNT
              else initial(s))]
    r.check(not wrong, f"sectors {AGAIN_START}-{AGAIN_START + AGAIN_COUNT - 1} hold the pattern, "
            "the others as before" + (f" (not: {wrong[:8]})" if wrong else ""))
    if r.failed:
        print(f"test-vmm-machine-disk: FAILED (logs: {logdir})")
        return 1
    print("test-vmm-machine-disk: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
