#!/usr/bin/env python3
"""Host tests of the benchmark tools' pure parts, without QEMU.

The initramfs writer must produce an archive the kernel unpacks (newc,
4-byte alignment, a device node for /dev/console), and bench.py must read
scenarios as run.py does and pair figures as run/README.md says. Run with
`python3 run/linux/test_baseline.py`.
"""

import os
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tool"))

import baseline  # noqa: E402
import bench  # noqa: E402


def parse_newc(data):
    """Reads a newc archive back into {name: (mode, rdev, body)}."""
    out, off = {}, 0
    while True:
        assert data[off:off + 6] == b"070701", off
        f = [int(data[off + 6 + 8 * i:off + 14 + 8 * i], 16)
             for i in range(13)]
        mode, size, rmaj, rmin, namesize = f[1], f[6], f[9], f[10], f[11]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        assert data[off + 110 + namesize - 1] == 0
        off += 110 + namesize
        off += -off % 4
        body = data[off:off + size]
        off += size
        off += -off % 4
        if name == "TRAILER!!!":
            assert off == len(data)
            return out
        out[name] = (mode, (rmaj, rmin), body)


class CpioTest(unittest.TestCase):
    def test_round_trip(self):
        entries = [(".", 0o040755, b"", 0, 0),
                   ("dev/console", 0o020600, b"", 5, 1),
                   ("init", 0o100755, b"\x7fELF" + b"x" * 13, 0, 0)]
        got = parse_newc(baseline.cpio_newc(entries))
        self.assertEqual(got["dev/console"][:2], (0o020600, (5, 1)))
        self.assertEqual(got["init"][2], b"\x7fELF" + b"x" * 13)
        self.assertEqual(len(baseline.cpio_newc(entries)) % 4, 0)


SCENARIO = """<scenario timeout="20">
  <qemu memory="512M" icount="yes"/>
  <baseline figure="ipc_rtt_insns" linux="linux_pipe_rtt_insns"/>
  <baseline figure="gone" linux="linux_getppid_insns"/>
  <baseline figure="syscall_insns" linux="linux_getppid_insns" kind="ratio"/>
</scenario>
"""


class BenchTest(unittest.TestCase):
    def scenario(self, text):
        d = tempfile.mkdtemp()
        p = Path(d) / "bench_x.run"
        p.write_text(text)
        s = bench.Scenario(p)
        s.parse()
        return s

    def test_parse(self):
        old = os.environ.pop("ACCEL", None)
        try:
            s = self.scenario(SCENARIO)
        finally:
            if old is not None:
                os.environ["ACCEL"] = old
        self.assertIsNone(s.failure)
        self.assertEqual(s.params, {"memory": "512M", "machine": "pc",
                                    "cpu": "qemu64", "accel": "tcg",
                                    "icount": True})
        self.assertEqual(s.pairs["ipc_rtt_insns"],
                         ("linux_pipe_rtt_insns", "context"))
        self.assertEqual(s.pairs["syscall_insns"],
                         ("linux_getppid_insns", "ratio"))
        self.assertEqual(s.timeout, 20.0)

    def test_bad_baseline(self):
        s = self.scenario('<scenario><baseline figure="x"/></scenario>')
        self.assertIn("needs figure and linux", s.failure)
        s = self.scenario('<scenario><baseline figure="x" linux="y" '
                          'kind="maybe"/></scenario>')
        self.assertIn("ratio or context", s.failure)

    def test_table(self):
        s = self.scenario(SCENARIO)
        s.figures = [("ipc_rtt_insns", "2500", "insns"),
                     ("getppid_insns", "100", "insns"),
                     ("syscall_insns", "100", "insns"),
                     ("other", "7", "things")]
        base = {"params": s.params, "kernel": "linux-image-x-amd64",
                "kernel_version": "1", "qemu": "7.2",
                "figures": [["linux_pipe_rtt_insns", 12500, "insns"],
                            ["linux_getppid_insns", 400, "insns"]]}
        out = Path(tempfile.mkdtemp()) / "bench.md"
        table = bench.write_table(out, [s], {bench.params_key(s.params):
                                             base}, [])
        rows = {line.split("|")[2].strip(): line.split("|")
                for line in table.splitlines()
                if line.startswith("| bench_x |")}
        # Different work (an empty IPC beside a pipe): context, no ratio.
        self.assertEqual(rows["ipc_rtt_insns"][7].strip(), "context")
        self.assertEqual(rows["syscall_insns"][7].strip(), "0.25")
        # Undeclared, but linux_NAME exists: paired by name.
        self.assertEqual(rows["getppid_insns"][5].strip(),
                         "linux_getppid_insns")
        self.assertEqual(rows["getppid_insns"][7].strip(), "0.25")
        self.assertEqual(rows["other"][5].strip(), "-")
        self.assertEqual(rows["gone"][3].strip(), "missing")
        self.assertEqual(out.read_text(), table)


if __name__ == "__main__":
    unittest.main()
