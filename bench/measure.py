#!/usr/bin/env python3
# measure.py: boots one disk under QEMU with OVMF or SeaBIOS and times it: firmware start of the loader -> kernel proper.
"""
usage: measure.py DISK VARS [--mem MIB] [--timeout S] [--log FILE] [--stop kernel|marker]
       measure.py DISK --bios [...]       (SeaBIOS, QEMU's default firmware: no variable store)
       (or, from Python: measure.run(disk, vars, ...) returns the same dict; vars None = SeaBIOS)

--stop kernel ends the run as soon as the kernel proper starts; marker (the default) waits for
the userspace marker (BATON-USERSPACE-OK) or the raw reader's RAWREAD done line.

Prints one JSON object. Times come from two clocks that agree (both are the host's wall clock):
- the serial console, read as it arrives: OVMF's "BdsDxe: loading Boot####" line is when the
  firmware starts to load the loader's image, before LoadImage reads it (the same line for every
  loader; for the EFI stub the image is the kernel itself, so its read counts too);
- under SeaBIOS, its debug console (isa-debugcon at port 0x402, a pipe read as it arrives; SeaBIOS
  prints nothing on the serial port): "Booting from Hard Disk..." is printed by its INT 19h boot
  code just before it reads sector 0 (the loader's first 440 bytes: stage1 or GRUB's boot.img),
  the same line whatever the loader, so the firmware's read of the boot sector counts as OVMF's
  LoadImage does; "Booting from 0000:7c00" follows when it jumps there. The first reads after it
  (sector, count, time) are kept in first_reads: the boot sector's, then the boot code's;
- QEMU's trace events (-msg timestamp=on): with earlyprintk=serial,ttyS0,57600 the kernel proper
  programs the UART to 57600 baud just before its console prints "Linux version"; the legacy
  decompressor (Linux boot protocol and EFI handover entries) programs it earlier, while the EFI
  stub, when it decompresses the kernel itself (PE entry), does not.
When the kernel's EFI stub runs (the floor, baton's default), its start is a serial line: OVMF's
"BdsDxe: starting Boot####" (after LoadImage of the kernel) or baton's "Starting the kernel's EFI
stub" (after its LoadImage). The stub decompresses the kernel first and then loads the initrd, so
its first read after that line ends the decompression (stub, stub_read): the same code on the
same bytes for both, which the benchmark can set aside to compare what the loaders themselves cost.
CPU seconds are those of QEMU's vCPU thread ("CPU 0/TCG"): schedstat read when the serial line is
seen. Block requests are virtio_blk_handle_read trace events from the start to the kernel proper
(or to the raw reader's end); the last of them ends the loader's I/O (last_read, cpu_last_read).
"""
import json
import os
import re
import selectors
import subprocess
import sys
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
# SeaBIOS's line as its INT 19h handler boots the first hard disk (before it reads sector 0).
BIOS_START = "Booting from Hard Disk"


def vcpu_seconds(pid, tid):
    # schedstat's first field is the thread's time on a CPU in nanoseconds (stat's ticks are 10 ms).
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def find_vcpu(pid):
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith("CPU 0"):
                    return int(tid)
    except OSError:
        pass
    return None


DONE = r"BATON-USERSPACE-OK|RAWREAD done"


def run(disk, vars_fd, mem=1024, timeout=120, log=None, stop="marker", done=DONE):
    """vars_fd None boots with SeaBIOS (QEMU's default firmware) instead of OVMF."""
    opt = {"--mem": str(mem), "--timeout": str(timeout), "--log": log, "--done": done}
    bios = vars_fd is None
    if bios:  # SeaBIOS's debug console, into a pipe this process reads as the serial console
        fw_r, fw_w = os.pipe()
        fw = ["-chardev", f"file,id=fw,path=/dev/fd/{fw_w}", "-device", "isa-debugcon,iobase=0x402,chardev=fw"]
    else:
        fw = ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
              "-drive", f"if=pflash,format=raw,file={vars_fd}"]
    cmd = ["qemu-system-x86_64", "-msg", "timestamp=on", "-name", "bench,debug-threads=on", "-accel", "tcg", "-nic", "none",
           "-nodefaults", "-machine", "q35", "-m", opt["--mem"], "-display", "none", "-no-reboot", *fw,
           "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0",
           "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-trace", "serial_update_parameters", "-trace", "virtio_blk_handle_read"]
    t_launch = time.time()
    q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         pass_fds=(fw_w,) if bios else ())
    sel = selectors.DefaultSelector()
    sel.register(q.stdout, selectors.EVENT_READ, "serial")
    sel.register(q.stderr, selectors.EVENT_READ, "trace")
    bufs = {"serial": b"", "trace": b"", "fw": b""}
    if bios:
        os.close(fw_w)
        fw_file = os.fdopen(fw_r, "rb", buffering=0)
        sel.register(fw_file, selectors.EVENT_READ, "fw")
    serial_text, fw_text = [], []
    r = {"start": None, "decomp": None, "kernel": None, "done": None, "cpu_start": None,
         "cpu_kernel": None, "cpu_done": None, "reads": 0, "reads_total": 0, "menu_ms": None,
         "error": None, "userspace": False, "stub": None, "cpu_stub": None, "stub_read": None,
         "cpu_stub_read": None, "menu_at": None, "cpu_menu": None, "first_reads": []}
    stubs = []  # (time, vCPU) of the lines that start a kernel's EFI stub
    tid = None
    linux = None  # when the kernel proper's "Linux version" line arrived
    uart, reads = [], []  # trace timestamps
    drain_until = None
    done_re = re.compile(opt["--done"])
    deadline = t_launch + float(opt["--timeout"])
    finished = False
    while not finished:
        now = time.time()
        if now > deadline:
            r["error"] = "timeout"
            break
        if drain_until and now > drain_until:
            break
        events = sel.select(timeout=0.1 if drain_until else 0.5)
        if not events and q.poll() is not None:
            break
        for key, _ in events:
            chunk = os.read(key.fileobj.fileno(), 65536)
            now = time.time()
            if not chunk:
                sel.unregister(key.fileobj)
                if not sel.get_map():
                    finished = True
                continue
            if tid is None:
                tid = find_vcpu(q.pid)
            bufs[key.data] += chunk
            *lines, bufs[key.data] = bufs[key.data].split(b"\n")
            for raw in lines:
                line = raw.decode("latin-1")
                if key.data == "fw":
                    fw_text.append(line)
                    if r["start"] is None and BIOS_START in line:
                        r["start"] = now
                        r["cpu_start"] = vcpu_seconds(q.pid, tid)
                        r["boot_option"] = line.strip()[:120]
                    continue
                if key.data == "serial":
                    serial_text.append(line)
                    if r["start"] is None and not bios and "BdsDxe: loading Boot" in line:
                        r["start"] = now
                        r["cpu_start"] = vcpu_seconds(q.pid, tid)
                        r["boot_option"] = line.split("BdsDxe: loading ", 1)[1].strip()[:120]
                    if "BdsDxe: starting Boot" in line or "Starting the kernel's EFI stub" in line:
                        stubs.append((now, vcpu_seconds(q.pid, tid)))
                    m = re.search(r"menu ready (?:in )?(\d+) ms", line)
                    if m:
                        r["menu_ms"] = int(m.group(1))
                        r["menu_at"], r["cpu_menu"] = now, vcpu_seconds(q.pid, tid)
                    if "X64 Exception" in line or "Kernel panic" in line:
                        r["error"] = line.strip()[:120]
                    if linux is None and "Linux version" in line:
                        linux = now
                        r["cpu_kernel"] = vcpu_seconds(q.pid, tid)
                        if stop == "kernel":  # let the trace events of that moment arrive
                            drain_until = now + 0.3
                    if "BATON-USERSPACE-OK" in line:
                        r["userspace"] = True
                    if done_re.search(line):
                        r["done"] = now
                        r["cpu_done"] = vcpu_seconds(q.pid, tid)
                        finished = True
                    m = re.search(r"RAWREAD done: (\d+) bytes in (\d+) calls", line)
                    if m:
                        r["raw_bytes"], r["raw_calls"] = int(m.group(1)), int(m.group(2))
                else:
                    m = re.match(r"(\d+)@(\d+\.\d+):(\S+)(.*)", line)
                    if not m:
                        continue
                    ts, ev = float(m.group(2)), m.group(3)
                    if ev == "virtio_blk_handle_read":
                        a = re.search(r"sector (\d+) nsectors (\d+)", m.group(4))
                        reads.append((ts, vcpu_seconds(q.pid, tid), *(map(int, a.groups()) if a else (None, None))))
                    elif ev == "serial_update_parameters" and "baudrate=57600" in m.group(4):
                        uart.append(ts)
            if r["error"]:
                finished = True
    q.kill()
    q.wait()
    if opt["--log"]:
        with open(opt["--log"], "w") as f:
            f.write("\n".join(serial_text) + "\n")
        if bios:
            with open(opt["--log"] + ".seabios", "w") as f:
                f.write("\n".join(fw_text) + "\n")
    if bios:
        fw_file.close()
    # The kernel proper sets up earlyprintk, then its console replays "Linux version": its UART
    # programming is the last one before that line. An earlier group (more than 0.2 s before) is
    # the legacy decompressor's; when the EFI stub decompresses the kernel itself there is none.
    if linux is not None:
        before = [u for u in uart if u <= linux + 0.05]
        r["kernel"] = before[-1] if before else linux
        first = [u for u in uart if r["start"] and r["start"] <= u < r["kernel"] - 0.2]
        r["decomp"] = first[0] if first else None
    if r["kernel"] is not None:
        before = [x for x in stubs if x[0] <= r["kernel"]]
        if before:
            r["stub"], r["cpu_stub"] = before[-1]
            after = [x for x in reads if r["stub"] < x[0] <= r["kernel"]]
            if after:
                r["stub_read"], r["cpu_stub_read"] = after[0][:2]
    r["reads_total"] = len(reads)
    end = r["kernel"] or r["done"]
    if r["start"] is not None and end is not None:
        mine = [x for x in reads if r["start"] <= x[0] <= end]
        r["reads"] = len(mine)
        r["sectors"] = sum(x[3] or 0 for x in mine)
        r["first_reads"] = [(x[0] - r["start"], x[2], x[3]) for x in mine[:4]]
        # The loader's I/O phase ends with its last read (the kernel's decompression follows).
        if mine:
            r["last_read"], r["cpu_last_read"] = mine[-1][:2]
        if r["done"] is not None and r["cpu_done"] is None and mine:
            r["cpu_done"] = mine[-1][1]  # QEMU was already gone: the last read is close
    if not r["error"] and r["done"] is None and not (stop == "kernel" and r["kernel"]):
        r["error"] = "no end marker"
    return r


def main():
    args = sys.argv[1:]
    opt = {"--mem": "1024", "--timeout": "120", "--log": None, "--stop": "marker"}
    pos = []
    i = 0
    while i < len(args):
        if args[i] == "--bios":
            pos.append(None)
            i += 1
        elif args[i] in opt:
            opt[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    disk, vars_fd = pos
    print(json.dumps(run(disk, vars_fd, opt["--mem"], opt["--timeout"], opt["--log"], opt["--stop"])))


if __name__ == "__main__":
    main()
