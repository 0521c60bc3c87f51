#!/usr/bin/env bash
# Installs the Debian 12 packages epmdump builds with, and those a test stage needs, only the
# missing ones. Checked against a minimal Debian 12 (debootstrap --variant=minbase): whatever a
# stage runs that minbase lacks is listed here (`dpkg -S` names the package of a command).
#   bash scripts/install-deps.sh [--test] [--tidy] [--install] [--clean-root]
#     (none)     the build: compilers, CMake, Ninja, the libraries (MIT Kerberos' GSS-API and
#                OpenSSL for authentication, expat for nmap's XML output)
#     --test     the CTest suite: tshark (oracles), ip (namespaces), python3 + impacket (live
#                oracle), groff (the man page check renders it), kinit/kdestroy (krb5-user) and
#                faketime (the live authentication tests: ticket caches, a skewed clock), GNU parallel
#                (cli_schedulers runs packaging/schedulers/parallel-shards.sh's shards through it), nmap and
#                masscan (scanner_input's tests read what the real scanners write, run on loopback
#                and in a namespace of their own)
#     --tidy     scripts/static-analysis.sh: clang-tidy-14, clang-14 (its compile database), python3
#     --install  tests/platform/install-test.sh: cpack -G DEB's file + dpkg-shlibdeps (dpkg-dev)
#     --clean-root  and with EPMDUMP_DEB_ROOT=clean, debootstrap for the clean Debian 12 root
set -euo pipefail
pkgs=(cmake g++ ninja-build pkg-config libboost1.81-dev doctest-dev libcli11-dev nlohmann-json3-dev libpcap-dev libfmt-dev libkrb5-dev libssl-dev libexpat1-dev)
for stage in "$@"; do
  case $stage in
    --test) pkgs+=(tshark iproute2 python3 python3-impacket groff-base krb5-user faketime parallel nmap masscan) ;;
    --tidy) pkgs+=(clang-tidy-14 clang-14 python3) ;;
    --install) pkgs+=(file dpkg-dev) ;;
    --clean-root) pkgs+=(debootstrap) ;;
    *) echo "usage: bash scripts/install-deps.sh [--test] [--tidy] [--install] [--clean-root]" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# A stage that cannot get its tools says so, instead of failing later with no message.
if [ "$(id -u)" -ne 0 ]; then
  echo "[epmdump] missing Debian packages: ${missing[*]}; as root: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "[epmdump] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
  { echo "[epmdump] apt-get install ${missing[*]} failed" >&2; exit 1; }
