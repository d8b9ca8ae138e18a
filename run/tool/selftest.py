#!/usr/bin/env python3
"""Self-tests of the run tool: a test harness that passes broken scenarios is
worse than none, so these check that run.py fails what must fail, in time,
and leaves no QEMU or socket behind.

Each check runs run.py on a scenario in run/tool/selftest/ (kept out of run/
so they are not part of the normal scenario list) against the real kernel
and looks at its verdict, exit status, timing and leftovers. test.py runs
every check as one test; run alone, this prints the same PASS/FAIL lines:

    python3 run/tool/selftest.py [--no-build] [--kernel FILE] [CHECK ...]
"""

import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import png  # noqa: E402

RUN = os.path.join(HERE, "run.py")
SCENARIOS = os.path.join(HERE, "selftest")
VGA_BLUE = (0x00, 0x00, 0xa8)  # VGA palette entry 1 as QEMU renders it
STAMP_RE = re.compile(r"^\[\s*([0-9.]+)\] run: failed")


class CheckFailed(Exception):
    pass


class Options:
    no_build = False
    kernel = None


def run_tool(name, log, opts, wait=True, extra=()):
    """Start run.py on selftest/NAME.run as scenario selftest-NAME; return
    (exit status, output lines, wall seconds), or the Popen if not wait."""
    args = [sys.executable, RUN, "--name", "selftest-" + name]
    if opts.no_build:
        args.append("--no-build")
    if opts.kernel:
        args += ["--kernel", opts.kernel]
    args += list(extra) + [os.path.join(SCENARIOS, name + ".run")]
    log.write("$ %s\n" % " ".join(args))
    log.flush()
    p = subprocess.Popen(args, cwd=TOP, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not wait:
        return p
    return finish(p, log, 600)


def finish(p, log, limit):
    t0 = time.monotonic()
    try:
        out, _ = p.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        log.write(out.decode("utf-8", "replace"))
        raise CheckFailed("run.py did not end within %ds" % limit)
    text = out.decode("utf-8", "replace")
    log.write(text)
    log.flush()
    return p.returncode, text.splitlines(), time.monotonic() - t0


def verdict(name, lines):
    prefix = "run selftest-%s: " % name
    if not lines or not lines[-1].startswith(prefix):
        raise CheckFailed("run.py's last line is not its verdict: %r" %
                          (lines[-1] if lines else ""))
    return lines[-1][len(prefix):]


def fail_time(name):
    """Seconds from QEMU's start to the failure, from the run log."""
    path = os.path.join(TOP, "build", "run", "selftest-" + name, "run.log")
    with open(path) as f:
        for line in f:
            m = STAMP_RE.match(line)
            if m:
                return float(m.group(1))
    raise CheckFailed("%s has no failure stamp" % path)


def qemu_pids(sock):
    """Processes whose command line names the scenario's QMP socket: only
    QEMUs that this scenario started, never anyone else's."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        if sock in cmd and "qemu" in cmd:
            pids.append(int(pid))
    return pids


def no_leftovers(name):
    sock = "build/run/selftest-%s/qmp.sock" % name
    deadline = time.monotonic() + 2
    while True:
        pids = qemu_pids(sock)
        if not pids:
            break
        if time.monotonic() > deadline:
            raise CheckFailed("QEMU still runs after the run: pid %s" %
                              " ".join(map(str, pids)))
        time.sleep(0.1)
    if os.path.exists(os.path.join(TOP, sock)):
        raise CheckFailed("%s is left behind" % sock)


def expect_fail(name, log, opts, reason_re):
    rc, lines, _ = run_tool(name, log, opts)
    v = verdict(name, lines)
    no_leftovers(name)
    if rc != 1 or not v.startswith("failed: "):
        raise CheckFailed("expected a failure, got status %d: %s" % (rc, v))
    if not re.search(reason_re, v):
        raise CheckFailed("failed for the wrong reason: %s" % v)
    return v


def expect_pass(name, log, opts):
    rc, lines, _ = run_tool(name, log, opts)
    v = verdict(name, lines)
    no_leftovers(name)
    if rc != 0 or not v.startswith("passed"):
        raise CheckFailed("expected a pass, got status %d: %s" % (rc, v))


# The checks

def check_pass(log, opts):
    """The baseline: banner, then exit code 0, passes."""
    expect_pass("pass", log, opts)


def check_wait_timeout(log, opts):
    """A pattern that never comes fails when the wait's 4 s run out."""
    expect_fail("wait-timeout", log, opts, r"did not appear within 4s")
    t = fail_time("wait-timeout")
    if not 4.0 <= t <= 7.0:
        raise CheckFailed("failed after %.1fs, not about 4s" % t)


def check_scenario_timeout(log, opts):
    """The scenario timeout (6 s) cuts a wait that allows 600 s."""
    expect_fail("scenario-timeout", log, opts,
                r"scenario took longer than 6s")
    t = fail_time("scenario-timeout")
    if not 6.0 <= t <= 9.0:
        raise CheckFailed("failed after %.1fs, not about 6s" % t)


def check_fail_pattern(log, opts):
    """A fail pattern fails the run at once, far before its 60 s."""
    expect_fail("fail-pattern", log, opts, r"fail pattern .* matched")
    t = fail_time("fail-pattern")
    if t > 15.0:
        raise CheckFailed("took %.1fs to notice the fail pattern" % t)


def check_exit_code(log, opts):
    """A guest exit code other than the expected one (7) fails."""
    expect_fail("exit-code", log, opts,
                r"guest exited with code [0-68-9]\d*, expected code 7")


def check_fault_unexpected(log, opts):
    """A component fault the scenario does not declare fails it."""
    expect_fail("fault-unexpected", log, opts,
                r"unexpected fault .*'crasher' faulted")


def check_fault_expected(log, opts):
    """The same fault declared with <expect-fault> passes."""
    expect_pass("fault-expected", log, opts)


def check_fault_never(log, opts):
    """An expected fault that never happens fails the final check."""
    expect_fail("fault-never", log, opts,
                r"expected fault /'crasher' faulted/ never happened")


def _shot(name):
    return os.path.join(TOP, "build", "run", "selftest-" + name,
                        "screen.png")


def _check_blue(name):
    img = png.read_image(_shot(name))
    got = img.pixel(640, 368)
    if got != VGA_BLUE:
        raise CheckFailed("screen at (640,368) is #%02x%02x%02x, not VGA "
                          "blue #0000a8" % got)


def check_compare_match(log, opts):
    """A blue region compared with blue matches."""
    expect_pass("compare-match", log, opts)
    _check_blue("compare-match")


def check_compare_mismatch(log, opts):
    """A blue region compared with red fails and leaves a diff image."""
    expect_fail("compare-mismatch", log, opts,
                r"1024 of 1024 pixels differ.*#0000a8, expected #ff0000")
    if not os.path.isfile(_shot("compare-mismatch")[:-4] + ".diff.png"):
        raise CheckFailed("no diff image next to the screenshot")
    _check_blue("compare-mismatch")


def _refs():
    d = os.path.join(TOP, "build", "selftest")
    os.makedirs(d, exist_ok=True)
    png.write_png(os.path.join(d, "blue.png"), png.solid(64, 16, VGA_BLUE),
                  filters=(0, 1, 2, 3, 4))
    png.write_png(os.path.join(d, "red.png"),
                  png.solid(64, 16, (0xff, 0, 0)))


def check_image_match(log, opts):
    """A blue region compared with a blue reference PNG matches."""
    _refs()
    expect_pass("image-match", log, opts)


def check_image_mismatch(log, opts):
    """A blue region compared with a red reference PNG fails."""
    _refs()
    expect_fail("image-mismatch", log, opts, r"1024 of 1024 pixels differ")
    if not os.path.isfile(_shot("image-mismatch")[:-4] + ".diff.png"):
        raise CheckFailed("no diff image next to the screenshot")


def _interrupt(name, log, opts, sig, want_rc):
    """Stop run.py with `sig` while its guest runs; QEMU must go too."""
    sock = os.path.join(TOP, "build", "run", "selftest-" + name, "qmp.sock")
    if os.path.exists(sock):
        os.unlink(sock)  # stale: it must not look like a running guest
    p = run_tool(name, log, opts, wait=False)
    deadline = time.monotonic() + 300  # the build may come first
    while not os.path.exists(sock):
        if p.poll() is not None or time.monotonic() > deadline:
            finish(p, log, 10)
            raise CheckFailed("the guest never started")
        time.sleep(0.05)
    time.sleep(0.5)
    p.send_signal(sig)
    rc, lines, took = finish(p, log, 20)
    v = verdict(name, lines)
    no_leftovers(name)
    if rc != want_rc or "interrupted" not in v:
        raise CheckFailed("after %s: status %d, %s" %
                          (signal.Signals(sig).name, rc, v))
    if took > 10:
        raise CheckFailed("took %.1fs to stop" % took)


def check_ctrl_c(log, opts):
    """Ctrl-C (SIGINT) ends the run, kills QEMU, removes the socket."""
    _interrupt("interrupt", log, opts, signal.SIGINT, 130)


def check_sigterm(log, opts):
    """SIGTERM (a test driver giving up) does the same."""
    _interrupt("interrupt", log, opts, signal.SIGTERM, 130)


def check_png_codec(log, opts):
    """The PNG decoder reads every filter type, RGB and RGBA, and what the
    encoder writes (no QEMU)."""
    w, h = 37, 23
    img = png.Image(w, h)
    for y in range(h):
        for x in range(w):
            img.set_pixel(x, y, ((x * 7 + y) & 255, (y * 11) & 255,
                                 (x * y) & 255))
    for filters in ((0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4)):
        back = png.decode_png(png.encode_png(img, filters))
        if back.rgb != img.rgb:
            raise CheckFailed("RGB round trip with filters %s differs" %
                              (filters,))
    # RGBA, written by hand: alpha must be dropped.
    import struct
    import zlib
    raw = bytearray()
    above = bytearray(w * 4)
    for y in range(h):
        row = bytearray()
        for x in range(w):
            row += bytes(img.pixel(x, y)) + b"\x80"
        raw.append(y % 5)
        raw += png._filter_row(y % 5, row, above, 4)
        above = row
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    data = (png.PNG_SIGNATURE + png._chunk(b"IHDR", ihdr) +
            png._chunk(b"IDAT", zlib.compress(bytes(raw))) +
            png._chunk(b"IEND", b""))
    if png.decode_png(data).rgb != img.rgb:
        raise CheckFailed("RGBA decoding differs")
    log.write("PNG round trips fine\n")


CHECKS = [
    ("png-codec", check_png_codec),
    ("pass", check_pass),
    ("wait-timeout", check_wait_timeout),
    ("scenario-timeout", check_scenario_timeout),
    ("fail-pattern", check_fail_pattern),
    ("exit-code", check_exit_code),
    ("fault-unexpected", check_fault_unexpected),
    ("fault-expected", check_fault_expected),
    ("fault-never", check_fault_never),
    ("compare-match", check_compare_match),
    ("compare-mismatch", check_compare_mismatch),
    ("image-match", check_image_match),
    ("image-mismatch", check_image_mismatch),
    ("ctrl-c", check_ctrl_c),
    ("sigterm", check_sigterm),
]


def run_check(func, log, opts):
    """Run one check; return None on success or the failure reason."""
    try:
        func(log, opts)
        return None
    except CheckFailed as e:
        log.write("FAILED: %s\n" % e)
        return str(e)
    except Exception as e:  # a broken check is a failed check
        import traceback
        traceback.print_exc(file=log)
        return "%s: %s" % (type(e).__name__, e)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--kernel")
    ap.add_argument("checks", nargs="*")
    a = ap.parse_args(argv)
    opts = Options()
    opts.no_build = a.no_build
    opts.kernel = os.path.abspath(a.kernel) if a.kernel else None
    logdir = os.path.join(TOP, "build", "test")
    os.makedirs(logdir, exist_ok=True)
    passed = failed = 0
    for name, func in CHECKS:
        if a.checks and name not in a.checks:
            continue
        path = os.path.join(logdir, "selftest-%s.log" % name)
        t0 = time.monotonic()
        with open(path, "w") as log:
            why = run_check(func, log, opts)
        if why is None:
            passed += 1
            print("PASS selftest/%s (%.1fs)" % (name, time.monotonic() - t0))
        else:
            failed += 1
            print("FAIL selftest/%s: %s (%s)" %
                  (name, os.path.relpath(path, TOP), why))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
