#!/usr/bin/env bash
# `make demo`: the collection's main job against the lab, told as an admin would live it.
#
# The load balancer (a real TLS server on loopback, tests/lab/tls_endpoint.py) presents the renewed
# certificate vpn_server_next; the RRAS servers do not hold its hash, so SSTP clients would disconnect
# (RasSstp Event ID 6). The demo diagnoses that, previews the fix with --check --diff, applies
# aovpn.rras.site (SSTP offload with the load balancer's certificate + IKEv2 fragmentation, rolling,
# one restart per server), shows that a second run changes nothing, and diagnoses again: nothing failing nor
# warned about, only information on the hardening not applied yet (aovpn.rras.hardening).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
cd "$repo"
export ANSIBLE_CONFIG="$repo/tests/lab/ansible.cfg"
export ANSIBLE_COLLECTIONS_PATH="$repo/tests/output/lab/collections"
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-1}
pki="$repo/tests/output/lab/pki"
targets="ws2022-sstp:ws2019-rras"
out="$repo/tests/output/demo"
mkdir -p "$out"

"$venv/bin/python" tests/lab/tls_endpoint.py --cert "$pki/vpn_server_next.pem" --key "$pki/vpn_server_next.key.pem" \
  --port 0 --seconds 900 >"$out/endpoint.txt" &
endpoint_pid=$!
# the RRAS hosts' SSTP listeners (started by each RemoteAccess restart, probed by the health gate) end with the demo
trap 'kill "$endpoint_pid" 2>/dev/null || true; "$venv/bin/python" tests/lab/labctl.py stop-listeners || true' EXIT
for _ in $(seq 50); do [ -s "$out/endpoint.txt" ] && break; sleep 0.1; done
endpoint=$(head -n 1 "$out/endpoint.txt")

playbook() { "$venv/bin/ansible-playbook" "$@" -e "aovpn_rras_target=$targets"; }
banner() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }
diagnose=(-e "diagnose_endpoint=$endpoint" -e diagnose_server_name=vpn.example.com)
site=(-e aovpn_rras_sstp_offload=true -e "sstp_offload_certificate_file=$pki/vpn_server_next.pem"
  -e sstp_offload_fqdn=vpn.example.com -e aovpn_rras_ikev2_fragmentation=true)

banner "1. Diagnose: the load balancer at $endpoint presents a certificate the RRAS servers do not hold"
if playbook aovpn.rras.diagnose "${diagnose[@]}" -e "diagnose_report_markdown=$out/before.md"; then
  echo "unexpected: diagnose found nothing wrong before the fix" >&2
  exit 1
fi
echo "(diagnose failed the run, as AWX would show it red; report: $out/before.md)"

banner "2. Preview the fix: aovpn.rras.site --check --diff changes nothing"
playbook aovpn.rras.site --check --diff "${site[@]}"

banner "3. Apply it: SSTP offload with the load balancer's certificate + IKEv2 fragmentation, one server at a time"
playbook aovpn.rras.site --diff "${site[@]}"

banner "4. Run it again: nothing to change, nothing restarted"
playbook aovpn.rras.site "${site[@]}"

banner "5. Diagnose again"
playbook aovpn.rras.diagnose "${diagnose[@]}" -e "diagnose_report_markdown=$out/after.md"
echo "(report: $out/after.md; lab journal of each call: .venv/bin/python tests/lab/labctl.py journal ws2022-sstp)"
