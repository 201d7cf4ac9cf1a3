#!/usr/bin/env bash
# Every quality gate of aovpn.rras, in one run. Each gate runs even if an earlier one failed;
# the exit status is non-zero when any failed. The last line is pytest's own summary line.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
bin="$venv/bin"
out="$repo/tests/output/gates"
mkdir -p "$out"
cd "$repo" || exit 1
export PATH="$bin:$PATH"

# ansible-test skips its shell-script lint when the linter is missing: install it where we can.
if ! command -v shellcheck >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq shellcheck >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1; } || true
fi

# The ACME renewal example (examples/acme/) is tested against Debian's pebble, a real ACME test server.
if ! command -v pebble >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq pebble >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq pebble >/dev/null 2>&1; } || true
fi

declare -a names=() results=()
gate() {
  local name=$1; shift
  local started=$SECONDS
  echo "=== gate: $name"
  "$@" 2>&1 | tee "$out/$name.log"
  local status=${PIPESTATUS[0]}
  names+=("$name"); results+=("$status ($((SECONDS - started)) s)")
  echo "=== gate: $name -> exit $status"
}

gate pytest env HYPOTHESIS_PROFILE=ci "$bin/pytest" -n auto -p no:cacheprovider
gate ansible-test-sanity tests/ci/ansible_test.sh sanity --python 3.11 --color no
# ansible-lint resolves aovpn.rras.* (roles, modules) through the collection symlink farm pytest built.
gate ansible-lint env ANSIBLE_COLLECTIONS_PATH="$repo/tests/output/collections" "$bin/ansible-lint" --offline --profile production
gate antsibull-docs "$bin/antsibull-docs" lint-collection-docs --plugin-docs --skip-rstcheck .
gate antsibull-changelog "$bin/antsibull-changelog" lint
gate galaxy-build-install tests/ci/galaxy_smoke.sh

failed=0
echo
echo "=== summary"
for i in "${!names[@]}"; do
  printf '%-24s %s\n' "${names[$i]}" "exit ${results[$i]}"
  case "${results[$i]}" in 0\ *) ;; *) failed=1 ;; esac
done
summary=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* in [0-9.]+s' "$out/pytest.log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
[ -n "$summary" ] || { summary="pytest printed no summary line"; failed=1; }
echo "$summary"
exit "$failed"
