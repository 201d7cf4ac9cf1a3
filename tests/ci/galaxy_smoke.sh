#!/usr/bin/env bash
# Build the collection, install the tarball offline next to ansible.windows, and check it is listed
# and usable (ansible-doc of a module from the installed copy).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
venv=${VENV:-.venv}
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
out="$repo/tests/output/galaxy"
rm -rf "$out" && mkdir -p "$out/collections/ansible_collections/ansible"
cd "$repo"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$out" . >/dev/null
tarball=$(ls "$out"/aovpn-rras-*.tar.gz)
if tar -tzf "$tarball" | grep -E '(^|/)(tests/output|\.venv|\.git)/' >/dev/null; then
  echo "galaxy-smoke: tarball contains build_ignore'd paths" >&2
  exit 1
fi
# ansible.windows comes from the offline `ansible` package: copy it so the dependency is satisfied.
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp -r "$site/ansible_collections/ansible/windows" "$out/collections/ansible_collections/ansible/windows"
"$venv/bin/ansible-galaxy" collection install "$tarball" -p "$out/collections" --offline >/dev/null
listing=$(ANSIBLE_COLLECTIONS_PATH="$out/collections" "$venv/bin/ansible-galaxy" collection list -p "$out/collections" 2>/dev/null)
grep -E '^aovpn\.rras +0\.1\.0' <<<"$listing" >/dev/null || { echo "galaxy-smoke: aovpn.rras not listed"; echo "$listing"; exit 1; }
for path in "$repo"/plugins/modules/*.py; do
  module=$(basename "$path" .py)
  ANSIBLE_COLLECTIONS_PATH="$out/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
    "$venv/bin/ansible-doc" "aovpn.rras.$module" >/dev/null
done
echo "galaxy-smoke: built $(basename "$tarball"), installed offline and listed"
