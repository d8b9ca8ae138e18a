#!/bin/sh
# Installs the host packages that building, running and testing Bulkhead
# need on Debian 12, and only those that are missing, so it is quiet and
# quick when everything is there. The Makefile runs it before run, test and
# image; CI runs it first. Needs root (or sudo) only when it installs.

set -eu

PACKAGES="qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso
mtools ovmf cloc clang-format gcc make binutils python3
clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'
	then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "setup: installing$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "setup: not root and no sudo; install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086 # one word per package
$sudo apt-get install -y -q --no-install-recommends $missing
