#!/bin/sh
# silent_dns.sh EXE ARG...: runs EXE ARG... in private mount and network namespaces whose
# /etc/resolv.conf names one DNS server, on 127.0.0.1, that takes every query and never
# answers: a dead name server, as getaddrinfo sees it (30 s per lookup). Nothing leaves the
# namespace. Exits 77 when it cannot be set up (not root, no unshare, no python3).
set -eu
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v python3 >/dev/null && command -v ip >/dev/null || exit 77
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$dir/resolv.conf"
mkfifo "$dir/ready"
set +e
unshare -mn sh -c '
    dir=$1; shift
    ip link set lo up || exit 77
    mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 77
    python3 -c "
import socket, time
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind((\"127.0.0.1\", 53))
tcp = socket.socket(); tcp.bind((\"127.0.0.1\", 53)); tcp.listen(64)
print(\"ready\", flush=True)
time.sleep(300)
" >"$dir/ready" &
    server=$!
    read -r _ <"$dir/ready"
    "$@"
    status=$?
    kill "$server"
    exit "$status"' sh "$dir" "$@"
status=$?
exit "$status"
