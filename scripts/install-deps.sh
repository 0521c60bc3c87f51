#!/usr/bin/env bash
# Installs the Debian 12 packages epmdump builds and tests with, only those missing.
set -euo pipefail
pkgs=(cmake g++ ninja-build pkg-config libboost1.81-dev doctest-dev libcli11-dev nlohmann-json3-dev libpcap-dev libfmt-dev)
[ "${1:-}" = "--test" ] && pkgs+=(tshark iproute2 python3 python3-impacket)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[epmdump] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
