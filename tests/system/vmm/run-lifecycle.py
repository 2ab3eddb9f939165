#!/usr/bin/env python3
"""System test of the VM life cycle and of VMs that misbehave: boots beaml4 under QEMU TCG with
five VMs declared (the test guest in PV mode, one of them asking for VT-x) and drives the shell
(dbg) over the serial line.

  spin   test=fault-loop: the same page fault for ever, a trap to its VMM per fault, as fast as
         the guest can; it must never slow the shell or the other VMs to a stop
  work   test=console,cpuid,work-cpu: must run to its end beside spin (exit status 0)
  later  autostart=no, test=console, with an initrd and a module: started from the shell
  tty    test=echo: reads COM1 and writes each line back in upper case, until "end"
  hw     mode=vtx, which QEMU TCG never offers: refused at start, the others run

Checked: while spin traps, the shell answers every command within 10 s and work ends by
itself; vm list and vm info show each VM's state and how it ended; vm start runs later to its
end; vm reboot starts spin again, vm kill stops it (a second kill is refused, a paused VM is
killed all the same); vm pause stops spin's traps (its counters in vm stats stand still for
1 s) and work's output until vm resume, after which both go on; a second pause, a resume of a
running VM, a start or a console attach of a paused one are refused; the VMM of a
running VM made to fault (svc crash) is reported and its VM alone marked crashed, while another
VM runs on; the crashed VM starts again; vm mode reboots a running VM in the new mode and
refuses vtx with the reason; unknown names are refused. The console attach (vm
console): lines typed reach tty's COM1 byte for byte and come back as its log lines, the shell
takes no command meanwhile, Ctrl-] detaches (the bytes after it are the shell's again), bytes a
VM that never reads (spin) cannot take are counted as dropped; a VM that ends while attached
detaches the shell, which says so; unknown, stopped and exited VMs are refused.

usage: tests/system/vmm/run-lifecycle.py KERNEL INIT IMAGE LOGDIR
  KERNEL  the kernel image (build/kernel/beaml4.elf)
  INIT    init, with dbg and the VMM embedded (build/services/init/init.elf)
  IMAGE   the test guest (build/guests/testguest/testguest-low-pvh.elf)
  LOGDIR  where the serial transcript goes (serial-lifecycle.log)
example: tests/system/vmm/run-lifecycle.py build/kernel/beaml4.elf \\
             build/services/init/init.elf build/guests/testguest/testguest-low-pvh.elf \\
             build/tests/vmm/lifecycle
"""
import importlib.util
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The shell's harness (a serial socket read as a terminal shows it, commands typed byte by byte).
SPEC = importlib.util.spec_from_file_location("run_dbg",
                                              os.path.join(HERE, "..", "dbg", "run-dbg.py"))
dbg = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dbg)
expect = dbg.expect

# A command must come back this fast while a VM traps as fast as it can: TCG, and a host busy
# with the other suites of make test (alone it takes well under a second).
RESPONSE_SECONDS = 10.0
VM_SECONDS = 120


def usage_exit(status, message=None):
    if message is not None:
        print(f"{os.path.basename(sys.argv[0])}: {message} (see {sys.argv[0]} --help)",
              file=sys.stderr)
    else:
        print(__doc__.strip())
    sys.exit(status)


LOG_PREFIXES = ("init: ", "log: ", "time: ", "kernel: ", "spin: ", "work: ", "later: ", "tty: ")
# The console attach's messages and the guest's lines (tty's program is echo).
ATTACHED = "vm console: attached to {}'s COM1; Ctrl-] (0x1d) detaches"
DETACH = b"\x1d"
# What a VM's console input holds before bytes are dropped: the boot page's ring (ipc/vmm.h,
# VMM_CONSOLE_RING_BYTES) and the 16550's receive FIFO, which the test guest turns on.
INPUT_RING_BYTES = 512
UART_FIFO_BYTES = 16
# The lines tty has echoed: its last line says how many it counted.
echoed = []


def shell(m, line):
    """A command's own output: the log lines that arrive meanwhile left out."""
    return [l for l in m.command(line) if not l.startswith(LOG_PREFIXES)]


def expect_shell(m, line, want):
    got = shell(m, line)
    expect(got == want, f"{line!r} printed {got!r}, expected {want!r}")


def vm_rows(m):
    rows = dbg.table(shell(m, "vm list"), "NAME STATE MODE MEMORY VCPUS KERNEL")
    return {row[0]: row[1] for row in rows}


def timed(m, line):
    start = time.time()
    lines = shell(m, line)
    return lines, time.time() - start


def check_responsive(m):
    m.wait(m.at_prompt, "prompt", dbg.BOOT_SECONDS)
    m.wait_line(r"^init: VM spin running", 0, VM_SECONDS)
    worst = 0.0
    for line in ["ps", "vm list", "mem", "uptime", "vm info spin"]:
        _, seconds = timed(m, line)
        worst = max(worst, seconds)
    expect(worst < RESPONSE_SECONDS, f"a command took {worst:.1f} s while spin traps")
    print(f"     the slowest of five commands took {worst:.2f} s while spin trapped")
    rows = vm_rows(m)
    expect(rows.get("spin") == "running", f"spin: {rows}")
    expect(rows.get("later") == "declared", f"later: {rows}")


def check_vtx_refused(m):
    """hw asks for VT-x, which QEMU TCG never offers: refused at start with the reason, while
    the VMs beside it were started all the same."""
    line = m.wait_line(r"^init: VM hw not started: ")
    expect(line == "init: VM hw not started: " + dbg.VTX_REFUSED, line)
    rows = vm_rows(m)
    expect(rows.get("hw") == "failed" and rows.get("spin") == "running", f"{rows}")


def counters(m, name):
    """vm stats NAME's VMM counters, by name."""
    return dbg.stats_counters(shell(m, f"vm stats {name}"))


def traps(found):
    """Every trap spin's VMM counts: in PV mode the faults that reached it and the kernel's fast
    path's, in a hardware mode its VM entries."""
    return found.get("faults", 0) + found.get("fast-path", 0) + found.get("entries", 0)


def traps_moved(m, since, what):
    """Waits for spin's counters to show more traps than `since` (its VMM rewrites them every
    200 ms of the guest's time, seconds of TCG's); returns them and the seconds it took."""
    start = time.time()
    found = counters(m, "spin")
    while traps(found) <= traps(since) and time.time() - start < VM_SECONDS / 4:
        m.pump(0.5)
        found = counters(m, "spin")
    expect(traps(found) > traps(since), f"spin's counters did not move {what}: {since} then "
                                        f"{found}")
    return found, time.time() - start


def check_pause(m):
    """vm pause stops spin's guest where it is: its VMM's counters stand still while it is
    paused, for twice as long as they took to move while it ran, and move again after
    vm resume; a second pause, a resume of a running VM, a start, a console attach and unknown
    names are refused."""
    m.wait_line(r"^spin: fault-loop: ", 0, VM_SECONDS)
    # From one rewrite to the next: how long the figures take to move while it runs.
    first, _ = traps_moved(m, counters(m, "spin"), "while it ran")
    running, seconds = traps_moved(m, first, "while it ran")
    expect_shell(m, "vm pause spin", ["vm pause: spin paused"])
    expect_shell(m, "vm pause spin", ["vm pause: spin is paused"])
    expect(vm_rows(m).get("spin") == "paused", "spin is not listed as paused")
    info = shell(m, "vm info spin")
    expect(info[:1] and info[0].startswith("vm spin: paused, mode pv,"), f"vm info spin: {info}")
    before = counters(m, "spin")
    expect(traps(before) >= traps(running), f"spin's counters went back: {running}, {before}")
    m.pump(max(1.0, 2 * seconds))
    after = counters(m, "spin")
    expect(after == before, f"spin's counters moved while paused: {before} then {after}")
    expect_shell(m, "vm start spin", ["vm start: spin is paused"])
    expect_shell(m, "vm console spin",
                 ["vm console: spin is paused: it takes no input (vm resume spin first)"])
    expect_shell(m, "vm resume spin", ["vm resume: spin running"])
    expect_shell(m, "vm resume spin", ["vm resume: spin is running"])
    resumed, _ = traps_moved(m, after, "after the resume")
    print(f"     spin: {traps(after)} traps, unchanged across {max(1.0, 2 * seconds):.1f} s "
          f"paused (they moved within {seconds:.1f} s running), {traps(resumed)} after the resume")
    expect_shell(m, "vm pause nosuch", ["vm pause: no VM 'nosuch' (see vm list)"])
    expect_shell(m, "vm resume a-name-that-is-too-long",
                 ["vm resume: no VM 'a-name-that-is-too-long' (see vm list)"])
    expect_shell(m, "vm pause", ["vm pause: missing argument (usage: vm pause NAME)"])


def check_pause_hardware(m):
    """In AMD-V mode init suspends the VMM's thread, which is the vCPU: its VM entries stand
    still while paused and go on after vm resume."""
    first, _ = traps_moved(m, counters(m, "spin"), "in AMD-V mode")
    running, seconds = traps_moved(m, first, "in AMD-V mode")
    expect_shell(m, "vm pause spin", ["vm pause: spin paused"])
    before = counters(m, "spin")
    m.pump(max(1.0, 2 * seconds))
    after = counters(m, "spin")
    expect(after == before and traps(after) >= traps(running),
           f"spin's counters in AMD-V mode: {running}, paused {before} then {after}")
    expect_shell(m, "vm resume spin", ["vm resume: spin running"])
    traps_moved(m, after, "after the resume in AMD-V mode")


def check_pause_silent(m):
    """work, paused while it runs its programs, prints nothing until vm resume, and then runs to
    its end (check_neighbour_ends)."""
    m.wait_line(r"^work: == ", 0, VM_SECONDS)
    expect_shell(m, "vm pause work", ["vm pause: work paused"])
    mark = len(m.terminal.lines)
    m.pump(1.5)
    printed = [l for l in m.terminal.lines[mark:] if l.startswith("work: ")]
    expect(not printed, f"work printed while paused: {printed}")
    expect(vm_rows(m).get("work") == "paused", "work is not listed as paused")
    expect_shell(m, "vm resume work", ["vm resume: work running"])


def check_mode_reboot(m):
    """vm mode on a running VM reboots it in the new mode: pv (which every machine runs), auto
    (AMD-V here) and pv again; a mode the machine cannot run leaves it running as it was."""
    mark = len(m.terminal.lines)
    shell(m, "vm start spin")
    m.wait_line(r"^init: VM spin running", mark, VM_SECONDS)
    mark = len(m.terminal.lines)
    got = shell(m, "vm mode spin pv")
    expect(len(got) == 1 and re.fullmatch(r"vm mode: spin now pv: rebooted, (starting|running)",
                                          got[0]), f"vm mode spin pv: {got}")
    m.wait_line(r"^init: VM spin stopped: rebooted from the shell in mode pv, status 0$", mark)
    m.wait_line(r"^init: VM spin starting: mode pv, ", mark)
    m.wait_line(r"^init: VM spin running", mark, VM_SECONDS)
    expect_shell(m, "vm mode spin vtx", [f"vm mode: spin: {dbg.VTX_REFUSED}"])
    expect(vm_rows(m).get("spin") == "running", "a refused mode stopped spin")
    # auto on this machine is AMD-V: the same guest, rebooted in hardware mode, and back.
    for mode, shown, runs in [("auto", "auto (svm)", "AMD-V"), ("pv", "pv", "PVH entry")]:
        mark = len(m.terminal.lines)
        got = shell(m, f"vm mode spin {mode}")
        expect(len(got) == 1 and re.fullmatch(re.escape(f"vm mode: spin now {shown}: rebooted, ") +
                                              "(starting|running)", got[0]),
               f"vm mode spin {mode}: {got}")
        m.wait_line(f"^init: VM spin stopped: rebooted from the shell in mode {mode}, status 0$",
                    mark)
        m.wait_line(f"^init: VM spin running: {runs}", mark, VM_SECONDS)
        info = shell(m, "vm info spin")
        expect(info[:1] and info[0].startswith(f"vm spin: running, mode {shown},"),
               f"vm info spin: {info}")
        if mode == "auto":
            check_pause_hardware(m)
    expect_shell(m, "vm kill spin", ["vm kill: spin stopped"])


def check_neighbour_ends(m):
    line = m.wait_line(r"^init: VM work (exited|failed|crashed)", 0, VM_SECONDS)
    expect(line == "init: VM work exited: exit hypercall: the guest's EXIT hypercall, status 0",
           line)
    expect(any(l == "work: testguest: all 3 programs passed" for l in m.terminal.lines),
           "work's last line is missing")
    info = shell(m, "vm info work")
    expect(info == ["vm work: exited, mode pv, 64 MiB, 1 vCPU, kernel testguest-low-pvh.elf",
                    "vm work: ended: exit hypercall: the guest's EXIT hypercall (status 0)"],
           f"vm info work: {info}")
    expect(vm_rows(m).get("spin") == "running", "spin stopped when work ended")


def check_start_later(m):
    for _ in range(2):  # once declared, once exited
        mark = len(m.terminal.lines)
        expect_shell(m, "vm start later", ["vm start: later starting"])
        m.wait_line(r"^later: vmm: VM later: 48 MiB of RAM, .*, 2 modules$", mark, VM_SECONDS)
        m.wait_line(r"^init: VM later exited: .*status 0$", mark, VM_SECONDS)


def check_reboot_and_kill(m):
    mark = len(m.terminal.lines)
    expect_shell(m, "vm reboot spin", ["vm reboot: spin starting"])
    m.wait_line(r"^init: VM spin stopped: rebooted from the shell", mark)
    m.wait_line(r"^init: VM spin running", mark, VM_SECONDS)
    expect_shell(m, "vm pause spin", ["vm pause: spin paused"])  # a paused VM is killed too
    expect_shell(m, "vm kill spin", ["vm kill: spin stopped"])
    m.wait_line(r"^init: VM spin stopped: killed from the shell", mark)
    expect_shell(m, "vm kill spin", ["vm kill: spin is stopped"])
    expect_shell(m, "vm reboot spin", ["vm reboot: spin is stopped"])
    expect(vm_rows(m).get("spin") == "stopped", "spin is not listed as stopped")


def check_vmm_crash(m):
    mark = len(m.terminal.lines)
    shell(m, "vm start spin")
    shell(m, "vm start later")
    m.wait_line(r"^init: VM spin running", mark, VM_SECONDS)
    shell(m, "svc crash spin")
    line = m.wait_line(r"^init: VM spin crashed: its VMM faulted", mark)
    expect("page fault at 0" in line, line)
    m.wait_line(r"^init: service spin: page fault at 0", mark)
    m.wait_line(r"^init: VM later exited: .*status 0$", mark, VM_SECONDS)
    rows = vm_rows(m)
    expect(rows.get("spin") == "crashed" and rows.get("later") == "exited", f"{rows}")
    mark = len(m.terminal.lines)
    shell(m, "vm start spin")
    m.wait_line(r"^init: VM spin running", mark, VM_SECONDS)
    expect_shell(m, "vm kill spin", ["vm kill: spin stopped"])


def attach(m, name):
    """Types vm console NAME; returns the index of the line the attach message is on."""
    m.wait(m.at_prompt, "prompt")
    mark = len(m.terminal.lines)
    m.type(f"vm console {name}\r".encode())
    m.wait_line("^" + re.escape(ATTACHED.format(name)) + "$", mark)
    return mark


def typed_lines(m, name, lines):
    """Types lines to the attached VM and waits for each to come back as the guest's line
    (upper case; a DEL erases the byte before it). lines: (typed, what the guest had before)."""
    for text, before in lines:
        mark = len(m.terminal.lines)
        m.type(text.encode() + b"\r")
        want = re.sub(".\x7f", "", (before + text).upper())
        m.wait_line("^" + re.escape(f"{name}: echo: {want}") + "$", mark)
        echoed.append(want)


def attached_check(function):
    """A check that runs attached: on a failure the shell is detached, so the checks after it
    find the prompt."""
    def check(m):
        try:
            function(m)
        except dbg.Failure:
            m.serial.sendall(DETACH)
            raise
    check.__doc__ = function.__doc__
    return check


@attached_check
def check_console_echo(m):
    m.wait_line(r"^tty: echo: ready: ", 0, VM_SECONDS)
    mark = attach(m, "tty")
    m.pump(0.3)
    expect(not m.terminal.current().startswith(dbg.PROMPT),
           f"the prompt is up while attached: {m.terminal.current()!r}")
    typed_lines(m, "tty", [("hello, console", ""), ("Mixed Case 42", ""), ("typx\x7fo", ""),
                           ("ps", "")])
    # ps went to the guest, not to the shell: no table of services came.
    expect(not any(l.startswith("ID NAME") for l in m.terminal.lines[mark:]),
           "the shell ran a command typed while attached")
    # More than one message's worth at once (the shell sends at most 64 bytes a message).
    burst = "0123456789abcdef" * 7
    m.serial.sendall(burst.encode() + b"\r")
    m.wait_line("^" + re.escape(f"tty: echo: {burst.upper()}") + "$", mark)
    echoed.append(burst.upper())
    # Bytes before the detach key go to the VM, those after it to the shell.
    mark = len(m.terminal.lines)
    m.serial.sendall(b"part" + DETACH + b"uptime\r")
    m.wait_line(r"^vm console: detached from tty$", mark)
    m.wait_line(r"^dbg> uptime$", mark)
    m.wait(m.at_prompt, "prompt after the detach")
    expect(vm_rows(m).get("tty") == "running", "tty is not running after the detach")
    attach(m, "tty")
    typed_lines(m, "tty", [("ial", "part")])  # the guest kept what came before the detach
    m.type(DETACH)
    m.wait(m.at_prompt, "prompt after the second detach")


@attached_check
def check_console_full(m):
    """spin never reads COM1: what its ring and FIFO cannot hold is dropped, and said so."""
    mark = attach(m, "spin")
    sent = INPUT_RING_BYTES + UART_FIFO_BYTES + 72
    for at in range(0, sent, 50):
        m.serial.sendall(b"z" * min(50, sent - at))
        m.pump(0.05)
    m.type(DETACH)
    m.wait_line(r"^vm console: detached from spin$", mark)
    m.wait(m.at_prompt, "prompt after detaching from spin")
    dropped = [int(match.group(1)) for match in
               (re.match(r"^vm console: (\d+) bytes dropped \(spin's input is full: it is not "
                         r"reading COM1\)$", l) for l in m.terminal.lines[mark:]) if match]
    expect(sum(dropped) == sent - INPUT_RING_BYTES - UART_FIFO_BYTES,
           f"{sent} bytes to a VM that never reads: {dropped} reported dropped")


@attached_check
def check_console_ends(m):
    """tty ends (its line "end") while attached: the next byte typed detaches the shell."""
    mark = attach(m, "tty")
    m.type(b"end\r")
    m.wait_line(r"^init: VM tty exited: .*status 0$", mark, VM_SECONDS)
    want = f"tty: ok echo: {len(echoed)} lines echoed before 'end'"
    expect(want in m.terminal.lines[mark:], f"tty did not say {want!r}")
    m.type(b"x")
    m.wait_line(r"^vm console: tty is exited: detached$", mark)
    m.wait(m.at_prompt, "prompt after tty ended")
    expect_shell(m, "vm console tty", ["vm console: tty is exited: only a running VM takes input"])


def check_console_refusals(m):
    expect_shell(m, "vm console nosuch", ["vm console: no VM 'nosuch' (see vm list)"])
    expect_shell(m, "vm console a-name-that-is-too-long",
                 ["vm console: no VM 'a-name-that-is-too-long' (see vm list)"])
    expect_shell(m, "vm console spin", ["vm console: spin is stopped: only a running VM takes "
                                        "input"])
    expect_shell(m, "vm console", ["vm console: missing argument (usage: vm console NAME)"])


def check_refusals(m):
    expect_shell(m, "vm start nosuch", ["vm start: no VM 'nosuch' (see vm list)"])
    expect_shell(m, "vm kill Spin", ["vm kill: no VM 'Spin' (see vm list)"])
    expect_shell(m, "vm info a-name-that-is-too-long",
                      ["vm info: no VM 'a-name-that-is-too-long' (see vm list)"])
    expect_shell(m, "vm kill work", ["vm kill: work is exited"])
    expect_shell(m, "vm pause work", ["vm pause: work is exited"])
    expect_shell(m, "vm resume work", ["vm resume: work is exited"])
    expect_shell(m, "vm pause spin", ["vm pause: spin is stopped"])
    rows = dbg.table(shell(m, "ps"), "ID NAME STATE RESTARTS FAULTS")
    expect(all(row[2] in ("running", "created", "failed") for row in rows), f"ps: {rows}")


def main():
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        usage_exit(0)
    for arg in sys.argv[1:]:
        if arg.startswith("-"):
            print(f"{os.path.basename(sys.argv[0])}: unknown option '{arg}' "
                  f"(see {sys.argv[0]} --help)", file=sys.stderr)
            sys.exit(2)
    if len(sys.argv) != 5:
        usage_exit(2, f"takes 4 arguments, got {len(sys.argv) - 1}")
    kernel, init, image, logdir = sys.argv[1:]
    os.makedirs(logdir, exist_ok=True)
    # later also gets boot modules: an initrd of two pages, not a whole one, and a module of
    # 3 MiB and a bit, which the kernel hands over in blocks of several sizes.
    data = []
    for name, size in (("initrd.bin", 5000), ("disk.bin", (3 << 20) + 72)):
        data.append(os.path.join(logdir, name))
        with open(data[-1], "wb") as file:
            file.write(os.urandom(size))
    modules = [f"{image} vm=spin mode=pv mem=48M cmdline=\"test=fault-loop\"",
               f"{image} vm=work mode=pv mem=64M cmdline=\"test=console,cpuid,work-cpu\"",
               f"{image} vm=later mode=pv mem=48M autostart=no initrd=initrd.bin "
               f"modules=disk.bin cmdline=\"test=console\"",
               f"{image} vm=tty mode=pv mem=32M cmdline=\"test=echo\"",
               f"{image} vm=hw mode=vtx mem=16M cmdline=\"test=console\""] + data
    boot = ["-m", "512"] + dbg.direct_boot(kernel, init, modules)
    checks = dbg.Checks()
    start = time.time()
    machine = None
    try:
        machine = dbg.Machine(boot, os.path.join(logdir, "serial-lifecycle.log"))
        checks.check("the shell answers while a VM traps as fast as it can", check_responsive,
                     machine)
        checks.check("mode=vtx on AMD-V: refused at start, the other VMs started",
                     check_vtx_refused, machine)
        checks.check("vm pause: a VM that prints prints nothing until vm resume",
                     check_pause_silent, machine)
        checks.check("vm pause stops a VM's traps; vm resume lets them go on", check_pause,
                     machine)
        checks.check("vm console: lines typed reach a VM's COM1 and come back; Ctrl-] "
                     "detaches", check_console_echo, machine)
        checks.check("vm console: bytes a VM does not read are counted as dropped",
                     check_console_full, machine)
        checks.check("a second VM runs to its end beside it; vm info says how it ended",
                     check_neighbour_ends, machine)
        checks.check("vm start runs a VM declared autostart=no, twice", check_start_later,
                     machine)
        checks.check("vm reboot starts a VM again; vm kill stops it, once", check_reboot_and_kill,
                     machine)
        checks.check("a VMM made to fault: its VM alone is crashed, and starts again",
                     check_vmm_crash, machine)
        checks.check("vm mode reboots a running VM in the new mode", check_mode_reboot,
                     machine)
        checks.check("vm console: a VM that ends while attached detaches the shell",
                     check_console_ends, machine)
        checks.check("unknown names and wrong states are refused", check_refusals, machine)
        checks.check("vm console: unknown and stopped VMs are refused", check_console_refusals,
                     machine)
    except dbg.Failure as error:
        print(f"FAIL lifecycle run: {error}")
        checks.failed += 1
    finally:
        if machine is not None:
            machine.close()
    elapsed = time.time() - start
    if checks.failed:
        print(f"test-vmm-lifecycle: FAILED, {checks.failed} of {checks.passed + checks.failed} "
              f"checks (transcript in {logdir})")
        return 1
    print(f"test-vmm-lifecycle: {checks.passed} checks passed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
