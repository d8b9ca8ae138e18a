#!/bin/sh
# Fetches a port's source with apt-get source (deb-src, set up by
# run/tool/setup.sh), checks the upstream tarball against the pinned
# SHA-256, and unpacks it into build/ports/NAME/src. The tarball is cached
# in cache/ports, so a rebuild does not fetch again. Our changes are applied
# by the port's own build script, from files of ours, not from patches of
# the third-party text.
#
#     sh ports/tool/prepare.sh NAME
set -eu

name=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
recipe=$top/ports/$name/port
cache=$top/cache/ports
out=$top/build/ports/$name

fail() {
	echo "port $name: $*" >&2
	exit 1
}

[ -f "$recipe" ] || fail "no recipe at ports/$name/port"
# shellcheck disable=SC1090
. "$recipe"
mkdir -p "$cache"
tarball=$cache/${PORT_ORIG:-}

sum() {
	sha256sum "$1" | cut -d' ' -f1
}

# A data port: one file from a binary package (apt-get download).
if [ -n "${PORT_DEB:-}" ]; then
	file=$out/src/$(basename "$PORT_FILE")
	[ -f "$file" ] && [ "$(sum "$file")" = "$PORT_SHA256" ] && exit 0
	mkdir -p "$out/src"
	echo "port $name: fetching package $PORT_DEB"
	(cd "$cache" && rm -f "$PORT_DEB"_*.deb &&
		apt-get download "$PORT_DEB" >"$cache/$name.fetch.log" 2>&1) ||
		fail "apt-get download $PORT_DEB failed (see $cache/$name.fetch.log)"
	dpkg-deb --fsys-tarfile "$cache/$PORT_DEB"_*.deb |
		tar -xO "$PORT_FILE" >"$file" ||
		fail "the package has no $PORT_FILE"
	got=$(sum "$file")
	[ "$got" = "$PORT_SHA256" ] || {
		rm -f "$file"
		fail "hash mismatch for $PORT_FILE: expected $PORT_SHA256, got $got"
	}
	touch "$out/src/.prepared"
	exit 0
fi

if [ ! -f "$tarball" ] || [ "$(sum "$tarball")" != "$PORT_SHA256" ]; then
	rm -f "$tarball"
	echo "port $name: fetching source package $PORT_PKG"
	# The Debian revision's own files may have vanished from the mirror:
	# only the upstream tarball matters.
	(cd "$cache" && apt-get source --download-only "$PORT_PKG" \
		>"$cache/$name.fetch.log" 2>&1) || true
	[ -f "$tarball" ] ||
		fail "apt-get source $PORT_PKG brought no $PORT_ORIG (deb-src off, no network, or another upstream version; see $cache/$name.fetch.log)"
	got=$(sum "$tarball")
	[ "$got" = "$PORT_SHA256" ] ||
		fail "hash mismatch for $PORT_ORIG: expected $PORT_SHA256, got $got"
fi
if [ ! -f "$out/src/.prepared" ] || [ "$recipe" -nt "$out/src/.prepared" ]; then
	rm -rf "$out/src"
	mkdir -p "$out/src"
	tar -xf "$tarball" -C "$out/src" --strip-components=1 ||
		fail "cannot unpack $PORT_ORIG"
	touch "$out/src/.prepared"
fi
