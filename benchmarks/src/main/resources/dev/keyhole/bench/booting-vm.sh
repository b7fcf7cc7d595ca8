#!/usr/bin/env bash
# The locked VM of demo/locked-vm/ booting with its kernel's log on its screen, for the benchmark's qemu-vnc
# recording: the kernel and initramfs that demo/locked-vm/build.sh builds once per machine, booted without
# "quiet" (boot.sh boots quietly: its screen shows only the prompt), the kernel's messages on the VGA text
# console, then cryptsetup's prompt (demo mode). QEMU with TCG, on VNC.
#
# Usage: booting-vm.sh REPO DIR VNC_PORT   (the disk's passphrase: one line on stdin; nobody types it)
# The serial port is stdout: "READY 1" once the prompt shows. DIR gets the disk and the initramfs.
set -euo pipefail
repo="$1" dir="$2" port="$3"
((port >= 5900)) || { echo "booting-vm.sh: the VNC port must be 5900 or above" >&2; exit 2; }

IFS= read -r passphrase || true
base="$("$repo/demo/locked-vm/build.sh")"
mkdir -p "$dir"
# The disk rides in a second cpio archive after the base one, as boot.sh adds it.
extra="$(mktemp -d "$dir/extra.XXXXXX")"
truncate -s 1M "$extra/disk.img"
printf '%s' "$passphrase" | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --luks2-metadata-size 16k --luks2-keyslots-size 512k --key-file - "$extra/disk.img" >&2
unset passphrase
(cd "$extra" && echo disk.img | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$dir/disk.cpio.gz"
cat "$base/base.cpio.gz" "$dir/disk.cpio.gz" > "$dir/initrd.gz"
rm -rf "$extra" "$dir/disk.cpio.gz"

exec qemu-system-x86_64 -accel tcg -m 128 -nic none -display none \
    -kernel "$base/vmlinuz" -initrd "$dir/initrd.gz" -append "console=tty0 km=en-us-qwerty mode=demo" \
    -vnc "127.0.0.1:$((port - 5900))" -k en-us -serial stdio -monitor none < /dev/null
