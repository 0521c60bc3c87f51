#!/bin/sh
# black_hole.sh [--hosts FILE] EXE ARG...: runs EXE ARG... in private network and mount
# namespaces where 192.0.2.0/24 (TEST-NET-1) is reached through a veth pair whose far end has
# no address, with permanent neighbour entries: every SYN to 192.0.2.2-254 goes out and is
# never answered, as behind a firewall that drops. --hosts FILE is bind-mounted on /etc/hosts.
# Nothing leaves the namespace. Exits 77 when it cannot be set up (not root, no unshare or ip,
# no veth).
set -eu
hosts=
if [ "${1:-}" = --hosts ]; then hosts=$2; shift 2; fi
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null || exit 77
exec unshare -mn sh -c '
    hosts=$1; shift
    ip link set lo up || exit 77
    ip link add hole0 type veth peer name hole1 2>/dev/null || exit 77
    ip addr add 192.0.2.1/24 dev hole0 && ip link set hole0 up && ip link set hole1 up || exit 77
    i=2
    while [ "$i" -le 254 ]; do
        ip neigh add "192.0.2.$i" lladdr 02:00:00:00:00:02 dev hole0 nud permanent || exit 77
        i=$((i + 1))
    done
    if [ -n "$hosts" ]; then mount --bind "$hosts" /etc/hosts || exit 77; fi
    exec "$@"' sh "$hosts" "$@"
