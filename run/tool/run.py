#!/usr/bin/env python3
"""The Bulkhead run tool: builds what a scenario (run/NAME.run) needs, boots
it in QEMU, drives it through the serial console and QMP, and ends with one
verdict line and an exit status. run/README.md is its contract.

It also builds the GRUB boot ISO (--make-iso) for `make image`, so the ISO a
person boots and the one the `iso`/`uefi` scenarios test are made the same
way. Python 3 standard library only.
"""

import argparse
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png  # noqa: E402
import qmp  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KERNEL32 = "build/kernel/kernel32.elf"
KERNEL64 = "build/kernel/kernel.elf"
OVMF_CANDIDATES = ["/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF.fd",
                   "/usr/share/qemu/OVMF.fd"]
# core's own accounting going wrong is always a failure.
DEFAULT_FAIL = ["PANIC", "unresolved fault", r"core: frame \w+ freed twice"]
# A component's fault as its parent reports it (core, init, libc's spawn);
# it fails the scenario unless an <expect-fault> matches the line.
FAULT_RE = re.compile(r"\b(core|init|libc): ('[^']*'|init) faulted\b")
DEBUG_EXIT_BASE = 0x42
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_]|\][^\x07]*\x07)")


class ScenarioError(Exception):
    """The scenario file is malformed."""


class Failure(Exception):
    """The scenario failed; the message is the verdict's REASON."""


class Interrupted(Exception):
    """The user or a signal stopped the run."""


# Scenario parsing

def _attrs(el, allowed):
    for key in el.attrib:
        if key not in allowed:
            raise ScenarioError("<%s> has no attribute %r (allowed: %s)" %
                                (el.tag, key, " ".join(sorted(allowed))))
    return el.attrib


def _num(el, key, default, kind=float):
    value = el.get(key)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ScenarioError("<%s %s=%r>: not a number" % (el.tag, key, value))


def _bool(el, key, default):
    value = el.get(key)
    if value is None:
        return default
    if value in ("yes", "no"):
        return value == "yes"
    raise ScenarioError("<%s %s=%r>: say yes or no" % (el.tag, key, value))


def _regex(el, key):
    value = el.get(key)
    if value is None:
        raise ScenarioError("<%s> needs %s=" % (el.tag, key))
    try:
        return re.compile(value)
    except re.error as e:
        raise ScenarioError("<%s %s=%r>: %s" % (el.tag, key, value, e))


STEP_ATTRS = {
    "wait": {"pattern", "timeout", "bench", "anywhere"},
    "key": {"qcode", "hold"},
    "type": {"text", "delay"},
    "mouse": {"dx", "dy"},
    "button": {"name", "action"},
    "wheel": {"dz"},
    "screenshot": {"name"},
    "compare": {"screenshot", "x", "y", "w", "h", "color", "image",
                "tolerance"},
    "sleep": {"seconds"},
    "exit": {"code", "timeout"},
    "latency": {"qcode", "x", "y", "w", "h", "bench", "timeout"},
    "nmi": set(),
    "link": {"id", "up"},
}


class Scenario:
    def __init__(self, path, name=None):
        self.path = path
        base = os.path.basename(path)
        self.name = name or (base[:-4] if base.endswith(".run") else base)
        if not NAME_RE.match(self.name):
            raise ScenarioError("bad scenario name %r" % self.name)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            raise ScenarioError("%s: %s" % (path, e))
        except OSError as e:
            raise ScenarioError("cannot read %s: %s" % (path, e.strerror))
        if root.tag != "scenario":
            raise ScenarioError("the top element is <%s>, not <scenario>" %
                                root.tag)
        _attrs(root, {"test", "timeout"})
        self.test = _bool(root, "test", False)
        self.timeout = _num(root, "timeout", 60.0)
        self.targets = []
        self.mode = "kernel"
        self.cmdline = ""
        self.image = None
        self.modules = []
        self.memory = "256M"
        self.machine = "pc"
        self.cpu = "qemu64"
        self.accel = "tcg"
        self.icount = False
        self.display = "none"
        self.debug_exit = True
        self.extra = []
        self.fail = [re.compile(p) for p in DEFAULT_FAIL]
        self.expected_faults = []
        self.steps = None
        seen = set()
        for el in root:
            if el.tag in seen and el.tag not in ("fail", "baseline",
                                                 "expect-fault"):
                raise ScenarioError("more than one <%s>" % el.tag)
            seen.add(el.tag)
            if el.tag == "build":
                self.targets = _attrs(el, {"targets"}).get(
                    "targets", "").split()
            elif el.tag == "boot":
                self._parse_boot(el)
            elif el.tag == "qemu":
                self._parse_qemu(el)
            elif el.tag == "fail":
                _attrs(el, {"pattern"})
                self.fail.append(_regex(el, "pattern"))
            elif el.tag == "expect-fault":
                _attrs(el, {"pattern"})
                self.expected_faults.append(_regex(el, "pattern"))
            elif el.tag == "baseline":
                # Read by bench.py only: which Linux figure a figure of
                # this scenario is put beside.
                _attrs(el, {"figure", "linux", "kind"})
            elif el.tag == "steps":
                _attrs(el, set())
                self.steps = [self._parse_step(s) for s in el]
            else:
                raise ScenarioError("unknown element <%s>" % el.tag)

    def _parse_boot(self, el):
        _attrs(el, {"mode", "cmdline", "image"})
        self.mode = el.get("mode", "kernel")
        if self.mode not in ("kernel", "iso", "uefi"):
            raise ScenarioError("<boot mode=%r>: kernel, iso or uefi" %
                                self.mode)
        self.cmdline = el.get("cmdline", "")
        self.image = el.get("image")
        if self.image and (self.mode == "kernel" or len(el) or
                           self.cmdline):
            raise ScenarioError("<boot image=> boots a made ISO as it is: "
                                "iso or uefi mode, no cmdline, no modules")
        for m in el:
            if m.tag != "module":
                raise ScenarioError("<boot> holds only <module>, not <%s>" %
                                    m.tag)
            _attrs(m, {"name", "file"})
            name, path = m.get("name"), m.get("file")
            if not name or not path:
                raise ScenarioError("<module> needs name= and file=")
            if not NAME_RE.match(name):
                raise ScenarioError("bad module name %r" % name)
            self.modules.append((name, path))

    def _parse_qemu(self, el):
        _attrs(el, {"memory", "machine", "cpu", "accel", "icount",
                    "display", "extra", "debug-exit"})
        self.memory = el.get("memory", self.memory)
        self.machine = el.get("machine", self.machine)
        self.cpu = el.get("cpu", self.cpu)
        self.accel = el.get("accel", self.accel)
        self.icount = _bool(el, "icount", False)
        self.display = el.get("display", self.display)
        if self.display not in ("none", "std", "bochs"):
            raise ScenarioError("<qemu display=%r>: none, std or bochs" %
                                self.display)
        self.debug_exit = _bool(el, "debug-exit", True)
        self.extra = shlex.split(el.get("extra", ""))

    def _parse_step(self, el):
        if el.tag not in STEP_ATTRS:
            raise ScenarioError("unknown step <%s>" % el.tag)
        a = dict(_attrs(el, STEP_ATTRS[el.tag]))
        s = {"tag": el.tag, "line": a}
        if el.tag == "wait":
            s["pattern"] = _regex(el, "pattern")
            s["timeout"] = _num(el, "timeout", 10.0)
            s["bench"] = a.get("bench")
            s["anywhere"] = _bool(el, "anywhere", False)
        elif el.tag == "key":
            if "qcode" not in a:
                raise ScenarioError("<key> needs qcode=")
            s["qcode"] = a["qcode"]
            hold = []
            for h in a.get("hold", "").split():
                if h not in qmp.MODIFIERS:
                    raise ScenarioError("<key hold=%r>: unknown modifier %r"
                                        % (a["hold"], h))
                hold.append(qmp.MODIFIERS[h])
            s["hold"] = hold
        elif el.tag == "type":
            if "text" not in a:
                raise ScenarioError("<type> needs text=")
            s["text"] = qmp.unescape(a["text"])
            try:
                for c in s["text"]:
                    qmp.char_to_key(c)
            except ValueError as e:
                raise ScenarioError("<type>: %s" % e)
            s["delay"] = _num(el, "delay", 0.02)
        elif el.tag == "mouse":
            s["dx"] = _num(el, "dx", 0, int)
            s["dy"] = _num(el, "dy", 0, int)
        elif el.tag == "button":
            s["name"] = a.get("name", "left")
            if s["name"] not in ("left", "right", "middle", "side",
                                 "extra"):
                raise ScenarioError("<button name=%r>: left, right, middle"
                                    % s["name"])
            s["action"] = a.get("action", "click")
            if s["action"] not in ("click", "down", "up"):
                raise ScenarioError("<button action=%r>: click, down, up" %
                                    s["action"])
        elif el.tag == "link":
            if "id" not in a:
                raise ScenarioError("<link> needs id=")
            s["id"] = a["id"]
            s["up"] = _bool(el, "up", True)
        elif el.tag == "wheel":
            s["dz"] = _num(el, "dz", 1, int)
        elif el.tag == "screenshot":
            s["name"] = a.get("name")
            if not s["name"] or not NAME_RE.match(s["name"]):
                raise ScenarioError("<screenshot> needs a plain name=")
        elif el.tag == "compare":
            s["screenshot"] = a.get("screenshot")
            if not s["screenshot"]:
                raise ScenarioError("<compare> needs screenshot=")
            s["x"] = _num(el, "x", 0, int)
            s["y"] = _num(el, "y", 0, int)
            s["w"] = _num(el, "w", None, int)
            s["h"] = _num(el, "h", None, int)
            s["tolerance"] = _num(el, "tolerance", 0, int)
            if ("color" in a) == ("image" in a):
                raise ScenarioError("<compare> needs color= or image=")
            if "color" in a:
                try:
                    s["color"] = png.parse_color(a["color"])
                except ValueError as e:
                    raise ScenarioError("<compare>: %s" % e)
            else:
                s["image"] = a["image"]
        elif el.tag == "sleep":
            s["seconds"] = _num(el, "seconds", 1.0)
        elif el.tag == "exit":
            s["code"] = _num(el, "code", 0, int)
            s["timeout"] = _num(el, "timeout", 10.0)
        elif el.tag == "latency":
            if "qcode" not in a or "bench" not in a:
                raise ScenarioError("<latency> needs qcode= and bench=")
            s["qcode"] = a["qcode"]
            s["bench"] = a["bench"]
            s["x"] = _num(el, "x", 0, int)
            s["y"] = _num(el, "y", 0, int)
            s["w"] = _num(el, "w", 1, int)
            s["h"] = _num(el, "h", 1, int)
            s["timeout"] = _num(el, "timeout", 5.0)
        return s


def describe(step):
    return "<%s%s/>" % (step["tag"], "".join(
        ' %s="%s"' % kv for kv in step["line"].items()))


# ISO image

GRUB_CFG = """set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
insmod all_video
menuentry "Bulkhead" {
	multiboot2 /boot/kernel.elf %(cmdline)s
%(modules)s	boot
}
"""


def grub_quote(cmdline):
    """Quote each word of a command line for grub.cfg, whose script syntax
    would otherwise expand $, ; and quotes."""
    words = []
    for w in cmdline.split():
        if re.match(r"^[A-Za-z0-9_.,:/=+@%-]+$", w):
            words.append(w)
        else:
            words.append("'" + w.replace("'", "'\\''") + "'")
    return " ".join(words)


def make_targets(targets, log, echo):
    """Run make for targets, its output into log (and to stdout with
    echo)."""
    p = subprocess.Popen(["make"] + targets, cwd=TOP,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for raw in p.stdout:
            text = raw.decode("utf-8", "replace")
            log.write("make: " + text)
            if echo:
                sys.stdout.write(text)
                sys.stdout.flush()
        p.wait()
    except BaseException:
        p.terminate()  # interrupted: the build must not outlive us
        p.wait()
        raise
    if p.returncode != 0:
        raise Failure("make %s failed (status %d)" %
                      (" ".join(targets), p.returncode))


def make_iso(out, kernel, cmdline, modules, log=None):
    """Build a GRUB (BIOS + UEFI) ISO at `out` that boots `kernel` through
    multiboot2 with `cmdline`; `modules` is a list of (name, path) loaded
    in that order, each with its name as its command line."""
    if shutil.which("grub-mkrescue") is None:
        raise Failure("grub-mkrescue is not installed "
                      "(run: bash run/tool/setup.sh)")
    if not os.path.isfile(kernel):
        raise Failure("kernel %s does not exist" % kernel)
    for name, path in modules:
        if not NAME_RE.match(name):
            raise Failure("bad module name %r" % name)
        if not os.path.isfile(path):
            raise Failure("module %s: %s does not exist" % (name, path))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bulkhead-iso-") as root:
        os.makedirs(os.path.join(root, "boot", "grub"))
        os.makedirs(os.path.join(root, "boot", "mod"))
        shutil.copyfile(kernel, os.path.join(root, "boot", "kernel.elf"))
        lines = ""
        for name, path in modules:
            shutil.copyfile(path, os.path.join(root, "boot", "mod", name))
            lines += "\tmodule2 /boot/mod/%s %s\n" % (name, name)
        with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
            f.write(GRUB_CFG % {"cmdline": grub_quote(cmdline),
                                "modules": lines})
        tmp = out + ".tmp"
        p = subprocess.run(["grub-mkrescue", "-o", tmp, root],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if log:
            log.write(p.stdout.decode("utf-8", "replace"))
        if p.returncode != 0:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise Failure("grub-mkrescue failed: %s" %
                          p.stdout.decode("utf-8", "replace").strip()[-300:])
        os.replace(tmp, out)


# Running QEMU

def ovmf_args(rundir):
    """Firmware arguments for `uefi` mode: a single OVMF.fd image as -bios
    where one exists, else the split CODE/VARS pflash pair (VARS copied,
    since the firmware writes it)."""
    for path in OVMF_CANDIDATES:
        if os.path.isfile(path):
            return ["-bios", path]
    for code, vars_ in (("/usr/share/OVMF/OVMF_CODE.fd",
                         "/usr/share/OVMF/OVMF_VARS.fd"),
                        ("/usr/share/OVMF/OVMF_CODE_4M.fd",
                         "/usr/share/OVMF/OVMF_VARS_4M.fd")):
        if os.path.isfile(code) and os.path.isfile(vars_):
            copy = os.path.join(rundir, "ovmf-vars.fd")
            shutil.copyfile(vars_, copy)
            return ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                    "-drive", "if=pflash,format=raw,file=" + copy]
    raise Failure("no OVMF firmware found (run: bash run/tool/setup.sh)")


def free_vnc_display():
    for n in range(0, 100):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 5900 + n))
            return n
        except OSError:
            continue
        finally:
            s.close()
    raise Failure("no free VNC port in 5900-5999")


def _die_with_parent():
    """In the QEMU child: get SIGKILL if the run tool dies without cleaning
    up (even by SIGKILL), so no QEMU outlives it."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def decode_exit(status):
    """Turn QEMU's exit status into (guest code or None, description)."""
    if status is None:
        return None, "still running"
    if status < 0:
        return None, "QEMU was killed by signal %d" % -status
    if status & 1 and (status >> 1) >= DEBUG_EXIT_BASE:
        code = (status >> 1) - DEBUG_EXIT_BASE
        return code, "guest exited with code %d" % code
    if status == 0:
        return None, "guest shut down or reset without isa-debug-exit"
    if status & 1 and status > 1:
        return None, ("guest wrote 0x%x to isa-debug-exit (not 0x42+code)"
                      % (status >> 1))
    return None, "QEMU exited with status %d" % status


class Runner:
    def __init__(self, sc, opts):
        self.sc = sc
        self.opts = opts
        self.rundir = os.path.join("build", "run", sc.name)
        self.sock = os.path.join(self.rundir, "qmp.sock")
        self.logpath = os.path.join(self.rundir, "run.log")
        self.proc = None
        self.qmp = None
        self.faults_seen = set()
        self.events = queue.Queue()
        self.lines = []
        self.partial = ""
        self.cursor = (0, 0)   # (line index, offset) not yet consumed
        self.eof = False
        self.status = None
        self.t0 = None
        self.log = None
        self.echo = not opts.quiet
        self.shots = {}
        self.failure = None
        self.interactive = opts.interactive

    # Logging

    def stamp(self):
        if self.t0 is None:
            return "[   -   ]"
        return "[%7.3f]" % (time.monotonic() - self.t0)

    def note(self, text):
        if self.log:
            self.log.write("%s run: %s\n" % (self.stamp(), text))
            self.log.flush()

    def say(self, text):
        """A line for the person watching as well as the log."""
        self.note(text)
        print("run %s: %s" % (self.sc.name, text), flush=True)

    # Preparation

    def build(self):
        if self.opts.no_build or not self.sc.targets:
            return
        self.note("make %s" % " ".join(self.sc.targets))
        make_targets(self.sc.targets, self.log, self.echo)

    def kernel_path(self, default):
        return self.opts.kernel or default

    def boot_args(self):
        sc = self.sc
        for name, path in sc.modules:
            if not os.path.isfile(path):
                raise Failure("module %s: %s does not exist" % (name, path))
        if sc.mode == "kernel":
            kernel = self.kernel_path(KERNEL32)
            if not os.path.isfile(kernel):
                raise Failure("kernel %s does not exist" % kernel)
            args = ["-kernel", kernel]
            if sc.cmdline:
                args += ["-append", sc.cmdline]
            if sc.modules:
                mods = os.path.join(self.rundir, "mods")
                os.makedirs(mods, exist_ok=True)
                specs = []
                for name, path in sc.modules:
                    link = os.path.join(mods, name)
                    if os.path.lexists(link):
                        os.unlink(link)
                    os.symlink(os.path.abspath(path), link)
                    specs.append("%s %s" % (link.replace(",", ",,"), name))
                args += ["-initrd", ",".join(specs)]
            return args
        if sc.image:
            iso = sc.image
            if not os.path.isfile(iso):
                raise Failure("image %s does not exist" % iso)
        else:
            iso = os.path.join(self.rundir, "boot.iso")
            self.note("making %s" % iso)
            make_iso(iso, self.kernel_path(KERNEL64), sc.cmdline,
                     sc.modules, self.log)
        args = ["-cdrom", iso, "-boot", "d"]
        if sc.mode == "uefi":
            args = ovmf_args(self.rundir) + args
        return args

    def qemu_cmd(self):
        sc = self.sc
        qemu = self.opts.qemu
        if shutil.which(qemu) is None:
            raise Failure("%s is not installed (run: bash run/tool/setup.sh)"
                          % qemu)
        accel = os.environ.get("ACCEL") or sc.accel
        cmd = [qemu, "-accel", accel, "-machine", sc.machine, "-cpu", sc.cpu,
               "-m", sc.memory, "-no-reboot", "-monitor", "none",
               "-serial", "stdio",
               "-qmp", "unix:%s,server,nowait" % self.sock]
        if sc.debug_exit:
            cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if sc.icount:
            cmd += ["-icount", "shift=0"]
        if sc.display == "none":
            cmd += ["-vga", "none"]
        elif sc.display == "std":
            cmd += ["-vga", "std"]
        else:
            cmd += ["-vga", "none", "-device", "bochs-display"]
        cmd += self.ui_args()
        cmd += self.boot_args()
        cmd += sc.extra
        return cmd

    def ui_args(self):
        want = self.opts.display
        if want is None and self.interactive:
            want = "window" if os.environ.get("DISPLAY") else "vnc"
        if want in (None, "none"):
            return ["-display", "none"]
        if want == "vnc":
            n = free_vnc_display()
            self.vnc = n
            return ["-display", "none", "-vnc", "127.0.0.1:%d" % n]
        if want == "window":
            return []
        return ["-display", want]

    # Serial input

    def reader(self, fd, raw_log):
        partial = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            raw_log.write(chunk)
            raw_log.flush()
            partial += chunk
            while b"\n" in partial:
                line, partial = partial.split(b"\n", 1)
                self.events.put(("line", self.clean(line)))
            if partial:
                self.events.put(("partial", self.clean(partial)))
        if partial:
            self.events.put(("line", self.clean(partial)))
        self.events.put(("eof", None))

    @staticmethod
    def clean(raw):
        text = raw.decode("utf-8", "replace").replace("\r", "")
        return ANSI_RE.sub("", text)

    def check_fail(self, text):
        for pat in self.sc.fail:
            if pat.search(text):
                return pat
        if FAULT_RE.search(text):
            for pat in self.sc.expected_faults:
                if pat.search(text):
                    self.faults_seen.add(pat.pattern)
                    return None
            return FAULT_RE
        return None

    def final_check(self):
        """After the last step: every fault the scenario declares expected
        happened (an expectation that never comes true hides nothing)."""
        self.drain()
        for pat in self.sc.expected_faults:
            if pat.pattern not in self.faults_seen:
                self.fail_now("expected fault /%s/ never happened" %
                              pat.pattern)

    def handle(self, ev):
        kind, text = ev
        if kind == "line":
            self.lines.append(text)
            self.partial = ""
            self.log.write("%s serial: %s\n" % (self.stamp(), text))
            self.log.flush()
            if self.echo:
                print(text, flush=True)
        elif kind == "partial":
            self.partial = text
        else:
            self.eof = True
            self.status = self.proc.wait()
            self.note("QEMU exited with status %d (%s)" %
                      (self.status, decode_exit(self.status)[1]))
            return
        pat = self.check_fail(text)
        if pat is FAULT_RE:
            self.fail_now("unexpected fault (no <expect-fault> matches): %s"
                          % text.strip()[:200])
        elif pat is not None:
            self.fail_now("fail pattern /%s/ matched: %s" %
                          (pat.pattern, text.strip()[:200]))

    def fail_now(self, reason):
        """A failure seen while handling output: fatal in a test run; in
        interactive mode it is reported and the guest keeps running."""
        if not self.interactive:
            raise Failure(reason)
        if self.failure is None:
            self.failure = reason
            self.say("FAILED: %s (QEMU keeps running)" % reason)

    def pump(self, deadline):
        """Handle output events until `deadline` or the next event."""
        wait = max(0.0, deadline - time.monotonic())
        try:
            ev = self.events.get(timeout=min(wait, 0.5))
        except queue.Empty:
            return
        self.handle(ev)
        while True:
            try:
                self.handle(self.events.get_nowait())
            except queue.Empty:
                return

    def drain(self):
        while True:
            try:
                self.handle(self.events.get_nowait())
            except queue.Empty:
                return

    # Deadlines

    def scenario_deadline(self):
        if self.interactive:
            return float("inf")
        return self.t0 + self.sc.timeout

    def step_deadline(self, timeout):
        d = time.monotonic() + timeout
        sd = self.scenario_deadline()
        return (d, "step") if d < sd else (sd, "scenario")

    def exit_reason(self):
        code, text = decode_exit(self.status)
        why = self.shutdown_reason()
        if why and code is None:
            text += " (%s)" % why
        err = self.qemu_stderr()
        if err and code is None:
            text += ": " + err.strip().splitlines()[-1][:200]
        return text

    def shutdown_reason(self):
        if self.qmp is None:
            return None
        for ev in self.qmp.poll_events():
            if ev.get("event") == "SHUTDOWN":
                return ev.get("data", {}).get("reason")
        return None

    def qemu_stderr(self):
        """What QEMU said on stderr, less the note of our own kill."""
        try:
            with open(os.path.join(self.rundir, "qemu.stderr")) as f:
                text = f.read()
        except OSError:
            return ""
        return "".join(line for line in text.splitlines(True)
                       if "terminating on signal" not in line)

    # Steps

    def search_anywhere(self, pattern):
        """Find `pattern` anywhere in the output so far; the cursor stays:
        for lines whose order among each other is not fixed."""
        for line in self.lines + ([self.partial] if self.partial else []):
            if pattern.search(line):
                return line
        return None

    def search(self, pattern):
        """Find `pattern` in the output after the cursor; on a match move
        the cursor past it and return the matched line."""
        idx, off = self.cursor
        while idx < len(self.lines):
            m = pattern.search(self.lines[idx], off)
            if m:
                self.cursor = (idx + 1, 0) if m.end() >= len(
                    self.lines[idx]) else (idx, m.end())
                return self.lines[idx]
            idx, off = idx + 1, 0
        self.cursor = (idx, off)
        if self.partial:
            m = pattern.search(self.partial, off)
            if m:
                self.cursor = (idx, m.end())
                return self.partial
        return None

    def step_wait(self, s):
        deadline, which = self.step_deadline(s["timeout"])
        while True:
            line = (self.search_anywhere(s["pattern"]) if s["anywhere"]
                    else self.search(s["pattern"]))
            if line is not None:
                if s["bench"]:
                    # Host wall time from QEMU's start to this line.
                    print("bench: %s %d ms" % (s["bench"],
                          (time.monotonic() - self.t0) * 1000), flush=True)
                return
            if self.eof:
                raise Failure("%s while waiting for /%s/" %
                              (self.exit_reason(), s["pattern"].pattern))
            if time.monotonic() >= deadline:
                if which == "step":
                    raise Failure("timeout: /%s/ did not appear within %gs"
                                  % (s["pattern"].pattern, s["timeout"]))
                raise Failure("timeout: scenario took longer than %gs "
                              "(waiting for /%s/)" %
                              (self.sc.timeout, s["pattern"].pattern))
            self.pump(deadline)

    def step_exit(self, s):
        deadline, which = self.step_deadline(s["timeout"])
        while not self.eof:
            if time.monotonic() >= deadline:
                raise Failure("timeout: the guest did not exit within %gs" %
                              (s["timeout"] if which == "step"
                               else self.sc.timeout))
            self.pump(deadline)
        code, text = decode_exit(self.status)
        if code != s["code"]:
            raise Failure("%s, expected code %d" %
                          (self.exit_reason(), s["code"]))

    def need_qmp(self, s):
        self.drain()
        if self.eof:
            raise Failure("%s before %s" % (self.exit_reason(), describe(s)))
        if self.qmp is None:
            raise Failure("no QMP connection for %s" % describe(s))

    def step_screenshot(self, s):
        self.need_qmp(s)
        path = os.path.abspath(os.path.join(self.rundir, s["name"] + ".png"))
        for old in (path, path[:-4] + ".diff.png"):
            if os.path.exists(old):
                os.unlink(old)
        tmp = path + ".tmp"
        fmt = self.qmp.screendump(tmp)
        if fmt == "ppm":
            png.write_png(path, png.read_image(tmp))
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
        self.shots[s["name"]] = path
        self.note("screenshot %s" % path)

    def step_compare(self, s):
        path = self.shots.get(s["screenshot"])
        if path is None:
            raise Failure("%s: no screenshot %r taken before" %
                          (describe(s), s["screenshot"]))
        try:
            shot = png.read_image(path)
            if "image" in s:
                want = png.read_image(os.path.join(TOP, s["image"]))
                w = s["w"] or want.width
                h = s["h"] or want.height
                want = want.crop(0, 0, w, h)
            else:
                w = s["w"] or shot.width - s["x"]
                h = s["h"] or shot.height - s["y"]
                want = png.solid(w, h, s["color"])
            bad, first, diff = png.compare(shot, s["x"], s["y"], want,
                                           s["tolerance"])
        except (png.ImageError, OSError) as e:
            raise Failure("%s: %s" % (describe(s), e))
        if bad:
            diffpath = path[:-4] + ".diff.png"
            png.write_png(diffpath, diff)
            x, y, got, exp = first
            raise Failure("%s: %d of %d pixels differ, first at (%d,%d): "
                          "#%02x%02x%02x, expected #%02x%02x%02x (diff: %s)"
                          % (describe(s), bad, w * h, x, y, got[0], got[1],
                             got[2], exp[0], exp[1], exp[2], diffpath))

    def step_input(self, s):
        self.need_qmp(s)
        tag = s["tag"]
        if tag == "key":
            self.qmp.press(s["qcode"], s["hold"])
        elif tag == "type":
            for c in s["text"]:
                code, shifted = qmp.char_to_key(c)
                self.qmp.press(code, ["shift"] if shifted else [],
                               s["delay"])
                self.drain()
        elif tag == "mouse":
            self.qmp.mouse_move(s["dx"], s["dy"])
            # QEMU's PS/2 mouse sends at most 255 counts a packet and
            # folds what it could not send yet into the next one, a
            # button's too: give the guest time to take the motion.
            time.sleep(0.05 + 0.05 * (abs(s["dx"]) + abs(s["dy"])) / 255)
        elif tag == "button":
            if s["action"] in ("click", "down"):
                self.qmp.button(s["name"], True)
            if s["action"] == "click":
                time.sleep(0.02)
            if s["action"] in ("click", "up"):
                self.qmp.button(s["name"], False)
        elif tag == "nmi":
            self.qmp.command("inject-nmi")
        elif tag == "link":
            self.qmp.command("set_link", name=s["id"], up=s["up"])
        elif tag == "wheel":
            name = "wheel-down" if s["dz"] > 0 else "wheel-up"
            for _ in range(abs(s["dz"])):
                self.qmp.button(name, True)
                self.qmp.button(name, False)

    def region(self, path, s):
        """The bytes of a rectangle of a PPM screendump."""
        with open(path, "rb") as f:
            data = f.read()
        fields, at = [], 0
        while len(fields) < 4:  # P6, width, height, maxval
            while data[at:at + 1].isspace():
                at += 1
            end = at
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[at:end])
            at = end
        at += 1
        width = int(fields[1])
        rows = []
        for y in range(s["y"], s["y"] + s["h"]):
            off = at + (y * width + s["x"]) * 3
            rows.append(data[off:off + s["w"] * 3])
        return b"".join(rows)

    def step_latency(self, s):
        """Press a key and poll the screen until the rectangle changes:
        host wall time from the key to changed pixels (its resolution is
        one screendump, printed too)."""
        self.need_qmp(s)
        tmp = os.path.join(self.rundir, "latency.ppm")
        self.qmp.command("screendump", filename=tmp)
        before = self.region(tmp, s)
        self.qmp.keys([s["qcode"]], True)
        t0 = time.monotonic()
        polls = 0
        while True:
            self.drain()
            self.qmp.command("screendump", filename=tmp)
            polls += 1
            now = time.monotonic()
            if self.region(tmp, s) != before:
                break
            if now - t0 > s["timeout"]:
                raise Failure("%s: the pixels did not change within %gs"
                              % (describe(s), s["timeout"]))
        self.qmp.keys([s["qcode"]], False)
        os.unlink(tmp)
        print("bench: %s %.1f ms (%d screendumps, %.1f ms each)" %
              (s["bench"], (now - t0) * 1000, polls,
               (now - t0) * 1000 / polls), flush=True)

    def step_sleep(self, s):
        deadline, which = self.step_deadline(s["seconds"])
        while time.monotonic() < deadline:
            self.pump(deadline)
        if which == "scenario":
            raise Failure("timeout: scenario took longer than %gs" %
                          self.sc.timeout)

    def run_steps(self):
        steps = self.sc.steps
        if not steps:
            # No steps: the guest must exit with code 0 in time.
            steps = [{"tag": "exit", "code": 0, "timeout": self.sc.timeout,
                      "line": {"code": "0"}}]
        for i, s in enumerate(steps):
            self.note("step %d: %s" % (i + 1, describe(s)))
            self.drain()
            if not self.interactive and \
               time.monotonic() >= self.scenario_deadline():
                raise Failure("timeout: scenario took longer than %gs" %
                              self.sc.timeout)
            try:
                if s["tag"] == "wait":
                    self.step_wait(s)
                elif s["tag"] == "exit":
                    self.step_exit(s)
                elif s["tag"] == "screenshot":
                    self.step_screenshot(s)
                elif s["tag"] == "compare":
                    self.step_compare(s)
                elif s["tag"] == "sleep":
                    self.step_sleep(s)
                elif s["tag"] == "latency":
                    self.step_latency(s)
                else:
                    self.step_input(s)
            except qmp.QmpError as e:
                self.drain()
                if self.eof:
                    raise Failure("%s during %s" %
                                  (self.exit_reason(), describe(s)))
                raise Failure("%s: QMP: %s" % (describe(s), e))
            except Failure as e:
                if not self.interactive:
                    raise
                self.fail_now(str(e))
                return
        self.final_check()

    # The whole run

    def start(self):
        os.makedirs(self.rundir, exist_ok=True)
        for old in os.listdir(self.rundir):
            p = os.path.join(self.rundir, old)
            if not os.path.isdir(p) or os.path.islink(p):
                os.unlink(p)  # files, stale sockets, links
        if not qmp.socket_path_ok(self.sock):
            raise Failure("QMP socket path %s is too long" % self.sock)
        self.log = open(self.logpath, "w")
        self.note("scenario %s (%s)" % (self.sc.name, self.sc.path))

    def boot(self):
        cmd = self.qemu_cmd()
        self.note("QEMU: " + " ".join(shlex.quote(c) for c in cmd))
        err = open(os.path.join(self.rundir, "qemu.stderr"), "wb")
        raw = open(os.path.join(self.rundir, "serial.log"), "wb")
        self.t0 = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=err, start_new_session=True,
                preexec_fn=_die_with_parent)
        except OSError as e:
            raise Failure("cannot start %s: %s" % (cmd[0], e.strerror))
        finally:
            err.close()
        if getattr(self, "vnc", None) is not None:
            self.say("VNC display at 127.0.0.1:%d: connect with "
                     "`vncviewer 127.0.0.1:%d`" % (5900 + self.vnc,
                                                   self.vnc))
        t = threading.Thread(target=self.reader,
                             args=(self.proc.stdout.fileno(), raw),
                             daemon=True)
        t.start()
        self.qmp = qmp.Qmp(self.sock)
        try:
            self.qmp.connect(10.0, alive=lambda: self.proc.poll() is None)
        except qmp.QmpError as e:
            # A guest that is already gone needs no QMP; the steps will
            # say what went wrong.
            self.note("QMP: %s" % e)
            self.qmp.close()
            self.qmp = None

    def linger(self):
        """Interactive: keep the guest running until QEMU exits."""
        self.say("all steps done; QEMU runs until it exits "
                 "(close the window or press Ctrl-C)")
        while not self.eof:
            self.pump(time.monotonic() + 1.0)

    def stop(self):
        """Kill QEMU (its whole process group) and remove the socket. Safe
        to call more than once; signals that would interrupt it wait."""
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                signal.signal(sig, signal.SIG_IGN)
            except ValueError:
                pass
        if self.qmp is not None:
            self.qmp.close()
            self.qmp = None
        p = self.proc
        if p is not None and p.poll() is None:
            for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    p.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
            self.note("QEMU stopped")
        if p is not None:
            try:
                p.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            if p.stdout:
                p.stdout.close()
        try:
            os.unlink(self.sock)
        except OSError:
            pass

    def tail(self, n=20):
        lines = self.lines[-n:]
        if self.partial:
            lines = (lines + [self.partial])[-n:]
        return lines


def run_scenario(sc, opts):
    """Run one scenario; print the verdict; return the exit status."""
    os.chdir(TOP)
    r = Runner(sc, opts)
    reason = None
    status = 1
    try:
        r.start()
        r.build()
        r.boot()
        r.run_steps()
        if r.interactive:
            r.linger()
            reason = r.failure
        status = 0 if reason is None else 1
    except Failure as e:
        reason = str(e)
    except Interrupted as e:
        reason = "interrupted (%s)" % e
        status = 130
    except KeyboardInterrupt:
        reason = "interrupted (Ctrl-C)"
        status = 130
    except Exception as e:  # a bug in the tool must not leave QEMU behind
        reason = "run tool error: %s: %s" % (type(e).__name__, e)
        import traceback
        if r.log:
            traceback.print_exc(file=r.log)
    finally:
        r.stop()
    elapsed = time.monotonic() - r.t0 if r.t0 is not None else 0.0
    if reason is None:
        r.note("passed")
        verdict = "run %s: passed (%.1fs)" % (sc.name, elapsed)
    else:
        if status == 0:
            status = 1
        r.note("failed: %s" % reason)
        if r.lines or r.partial:
            print("--- last serial lines of %s ---" % sc.name)
            for line in r.tail():
                print("  " + line)
        err = r.qemu_stderr().strip()
        if err:
            print("--- QEMU stderr ---")
            for line in err.splitlines()[-10:]:
                print("  " + line)
        verdict = "run %s: failed: %s (see %s)" % (sc.name, reason,
                                                  r.logpath)
    if r.log:
        r.log.close()
    sys.stdout.flush()
    print(verdict, flush=True)
    return status


def _raise_interrupted(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def parse_module_spec(spec):
    """NAME=PATH, or PATH (the name is the file's basename)."""
    if "=" in spec:
        name, path = spec.split("=", 1)
    else:
        name, path = os.path.basename(spec), spec
    return name, path


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Boot a Bulkhead scenario in QEMU, or build the ISO.")
    ap.add_argument("scenario", nargs="?",
                    help="run/NAME.run (with --make-iso: module specs "
                    "NAME=PATH, or a .run file to take them from)")
    ap.add_argument("modules", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--no-build", action="store_true",
                    help="skip the scenario's make targets")
    ap.add_argument("--interactive", action="store_true",
                    help="show the screen (a window with $DISPLAY, else "
                    "VNC on 127.0.0.1) and keep running after the last "
                    "step until QEMU exits; no scenario timeout")
    ap.add_argument("--display", choices=["none", "window", "gtk", "sdl",
                                          "vnc"],
                    help="override how the screen is shown")
    ap.add_argument("--name", help="scenario name (default: the file's "
                    "basename); names build/run/NAME")
    ap.add_argument("--kernel", help="boot this kernel image instead of "
                    "build/kernel/kernel32.elf (kernel mode) or "
                    "build/kernel/kernel.elf (iso, uefi)")
    ap.add_argument("--qemu", default="qemu-system-x86_64",
                    help=argparse.SUPPRESS)
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="do not echo serial and build output")
    ap.add_argument("--make-iso", metavar="OUT.iso",
                    help="only build a GRUB ISO booting the kernel with "
                    "--cmdline and the given modules")
    ap.add_argument("--cmdline", default=None,
                    help="kernel command line for --make-iso")
    ap.add_argument("--module", action="append", default=[],
                    metavar="NAME=PATH",
                    help="a boot module for --make-iso, in boot order")
    opts = ap.parse_args(argv)

    if opts.make_iso:
        specs = opts.module + ([opts.scenario] if opts.scenario else [])
        specs += opts.modules
        cmdline = opts.cmdline or ""
        modules = []
        if len(specs) == 1 and specs[0].endswith(".run"):
            try:
                sc = Scenario(specs[0])
            except ScenarioError as e:
                print("run: %s" % e, file=sys.stderr)
                return 1
            modules = [(n, os.path.join(TOP, p)) for n, p in sc.modules]
            if opts.cmdline is None:
                cmdline = sc.cmdline
            if not opts.no_build and sc.targets:
                try:
                    make_targets(sc.targets, sys.stdout, False)
                except Failure as e:
                    print("run: --make-iso: %s" % e, file=sys.stderr)
                    return 1
        else:
            modules = [parse_module_spec(s) for s in specs]
        try:
            make_iso(opts.make_iso, opts.kernel or os.path.join(TOP, KERNEL64),
                     cmdline, modules)
        except Failure as e:
            print("run: --make-iso: %s" % e, file=sys.stderr)
            return 1
        print("run: wrote %s" % opts.make_iso)
        return 0

    if not opts.scenario or opts.modules or opts.module:
        ap.error("give exactly one scenario file (--module is for "
                 "--make-iso)")
    if opts.kernel:
        opts.kernel = os.path.abspath(opts.kernel)
    signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.signal(signal.SIGHUP, _raise_interrupted)
    # A shell starts background jobs with SIGINT ignored, and Python keeps
    # it so: Ctrl-C (or a test driver's SIGINT) must still stop the run.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    name = opts.name
    try:
        sc = Scenario(opts.scenario, name)
    except ScenarioError as e:
        if name is None:
            base = os.path.basename(opts.scenario)
            name = base[:-4] if base.endswith(".run") else base
        print("run %s: failed: bad scenario: %s (see %s)" %
              (name, e, opts.scenario), flush=True)
        return 1
    return run_scenario(sc, opts)


if __name__ == "__main__":
    sys.exit(main())
