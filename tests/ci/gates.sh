#!/usr/bin/env bash
# Every quality gate of aovpn.rras, in one run: `gates.sh [main] [matrix]` (both by default).
#   main    every gate on the newest ansible-core, in $VENV (.venv): pytest, ansible-test sanity, mypy,
#           ansible-lint, antsibull-docs, antsibull-changelog, galaxy (build, galaxy-importer, offline install)
#   matrix  for each older ansible-core of tests/ci/matrix.txt, in its own venv: setup, ansible-test sanity,
#           unit tests, lab smoke run
# Each gate runs even if an earlier one failed; the exit status is non-zero when any failed. The summary lists
# every gate with its exit status and wall time; the last line is the main pytest's own summary line.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
bin="$venv/bin"
out="$repo/tests/output/gates"
mkdir -p "$out"
cd "$repo" || exit 1
export PATH="$bin:$PATH"
parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(main matrix)

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

# The matrix venvs are set up in the background from the start (mostly downloads), while the main gates run;
# each matrix's setup gate then waits for its own and shows its output.
if [[ " ${parts[*]} " == *" matrix "* ]]; then
  for version in $(tests/ci/matrix.sh versions); do
    rm -f "$out/core-$version-setup.rc"
    (
      started=$SECONDS
      tests/ci/matrix.sh setup "$version" >"$out/core-$version-setup.bg" 2>&1
      status=$?
      echo "(set up in the background in $((SECONDS - started)) s)" >>"$out/core-$version-setup.bg"
      echo "$status" >"$out/core-$version-setup.rc"
    ) &
  done
fi
# setup_done is called through gate ("$@"), which shellcheck cannot follow.
# shellcheck disable=SC2317
setup_done() {
  until [ -s "$out/core-$1-setup.rc" ]; do sleep 1; done
  cat "$out/core-$1-setup.bg"
  return "$(cat "$out/core-$1-setup.rc")"
}

for part in "${parts[@]}"; do
  case "$part" in
    main)
      main_python=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
      gate pytest env HYPOTHESIS_PROFILE=ci "$bin/pytest" -n auto -p no:cacheprovider
      gate ansible-test-sanity tests/ci/ansible_test.sh sanity --python "$main_python" --color no
      gate mypy tests/ci/mypy.sh
      # ansible-lint resolves aovpn.rras.* (roles, modules) through the collection symlink farm pytest built.
      gate ansible-lint env ANSIBLE_COLLECTIONS_PATH="$repo/tests/output/collections" "$bin/ansible-lint" --offline --profile production
      gate antsibull-docs "$bin/antsibull-docs" lint-collection-docs --plugin-docs .
      gate antsibull-changelog "$bin/antsibull-changelog" lint
      gate galaxy tests/ci/galaxy_smoke.sh
      ;;
    matrix)
      for version in $(tests/ci/matrix.sh versions); do
        gate "core-$version-setup" setup_done "$version"
        gate "core-$version-sanity" tests/ci/matrix.sh sanity "$version"
        gate "core-$version-units" tests/ci/matrix.sh units "$version"
        gate "core-$version-lab" tests/ci/matrix.sh lab "$version"
      done
      ;;
    *) echo "gates.sh: unknown part $part (main, matrix)" >&2; exit 2 ;;
  esac
done

failed=0
echo
echo "=== summary ($("$bin/ansible" --version 2>/dev/null | head -n 1) in $venv; matrix: tests/ci/matrix.txt)"
for i in "${!names[@]}"; do
  printf '%-24s %s\n' "${names[$i]}" "exit ${results[$i]}"
  case "${results[$i]}" in 0\ *) ;; *) failed=1 ;; esac
done
if [ -f "$out/pytest.log" ] && [[ " ${parts[*]} " == *" main "* ]]; then
  summary=$(grep -E '^=+ .*(passed|failed|error|no tests ran).* in [0-9.]+s' "$out/pytest.log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
  [ -n "$summary" ] || { summary="pytest printed no summary line"; failed=1; }
  echo "$summary"
fi
exit "$failed"
