#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible-test wants.
# Every test runs; there are no ignore files (tests/sanity/ignore-*.txt).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$root/.venv}
if ls "$root"/tests/sanity/ignore-*.txt >/dev/null 2>&1; then
    echo "error: tests/sanity/ignore-*.txt exists; fix the code instead of ignoring the finding." >&2
    exit 1
fi
# One run at a time on this machine, whatever the checkout: ansible-test keeps its sanity venvs in
# ~/.ansible/test/venv, shared by every checkout (two runs at once break each other's), and this
# checkout's view under build/ is shared by its runs.
shared=${HOME:?}/.ansible/test
mkdir -p "$shared"
lock=$shared/.sanity.lock
exec 9<>"$lock"
if ! flock -n 9; then
    echo "sanity: waiting for the run that holds $lock ($(cat "$lock" 2>/dev/null || true)); ansible-test's venvs there are shared" >&2
    flock 9
fi
echo "pid $$, $root, since $(date -u +%H:%M:%SZ)" > "$lock"
view=$("$root/tools/collection_view.sh")
python_version=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cd "$view"
# ansible-test runs git; a copy without .git is fine.
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --venv --python "$python_version" --color no "$@"
