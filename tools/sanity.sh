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
# One run at a time per checkout: the view under build/ is shared.
mkdir -p "$root/build"
exec 9>"$root/build/.sanity.lock"
flock 9
view=$("$root/tools/collection_view.sh")
python_version=$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
cd "$view"
# ansible-test runs git; a copy without .git is fine.
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --venv --python "$python_version" --color no "$@"
