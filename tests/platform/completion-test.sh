#!/usr/bin/env bash
# The bash completion (packaging/bash-completion/epmdump) driven as bash drives it: COMP_WORDS
# and COMP_CWORD in, COMPREPLY out, against the real epmdump given as $1.
#   bash tests/platform/completion-test.sh build/apps/epmdump
set -uo pipefail
exe=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
failures=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/caps/sub"
ln -s "$exe" "$work/bin/epmdump"
touch "$work/caps/a.pcap" "$work/caps/b.pcapng" "$work/caps/C.PCAP" "$work/caps/notes.txt" "$work/caps/exchange.reg"
export PATH="$work/bin:$PATH"

# shellcheck source=/dev/null
source "$root/packaging/bash-completion/epmdump"

# complete LINE: the sorted candidates for the last word of LINE (a trailing space = a new word).
complete_line()
{
    local line=$1
    read -r -a COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    # bash splits at "=" (COMP_WORDBREAKS): "--format=j" arrives as "--format" "=" "j".
    local split=() w
    for w in "${COMP_WORDS[@]}"; do
        if [[ $w == --*=* ]]; then
            split+=("${w%%=*}" "=")
            [[ -n ${w#*=} ]] && split+=("${w#*=}")
        else
            split+=("$w")
        fi
    done
    [[ $line == *= ]] || true
    COMP_WORDS=("${split[@]}")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _epmdump epmdump "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect()
{
    local line=$1 want=$2 got
    got=$(complete_line "$line")
    if [[ $got == "$want" ]]; then
        echo "ok   '$line' -> $got"
    else
        echo "FAIL '$line'"
        echo "     want: $want"
        echo "     got:  $got"
        failures=$((failures + 1))
    fi
}

# contains LINE WORD...: every WORD is among the candidates.
contains()
{
    local line=$1 got w
    shift
    got=" $(complete_line "$line") "
    for w in "$@"; do
        if [[ $got != *" $w "* ]]; then
            echo "FAIL '$line' lacks $w (got:$got)"
            failures=$((failures + 1))
            return
        fi
    done
    echo "ok   '$line' offers $*"
}

# lacks LINE WORD...: no WORD is among the candidates.
lacks()
{
    local line=$1 got w
    shift
    got=" $(complete_line "$line") "
    for w in "$@"; do
        if [[ $got == *" $w "* ]]; then
            echo "FAIL '$line' offers $w"
            failures=$((failures + 1))
            return
        fi
    done
    echo "ok   '$line' does not offer $*"
}

cd "$work/caps"
contains "epmdump " replay map exchange probe diff
expect "epmdump rep" "replay"
expect "epmdump --for" "--format"
expect "epmdump --format " "csv impacket json rpcdump summary"
expect "epmdump --format=j" "json"
expect "epmdump --format=s" "summary"
expect "epmdump -f i" "impacket"
expect "epmdump replay --format " "csv impacket json rpcdump summary"
expect "epmdump exchange --format " "json text"
expect "epmdump exchange -f t" "text"
expect "epmdump diff --format " "json text"
expect "epmdump diff --ignore a" "annotation annotation="
expect "epmdump probe --format " "csv json rpcdump"
expect "epmdump probe --ports 1" "1024-65535 135"
contains "epmdump probe -" -iL --ports --registered --per-host --rate --brute-versions
contains "epmdump probe -iL " notes.txt
expect "epmdump --transport " "auto http ncacn_http ncacn_ip_tcp ncacn_np np smb tcp"
expect "epmdump exchange --version-profile 20" "2000 2003 2007 2010"
expect "epmdump exchange --static-port n" "nspi="
expect "epmdump map host 1234 --protseq ncacn_i" "ncacn_ip_tcp"
expect "epmdump -p " "135 139 445 593"
expect "epmdump replay " "C.PCAP a.pcap b.pcapng sub"
expect "epmdump replay a" "a.pcap"
expect "epmdump exchange --pcap " "C.PCAP a.pcap b.pcapng sub"
expect "epmdump --spn-r" "--spn-reverse-lookup"
expect "epmdump exchange --spn-r" "--spn-reverse-lookup"
expect "epmdump exchange --registry " "exchange.reg sub"
contains "epmdump -iL " notes.txt a.pcap
contains "epmdump replay --" --format --summary --idle-timeout --help
lacks "epmdump replay --" --concurrency --ping
contains "epmdump exchange --" --dump --pcap --registry --static-port --netstat --no-verify --no-probe
contains "epmdump --" --ping --verify --concurrency --max-ents --version --input-list
contains "epmdump -" -iL -c -f -p -q
lacks "epmdump replay " replay map exchange probe
contains "epmdump local" localhost

# Every option every --help names is completed in its own subcommand.
for sub in "" replay map exchange probe diff; do
    opts=$("$exe" ${sub:+"$sub"} --help | tr -d '\r' | grep -oE '^ +-[^ ]+' | tr ',' '\n' | grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*' | sort -u)
    [[ -n $opts ]] || { echo "FAIL no options in 'epmdump $sub --help'"; failures=$((failures + 1)); }
    # shellcheck disable=SC2086
    contains "epmdump ${sub:+$sub }-" $opts
done

echo "$failures failure(s)"
[[ $failures == 0 ]]
