#!/usr/bin/env bash
# Create or refresh a virtual environment; quick when nothing changed.
#   tools/setup_venv.sh VENV_DIR REQUIREMENTS_FILE MIN_PY MAX_PY highest|lowest
# The venv is rebuilt when its interpreter no longer runs; the requirements are
# installed again when the requirement files or the interpreter change.
set -euo pipefail
venv=${1:?venv dir}
requirements=${2:?requirements file}
min=${3:?min python}
max=${4:?max python}
prefer=${5:-highest}
root=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    python=$("$root/tools/find_python.sh" "$min" "$max" "$prefer")
    echo "setup: creating $venv with $python"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi

# The stamp covers every requirement file that $requirements includes.
stamp_input=$("$venv/bin/python" -c 'import sys; print(sys.version)'; cat "$root"/requirements*.txt)
stamp=$(printf '%s' "$stamp_input" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$venv/.setup-stamp" 2>/dev/null || true)" != "$stamp" ]; then
    echo "setup: installing $requirements into $venv"
    log=$venv/.setup.log
    if ! { "$venv/bin/python" -m pip install --upgrade pip && "$venv/bin/python" -m pip install -r "$requirements"; } >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "error: pip could not install $requirements into $venv (whole log: $log)" >&2
        exit 1
    fi
    echo "$stamp" > "$venv/.setup-stamp"
fi
