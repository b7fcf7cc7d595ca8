#!/usr/bin/env bash
# ensure-user.sh — the local user the xrdp test sessions log on as, created once per machine.
#
# Usage: ensure-user.sh   (root)
# Creates the user keyhole-xrdp (no login shell for people, a home for Xorg's log) when it is missing and
# gives it a random password, kept in /var/cache/keyhole/xrdp/password (root only, 0600): the tests hand that
# file to Keyhole as the target's password-file, so the password never passes through a test. An existing
# user whose password file is gone gets a new password. Prints the password file's path.
# Safe to run from several test runs at once (a lock serialises them).
set -euo pipefail

readonly USER_NAME=keyhole-xrdp
readonly CACHE=/var/cache/keyhole/xrdp
readonly PASSWORD_FILE="$CACHE/password"

[[ $EUID -eq 0 ]] || { echo "ensure-user.sh: needs root (it creates a local user)" >&2; exit 1; }
mkdir -p "$CACHE"
chmod 0700 "$CACHE"
exec 9>"$CACHE/lock"
flock 9

if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    useradd --create-home --home-dir "/var/lib/$USER_NAME" --shell /bin/sh \
        --comment "Keyhole xrdp test sessions" "$USER_NAME"
    rm -f "$PASSWORD_FILE"
fi
if [[ ! -s "$PASSWORD_FILE" ]]; then
    umask 077
    # 144 bits from the kernel's random source, in hex (nothing PAM or YAML treats specially).
    password="$(od -An -v -N18 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s:%s\n' "$USER_NAME" "$password" | chpasswd
    printf '%s\n' "$password" >"$PASSWORD_FILE.new"
    mv "$PASSWORD_FILE.new" "$PASSWORD_FILE"
fi
printf '%s\n' "$PASSWORD_FILE"
