"""ASR jobs: a plan of tasks on the lab's clock, read back in ASR's shape at any moment.

A job's state is derived from the time: NotStarted for a moment (ASR's first
poll often shows it, with no scenario and no tasks), then each task in turn,
then Succeeded, or Failed at the task a fault names, or InProgress for ever
(a job that never ends). The time is the job's own clock, which stands
still while the job is held (control API /lab/hold) or suspended; what follows
starts later by as much and keeps its duration. What the job does to the vault happens once, when
the lab first notices the job has ended (:meth:`JobBook.advance`, called
before every request is answered).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import threading
import typing
import uuid

from .clock import iso

QUEUED_AZURE_SECONDS = 2


@dataclasses.dataclass
class TaskPlan:
    """One step of a job: ASR's task name, its text, and how long it takes in Azure."""

    name: str
    friendly_name: str
    azure_seconds: float
    skipped: bool = False


@dataclasses.dataclass
class JobFault:
    """A job that fails at task ``fail_at`` with ``error`` (ASR ServiceError), never ends, or suspends at a task until resumed."""

    fail_at: typing.Optional[int] = None
    error: typing.Optional[dict] = None
    never_ends: bool = False
    suspend_at: typing.Optional[int] = None


@dataclasses.dataclass
class Job:  # pylint: disable=too-many-instance-attributes
    """A job and its outcome."""

    vault_id: str
    item_id: str  # the ARM id of the item the job works on
    scenario_name: str
    friendly_name: str
    target_id: str
    target_name: str
    details_type: str
    tasks: list
    created: datetime.datetime
    scale: float
    on_success: typing.Optional[typing.Callable] = None
    on_failure: typing.Optional[typing.Callable] = None
    fault: JobFault = dataclasses.field(default_factory=JobFault)
    details: dict = dataclasses.field(default_factory=dict)
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    action: str = ""  # the item action (or updateVmProperties) that started the job
    finalized: bool = False
    cancellable: bool = False
    cancelled_at: typing.Optional[datetime.datetime] = None
    cancelled_clock: typing.Optional[datetime.datetime] = None  # the job's clock when it was cancelled
    holds: list = dataclasses.field(default_factory=list)  # (job-clock moment, real length) of each hold or suspension that ended
    held_at: typing.Optional[datetime.datetime] = None  # the job-clock moment a hold of the control API keeps the job at
    resumed: bool = False

    def _at(self, azure_seconds):
        return self.created + datetime.timedelta(seconds=azure_seconds * self.scale)

    def _schedule(self):
        """(start, end) of each task on the job's clock; None for tasks after a failure."""
        elapsed = QUEUED_AZURE_SECONDS
        spans = []
        for index, task in enumerate(self.tasks):
            if self.fault.fail_at is not None and index > self.fault.fail_at:
                spans.append(None)
                continue
            length = 0 if task.skipped else task.azure_seconds
            spans.append((self._at(elapsed), self._at(elapsed + length)))
            elapsed += length
        return spans

    # ---- the job's own clock: real time less the time it was held -------------------------------
    def _unheld(self, now):
        return now - sum((hold[1] for hold in self.holds), datetime.timedelta(0))

    def _stops(self):
        """Job-clock moments the job's clock cannot pass now: a hold, a suspension not yet resumed."""
        stops = [] if self.held_at is None else [self.held_at]
        if self.fault.suspend_at is not None and not self.resumed:
            stops.append(self._schedule()[self.fault.suspend_at][0])
        return stops

    def clock(self, now):
        """The job's clock at real time ``now``: it stands still while the job is held or suspended."""
        return min([self._unheld(now)] + self._stops())

    def _real(self, moment):
        """The real time at which the job's clock showed ``moment`` (every hold before it shifts it)."""
        return moment + sum((length for at, length in self.holds if at < moment), datetime.timedelta(0))

    def _release(self, now, stop):
        """The clock goes on from ``stop``: the time spent there is a hold; later tasks keep their durations."""
        self.holds.append((stop, max(datetime.timedelta(0), self._unheld(now) - stop)))

    def hold(self, now, at_start=False):
        """Keep the job at its current task (a job not started yet: at its first task) until :meth:`release`.

        ``at_start``: the job is being booked (a recovery plan's group may book its machines' jobs from a moment past):
        it stays at its first task. False when the job has ended (or was cancelled): there is nothing to hold."""
        if at_start:
            self.held_at = self._at(QUEUED_AZURE_SECONDS)
            return True
        if self.cancelled_at is not None or self.state(now) in ("Succeeded", "Failed"):
            return False
        if self.held_at is None:
            self.held_at = max(self.clock(now), self._at(QUEUED_AZURE_SECONDS))
        return True

    def release(self, now):
        if self.held_at is not None:
            self._release(now, self.held_at)
            self.held_at = None

    def suspended(self, now):
        """True while the job waits at its suspend task for a resume."""
        at = self.fault.suspend_at
        return at is not None and not self.resumed and self.cancelled_at is None and self.clock(now) >= self._schedule()[at][0]

    def resume(self, now):
        self._release(now, self._schedule()[self.fault.suspend_at][0])
        self.resumed = True

    def cancel(self, now):
        self.cancelled_at, self.cancelled_clock = now, self.clock(now)
        self.finalized = True  # a cancelled job changes nothing

    def _clock_end(self):
        spans = [s for s in self._schedule() if s]
        return spans[-1][1] if spans else self._at(QUEUED_AZURE_SECONDS)

    @property
    def end_time(self):
        """When the job ends; None when it never does (or not yet known: held, suspended)."""
        if self.cancelled_at is not None:
            return self.cancelled_at
        if self.fault.never_ends or self._stops():
            return None
        return self._real(self._clock_end())

    def state(self, now):
        if self.cancelled_at is not None:
            return "Cancelled"
        if self.suspended(now):
            return "Suspended"
        clock = self.clock(now)
        if clock < self._at(QUEUED_AZURE_SECONDS):
            return "NotStarted"
        if self.fault.never_ends or clock < self._clock_end():
            return "InProgress"
        return "Failed" if self.fault.fail_at is not None else "Succeeded"

    @property
    def id_path(self):
        return "%s/replicationJobs/%s" % (self.vault_id, self.id)

    def _error_entries(self, task_id, moment):
        error = dict(code="499", message="An internal error occurred.", possibleCauses="", recommendedAction="", activityId=self.id)
        error.update(self.fault.error or {})
        return [dict(serviceErrorDetails=error, providerErrorDetails=None, errorLevel="Error", creationTime=iso(moment), taskId=task_id)]

    def _task_id(self, index):
        return str(uuid.uuid5(uuid.NAMESPACE_OID, "%s/%d" % (self.id, index)))

    def _task_view(self, index, task, span, now):  # pylint: disable=too-many-branches
        task_id = self._task_id(index)
        view = dict(taskId=task_id, name=task.name, friendlyName=task.friendly_name, allowedActions=[], taskType="TaskDetails",
                    customDetails=dict(instanceType="TaskDetails"),
                    groupTaskCustomDetails=None, errors=[], startTime=None, endTime=None)
        clock, cancelled = self.clock(now), self.cancelled_clock
        started, ended = (self._real(span[0]), self._real(span[1])) if span else (None, None)
        if span is None or (cancelled is not None and cancelled < span[0]):
            view.update(state="NotStarted", stateDescription="NotStarted")
        elif cancelled is not None and cancelled < span[1]:
            view.update(state="Cancelled", stateDescription="Cancelled", startTime=iso(started), endTime=iso(self.cancelled_at))
        elif self.fault.suspend_at == index and self.suspended(now):
            view.update(state="Suspended", stateDescription="Suspended", startTime=iso(started))
        elif self.fault.suspend_at is not None and not self.resumed and index > self.fault.suspend_at:
            view.update(state="NotStarted", stateDescription="NotStarted")
        elif task.skipped and clock >= span[0]:
            # ASR reports a skipped task as state Other, description Skipped (recorded).
            view.update(state="Other", stateDescription="Skipped", startTime=iso(started), endTime=iso(ended))
        elif clock < span[0]:
            view.update(state="NotStarted", stateDescription="NotStarted")
        elif self.fault.fail_at == index and clock >= span[1]:
            view.update(state="Failed", stateDescription="Failed", startTime=iso(started), endTime=iso(ended),
                        errors=self._error_entries(task_id, ended))
        elif clock < span[1] or (self.fault.never_ends and index == len(self.tasks) - 1):
            view.update(state="InProgress", stateDescription="InProgress", startTime=iso(started))
        else:
            view.update(state="Succeeded", stateDescription="Completed", startTime=iso(started), endTime=iso(ended))
        return view

    def view(self, now):
        """The job as GET replicationJobs/{id} answers it at ``now``."""
        state = self.state(now)
        properties = dict(
            activityId="%s ActivityId: %s" % (self.id, uuid.uuid5(uuid.NAMESPACE_OID, self.id)),
            scenarioName=None, friendlyName=None, state=state, stateDescription=state, tasks=[], errors=[],
            startTime=iso(self.created), endTime=None, allowedActions=[], targetObjectId=self.target_id,
            targetObjectName=self.target_name, targetInstanceType="ProtectionEntity",
            customDetails=dict(instanceType=self.details_type, **self.details),
        )
        if state != "NotStarted":
            spans = self._schedule()
            properties.update(scenarioName=self.scenario_name, friendlyName=self.friendly_name,
                              tasks=[self._task_view(i, t, s, now) for i, (t, s) in enumerate(zip(self.tasks, spans))])
        if state in ("Succeeded", "Failed", "Cancelled"):
            properties["endTime"] = iso(self.end_time)
            properties["stateDescription"] = {"Succeeded": "Completed"}.get(state, state)
        if state == "Suspended":
            properties["allowedActions"] = ["Resume"]
        elif state in ("NotStarted", "InProgress") and self.cancellable:
            properties["allowedActions"] = ["Cancel"]
        if state == "Failed":
            failed = self.fault.fail_at
            properties["errors"] = self._error_entries(self._task_id(failed), self.end_time)
            properties["allowedActions"] = ["Restart"]
        return dict(id=self.id_path, name=self.id, type="Microsoft.RecoveryServices/vaults/replicationJobs", properties=properties)

    def operation_status(self, now):
        """The job as replicationOperationStatus answers it."""
        state = self.state(now)
        # Azure's long-running-operation statuses: a suspended job is still in progress; "Canceled" is spelt so.
        status = {"NotStarted": "InProgress", "Suspended": "InProgress", "Cancelled": "Canceled"}.get(state, state)
        end = self.end_time if state in ("Succeeded", "Failed", "Cancelled") else None
        error = None
        if state == "Failed":
            detail = self._error_entries(None, end)[0]["serviceErrorDetails"]
            error = dict(code=detail["code"], message=detail["message"])
        return dict(error=error, id=None, name=self.id, properties=None, status=status, startTime=iso(self.created),
                    endTime=iso(end) if end else None, percentComplete=None)


class JobBook:
    """The vault's jobs, and the one lock that keeps the lab's state consistent."""

    def __init__(self, clock):
        self.clock = clock
        self.jobs = {}
        self.lock = threading.RLock()

    def start(self, job):
        self.jobs[job.id] = job
        return job

    def get(self, job_id):
        return self.jobs.get(job_id.lower()) or next((j for j in self.jobs.values() if j.id.lower() == job_id.lower()), None)

    @contextlib.contextmanager
    def settled(self):
        """The lab's state at one moment: the lock held, the clock still (Clock.instant), every ended job applied."""
        with self.lock, self.clock.instant():
            self.advance()
            yield

    def advance(self):
        """Apply the outcome of every job that has ended, oldest end first, once."""
        now = self.clock.now()
        for job in list(self.jobs.values()):
            if hasattr(job, "step") and not job.finalized:
                job.step(now)  # a recovery plan's job starts its next group's machines (plan_jobs.py)
        ended = [j for j in self.jobs.values() if not j.finalized and j.end_time is not None and j.end_time <= now]
        for job in sorted(ended, key=lambda j: j.end_time):
            job.finalized = True
            outcome = {"Succeeded": job.on_success, "Failed": job.on_failure}.get(job.state(now))
            if outcome:
                outcome(job)

    def running_on(self, target_id):
        """``target_id``: the item's ARM id."""
        """The job still running on an item, if any."""
        now = self.clock.now()
        for job in self.jobs.values():
            if job.item_id.lower() == target_id.lower() and job.state(now) in ("NotStarted", "InProgress", "Suspended"):
                return job
        return None
