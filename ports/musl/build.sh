#!/bin/sh
# Builds musl for Bulkhead: our syscall_arch.h, syscall_cp.s, clone.s,
# __unmapself.s and vfork.s replace musl's (they call the libc backend), the
# assembly that issues `syscall` for thread-area setup is
# removed (musl's generic C version then calls the backend), and the static
# library and headers land in build/ports/musl/{lib,include}.
#
#     sh ports/musl/build.sh
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/build/ports/musl/src
out=$top/build/ports/musl
files=$top/ports/musl/files

sh "$top/ports/tool/prepare.sh" musl
fresh=yes
for f in "$files"/* "$0"; do
	[ -f "$out/lib/libc.a" ] && [ ! "$f" -nt "$out/lib/libc.a" ] || fresh=no
done
[ $fresh = yes ] && exit 0
cp "$files/syscall_arch.h" "$src/arch/x86_64/syscall_arch.h"
for f in syscall_cp.s clone.s __unmapself.s; do
	cp "$files/$f" "$src/src/thread/x86_64/$f"
done
cp "$files/vfork.s" "$src/src/process/x86_64/vfork.s"
rm -f "$src/src/thread/x86_64/__set_thread_area.s"
cd "$src"
if [ ! -f config.mak ]; then
	CC=gcc CFLAGS="-O2 -fno-stack-protector -fno-pic" ./configure \
		--target=x86_64 --disable-shared --prefix="$out" \
		>"$out/configure.log" 2>&1 ||
		{ echo "port musl: configure failed, see $out/configure.log" >&2; exit 1; }
fi
make -j2 CROSS_COMPILE= lib/libc.a >"$out/build.log" 2>&1 ||
	{ echo "port musl: build failed, see $out/build.log" >&2; exit 1; }
mkdir -p "$out/lib"
cp lib/libc.a "$out/lib/libc.a"
make CROSS_COMPILE= install-headers >>"$out/build.log" 2>&1
echo "port musl: built $out/lib/libc.a"
