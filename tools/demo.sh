#!/usr/bin/env bash
# make demo: the main job. Starts the lab, runs playbooks/full_cycle.yml on it
# (fail over to Azure, commit, prepare the failback, reprotect to on-premises,
# fail back, commit, reprotect to Azure) for every machine the lab's vault
# protects, prints the run's summary and the ARM requests it made per machine,
# checks that every machine is back on-premises, powered on, replicating to
# Azure, with no Azure VM left, and stops the lab.
#   KEEP_LAB=1 leaves the lab running; LAB_SCENARIO=modernized runs the other generation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${LAB_SCENARIO:-classic}
export LAB_STATE_DIR=${LAB_STATE_DIR:-$root/.lab}
# One Azure second is this many lab seconds: a classic failover of 100 s takes 1 s.
export LAB_TIME_SCALE=${LAB_TIME_SCALE:-0.01}
out=$root/build/demo
mkdir -p "$out"

"$root/tools/lab.sh" down >/dev/null 2>&1 || true
"$root/tools/lab.sh" up "$scenario"
if [ "${KEEP_LAB:-0}" != 1 ]; then
    trap '"$root/tools/lab.sh" down' EXIT
fi
# shellcheck disable=SC1091  # written by lab.sh up
source "$LAB_STATE_DIR/env.sh"

summary=$out/asr-summary-$scenario.json
rm -f "$summary"
started=$(date +%s.%N)
# The collection comes from the source tree (build/pythonpath links it as siterecovery.vmware).
ANSIBLE_COLLECTIONS_PATH=$root/build/pythonpath ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=0 \
    "$root/.venv/bin/ansible-playbook" -i "$root/lab/inventory/lab.asr_items.yml" "$root/playbooks/full_cycle.yml" \
    -e asr_confirm_failover=true -e "asr_summary_file=$summary"
ended=$(date +%s.%N)

echo
echo "== make demo: full_cycle.yml on the $scenario lab in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s; summary in $summary"
PYTHONPATH=$root/lab "$root/.venv/bin/python" -m asrlab.report --state-dir "$LAB_STATE_DIR" --summary "$summary" --expect cycle_done
