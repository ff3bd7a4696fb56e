#!/usr/bin/env bash
# Benchmark of the whole cycle on the lab: wall time and ARM requests of
# full_cycle.yml, for one machine alone and for every machine of the scenario,
# per generation. Rerun it to compare after a change:
#   tools/bench_cycle.sh [classic|modernized ...]     (default: both; LAB_TIME_SCALE=0.01)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(classic modernized)
export LAB_TIME_SCALE=${LAB_TIME_SCALE:-0.01} ANSIBLE_COLLECTIONS_PATH=$root/build/pythonpath ANSIBLE_NOCOLOR=1
out=$root/build/bench
mkdir -p "$out"
for scenario in "${scenarios[@]}"; do
    for hosts in vm-win-01 asr_items; do
        export LAB_STATE_DIR=$out/lab-$scenario
        "$root/tools/lab.sh" up "$scenario" >/dev/null
        # shellcheck disable=SC2064  # stop this lab, whatever happens
        trap "LAB_STATE_DIR=$LAB_STATE_DIR '$root/tools/lab.sh' down >/dev/null" EXIT
        # shellcheck disable=SC1091  # written by lab.sh up
        source "$LAB_STATE_DIR/env.sh"
        summary=$out/summary-$scenario-$hosts.json
        rm -f "$summary"
        started=$(date +%s.%N)
        "$root/.venv/bin/ansible-playbook" -i "$root/lab/inventory/lab.asr_items.yml" "$root/playbooks/full_cycle.yml" \
            -e asr_confirm_failover=true -e "asr_summary_file=$summary" -e "asr_hosts=$hosts" >"$out/run-$scenario-$hosts.log" 2>&1
        ended=$(date +%s.%N)
        echo "== $scenario, hosts $hosts: $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }') s (time scale $LAB_TIME_SCALE)"
        PYTHONPATH=$root/lab "$root/.venv/bin/python" -m asrlab.report --state-dir "$LAB_STATE_DIR" --summary "$summary" --expect cycle_done
        "$root/tools/lab.sh" down >/dev/null
        trap - EXIT
    done
done
