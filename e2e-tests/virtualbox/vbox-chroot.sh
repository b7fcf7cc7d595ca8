#!/usr/bin/env bash
# vbox-chroot.sh — a Debian sid chroot with VirtualBox 7.x (sid's `virtualbox` package, contrib) for the tests
# against a real VirtualBox web service. No VM can run in it (no kernel driver), but VBoxManage, VBoxSVC and
# vboxwebsrv work.
#
# Usage: vbox-chroot.sh ensure     builds the chroot once per machine (idempotent, safe to run in parallel:
#                                  a lock serialises builders) and prints its directory
#
# The chroot is built under a lock into DIR.build and renamed to DIR when complete, so a half-built chroot is
# never used. Every command that needs /proc, /sys or /dev inside it runs in a private mount namespace
# (unshare -m): the bind mounts exist only there and vanish with its last process, so none leaks into the
# machine's own mount table. Mounts an older run left under DIR are unmounted first.
#
# Environment:
#   KEYHOLE_VBOX_CHROOT   the chroot's directory (default /var/cache/keyhole/vbox-sid-chroot)
set -euo pipefail

readonly DIR="${KEYHOLE_VBOX_CHROOT:-/var/cache/keyhole/vbox-sid-chroot}"
readonly READY="$DIR/.keyhole-ready"

log() { printf 'vbox-chroot: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=../../lib/debian-mirror.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../lib/debian-mirror.sh"

# Unmounts whatever is still mounted under $1 (deepest first): leftovers of a run that was killed.
unmount_stale() {
    local root="$1" m
    while read -r m; do
        log "unmounting a stale mount: $m"
        umount -l "$m" || true
    done < <(awk -v root="$root/" 'index($5 "/", root) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

build() {
    local build="$DIR.build" mirror
    command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"
    mirror="$(debian_mirror_uri)"
    [[ -n "$mirror" ]] || die "no Debian mirror URI found in the apt sources"
    unmount_stale "$build"
    rm -rf "$build"
    log "debootstrap sid into $build"
    # debootstrap mounts /proc and /sys in the target itself: keep those mounts in a private namespace.
    unshare -m debootstrap --variant=minbase --components=main,contrib sid "$build" "$mirror" >&2 ||
        die "debootstrap failed"
    # The mirror's sid Release may look expired to this machine's clock.
    printf 'Acquire::Check-Valid-Until "false";\n' >"$build/etc/apt/apt.conf.d/99keyhole-valid-until"
    log "apt-get install virtualbox in the chroot"
    unshare -m bash -euc '
        b="$1"
        for m in proc sys dev dev/pts; do mount --bind "/$m" "$b/$m"; done
        chroot "$b" env DEBIAN_FRONTEND=noninteractive HOME=/root apt-get update -q
        chroot "$b" env DEBIAN_FRONTEND=noninteractive HOME=/root \
            apt-get install -y -q --no-install-recommends virtualbox
        chroot "$b" apt-get clean
    ' _ "$build" >&2 || die "installing virtualbox in the chroot failed"
    chroot "$build" /usr/bin/VBoxManage --version >/dev/null 2>&1 ||
        [[ -x "$build/usr/lib/virtualbox/VBoxManage" ]] || die "VBoxManage is missing in the chroot"
    touch "$build/.keyhole-ready"
    mv "$build" "$DIR"
}

ensure() {
    mkdir -p "$(dirname "$DIR")"
    unmount_stale "$DIR"
    if [[ ! -f "$READY" ]]; then
        exec 9>"$DIR.lock"
        flock 9
        if [[ ! -f "$READY" ]]; then
            [[ -e "$DIR" ]] && { unmount_stale "$DIR"; rm -rf "$DIR"; }
            build
        fi
        flock -u 9
    fi
    printf '%s\n' "$DIR"
}

case "${1:-}" in
    ensure) ensure ;;
    *) die "usage: $0 ensure" ;;
esac
