#!/usr/bin/env bash
# Builds, once per machine, a floppy image that boots GRUB 2 (Debian's, BIOS) straight into the menu of grub.cfg
# beside this script, and prints the directory that holds it (grub.img). Boot it with
#   qemu-system-x86_64 -drive file=grub.img,format=raw,if=floppy,readonly=on -boot a -serial stdio ...
# Cache: ${KEYHOLE_CACHE:-/var/cache/keyhole}/grub-menu/<hash of this folder's files>/ (built under a lock).
# GRUB's packages are downloaded and unpacked, not installed: nothing of the machine's boot is touched.
#
# Needs: apt-get (root), and grub-mkimage's libraries (liblzma, libdevmapper: cryptsetup-bin brings them).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"

say() { printf 'grub-menu: %s\n' "$*" >&2; }

# shellcheck source=../../lib/build-cache.sh
. "$HERE/../../lib/build-cache.sh"
cache_begin grub-menu "$HERE/build.sh" "$HERE/grub.cfg"
say "building the GRUB menu image in $OUT (once per machine)"

download() { (cd "$W" && apt-get download -q grub-pc-bin grub-common >/dev/null 2>&1); }
if ! download; then
    apt-get update -qq
    (cd "$W" && apt-get download -q grub-pc-bin grub-common >/dev/null)
fi
for deb in "$W"/*.deb; do
    dpkg-deb -x "$deb" "$W/x"
done

# The menu rides in a memdisk inside GRUB's core image; boot.img (the boot sector) loads that image from the
# sectors right after it, as on a floppy.
mkdir -p "$W/memdisk/boot/grub"
cp "$HERE/grub.cfg" "$W/memdisk/boot/grub/grub.cfg"
(cd "$W/memdisk" && tar cf "$W/memdisk.tar" boot)
printf 'set root=(memdisk)\nset prefix=(memdisk)/boot/grub\n' > "$W/early.cfg"
"$W/x/usr/bin/grub-mkimage" -d "$W/x/usr/lib/grub/i386-pc" -O i386-pc -o "$W/core.img" -c "$W/early.cfg" \
    -m "$W/memdisk.tar" -p '(memdisk)/boot/grub' biosdisk memdisk tar normal serial echo sleep configfile terminal
mkdir -p "$W/out"
cat "$W/x/usr/lib/grub/i386-pc/boot.img" "$W/core.img" > "$W/out/grub.img"
truncate -s 1440K "$W/out/grub.img"

cache_done
