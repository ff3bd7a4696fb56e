# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of siterecovery.vmware.asr_recovery_plan_job: the operation and its wait run in the task's worker process,
printing each boot group's and each machine's state at every read (as asr_wait does for one job)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.siterecovery.vmware.plugins.action.asr_wait import _while_run_lives
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC, wait_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import JOB_REQUIRED_IF, JOB_SPEC, run_plan_job
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import missing_libraries
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import AzureSession
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import azure_argument_spec, azure_options
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError


class ActionModule(ActionBase):
    """Run a recovery plan operation and follow its job, one line per read."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # nothing is copied to a remote host
        spec = azure_argument_spec(vault=True)
        spec.update(JOB_SPEC, **WAIT_SPEC)
        try:
            _validation, params = self.validate_argument_spec(argument_spec=spec, required_if=JOB_REQUIRED_IF)
        except AnsibleActionFail as exc:
            return dict(result, failed=True, msg=str(exc))
        missing = [library for library, _trace in missing_libraries()]
        params, azure_problems = azure_options(params, vault=True)
        problems = (["the Python libraries %s are missing from the controller's Python" % ", ".join(missing)] if missing else []) \
            + azure_problems + wait_problems(params)
        if problems:
            return dict(result, failed=True, msg="Invalid options: " + "; ".join(problems))
        session = AzureSession(params, check_mode=self._task.check_mode)
        try:
            result.update(run_plan_job(session, progress=_while_run_lives(os.getppid())))
        except SiteRecoveryError as error:
            result.update(error.to_result(), failed=True)
        return result
