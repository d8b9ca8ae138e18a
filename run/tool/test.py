#!/usr/bin/env python3
"""The `make test` driver: runs every kind of test Bulkhead has and ends with
exactly one line `N passed, M failed`, exiting non-zero when M > 0.

The tests, in order:
  host-test/NAME  every host test a build.mk declares (`make list-tests`),
                  run from build/host-test/ (exit 0 = pass; not built =
                  fail);
  fuzz/NAME       every declared libFuzzer target in build/fuzz/, for FUZZ_TIME
                  seconds from the seeds in fuzz_seeds/ beside NAME.c
                  (exit 0 = no crash, leak or sanitizer report);
  run/.../test_*.py, ports/.../test_*.py  the host tools' own unit tests
                  (exit 0 = pass);
  format          clang-format --dry-run --Werror over our C sources;
  run/NAME        every run/*.run with test="yes", one at a time;
  selftest/NAME   the run tool's own checks (run/tool/selftest.py).

Each test writes its output to build/test/NAME.log. A test that cannot run
(missing file, missing tool) fails; nothing is skipped silently.

    python3 run/tool/test.py [--no-build] [--list] [-k SUBSTRING ...]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import selftest  # noqa: E402

LOGDIR = os.path.join(TOP, "build", "test")
FORMAT_DIRS = ["kernel", "core", "lib", "include", "drivers", "services",
               "gui", "sculpt", "depot"]
HOST_TEST_LIMIT = 300
FUZZ_TIME = 30
# A scenario's own timeout excludes its build; this bounds the whole run.
BUILD_ALLOWANCE = 900


class TestFailed(Exception):
    pass


def run_logged(args, log, limit, env=None):
    """Run args with output into log; in its own process group, which is
    killed (after a SIGTERM so run.py can clean up) if it overruns."""
    log.write("$ %s\n" % " ".join(args))
    log.flush()
    p = subprocess.Popen(args, cwd=TOP, stdin=subprocess.DEVNULL,
                         stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True, env=env)
    try:
        return p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        log.write("\n*** killed after %ds\n" % limit)
        stop_group(p)
        raise TestFailed("did not finish within %ds" % limit)
    except BaseException:
        stop_group(p)
        raise


def stop_group(p):
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass


# Host unit tests

def declared(kind):
    """The tests of one kind (host-test, fuzz) the build.mk files declare,
    from `make list-tests`: so this finds the same tests whether `make test`
    ran it or someone ran it alone, and a declared test that was not built
    fails instead of going missing."""
    p = subprocess.run(["make", "-s", "--no-print-directory", "list-tests"],
                       cwd=TOP, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError("make list-tests failed")
    return sorted(name for k, _, name in
                  (line.partition(" ") for line in p.stdout.splitlines())
                  if k == kind)


def _not_built(path):
    def run(log, opts):
        raise TestFailed("%s is declared but not built (make all)" % path)
    return run


def host_tests():
    tests = []
    for name in declared("host-test"):
        path = os.path.join(TOP, "build", "host-test", name)
        tests.append(("host-test/" + name, _host_test(path)
                      if os.access(path, os.X_OK) else _not_built(path)))
    return tests


def python_tests():
    """Host tools' own tests: every test_*.py below run/, ports/ and
    depot/."""
    tests = []
    for top in ("run", "ports", "depot"):
        for root, dirs, files in os.walk(os.path.join(TOP, top)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for f in sorted(files):
                if f.startswith("test_") and f.endswith(".py"):
                    path = os.path.join(root, f)
                    rel = os.path.relpath(path, TOP)
                    tests.append((rel, _host_test([sys.executable, path])))
    return tests


def _host_test(path):
    cmd = path if isinstance(path, list) else [path]

    def run(log, opts):
        rc = run_logged(cmd, log, HOST_TEST_LIMIT)
        if rc != 0:
            raise TestFailed("exit status %d" % rc)
    return run


# Fuzz targets

def fuzz_tests():
    sources = {os.path.basename(f)[:-2]: os.path.dirname(f)
               for f in c_sources() if f.endswith(".c")}
    tests = []
    for name in declared("fuzz"):
        path = os.path.join(TOP, "build", "fuzz", name)
        seeds = os.path.join(sources.get(name, "?"), "fuzz_seeds")
        tests.append(("fuzz/" + name, _fuzz_test(path, name, seeds)
                      if os.access(path, os.X_OK) else _not_built(path)))
    return tests


def _fuzz_test(path, name, seeds):
    def run(log, opts):
        if not os.path.isdir(os.path.join(TOP, seeds)):
            raise TestFailed("no seed directory %s" % seeds)
        # New inputs and crash reproducers go under build/, never the repo.
        corpus = os.path.join("build", "fuzz-corpus", name)
        os.makedirs(corpus, exist_ok=True)
        rc = run_logged([path, "-max_total_time=%d" % FUZZ_TIME,
                         "-print_final_stats=1",
                         "-artifact_prefix=%s/" % corpus, corpus, seeds],
                        log, FUZZ_TIME + HOST_TEST_LIMIT)
        if rc != 0:
            raise TestFailed("exit status %d" % rc)
    return run


# Formatting

def c_sources():
    files = []
    for d in FORMAT_DIRS:
        root = os.path.join(TOP, d)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(n for n in dirnames
                                 if n != "build" and not n.startswith("."))
            for n in sorted(filenames):
                if not n.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, n)
                try:
                    with open(path, errors="replace") as f:
                        first = f.readline()
                except OSError:
                    continue
                if "generated" in first.lower():
                    continue
                files.append(os.path.relpath(path, TOP))
    return files


def format_check(log, opts):
    tool = shutil.which("clang-format") or shutil.which("clang-format-14")
    if tool is None:
        raise TestFailed("clang-format is not installed "
                         "(run: bash run/tool/setup.sh)")
    if not os.path.isfile(os.path.join(TOP, ".clang-format")):
        raise TestFailed(".clang-format is missing at the top")
    files = c_sources()
    log.write("%d files\n" % len(files))
    bad = 0
    for i in range(0, len(files), 100):
        rc = run_logged([tool, "--dry-run", "--Werror", "--style=file"] +
                        files[i:i + 100], log, 300)
        bad |= rc
    if bad:
        with open(log.name, errors="replace") as f:
            names = sorted(set(re.findall(r"^(\S+?):\d+:\d+: error",
                                          f.read(), re.M)))
        raise TestFailed("not formatted: %s" % " ".join(names[:10]))


# Scenarios

def scenarios():
    tests = []
    rundir = os.path.join(TOP, "run")
    for n in sorted(os.listdir(rundir)):
        if not n.endswith(".run"):
            continue
        path = os.path.join(rundir, n)
        name = "run/" + n[:-4]
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as e:
            # Unreadable: it might be a test; never let it pass unseen.
            tests.append((name, _broken(str(e))))
            continue
        if root.get("test") != "yes":
            continue
        try:
            timeout = float(root.get("timeout", "60"))
        except ValueError:
            timeout = 60.0
        tests.append((name, _scenario("run/" + n, n[:-4], timeout)))
    return tests


def _broken(why):
    def run(log, opts):
        raise TestFailed("cannot read the scenario: %s" % why)
    return run


def _scenario(rel, name, timeout):
    def run(log, opts):
        args = [sys.executable, os.path.join(HERE, "run.py")]
        if opts.no_build:
            args.append("--no-build")
        rc = run_logged(args + [rel], log, timeout + BUILD_ALLOWANCE)
        with open(log.name, errors="replace") as f:
            lines = f.read().splitlines()
        last = lines[-1] if lines else ""
        if rc != 0 or not last.startswith("run %s: passed" % name):
            raise TestFailed("%s (run.py exit status %d)" % (
                last.partition(": ")[2] or "no verdict", rc))
    return run


# Self-tests of the run tool

def selftests():
    return [("selftest/" + name, _selftest(func))
            for name, func in selftest.CHECKS]


def _selftest(func):
    def run(log, opts):
        o = selftest.Options()
        o.no_build = opts.no_build
        o.kernel = opts.kernel
        why = selftest.run_check(func, log, o)
        if why is not None:
            raise TestFailed(why)
    return run


def all_tests():
    return (host_tests() + fuzz_tests() + python_tests() +
            [("format", format_check)] +
            scenarios() + selftests())


def main(argv):
    ap = argparse.ArgumentParser(description="Run every Bulkhead test.")
    ap.add_argument("--no-build", action="store_true",
                    help="do not let scenarios build their targets")
    ap.add_argument("--kernel", help=argparse.SUPPRESS)
    ap.add_argument("--list", action="store_true", help="only list tests")
    ap.add_argument("--format-files", action="store_true",
                    help="only list the files the format test checks "
                    "(clang-format -i $(... --format-files) fixes them)")
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only tests whose name contains SUBSTRING")
    opts = ap.parse_args(argv)
    if opts.kernel:
        opts.kernel = os.path.abspath(opts.kernel)
    os.chdir(TOP)
    if opts.format_files:
        print("\n".join(c_sources()))
        return 0
    tests = [(n, f) for n, f in all_tests()
             if not opts.k or any(k in n for k in opts.k)]
    if opts.list:
        for name, _ in tests:
            print(name)
        return 0
    os.makedirs(LOGDIR, exist_ok=True)
    failed = []
    passed = 0
    for name, func in tests:
        logpath = os.path.join("build", "test",
                               name.replace("/", "-") + ".log")
        t0 = time.monotonic()
        why = None
        with open(logpath, "w") as log:
            try:
                func(log, opts)
            except TestFailed as e:
                why = str(e)
            except KeyboardInterrupt:
                print("FAIL %s: %s" % (name, logpath))
                print("interrupted")
                print("%d passed, %d failed" % (passed, len(failed) + 1))
                return 130
            except Exception as e:  # a broken test is a failed test
                why = "%s: %s" % (type(e).__name__, e)
            if why is not None:
                log.write("\nFAILED: %s\n" % why)
        if why is None:
            passed += 1
            print("PASS %s (%.1fs)" % (name, time.monotonic() - t0))
        else:
            failed.append((name, logpath, why))
            print("FAIL %s: %s" % (name, logpath))
        sys.stdout.flush()
    if failed:
        print()
        print("failed:")
        for name, logpath, why in failed:
            print("  %s: %s (%s)" % (name, logpath, why[:300]))
    print("%d passed, %d failed" % (passed, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
