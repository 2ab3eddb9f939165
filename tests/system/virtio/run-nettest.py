#!/usr/bin/env python3
"""System test of the virtio service's network driver: boots beaml4 under QEMU TCG with a modern
virtio-net function on QEMU's user network (restrict=on: no way out) and a TCP port forward from
127.0.0.1 only to the machine's port 7, with nettest on the command line. nettest checks the
service's refusals, then answers ARP and echoes TCP data (a handshake, data, a close: just
enough TCP); this script connects to the forward and sends messages of its own making until
three came back unchanged, and checks nettest's verdict and QEMU's exit status.

usage: tests/system/virtio/run-nettest.py KERNEL INIT LOGDIR
"""
import os
import socket
import subprocess
import sys
import time

ECHOES = 3


def usage_exit(status, message=None):
    if message is None:
        print(__doc__.strip())
    else:
        print(f"{os.path.basename(sys.argv[0])}: {message} (see {sys.argv[0]} --help)",
              file=sys.stderr)
    sys.exit(status)


def free_tcp_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def exchange(port, payload):
    """One connection: payload sent, the same bytes read back, closed; False on any failure."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as conn:
            conn.sendall(payload)
            received = b""
            while len(received) < len(payload):
                chunk = conn.recv(4096)
                if not chunk:
                    return False
                received += chunk
            return received == payload
    except OSError:
        return False


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        usage_exit(0)
    for arg in args:
        if arg.startswith("-"):
            usage_exit(2, f"unknown option '{arg}'")
    if len(args) != 3:
        usage_exit(2, f"takes 3 arguments, got {len(args)}")
    kernel, init, logdir = args
    os.makedirs(logdir, exist_ok=True)
    log_path = os.path.join(logdir, "nettest.log")
    port = free_tcp_port()
    run_qemu = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "run-qemu.sh")
    with open(log_path, "wb") as log:
        qemu = subprocess.Popen([run_qemu, "--timeout", "60", "--forward", f"{port}:7",
                                 "--append", "panic_poweroff nettest", kernel, init],
                                stdout=log, stderr=subprocess.STDOUT)
        echoed = 0
        sent = 0
        deadline = time.monotonic() + 45
        while echoed < ECHOES and time.monotonic() < deadline and qemu.poll() is None:
            payload = f"beaml4 echo {echoed} try {sent} ".encode() * (1 + 20 * echoed)
            sent += 1
            if exchange(port, payload):
                echoed += 1
            else:
                time.sleep(0.5)
        code = qemu.wait(timeout=70)
    with open(log_path, "rb") as log:
        text = log.read().decode(errors="replace").replace("\r", "")
    status = 0
    if echoed < ECHOES:
        print(f"test-virtio-net: FAILED, {echoed} of {ECHOES} messages echoed ({sent} sent)")
        status = 1
    for line in ("nettest: PASS info", "nettest: PASS refusals", "nettest: PASS echo",
                 "nettest: all passed"):
        if line not in text:
            print(f"test-virtio-net: FAILED, missing: {line}")
            status = 1
    if code != 0:
        print(f"test-virtio-net: FAILED, exit status {code} (log: {log_path})")
        status = 1
    if status == 0:
        print(f"test-virtio-net: passed: {echoed} messages echoed through 127.0.0.1:{port}"
              f" ({sent} connections)")
    return status


if __name__ == "__main__":
    sys.exit(main())
