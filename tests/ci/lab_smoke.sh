#!/usr/bin/env bash
# A lab smoke run with the ansible-core of $VENV (the version matrix of `make test`, tests/ci/matrix.sh):
#  - aovpn.rras.diagnose finds the servers that do not hold the load balancer's certificate hash;
#  - aovpn.rras.site in check mode changes no host state; applied, it runs the roles (sstp_offload +
#    ikev2_fragmentation on one server, sstp_certificate + ikev2_fragmentation on another); a second run
#    changes nothing; diagnose then passes;
#  - ad hoc `ansible` runs a collection module and an ansible.windows module;
#  - the ansible-test integration targets, on one lab host per profile.
# Its own lab state directory; the lab collections path is shared (symlinks only).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
out="$repo/tests/output/lab-smoke/$(basename "$venv")"
rm -rf "$out" && mkdir -p "$out"
cd "$repo"
export PATH="$venv/bin:$PATH"
export ANSIBLE_CONFIG="$repo/tests/lab/ansible.cfg"
export ANSIBLE_COLLECTIONS_PATH="$repo/tests/output/lab/collections"
export AOVPN_LAB_STATE_DIR="$out/state"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
unset ANSIBLE_STDOUT_CALLBACK
pki="$repo/tests/output/lab/pki"
offload_host=ws2019-rras
certificate_host=ws2022-sstp
SSTP='HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters'

core=$(python -c 'import ansible.release; print(ansible.release.__version__)')
fail() { echo "lab-smoke (ansible-core $core): $*" >&2; exit 1; }
step() { printf '\n=== lab-smoke (%d s): %s\n' "$SECONDS" "$*"; }
# Run a command, keep its output in $out/<n>.log, print it; $rc holds its exit status.
runs=0
run() {
  runs=$((runs + 1)); log="$out/$runs.log"
  set +e; "$@" >"$log" 2>&1; rc=$?; set -e
  cat "$log"
}
# "changed=N" of HOST in the PLAY RECAP of the last run.
changed() { sed -nE "s/^$1 +: .*changed=([0-9]+).*/\1/p" "$log" | tail -n 1; }
state() { python tests/lab/labctl.py state "$1" --state-dir "$out/state" | python -c 'import json, sys; s = json.load(sys.stdin); print(json.dumps({k: s[k] for k in ("registry", "cert_stores", "files")}, sort_keys=True))'; }

python tests/lab/labctl.py reset --state-dir "$out/state" >/dev/null
python tests/lab/tls_endpoint.py --cert "$pki/vpn_server_next.pem" --key "$pki/vpn_server_next.key.pem" --port 0 --seconds 900 >"$out/endpoint.txt" &
endpoint_pid=$!
trap 'kill "$endpoint_pid" 2>/dev/null || true; python tests/lab/labctl.py stop-listeners --state-dir "$out/state" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do [ -s "$out/endpoint.txt" ] && break; sleep 0.1; done
endpoint=$(head -n 1 "$out/endpoint.txt")
[ -n "$endpoint" ] || fail "the lab TLS endpoint did not start"

targets="$offload_host:$certificate_host"
diagnose=(-e "aovpn_rras_target=$targets" -e "diagnose_endpoint=$endpoint" -e diagnose_server_name=vpn.example.com)
offload=(-l "$offload_host" -e aovpn_rras_sstp_offload=true -e "sstp_offload_certificate_file=$pki/vpn_server_next.pem"
  -e sstp_offload_fqdn=vpn.example.com -e aovpn_rras_ikev2_fragmentation=true)
printf '{"sstp_certificate_pfx_password": "%s"}' "$(python -c 'import sys; sys.path.insert(0, "tests/lab"); import labctl; print(labctl.PKI_PASSWORD)')" >"$out/pfx-password.json"
certificate=(-l "$certificate_host" -e aovpn_rras_sstp_certificate=true -e "sstp_certificate_pfx_file=$pki/vpn_server_next.pfx"
  -e "@$out/pfx-password.json" -e sstp_certificate_fqdn=vpn.example.com -e aovpn_rras_ikev2_fragmentation=true)

step "diagnose before the fix fails both servers"
run ansible-playbook aovpn.rras.diagnose "${diagnose[@]}" -e "diagnose_report_json=$out/before.json"
[ "$rc" != 0 ] || fail "diagnose passed before the fix"
python -c 'import json, sys; failing = json.load(open(sys.argv[1]))["failing"]; sys.exit(sorted(failing) != sorted(sys.argv[2:]))' \
  "$out/before.json" "$offload_host" "$certificate_host" || fail "diagnose before the fix: $(cat "$out/before.json")"

step "site --check --diff changes no host state"
before_offload=$(state "$offload_host"); before_certificate=$(state "$certificate_host")
run ansible-playbook aovpn.rras.site --check --diff "${offload[@]}"
[ "$rc" = 0 ] || fail "site --check (offload) failed"
run ansible-playbook aovpn.rras.site --check --diff "${certificate[@]}"
[ "$rc" = 0 ] || fail "site --check (certificate) failed"
{ [ "$(state "$offload_host")" = "$before_offload" ] && [ "$(state "$certificate_host")" = "$before_certificate" ]; } || fail "check mode changed a host"

step "site applies sstp_offload + ikev2_fragmentation, then sstp_certificate + ikev2_fragmentation"
run ansible-playbook aovpn.rras.site --diff "${offload[@]}"
{ [ "$rc" = 0 ] && [ "$(changed "$offload_host")" -gt 0 ]; } || fail "site (offload) failed or changed nothing"
run ansible-playbook aovpn.rras.site --diff "${certificate[@]}"
{ [ "$rc" = 0 ] && [ "$(changed "$certificate_host")" -gt 0 ]; } || fail "site (certificate) failed or changed nothing"

step "a second run changes nothing"
run ansible-playbook aovpn.rras.site "${offload[@]}"
{ [ "$rc" = 0 ] && [ "$(changed "$offload_host")" = 0 ]; } || fail "second site run (offload) failed or changed something"
run ansible-playbook aovpn.rras.site "${certificate[@]}"
{ [ "$rc" = 0 ] && [ "$(changed "$certificate_host")" = 0 ]; } || fail "second site run (certificate) failed or changed something"

step "diagnose after the fix passes"
run ansible-playbook aovpn.rras.diagnose "${diagnose[@]}" -e "diagnose_report_json=$out/after.json"
[ "$rc" = 0 ] || fail "diagnose failed after the fix"

step "ad hoc: aovpn.rras.win_rras_info and ansible.windows.win_reg_stat"
run ansible "$offload_host" -m aovpn.rras.win_rras_info -o
{ [ "$rc" = 0 ] && grep -q "^$offload_host | SUCCESS" "$log"; } || fail "ad hoc aovpn.rras.win_rras_info failed"
run ansible "$offload_host" -m ansible.windows.win_reg_stat -a "path=$SSTP name=UseHttps" -o
{ [ "$rc" = 0 ] && grep -qE "^$offload_host \| SUCCESS.*\"value\": 0[,}]" "$log"; } || fail "ad hoc win_reg_stat: UseHttps is not 0 after offload"

step "integration targets, one lab host per profile"
hosts=$(python - <<'PY'
import sys
sys.path.insert(0, "tests/lab")
import labctl
first = {}
for host, host_vars in labctl.inventory_hosts().items():
    first.setdefault(host_vars.get("lab_profile"), host)
print(",".join(host for profile, host in sorted(first.items(), key=lambda item: str(item[0])) if profile))
PY
)
python tests/lab/labctl.py reset --state-dir "$out/state" >/dev/null
for target_dir in tests/integration/targets/*/; do
  target=$(basename "$target_dir")
  [ -f "$target_dir/aliases" ] || continue  # setup_* roles are dependencies, not targets
  printf -- '- name: Integration target %s\n  hosts: lab\n  gather_facts: false\n  roles:\n    - role: %s\n' "$target" "$target" >"$out/target-$target.yml"
  run env ANSIBLE_ROLES_PATH="$repo/tests/integration/targets" ansible-playbook "$out/target-$target.yml" -l "$hosts"
  [ "$rc" = 0 ] || fail "integration target $target failed"
done
echo "lab-smoke: passed with ansible-core $core on $(python -V)"
