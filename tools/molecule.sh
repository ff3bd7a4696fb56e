#!/usr/bin/env bash
# make molecule: the molecule scenarios of extensions/molecule, each against a
# lab of its own (started here, stopped at the end): classic and modernized run
# the whole cycle (converge, idempotence, verify); stages runs each stage role
# from a lab state put in place through the control API.
#   tools/molecule.sh [SCENARIO ...]      default: classic modernized stages
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(classic modernized stages)
export PATH=$root/.venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$root/build/pythonpath ANSIBLE_NOCOLOR=1 LAB_ROOT=$root/lab
export LAB_TIME_SCALE=${LAB_TIME_SCALE:-0.002}
cd "$root"
for scenario in "${scenarios[@]}"; do
    generation=$scenario
    [ "$scenario" = stages ] && generation=classic
    export LAB_STATE_DIR=$root/build/molecule-lab-$scenario
    "$root/tools/lab.sh" up "$generation" >/dev/null
    # shellcheck disable=SC2064  # stop this scenario's lab, whatever happens
    trap "LAB_STATE_DIR=$LAB_STATE_DIR '$root/tools/lab.sh' down >/dev/null" EXIT
    # shellcheck disable=SC1091  # written by lab.sh up
    source "$LAB_STATE_DIR/env.sh"
    echo "== molecule test -s $scenario ($generation lab)"
    # Forget an earlier run's state, or molecule skips prepare ("instances already prepared").
    molecule reset -s "$scenario" >/dev/null 2>&1 || true
    molecule test -s "$scenario"
    "$root/tools/lab.sh" down >/dev/null
    trap - EXIT
done
