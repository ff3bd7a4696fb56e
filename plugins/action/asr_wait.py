# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of siterecovery.vmware.asr_wait: the wait runs in the task's own worker process.

A module would cost a new Python process (and the Azure SDK's imports, about a CPU second) per call; a wait of hours
that printed progress through a module per read cost that much per read and per machine. Here one process follows
the job for the whole wait, each read is one GET, and each read prints a line through Ansible's display.
The wait itself is the module's: ``_asr_wait.wait``, with the same options (docs/waiting.md).
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import wait_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_wait import ARGUMENT_SPEC, REQUIRED_IF as WAIT_REQUIRED_IF, wait
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import missing_libraries
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import AzureSession
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import azure_argument_spec, azure_options
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError

display = Display()


def _while_run_lives(parent):
    """The wait's progress printer; it ends the wait once ansible-playbook (the worker's parent) is gone.

    A worker process has a session of its own: after ansible-playbook was killed (kill -9, the OOM killer), it would
    read the job on for up to its timeout with nobody to tell. At its next read it stops; the job runs on, and a rerun
    follows it."""

    def progress(line):
        if os.getppid() != parent:
            raise SiteRecoveryError("the ansible-playbook run of this wait is gone (process %d ended): the wait stops here; the job was "
                                    "left running, and a rerun follows it" % parent, code="RunGone")
        display.display(line)

    return progress


def run_on_controller(action, result, options, required_if, work):
    """Validate a task's options as its module would, then run ``work(session, progress=...)`` in the worker process.

    ``action``: the ActionBase running the task; ``options``: the module's own argument spec (the Azure and vault options are
    added); the result is the task's. Shared by asr_wait and asr_recovery_plan_job."""
    spec = azure_argument_spec(vault=True)
    spec.update(options)
    try:
        _validation, params = action.validate_argument_spec(argument_spec=spec, required_if=required_if)
    except AnsibleActionFail as exc:
        return dict(result, failed=True, msg=str(exc))
    missing = [library for library, _trace in missing_libraries()]
    params, azure_problems = azure_options(params, vault=True)
    problems = (["the Python libraries %s are missing from the controller's Python" % ", ".join(missing)] if missing else []) \
        + azure_problems + wait_problems(params)
    if problems:
        return dict(result, failed=True, msg="Invalid options: " + "; ".join(problems))
    session = AzureSession(params, check_mode=action._task.check_mode)  # pylint: disable=protected-access  # the task's own check mode
    try:
        result.update(work(session, progress=_while_run_lives(os.getppid())))
    except SiteRecoveryError as error:
        result.update(error.to_result(), failed=True)
    return result


class ControllerAction(ActionBase):
    """A task of the collection that runs in its worker process: ``OPTIONS`` (the module's spec) and ``REQUIRED_IF`` checked,
    then ``work(session, progress=...)`` (shared by asr_wait, asr_recovery_plan_job and asr_fleet)."""

    TRANSFERS_FILES = False
    _requires_connection = False
    OPTIONS = {}
    REQUIRED_IF = []

    @staticmethod
    def work(session, progress=None):
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # nothing is copied to a remote host
        return run_on_controller(self, result, self.OPTIONS, self.REQUIRED_IF, self.work)


class ActionModule(ControllerAction):
    """Follow a job, or wait for an item's condition, printing one line per read."""

    OPTIONS = ARGUMENT_SPEC
    REQUIRED_IF = WAIT_REQUIRED_IF
    work = staticmethod(wait)
