#!/usr/bin/env bash
# Builds the locked VM's kernel and base initramfs once per machine and prints the directory that holds
# them: vmlinuz, base.cpio.gz (busybox, cryptsetup, console keymaps for every supported layout, /init and
# the prompt scripts). The directory is named after a hash of this folder's files, so a change rebuilds it.
# Cache: ${KEYHOLE_CACHE:-/var/cache/keyhole}/qemu-vm/<hash>/ (built under a lock; needs root for apt).
# The disk image is not in it: boot.sh adds one per boot, formatted with that boot's passphrase.
#
# Needs: qemu-system-x86 busybox-static kbd console-setup cryptsetup-bin (./keyhole installs them).
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
# guacd layout name -> xkb layout[(variant)] of the guest's console keymap (as console-setup builds it).
LAYOUTS="da-dk-qwerty:dk de-ch-qwertz:ch de-de-qwertz:de en-gb-qwerty:gb en-us-qwerty:us es-es-qwerty:es
es-latam-qwerty:latam fr-be-azerty:be fr-ch-qwertz:ch(fr) fr-fr-azerty:fr hu-hu-qwertz:hu it-it-qwerty:it
ja-jp-qwerty:jp pt-br-qwerty:br sv-se-qwerty:se tr-tr-qwerty:tr"

say() { printf 'locked-vm: %s\n' "$*" >&2; }

# shellcheck source=../../lib/build-cache.sh
. "$HERE/../../lib/build-cache.sh"
cache_begin qemu-vm "$HERE/build.sh" "$HERE/init" "$HERE/prompt-test.sh" "$HERE/prompt-demo.sh"
say "building the VM's kernel and initramfs in $OUT (once per machine)"

# The kernel: the current linux-image-amd64's image package, unpacked.
mkdir -p "$W/kernel"
kernel_package() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
pkg="$(kernel_package)"
if [[ -z "$pkg" ]] || ! (cd "$W/kernel" && apt-get download -q "$pkg" >/dev/null 2>&1); then
    apt-get update -qq
    pkg="$(kernel_package)"
    [[ -n "$pkg" ]] || { say "apt knows no linux-image-amd64"; exit 1; }
    (cd "$W/kernel" && apt-get download -q "$pkg" >/dev/null)
fi
dpkg-deb -x "$W"/kernel/*.deb "$W/kernel/x"
mkdir -p "$W/out"
cp "$(ls "$W"/kernel/x/boot/vmlinuz-* | head -n 1)" "$W/out/vmlinuz"

# The initramfs: busybox, cryptsetup and its libraries, the keymaps, the scripts.
ir="$W/ir"
mkdir -p "$ir"/{bin,sbin,dev,proc,sys,run/cryptsetup,tmp,etc/keymaps,lib/x86_64-linux-gnu,lib64}
cp /bin/busybox "$ir/bin/"
for applet in sh mount mkdir cat echo sleep loadkmap stty hexdump setsid printf; do
    ln -s busybox "$ir/bin/$applet"
done
cp /usr/sbin/cryptsetup "$ir/sbin/"
for lib in $(ldd /usr/sbin/cryptsetup | awk '/=>/{print $3} /ld-linux/{print $1}'); do
    mkdir -p "$ir$(dirname "$lib")"
    cp -L "$lib" "$ir$lib"
done
for entry in $LAYOUTS; do
    name="${entry%%:*}"
    xkb="${entry#*:}"
    layout="${xkb%%(*}"
    variant=""
    [[ "$xkb" == *"("* ]] && { variant="${xkb#*(}"; variant="${variant%)}"; }
    ckbcomp -model pc105 -layout "$layout" ${variant:+-variant "$variant"} 2>/dev/null \
        | loadkeys -q -u -b - > "$ir/etc/keymaps/$name.bmap"
done
cp "$HERE/init" "$HERE/prompt-test.sh" "$HERE/prompt-demo.sh" "$ir/"
chmod +x "$ir/init" "$ir/prompt-test.sh" "$ir/prompt-demo.sh"
(cd "$ir" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -9) > "$W/out/base.cpio.gz"

cache_done
