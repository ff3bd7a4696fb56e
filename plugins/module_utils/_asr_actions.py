# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running an item action (failover, commit, reprotect, ...) the way an operator would.

Private to the collection. Read first; refuse what ASR would refuse before any write; attach to a job
of the same operation that already runs instead of starting another; send the POST once and, when
its answer is lost, re-read the item to learn whether ASR took it; then wait on the job. When ASR refuses
the POST because another run started or did the same action since the read (a job template launched
twice), follow that run's job, or say the action is done (:class:`Overtaken`).
"""

from __future__ import annotations

import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import JobWaiter, job_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import JOB_SCENARIOS, OPERATION_OF_ACTION, refusal
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll, PollTimeout, send_until_taken
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

# How long to look for the job of a POST whose answer was lost, and how often, in seconds.
ATTACH_SECONDS = 30
ATTACH_INTERVAL = 2
# How many times a POST that ASR is proven not to have taken is sent.
SEND_ATTEMPTS = 3
# How long a write throttled by Resource Manager (429) is sent again, when the module has no wait_timeout: the wait fragment's default.
THROTTLED_SECONDS = 3600


class Overtaken(Exception):
    """The action was done by another run (or person) between this run's read and its request: nothing was sent that took."""


def job_id_of(headers):
    """The job id an action's 202 names: the last segment of Azure-AsyncOperation or Location (before the query)."""
    for header in ("Azure-AsyncOperation", "Location"):
        url = headers.get(header) or ""
        path = url.split("?", 1)[0].rstrip("/")
        segments = path.split("/")
        if len(segments) > 1 and segments[-2].lower() in ("replicationoperationstatus", "operationresults", "replicationjobs"):
            return segments[-1]
    return None


def state_summary(facts):
    """What a diff shows of an item."""
    return dict(running_in=facts["running_in"], stage=facts["stage"], protection_state=facts["protection_state"], provider=facts["provider"])


class ItemAction:  # pylint: disable=too-many-instance-attributes
    """One action on one item, from an AsrModule's options."""

    def __init__(self, asr, item_name, clock=time.monotonic, pause=time.sleep, item=None):  # pylint: disable=too-many-arguments
        """``item``: the item as read already (the fleet engine lists the vault once for every machine); else it is found by name."""
        self.asr = asr
        self.clock = clock
        self.pause = pause
        self.vault = VaultGateway.of(asr)
        if item is None:
            with asr.step("finding replicated item %s in vault %s" % (item_name, asr.vault_name)):
                item = self.vault.find(item_name)
        self.item = item
        self.before = item_facts(self.item)
        self.name = self.before["friendly_name"] or self.item["name"]

    def reread(self):
        with self.asr.step("reading replicated item %s" % self.name):
            self.item = self.vault.refresh(self.item)
        return item_facts(self.item)

    def running_job_of(self, action, facts=None):
        """The id of the job of ``action`` running on the item now, or None."""
        current = (facts or self.before)["current_job"]
        if current and current["scenario"] in JOB_SCENARIOS[action]:
            return current["id"]
        return None

    def follow_running(self, action, doing, message):
        """The result of following the job of ``action`` that runs on the item now (``message`` says so), or None when none runs."""
        attached = self.running_job_of(action)
        return self.result(True, self.wait(attached, doing), message) if attached else None

    def refuse_unless_allowed(self, action):
        """Fail before any write when ASR does not allow the action's operation now."""
        facts = self.before
        if facts["current_job"]:
            raise SiteRecoveryError("%s: a %s job (%s) runs on %s; wait for it (asr_job_info job_id=%s wait=true) and run again"
                                    % (action, facts["current_job"]["scenario"], facts["current_job"]["id"], self.name,
                                       facts["current_job"]["id"]), code="OperationInProgress")
        problem = refusal(OPERATION_OF_ACTION[action], facts["allowed_operations"], self.name, facts["protection_state"])
        if problem:
            raise SiteRecoveryError(problem, code="OperationNotAllowed",
                                    recommended_action="the item's next step is: %s" % facts["next_step"])

    def start(self, action, body=None, done=None):
        """POST the action once; return the id of its job.

        The job id comes from the answer's Azure-AsyncOperation / Location headers (the job id is the operation id).
        A lost answer (5xx, a dropped connection) is resolved by reading the item and its recent jobs again: a job
        found is followed; when none is, ASR did not take the POST, and it is sent again, ``SEND_ATTEMPTS`` times at most.
        A refusal (409: another operation runs; 400: not allowed in the item's state) is checked against the item read
        again: a job of this action running there is followed; when ``done(facts)`` returns a message, the action was
        done meanwhile by someone else, and :class:`Overtaken` says so; else ASR's refusal stands. Resource Manager's 429
        (throttled: not taken) is sent again after its Retry-After, up to the module's ``wait_timeout``.
        """
        context = "%s of %s" % (action, self.name)
        for attempt in range(1, SEND_ATTEMPTS + 1):
            answer = {}

            def send_once():
                with self.asr.step("sending " + context):
                    self.send(action, body, lambda response: answer.update(headers=response.http_response.headers))  # noqa: B023

            try:
                send_until_taken(send_once, "sending " + context, self.asr.params.get("wait_timeout") or THROTTLED_SECONDS,
                                 clock=self.clock, pause=self.pause)
            except SiteRecoveryError as error:
                if error.status is not None and error.status < 500:
                    # ASR answered and refused: nothing was started by this request.
                    job_id = self._refused(action, error, done)
                    if job_id:
                        return job_id
                    raise
                job_id = self._find_started_job(action)
                if job_id is not None:
                    return job_id
                if attempt == SEND_ATTEMPTS:
                    raise SiteRecoveryError("%s; reading the item again showed no %s job after each of %d attempts, so ASR did not take it"
                                            % (error.message, action, SEND_ATTEMPTS), code=error.code,
                                            recommended_action="check that Azure Resource Manager is reachable, then run the task again") from error
                continue  # proven not taken: sending again is safe
            job_id = job_id_of(answer.get("headers") or {}) or self._find_started_job(action)
            if job_id is None:
                raise SiteRecoveryError("ASR accepted %s but the item shows no job for it" % context, code="JobNotFound")
            return job_id
        raise AssertionError("unreachable")  # pragma: no cover

    def send(self, action, body, hook):
        """POST ``action`` on the item once (no polling); ``hook`` gets the raw answer."""
        self.vault.send_item_action(self.item, action, body, hook)

    def _refused(self, action, error, done):
        """After ASR refused the POST of ``action``: return the job of another run that started the same action since the
        read (two launches of one job template), raise :class:`Overtaken` when the action's outcome is there already;
        return None when the refusal stands."""
        if error.status not in (400, 409):
            return None
        facts = self.reread()
        job_id = self.running_job_of(action, facts)
        if job_id:
            return job_id
        message = done(facts) if done else None
        if message:
            raise Overtaken("%s: done by another run meanwhile (ASR refused this run's %s: %s)" % (message, action, error.message)) from error
        return None

    def _find_started_job(self, action):
        """The job of ``action`` on the item: from its current scenario, else among the vault's recent jobs; None after ATTACH_SECONDS."""
        since = (self.before.get("current_job") or {}).get("start_time", "")

        def read():
            job_id = self.running_job_of(action, self.reread())
            if job_id:
                return job_id
            with self.asr.step("listing the recent jobs of vault %s" % self.asr.vault_name):
                recent = [job_facts(j) for j in self.vault.jobs()]
            mine = [j for j in recent if j["target_name"] == self.name and j["operation"] in JOB_SCENARIOS[action]
                    and (j["start_time"] or "") >= since]
            return max(mine, key=lambda j: j["start_time"] or "")["id"] if mine else None

        try:
            return Poll(ATTACH_SECONDS, ATTACH_INTERVAL, clock=self.clock, pause=self.pause).until(read, lambda found: found is not None)
        except PollTimeout:
            return None

    def perform(self, action, doing, would, unchanged):
        """The whole run of an action that takes no input (commit, cancel, resync).

        Attach to its job when one runs; else report ``unchanged(facts)`` when it returns a message (nothing to do);
        else refuse what ASR would refuse, say what it ``would`` do in check mode, or start it and wait, as ``doing``.
        """
        followed = self.follow_running(action, doing, "attached to the job that was running: " + doing)
        if followed:
            return followed
        message = unchanged(self.before)
        if message:
            return self.result(False, message=message)
        self.refuse_unless_allowed(action)
        if self.asr.check_mode:
            return self.result(True, message="would " + would)
        try:
            job_id = self.start(action, done=unchanged)
        except Overtaken as over:
            return self.result(False, message=str(over))
        return self.result(True, self.wait(job_id, doing))

    def wait(self, job_id, context):
        params = self.asr.params

        def read(job):
            with self.asr.step("reading job %s" % job):
                return self.vault.job(job)

        if not params.get("wait", True):
            return job_facts(read(job_id))
        return JobWaiter(read, params["wait_timeout"], params["wait_sleep"]).wait(job_id, context)

    def result(self, changed, job=None, message=None):
        after = self.reread() if changed or job else item_facts(self.item)  # the last read: the item found, or read again
        result = dict(changed=changed, replicated_item=after, job=job,
                      diff=dict(before=state_summary(self.before), after=state_summary(after)))
        if message:
            result["msg"] = message
        return result
