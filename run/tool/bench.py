#!/usr/bin/env python3
"""Runs Bulkhead's benchmark scenarios next to a Linux baseline.

What `make bench` runs. Every run/bench_*.run scenario is run with
run/tool/run.py; the lines "bench: NAME VALUE UNIT" in its output are its
figures. For every distinct set of QEMU parameters among those scenarios
(memory, machine, cpu, accel, icount) the Linux baseline (run/linux/
baseline.py) is booted once, and each Bulkhead figure is put beside the Linux
figure its scenario names in a <baseline figure=".." linux=".."/> element
(run/README.md). The result is the Markdown table build/bench.md.

A failed scenario or baseline is reported and makes the exit status 1; the
rest still run. Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# BENCH_RUN_TOOL swaps in another run tool (the tests of bench.py use it).
RUN_TOOL = Path(os.environ.get("BENCH_RUN_TOOL")
                or ROOT / "run" / "tool" / "run.py")
BASELINE = ROOT / "run" / "linux" / "baseline.py"
FIGURE = re.compile(r"\bbench: ([A-Za-z_][\w.]*) (-?\d+(?:\.\d+)?) (\S+)")

# The <qemu> defaults of run/README.md; accel comes from $ACCEL first.
QEMU_DEFAULTS = {"memory": "256M", "machine": "pc", "cpu": "qemu64",
                 "accel": "tcg", "icount": "no"}
PARAM_KEYS = ("memory", "machine", "cpu", "accel", "icount")

# Pairings for scenarios that declare none, with their kind; a <baseline>
# element wins, and a figure NAME with a Linux figure linux_NAME pairs with
# it on its own, as the same work. Only the same work gets a ratio; a Linux
# figure of different work (a pipe beside an empty IPC) is context.
DEFAULT_PAIRS = {
    "ipc_rtt": ("linux_pipe_rtt", "context"),
    "ipc_rtt_insns": ("linux_pipe_rtt_insns", "context"),
    "syscall": ("linux_getppid", "ratio"),
    "syscall_insns": ("linux_getppid_insns", "ratio"),
}
BASELINE_KINDS = ("ratio", "context")

# A scenario's own timeout excludes its build; this bounds the whole run.
BUILD_ALLOWANCE = 900


def rel(path):
    """Names path relative to the repository when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def say(msg):
    print(f"bench: -- {msg}", file=sys.stderr, flush=True)


def yes(v):
    # run.py accepts only yes and no and refuses the scenario otherwise.
    return str(v) == "yes"


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = path.stem
        self.params = None
        self.pairs = {}
        self.timeout = 60.0
        self.figures = []
        self.failure = None

    def parse(self):
        """Reads the <qemu> parameters and <baseline> pairings."""
        try:
            root = ET.parse(self.path).getroot()
        except (ET.ParseError, OSError) as e:
            self.failure = f"cannot parse {self.path}: {e}"
            return
        if root.tag != "scenario":
            self.failure = f"{self.path}: root element is <{root.tag}>"
            return
        try:
            self.timeout = float(root.get("timeout", "60"))
        except ValueError:
            self.failure = f"{self.path}: bad timeout {root.get('timeout')!r}"
            return
        q = root.find("qemu")
        attrs = dict(q.attrib) if q is not None else {}
        p = {k: attrs.get(k, QEMU_DEFAULTS[k]) for k in PARAM_KEYS}
        p["accel"] = (os.environ.get("ACCEL") or attrs.get("accel")
                      or QEMU_DEFAULTS["accel"])
        p["icount"] = yes(p["icount"])
        self.params = p
        for b in root.findall("baseline"):
            fig, lin = b.get("figure"), b.get("linux")
            if not fig or not lin:
                self.failure = (f"{self.path}: <baseline> needs figure and "
                                "linux attributes")
                return
            kind = b.get("kind", "context")
            if kind not in BASELINE_KINDS:
                self.failure = (f"{self.path}: <baseline kind={kind!r}>: "
                                "ratio or context")
                return
            self.pairs[fig] = (lin, kind)


def params_key(p):
    return tuple(p[k] for k in PARAM_KEYS)


def params_text(p):
    s = f"{p['memory']} {p['machine']} {p['cpu']} {p['accel']}"
    return s + (" icount" if p["icount"] else "")


def stream(args, timeout, collect):
    """Runs args in its own process group, echoing and parsing its output.

    Returns (exit status or None on timeout). On timeout or interruption the
    whole group (the tool and its QEMU) is killed.
    """
    proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            print(line, flush=True)
            collect(line)
        rc = proc.wait()
    except BaseException:
        kill()
        proc.wait()
        raise
    finally:
        timer.cancel()
    return None if timed_out else rc


def run_scenario(s):
    def collect(line):
        m = FIGURE.search(line)
        if m:
            s.figures.append((m.group(1), m.group(2), m.group(3)))

    say(f"scenario {rel(s.path)}")
    if not RUN_TOOL.is_file():
        s.failure = f"{rel(RUN_TOOL)} does not exist"
        return
    limit = s.timeout + BUILD_ALLOWANCE
    rc = stream([sys.executable, str(RUN_TOOL), rel(s.path)], limit,
                collect)
    if rc is None:
        s.failure = f"run.py killed after {limit:.0f} s"
    elif rc != 0:
        s.failure = (f"run.py exited {rc} (see build/run/{s.name}/)")
    elif not s.figures:
        s.failure = "passed but printed no 'bench:' figure"


def run_baseline(p, a):
    """Boots the Linux baseline with parameters p; returns its JSON result."""
    tag = "-".join(str(p[k]) for k in ("machine", "cpu", "accel", "memory"))
    tag += "-icount" if p["icount"] else ""
    out = ROOT / "build" / "bench" / f"linux-{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    args = [sys.executable, str(BASELINE), "--memory", p["memory"],
            "--machine", p["machine"], "--cpu", p["cpu"],
            "--accel", p["accel"], "--runs", str(a.runs), "--json", str(out)]
    if p["icount"]:
        args.append("--icount")
    if a.offline:
        args.append("--offline")
    say(f"Linux baseline, {params_text(p)}")
    rc = stream(args, 900 if p["icount"] else 400, lambda line: None)
    try:
        result = json.loads(out.read_text())
    except (OSError, ValueError):
        result = {"figures": [], "failure": None}
    if rc is None:
        result["failure"] = "baseline.py killed after its time limit"
    elif rc != 0 and not result.get("failure"):
        result["failure"] = f"baseline.py exited {rc}"
    result["params"] = p
    return result


def fmt(v):
    if v is None:
        return "-"
    f = float(v)
    if f.is_integer():
        return f"{int(f):,}"
    return f"{f:,.2f}"


def ratio(b, bu, lv, lu, kind):
    if b is None or lv is None:
        return "-"
    if kind == "context":
        return "context"
    if bu != lu:
        return "-"
    if float(lv) == 0:
        return "-"
    return f"{float(b) / float(lv):.2f}"


def write_table(path, scenarios, baselines, failures):
    when = datetime.datetime.now(datetime.timezone.utc)
    kernels = sorted({f"{r['kernel']} {r['kernel_version']}"
                      for r in baselines.values() if r.get("kernel")})
    qemus = sorted({r["qemu"] for r in baselines.values() if r.get("qemu")})
    out = ["# Bulkhead benchmarks", "",
           f"Date: {when:%Y-%m-%d %H:%M} UTC. "
           f"QEMU {', '.join(qemus) or '-'}; "
           f"Linux baseline: Debian {', '.join(kernels) or '-'}.", "",
           "Ratio is Bulkhead / Linux, given only where both do the same "
           "work: for ticks, insns and ms below 1 means "
           "Bulkhead is faster; for MB/s above 1 does. 'context' marks a "
           "Linux figure of different work (a pipe beside an empty IPC, a "
           "distribution kernel's boot beside our core's), shown to place "
           "the figure, not to divide by. Under icount one tick "
           "is one guest instruction. See run/linux/README.md for what each "
           "Linux figure measures.", ""]

    out += ["## Bulkhead figures", ""]
    ran = [s for s in scenarios if s.params is not None]
    if not ran:
        out += ["No run/bench_*.run scenario yet.", ""]
    else:
        out += ["| scenario | figure | Bulkhead | unit | Linux figure | "
                "Linux | ratio | QEMU |",
                "|---|---|---:|---|---|---:|---:|---|"]
        for s in ran:
            base = baselines.get(params_key(s.params), {})
            lin = {n: (v, u) for n, v, u in base.get("figures", [])}
            seen = set()
            rows = [(n, v, u) for n, v, u in s.figures]
            # A declared pairing whose figure never came is shown as missing.
            rows += [(n, None, "-") for n in s.pairs
                     if n not in {r[0] for r in rows}]
            for name, value, unit in rows:
                if name in seen:
                    continue
                seen.add(name)
                pair = s.pairs.get(name) or DEFAULT_PAIRS.get(name)
                if pair is None and f"linux_{name}" in lin:
                    pair = (f"linux_{name}", "ratio")
                lname, kind = pair or (None, "ratio")
                lv, lu = lin.get(lname, (None, None)) if lname else (None,
                                                                      None)
                out.append(
                    f"| {s.name} | {name} | "
                    f"{fmt(value) if value is not None else 'missing'} | "
                    f"{unit} | {lname or '-'} | {fmt(lv)} | "
                    f"{ratio(value, unit, lv, lu, kind)} | "
                    f"{params_text(s.params)} |")
        out.append("")

    out += ["## Linux baseline", ""]
    for r in baselines.values():
        p = r["params"]
        out += [f"QEMU: {params_text(p)}"
                + (f"; log {rel(r['log'])}"
                   if r.get("log") else ""), ""]
        figs = r.get("figures", [])
        if not figs:
            out += [f"No figures: {r.get('failure') or 'unknown failure'}",
                    ""]
            continue
        mhz = next((v for n, v, u in figs if n == "linux_tsc_mhz"), None)
        out += ["| figure | value | unit | µs |", "|---|---:|---|---:|"]
        for n, v, u in figs:
            us = (f"{float(v) / float(mhz):,.2f}"
                  if mhz and u == "ticks" and n != "linux_init_tsc" else "-")
            out.append(f"| {n} | {fmt(v)} | {u} | {us} |")
        out.append("")

    if failures:
        out += ["## Failures", ""] + [f"- {f}" for f in failures] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run the benchmark scenarios and the Linux baseline; "
        "write a Markdown table.")
    ap.add_argument("scenarios", nargs="*", type=Path,
                    help="scenario files (default: run/bench_*.run)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench.md")
    ap.add_argument("--runs", type=int, default=5,
                    help="timed runs per Linux figure (median)")
    ap.add_argument("--offline", action="store_true",
                    help="Linux baseline from the cached kernel only")
    a = ap.parse_args(argv)

    paths = ([p.resolve() for p in a.scenarios] if a.scenarios else
             sorted((ROOT / "run").glob("bench_*.run")))
    scenarios = [Scenario(p) for p in paths]
    failures = []
    for s in scenarios:
        s.parse()
        if s.failure is None:
            run_scenario(s)
        if s.failure:
            failures.append(f"{rel(s.path)}: {s.failure}")
            say(f"FAILED {s.name}: {s.failure}")

    # One baseline per distinct parameter set; with no scenario, the default
    # machine both with and without icount.
    sets = {}
    for s in scenarios:
        if s.params is not None:
            sets.setdefault(params_key(s.params), s.params)
    if not scenarios:
        for ic in (False, True):
            p = dict(QEMU_DEFAULTS, icount=ic,
                     accel=os.environ.get("ACCEL") or QEMU_DEFAULTS["accel"])
            sets.setdefault(params_key(p), p)
    baselines = {}
    for key, p in sets.items():
        r = run_baseline(p, a)
        baselines[key] = r
        if r.get("failure"):
            failures.append(f"Linux baseline ({params_text(p)}): "
                            f"{r['failure']}")

    table = write_table(a.out, scenarios, baselines, failures)
    print(table, flush=True)
    say(f"wrote {rel(a.out)}; {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
