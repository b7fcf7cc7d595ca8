# shellcheck shell=bash
# Sourced by the scripts that fetch Debian packages of another suite (guacd from bullseye, VirtualBox from
# sid): they must use the mirror this machine already uses, read at run time, never a host written down.
# Needs a `die` function in the sourcing script.

# Prints the URI of the machine's main Debian archive (the one serving its release suite,
# not -security/-updates), read from /etc/apt/sources.list(.d). Handles both the one-line
# format and deb822 *.sources files.
debian_mirror_uri() {
    local codename
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    [[ -n "$codename" ]] || die "cannot read VERSION_CODENAME from /etc/os-release"

    local files=() f
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] && files+=("$f")
    done
    [[ ${#files[@]} -gt 0 ]] || die "no apt sources found under /etc/apt"

    awk -v codename="$codename" '
        function flush() {
            if (types ~ /(^|[ \t])deb([ \t]|$)/ && (" " suites " ") ~ ("[ \t]" codename "[ \t]"))
                { split(uris, u, /[ \t]+/); if (u[1] != "") { print u[1]; found = 1; exit } }
            types = ""; uris = ""; suites = ""
        }
        FILENAME ~ /\.sources$/ {
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            if ($0 ~ /^[ \t]*#/) next
            if (tolower($1) == "types:")  { $1 = ""; types = $0 }
            if (tolower($1) == "uris:")   { $1 = ""; sub(/^[ \t]+/, ""); uris = $0 }
            if (tolower($1) == "suites:") { $1 = ""; suites = $0 }
            next
        }
        FNR == 1 { flush() }
        /^[ \t]*deb[ \t]/ {
            line = $0
            gsub(/\[[^]]*\]/, "", line)          # drop [ options ]
            n = split(line, w, /[ \t]+/)
            i = (w[1] == "") ? 2 : 1             # leading blanks
            if (w[i] == "deb" && w[i + 2] == codename) { print w[i + 1]; found = 1; exit }
        }
        END { if (!found) flush() }
    ' "${files[@]}" | head -n 1
}
