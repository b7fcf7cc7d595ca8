#!/usr/bin/env bash
# Boots the locked VM: a Linux kernel stopped at a LUKS prompt on its console, shared over VNC.
#
# Usage: boot.sh --dir DIR --layout NAME --vnc-port PORT [--mode demo|test] [--after-unlock reboot]
#        (passphrase: one line on stdin)
#   --layout  the guest console's keyboard layout (guacd's name, e.g. de-de-qwertz); QEMU's VNC key map is
#             the same layout's
#   --mode    demo (default): cryptsetup's own prompt; test: a prompt that reports what it read (as hex) on
#             the serial port — only for layout tests with test strings, never for a secret
#   --after-unlock reboot  (test mode) once unlocked, the guest says it boots on, then reboots into its next boot
# The serial port is this script's stdout: "READY N" when prompt N is shown, "RESULT N STATUS" after an
# attempt (0 = unlocked), in test mode also "READ N HEX". Stop it with "quit" on DIR/monitor.sock (or
# SIGTERM). DIR gets disk.img (formatted with the passphrase), initrd.gz and qemu.pid.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
dir="" layout="" port="" mode=demo after=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --layout) layout="$2"; shift 2 ;;
        --vnc-port) port="$2"; shift 2 ;;
        --mode) mode="$2"; shift 2 ;;
        --after-unlock) after="$2"; shift 2 ;;
        *) echo "boot.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ -n "$dir" && -n "$layout" && -n "$port" ]] || { echo "usage: boot.sh --dir DIR --layout NAME --vnc-port PORT [--mode demo|test]" >&2; exit 2; }
[[ "$mode" == demo || "$mode" == test ]] || { echo "boot.sh: --mode is demo or test" >&2; exit 2; }
[[ -z "$after" || "$after" == reboot ]] || { echo "boot.sh: --after-unlock is reboot" >&2; exit 2; }
((port >= 5900)) || { echo "boot.sh: the VNC port must be 5900 or above" >&2; exit 2; }

# guacd layout name -> QEMU's VNC key map (-k).
case "$layout" in
    da-dk-qwerty) qemu_map=da ;; de-ch-qwertz) qemu_map=de-ch ;; de-de-qwertz) qemu_map=de ;;
    en-gb-qwerty) qemu_map=en-gb ;; en-us-qwerty) qemu_map=en-us ;; es-es-qwerty) qemu_map=es ;;
    fr-be-azerty) qemu_map=fr-be ;; fr-ch-qwertz) qemu_map=fr-ch ;; fr-fr-azerty) qemu_map=fr ;;
    hu-hu-qwertz) qemu_map=hu ;; it-it-qwerty) qemu_map=it ;; ja-jp-qwerty) qemu_map=ja ;;
    pt-br-qwerty) qemu_map=pt-br ;; sv-se-qwerty) qemu_map=sv ;; tr-tr-qwerty) qemu_map=tr ;;
    *) echo "boot.sh: QEMU has no VNC key map for $layout" >&2; exit 2 ;;
esac

IFS= read -r passphrase || true
base="$("$HERE/build.sh")"
mkdir -p "$dir"
rm -f "$dir/disk.img"
truncate -s 1M "$dir/disk.img"
printf '%s' "$passphrase" | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --luks2-metadata-size 16k --luks2-keyslots-size 512k --key-file - "$dir/disk.img" >&2
unset passphrase
# The disk rides in a second cpio archive appended to the cached one (the kernel unpacks both).
extra="$(mktemp -d "$dir/extra.XXXXXX")"
mv "$dir/disk.img" "$extra/disk.img"
(cd "$extra" && echo disk.img | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$dir/disk.cpio.gz"
cat "$base/base.cpio.gz" "$dir/disk.cpio.gz" > "$dir/initrd.gz"
rm -rf "$extra" "$dir/disk.cpio.gz"

rm -f "$dir/monitor.sock" "$dir/qemu.pid"
exec qemu-system-x86_64 -accel tcg -m 128 -nic none -display none \
    -kernel "$base/vmlinuz" -initrd "$dir/initrd.gz" \
    -append "console=tty0 console=ttyS0 quiet km=$layout mode=$mode${after:+ after-unlock=$after}" \
    -vnc "127.0.0.1:$((port - 5900))" -k "$qemu_map" \
    -serial stdio -monitor "unix:$dir/monitor.sock,server,nowait" -pidfile "$dir/qemu.pid" < /dev/null
