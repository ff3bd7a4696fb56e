# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of siterecovery.vmware.asr_recovery_plan_job: the operation and its wait run in the task's worker process,
printing each boot group's and each machine's state at every read (as asr_wait does for one job)."""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.action.asr_wait import ControllerAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import JOB_REQUIRED_IF, JOB_SPEC, run_plan_job


class ActionModule(ControllerAction):
    """Run a recovery plan operation and follow its job, one line per read."""

    OPTIONS = dict(JOB_SPEC, **WAIT_SPEC)
    REQUIRED_IF = JOB_REQUIRED_IF
    work = staticmethod(run_plan_job)
