"""A recovery plan's job: a task per boot group, and a child job per machine of the group.

The child jobs are the machines' own item jobs (plans.start_item_job: the tasks, faults, holds and outcome
of the per-item action). Group 1's children start with the plan job; each later group starts once every
child of the group before it has ended, all together. The plan job ends with its last group, or fails
with the first group that has a failed child (the groups after it never start). Its state is read
from its children, so a hold on a machine (control API /lab/hold) holds the plan job too.
"""

from __future__ import annotations

import dataclasses
import typing
import uuid

from .clock import iso
from .jobs import QUEUED_AZURE_SECONDS, Job

RUNNING = ("NotStarted", "InProgress", "Suspended")


@dataclasses.dataclass
class PlanJob(Job):  # pylint: disable=too-many-instance-attributes
    """A plan job over ``groups`` (lists of items); ``start_child(item, created)`` starts one machine's job."""

    groups: list = dataclasses.field(default_factory=list)
    start_child: typing.Optional[typing.Callable] = None
    children: list = dataclasses.field(default_factory=list)  # one list of jobs per group started
    now_of: typing.Optional[typing.Callable] = None  # the lab clock's now()

    def step(self, now):
        """Start each group whose turn has come (the groups before it ended without a failure); JobBook.advance calls it."""
        if not self.children and now >= self._at(QUEUED_AZURE_SECONDS):
            self.children.append([self.start_child(item, self._at(QUEUED_AZURE_SECONDS)) for item in self.groups[0]])
        while self.children and len(self.children) < len(self.groups):
            last = self.children[-1]
            ends = [job.end_time for job in last]
            if any(end is None or end > now for end in ends) or any(job.state(now) != "Succeeded" for job in last):
                return
            began = max(ends) if ends else self._at(QUEUED_AZURE_SECONDS)
            self.children.append([self.start_child(item, began) for item in self.groups[len(self.children)]])

    def _group_state(self, index, now):
        if index >= len(self.children):
            return "NotStarted"
        states = [job.state(now) for job in self.children[index]]
        if any(state in RUNNING for state in states):
            return "InProgress"
        return "Failed" if any(state in ("Failed", "Cancelled") for state in states) else "Succeeded"

    def state(self, now):
        if not self.children:
            return "NotStarted"
        groups = [self._group_state(i, now) for i in range(len(self.groups))]
        if "Failed" in groups:
            return "InProgress" if "InProgress" in groups else "Failed"
        return "Succeeded" if all(g == "Succeeded" for g in groups) else "InProgress"

    @property
    def end_time(self):
        now = self.now_of()
        if self.state(now) not in ("Succeeded", "Failed"):
            return None
        return max(job.end_time for group in self.children for job in group)

    def hold(self, now, at_start=False):  # pylint: disable=unused-argument  # Job's signature
        return False  # a plan job is held through its machines (/lab/hold on an item)

    def release(self, now):  # pylint: disable=unused-argument  # Job's signature
        return None

    def _child_task(self, job, now):
        view = job.view(now)["properties"]
        return dict(taskId=str(uuid.uuid5(uuid.NAMESPACE_OID, "%s/%s" % (self.id, job.id))), name="ReplicationProtectedItemTask",
                    friendlyName="%s: %s" % (view["friendlyName"] or job.friendly_name, job.target_name), state=view["state"],
                    stateDescription=view["stateDescription"], startTime=view["startTime"], endTime=view["endTime"], allowedActions=[],
                    taskType="JobTaskDetails", errors=view["errors"], groupTaskCustomDetails=None,
                    customDetails=dict(instanceType="JobTaskDetails", jobTask=dict(
                        jobId=job.id_path, jobFriendlyName=job.friendly_name, targetObjectId=job.target_id, targetObjectName=job.target_name,
                        targetInstanceType="ProtectionEntity", jobScenarioName=job.scenario_name)))

    def _group_task(self, index, now):
        state = self._group_state(index, now)
        children = self.children[index] if index < len(self.children) else []
        starts = [c.created for c in children]
        ends = [c.end_time for c in children]
        ended = state in ("Succeeded", "Failed") and all(ends)
        pending = [dict(taskId=str(uuid.uuid5(uuid.NAMESPACE_OID, "%s/%d/%s" % (self.id, index, item.name))), name="ReplicationProtectedItemTask",
                        friendlyName="%s: %s" % (self.friendly_name, item.machine.name), state="NotStarted", stateDescription="NotStarted",
                        startTime=None, endTime=None, allowedActions=[], taskType="TaskDetails", errors=[], groupTaskCustomDetails=None,
                        customDetails=dict(instanceType="TaskDetails")) for item in self.groups[index]]
        child_tasks = [self._child_task(c, now) for c in children] if children else pending
        return dict(taskId=str(uuid.uuid5(uuid.NAMESPACE_OID, "%s/group/%d" % (self.id, index))), name="RecoveryPlanGroupTask",
                    friendlyName="Group %d: %s" % (index + 1, self.friendly_name), state=state,
                    stateDescription={"Succeeded": "Completed"}.get(state, state), startTime=iso(min(starts)) if starts else None,
                    endTime=iso(max(ends)) if ended else None, allowedActions=[], taskType="GroupTaskDetails", errors=[],
                    customDetails=dict(instanceType="TaskDetails"),
                    groupTaskCustomDetails=dict(instanceType="RecoveryPlanGroupTaskDetails", name="Group %d" % (index + 1), groupId=str(index + 1),
                                                rpGroupType="Boot", childTasks=child_tasks))

    def view(self, now):
        state = self.state(now)
        end = self.end_time if state in ("Succeeded", "Failed") else None
        failed = [c for group in self.children for c in group if c.state(now) == "Failed"]
        protected = []
        for group in self.children:
            for child in group:
                protected.extend(child.details.get("protectedItemDetails") or [])
        details = dict(instanceType=self.details_type, **self.details)
        if protected:
            details["protectedItemDetails"] = protected
        properties = dict(
            activityId="%s ActivityId: %s" % (self.id, uuid.uuid5(uuid.NAMESPACE_OID, self.id)), scenarioName=None, friendlyName=None,
            state=state, stateDescription={"Succeeded": "Completed"}.get(state, state), tasks=[], errors=[], startTime=iso(self.created),
            endTime=iso(end) if end else None, allowedActions=["Restart"] if state == "Failed" else [], targetObjectId=self.target_id,
            targetObjectName=self.target_name, targetInstanceType="RecoveryPlan", customDetails=details)
        if state != "NotStarted":
            properties.update(scenarioName=self.scenario_name, friendlyName=self.friendly_name,
                              tasks=[self._group_task(i, now) for i in range(len(self.groups))])
        if state == "Failed":
            properties["errors"] = [e for c in failed for e in c.view(now)["properties"]["errors"]]
        return dict(id=self.id_path, name=self.id, type="Microsoft.RecoveryServices/vaults/replicationJobs", properties=properties)

    def operation_status(self, now):
        state = self.state(now)
        status = {"NotStarted": "InProgress", "Suspended": "InProgress"}.get(state, state)
        end = self.end_time if state in ("Succeeded", "Failed") else None
        error = None
        if state == "Failed":
            error = dict(code="RecoveryPlanGroupFailed", message="A machine of the recovery plan's group failed; see the job's tasks.")
        return dict(error=error, id=None, name=self.id, properties=None, status=status, startTime=iso(self.created),
                    endTime=iso(end) if end else None, percentComplete=None)
