#!/usr/bin/env bash
# A real locked console, shared over RDP: cryptsetup's own passphrase prompt for a
# small LUKS2 image, in an xterm on a virtual X display.
#
# Usage: locked-console.sh --dir DIR --rdp-port PORT [--idle]  <<< "passphrase"
#
#   --dir DIR        working directory (created if missing): disk.img, display,
#                    events.log and the logs of Xvfb, xterm and the RDP server
#   --rdp-port PORT  TCP port of the RDP server, bound to 127.0.0.1 only
#   --idle           a console that sends a new viewer no picture: the screen
#                    stays black until the first key press of any key, a lone
#                    Shift too (like a VirtualBox VRDP console that shows nothing
#                    until input); the key only wakes it (cryptsetup's prompt
#                    flushes a character typed before it). Then the prompt
#                    appears, its cursor does not blink and nothing changes until
#                    the next key (by default the cursor blinks, as on a real
#                    console, and the prompt is there at once)
#
# The passphrase of disk.img is read from stdin (one line). It goes to cryptsetup
# on a pipe and is never put in argv, the environment or a file (other than the
# LUKS header of disk.img).
#
# DIR/events.log gets one line per event:
#   asleep     (--idle only) the screen is black, waiting for a key to wake it
#   prompt N   the Nth passphrase prompt is on the screen and waiting for input
#   wrong N    attempt N was refused
#   unlocked   the passphrase was accepted (the console then says so and stays)
#
# Prints "READY display=:N rdp=127.0.0.1:PORT" on stdout once the RDP port accepts
# connections and the first prompt is shown (with --idle: once the console is
# asleep). SIGINT/SIGTERM stop every child.
#
# Needs (Debian): xvfb xterm x11-utils cryptsetup-bin freerdp2-shadow-x11 fonts-dejavu-core
set -euo pipefail

readonly SCREEN_WIDTH=1024 SCREEN_HEIGHT=768
readonly START_TIMEOUT_SECONDS=30

SELF="$(readlink -f "$0")"
DIR="" RDP_PORT="" IDLE=0
CHILDREN=()

usage() {
    sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
}

die() { printf 'locked-console: %s\n' "$*" >&2; exit 1; }

parse_args() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --dir) DIR="${2:?--dir needs a value}"; shift 2 ;;
            --rdp-port) RDP_PORT="${2:?--rdp-port needs a value}"; shift 2 ;;
            --idle) IDLE=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    [[ -n "$DIR" ]] || die "--dir is required"
    [[ "$RDP_PORT" =~ ^[0-9]+$ ]] || die "--rdp-port must be a port number"
}

# Kills every process this script started (and their process groups), then waits for them.
cleanup() {
    trap - INT TERM EXIT
    local pid
    for pid in "${CHILDREN[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${CHILDREN[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}

# Runs a command in its own process group (so cleanup can stop it with everything it started).
spawn() {
    setsid "$@" &
    CHILDREN+=("$!")
}

create_disk() {
    local passphrase=""
    IFS= read -r passphrase || [[ -n "$passphrase" ]] || die "no passphrase on stdin"
    [[ -n "$passphrase" ]] || die "the passphrase on stdin is empty"
    rm -f "$DIR/disk.img"
    truncate -s 2M "$DIR/disk.img"
    # printf is a shell builtin: the passphrase reaches cryptsetup through the pipe only.
    printf '%s' "$passphrase" |
        cryptsetup luksFormat --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
            --luks2-metadata-size 16k --luks2-keyslots-size 512k -q "$DIR/disk.img" - \
            >"$DIR/cryptsetup.log" 2>&1 || die "cryptsetup luksFormat failed (see $DIR/cryptsetup.log)"
}

# Waits until CONDITION (a command) succeeds, or fails after START_TIMEOUT_SECONDS.
wait_for() {
    local what="$1"; shift
    local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
    until "$@"; do
        ((SECONDS < deadline)) || die "timed out after ${START_TIMEOUT_SECONDS}s waiting for $what"
        sleep 0.05
    done
}

display_number_written() { grep -q '^[0-9][0-9]*$' "$DIR/xvfb.displayfd" 2>/dev/null; }

start_xvfb() {
    : >"$DIR/xvfb.displayfd"
    # -displayfd: Xvfb picks a free display and writes its number to fd 3.
    spawn Xvfb -displayfd 3 -screen 0 "${SCREEN_WIDTH}x${SCREEN_HEIGHT}x24" -nolisten tcp -noreset \
        3>"$DIR/xvfb.displayfd" >"$DIR/xvfb.log" 2>&1
    wait_for "Xvfb to choose a display" display_number_written
    DISPLAY_NAME=":$(head -n 1 "$DIR/xvfb.displayfd")"
    rm -f "$DIR/xvfb.displayfd"
    printf '%s\n' "$DISPLAY_NAME" >"$DIR/display"
}

# What the xterm runs (internal mode: locked-console.sh --console-loop DIR):
# cryptsetup's own prompt in a loop. "prompt N" is logged once cryptsetup has printed
# its prompt and turned echo off; it flushes pending input at that moment, so keys
# typed earlier would be lost.
console_loop() {
    local dir="$1" idle="${2:-}" n=0 pid=""
    # Stop cryptsetup with the console and reap it (nothing is left to init).
    trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait; exit 129' HUP TERM INT
    cd "$dir" # so the prompt names just disk.img
    printf '\e[3;0;0t\e[4;%s;%st' "$SCREEN_HEIGHT" "$SCREEN_WIDTH" # move to 0,0; fill the screen
    clear
    if [[ "$idle" == idle ]]; then
        printf '\e[?25l' # no cursor: the screen is all black
        await_any_key_press
        printf '\e[?25h'
    fi
    while true; do
        n=$((n + 1))
        printf '\n  Keyhole demo \u2014 disk.img is locked\n\n'
        # stdin from the terminal: a background job would otherwise get /dev/null.
        cryptsetup open --test-passphrase --tries 1 disk.img </dev/tty &
        pid=$!
        until terminal_echo_is_off || ! kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
        echo "prompt $n" >>events.log
        if wait "$pid"; then
            echo unlocked >>events.log
            printf '\n  disk.img unlocked: passphrase accepted\n'
            exec sleep infinity
        fi
        pid=""
        echo "wrong $n" >>events.log
        printf '\n'
    done
}

# In the terminal (idle mode): logs "asleep" once it listens, then returns at the first key press on the
# terminal's window, whatever the key: a modifier alone types nothing, yet it is input (xev sees it).
await_any_key_press() {
    local window line listening=0 tries=0
    # Keys go to xterm's text window, the child of the window WINDOWID names.
    window="$(xwininfo -children -id "$WINDOWID" | awk '/child(ren)?:$/ {getline; print $1; exit}')"
    coproc XEV { exec xev -id "$window" -event keyboard -event property 2>&1; }
    # Listening once xev reports a property change of the window's own (made here, drawing nothing).
    until ((listening)); do
        ((tries++ < 100)) || { echo "xev does not listen to window $window" >&2; break; }
        xprop -id "$window" -f _KEYHOLE_IDLE 8s -set _KEYHOLE_IDLE listening
        while IFS= read -t 0.1 -r line <&"${XEV[0]}"; do
            [[ "$line" == PropertyNotify* ]] && { listening=1; break; }
        done
    done
    echo asleep >>events.log
    while IFS= read -r line <&"${XEV[0]}"; do
        [[ "$line" == KeyPress* ]] && break
    done
    kill "$XEV_PID" 2>/dev/null || true
    wait "$XEV_PID" 2>/dev/null || true
}

terminal_echo_is_off() {
    [[ " $(stty -a 2>/dev/null | tr '\n;' '  ') " == *" -echo "* ]]
}

start_console() {
    # xterm blinks its cursor only while it has the focus, and without a window
    # manager nothing gives it one: alwaysHighlight makes it draw (and blink) the
    # cursor as if it had.
    local blink=(-bc -bcf 500 -bcn 500) mode=""
    if ((IDLE)); then
        blink=(+bc)
        mode=idle
    fi
    : >"$DIR/events.log"
    LANG=C.UTF-8 LC_ALL=C.UTF-8 DISPLAY="$DISPLAY_NAME" spawn xterm -u8 \
        -geometry 80x24+0+0 -bw 0 -b 8 +sb -bg black -fg '#e0e0e0' -cr '#e0e0e0' \
        -fa 'DejaVu Sans Mono' -fs 16 "${blink[@]}" \
        -xrm 'XTerm*allowWindowOps: true' -xrm 'XTerm*alwaysHighlight: true' -title 'disk.img' \
        -e "$SELF" --console-loop "$DIR" "$mode" \
        >"$DIR/xterm.log" 2>&1
}

rdp_port_listening() {
    ss -Htln "sport = :$RDP_PORT" 2>/dev/null | grep -q .
}

first_prompt_shown() { grep -qx 'prompt 1' "$DIR/events.log" 2>/dev/null; }

console_asleep() { grep -qx 'asleep' "$DIR/events.log" 2>/dev/null; }

start_rdp_server() {
    DISPLAY="$DISPLAY_NAME" spawn freerdp-shadow-cli "/port:$RDP_PORT" -auth /bind-address:127.0.0.1 \
        >"$DIR/shadow.log" 2>&1
}

main() {
    if [[ "${1:-}" == --console-loop ]]; then
        console_loop "$2" "${3:-}"
        return
    fi
    parse_args "$@"
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    create_disk
    start_xvfb
    start_console
    start_rdp_server
    wait_for "the RDP server on 127.0.0.1:$RDP_PORT (see $DIR/shadow.log)" rdp_port_listening
    if ((IDLE)); then
        wait_for "the console to be asleep (see $DIR/xterm.log)" console_asleep
    else
        wait_for "the first passphrase prompt (see $DIR/xterm.log)" first_prompt_shown
    fi
    printf 'READY display=%s rdp=127.0.0.1:%s\n' "$DISPLAY_NAME" "$RDP_PORT"

    # Runs until a signal arrives or one of the children dies.
    local status=0
    wait -n "${CHILDREN[@]}" || status=$?
    die "a child process exited (status $status); see the logs in $DIR"
}

main "$@"
