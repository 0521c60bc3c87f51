#!/usr/bin/env bash
# epmdump(1) against the program: it renders without groff warnings, names the version
# `epmdump --version` prints, and documents every option of every `epmdump [SUB] --help`.
#   bash tests/platform/check-docs.sh build/apps/epmdump build/epmdump.1
set -uo pipefail
exe=$1
man_page=$2
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

if command -v groff >/dev/null; then
    warnings=$(groff -man -Tascii -ww -z "$man_page" 2>&1)
    [[ -z $warnings ]] || fail "groff warnings: $warnings"
    text=$(groff -man -Tascii -P-cbou "$man_page" 2>/dev/null)
else
    # No groff: read the source, unescaping roff's \- hyphens.
    text=$(sed 's/\\-/-/g' "$man_page")
fi

version=$("$exe" --version | tr -d '\r')
[[ $text == *"$version"* ]] || fail "the man page does not name '$version'"

subs=$("$exe" --help | tr -d '\r' | awk '/^Subcommands:/ { s = 1; next } /^[^ ]/ { s = 0 } s && /^  [a-z]/ { print $1 }')
[[ -n $subs ]] || fail "no subcommands in 'epmdump --help'"
for sub in "" $subs; do
    [[ -z $sub || $text == *"epmdump $sub"* ]] || fail "subcommand '$sub' is not in the man page"
    for opt in $("$exe" ${sub:+"$sub"} --help | tr -d '\r' | grep -oE '^ +-[^ ]+' | tr ',' '\n' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" <<<"$text" || fail "'epmdump $sub' option $opt is not in the man page"
    done
done
echo "$failures failure(s)"
[[ $failures == 0 ]]
