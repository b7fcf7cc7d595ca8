#!/bin/bash
# read-lines.sh LOG — reads lines typed on its terminal and records each one's bytes, exactly.
# Before line N it appends "READY N" to LOG, after it "READ N HEX" (the line without its newline, in hex).
# Runs in the xrdp test session's xterm (xrdp-session.sh); only test strings are typed here.
set -u
log="$1"
n=0
while :; do
    n=$((n + 1))
    printf 'Line %d: ' "$n"
    printf 'READY %d\n' "$n" >>"$log"
    IFS= read -r line || exit 0
    printf 'READ %d %s\n' "$n" "$(printf '%s' "$line" | od -An -v -tx1 | tr -d ' \n')" >>"$log"
done
