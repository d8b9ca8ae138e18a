#!/usr/bin/env python3
"""Host test of ports/tool/prepare.sh with stand-in apt-get and apt-cache
on PATH: a mirror whose newest Debian revision answers 404 must not stop the
build; prepare.sh falls back to an older revision that brings the pinned
upstream tarball, says which it used, applies that revision's patch series,
and fetches nothing on a second run. A wrong hash, a patch that does not
apply and a mirror with no usable version each stop it with a message."""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# The stand-ins read the fake mirror from $FAKE_MIRROR: one directory per
# version holding that version's files; a file MISSING in it makes every
# download of that version fail as a 404 does. Each call is logged.
APT_GET = r'''#!/bin/sh
echo "apt-get $*" >>"$FAKE_MIRROR/calls"
case $1 in
source) shift; [ "$1" = --download-only ] && shift ;;
download) shift ;;
*) echo "E: stand-in knows no $1"; exit 100 ;;
esac
v=${1#*=}
d=$FAKE_MIRROR/$v
[ -d "$d" ] || { echo "E: Can not find version '$v'"; exit 100; }
if [ -f "$d/MISSING" ]; then
	echo "E: Failed to fetch http://mirror/$v.dsc  404  Not Found"
	exit 100
fi
cp "$d"/* .
'''
APT_CACHE = r'''#!/bin/sh
echo "apt-cache $*" >>"$FAKE_MIRROR/calls"
for d in "$FAKE_MIRROR"/*/; do
	echo "Package: $2"
	echo "Version: $(basename "$d")"
	echo
done
'''


def tar_bytes(members, mode="w:gz"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Case:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="test_prepare.")
        self.mirror = os.path.join(self.root, "mirror")
        self.top = os.path.join(self.root, "tree")
        os.makedirs(os.path.join(self.top, "ports", "tool"))
        os.makedirs(os.path.join(self.top, "ports", "demo"))
        os.makedirs(self.mirror)
        shutil.copy(os.path.join(HERE, "prepare.sh"),
                    os.path.join(self.top, "ports", "tool"))
        bindir = os.path.join(self.root, "bin")
        os.makedirs(bindir)
        for name, text in (("apt-get", APT_GET), ("apt-cache", APT_CACHE)):
            path = os.path.join(bindir, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        self.env = dict(os.environ, FAKE_MIRROR=self.mirror,
                        PATH=bindir + os.pathsep + os.environ["PATH"])
        self.orig = tar_bytes({"demo-1.0/hello.c": b"int x = 1;\n"})

    def recipe(self, sha256):
        with open(os.path.join(self.top, "ports", "demo", "port"), "w") as f:
            f.write("PORT_PKG=demo\nPORT_VERSION=1.0\n"
                    "PORT_ORIG=demo_1.0.orig.tar.gz\n"
                    "PORT_SHA256=%s\nPORT_DIR=demo-1.0\n" % sha256)

    def version(self, v, patch=None, missing=False, orig=None):
        d = os.path.join(self.mirror, v)
        os.makedirs(d)
        files = {"demo_1.0.orig.tar.gz": orig or self.orig}
        members = {"debian/changelog": b"demo (%s)\n" % v.encode()}
        if patch is not None:
            members["debian/patches/series"] = b"# fixes\nfix.patch\n"
            members["debian/patches/fix.patch"] = patch
        files["demo_%s.debian.tar.xz" % v] = tar_bytes(members, "w:xz")
        dsc = "Format: 3.0 (quilt)\nSource: demo\nChecksums-Sha256:\n"
        for name, data in files.items():
            dsc += " %s %d %s\n" % (sha(data), len(data), name)
        files["demo_%s.dsc" % v] = dsc.encode()
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        if missing:
            open(os.path.join(d, "MISSING"), "w").close()

    def run(self):
        p = subprocess.run(["sh", os.path.join(self.top, "ports", "tool",
                                               "prepare.sh"), "demo"],
                           env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        return p.returncode, p.stdout

    def calls(self):
        path = os.path.join(self.mirror, "calls")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return f.read().splitlines()

    def src(self, name):
        path = os.path.join(self.top, "build", "ports", "demo", "src", name)
        with open(path) as f:
            return f.read()


FIX = (b"--- a/hello.c\n+++ b/hello.c\n@@ -1 +1 @@\n"
       b"-int x = 1;\n+int x = 2;\n")


def expect(cond, what, out):
    if not cond:
        print("FAIL: %s\n--- output:\n%s" % (what, out))
        sys.exit(1)
    print("ok: %s" % what)


def main():
    # The newest revision is gone from the mirror; the older one works.
    c = Case()
    c.recipe(sha(c.orig))
    c.version("1.0-1", patch=FIX)
    c.version("1.0-1+deb12u1", patch=FIX, missing=True)
    c.version("1.0-1~bpo1")
    rc, out = c.run()
    expect(rc == 0, "falls back past a revision that answers 404", out)
    expect("1.0-1+deb12u1 not usable" in out and "404" in out,
           "says why the newest revision was not used", out)
    expect("Debian demo 1.0-1, 1 patches applied: fix.patch" in out,
           "names the revision and the patches it used", out)
    tries = [x for x in c.calls() if x.startswith("apt-get")]
    expect(tries == ["apt-get source --download-only demo=1.0-1+deb12u1",
                     "apt-get source --download-only demo=1.0-1"],
           "tries newest first, stops at the first that works", out)
    expect(c.src("hello.c") == "int x = 2;\n",
           "applies the revision's patch series", out)
    os.remove(os.path.join(c.mirror, "calls"))
    rc, out = c.run()
    expect(rc == 0 and c.calls() == [], "a second run fetches nothing", out)
    shutil.rmtree(c.root)

    # A tarball that is not the pinned one is refused by every version.
    c = Case()
    c.recipe("0" * 64)
    c.version("1.0-1")
    rc, out = c.run()
    expect(rc != 0 and "hash mismatch for demo_1.0.orig.tar.gz" in out,
           "a wrong upstream tarball stops the build, named", out)
    expect("no version of source demo brought the pinned file" in out,
           "says no version was usable", out)
    expect(not os.path.exists(os.path.join(c.top, "build", "ports", "demo",
                                           "src", "hello.c")),
           "nothing is unpacked", out)
    shutil.rmtree(c.root)

    # Every version 404: the build stops, listing what it tried.
    c = Case()
    c.recipe(sha(c.orig))
    c.version("1.0-1", missing=True)
    c.version("1.0-2", missing=True)
    rc, out = c.run()
    expect(rc != 0 and "(tried: 1.0-2 1.0-1;" in out,
           "a mirror with no usable version stops the build", out)
    shutil.rmtree(c.root)

    # A patch that does not apply stops the build with its name.
    c = Case()
    c.recipe(sha(c.orig))
    c.version("1.0-1", patch=FIX.replace(b"int x = 1", b"int y = 1"))
    rc, out = c.run()
    expect(rc != 0 and "patch fix.patch does not apply" in out,
           "a patch that does not apply stops the build, named", out)
    shutil.rmtree(c.root)
    print("all prepare.sh checks passed")


if __name__ == "__main__":
    main()
