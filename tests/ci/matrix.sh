#!/usr/bin/env bash
# The version matrix (tests/ci/matrix.txt): `matrix.sh STEP X.Y` with STEP one of
#   setup   create tests/output/venvs/core-X.Y with that ansible-core release on its Python
#           (tests/ci/find_python.sh: fails, naming what is missing, when there is no such interpreter)
#   sanity  ansible-test sanity on the venv's Python
#   units   the unit tests (pytest tests/unit)
#   lab     tests/ci/lab_smoke.sh
#   versions  print the X.Y of every matrix entry
# The lab uses the real ansible.windows sources: the venv gets the main venv's copy (from the `ansible` package
# of requirements-test.txt) linked into its site-packages, as if the `ansible` package were installed there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
main_venv=${VENV:-.venv}
case "$main_venv" in /*) ;; *) main_venv="$repo/$main_venv" ;; esac
matrix="$repo/tests/ci/matrix.txt"
step=${1:?usage: matrix.sh setup|sanity|units|lab|versions X.Y}

if [ "$step" = versions ]; then
  sed -E 's/#.*//' "$matrix" | awk 'NF >= 2 { split($1, v, "."); print v[1] "." v[2] }'
  exit 0
fi
want=${2:?usage: matrix.sh $step X.Y}
read -r core python < <(sed -E 's/#.*//' "$matrix" | awk -v want="$want" 'NF >= 2 { split($1, v, "."); if (v[1] "." v[2] == want) print $1, $2 }') || true
[ -n "${core:-}" ] || { echo "matrix.sh: ansible-core $want is not in $matrix" >&2; exit 2; }
venv="$repo/tests/output/venvs/core-$want"
cd "$repo"

require_venv() {
  { [ -x "$venv/bin/ansible-test" ] && [ -f "$venv/.matrix-installed" ]; } \
    || { echo "matrix.sh: $venv is not set up (the setup step failed or did not run: see its output)" >&2; exit 1; }
}

case "$step" in
  setup)
    interpreter=$(tests/ci/find_python.sh "$python")
    # What the venv was built from; anything else (another release, interpreter or requirements) rebuilds it.
    stamp=$(printf '%s\n' "ansible-core==$core" "$interpreter" | cat - requirements-matrix.txt requirements.txt | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$venv/.matrix-installed" 2>/dev/null)" != "$stamp" ]; then
      rm -rf "$venv"
      "$interpreter" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --upgrade pip
      "$venv/bin/python" -m pip install --quiet -r requirements-matrix.txt "ansible-core==$core"
      echo "$stamp" >"$venv/.matrix-installed"
    fi
    main_site=$("$main_venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    windows="$main_site/ansible_collections/ansible/windows"
    [ -f "$windows/MANIFEST.json" ] || { echo "matrix.sh: no ansible.windows in the main venv ($windows): run make first" >&2; exit 1; }
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    mkdir -p "$site/ansible_collections/ansible"
    ln -sfn "$windows" "$site/ansible_collections/ansible/windows"
    echo "matrix: $("$venv/bin/ansible" --version | head -n 1) on $("$venv/bin/python" -V) in $venv"
    ;;
  sanity)
    require_venv
    VENV="$venv" tests/ci/ansible_test.sh sanity --python "$python" --color no
    ;;
  units)
    require_venv
    # The unit tests that compare with the real ansible.windows sources read the copy the lab uses (as in the lab step).
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    env HYPOTHESIS_PROFILE=ci AOVPN_LAB_ANSIBLE_WINDOWS="$site/ansible_collections/ansible/windows" \
      "$venv/bin/python" -m pytest tests/unit -n 2 -p no:cacheprovider -q
    ;;
  lab)
    require_venv
    # The lab runs the real ansible.windows Python plugins (tests/lab/lab_collection.py): the main venv's copy, linked by setup.
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    AOVPN_LAB_ANSIBLE_WINDOWS="$site/ansible_collections/ansible/windows" VENV="$venv" tests/ci/lab_smoke.sh
    ;;
  *)
    echo "matrix.sh: unknown step $step (setup, sanity, units, lab, versions)" >&2
    exit 2
    ;;
esac
