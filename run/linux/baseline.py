#!/usr/bin/env python3
"""Linux baseline for Bulkhead's benchmarks.

Boots Debian's current stable kernel in QEMU with the same machine parameters
as a Bulkhead scenario, with an initramfs whose /init runs our own small
benchmark programs (run/linux/guest/), and prints each figure as a line
"bench: linux_NAME VALUE UNIT". Bulkhead's figures only mean something next
to those of a mature kernel measured under the same emulator; see
run/linux/README.md.

Python 3 standard library only. Needs apt-get, dpkg-deb, gcc with a static
glibc (libc6-dev) and qemu-system-x86_64; missing Debian packages are
installed with apt-get when running as root.
"""

import argparse
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GUEST = HERE / "guest"

# Guest programs: the initramfs path of each and the sources it is built from.
PROGRAMS = {
    "init": ["init.c", "bench.c"],
    "bin/bench_pipe": ["bench_pipe.c", "bench.c"],
    "bin/bench_futex": ["bench_futex.c", "bench.c"],
    "bin/bench_sys": ["bench_sys.c", "bench.c"],
    "bin/bench_mem": ["bench_mem.c", "bench.c"],
}
CFLAGS = ["-std=c11", "-static", "-O2", "-Wall", "-Wextra", "-pthread"]

META_PACKAGE = "linux-image-amd64"
DEBUG_EXIT_BASE = 0x42
FIGURE = re.compile(r"bench: (linux_\w+) (\d+) (\S+)")
INIT_FIRST = re.compile(r"bench: linux_init_")


class BaselineError(Exception):
    """A step failed; the message says which step and why."""


def log(msg):
    print(f"baseline: {msg}", file=sys.stderr, flush=True)


def command(args, what, **kw):
    """Runs args and returns its stdout; raises BaselineError on failure."""
    try:
        r = subprocess.run(args, capture_output=True, text=True, **kw)
    except OSError as e:
        raise BaselineError(f"{what}: cannot run {args[0]}: {e}") from e
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
        raise BaselineError(
            f"{what}: `{' '.join(map(str, args))}` exited {r.returncode}: "
            + " / ".join(tail))
    return r.stdout


def apt_install(packages, why):
    """Installs Debian packages that are absent, if we may; else explains."""
    if os.geteuid() != 0:
        raise BaselineError(
            f"{why}; install it with `apt-get install {' '.join(packages)}` "
            "(or run run/tool/setup.sh)")
    log(f"{why}: apt-get install {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command(["apt-get", "install", "-y", "--no-install-recommends",
             *packages], f"installing {' '.join(packages)}", env=env)


def need_tool(name, package):
    if shutil.which(name) is None:
        apt_install([package], f"{name} is missing")


# --- The kernel -------------------------------------------------------------

def current_kernel_package():
    """Names the kernel package linux-image-amd64 depends on right now.

    Following the meta package pins nothing: Debian removes old kernel ABIs
    from the mirror, and the meta package always names the one it has.
    """
    def ask():
        out = command(["apt-cache", "depends", META_PACKAGE],
                      f"asking apt which kernel {META_PACKAGE} depends on")
        m = re.search(r"Depends:\s*(linux-image-[\w.+-]+-amd64)\b", out)
        return m.group(1) if m else None

    try:
        pkg = ask()
    except BaselineError:
        pkg = None
    if pkg is None and os.geteuid() == 0:
        log(f"apt knows no {META_PACKAGE}; running apt-get update once")
        command(["apt-get", "update"], "apt-get update")
        pkg = ask()
    if pkg is None:
        raise BaselineError(
            f"apt-cache knows no {META_PACKAGE} (are the package lists "
            "empty? run apt-get update)")
    version = command(["apt-cache", "show", "--no-all-versions", pkg],
                      f"asking apt for {pkg}'s version")
    m = re.search(r"^Version:\s*(\S+)", version, re.M)
    return pkg, (m.group(1) if m else "unknown")


def cached_kernels(cache):
    return sorted(cache.glob("linux-image-*-amd64/vmlinuz"),
                  key=lambda p: p.stat().st_mtime)


def fetch_kernel(cache, offline):
    """Returns (vmlinuz path, package, version), fetching only if uncached."""
    cache.mkdir(parents=True, exist_ok=True)
    if offline:
        kernels = cached_kernels(cache)
        if not kernels:
            raise BaselineError(f"--offline, but no kernel in {cache}")
        k = kernels[-1]
        return k, k.parent.name, (k.parent / "version").read_text().strip()

    try:
        pkg, version = current_kernel_package()
    except BaselineError as e:
        # Without apt (no lists, no mirror) a cached kernel still serves.
        kernels = cached_kernels(cache)
        if not kernels:
            raise
        k = kernels[-1]
        log(f"{e}; using the cached {k.parent.name}")
        return k, k.parent.name, (k.parent / "version").read_text().strip()
    dest = cache / pkg
    vmlinuz = dest / "vmlinuz"
    if vmlinuz.is_file() and (dest / "version").is_file():
        return vmlinuz, pkg, (dest / "version").read_text().strip()

    need_tool("dpkg-deb", "dpkg")
    log(f"fetching {pkg} {version} (about 70 MB) into {cache}")
    with tempfile.TemporaryDirectory(dir=cache, prefix="fetch.") as tmp:
        # apt-get download writes into its working directory.
        os.chmod(tmp, 0o755)
        command(["apt-get", "download", pkg], f"downloading {pkg}", cwd=tmp)
        debs = list(Path(tmp).glob(f"{pkg}_*.deb"))
        if len(debs) != 1:
            raise BaselineError(f"apt-get download left no {pkg} .deb in "
                                f"{tmp}")
        # Stream the data archive and keep only boot/vmlinuz-*: `dpkg-deb -x`
        # would first write the package's 400 MB of modules to disk.
        out = Path(tmp) / "vmlinuz"
        found = False
        proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(debs[0])],
                                stdout=subprocess.PIPE)
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                for member in tar:
                    name = member.name.lstrip("./")
                    if (member.isfile() and name.startswith("boot/vmlinuz-")):
                        with tar.extractfile(member) as src, \
                                open(out, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        found = True
                        break
        except tarfile.TarError as e:
            raise BaselineError(f"reading {debs[0].name}: {e}") from e
        finally:
            proc.stdout.close()
            proc.kill()
            proc.wait()
        if not found:
            raise BaselineError(f"{debs[0].name} holds no boot/vmlinuz-*")
        dest.mkdir(exist_ok=True)
        (dest / "version").write_text(version + "\n")
        os.replace(out, vmlinuz)
    return vmlinuz, pkg, version


# --- The initramfs ----------------------------------------------------------

def build_guest(out):
    """Builds the static guest programs when their sources are newer."""
    need_tool("gcc", "gcc")
    out.mkdir(parents=True, exist_ok=True)
    headers = list(GUEST.glob("*.h"))
    built = {}
    for target, sources in PROGRAMS.items():
        exe = out / Path(target).name
        inputs = [GUEST / s for s in sources] + headers
        if (not exe.is_file() or
                max(p.stat().st_mtime for p in inputs) > exe.stat().st_mtime):
            args = ["gcc", *CFLAGS, "-o", str(exe), *map(str, inputs[:len(
                sources)])]
            try:
                command(args, f"building {target}")
            except BaselineError:
                # The usual cause: no static glibc (libc.a).
                if not Path("/usr/lib/x86_64-linux-gnu/libc.a").exists():
                    apt_install(["libc6-dev"], "static glibc is missing")
                    command(args, f"building {target}")
                else:
                    raise
        built[target] = exe
    return built


def cpio_newc(entries):
    """Returns a newc ("070701") cpio archive of entries.

    Each entry is (name, mode, data, rdev_major, rdev_minor); every field is
    fixed (owner root, time 0) so the archive is reproducible.
    """
    out = bytearray()

    def add(ino, name, mode, data, rmaj, rmin):
        bname = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 2 if mode & 0o040000 else 1, 0,
                  len(data), 0, 0, rmaj, rmin, len(bname), 0]
        out.extend(b"070701" + b"".join(b"%08x" % f for f in fields))
        out.extend(bname)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for ino, (name, mode, data, rmaj, rmin) in enumerate(entries, 1):
        add(ino, name, mode, data, rmaj, rmin)
    add(0, "TRAILER!!!", 0, b"", 0, 0)
    return bytes(out)


def write_initramfs(path, programs):
    entries = [(".", 0o040755, b"", 0, 0), ("bin", 0o040755, b"", 0, 0),
               ("dev", 0o040755, b"", 0, 0),
               # The kernel opens /dev/console for /init's stdin/out/err.
               ("dev/console", 0o020600, b"", 5, 1)]
    for target, exe in sorted(programs.items()):
        entries.append((target, 0o100755, exe.read_bytes(), 0, 0))
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(cpio_newc(entries))
    os.replace(tmp, path)


# --- QEMU -------------------------------------------------------------------

def params_tag(p):
    tag = f"{p['machine']}-{p['cpu']}-{p['accel']}-{p['memory']}"
    return tag + ("-icount" if p["icount"] else "")


def qemu_command(p, vmlinuz, initrd, runs):
    cmdline = (f"console=ttyS0 quiet panic=-1 BENCH_RUNS={runs} "
               f"BENCH_ICOUNT={1 if p['icount'] else 0}")
    args = ["qemu-system-x86_64", "-machine", p["machine"], "-cpu", p["cpu"],
            "-accel", p["accel"], "-m", p["memory"], "-nographic",
            "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            # No VGA card, as run.py boots a scenario with display="none".
            "-vga", "none",
            "-kernel", str(vmlinuz), "-initrd", str(initrd),
            "-append", cmdline]
    if p["icount"]:
        args += ["-icount", "shift=0"]
    return args


def run_qemu(args, timeout, serial_log):
    """Boots, collects figures and always leaves QEMU dead.

    Returns (figures, failure) where figures is a list of (name, value,
    unit) and failure None or the reason the run failed.
    """
    figures = []
    lines = queue.Queue()
    failure = None
    boot_ms = None
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def reader():
        for raw in proc.stdout:
            lines.put((time.monotonic(), raw))
        lines.put((time.monotonic(), None))

    threading.Thread(target=reader, daemon=True).start()
    try:
        with open(serial_log, "w", encoding="utf-8") as logf:
            logf.write("# " + " ".join(args) + "\n")
            deadline = start + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    failure = f"timed out after {timeout} s"
                    break
                try:
                    when, raw = lines.get(timeout=left)
                except queue.Empty:
                    continue
                if raw is None:
                    break
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                logf.write(line + "\n")
                logf.flush()
                if boot_ms is None and INIT_FIRST.search(line):
                    boot_ms = round((when - start) * 1000)
                    figures.append(("linux_boot_to_init", boot_ms, "ms"))
                m = FIGURE.search(line)
                if m:
                    figures.append((m.group(1), int(m.group(2)), m.group(3)))
                if "linux-bench: FAILED" in line or "Kernel panic" in line:
                    log(line.strip())
        if failure is None:
            try:
                rc = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                rc = None
            expected = (DEBUG_EXIT_BASE << 1) | 1
            if rc is None:
                failure = "QEMU did not exit after its output ended"
            elif rc == expected:
                pass
            elif rc > expected and (rc - expected) % 2 == 0 and rc < 256:
                failure = (f"{(rc - expected) // 2} guest benchmark "
                           "program(s) failed")
            else:
                failure = (f"QEMU exited with status {rc} (no debug exit: "
                           "did the kernel panic or QEMU refuse an option?)")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if failure is None and boot_ms is None:
        failure = "/init never printed its first line"
    return figures, failure


def qemu_version():
    try:
        out = command(["qemu-system-x86_64", "--version"], "qemu version")
    except BaselineError:
        return "unknown"
    m = re.search(r"version (\S+)", out)
    return m.group(1) if m else "unknown"


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Boot Debian's kernel in QEMU with the parameters of a "
        "Bulkhead scenario and print Linux baseline figures.")
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--machine", default="pc")
    ap.add_argument("--cpu", default="qemu64")
    ap.add_argument("--accel", default=os.environ.get("ACCEL") or "tcg",
                    help="default: $ACCEL, else tcg")
    ap.add_argument("--icount", action="store_true",
                    help="add -icount shift=0: TSC ticks are instructions")
    ap.add_argument("--runs", type=int, default=5,
                    help="timed runs per figure; the median is printed")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds for the QEMU run (default 180, 600 with "
                    "--icount)")
    ap.add_argument("--offline", action="store_true",
                    help="use the newest cached kernel, ask apt nothing")
    ap.add_argument("--cache", type=Path, default=ROOT / "cache" / "linux")
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "linux")
    ap.add_argument("--json", type=Path,
                    help="also write the figures and parameters as JSON")
    a = ap.parse_args(argv)

    p = {"memory": a.memory, "machine": a.machine, "cpu": a.cpu,
         "accel": a.accel, "icount": a.icount}
    timeout = a.timeout or (600 if a.icount else 180)
    result = {"params": p, "figures": [], "failure": None}
    try:
        need_tool("qemu-system-x86_64", "qemu-system-x86")
        vmlinuz, pkg, version = fetch_kernel(a.cache, a.offline)
        result.update(kernel=pkg, kernel_version=version,
                      qemu=qemu_version())
        programs = build_guest(a.build / "guest")
        initrd = a.build / "initramfs.cpio"
        write_initramfs(initrd, programs)
        outdir = a.build / params_tag(p)
        outdir.mkdir(parents=True, exist_ok=True)
        args = qemu_command(p, vmlinuz, initrd, a.runs)
        result["command"] = args
        result["log"] = str(outdir / "serial.log")
        log(f"booting {pkg} {version}: {' '.join(args)}")
        figures, failure = run_qemu(args, timeout, outdir / "serial.log")
        for name, value, unit in figures:
            print(f"bench: {name} {value} {unit}", flush=True)
        result["figures"] = figures
        if failure:
            raise BaselineError(f"{failure} (see {outdir / 'serial.log'})")
    except BaselineError as e:
        result["failure"] = str(e)
        log(f"failed: {e}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(result, indent=1) + "\n")
    return 1 if result["failure"] else 0


if __name__ == "__main__":
    sys.exit(main())
