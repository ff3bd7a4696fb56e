#!/usr/bin/env bash
# make demo: the main job. The lab (issue 3) and the cycle's playbooks
# (issues 4-6) do not exist yet, so this says what the demo will run and shows
# what the collection holds today. It does not pretend to fail anything over.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cat <<'TEXT'
siterecovery.vmware demo
========================
When the lab and the playbooks exist, `make demo` will:
  1. start the lab: an Azure Site Recovery emulator (ARM + Entra ID token endpoint over TLS,
     api-version 2025-08-01) and a vCenter simulator (govmomi) on loopback addresses;
  2. run playbooks/full_cycle.yml against it with the unmodified azure-identity, the
     Azure SDK and pyvmomi: preflight, fail over to Azure, commit, prepare failback
     (process server, master target), reprotect to on-premises, fail back, commit,
     reprotect to Azure;
  3. print a summary per machine (stages, job ids, recovery point and its age, time per stage)
     and stop the lab (KEEP_LAB=1 leaves it running; LAB_SCENARIO=modernized runs the
     modernized generation instead of the classic one).

Not built yet: the lab (issue 3), the cycle modules (issues 4-5), roles and playbooks (issue 6).
What the collection holds today:
TEXT
# make demo links the source tree as build/pythonpath/ansible_collections/siterecovery/vmware.
ANSIBLE_COLLECTIONS_PATH=$root/build/pythonpath "$root/.venv/bin/ansible-doc" -t module -l siterecovery.vmware
