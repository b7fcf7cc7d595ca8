#!/usr/bin/env bash
# Installs guacd (the Apache Guacamole proxy daemon) with its RDP and VNC plugins.
#
# Debian bookworm does not package guacd. Debian bullseye has binary packages of
# guacd 1.3.0; they run on bookworm together with bullseye's libssl1.1 and libwebp6,
# and every other dependency resolves from bookworm. This script downloads those six
# packages from the bullseye suite of the same mirror the machine's own apt sources
# already use, and installs them with apt so the rest comes from bookworm.
#
# guacd 1.3.0 is a local test peer. Production should run guacd >= 1.5.5 (see compose.yaml).
#
# Idempotent: exits at once when guacd and both plugins are already there.
# Environment:
#   KEYHOLE_GUACD_CACHE  where the downloaded .deb files are kept (default /var/cache/keyhole/guacd-debs)
set -euo pipefail

readonly SUITE=bullseye
readonly PACKAGES=(guacd libguac19 libguac-client-rdp0 libguac-client-vnc0 libssl1.1 libwebp6)
readonly CACHE_DIR="${KEYHOLE_GUACD_CACHE:-/var/cache/keyhole/guacd-debs}"
WORK_DIR=""

log() { printf 'install-guacd: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=../lib/debian-mirror.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib/debian-mirror.sh"

guacd_binary() {
    command -v guacd 2>/dev/null || { [[ -x /usr/sbin/guacd ]] && echo /usr/sbin/guacd; } || true
}

# True when a libguac-client-NAME plugin is on the library path.
has_plugin() {
    ldconfig -p 2>/dev/null | grep -q "libguac-client-$1\.so" ||
        compgen -G "/usr/lib/*/libguac-client-$1.so*" >/dev/null ||
        compgen -G "/usr/lib/libguac-client-$1.so*" >/dev/null ||
        compgen -G "/usr/local/lib/libguac-client-$1.so*" >/dev/null
}

already_installed() {
    [[ -n "$(guacd_binary)" ]] && has_plugin rdp && has_plugin vnc
}


download_debs() {
    local uri="$1" work="$2"
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$CACHE_DIR"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    local signed=""
    [[ -f "$keyring" ]] && signed="[signed-by=$keyring] "
    printf 'deb %s%s %s main\n' "$signed" "$uri" "$SUITE" >"$work/sources.list"

    local opts=(
        -o "Dir::Etc::sourcelist=$work/sources.list"
        -o "Dir::Etc::sourceparts=/dev/null"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache=$work/cache"
        -o "APT::Get::List-Cleanup=0"
        -o "APT::Sandbox::User=root"
    )
    log "reading the $SUITE package lists from $uri"
    apt-get "${opts[@]}" update -qq >&2
    log "downloading ${PACKAGES[*]} into $CACHE_DIR"
    (cd "$CACHE_DIR" && apt-get "${opts[@]}" download "${PACKAGES[@]}" >&2)
}

have_cached_debs() {
    local p
    for p in "${PACKAGES[@]}"; do
        compgen -G "$CACHE_DIR/${p}_*.deb" >/dev/null || return 1
    done
}

# The package enables a system guacd service; Keyhole starts guacd itself, so the
# service must not hold port 4822.
disable_system_service() {
    if command -v systemctl >/dev/null 2>&1; then
        # "disable" works without a running systemd too; "stop" only with one.
        systemctl disable guacd.service >/dev/null 2>&1 || true
        [[ -d /run/systemd/system ]] && systemctl stop guacd.service >/dev/null 2>&1 || true
    fi
    if [[ -x /etc/init.d/guacd ]]; then
        /etc/init.d/guacd stop >/dev/null 2>&1 || true
        command -v update-rc.d >/dev/null 2>&1 && update-rc.d guacd disable >/dev/null 2>&1 || true
    fi
    local pid
    for pid in $(pgrep -x guacd 2>/dev/null || true); do
        # Only the daemon started by the service (parent is init), never one someone runs in the foreground.
        [[ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" == 1 ]] && kill "$pid" 2>/dev/null || true
    done
}

main() {
    if already_installed; then
        log "guacd is already installed: $(guacd_binary)"
        exit 0
    fi
    [[ $EUID -eq 0 ]] || die "must run as root (it installs Debian packages)"

    if ! have_cached_debs; then
        local uri
        uri="$(debian_mirror_uri)"
        [[ -n "$uri" ]] || die "no Debian mirror URI found in the apt sources"
        WORK_DIR="$(mktemp -d /tmp/keyhole-guacd-apt.XXXXXX)"
        trap 'rm -rf "$WORK_DIR"' EXIT
        download_debs "$uri" "$WORK_DIR"
    fi

    local debs=() p
    for p in "${PACKAGES[@]}"; do
        debs+=("$(compgen -G "$CACHE_DIR/${p}_*.deb" | sort -V | tail -n 1)")
    done
    log "installing ${debs[*]##*/}"
    # Do not let the package start its service during the install.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    # The bookworm dependencies come from the system's own lists: fetch them on a fresh machine.
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        apt-get update -qq >&2
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" >&2 ||
        { [[ -n $created_policy ]] && rm -f "$policy"; die "apt-get install failed"; }
    [[ -n $created_policy ]] && rm -f "$policy"
    disable_system_service

    already_installed || die "guacd or its RDP/VNC plugins are still missing after the install"
    log "installed: $(guacd_binary) ($("$(guacd_binary)" -v 2>&1 | head -n 1))"
}

main "$@"
