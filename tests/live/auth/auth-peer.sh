#!/usr/bin/env bash
# Prepares the Samba AD DC peer (../shared/peers/samba-epm, started by scripts/start-peers.sh) for
# the authentication tests: test users made with samba-tool in its namespace, and a private
# krb5.conf (never /etc/krb5.conf). Idempotent. Prints KEY=VALUE lines on stdout (also saved in
# $EPMDUMP_AUTH_DIR/env); progress and errors on stderr; exit 1 with the reason when it cannot.
#   bash tests/live/auth/auth-peer.sh [SAMBA_EPM_DIR]      (root; default /tmp/samba-epm-ad-dc)
# Users (test-only domain, never reachable from outside; the passwords are test data):
#   epmuser      a normal account                      EPMDUMP_AUTH_USER / _PASSWORD
#   epmdisabled  a disabled account, same password     EPMDUMP_AUTH_DISABLED_USER
# and the DC's own keys for host/epmdc.epmtest.lan (EPMDUMP_AUTH_KEYTAB), so a test can accept
# the contexts it makes with real GSS-API before a session carries them to the DC.
set -euo pipefail
samba_dir=${1:-${SAMBA_EPM_DIR:-/tmp/samba-epm-ad-dc}}
out_dir=${EPMDUMP_AUTH_DIR:-/tmp/epmdump-auth}
die() { echo "[auth-peer] ERROR: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (samba-tool in the peer's namespace)"
[ -f "$samba_dir/env" ] || die "no $samba_dir/env: the Samba AD DC peer is not running (scripts/start-peers.sh)"
netns=$(sed -n 's/^SAMBA_EPM_NETNS=//p' "$samba_dir/env")
address=$(sed -n 's/^SAMBA_EPM_ADDRESS=//p' "$samba_dir/env")
[ "$(sed -n 's/^SAMBA_EPM_MODE=//p' "$samba_dir/env")" = ad-dc ] || die "$samba_dir is not the AD DC peer"
conf=$samba_dir/etc/smb.conf
[ -f "$conf" ] || die "no $conf"
ns=()
[ "$netns" != none ] && ns=(ip netns exec "$netns")
tool() { "${ns[@]}" samba-tool "$@" --configfile="$conf"; }

realm=EPMTEST.LAN
domain=EPMTEST
dc=epmdc.epmtest.lan
password='EpmUser-Pa55w0rd-15'

# ensure_user NAME: present with the test password, which never expires.
ensure_user() {
  if ! tool user show "$1" >/dev/null 2>&1; then
    tool user add "$1" "$password" >/dev/null || die "samba-tool user add $1 failed"
  fi
  tool user setexpiry "$1" --noexpiry >/dev/null || die "samba-tool user setexpiry $1 failed"
}
ensure_user epmuser
tool user enable epmuser >/dev/null || die "samba-tool user enable epmuser failed"
ensure_user epmdisabled
tool user disable epmdisabled >/dev/null || die "samba-tool user disable epmdisabled failed"

mkdir -p "$out_dir"
chmod 755 "$out_dir"
# The KDC by address (no DNS in the namespace); no reverse lookups or canonicalisation, so the SPN
# is exactly the name given.
cat > "$out_dir/krb5.conf.new" <<CONF
[libdefaults]
  default_realm = $realm
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  ignore_acceptor_hostname = false
[realms]
  $realm = {
    kdc = $address
  }
[domain_realm]
  .epmtest.lan = $realm
  epmtest.lan = $realm
CONF
mv "$out_dir/krb5.conf.new" "$out_dir/krb5.conf"
rm -f "$out_dir/epmdc.keytab"
tool domain exportkeytab "$out_dir/epmdc.keytab" --principal="host/$dc" >/dev/null ||
  die "samba-tool domain exportkeytab host/$dc failed"
chmod 600 "$out_dir/epmdc.keytab"

{
  echo "EPMDUMP_KRB5_CONFIG=$out_dir/krb5.conf"
  echo "EPMDUMP_AUTH_USER=epmuser"
  echo "EPMDUMP_AUTH_PASSWORD=$password"
  echo "EPMDUMP_AUTH_DOMAIN=$domain"
  echo "EPMDUMP_AUTH_REALM=$realm"
  echo "EPMDUMP_AUTH_DISABLED_USER=epmdisabled"
  echo "EPMDUMP_AUTH_HOST=$dc"
  echo "EPMDUMP_AUTH_SPN=host/$dc"
  echo "EPMDUMP_AUTH_KDC=$address"
  echo "EPMDUMP_AUTH_KEYTAB=$out_dir/epmdc.keytab"
} | tee "$out_dir/env"
