#!/bin/sh
# Fetches a port's Debian source package, checks the upstream tarball
# against the pinned SHA-256, and unpacks it into build/ports/NAME/src with
# the Debian revision's patch series (security fixes) applied. Revisions
# vanish from the mirror, so every version the index lists is tried, newest
# first, until one downloads whole with the pinned tarball; the one used is
# named. The downloaded files are kept in cache/ports/NAME, so a rebuild
# does not fetch again. Our own changes are applied by the port's build
# script, from files of ours.
#
# A data port (PORT_DEB, PORT_FILE) takes one file out of a binary package
# instead, with the same fallback over the versions `apt-cache show` lists.
#
#     sh ports/tool/prepare.sh NAME
set -eu

name=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
recipe=$top/ports/$name/port
cache=$top/cache/ports/$name
out=$top/build/ports/$name

fail() {
	echo "port $name: $*" >&2
	exit 1
}

[ -f "$recipe" ] || fail "no recipe at ports/$name/port"
# shellcheck disable=SC1090
. "$recipe"

sum() {
	sha256sum "$1" | cut -d' ' -f1
}

# Reads version strings on stdin, prints them newest first (Debian order).
newest_first() {
	left=$(sort -u)
	while [ -n "$left" ]; do
		best=""
		for v in $left; do
			if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
				best=$v
			fi
		done
		echo "$best"
		left=$(for v in $left; do [ "$v" = "$best" ] || echo "$v"; done)
	done
}

# The line of the last apt error in a log, for saying why a version failed.
why() {
	grep '^E:' "$1" | head -n 1 | cut -c1-160 || true
}

# fetch KIND VERSIONS...: tries each version until fetch_one (defined by
# the caller) succeeds; prints the version used on stdout.
fetch() {
	kind=$1
	shift
	[ $# -gt 0 ] || fail "apt-cache lists no version of $kind (deb-src off or no package index; run: bash run/tool/setup.sh)"
	tried=""
	for v in "$@"; do
		rm -rf "$cache/try"
		mkdir -p "$cache/try"
		if fetch_one "$v" >"$cache/try.log" 2>&1; then
			echo "$v"
			return 0
		fi
		reason=$(why "$cache/try.log")
		[ -n "$reason" ] || reason=$(tail -n 1 "$cache/try.log")
		echo "port $name: $kind $v not usable: $reason" >&2
		tried="$tried $v"
	done
	rm -rf "$cache/try"
	fail "no version of $kind brought the pinned file (tried:$tried; see $cache/try.log)"
}

# A data port: one file from a binary package.
if [ -n "${PORT_DEB:-}" ]; then
	file=$out/src/$(basename "$PORT_FILE")
	[ -f "$file" ] && [ "$(sum "$file")" = "$PORT_SHA256" ] && exit 0
	deb_file() {
		dpkg-deb --fsys-tarfile "$1" | tar -xO "$PORT_FILE"
	}
	fetch_one() {
		(cd "$cache/try" && apt-get download "$PORT_DEB=$1") || return 1
		set -- "$cache/try/"*.deb
		[ -f "$1" ] || { echo "E: no .deb downloaded"; return 1; }
		got=$(deb_file "$1" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$PORT_SHA256" ] || {
			echo "E: hash mismatch for $PORT_FILE: expected $PORT_SHA256, got $got"
			return 1
		}
	}
	set -- "$cache/$PORT_DEB"_*.deb
	if [ ! -f "$1" ] || [ "$(deb_file "$1" | sha256sum | cut -d' ' -f1)" != "$PORT_SHA256" ]; then
		mkdir -p "$cache"
		echo "port $name: fetching package $PORT_DEB"
		# shellcheck disable=SC2046 # one word per version
		set -- $(apt-cache show "$PORT_DEB" 2>/dev/null |
			sed -n 's/^Version: //p' | newest_first)
		v=$(fetch "package $PORT_DEB" "$@")
		rm -f "$cache/$PORT_DEB"_*.deb
		mv "$cache/try/"*.deb "$cache/"
		rm -rf "$cache/try"
		echo "port $name: using package $PORT_DEB $v"
		set -- "$cache/$PORT_DEB"_*.deb
	fi
	mkdir -p "$out/src"
	deb_file "$1" >"$file"
	touch "$out/src/.prepared"
	exit 0
fi

# A source port. The .dsc names the Debian tarball and its SHA-256 (apt
# checked the .dsc against the signed index when it fetched it).
dsc_sha() { # dsc file -> SHA-256 of file as the .dsc lists it
	awk -v f="$2" '/^Checksums-Sha256:/ { on = 1; next }
		/^[^ ]/ { on = 0 }
		on && $3 == f { print $1 }' "$1"
}
dsc_files() { # dsc pattern -> the files of the .dsc whose names match
	awk -v pat="$2" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 }
		on && $3 ~ pat { print $3 }' "$1"
}
debian_tarball() { # dsc -> name of the Debian tarball in it
	dsc_files "$1" '\\.debian\\.tar\\.'
}
components() { # dsc -> the upstream component tarballs (orig-NAME.tar.*)
	dsc_files "$1" '\\.orig-[A-Za-z0-9-]+\\.tar\\.[a-z0-9]+$'
}
# check DIR: the files of one fetched version are whole and pinned.
check() {
	set -- "$1"/*.dsc
	[ -f "$1" ] || { echo "E: no .dsc"; return 1; }
	dir=$(dirname "$1")
	[ -f "$dir/$PORT_ORIG" ] || { echo "E: no $PORT_ORIG"; return 1; }
	got=$(sum "$dir/$PORT_ORIG")
	[ "$got" = "$PORT_SHA256" ] || {
		echo "E: hash mismatch for $PORT_ORIG: expected $PORT_SHA256, got $got"
		return 1
	}
	for f in $(debian_tarball "$1") $(components "$1"); do
		[ -f "$dir/$f" ] && [ "$(sum "$dir/$f")" = "$(dsc_sha "$1" "$f")" ] ||
			{ echo "E: $f missing or not as the .dsc lists it"; return 1; }
	done
}
fetch_one() {
	(cd "$cache/try" && apt-get source --download-only "$PORT_PKG=$1") ||
		return 1
	check "$cache/try"
}

if [ ! -f "$cache/version" ] || ! check "$cache" >/dev/null; then
	mkdir -p "$cache"
	echo "port $name: fetching source package $PORT_PKG"
	# shellcheck disable=SC2046 # one word per version
	set -- $(apt-cache showsrc "$PORT_PKG" 2>/dev/null |
		sed -n 's/^Version: //p' | newest_first)
	v=$(fetch "source $PORT_PKG" "$@")
	find "$cache" -maxdepth 1 -type f -delete
	mv "$cache/try/"* "$cache/"
	rm -rf "$cache/try"
	echo "$v" >"$cache/version"
fi
version=$(cat "$cache/version")
stamp="$version $PORT_SHA256"
if [ ! -f "$out/src/.prepared" ] || [ "$recipe" -nt "$out/src/.prepared" ] ||
	[ "$(cat "$out/src/.prepared")" != "$stamp" ]; then
	rm -rf "$out/src" "$out/debian"
	mkdir -p "$out/src"
	tar -xf "$cache/$PORT_ORIG" -C "$out/src" --strip-components=1 ||
		fail "cannot unpack $PORT_ORIG"
	set -- "$cache"/*.dsc
	# Component tarballs unpack into a directory of their name, as
	# dpkg-source does; Debian's patches may touch them.
	for f in $(components "$1"); do
		c=${f##*.orig-}
		c=${c%%.tar.*}
		mkdir -p "$out/src/$c"
		tar -xf "$cache/$f" -C "$out/src/$c" --strip-components=1 ||
			fail "cannot unpack $f"
	done
	deb=$(debian_tarball "$1")
	patches=""
	if [ -n "$deb" ]; then
		mkdir -p "$out/debian"
		tar -xf "$cache/$deb" -C "$out" || fail "cannot unpack $deb"
		series=$out/debian/patches/series
		if [ -f "$series" ]; then
			# One patch a line, an optional -pN after it; # starts a comment.
			while read -r p opt; do
				case $p in "" | "#"*) continue ;; esac
				case $opt in -p*) level=$opt ;; *) level=-p1 ;; esac
				patch -d "$out/src" "$level" -f -s --no-backup-if-mismatch \
					<"$out/debian/patches/$p" >"$out/patch.log" 2>&1 ||
					fail "Debian $version's patch $p does not apply (see $out/patch.log)"
				patches="$patches $p"
			done <"$series"
		fi
	fi
	count=$(echo "$patches" | wc -w)
	echo "port $name: Debian $PORT_PKG $version, $count patches applied${patches:+:$patches}"
	echo "$version$patches" >"$out/debian-revision"
	echo "$stamp" >"$out/src/.prepared"
fi
