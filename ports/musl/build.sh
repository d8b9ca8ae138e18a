#!/bin/sh
# Builds musl for Bulkhead: our syscall_arch.h and syscall_cp.s replace
# musl's, the assembly that issues `syscall` for thread-area setup is
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
if [ -f "$out/lib/libc.a" ] && [ ! "$files/syscall_arch.h" -nt "$out/lib/libc.a" ] &&
	[ ! "$files/syscall_cp.s" -nt "$out/lib/libc.a" ] &&
	[ ! "$0" -nt "$out/lib/libc.a" ]; then
	exit 0
fi
cp "$files/syscall_arch.h" "$src/arch/x86_64/syscall_arch.h"
cp "$files/syscall_cp.s" "$src/src/thread/x86_64/syscall_cp.s"
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
