#!/usr/bin/env bash
# Build the collection and check the tarball the way a release is checked:
#  1. its file list: no test output, venvs, caches, nor the lab's emulated ansible.windows collection metadata
#     (a second galaxy.yml / meta/runtime.yml), and the files Galaxy and Automation Hub need are there;
#  2. galaxy-importer, as Galaxy and Automation Hub run it on an upload (`python -m galaxy_importer.main TARBALL`
#     with the venv's bin on PATH for ansible-doc and ansible-lint): the import must succeed with no warning;
#  3. an offline install next to ansible.windows, listed and usable (ansible-doc of every module).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
out="$repo/tests/output/galaxy"
rm -rf "$out" && mkdir -p "$out/collections/ansible_collections/ansible" "$out/importer"
export PATH="$venv/bin:$PATH"
cd "$repo"
version=$(python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
tarball="$out/aovpn-rras-$version.tar.gz"
[ -f "$tarball" ] || { echo "galaxy: the build wrote no $(basename "$tarball")" >&2; exit 1; }

tar -tzf "$tarball" | sed 's|^\./||' >"$out/files.txt"
unwanted=$(grep -E '(^|/)(tests/output|\.venv[^/]*|\.git|__pycache__|\.pytest_cache|\.hypothesis|\.mypy_cache|collections)(/|$)|\.pyc$|\.tar\.gz$|^tests/lab/windows_emulation/(galaxy\.yml|meta(/|$))' "$out/files.txt" || true)
# One collection per tarball: no galaxy.yml at all (MANIFEST.json replaces it), one meta/runtime.yml.
unwanted+=$(grep -E '(^|/)galaxy\.yml$|.+/meta/runtime\.yml$|.+/MANIFEST\.json$' "$out/files.txt" || true)
if [ -n "$unwanted" ]; then
  echo "galaxy: the tarball ships files it must not (add them to build_ignore in galaxy.yml):" >&2
  echo "$unwanted" >&2
  exit 1
fi
required=(MANIFEST.json FILES.json README.md LICENSE meta/runtime.yml meta/execution-environment.yml meta/ee-requirements.txt meta/ee-bindep.txt requirements.txt
  changelogs/changelog.yaml docs/docsite/extra-docs.yml)
for role in roles/*/; do required+=("${role}README.md" "${role}meta/argument_specs.yml"); done
missing=()
for file in "${required[@]}"; do grep -qxF "$file" "$out/files.txt" || missing+=("$file"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "galaxy: the tarball lacks: ${missing[*]}" >&2
  exit 1
fi
echo "galaxy: $(wc -l <"$out/files.txt") entries in $(basename "$tarball"), none unwanted, none missing"

# galaxy-importer runs from an empty directory: it sees the tarball only, as on an upload.
status=0
(cd "$out/importer" && python -m galaxy_importer.main "$tarball") >"$out/importer.log" 2>&1 || status=$?
cat "$out/importer.log"
if [ "$status" != 0 ] || grep -qE '^(ERROR|WARNING|CRITICAL)' "$out/importer.log" || ! grep -q 'Importer processing completed successfully' "$out/importer.log"; then
  echo "galaxy: galaxy-importer rejected the tarball or warned (exit $status; see above)" >&2
  exit 1
fi

# ansible.windows comes from the offline `ansible` package: copy it so the dependency is satisfied.
site=$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp -r "$site/ansible_collections/ansible/windows" "$out/collections/ansible_collections/ansible/windows"
ansible-galaxy collection install "$tarball" -p "$out/collections" --offline >/dev/null
listing=$(ANSIBLE_COLLECTIONS_PATH="$out/collections" ansible-galaxy collection list -p "$out/collections" 2>/dev/null)
grep -E "^aovpn\.rras +${version//./\\.}" <<<"$listing" >/dev/null || { echo "galaxy: aovpn.rras $version not listed"; echo "$listing"; exit 1; }
for path in "$repo"/plugins/modules/*.py; do
  module=$(basename "$path" .py)
  ANSIBLE_COLLECTIONS_PATH="$out/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ansible-doc "aovpn.rras.$module" >/dev/null
done
echo "galaxy: $(basename "$tarball") imported by galaxy-importer, installed offline and listed"
