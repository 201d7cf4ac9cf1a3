#!/usr/bin/env bash
# Run ansible-test (e.g. `sanity --python 3.11`, `windows-integration -v`) offline from a tree laid out as
# ansible_collections/aovpn/rras.
# ansible-test wants that path and a git work tree; it also bootstraps pip in its per-test venvs with a
# get-pip script it would download: a stand-in (ensurepip + pip install) is written into a private HOME.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
out="$repo/tests/output/ansible-test"
tree="$out/ansible_collections/aovpn/rras"
export HOME="$out/home"

pip_version=$("$venv/bin/python" - <<'PY'
import ansible_test._util.target.setup.requirements as r, inspect, re, pathlib
src = pathlib.Path(inspect.getfile(r)).parent.parent.parent.parent / "_internal" / "python_requirements.py"
match = re.search(r"PIP_VERSION = '([^']+)'", src.read_text())
print(match.group(1) if match else "24.2")
PY
)
mkdir -p "$HOME/.ansible/test/cache"
cat > "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py" <<'PY'
"""Offline stand-in for get-pip: bootstrap pip with ensurepip, then install what ansible-test asked for."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", *args])
PY

rm -rf "$tree"
mkdir -p "$tree"
# Tracked and not-ignored files only; deleted-but-tracked files are skipped.
(
  cd "$repo" || exit 1
  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
    [ ! -e "$file" ] || cp --parents -P "$file" "$tree/"
  done
  # A real host's inventory (git-ignored: it holds credentials) for windows-integration.
  [ ! -f tests/integration/inventory.winrm ] || cp --parents tests/integration/inventory.winrm "$tree/"
)
(cd "$tree" && git init -q && git add -A)
cd "$tree"
"$venv/bin/ansible-test" "$@"
