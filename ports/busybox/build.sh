#!/bin/sh
# Builds busybox's objects for Bulkhead with busybox's own kbuild, out of
# tree in build/ports/busybox/obj, from our config (ports/busybox/config),
# compiled against musl. kbuild's final link is replaced by `ld -r`: all of
# busybox becomes one relocatable object, archived as build/lib/busybox.a,
# which the Makefile links like any LIBC_PROGS program (our crt0, the libc
# backend, musl's libc.a, libgcc, lib/base/user.ld).
#
#     sh ports/busybox/build.sh 'CFLAGS'
#
# CFLAGS are the Makefile's flags for port sources (musl's headers instead
# of the host's, no stack protector, no PIC), with absolute paths: kbuild
# compiles from its object directory.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
port=$top/ports/busybox
out=$top/build/ports/busybox
src=$out/src
obj=$out/obj
lib=$top/build/lib/busybox.a
cflags=${1:?usage: build.sh CFLAGS}

fail() {
	echo "port busybox: $*" >&2
	exit 1
}

# Called from make (a `+` recipe, so its job server reaches kbuild): under
# `make -n` say what would be done; without a job server use two jobs.
# shellcheck disable=SC2086
set -- ${MAKEFLAGS:-}
case "${1:-}" in
-*) ;;
*n*)
	echo "sh ports/busybox/build.sh (kbuild in $obj)"
	exit 0
	;;
esac
jobs=
case "${MAKEFLAGS:-}" in
*jobserver*) ;;
*) jobs=-j2 ;;
esac

sh "$top/ports/tool/prepare.sh" busybox
# A freshly unpacked source starts a fresh object tree.
if [ ! -f "$obj/.source" ] || [ "$src/.prepared" -nt "$obj/.source" ]; then
	rm -rf "$obj"
	mkdir -p "$obj"
	touch "$obj/.source"
fi

bbmake() {
	make -C "$src" O="$obj" CC=gcc HOSTCC=gcc "$@"
}

# Our config names only what is on: everything else comes from allnoconfig
# (which takes our strings and choices, but not our booleans), our lines
# replace theirs, and oldconfig settles dependencies. An option
# that did not survive (misspelt, or a dependency is off) stops the build.
if [ ! -f "$obj/.config" ] || [ "$port/config" -nt "$obj/.config" ] ||
	[ "$port/build.sh" -nt "$obj/.config" ]; then
	grep '^CONFIG_' "$port/config" >"$obj/.config.ours"
	KCONFIG_ALLCONFIG=$obj/.config.ours bbmake allnoconfig \
		>"$out/config.log" 2>&1 ||
		fail "allnoconfig failed, see $out/config.log"
	awk 'NR == FNR { ours[$1] = $0; next }
		{ name = $1 }
		/^# CONFIG_.* is not set$/ { name = $2 }
		name in ours { print ours[name]; next }
		{ print }' FS='=' "$obj/.config.ours" FS='[= ]' "$obj/.config" \
		>"$obj/.config.new"
	mv "$obj/.config.new" "$obj/.config"
	bbmake oldconfig </dev/null >>"$out/config.log" 2>&1 || {
		rm -f "$obj/.config"
		fail "oldconfig failed, see $out/config.log"
	}
	lost=$(grep -vxF -f "$obj/.config" "$obj/.config.ours" || true)
	[ -z "$lost" ] || {
		rm -f "$obj/.config"
		fail "ports/busybox/config: not taken: $lost"
	}
fi

# kbuild rebuilds what changed (it records each object's command line and
# headers); its link step becomes `ld -r`, main kept as the entry's target.
# The $@ and $(...) below are for kbuild's make to expand.
# shellcheck disable=SC2016
bbmake $jobs EXTRA_CFLAGS="$cflags -w" SKIP_STRIP=y \
	'cmd_busybox__=ld -r -u main -o $@ $(core-y) --start-group $(libs-y) --end-group' \
	busybox_unstripped >"$out/build.log" 2>&1 || {
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	fail "build failed, see $out/build.log"
}
mkdir -p "$(dirname "$lib")"
if [ ! -f "$lib" ] || [ "$obj/busybox_unstripped" -nt "$lib" ]; then
	rm -f "$lib"
	cp "$obj/busybox_unstripped" "$out/busybox.o"
	ar rcs "$lib" "$out/busybox.o"
	echo "port busybox: built $lib"
else
	touch "$lib"
fi
