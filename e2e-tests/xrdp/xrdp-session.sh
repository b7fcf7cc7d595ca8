#!/usr/bin/env bash
# xrdp-session.sh — an xrdp server (xrdp + xorgxrdp) whose sessions record exactly what is typed.
#
# Usage: xrdp-session.sh --dir DIR --port PORT --sesman-port PORT   (root)
#
# Runs xrdp-sesman and xrdp in the foreground with their own configuration files in DIR, listening on
# 127.0.0.1:PORT (RDP) and 127.0.0.1:SESMAN-PORT (the session manager), in a mount namespace of their own:
# xrdp 0.9 reads the session manager's port from /etc/xrdp/sesman.ini and keeps its pid files and sockets in
# /run/xrdp, so the namespace gets DIR's sesman.ini in that place and an empty /run/xrdp, and a system xrdp
# or a second instance never clash with this one.
# Logging on as the local user keyhole-xrdp (ensure-user.sh; its password file is printed on the READY line)
# starts an Xorg session (xorgxrdp, keyboard layout from the RDP client's declared layout through
# /etc/xrdp/xrdp_keyboard.ini) showing a full-screen xterm that reads lines: before each it appends
# "READY N" to DIR/record/typed.log, after it "READ N HEX" with the line's bytes in hex. A reconnection
# joins the same session. Only test strings are ever typed here: the session records what it reads.
#
# Prints "READY rdp=127.0.0.1:PORT password-file=FILE" once both ports accept connections. SIGTERM/SIGINT:
# stops xrdp, the session manager and every session process (everything in the namespace), then exits.
# Logs: DIR/xrdp.log, DIR/sesman.log, DIR/record/xorg.*.log, DIR/record/session.log. What the session user
# runs and writes is in a directory of its own under /tmp (DIR/record points there while it runs), so DIR may sit
# in a checkout other users cannot enter.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
readonly HERE USER_NAME=keyhole-xrdp
readonly START_TIMEOUT_SECONDS=30

say() { printf 'xrdp-session: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

DIR="" PORT="" SESMAN_PORT=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --dir) DIR="${2:?}"; shift 2 ;;
        --port) PORT="${2:?}"; shift 2 ;;
        --sesman-port) SESMAN_PORT="${2:?}"; shift 2 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ -n "$DIR" && "$PORT" =~ ^[0-9]+$ && "$SESMAN_PORT" =~ ^[0-9]+$ ]] ||
    die "usage: xrdp-session.sh --dir DIR --port PORT --sesman-port PORT"
[[ $EUID -eq 0 ]] || die "needs root (the session manager logs users on)"
for p in xrdp xrdp-sesman xterm unshare; do
    command -v "$p" >/dev/null 2>&1 || die "$p is not installed (./keyhole test installs xrdp, xorgxrdp and xterm)"
done
[[ -f /usr/lib/xorg/modules/drivers/xrdpdev_drv.so ]] || die "xorgxrdp is not installed"

mkdir -p "$DIR"
DIR="$(readlink -f "$DIR")"
PASSWORD_FILE="$("$HERE/ensure-user.sh")"

# What the session user runs and writes lives where that user can reach it whatever the checkout's permissions
# (a clone under /root or in a mktemp -d directory is 0700): a directory of this instance's own under /tmp, with
# copies of the session's programs; DIR/record points at its record directory while the session runs and is
# that directory again afterwards.
SESSION_DIR="$(mktemp -d /tmp/keyhole-xrdp-session.XXXXXX)"
readonly SESSION_DIR
chmod 0755 "$SESSION_DIR"
install -m 0755 "$HERE/read-lines.sh" "$SESSION_DIR/read-lines.sh"
mkdir -p "$SESSION_DIR/record"
chown "$USER_NAME:" "$SESSION_DIR/record"
: >"$SESSION_DIR/record/typed.log"
chown "$USER_NAME:" "$SESSION_DIR/record/typed.log"
rm -rf "$DIR/record"
ln -s "$SESSION_DIR/record" "$DIR/record"

cat >"$SESSION_DIR/session.sh" <<EOF
#!/bin/sh
# The session's only program: a full-screen xterm reading lines (see xrdp-session.sh).
export LC_ALL=C.UTF-8
exec xterm -maximized -xrm 'XTerm*utf8: 1' -e "$SESSION_DIR/read-lines.sh" "$SESSION_DIR/record/typed.log" \
    >>"$SESSION_DIR/record/session.log" 2>&1
EOF
chmod 0755 "$SESSION_DIR/session.sh"

# The first display number this session manager tries, spread so parallel instances rarely race for one.
display_offset=$((100 + SRANDOM % 400))
cat >"$DIR/sesman.ini" <<EOF
[Globals]
ListenAddress=127.0.0.1
ListenPort=$SESMAN_PORT
EnableUserWindowManager=false
DefaultWindowManager=$SESSION_DIR/session.sh
ReconnectScript=reconnectwm.sh

[Security]
AllowRootLogin=false
MaxLoginRetry=4
AlwaysGroupCheck=false

[Sessions]
X11DisplayOffset=$display_offset
MaxSessions=10
KillDisconnected=false
DisconnectedTimeLimit=0
IdleTimeLimit=0
Policy=Default

[Logging]
LogFile=$DIR/sesman.log
LogLevel=INFO
EnableSyslog=false

[Xorg]
param=/usr/lib/xorg/Xorg
param=-config
param=xrdp/xorg.conf
param=-noreset
param=-nolisten
param=tcp
param=-logfile
param=$SESSION_DIR/record/xorg.%s.log

[Chansrv]
FuseMountName=thinclient_drives
EnableFuseMount=false

[ChansrvLogging]
LogLevel=INFO
EnableSyslog=false

[SessionVariables]
EOF

cat >"$DIR/xrdp.ini" <<EOF
[Globals]
ini_version=1
fork=true
port=tcp://127.0.0.1:$PORT
use_vsock=false
tcp_nodelay=true
security_layer=negotiate
crypt_level=high
certificate=
key_file=
ssl_protocols=TLSv1.2, TLSv1.3
autorun=Xorg
allow_channels=true
max_bpp=32
new_cursors=true
use_fastpath=both

[Logging]
LogFile=$DIR/xrdp.log
LogLevel=INFO
EnableSyslog=false

[Channels]
rdpdr=false
rdpsnd=false
drdynvc=false
cliprdr=false
rail=false
xrdpvr=false
tcutils=false

[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
EOF

NAMESPACE_PID=""
MOUNT_NS=""

# Every process in the fixture's mount namespace: xrdp, the session manager and each session (Xorg, the
# xterm, chansrv), whatever their process group or session.
namespace_pids() {
    local p ns
    [[ -n "$MOUNT_NS" ]] || return 0
    for p in /proc/[0-9]*; do
        ns="$(readlink "$p/ns/mnt" 2>/dev/null)" || continue
        [[ "$ns" == "$MOUNT_NS" ]] && printf '%s\n' "${p#/proc/}"
    done
    return 0
}

stop_all() {
    trap - INT TERM EXIT
    local pids i
    mapfile -t pids < <(namespace_pids)
    if [[ ${#pids[@]} -gt 0 ]]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            mapfile -t pids < <(namespace_pids)
            [[ ${#pids[@]} -eq 0 ]] && break
            sleep 0.1
        done
        [[ ${#pids[@]} -gt 0 ]] && kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    [[ -n "$NAMESPACE_PID" ]] && wait "$NAMESPACE_PID" 2>/dev/null || true
    # The record (test strings only) stays with the fixture's other logs.
    if [[ -L "$DIR/record" ]]; then
        rm -f "$DIR/record"
        cp -r "$SESSION_DIR/record" "$DIR/record" 2>/dev/null || true
    fi
    rm -rf "$SESSION_DIR"
}
trap stop_all EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

unshare --mount --propagation private -- bash -c '
    set -e
    dir="$1" port="$2"
    mount --bind "$dir/sesman.ini" /etc/xrdp/sesman.ini
    mkdir -p /run/xrdp
    mount -t tmpfs -o mode=0755 keyhole-xrdp /run/xrdp
    xrdp-sesman --nodaemon --config "$dir/sesman.ini" >>"$dir/sesman.out" 2>&1 &
    xrdp --nodaemon --config "$dir/xrdp.ini" --port "tcp://127.0.0.1:$port" >>"$dir/xrdp.out" 2>&1 &
    wait -n
    echo "xrdp or xrdp-sesman exited" >&2
' xrdp-namespace "$DIR" "$PORT" &
NAMESPACE_PID=$!
for ((i = 0; i < 50; i++)); do
    MOUNT_NS="$(readlink "/proc/$NAMESPACE_PID/ns/mnt" 2>/dev/null || true)"
    [[ -n "$MOUNT_NS" && "$MOUNT_NS" != "$(readlink /proc/$$/ns/mnt)" ]] && break
    MOUNT_NS=""
    sleep 0.02
done
[[ -n "$MOUNT_NS" ]] || die "the mount namespace did not come up"

# Whether a process of this instance's namespace listens on port $1 (status 0), nothing does yet (1), or another
# program does (2): a port picked free can be taken before xrdp binds it, and xrdp-sesman then runs on without
# listening while the other program answers in its place.
listening() {
    local pids pid
    pids="$(ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)"
    [[ -n "$pids" ]] || return 1
    for pid in $pids; do
        [[ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" == "$MOUNT_NS" ]] || return 2
    done
}
ours() {
    local status=0
    listening "$1" || status=$?
    [[ $status -ne 2 ]] || die "port $1 is taken by another program: $(ss -Htlnp "sport = :$1" 2>/dev/null)"
    return "$status"
}
deadline=$((SECONDS + START_TIMEOUT_SECONDS))
until ours "$PORT" && ours "$SESMAN_PORT"; do
    kill -0 "$NAMESPACE_PID" 2>/dev/null ||
        die "xrdp or its session manager exited; see $DIR/xrdp.log $DIR/sesman.log $DIR/*.out"
    ((SECONDS < deadline)) || die "xrdp did not listen on $PORT and $SESMAN_PORT within ${START_TIMEOUT_SECONDS}s"
    sleep 0.1
done
echo "READY rdp=127.0.0.1:$PORT password-file=$PASSWORD_FILE"
wait "$NAMESPACE_PID" || true
die "xrdp or its session manager exited; see $DIR/xrdp.log $DIR/sesman.log"
