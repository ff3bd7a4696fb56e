#!/usr/bin/env bash
# make demo: the main job. The failover-failback cycle's modules and playbooks
# (issues 4-6) do not exist yet; until they do, the demo starts the lab, runs
# the one playbook there is (the vault's infrastructure report) against it with
# the real Azure SDKs, says what the full demo will run, and stops the lab.
#   KEEP_LAB=1 leaves the lab running; LAB_SCENARIO=modernized picks the other generation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=${LAB_SCENARIO:-classic}
export LAB_STATE_DIR=$root/.lab

"$root/tools/lab.sh" up "$scenario"
if [ "${KEEP_LAB:-0}" != 1 ]; then
    trap '"$root/tools/lab.sh" down' EXIT
fi
# shellcheck disable=SC1091  # written by lab.sh up
source "$LAB_STATE_DIR/env.sh"

# make demo links the source tree as build/pythonpath/ansible_collections/siterecovery/vmware.
ANSIBLE_COLLECTIONS_PATH=$root/build/pythonpath ANSIBLE_NOCOLOR=1 \
    "$root/.venv/bin/ansible-playbook" -i localhost, "$root/playbooks/fabric_report.yml" \
    -e asr_fabric_report_fail_on_warning=true

cat <<'TEXT'

When the cycle's modules and playbooks exist (issues 4-6), `make demo` will run
playbooks/full_cycle.yml here instead: preflight, fail over to Azure, commit, prepare
failback (process server, master target), reprotect to on-premises, fail back, commit,
reprotect to Azure, with a summary per machine (stages, job ids, recovery point and its
age, time per stage).
TEXT
