#!/usr/bin/env python3
"""System test of dbg, the operator's shell: boots beaml4 with init under QEMU TCG twice, the
serial port on a socket this script holds and QEMU's monitor on another, and drives the shell as
an operator would.

  1. Over the serial line, with three VMs declared by boot modules: types every command byte by
     byte as a terminal sends it (some with backspaces, Ctrl-U, Ctrl-C, cursor keys whose escape
     sequences arrive in pieces, history recall) and checks each command's output against what
     init and the log service report elsewhere: help lists every command, ps the services
     running, mem's figures add up and match init's boot summary, uptime grows, vm list shows
     the declared VMs and their modes, vm mode (a stopped VM's mode set and shown, vtx refused
     with the reason on this AMD-V machine, bad words), a VM declared mode=vtx refused at start,
     log level and log stats, the messages for unknown commands and bad arguments, an overlong
     line; `svc crash log` and `svc crash dbg` make init report and
     restart the service, and the shell keeps working.
  2. On the PS/2 keyboard, with no VM declared: keys sent through the monitor's sendkey type
     help, vm list, a shifted word and a backspace; once booted as make run boots (qboot, the
     kernel directly: the firmware leaves the keyboard controller's translation off, so the
     keys arrive in scancode set 2) and once from the GRUB CD (SeaBIOS turns translation on:
     scancode set 1).

The screen is read as a terminal shows it: carriage returns, erase-line and cursor-left
sequences (the log service's prompt redraws) applied, so that each check sees finished lines.

usage: tests/system/dbg/run-dbg.py KERNEL INIT ISO LOGDIR
  KERNEL  the kernel image (build/kernel/beaml4.elf)
  INIT    init, with dbg embedded (build/services/init/init.elf)
  ISO     the GRUB CD of the two (build/beaml4.iso, make iso)
  LOGDIR  where the serial transcripts go (serial-*.log)
example: tests/system/dbg/run-dbg.py build/kernel/beaml4.elf build/services/init/init.elf \\
             build/beaml4.iso build/tests/dbg
"""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PROMPT = "dbg> "
BOOT_SECONDS = 60
COMMAND_SECONDS = 15
KEY_DELAY = 0.002  # between the bytes of a typed line, as a fast typist would

COMMANDS = ["help", "ps", "mem", "uptime", "log level", "log stats", "vm list", "vm info",
            "vm start", "vm kill", "vm reboot", "vm pause", "vm resume", "vm mode",
            "vm console", "vm stats", "svc crash"]
# What init says of mode=vtx on this machine (QEMU TCG -cpu max: AMD-V, no VT-x).
VTX_REFUSED = "mode=vtx: this machine has AMD-V (SVM), not VT-x: use mode=svm or mode=auto"


class Failure(Exception):
    pass


def usage_exit(status, message=None):
    if message is not None:
        print(f"{os.path.basename(sys.argv[0])}: {message} (see {sys.argv[0]} --help)",
              file=sys.stderr)
    else:
        print(__doc__.strip())
    sys.exit(status)


class Terminal:
    """The lines a terminal shows of a byte stream: text overwrites at the cursor, CR returns to
    the first column, ESC [ K erases to the end of the line, ESC [ n D / C move the cursor."""

    def __init__(self):
        self.lines = []
        self.row = []
        self.cursor = 0
        self.escape = None

    def current(self):
        return "".join(self.row)

    def feed(self, data):
        for byte in data:
            char = chr(byte)
            if self.escape is not None:
                self.escape += char
                if len(self.escape) == 1 and char != "[":
                    self.escape = None
                elif len(self.escape) > 1 and "@" <= char <= "~":
                    self.sequence(self.escape[1:-1], char)
                    self.escape = None
            elif char == "\x1b":
                self.escape = ""
            elif char == "\r":
                self.cursor = 0
            elif char == "\n":
                self.lines.append(self.current())
                self.row, self.cursor = [], 0
            elif char == "\b":
                self.cursor = max(0, self.cursor - 1)
            elif " " <= char <= "~":
                while len(self.row) < self.cursor:
                    self.row.append(" ")
                if self.cursor < len(self.row):
                    self.row[self.cursor] = char
                else:
                    self.row.append(char)
                self.cursor += 1

    def sequence(self, parameters, final):
        count = int(parameters) if parameters.isdigit() else 1
        if final == "K":
            del self.row[self.cursor:]
        elif final == "D":
            self.cursor = max(0, self.cursor - count)
        elif final == "C":
            self.cursor += count


class Machine:
    """One QEMU run: the serial socket read into a Terminal (and a transcript), the monitor."""

    def __init__(self, boot, transcript):
        """boot: QEMU's options that say what to boot (qboot and -kernel, or a CD)."""
        self.sockets = tempfile.mkdtemp(prefix="dbg-")
        serial_path = os.path.join(self.sockets, "serial")
        monitor_path = os.path.join(self.sockets, "monitor")
        self.qemu = subprocess.Popen(
            ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-cpu", "max", "-m", "256"] +
            boot + ["-display", "none", "-no-reboot",
             "-chardev", f"socket,id=serial,path={serial_path},server=on,wait=on",
             "-serial", "chardev:serial",
             "-monitor", f"unix:{monitor_path},server=on,wait=off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.transcript = open(transcript, "wb")
        self.terminal = Terminal()
        self.serial = self.connect(serial_path)
        self.monitor = self.connect(monitor_path)
        self.monitor_read("(qemu) ")

    def connect(self, path):
        deadline = time.time() + 10
        while True:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(path)
                return sock
            except OSError:
                sock.close()
                if time.time() > deadline or self.qemu.poll() is not None:
                    raise Failure(f"QEMU did not open {path}: "
                                  f"{self.qemu.stderr.read().decode(errors='replace')}")
                time.sleep(0.02)

    def close(self):
        self.qemu.kill()
        self.qemu.wait()
        self.transcript.close()
        self.serial.close()
        self.monitor.close()
        shutil.rmtree(self.sockets, ignore_errors=True)

    def pump(self, seconds):
        ready, _, _ = select.select([self.serial], [], [], seconds)
        if ready:
            data = self.serial.recv(65536)
            if not data:
                raise Failure("the serial line closed (QEMU ended)")
            self.transcript.write(data)
            self.terminal.feed(data)

    def wait(self, condition, what, seconds=COMMAND_SECONDS):
        deadline = time.time() + seconds
        while not condition():
            if time.time() > deadline:
                tail = "\n    ".join(self.terminal.lines[-12:] + [self.terminal.current()])
                raise Failure(f"no {what} within {seconds} s; the screen ends with:\n    {tail}")
            self.pump(0.05)

    def wait_line(self, pattern, since=0, seconds=COMMAND_SECONDS):
        """The first line from index since on that matches pattern (a regular expression)."""
        found = []

        def match():
            for line in self.terminal.lines[since:]:
                if re.search(pattern, line):
                    found.append(line)
                    return True
            return False

        self.wait(match, f"line matching {pattern!r}", seconds)
        return found[0]

    def at_prompt(self):
        return self.terminal.current() == PROMPT

    def type(self, data):
        for byte in data:
            self.serial.sendall(bytes([byte]))
            time.sleep(KEY_DELAY)
            self.pump(0)

    def run(self, keys, echo):
        """Types keys and enter at an empty prompt; returns the output lines after the echoed
        line (which must read echo) up to the next prompt."""
        self.wait(self.at_prompt, "prompt")
        mark = len(self.terminal.lines)
        self.type(keys + b"\r")

        def done():
            lines = self.terminal.lines[mark:]
            return PROMPT + echo in lines and self.at_prompt()

        self.wait(done, f"output of {echo!r}")
        lines = self.terminal.lines[mark:]
        return lines[lines.index(PROMPT + echo) + 1:]

    def command(self, line):
        return self.run(line.encode(), line)

    def monitor_read(self, until):
        data = b""
        deadline = time.time() + 10
        while not data.endswith(until.encode()):
            ready, _, _ = select.select([self.monitor], [], [], 0.1)
            if ready:
                chunk = self.monitor.recv(4096)
                if not chunk:
                    raise Failure("the monitor closed")
                data += chunk
            if time.time() > deadline:
                raise Failure(f"the monitor did not answer: {data!r}")
        return data.decode(errors="replace")

    def sendkeys(self, keys):
        for key in keys:
            self.monitor.sendall(f"sendkey {key} 20\n".encode())
            self.monitor_read("(qemu) ")
            self.pump(0)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, function, *args):
        try:
            function(*args)
            print(f"ok   {name}")
            self.passed += 1
        except (Failure, AssertionError) as error:
            print(f"FAIL {name}: {error}")
            self.failed += 1


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_output(machine, line, want):
    got = machine.command(line)
    expect(got == want, f"{line!r} printed {got!r}, expected {want!r}")


def expect_quiet_of_init(m, line, want):
    """expect_output with init's log lines left out: they may arrive amid the command's."""
    got = [l for l in m.command(line) if not l.startswith("init: ")]
    expect(got == want, f"{line!r} printed {got!r}, expected {want!r}")


def table(lines, header):
    """Rows under a header line, split into words."""
    expect(lines and lines[0].split() == header.split(), f"header {header!r} missing: {lines!r}")
    return [row.split() for row in lines[1:]]


def mib(value, unit):
    return float(value) * {"MiB": 1, "GiB": 1024, "TiB": 1024 * 1024}[unit]


# --- the serial run -----------------------------------------------------------------------------

def check_boot(m):
    m.wait(m.at_prompt, "prompt", BOOT_SECONDS)
    lines = m.terminal.lines
    expect(any(re.match(r"init: boot time [0-9]+\.[0-9]{3} ms from power-on", l) for l in lines),
           "init's boot time is not shown")
    expect(any(re.match(r"dbg: shell ready on the serial console and the PS/2 keyboard "
                        r"\(scancode set [12]\); type help$", l) for l in lines),
           "dbg's start line is missing")
    expect(any(l == "init: 3 VMs declared" for l in lines), "init did not declare the three VMs")


def check_help(m):
    lines = m.command("help")
    expect(lines[0] == "commands:", f"first line {lines[0]!r}")
    listed = [l[2:32].strip() for l in lines[1:] if l.startswith("  ")]
    names = [" ".join(w for w in entry.split() if not re.match(r"^[\[A-Z]", w)) for entry in listed]
    expect(names == COMMANDS, f"help lists {names}, expected {COMMANDS}")
    expect(all(len(l) < 80 and len(l[32:]) > 10 for l in lines[1:len(COMMANDS) + 1]),
           "a help line is too long or has no text")
    expect(lines[-1].startswith("keys: "), "the keys line is missing")
    expect(len(lines) == len(COMMANDS) + 2, f"{len(lines)} lines")


def check_ps(m):
    rows = table(m.command("ps"), "ID NAME STATE RESTARTS FAULTS")
    by_name = {row[1]: row for row in rows}
    expect(by_name.get("log") == ["2", "log", "running", "0", "0"], f"log's row: {rows}")
    expect(by_name.get("dbg") == ["4", "dbg", "running", "0", "0"], f"dbg's row: {rows}")
    expect(all(row[2] == "running" for row in rows), f"a service is not running: {rows}")
    expect(len(rows) == len(by_name), "a service is listed twice")


def check_mem(m):
    lines = m.command("mem")
    summary = " ".join(m.terminal.lines)
    ram_boot = re.search(r"init: RAM ([0-9.]+) (MiB|GiB) normal, ([0-9.]+) (MiB|GiB|TiB) device",
                         summary)
    slots_boot = re.search(r"init: empty slots ([0-9]+)", summary)
    expect(ram_boot and slots_boot, "init's boot summary is missing")
    expect(len(lines) == 3, f"{lines!r}")
    for line, name, boot in ((lines[0], "RAM", ram_boot.group(1, 2)),
                             (lines[1], "device", ram_boot.group(3, 4))):
        f = re.fullmatch(r"(\S+) +([0-9.]+) (\S+) total +([0-9.]+) (\S+) used +([0-9.]+) (\S+) "
                         r"free", line)
        expect(f and f.group(1) == name, f"{name} row: {line!r}")
        total, used, free = (mib(f.group(i), f.group(i + 1)) for i in (2, 4, 6))
        expect(abs(total - used - free) <= 0.03 * mib(1, f.group(3)),
               f"{name}: {total} != {used} + {free}")
        expect(f.group(2, 3) == boot, f"{name} total {f.group(2, 3)}, boot summary {boot}")
        if name == "RAM":
            expect(0 < used < total / 2, f"RAM used {used} MiB of {total}")
    f = re.fullmatch(r"slots +([0-9]+) total +([0-9]+) used +([0-9]+) free", lines[2])
    expect(f, f"slots row: {lines[2]!r}")
    total, used, free = (int(f.group(i)) for i in (1, 2, 3))
    expect(total == used + free and used > 0, f"slots {total} != {used} + {free}")
    expect(total == int(slots_boot.group(1)), f"slots {total}, boot summary {slots_boot.group(1)}")


def check_uptime(m):
    def seconds():
        lines = m.command("uptime")
        f = re.fullmatch(r"up ([0-9]+\.[0-9]{3}) s since power-on", lines[0] if lines else "")
        expect(len(lines) == 1 and f, f"uptime printed {lines!r}")
        return float(f.group(1))

    first = seconds()
    time.sleep(0.3)
    second = seconds()
    expect(0.05 < first < 600, f"uptime {first} s")
    expect(second >= first + 0.2, f"uptime went from {first} to {second} in 0.3 s")


def check_vm_list(m):
    rows = table(m.command("vm list"), "NAME STATE MODE MEMORY VCPUS KERNEL")
    want = [["web", "declared", "pv", "96", "MiB", "2", "guest.elf"],
            ["db", "declared", "svm", "1024", "MiB", "1", "guest.elf"],
            ["hw", "failed", "vtx", "(unavailable)", "16", "MiB", "1", "guest.elf"]]
    expect(rows == want, f"rows {rows}, expected {want}")


def check_vtx_refused_at_start(m):
    """hw (mode=vtx, autostart) cannot run here: refused at boot with init's reason, which vm
    info and vm start repeat; the other VMs are untouched."""
    m.wait_line("^init: VM hw not started: " + re.escape(VTX_REFUSED) + "$")
    expect_output(m, "vm info hw",
                  ["vm hw: failed, mode vtx (unavailable), 16 MiB, 1 vCPU, kernel guest.elf",
                   f"vm hw: ended: {VTX_REFUSED} (status 0)"])
    mark = len(m.terminal.lines)
    expect_quiet_of_init(m, "vm start hw", [f"vm start: hw cannot start: {VTX_REFUSED}"])
    m.wait_line("^init: VM hw not started: " + re.escape(VTX_REFUSED) + "$", mark)
    expect(m.command("vm info web")[0].startswith("vm web: declared, mode pv,"), "web changed")


def check_vm_mode(m):
    """vm mode on a stopped VM: set for its next start and shown by vm info and vm list; vtx
    refused with the reason (the mode stays as it was); bad words refused."""
    info = "vm db: declared, mode {}, 1024 MiB, 1 vCPU, kernel guest.elf"
    mark = len(m.terminal.lines)
    for mode, shown in [("auto", "auto (svm)"), ("pv", "pv"), ("svm", "svm")]:
        expect_quiet_of_init(m, f"vm mode db {mode}",
                             [f"vm mode: db now {shown} from its next start"])
        m.wait_line(f"^init: VM db: mode {mode} from its next start$", mark)
        expect_output(m, "vm info db", [info.format(shown)])
        if mode == "auto":
            rows = table(m.command("vm list"), "NAME STATE MODE MEMORY VCPUS KERNEL")
            expect(rows[1][:4] == ["db", "declared", "auto", "(svm)"], f"vm list: {rows}")
        if mode == "pv":
            expect_output(m, "vm mode db vtx", [f"vm mode: db: {VTX_REFUSED}"])
            expect_output(m, "vm info db", [info.format("pv")])
    # hw, refused at boot in vtx, takes a mode this machine runs (and stays stopped).
    expect_quiet_of_init(m, "vm mode hw auto", ["vm mode: hw now auto (svm) from its next start"])
    m.wait_line("^init: VM hw: mode auto from its next start$", mark)
    expect_output(m, "vm mode hw vtx", [f"vm mode: hw: {VTX_REFUSED}"])
    expect(m.command("vm info hw")[0].startswith("vm hw: failed, mode auto (svm),"),
           "hw's mode after the refused switch")
    expect_output(m, "vm mode db fast", ["vm mode: unknown mode 'fast' (pv, vtx, svm or auto)"])
    expect_output(m, "vm mode db SVM", ["vm mode: unknown mode 'SVM' (pv, vtx, svm or auto)"])
    expect_output(m, "vm mode nosuch pv", ["vm mode: no VM 'nosuch' (see vm list)"])
    expect_output(m, "vm mode Db pv", ["vm mode: no VM 'Db' (see vm list)"])
    expect_output(m, "vm mode averyveryverylongname pv",
                  ["vm mode: no VM 'averyveryverylongname' (see vm list)"])
    expect_output(m, "vm mode", ["vm mode: missing argument (usage: vm mode NAME MODE)"])
    expect_output(m, "vm mode db", ["vm mode: missing argument (usage: vm mode NAME MODE)"])
    expect_output(m, "vm mode db pv now",
                  ["vm mode: too many arguments (usage: vm mode NAME MODE)"])
    expect_output(m, "vm info db", [info.format("svm")])


def check_log_level(m):
    rows = [line.split() for line in m.command("log level")]
    names = [row[0] for row in rows]
    expect(names[:1] == ["init"] and "dbg" in names and "log" not in names,
           f"log level lists {names}")
    expect(all(row[1:] == ["info"] for row in rows), f"levels {rows}")
    expect_output(m, "log level dbg debug", ["log level: dbg now at debug"])
    expect_output(m, "log level dbg", ["dbg              debug"])
    expect_output(m, "log level warn", ["log level: every service now at warn"])
    rows = [line.split() for line in m.command("log level all")]
    expect(all(row[1:] == ["warn"] for row in rows) and len(rows) == len(names), f"{rows}")
    expect_output(m, "log level all info", ["log level: every service now at info"])
    expect_output(m, "log level log debug", ["log level: log has no log of its own"])
    expect_output(m, "log level init", ["init             info"])


def check_log_stats(m):
    rows = table(m.command("log stats"), "NAME LEVEL PRINTED FILTERED DROPPED")
    by_name = {row[0]: row for row in rows}
    expect("init" in by_name and "dbg" in by_name, f"{rows}")
    expect(all(len(row) == 5 and row[1] == "info" and all(x.isdigit() for x in row[2:])
               for row in rows), f"{rows}")
    expect(int(by_name["dbg"][2]) >= 1, "dbg's start line is not counted")
    expect(int(by_name["init"][2]) >= 3, "init's lines are not counted")


def check_errors(m):
    expect_output(m, "frobnicate", ["unknown command 'frobnicate': try help"])
    expect_output(m, "vm frob", ["unknown command 'vm frob': try help vm"])
    expect_output(m, "vm",
                  ["'vm' needs one more word: vm list vm info vm start vm kill vm reboot "
                   "vm pause vm resume vm mode vm console vm stats"])
    expect_output(m, "log", ["'log' needs one more word: log level log stats"])
    expect_output(m, "ps now", ["ps: too many arguments (usage: ps)"])
    expect_output(m, "svc crash", ["svc crash: missing argument (usage: svc crash NAME)"])
    expect_output(m, "svc crash log dbg",
                  ["svc crash: too many arguments (usage: svc crash NAME)"])
    expect_output(m, "svc crash nosuch", ["svc crash: no service 'nosuch' (see ps)"])
    expect_output(m, "svc crash averyveryverylongname",
                  ["svc crash: no service 'averyveryverylongname' (see ps)"])
    expect_output(m, "log level dbg loud",
                  ["log level: unknown level 'loud' (debug, info, warn, error)"])
    expect_output(m, "log level nosuch", ["log level: no service 'nosuch' (see ps)"])
    expect_output(m, "log level nosuch info", ["log level: no service 'nosuch' (see ps)"])
    expect_output(m, "help nothing", ["help: no command 'nothing': try help"])
    expect_output(m, "a b c d e f g h i", ["too many words (at most 8)"])
    expect_output(m, "", [])


def check_editing(m):
    ps = m.command("ps")
    # DEL and BS both erase; Ctrl-U erases the line; the line runs as it finally stands.
    expect(m.run(b"pz\x7fs", "ps") == ps, "DEL did not erase")
    expect(m.run(b"pq\bs", "ps") == ps, "BS did not erase")
    expect(m.run(b"mem\x15ps", "ps") == ps, "Ctrl-U did not erase the line")
    # Cursor keys: an insertion in the middle, Home and End, Delete under the cursor.
    vm = m.command("vm list")
    expect(m.run(b"vm lst\x1b[D\x1b[Di", "vm list") == vm, "Left and insert")
    expect(m.run(b"m list\x1b[Hv\x1bOF", "vm list") == vm, "Home and End")
    expect(m.run(b"xvm list\x1b[H\x1b[3~", "vm list") == vm, "Delete")
    # An escape sequence arriving in pieces, far apart.
    m.wait(m.at_prompt, "prompt")
    mark = len(m.terminal.lines)
    m.type(b"vm lst\x1b")
    time.sleep(0.3)
    m.type(b"[")
    time.sleep(0.3)
    m.type(b"D\x1b[Di\r")
    m.wait(lambda: PROMPT + "vm list" in m.terminal.lines[mark:] and m.at_prompt(),
           "the split sequence's output")
    # The cursor is where the editor says: the prompt line shows it (ESC [ n D).
    m.type(b"ps\x1b[D\x1b[D")
    m.wait(lambda: m.terminal.current() == PROMPT + "ps" and m.terminal.cursor == len(PROMPT),
           "the cursor at the start of the line")
    m.type(b"\x0b")  # Ctrl-K: erase from the cursor to the end
    m.wait(lambda: m.terminal.current() == PROMPT, "the line erased by Ctrl-K")
    # Ctrl-C abandons the line: it is shown with ^C and nothing runs.
    lines = m.run(b"svc crash log\x03", "")
    expect(PROMPT + "svc crash log^C" in m.terminal.lines[-3:], "Ctrl-C is not shown")
    expect(lines == [], f"after Ctrl-C: {lines!r}")
    rows = table(m.command("ps"), "ID NAME STATE RESTARTS FAULTS")
    expect(all(row[3] == "0" for row in rows), "the cancelled line ran")
    # CR LF is one enter: no empty command line after it.
    m.wait(m.at_prompt, "prompt")
    mark = len(m.terminal.lines)
    m.type(b"uptime\r\n")
    m.wait(lambda: PROMPT + "uptime" in m.terminal.lines[mark:] and m.at_prompt(), "uptime")
    time.sleep(0.3)
    m.pump(0.1)
    expect(PROMPT not in m.terminal.lines[mark:], "CR LF made two enters")


def check_history(m):
    mem = m.command("mem")
    m.command("log level")
    # Up, enter: the previous line again; Up Up: the one before.
    expect(m.run(b"\x1b[A", "log level")[0].startswith("init "), "Up did not recall log level")
    got = m.run(b"\x1b[A\x1b[A", "mem")
    expect(got[0].split()[:3] == mem[0].split()[:3], "Up Up did not recall mem")
    # Up past the oldest stays there; Down back below the newest gives the typed line back.
    expect(m.run(b"uptim\x1b[A\x1b[B", "uptim") == ["unknown command 'uptim': try help"],
           "Down did not restore the line being typed")


def check_overlong(m):
    lines = m.run(b"x" * 170, "x" * 160)
    expect(lines == ["line too long (more than 160 characters): not run"], f"{lines!r}")


def check_crash_log(m):
    mark = len(m.terminal.lines)
    lines = m.command("svc crash log")
    expect("svc crash: log made to fault; init reports it and restarts it" in lines, f"{lines!r}")
    m.wait_line(r"^init: service log: page fault at 0", mark)
    m.wait_line(r"^init: service log restarted \(1 of 3\)$", mark)
    m.wait_line(r"^log: console on COM1 and VGA, restarted$", mark)
    rows = {row[1]: row for row in table(m.command("ps"), "ID NAME STATE RESTARTS FAULTS")}
    expect(rows["log"] == ["2", "log", "running", "1", "1"], f"log's row {rows['log']}")
    check_help(m)


def check_crash_dbg(m):
    mark = len(m.terminal.lines)
    m.wait(m.at_prompt, "prompt")
    m.type(b"svc crash dbg\r")
    m.wait_line(r"^svc crash: the shell itself: it starts again$", mark)
    m.wait_line(r"^init: service dbg: page fault at 0", mark)
    m.wait_line(r"^init: service dbg restarted \(1 of 3\)$", mark)
    m.wait_line(r"^dbg: shell restarted on the serial console", mark)
    # A new shell: its history is empty (Up recalls nothing, so enter runs an empty line).
    expect(m.run(b"\x1b[A", "") == [], "the restarted shell kept a history")
    rows = {row[1]: row for row in table(m.command("ps"), "ID NAME STATE RESTARTS FAULTS")}
    expect(rows["dbg"] == ["4", "dbg", "running", "1", "1"], f"dbg's row {rows['dbg']}")


# --- the keyboard run ---------------------------------------------------------------------------

def keyboard_run(m, keys, echo):
    m.wait(m.at_prompt, "prompt")
    mark = len(m.terminal.lines)
    m.sendkeys(keys + ["ret"])
    m.wait(lambda: PROMPT + echo in m.terminal.lines[mark:] and m.at_prompt(),
           f"output of {echo!r} typed on the keyboard")
    lines = m.terminal.lines[mark:]
    return lines[lines.index(PROMPT + echo) + 1:]


def check_keyboard(m, scancodes):
    m.wait(m.at_prompt, "prompt", BOOT_SECONDS)
    started = f"dbg: shell ready on the serial console and the PS/2 keyboard (scancode set " \
              f"{scancodes}); type help"
    expect(started in m.terminal.lines, f"no line {started!r}")
    lines = keyboard_run(m, ["h", "e", "l", "p"], "help")
    expect(lines[:1] == ["commands:"] and len(lines) == len(COMMANDS) + 2, f"help: {lines!r}")
    lines = keyboard_run(m, ["v", "m", "spc", "l", "i", "s", "t"], "vm list")
    expect(lines == ["no VMs declared"], f"vm list: {lines!r}")
    lines = keyboard_run(m, ["shift-h", "shift-e", "shift-l", "shift-p"], "HELP")
    expect(lines == ["unknown command 'HELP': try help"], f"HELP: {lines!r}")
    lines = keyboard_run(m, ["p", "z", "backspace", "s"], "ps")
    expect(lines[:1] and lines[0].split() == "ID NAME STATE RESTARTS FAULTS".split(),
           f"ps: {lines!r}")
    # The serial line still works beside the keyboard.
    expect(m.command("vm list") == ["no VMs declared"], "the serial line after the keyboard")


def stats_counters(lines):
    """vm stats's counter lines (two spaces, a name, a number) as a dict."""
    found = {}
    for line in lines:
        match = re.fullmatch(r"  (\S+) +(\d+)", line)
        if match:
            found[match.group(1)] = int(match.group(2))
    return found


def direct_boot(kernel, init, modules):
    """qboot and QEMU's -kernel, as make run boots: the firmware leaves the i8042's translation
    off, so the keyboard speaks scancode set 2."""
    initrd = ",".join(m.replace(",", ",,") for m in [init] + modules)
    return ["-bios", "/usr/share/qemu/qboot.rom", "-kernel", kernel, "-initrd", initrd]


def cd_boot(iso):
    """SeaBIOS and GRUB from a CD, as a real machine boots: translation on, scancode set 1."""
    return ["-cdrom", iso, "-boot", "d"]


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        usage_exit(0)
    for arg in args:
        if arg.startswith("-"):
            usage_exit(2, f"unknown option '{arg}'")
    if len(args) != 4:
        usage_exit(2, f"takes 4 arguments, got {len(args)}")
    kernel, init, iso, logdir = args
    os.makedirs(logdir, exist_ok=True)
    guest = os.path.join(logdir, "guest.elf")
    with open(guest, "wb") as f:
        f.write(bytes(4096))
    # Not started (their kernels are zeros): they stay "declared" whatever the VMM can do; hw
    # asks for VT-x, which QEMU TCG never has: init refuses it before its VMM is made.
    modules = [f"{guest} vm=web mode=pv mem=96M vcpus=2 autostart=no",
               f"{guest} vm=db mode=svm mem=1G autostart=no",
               f"{guest} vm=hw mode=vtx mem=16M"]
    checks = Checks()
    start = time.time()

    machine = None
    try:
        machine = Machine(direct_boot(kernel, init, modules),
                          os.path.join(logdir, "serial-serial.log"))
        for name, function in [("boot: services start, the prompt waits", check_boot),
                               ("help lists every command", check_help),
                               ("ps: log and dbg running", check_ps),
                               ("mem: figures add up, match the boot summary", check_mem),
                               ("uptime grows", check_uptime),
                               ("vm list: the declared VMs", check_vm_list),
                               ("mode=vtx on AMD-V: refused at start, with the reason",
                                check_vtx_refused_at_start),
                               ("vm mode: set, shown, refused", check_vm_mode),
                               ("log level: show and set", check_log_level),
                               ("log stats", check_log_stats),
                               ("unknown commands and bad arguments", check_errors),
                               ("line editing over the serial line", check_editing),
                               ("history recall", check_history),
                               ("overlong line refused", check_overlong),
                               ("svc crash log: reported, restarted, shell goes on",
                                check_crash_log),
                               ("svc crash dbg: the shell comes back", check_crash_dbg)]:
            checks.check(name, function, machine)
    except Failure as error:
        print(f"FAIL serial run: {error}")
        checks.failed += 1
    finally:
        if machine is not None:
            machine.close()

    for name, boot, scancodes in [("keyboard-set2", direct_boot(kernel, init, []), 2),
                                  ("keyboard-set1", cd_boot(iso), 1)]:
        machine = None
        try:
            machine = Machine(boot, os.path.join(logdir, f"serial-{name}.log"))
            checks.check(f"PS/2 keyboard, scancode set {scancodes}: help, vm list, Shift, "
                         "Backspace", check_keyboard, machine, scancodes)
        except Failure as error:
            print(f"FAIL {name} run: {error}")
            checks.failed += 1
        finally:
            if machine is not None:
                machine.close()

    elapsed = time.time() - start
    if checks.failed:
        print(f"test-dbg: FAILED, {checks.failed} of {checks.passed + checks.failed} checks "
              f"(transcripts in {logdir})")
        return 1
    print(f"test-dbg: {checks.passed} checks passed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
