# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of siterecovery.vmware.asr_fleet: the fleet engine runs in the task's own worker process.

One process, one sign-in and one SDK import for every machine of the play, instead of a module process per machine and per read
(docs/fleet.md). The options are checked as a module's would be (run_on_controller, shared with asr_wait), then ``_fleet.run_fleet``
runs; its progress lines go through Ansible's display.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.action.asr_wait import ControllerAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet import ARGUMENT_SPEC, REQUIRED_IF as FLEET_REQUIRED_IF, fleet_problems, run_fleet


def fleet(session, progress=None):
    problems = fleet_problems(session.params)
    if problems:
        raise SiteRecoveryError("Invalid options: " + "; ".join(problems), code="InvalidParameter")
    return run_fleet(session, progress=progress)


class ActionModule(ControllerAction):
    """Fail over, validate and commit the play's machines in one process."""

    OPTIONS = ARGUMENT_SPEC
    REQUIRED_IF = FLEET_REQUIRED_IF
    work = staticmethod(fleet)
