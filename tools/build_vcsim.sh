#!/usr/bin/env bash
# Build the lab's vCenter simulator launcher (lab/vcsim) into .lab/bin/labvcsim.
# Quick and idempotent: nothing is done while the binary is newer than every lab/vcsim source.
# Needs Debian's golang-go and golang-github-vmware-govmomi-dev (tools/setup.sh installs them).
#   tools/build_vcsim.sh [--force]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/lab/vcsim
out=$root/.lab/bin/labvcsim
gopath=${LABVCSIM_GOPATH:-/usr/share/gocode}

if [ "${1:-}" != "--force" ] && [ -x "$out" ] && [ -z "$(find "$src" -newer "$out" -print -quit)" ]; then
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    echo "error: building the lab's vCenter simulator needs Go: install the Debian package golang-go (make setup does)." >&2
    exit 1
fi
if [ ! -d "$gopath/src/github.com/vmware/govmomi/simulator" ]; then
    echo "error: govmomi's source is not in $gopath/src/github.com/vmware/govmomi: install the Debian package golang-github-vmware-govmomi-dev (make setup does)." >&2
    exit 1
fi

mkdir -p "$(dirname "$out")"
started=$(date +%s)
# Build to a temporary name, then rename: a simulator starting meanwhile never runs half a binary.
(cd "$src" && GOPATH=$gopath GO111MODULE=off GOFLAGS= go build -o "$out.tmp.$$" .) || {
    rm -f "$out.tmp.$$"
    echo "error: building $src failed (go $(go env GOVERSION), GOPATH=$gopath)" >&2
    exit 1
}
mv -f "$out.tmp.$$" "$out"
echo "build_vcsim: built $out in $(( $(date +%s) - started )) s"
