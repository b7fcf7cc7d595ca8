# shellcheck shell=bash
# Sourced by the scripts that build a heavy fixture once per machine (a VM's kernel and initramfs, a GRUB
# image) and keep it outside the clone, in ${KEYHOLE_CACHE:-/var/cache/keyhole}/NAME/<hash of its inputs>/,
# so that a change to the inputs builds it again. Builds run under a lock: parallel runs build it once.
# Needs a `say` function in the sourcing script.

# cache_begin NAME INPUT...: sets OUT to the fixture's directory. When it is complete, prints it and exits
# (the fixture exists). Otherwise takes NAME's lock (held until the script exits) and sets W to an empty
# work directory, removed when the script exits: build into "$W/out", then call cache_done.
cache_begin() {
    local name="$1" root hash
    shift
    root="${KEYHOLE_CACHE:-/var/cache/keyhole}/$name"
    hash="$(cat "$@" | sha256sum | cut -c1-16)"
    OUT="$root/$hash"
    if [[ -f "$OUT/done" ]]; then
        printf '%s\n' "$OUT"
        exit 0
    fi
    mkdir -p "$root"
    exec 9>"$root/lock"
    flock 9
    if [[ -f "$OUT/done" ]]; then
        printf '%s\n' "$OUT"
        exit 0
    fi
    W="$(mktemp -d "$root/build.XXXXXX")"
    # shellcheck disable=SC2064 # W is fixed now
    trap "rm -rf '$W'" EXIT
}

# cache_done: moves "$W/out" to OUT, marks it complete, removes the builds of older inputs, and prints OUT.
cache_done() {
    local old
    rm -rf "$OUT"
    mv "$W/out" "$OUT"
    touch "$OUT/done"
    for old in "$(dirname "$OUT")"/*/done; do
        [[ "$(dirname "$old")" == "$OUT" ]] || rm -rf "$(dirname "$old")"
    done
    say "built $OUT"
    printf '%s\n' "$OUT"
}
