#!/usr/bin/env bash
# Print the path of a working Python interpreter of version X.Y (`tests/ci/find_python.sh 3.12`), or fail
# with a message saying what was tried and how to provide one. Tried in order: $PYTHON<X><Y> (e.g. PYTHON312)
# if set (then only that one), pythonX.Y on PATH, the newest pyenv X.Y.* (the pyenv shim alone refuses versions that are not
# selected, so the interpreter is taken from `pyenv prefix`), then /usr/local/bin and /usr/bin.
# A candidate counts only if it runs, reports X.Y and can create a venv (venv + ensurepip).
set -uo pipefail
want=${1:?usage: find_python.sh X.Y}
[[ $want =~ ^[0-9]+\.[0-9]+$ ]] || { echo "find_python.sh: not a Python version: $want (want X.Y)" >&2; exit 2; }
override_var="PYTHON${want/./}"
candidates=()
if [ -n "${!override_var:-}" ]; then
  candidates+=("${!override_var}")
else
  candidates+=("$(command -v "python$want" 2>/dev/null)")
  if command -v pyenv >/dev/null 2>&1; then
    while IFS= read -r version; do
      prefix=$(pyenv prefix "$version" 2>/dev/null) && candidates+=("$prefix/bin/python$want")
    done < <(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}\.[0-9]+$" | sort -t. -k3,3nr)
  fi
  for root in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*; do
    [ -x "$root/bin/python$want" ] && candidates+=("$root/bin/python$want")
  done
  candidates+=("/usr/local/bin/python$want" "/usr/bin/python$want")
fi

tried=()
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  tried+=("$candidate")
  [ -x "$candidate" ] || continue
  # sys.executable: the interpreter itself, not a shim or wrapper in front of it
  got=$("$candidate" -c 'import sys, venv, ensurepip; print("%d.%d %s" % (*sys.version_info[:2], sys.executable))' 2>/dev/null) || continue
  if [ "${got%% *}" = "$want" ]; then
    echo "${got#* }"
    exit 0
  fi
done
{
  echo "find_python.sh: no working Python $want interpreter found (it needs the venv and ensurepip modules)."
  echo "  tried: ${tried[*]:-nothing}"
  echo "  provide one: 'pyenv install $want', or your distribution's python$want and python$want-venv packages,"
  echo "  or set $override_var=/path/to/python$want"
} >&2
exit 1
