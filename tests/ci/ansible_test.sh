#!/usr/bin/env bash
# Run ansible-test (e.g. `sanity --python 3.12`, `windows-integration -v`) offline from a tree laid out as
# ansible_collections/aovpn/rras, with the ansible-core of $VENV (default .venv).
# ansible-test wants that path and a git work tree; it also bootstraps pip in its per-test venvs with a
# get-pip script it would download: a stand-in (ensurepip + pip install) is written into a private HOME,
# under the name that ansible-core release looks for (get_pip_<pip version>.py; the pip version differs
# between releases). Each venv gets its own tree and HOME, so the version matrix never shares a cache.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
[ -x "$venv/bin/ansible-test" ] || { echo "ansible_test.sh: no ansible-test in $venv (run make first)" >&2; exit 1; }
out="$repo/tests/output/ansible-test/$(basename "$venv")"
tree="$out/ansible_collections/aovpn/rras"
export HOME="$out/home"
# ansible-test looks for pythonX.Y on PATH: the venv's own first (a pyenv shim may refuse the version).
export PATH="$venv/bin:$PATH"

pip_version=$("$venv/bin/python" - <<'PY'
import sys

from ansible_test._internal.python_requirements import get_venv_packages


class Python:  # the one attribute get_venv_packages reads
    version = "%d.%d" % sys.version_info[:2]


print(get_venv_packages(Python())["pip"])
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
ansible-test "$@"
