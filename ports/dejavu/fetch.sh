#!/bin/sh
# Takes one more font out of the package that ports/dejavu/port names,
# checked against the hash ports/dejavu/files pins for it, into
# build/ports/dejavu/src. The package comes from the cache that
# ports/tool/prepare.sh fills (cache/ports/dejavu); it fetches it first.
#
#     sh ports/dejavu/fetch.sh DejaVuSansMono.ttf
set -eu

base=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=$top/cache/ports/dejavu
out=$top/build/ports/dejavu/src

fail() {
	echo "port dejavu: $*" >&2
	exit 1
}

# shellcheck disable=SC1091
. "$top/ports/dejavu/port"
line=$(grep -v '^#' "$top/ports/dejavu/files" | grep "/$base " || true)
[ -n "$line" ] || fail "ports/dejavu/files names no $base"
path=${line% *}
want=${line##* }
file=$out/$base
sum() {
	sha256sum "$1" | cut -d' ' -f1
}
[ -f "$file" ] && [ "$(sum "$file")" = "$want" ] && exit 0
sh "$top/ports/tool/prepare.sh" dejavu
set -- "$cache/$PORT_DEB"_*.deb
dpkg-deb --fsys-tarfile "$1" | tar -xO "$path" >"$file" ||
	fail "the package has no $path"
got=$(sum "$file")
[ "$got" = "$want" ] || {
	rm -f "$file"
	fail "hash mismatch for $path: expected $want, got $got"
}
