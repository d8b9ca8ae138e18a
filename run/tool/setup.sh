#!/bin/sh
# Installs the host packages that building, running and testing Bulkhead
# need on Debian 12, and only those that are missing, so it is quiet and
# quick when everything is there. The Makefile runs it before run, test and
# image; CI runs it first. Needs root (or sudo) only when it installs.

set -eu

PACKAGES="qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso
mtools ovmf cloc clang-format gcc make binutils python3 patch dpkg
clang libclang-rt-14-dev"
SOURCES=/etc/apt/sources.list.d/debian.sources

missing=""
for p in $PACKAGES; do
	if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'
	then
		missing="$missing $p"
	fi
done
# Ports fetch their sources with apt-get source: deb-src must be on.
need_src=no
if [ -f "$SOURCES" ] && grep -q '^Types: deb$' "$SOURCES"; then
	need_src=yes
fi
[ -z "$missing" ] && [ "$need_src" = no ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "setup: not root and no sudo; install:$missing; enable deb-src" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$need_src" = yes ]; then
	echo "setup: enabling deb-src in $SOURCES"
	$sudo sed -i 's/^Types: deb$/Types: deb deb-src/' "$SOURCES"
fi
$sudo apt-get update -q
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	# shellcheck disable=SC2086 # one word per package
	$sudo apt-get install -y -q --no-install-recommends $missing
fi
