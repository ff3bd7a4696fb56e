# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet engine: the failover to Azure, the validation and the commit of many machines in one process (docs/fleet.md).

Private to the collection. Used by the controller-side action ``asr_fleet``. The vault's items are listed once per phase; each
machine's stage is decided from ``next_stages`` (the cycle, _asr_state.CYCLE); the preflight reads what is per region once per run
(SharedPreflightReads); each machine's write goes out through a bounded pool the moment it is decided, through the same
ItemAction as the modules (idempotence, attaching to a running job, no blind resend); then every job is followed with one list
of the vault's jobs per interval (FleetFollower). The built-in VM checks run on threads too (_vm_check).
"""

from __future__ import annotations

import concurrent.futures
import threading
import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction, Overtaken
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import PlanAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import RECOVERY_POINT_CHOICES, STAGE_NAMES, STAGES, stages_after
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_summary import stage_record, state_words
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._failover_task import (
    committed_already,
    failover_request,
    send_failover,
    there_already,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet_follow import FleetFollower
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet_plan import children, members_out, plan_options, refusal
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_azure import SharedPreflightReads
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_task import preflight_of
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway
from ansible_collections.siterecovery.vmware.plugins.module_utils._vm_check import validate_facts

# The stages each phase of the engine runs, in the cycle's order.
PHASES = {"failover": ("failover_to_azure", "validate_recovery"), "commit": ("commit_failover",)}
# The stages check mode shows from the failover phase: the commit phase sends writes only.
CHECK_STAGES = ("failover_to_azure", "validate_recovery", "commit_failover")
# The options of asr_fleet (its action plugin and its documentation stub), beside the Azure and vault ones.
ARGUMENT_SPEC = dict(
    stage=dict(type="str", required=True, choices=list(PHASES)),
    machines=dict(type="list", elements="dict", required=True, options=dict(host=dict(type="str", required=True), name=dict(type="str"))),
    recovery_point=dict(type="str", default="latest", choices=list(RECOVERY_POINT_CHOICES)),
    recovery_point_id=dict(type="str"),
    shutdown_source=dict(type="bool", default=False),
    preflight=dict(type="bool", default=True),
    rpo_threshold=dict(type="int", default=30),
    preflight_fail_on_warning=dict(type="bool", default=False),
    validation_port=dict(type="int", default=0),
    validation_timeout=dict(type="int", default=600),
    writers=dict(type="int", default=16),
    wait_timeout=WAIT_SPEC["wait_timeout"],
    wait_sleep=WAIT_SPEC["wait_sleep"],
    wait_timeout_name=dict(type="str", default="wait_timeout"),
    recovery_plan=dict(type="str"),
    plan_commit_others=dict(type="bool", default=False),
    plan_commit_others_name=dict(type="str", default="plan_commit_others"),
    plan_members_out=dict(type="dict", default={}),
)
REQUIRED_IF = [("recovery_point", "custom", ["recovery_point_id"])]
MAX_WRITERS = 64


def fleet_problems(params):
    """What is wrong with the options of asr_fleet, before any request."""
    problems = []
    hosts = [m["host"] for m in params["machines"]]
    if not hosts:
        problems.append("machines is empty: give the play's machines ({host, name})")
    if len(set(hosts)) != len(hosts):
        problems.append("machines names a host more than once: %s" % ", ".join(sorted({h for h in hosts if hosts.count(h) > 1})))
    if not 1 <= params["writers"] <= MAX_WRITERS:
        problems.append("writers must be 1 to %d (got %d)" % (MAX_WRITERS, params["writers"]))
    if params["rpo_threshold"] < 1:
        problems.append("rpo_threshold must be 1 minute or more, not %d" % params["rpo_threshold"])
    if not 0 <= params["validation_port"] <= 65535:
        problems.append("validation_port must be 0 (the OS's port) to 65535 (got %d)" % params["validation_port"])
    if params["validation_timeout"] < 0:
        problems.append("validation_timeout must be 0 or more (got %d)" % params["validation_timeout"])
    if params.get("recovery_plan") and params["recovery_point"] == "custom":
        problems.append("recovery_plan %s takes no custom recovery point (a plan's inputs take latest, latest_processed, latest_app_consistent "
                        "or latest_crash_consistent)" % params["recovery_plan"])
    return problems


def title(stage):
    return STAGES[STAGE_NAMES.index(stage)]["title"]


def reason_of(host, facts):
    """Where the machine stands, as begin.yml says it: place, stage, state in words, next step."""
    state = dict(running_in=facts["running_in"], stage=facts["stage"], forward=facts["replicates_to_azure"],
                 job=(facts["current_job"] or {}).get("scenario"))
    return "%s runs in %s, stage %s (%s); next step: %s" % (host, facts["running_in"], facts["stage"], state_words(state), facts["next_step"])


def plan(facts, stages, check_mode=False):
    """[{stage, todo, following}] for ``stages`` in order, decided from the item's next_stages.

    ``following``: the stage's job runs already (it is followed, its checks are not made again). In check mode a stage that
    would run leaves the machine where the cycle says, and the next stages are decided from there (stages_after), as the roles do."""
    current, busy, decided = list(facts["next_stages"]), facts["stage"] == "busy", []
    for stage in stages:
        todo = stage in current
        decided.append(dict(stage=stage, todo=todo, following=todo and busy))
        if todo and check_mode:
            current, busy = stages_after(stage), False
    return decided


def record(stage, todo, reason, job=None, error=None, seconds=0.0, extra=None):  # pylint: disable=too-many-arguments
    """One stage of one machine as the engine hands it to the play (roles/asr/tasks/fleet_record.yml records it with finish.yml)."""
    return dict(stage=stage, title=title(stage), todo=todo, reason=reason, job=job, error=error, seconds=round(seconds, 1), extra=extra or {})


class Fleet:  # pylint: disable=too-many-instance-attributes
    """One phase (``failover`` or ``commit``) of the machines ``params["machines"]`` ({host, name}); run() gives the task's result."""

    def __init__(self, asr, progress=None, clock=time.monotonic, pause=time.sleep):
        self.asr = asr
        self.params = asr.params
        self.clock = clock
        self.pause = pause
        self.vault = VaultGateway.of(asr)
        self.reads = SharedPreflightReads(asr)
        self._lock = threading.Lock()
        self._progress = progress
        self.machines = {}  # host -> {name, item, facts, stages: [record], error}
        self.item_lists = 0
        self.job_lists = 0
        self.single_job_reads = 0

    def say(self, line):
        if self._progress:
            with self._lock:
                self._progress(line)

    def list_items(self):
        with self.asr.step("listing the replicated items of vault %s" % self.asr.vault_name):
            self.item_lists += 1
            return self.vault.items()

    def run(self):
        started = self.clock()
        items = self.list_items()
        for entry in self.params["machines"]:
            host = entry["host"]
            machine = self.machines[host] = dict(name=entry.get("name") or host, item=None, facts=None, stages=[], error=None)
            try:
                machine["item"] = self.vault.find(machine["name"], items=items)
                machine["facts"] = item_facts(machine["item"])
            except SiteRecoveryError as error:
                machine["error"] = error.message
        if self.params["stage"] == "commit":
            self.commit_phase()
        else:
            self.failover_phase()
        return self.result(self.clock() - started)

    def pool(self, work, hosts):
        """Run ``work(host)`` for each host, ``writers`` at once; an unexpected SiteRecoveryError fails that machine only."""
        def guarded(host):
            try:
                work(host)
            except SiteRecoveryError as error:
                self.machines[host]["error"] = error.message
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(self.params["writers"], len(hosts) or 1))) as pool:
            list(pool.map(guarded, hosts))

    def ready(self):
        return [h for h, m in self.machines.items() if m["error"] is None]

    # The failover phase: preflight, failover, follow, validate.
    def failover_phase(self):
        check = self.asr.check_mode
        to_follow, labels, starts, began = {}, {}, [], {}

        def start(host):
            machine = self.machines[host]
            facts = machine["facts"]
            decided = plan(facts, CHECK_STAGES if check else PHASES["failover"], check)
            machine["plan"] = decided
            first = decided[0]
            reason = reason_of(host, facts)
            if check:
                machine["stages"] = [record(d["stage"], d["todo"], reason) for d in decided]
                self.say("%s: %s" % (host, "; ".join("%s: %s" % (title(d["stage"]), "would be done" if d["todo"] else "nothing to do")
                                                     for d in decided)))
                return
            job_id = self.begin(host, "failover_to_azure", first, reason, began, starts)
            if job_id is False:
                return
            machine["reason"] = reason
            if self.params["recovery_plan"]:  # checked here (a job of the plan running already: followed, no check), sent below
                if job_id is not None or self.preflight(host):
                    members.append(host)
                return
            if job_id is None:
                job_id = self.send_failover(host, reason)
                if job_id is None:
                    return
            to_follow[host] = job_id
            labels[host] = "%s: %s" % (host, title("failover_to_azure"))

        members = []
        self.pool(start, self.ready())
        if check:
            if self.params["recovery_plan"]:
                self.say("recovery plan %s: would run its failover, then its commit, one job each for %s" % (
                    self.params["recovery_plan"], ", ".join(self.machines)))
            return
        if self.params["recovery_plan"]:
            self.plan_stage("failover_to_azure", members, began)
        else:
            self.follow_jobs("failover_to_azure", to_follow, labels, starts, began)
        self.validate_phase()

    def begin(self, host, stage, decided, reason, began, starts):  # pylint: disable=too-many-arguments
        """The start of a machine's stage: False when it is not to do (recorded), the id of its running job when it is followed,
        None when its write is to be sent."""
        machine = self.machines[host]
        if not decided["todo"]:
            machine["stages"].append(record(stage, False, reason))
            return False
        began[host] = self.clock()
        if not decided["following"]:
            return None
        current = machine["facts"]["current_job"]
        starts.append(current["start_time"])
        self.say("%s: %s: job %s, started earlier, is followed" % (host, title(stage), current["id"]))
        return current["id"]

    def check_ready(self, host):
        """The preflight of the machine (when asked): SiteRecoveryError when it is not ready to fail over."""
        params = self.params
        if not params["preflight"]:
            return
        checks = preflight_of(self.asr, dict(before="failover", rpo_threshold=params["rpo_threshold"], target_vm_size=None, hostname=None),
                              self.vault, self.machines[host]["item"], self.reads)
        failing = [c for c in checks["checks"] if c["status"] == "fail" or (params["preflight_fail_on_warning"] and c["status"] == "warn")]
        for check in [c for c in checks["checks"] if c["status"] != "pass"]:
            self.say("%s: %s %s: %s (%s)" % (host, check["status"].upper(), check["name"], check["reason"], check["source"]))
        if failing or not checks["ready"]:
            raise SiteRecoveryError("%s is not ready to fail over; nothing was changed. %s" % (host, " ".join(c["reason"] for c in failing)),
                                    code="PreflightFailed")

    def failed(self, host, stage, error, reason=None, job=None):  # pylint: disable=too-many-arguments
        """Record ``stage`` of the machine as failed with ``error`` (a SiteRecoveryError or a message); the machine stops here."""
        machine = self.machines[host]
        message = error.message if isinstance(error, SiteRecoveryError) else error
        machine["stages"].append(record(stage, True, reason or machine.get("reason"), error=message, job=job or getattr(error, "job", None)))
        machine["error"] = "%s of %s failed: %s" % (title(stage), host, message)

    def plan_action(self, stage):
        """The recovery plan's operation of ``stage`` (it reads the plan and the vault's items)."""
        return PlanAction(self.asr, self.params["recovery_plan"], clock=self.clock, pause=self.pause, options=plan_options(self.params, stage))

    def plan_stage(self, stage, hosts, began, action=None):
        """The recovery plan's one job for ``hosts``, the members whose ``stage`` is to do and whose own checks passed; each member's
        own job in it, the plan job's child, is then followed and recorded as a machine's (_fleet_plan). ``action``: the plan's
        operation when it was read already."""
        name = self.params["recovery_plan"]
        if not hosts:
            return
        try:
            action = action or self.plan_action(stage)
        except SiteRecoveryError as error:
            for host in hosts:
                self.failed(host, stage, error)
            return
        out = members_out(action.members, self.machines, self.params["plan_members_out"])
        if out:
            others = self.params["plan_commit_others_name"] if stage == "commit_failover" else None
            for host in [h for h in hosts if h not in out]:
                self.failed(host, stage, refusal(host, stage, name, out, others))
            return
        try:
            outcome = action.run(progress=self.say)
        except SiteRecoveryError as error:
            for host in hosts:
                self.failed(host, stage, "recovery plan %s: %s" % (name, error.message), job=error.job)
            return
        job = outcome.get("job")
        if job is None:  # done already, or another run took the stage between the read and the request: nothing was sent
            for host in hosts:
                self.machines[host]["stages"].append(record(stage, False, "recovery plan %s: %s" % (name, outcome.get("msg"))))
            return
        found = children(job, self.machines, hosts)
        for host in [h for h in hosts if h not in found]:
            self.failed(host, stage, "recovery plan %s: its job %s names no job of %s" % (name, job["id"], host), job=job)
        self.follow_jobs(stage, found, {h: "%s: %s" % (h, title(stage)) for h in found}, [job["start_time"]], began)

    def preflight(self, host):
        """A plan member's preflight: True when it is ready (its failover is the plan's), else its stage is recorded as failed."""
        try:
            self.check_ready(host)
        except SiteRecoveryError as error:
            self.failed(host, "failover_to_azure", error)
            return False
        return True

    def send_failover(self, host, reason):
        """The preflight of the machine, then its failover's POST; the job id, or None when the stage ended here (recorded)."""
        machine = self.machines[host]
        params = self.params
        try:
            self.check_ready(host)
            action = ItemAction(self.asr, machine["name"], clock=self.clock, pause=self.pause, item=machine["item"])
            message = there_already(action, machine["facts"], "to_azure")
            if message:
                machine["stages"].append(record("failover_to_azure", False, message))
                return None
            verb, body = failover_request(action, dict(direction="to_azure", recovery_point=params["recovery_point"],
                                                       recovery_point_id=params["recovery_point_id"], shutdown_source=params["shutdown_source"]))
            job_id = send_failover(action, "to_azure", verb, body)
        except Overtaken as over:
            machine["stages"].append(record("failover_to_azure", False, str(over)))
            return None
        except SiteRecoveryError as error:
            self.failed(host, "failover_to_azure", error, reason)
            return None
        self.say("%s: %s: job %s started" % (host, title("failover_to_azure"), job_id))
        return job_id

    def follow_jobs(self, stage, to_follow, labels, starts, began):
        """Follow the jobs, then record each machine's stage: done with its job, or failed with the job's error."""
        params = self.params
        follower = FleetFollower(self.vault, self.asr.step, params["wait_timeout"], params["wait_sleep"], progress=self.say,
                                 clock=self.clock, pause=self.pause, timeout_option=params["wait_timeout_name"])
        outcomes = follower.follow(to_follow, labels, starts)
        self.job_lists += follower.lists
        self.single_job_reads += follower.single_reads
        for host, (facts, error) in outcomes.items():
            machine = self.machines[host]
            seconds = self.clock() - began[host]
            machine["stages"].append(record(stage, True, machine["reason"], job=facts, error=error.message if error else None, seconds=seconds))
            if error:
                machine["error"] = "%s of %s failed: %s" % (title(stage), host, error.message)

    def validate_phase(self):
        """The built-in checks of every recovered VM whose machine waits for its validation (a failover of this run or an earlier one)."""
        items = self.list_items()
        hosts = self.ready()
        for host in hosts:
            machine = self.machines[host]
            machine["item"] = self.vault.find(machine["name"], items=items)
            machine["facts"] = item_facts(machine["item"])
        params = self.params

        def check(host):
            machine = self.machines[host]
            facts = machine["facts"]
            reason = reason_of(host, facts)
            if "validate_recovery" not in facts["next_stages"]:
                machine["stages"].append(record("validate_recovery", False, reason))
                return
            began = self.clock()
            options = dict(vm="recovery", port=params["validation_port"] or None, wait_timeout=params["validation_timeout"],
                           wait_sleep=min(params["wait_sleep"], 5))
            outcome = validate_facts(self.asr, facts, options, clock=self.clock, pause=self.pause)
            validation = {k: outcome.get(k) for k in ("passed", "vm", "checks", "started", "answered_at", "seconds")}
            machine["stages"].append(record("validate_recovery", True, reason, error=outcome.get("msg"), seconds=self.clock() - began,
                                            extra=dict(validation=validation)))
            self.say("%s: %s: %s" % (host, title("validate_recovery"), "passed" if outcome["passed"] else outcome["msg"]))
            if not outcome["passed"]:
                machine["error"] = outcome["msg"]
                machine["validation_failed"] = True

        self.pool(check, hosts)

    # The commit phase.
    def commit_phase(self):
        to_follow, labels, starts, began = {}, {}, [], {}

        def start(host):
            machine = self.machines[host]
            facts = machine["facts"]
            reason = machine["reason"] = reason_of(host, facts)
            decided = plan(facts, PHASES["commit"])[0]
            job_id = self.begin(host, "commit_failover", decided, reason, began, starts)
            if job_id is False:
                return
            if self.params["recovery_plan"] and not by_items:
                members.append(host)  # the plan's commit, below
                return
            if job_id is None:
                job_id = self.send_commit(host, reason)
                if job_id is None:
                    return
            to_follow[host] = job_id
            labels[host] = "%s: %s" % (host, title("commit_failover"))

        members = []
        # With a plan, a member out of the run (its failover or validation failed) stops the plan's commit, unless the others are
        # committed machine by machine (plan_commit_others). The plan is read once: here when that is to be decided, else in plan_stage.
        action = None
        if self.params["recovery_plan"] and self.params["plan_commit_others"]:
            try:
                action = self.plan_action("commit_failover")
            except SiteRecoveryError:
                action = None  # the plan's commit says why (plan_stage)
        by_items = bool(action and members_out(action.members, self.machines, self.params["plan_members_out"]))
        self.pool(start, self.ready())
        if members:
            self.plan_stage("commit_failover", members, began, action)
        self.follow_jobs("commit_failover", to_follow, labels, starts, began)

    def send_commit(self, host, reason):
        """The commit's POST of the machine; the job id, or None when the stage ended here (recorded)."""
        machine = self.machines[host]
        action = ItemAction(self.asr, machine["name"], clock=self.clock, pause=self.pause, item=machine["item"])
        try:
            action.refuse_unless_allowed("failoverCommit")
            job_id = action.start("failoverCommit", done=lambda now: committed_already(action.name, now))
        except Overtaken as over:
            machine["stages"].append(record("commit_failover", False, str(over)))
            return None
        except SiteRecoveryError as error:
            self.failed(host, "commit_failover", error, reason)
            return None
        self.say("%s: %s: job %s started" % (host, title("commit_failover"), job_id))
        return job_id

    def result(self, seconds):
        check = self.asr.check_mode
        machines = {}
        for host, machine in self.machines.items():
            records = {}
            for entry in machine["stages"]:
                status = "failed" if entry["error"] else ("would run" if check else "done") if entry["todo"] else "skipped"
                extra = dict(entry["extra"])
                if entry["stage"] == "commit_failover":
                    extra.update(change_recovery_point=None, failover_time=(machine["facts"] or {}).get("last_failover_time"))
                records[entry["stage"]] = stage_record(entry["title"], status, entry["error"] or entry["reason"],
                                                       entry["job"] if entry["todo"] and not check else None,
                                                       entry["seconds"] if entry["todo"] else 0, extra)
            machines[host] = dict(item=machine["facts"], stages=records, error=machine["error"],
                                  validation_failed=machine.get("validation_failed", False))
        changed = any(s["todo"] for m in self.machines.values() for s in m["stages"])
        return dict(changed=changed, machines=machines, seconds=round(seconds, 1), item_lists=self.item_lists,
                    job_lists=self.job_lists, single_job_reads=self.single_job_reads, shared_reads=self.reads.reads)


def run_fleet(asr, progress=None, clock=time.monotonic, pause=time.sleep):
    """The task of ``asr_fleet``."""
    return Fleet(asr, progress=progress, clock=clock, pause=pause).run()
