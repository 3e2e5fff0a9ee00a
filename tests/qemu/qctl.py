#!/usr/bin/env python3
"""qctl.py: drives a running QEMU for boot.sh: a monitor command, or registers set through the gdbstub.

usage: qctl.py DIR mon COMMAND     one HMP command (e.g. nmi) on the monitor socket DIR/mon
       qctl.py DIR gdb [cs=SEL] [mon=COMMAND] [REG=VALUE...]
           stops the guest through the gdbstub socket DIR/gdb (GDB remote serial protocol), and
           when cs= is given lets it run on a little until CS is that selector (the BIOS body is
           in long mode only between its BIOS calls); prints RIP, RSP and CS, sends COMMAND to
           the monitor (an nmi is then taken right there when the guest resumes), writes the
           registers (rax..r15, rip, eflags) and detaches, which resumes the guest.
Exit status 0 when done, 1 on a protocol error or when CS never matched.
"""
import socket
import sys
import time

REGS = "rax rbx rcx rdx rsi rdi rbp rsp r8 r9 r10 r11 r12 r13 r14 r15 rip eflags".split()


def mon(path, cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(2)
    time.sleep(0.2)  # the banner and prompt
    s.sendall(cmd.encode() + b"\n")
    time.sleep(0.5)
    try:
        print(s.recv(65536).decode(errors="replace").replace("\r", ""))
    except socket.timeout:
        pass
    s.close()


class Gdb:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.s.settimeout(10)
        self.buf = b""

    def send(self, data):
        pkt = b"$" + data.encode() + b"#%02x" % (sum(data.encode()) & 0xFF)
        self.s.sendall(pkt)

    def reply(self):
        """The next packet's data (acknowledged); '+' acks are skipped."""
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                data = self.buf[i + 1 : j].decode()
                self.buf = self.buf[j + 3 :]
                self.s.sendall(b"+")
                return data
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdbstub closed the connection")
            self.buf += chunk

    def cmd(self, data):
        """Sends a command; its reply, past stop replies (QEMU sends one unasked when it stops
        the guest as we connect). Only the register and detach commands go through here."""
        self.send(data)
        while True:
            r = self.reply()
            if not r.startswith(("T", "S")):
                return r

    def regs(self):
        g = self.cmd("g")
        le = lambda h: int.from_bytes(bytes.fromhex(h), "little")
        r = {n: le(g[16 * i : 16 * i + 16]) for i, n in enumerate(REGS[:17])}
        r["cs"] = le(g[16 * 17 + 8 : 16 * 17 + 16])
        return r


def gdb(work, args):
    want_cs = moncmd = None
    sets = []
    for a in args:
        k, v = a.split("=", 1)
        if k == "cs":
            want_cs = int(v, 0)
        elif k == "mon":
            moncmd = v
        else:
            sets.append((REGS.index(k), int(v, 0)))
    g = Gdb(work + "/gdb")
    r = g.regs()  # QEMU stopped the guest as we connected
    tries = 0
    while want_cs is not None and r["cs"] != want_cs:
        tries += 1
        if tries > 500:
            print("qctl: CS never became 0x%x (last 0x%x)" % (want_cs, r["cs"]))
            return 1
        g.send("c")
        time.sleep(0.01)
        g.s.sendall(b"\x03")
        g.reply()  # the stop reply
        r = g.regs()
    print("qctl: stopped at RIP 0x%x RSP 0x%x CS 0x%x" % (r["rip"], r["rsp"], r["cs"]))
    if moncmd:
        mon(work + "/mon", moncmd)
    # All registers back with the changed ones: QEMU answers P (one register) only to a
    # client that read its target description first.
    if sets:
        regs = g.cmd("g")
        for n, v in sets:
            size = 8 if n < 17 else 4
            regs = regs[: 16 * n] + v.to_bytes(size, "little").hex() + regs[16 * n + 2 * size :]
        ok = g.cmd("G" + regs)
        print("qctl: %s: %s" % (" ".join("%s=0x%x" % (REGS[n], v) for n, v in sets), ok))
        if ok != "OK":
            return 1
    g.cmd("D")
    g.s.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[2] == "mon":
        mon(sys.argv[1] + "/mon", " ".join(sys.argv[3:]))
        sys.exit(0)
    if len(sys.argv) >= 3 and sys.argv[2] == "gdb":
        sys.exit(gdb(sys.argv[1], sys.argv[3:]))
    sys.exit(__doc__)
