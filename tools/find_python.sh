#!/usr/bin/env bash
# Print the path of a working Python interpreter whose version is in [MIN, MAX].
#   tools/find_python.sh MIN MAX highest|lowest
# Looks at $PYTHON, then python3.X and python3 on PATH, then pyenv's installed
# versions (pyenv's shims are skipped when they do not really run). Exits 1
# with a message on stderr when none fits.
set -euo pipefail
min=${1:?MIN version, e.g. 3.12}
max=${2:?MAX version, e.g. 3.14}
prefer=${3:-highest}

to_num() { local major=${1%%.*} minor=${1#*.}; echo $((major * 100 + minor)); }
lo=$(to_num "$min")
hi=$(to_num "$max")

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for v in 3.15 3.14 3.13 3.12 3.11 3.10; do
    p=$(command -v "python$v" 2>/dev/null || true)
    [ -n "$p" ] && candidates+=("$p")
done
p=$(command -v python3 2>/dev/null || true)
[ -n "$p" ] && candidates+=("$p")
pyenv_root=${PYENV_ROOT:-}
if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root 2>/dev/null || true)
fi
[ -z "$pyenv_root" ] && [ -d "$HOME/.pyenv" ] && pyenv_root=$HOME/.pyenv
if [ -n "$pyenv_root" ] && [ -d "$pyenv_root/versions" ]; then
    for d in "$pyenv_root"/versions/*/bin/python3; do
        [ -x "$d" ] && candidates+=("$d")
    done
fi

best=""
best_num=""
for c in "${candidates[@]}"; do
    # A pyenv shim for a version that is not selected fails here: skip it.
    version=$("$c" -c 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    num=$(to_num "$version")
    [ "$num" -ge "$lo" ] && [ "$num" -le "$hi" ] || continue
    if [ -z "$best" ] \
        || { [ "$prefer" = highest ] && [ "$num" -gt "$best_num" ]; } \
        || { [ "$prefer" = lowest ] && [ "$num" -lt "$best_num" ]; }; then
        best=$c
        best_num=$num
    fi
done

if [ -z "$best" ]; then
    echo "error: no Python between $min and $max with venv and ensurepip was found." >&2
    echo "  Looked at: \$PYTHON, python3.X and python3 on PATH, and pyenv's versions (${pyenv_root:-no pyenv})." >&2
    echo "  Install one (e.g. 'pyenv install 3.12' or your distribution's python3.12 and python3.12-venv)," >&2
    echo "  or point PYTHON=/path/to/python3.12 at it." >&2
    exit 1
fi
# Resolve to the real interpreter, so a venv built from it survives PATH changes.
"$best" -c 'import os, sys; print(os.path.realpath(sys.executable))'
