#!/usr/bin/env bash
# Copy the collection into build/ansible_collections/siterecovery/vmware, the
# layout ansible-test needs (it refuses a symlinked path). Only files git
# tracks or would track are copied, without tools/ and .ci/ (shell only); lab/
# is not shipped but goes in, so that ansible-test lints its Python too.
# Prints the view's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
view=$root/build/ansible_collections/siterecovery/vmware
rm -rf "$view"
mkdir -p "$view"
cd "$root"
git ls-files -z --cached --others --exclude-standard \
    | grep -zvE '^(tools|\.ci)/' \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - | tar -xf - -C "$view"
# The view sits in the git-ignored build/: ansible-test would take the outer
# repository's file list (which ignores build/) and find nothing. A repository
# of its own gives it the view's files.
git -C "$view" init -q
git -C "$view" add -A
echo "$view"
