#!/usr/bin/env bash
# make setup: everything the tests, the lab and the demo need. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# 1. Debian packages the lab builds its vCenter simulator from, and the headless browser the evidence report's test
#    renders its HTML in.
lab_packages=(golang-go golang-github-vmware-govmomi-dev chromium)
missing=()
for package in "${lab_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: the lab and the tests need ${missing[*]} (Debian packages) and apt-get is not here; install them yourself (Go, govmomi's source, Chromium)." >&2
        exit 1
    fi
    sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "error: installing ${missing[*]} needs root (or sudo)." >&2; exit 1; }
        sudo=(sudo -n)
    fi
    echo "setup: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. The project venv: ansible-core 2.21 needs Python 3.12 to 3.14.
"$root/tools/setup_venv.sh" "$root/.venv" "$root/requirements-dev.txt" 3.12 3.14 highest

# 3. ansible-test's pip bootstrap script, which it cannot download here.
"$root/.venv/bin/python" "$root/tools/install_get_pip_standin.py" >/dev/null
"$root/tools/build_vcsim.sh"
echo "setup: done (.venv: $("$root/.venv/bin/python" --version), ansible-core $("$root/.venv/bin/python" -c "from ansible.release import __version__; print(__version__)"))"
