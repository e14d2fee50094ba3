#!/bin/sh
# install-deps.sh - install whichever of swiod's Debian packages are missing.
# Quiet when everything is there.  Needs root (or sudo) to install; without
# either it names what is missing and fails.
set -eu

PACKAGES="gcc-i686-linux-gnu binutils-i686-linux-gnu nasm make python3
qemu-system-x86 qemu-utils grub-pc-bin grub-common xorriso mtools e2fsprogs
gdb nbd-server nbdkit netcat-openbsd pyflakes3"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-deps: not root and no sudo; please install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086  # the list is meant to split into words
$as_root apt-get install -y -q $missing
