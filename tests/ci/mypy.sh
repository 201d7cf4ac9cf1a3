#!/usr/bin/env bash
# mypy on plugins/, checked as the package ansible_collections.aovpn.rras.plugins (tests/ci/mypy.ini) from the
# collection tree the tests use (tests/output/collections -> the checkout).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
root=$("$venv/bin/python" -c "import sys; sys.path.insert(0, '$repo/tests'); import aovpn_testing; print(aovpn_testing.ensure_collection_tree())")
cd "$root"
"$venv/bin/mypy" --config-file "$repo/tests/ci/mypy.ini" --cache-dir "$repo/tests/output/mypy-cache" -p ansible_collections.aovpn.rras.plugins
