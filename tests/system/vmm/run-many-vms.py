#!/usr/bin/env python3
"""System test of many VMs at once and of the VM life cycle leaking nothing: boots beaml4 under
QEMU TCG (-cpu max, -m 1024) with 16 VMs of the test guest declared, the most init takes, a mix
of mode=pv and mode=auto (AMD-V here), and a 17th declaration; drives the shell (dbg) over the
serial line.

  spin      pv, test=fault-loop: traps to its VMM for ever, as fast as it can
  w01..w13  pv and auto by turns, test=console,cpuid,echo: echo polls COM1 (it spins too) until
            the shell's vm console types it a line and "end"
  cycpv     pv, autostart=no, test=halt-forever: started and killed again and again
  cychw     auto, autostart=no: the same in the hardware mode
  extra     the 17th: refused (one VM too many), the 16 others run

Checked: init refuses extra with its message; vm list shows the 16 and, once cycpv and cychw are
started beside the others, all 16 running at once; vm stats a pv and an svm VM's counters while
they run; every worker, let go through its console, runs its programs to the end (status 0)
beside spin; the shell answers within 10 s while
spin traps; vm stats refuses unknown and never-started VMs; then cycpv and cychw are each started
(until init says they run) and killed CYCLES times, and init's free RAM and used capability slots
(mem) are the same after as before.

usage: tests/system/vmm/run-many-vms.py [--cycles N] KERNEL INIT IMAGE LOGDIR
  --cycles N  start/kill cycles of each of cycpv and cychw (default 10; make test-slow: 1000)
  KERNEL      the kernel image (build/kernel/beaml4.elf)
  INIT        init, with dbg and the VMM embedded (build/services/init/init.elf)
  IMAGE       the test guest (build/guests/testguest/testguest-low-pvh.elf)
  LOGDIR      where the serial transcript goes (serial-many-vms.log)
example: tests/system/vmm/run-many-vms.py --cycles 10 build/kernel/beaml4.elf \\
             build/services/init/init.elf build/guests/testguest/testguest-low-pvh.elf \\
             build/tests/vmm/many-vms
"""
import importlib.util
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location("run_dbg",
                                              os.path.join(HERE, "..", "dbg", "run-dbg.py"))
dbg = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dbg)
expect = dbg.expect

RESPONSE_SECONDS = 10.0
VM_SECONDS = 300
# init takes 16 VMs (lib/vmdecl's VMDECL_VMS_MAX; the kernel hands over 31 modules after init's):
# spin, the workers, cycpv and cychw; EXTRA is one too many.
VMS_MAX = 16
WORKERS = [f"w{i:02d}" for i in range(1, VMS_MAX - 2)]
EXTRA = "extra"


def usage_exit(status, message=None):
    if message is not None:
        print(f"{os.path.basename(sys.argv[0])}: {message} (see {sys.argv[0]} --help)",
              file=sys.stderr)
    else:
        print(__doc__.strip())
    sys.exit(status)


def worker_mode(name):
    return "pv" if int(name[1:]) % 2 == 1 else "auto"


def is_log(line):
    return re.match(r"^[a-z0-9-]+: ", line) is not None and not line.startswith(
        ("vm ", "mem: "))


def shell(m, line):
    return [l for l in m.command(line) if not is_log(l)]


def vm_rows(m):
    rows = dbg.table(shell(m, "vm list"), "NAME STATE MODE MEMORY VCPUS KERNEL")
    return {row[0]: row[1] for row in rows}


counters = dbg.stats_counters


def check_all_listed(m):
    m.wait(m.at_prompt, "prompt", dbg.BOOT_SECONDS)
    m.wait_line(rf"^init: module {VMS_MAX} \(.* vm={EXTRA} .*\) refused: vm: '{EXTRA}' is one VM "
                rf"too many \(at most {VMS_MAX}\)$", 0, 10)
    m.wait_line(rf"^init: {VMS_MAX} VMs declared$", 0, 10)
    m.wait_line(r"^init: VM spin running", 0, VM_SECONDS)
    rows = vm_rows(m)
    expect(len(rows) == VMS_MAX, f"vm list shows {len(rows)} VMs: {rows}")
    expect(EXTRA not in rows, f"{EXTRA} is listed: {rows}")
    expect(rows.get("cycpv") == "declared" and rows.get("cychw") == "declared", f"{rows}")
    expect(all(rows.get(w) in ("starting", "running", "exited") for w in WORKERS), f"{rows}")


def check_all_running(m):
    # The workers wait in echo: with cycpv and cychw started, all 16 VMMs run at once.
    deadline = time.time() + VM_SECONDS
    rows = vm_rows(m)
    while any(rows.get(w) == "starting" for w in WORKERS):
        expect(time.time() < deadline, f"workers still starting after {VM_SECONDS} s: {rows}")
        time.sleep(1)
        rows = vm_rows(m)
    for name in ("cycpv", "cychw"):
        got = shell(m, f"vm start {name}")
        expect(got == [f"vm start: {name} starting"], f"vm start {name}: {got}")
    rows = vm_rows(m)
    while any(state == "starting" for state in rows.values()):
        expect(time.time() < deadline, f"VMs still starting after {VM_SECONDS} s: {rows}")
        time.sleep(1)
        rows = vm_rows(m)
    running = [name for name, state in rows.items() if state == "running"]
    expect(len(running) == VMS_MAX, f"{len(running)} VMs running, not {VMS_MAX}: {rows}")
    for name in ("cycpv", "cychw"):
        got = shell(m, f"vm kill {name}")
        expect(got == [f"vm kill: {name} stopped"], f"vm kill {name}: {got}")
    print(f"     {len(running)} VMs running at once")


def release(m, name):
    """Lets a worker waiting in echo go: a line and "end" through vm console; once it has ended,
    the next byte typed detaches the shell."""
    m.wait_line(rf"^{name}: echo: ready", 0, VM_SECONDS)
    m.wait(m.at_prompt, "prompt")
    mark = len(m.terminal.lines)
    m.type(f"vm console {name}\r".encode())
    m.wait_line(rf"^vm console: attached to {name}'s COM1", mark)
    m.type(b"go\rend\r")
    deadline = time.time() + VM_SECONDS
    while True:
        time.sleep(1)
        m.type(b"x")
        try:
            m.wait_line(rf"^vm console: {name} is exited: detached$", mark, 1)
            break
        except dbg.Failure:
            expect(time.time() < deadline, f"{name} has not ended {VM_SECONDS} s after 'end'")
    m.wait(m.at_prompt, f"prompt after {name} ended")


def check_stats(m):
    got = shell(m, "vm stats spin")
    expect(got and re.fullmatch(r"vm spin: running, mode pv, 16 MiB, started 1 time", got[0]),
           f"vm stats spin: {got}")
    expect(len(got) > 1 and re.fullmatch(r"  uptime \d+\.\d{3} s", got[1]), f"{got}")
    # The VMM rewrites its figures at its timer's signals and every 4096 traps: soon, not at once.
    deadline = time.time() + 60
    first = counters(got).get("faults", 0)
    while first == 0 and time.time() < deadline:
        time.sleep(1)
        got = shell(m, "vm stats spin")
        first = counters(got).get("faults", 0)
    expect(first > 0, f"spin has no faults counted: {got}")
    again = first
    while again == first and time.time() < deadline + 60:
        time.sleep(1)
        again = counters(shell(m, "vm stats spin")).get("faults", 0)
    expect(again > first, f"spin's faults did not grow: {first} then {again}")
    m.wait_line(r"^init: VM w02 running", 0, VM_SECONDS)
    got = shell(m, "vm stats w02")
    expect(got and re.fullmatch(r"vm w02: (running|exited), mode svm, 16 MiB, started 1 time",
                                got[0]), f"vm stats w02: {got}")
    expect(counters(got).get("entries", 0) > 0, f"w02 has no VM entries counted: {got}")


def check_responsive(m):
    worst = 0.0
    for line in ["vm list", "mem", "vm stats spin", "ps"]:
        start = time.time()
        shell(m, line)
        worst = max(worst, time.time() - start)
    expect(worst < RESPONSE_SECONDS, f"a command took {worst:.1f} s while spin traps")
    print(f"     slowest answer {worst:.2f} s")


def check_workers_end(m):
    for name in WORKERS:
        release(m, name)
    # Asked of the shell, not read from init's log lines: a log line may lose bytes when many
    # services write at once, a VM's state never does.
    deadline = time.time() + VM_SECONDS
    rows = vm_rows(m)
    while any(rows.get(w) in ("starting", "running") for w in WORKERS):
        expect(time.time() < deadline, f"workers still running after {VM_SECONDS} s: {rows}")
        time.sleep(2)
        rows = vm_rows(m)
    expect(all(rows.get(w) == "exited" for w in WORKERS), f"not every worker exited: {rows}")
    for name in WORKERS:
        info = shell(m, f"vm info {name}")
        expect(len(info) == 2 and info[1].endswith("(status 0)"), f"vm info {name}: {info}")
    expect(rows.get("spin") == "running", f"spin stopped: {rows}")


def check_refusals(m):
    got = shell(m, "vm stats nosuch")
    expect(got == ["vm stats: no VM 'nosuch' (see vm list)"], f"{got}")
    got = shell(m, "vm stats cycpv")
    expect(got == ["vm stats: cycpv has never started (vm start cycpv)"], f"{got}")
    got = shell(m, "vm stats a-name-that-is-too-long")
    expect(got == ["vm stats: no VM 'a-name-that-is-too-long' (see vm list)"], f"{got}")


def memory(m):
    figures = {}
    for line in shell(m, "mem"):
        words = line.split()
        if words and words[0] == "slots":
            figures["slots used"] = int(words[3])
        elif words and words[0] == "RAM":
            figures["RAM"] = line
    expect(len(figures) == 2, f"mem: {figures}")
    return figures


def cycle(m, name):
    mark = len(m.terminal.lines)
    got = shell(m, f"vm start {name}")
    expect(got == [f"vm start: {name} starting"], f"vm start {name}: {got}")
    try:
        m.wait_line(rf"^init: VM {name} running", mark, 10)
    except dbg.Failure:
        # Its log line may have lost bytes beside others: the state is what counts.
        expect(vm_rows(m).get(name) == "running", f"{name} is not running")
    got = shell(m, f"vm kill {name}")
    expect(got == [f"vm kill: {name} stopped"], f"vm kill {name}: {got}")


def check_no_leaks(m, cycles):
    # One start of each first: what is made once per VM (its VMM's image, its boot page) is
    # made now, and must not grow after.
    cycle(m, "cycpv")
    cycle(m, "cychw")
    before = memory(m)
    start = time.time()
    for _ in range(cycles):
        cycle(m, "cycpv")
        cycle(m, "cychw")
    after = memory(m)
    expect(before == after, f"after {cycles} cycles: before {before}, after {after}")
    print(f"     {cycles} cycles of each in {time.time() - start:.1f} s; {before}")


def run_check(checks, name, function, *args):
    """Each check needs the ones before it: after a failure the rest are skipped."""
    if checks.failed:
        print(f"skip {name}")
        return
    checks.check(name, function, *args)


def main():
    args = sys.argv[1:]
    if any(arg in ("-h", "--help") for arg in args):
        usage_exit(0)
    cycles = 10
    if args[:1] == ["--cycles"]:
        if len(args) < 2 or not args[1].isdigit():
            usage_exit(2, "--cycles takes a number")
        cycles = int(args[1])
        args = args[2:]
    for arg in args:
        if arg.startswith("-"):
            usage_exit(2, f"unknown option '{arg}'")
    if len(args) != 4:
        usage_exit(2, f"takes 4 arguments, got {len(args)}")
    kernel, init, image, logdir = args
    os.makedirs(logdir, exist_ok=True)
    modules = [f"{image} vm=spin mode=pv mem=16M cmdline=\"test=fault-loop\""]
    for name in WORKERS:
        programs = "console,cpuid,echo"
        modules.append(f"{image} vm={name} mode={worker_mode(name)} mem=16M "
                       f"cmdline=\"test={programs}\"")
    modules += [f"{image} vm=cycpv mode=pv mem=16M autostart=no cmdline=\"test=halt-forever\"",
                f"{image} vm=cychw mode=auto mem=16M autostart=no cmdline=\"test=halt-forever\"",
                f"{image} vm={EXTRA} mode=pv mem=16M cmdline=\"test=console\""]
    boot = ["-m", "1024"] + dbg.direct_boot(kernel, init, modules)
    checks = dbg.Checks()
    start = time.time()
    machine = None
    try:
        machine = dbg.Machine(boot, os.path.join(logdir, "serial-many-vms.log"))
        run_check(checks, f"{VMS_MAX} VMs declared and listed, pv and auto; the 17th refused",
                  check_all_listed, machine)
        run_check(checks, "vm stats: unknown and never-started VMs refused", check_refusals,
                  machine)
        run_check(checks, f"all {VMS_MAX} VMs running at once, cycpv and cychw beside the workers",
                  check_all_running, machine)
        run_check(checks, "vm stats: a pv and an svm VM's counters while they run", check_stats,
                  machine)
        run_check(checks, f"the shell answers while spin traps and {len(WORKERS)} workers poll",
                  check_responsive, machine)
        run_check(checks, "every worker, let go through vm console, runs to its end beside spin",
                  check_workers_end, machine)
        run_check(checks, f"{cycles} start/kill cycles of a pv and an auto VM leak no RAM or slots",
                     check_no_leaks, machine, cycles)
    except dbg.Failure as error:
        print(f"FAIL many-vms run: {error}")
        checks.failed += 1
    finally:
        if machine is not None:
            machine.close()
    elapsed = time.time() - start
    if checks.failed:
        print(f"test-vmm-many: FAILED, {checks.failed} of {checks.passed + checks.failed} "
              f"checks (transcript in {logdir})")
        return 1
    print(f"test-vmm-many: {checks.passed} checks passed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
