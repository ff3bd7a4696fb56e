"""The lab's control API (``control_url``, loopback, no token): what tests and rehearsals steer.

GET  /lab/requests  every ARM request answered: time, method, path, status, seconds
GET  /lab/grants    every token the lab's Entra ID gave: time, client id, grant (secret, certificate, federated)
GET  /lab/state     each item's phase, provider, state and where it runs; the Azure VMs; pending faults
POST /lab/faults    faults for the next N matching requests or jobs (see HTTP_FAULTS and add_fault)
POST /lab/outage    {"seconds": 60}: ARM drops every request unanswered for that long (the control API stays up)
POST /lab/login     {"down": true}: Entra ID's discovery and token endpoints drop every request unanswered until {"down": false}
POST /lab/restart   {"down_seconds": 5}: the lab stops listening and closes every connection, then listens again on the
                    same port with its state kept (jobs went on meanwhile), as a service restarted behind its address
POST /lab/health    mark an item as needing a resync: {"item": "vm-win-01", "resync_required": true}
POST /lab/stage     put an item straight into a stage of the cycle: {"item": "vm-win-01", "stage": "committed"}
POST /lab/component a fabric component's health: {"kind": "process_server", "name": "cs-lab-01", "health": "Critical",
                    "heartbeat_minutes_ago": 30, "services_status": "Stopped", "free_space_percent": 10, "health_errors": [...]}
POST /lab/quota     vCPU limits of the region until a reset: {"standardDSv3Family": 0, "total": 10}
POST /lab/hold      {"item": "vm-win-01", "action": "unplannedFailover", "hold": true}: that item's job of that action ("*": any)
                    stays at its current task (a job it starts later: at its first task) until {"hold": false}
POST /lab/registration {"hold": true}: deployed process servers do not register until {"hold": false}
POST /lab/replicate {"item": "vm-lin-01", "minutes": 10}: the item has replicated for N more minutes since its last
                    reprotect or commit (its recovery points of that time exist now), instead of the test waiting for them
POST /lab/paging    {"page_size": 2}: compute usages and VM sizes answer in pages with nextLink ($skiptoken); 0 or null: one page
POST /lab/reset     back to the scenario's start (items, jobs, Azure VMs, faults; on-premises VMs powered on)
GET  /lab/throttle  ARM's token buckets (asrlab/throttle.py): size, refill per second, tokens left, requests taken and throttled
POST /lab/throttle  {"writes": {"size": 1, "refill_per_second": 0.2}, "reads": ..., "deletes": ..., "enabled": false,
                    "advance_seconds": 30}: a kind's bucket (full again), throttling off or on, the buckets' clock moved on
GET  /lab/jobs      every job the vault has run: id, item (machine), action, scenario, state, start and end
POST /lab/gate      {"method": "POST", "path": "unplannedFailover", "hold": true}: matching ARM requests wait, before they are
                    handled, until {"hold": false} (all at once) or {"let_go": 1} (the oldest); GET /lab/gate names those waiting
"""

from __future__ import annotations

import datetime
import re
import socket
import threading
import time

from flask import Blueprint, current_app, jsonify, request

from .clock import iso
from .cycle import OPERATION_OF_ACTION, PHASES
from .fabrics import set_component_state
from .throttle import parse as parse_throttle

blueprint = Blueprint("control", __name__, url_prefix="/lab")
HTTP_FAULTS = ("400", "429", "500", "503", "504", "drop", "drop_after")
# The faults that can come after the request was handled ("after": true): the write took effect, the answer is this error.
AFTER_FAULTS = ("500", "503", "504")
STAGES = ("protected", "failed_over", "committed", "reprotected", "failed_back", "failback_committed")


# How long a request waits at a closed gate at most: a gate a test forgot does not hold the lab's threads for ever.
GATE_MAX_SECONDS = 600
KEEP_ALIVE_SECONDS = 60  # how often a request held at the gate gets an interim "100 Continue"


class Gate:
    """ARM requests kept waiting before they are handled, until the gate opens or lets them go one by one (POST /lab/gate)."""

    def __init__(self):
        self.condition = threading.Condition()
        self.rule = None  # (method, compiled path regex) while closed
        self.waiting = []  # [method, path] of each request waiting now, oldest first
        self.let_through = []  # the waiting entries let go while the gate stays closed
        self.keep_alive_seconds = KEEP_ALIVE_SECONDS

    def _closed_for(self, method, path):
        return self.rule is not None and self.rule[0] in ("*", method) and self.rule[1].search(path)

    def close(self, method, pattern, keep_alive_seconds=None):
        with self.condition:
            self.rule = (method, re.compile(pattern, re.IGNORECASE))
            self.keep_alive_seconds = KEEP_ALIVE_SECONDS if keep_alive_seconds is None else keep_alive_seconds

    def open(self):
        with self.condition:
            self.rule = None
            self.condition.notify_all()

    def pass_through(self, method, path, keep_alive=None):
        """Return at once when the gate is open for this request; else when it opens (or after GATE_MAX_SECONDS).

        While it waits, ``keep_alive()`` is called every ``keep_alive_seconds``: the held client hears from the lab, so its
        read timeout (azure-core's is 300 s) does not end a request the test holds longer than that."""
        with self.condition:
            if not self._closed_for(method, path):
                return
            entry = [method, path]
            self.waiting.append(entry)
            deadline = time.monotonic() + GATE_MAX_SECONDS
            heard = time.monotonic()
            while self._closed_for(method, path) and not any(e is entry for e in self.let_through) and time.monotonic() < deadline:
                self.condition.wait(timeout=min(1, self.keep_alive_seconds))
                if keep_alive is not None and time.monotonic() - heard >= self.keep_alive_seconds:
                    keep_alive()
                    heard = time.monotonic()
            self.waiting = [e for e in self.waiting if e is not entry]
            self.let_through = [e for e in self.let_through if e is not entry]

    def let_go(self, count):
        """Let the ``count`` oldest waiting requests go; the gate stays closed for the others. How many were let go."""
        with self.condition:
            chosen = [e for e in self.waiting if not any(e is t for t in self.let_through)][:count]
            self.let_through.extend(chosen)
            self.condition.notify_all()
            return len(chosen)

    def view(self):
        with self.condition:
            return dict(closed=self.rule is not None, method=self.rule[0] if self.rule else None,
                        path=self.rule[1].pattern if self.rule else None, waiting=[list(w) for w in self.waiting])


def _bad(message):
    response = jsonify(error=message)
    response.status_code = 400
    return response


def _item(vault, body):
    """The item a control call names by machine or item name; None when there is none."""
    return next((i for i in vault.items.values() if body.get("item") in (i.machine.name, i.name)), None)


@blueprint.route("/requests")
def requests_made():
    return jsonify(current_app.config["REQUESTS"])


@blueprint.route("/grants")
def grants():
    return jsonify(current_app.config["TOKENS"].grants())


@blueprint.route("/state")
def state():
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    with jobs.settled():
        now = vault.clock.now()
        items = {}
        for item in vault.items.values():
            phase = item.state
            running = jobs.running_on(item.id)
            items[item.machine.name] = dict(name=item.name, phase=item.phase, provider=phase.provider,
                                            protection_state=phase.protection_state, active_location=phase.active_location,
                                            running_in=phase.running_in, azure_vm_id=item.azure_vm_id, job=running.id if running else None,
                                            agent_registered=item.agent_registered(now))
        return jsonify(scenario=vault.scenario.name, generation=vault.scenario.generation, time_scale=vault.clock.scale, items=items,
                       azure_vms=[dict(name=v["name"], power=v["power"], size=v["size"]) for v in vault.azure_vms.values()],
                       http_faults=current_app.config["HTTP_FAULTS"], job_faults=vault.job_faults, jobs=len(jobs.jobs))


@blueprint.route("/faults", methods=["POST"])
def add_fault():
    """{"kind": "400"|"429"|"500"|"503"|"504"|"drop"|"drop_after", "method": "POST", "path": "regex", "count": 1, "retry_after": 2,
    "error": {"code", "message", "possibleCauses", "recommendedAction"} (the body of a 400), "item": "vm-win-01" (only the
    requests whose path names that item or one of its jobs), "after": true (500, 503, 504: the request is handled first),
    "skip": 1 (the first N matching requests pass, the fault meets the next ones)}
    or {"kind": "job", "action": "unplannedFailover", "item": "vm-win-01", "fail_at_task": 3, "error": {...}, "count": 1}
    or {"kind": "job", "never_ends": true, ...} or {"kind": "job", "suspend_at_task": 1, ...} (Suspended until resumed).
    "drop" closes the connection before the request is handled,
    "drop_after" after (the write took effect, the answer is lost)."""
    fault = request.get_json(silent=True) or {}
    kind = str(fault.get("kind", ""))
    count = int(fault.get("count", 1))
    if count < 1:
        return _bad("count must be at least 1")
    if kind == "job":
        if fault.get("fail_at_task") is None and not fault.get("never_ends") and fault.get("suspend_at_task") is None:
            return _bad("a job fault needs fail_at_task, suspend_at_task or never_ends")
        entry = dict(action=fault.get("action", "*"), item=fault.get("item"), fail_at_task=fault.get("fail_at_task"),
                     suspend_at_task=fault.get("suspend_at_task"),
                     never_ends=bool(fault.get("never_ends")), error=fault.get("error"), count=count)
        current_app.config["VAULT"].job_faults.append(entry)
        return jsonify(entry), 201
    if kind not in HTTP_FAULTS:
        return _bad("kind must be one of %s, or job" % ", ".join(HTTP_FAULTS))
    try:
        re.compile(fault.get("path", ".*"))
    except re.error as exc:
        return _bad("path is not a regular expression: %s" % exc)
    after = bool(fault.get("after"))
    if after and kind not in AFTER_FAULTS:
        return _bad("after applies to %s only (drop_after is the dropped answer)" % ", ".join(AFTER_FAULTS))
    item = None
    if fault.get("item") is not None:
        vault = current_app.config["VAULT"]
        found = _item(vault, fault)
        if found is None:
            return _bad("no item %r (items: %s)" % (fault.get("item"), ", ".join(i.machine.name for i in vault.items.values())))
        item = found.machine.name
    entry = dict(kind=kind, method=str(fault.get("method", "*")).upper(), path=fault.get("path", ".*"), count=count,
                 retry_after=int(fault.get("retry_after", 1)), error=fault.get("error"), item=item, after=after,
                 skip=int(fault.get("skip", 0)))
    current_app.config["HTTP_FAULTS"].append(entry)
    return jsonify(entry), 201


_JOB_PATH = re.compile(r"/(?:replicationJobs|replicationOperationStatus|operationresults)/([^/?]+)", re.IGNORECASE)


def _names_item(path, machine):
    """True when ``path`` names the item of ``machine`` or one of its jobs."""
    vault = current_app.config["VAULT"]
    item = next((i for i in vault.items.values() if i.machine.name == machine), None)
    if item is None:
        return False
    if "/replicationprotecteditems/%s" % item.name.lower() in path.lower():
        return True
    found = _JOB_PATH.search(path)
    job = current_app.config["JOBS"].get(found.group(1)) if found else None
    return job is not None and job.item_id.lower() == item.id.lower()


def take_http_fault(method, path):
    """The first pending HTTP fault matching a request (its path, or its path and query: ``$skiptoken=4``), used up by one; or None."""
    faults = current_app.config["HTTP_FAULTS"]
    query = request.query_string.decode("utf-8", "replace")
    for fault in faults:
        if fault["method"] in ("*", method) and (re.search(fault["path"], path, re.IGNORECASE)
                                                 or re.search(fault["path"], path + "?" + query, re.IGNORECASE)) \
                and (fault.get("item") is None or _names_item(path, fault["item"])):
            if fault.get("skip", 0) > 0:  # this one passes: the fault is for a later one
                fault["skip"] -= 1
                continue
            fault["count"] -= 1
            if fault["count"] <= 0:
                faults.remove(fault)
            return fault
    return None


def interim_continue():
    """An interim "HTTP/1.1 100 Continue" on the client's connection: http.client reads past it to the real answer, and
    the client's read timeout starts again."""
    raw = request.environ.get("werkzeug.socket")
    if raw is not None:
        try:
            raw.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        except OSError:
            pass


def drop_connection():
    """Close the client's connection without an answer, as a dropped network would."""
    raw = request.environ.get("werkzeug.socket")
    if raw is not None:
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raw.close()
    raise ConnectionAbortedError("lab fault: connection dropped")


@blueprint.route("/login", methods=["POST"])
def login():
    """{"down": true}: the login endpoint (Entra ID's discovery and token endpoints) is down, every request to it dropped
    unanswered, until {"down": false} or a reset; Resource Manager and the tokens already given go on working."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("down"), bool):
        return _bad("down must be true or false")
    current_app.config["LOGIN_DOWN"] = body["down"]
    return jsonify(down=body["down"])


def login_down():
    """True while /lab/login has the login endpoint down."""
    return bool(current_app.config.get("LOGIN_DOWN"))


@blueprint.route("/outage", methods=["POST"])
def outage():
    """{"seconds": 60}: every ARM request is dropped unanswered (the connection closed) for that long; 0 ends an outage."""
    body = request.get_json(silent=True) or {}
    try:
        seconds = float(body.get("seconds", 60))
    except (TypeError, ValueError):
        return _bad("seconds must be a number")
    if seconds < 0:
        return _bad("seconds must be 0 or more")
    current_app.config["OUTAGE_UNTIL"] = time.monotonic() + seconds
    return jsonify(seconds=seconds, until=iso(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)))


def outage_on():
    """True while an outage of /lab/outage lasts."""
    return time.monotonic() < current_app.config.get("OUTAGE_UNTIL", 0)


@blueprint.route("/restart", methods=["POST"])
def restart():
    """{"down_seconds": 5}: stop listening and close every connection, then listen again on the same port, the state kept.

    Only a lab started by ``python -m asrlab`` can restart (it owns the server); the answer comes before the restart."""
    body = request.get_json(silent=True) or {}
    restarter = current_app.config.get("RESTART")
    if restarter is None:
        return _bad("this lab was not started by python -m asrlab: it cannot restart")
    try:
        down = float(body.get("down_seconds", 5))
    except (TypeError, ValueError):
        return _bad("down_seconds must be a number")
    if not 0 <= down <= 600:
        return _bad("down_seconds must be between 0 and 600")
    answer = jsonify(restarting=True, down_seconds=down)
    answer.headers["Connection"] = "close"
    answer.call_on_close(lambda: restarter(down))  # once the answer is sent
    return answer


@blueprint.route("/stage", methods=["POST"])
def stage():
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    wanted = str(body.get("stage", ""))
    if wanted not in STAGES:
        return _bad("stage must be one of %s" % ", ".join(STAGES))
    with jobs.settled():  # a job ended but not yet applied would apply its outcome over the stage set
        item = _item(vault, body)
        if item is None:
            return _bad("no item %r (items: %s)" % (body.get("item"), ", ".join(i.machine.name for i in vault.items.values())))
        if jobs.running_on(item.id):
            return _bad("a job is running on %s" % item.machine.name)
        vault.put_in_stage(item, "%s_%s" % (vault.scenario.generation, wanted))
        return jsonify(machine=item.machine.name, phase=item.phase, provider=PHASES[item.phase].provider)


@blueprint.route("/health", methods=["POST"])
def health():
    """{"item": "vm-win-01", "resync_required": true}: the item needs a resync (RepairReplication is then allowed)."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    with current_app.config["JOBS"].lock:
        item = _item(vault, body)
        if item is None:
            return _bad("no item %r" % body.get("item"))
        vault.set_resync_required(item, bool(body.get("resync_required", True)))
        return jsonify(machine=item.machine.name, resync_required=item.resync_required, health_errors=len(item.health_errors))


@blueprint.route("/replicate", methods=["POST"])
def replicate():
    """{"item": "vm-lin-01", "minutes": 10}: the item's replication started N minutes earlier than it did (a reprotect or a
    commit deleted the older points; the lab makes one every 5 minutes, 2 minutes behind), so its points of those minutes
    exist now. Only for an item that replicates (not frozen by a failover)."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    try:
        minutes = float(body.get("minutes", 10))
    except (TypeError, ValueError):
        return _bad("minutes must be a number")
    with current_app.config["JOBS"].lock:
        item = _item(vault, body)
        if item is None:
            return _bad("no item %r" % body.get("item"))
        if not item.replicating:
            return _bad("%s does not replicate now (a failover froze its points)" % item.machine.name)
        shift = datetime.timedelta(minutes=minutes)
        item.history_start -= shift
        if item.points_after:
            item.points_after -= shift
        points = item.recovery_points(vault.clock.now())
        return jsonify(machine=item.machine.name, recovery_points=len(points), newest=iso(points[0].time) if points else None)


@blueprint.route("/component", methods=["POST"])
def component():
    """{"kind": "process_server"|"reprotect_agent"|"master_target"|..., "name": "cs-lab-01", and any of "health",
    "heartbeat_minutes_ago" (null: heartbeats again), "services_status", "free_space_percent", "system_load_status", "cpu_status",
    "memory_status", "space_status", "health_errors": [{"code", "message", "possible_causes", "recommended_action", "severity"}]}."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    with current_app.config["JOBS"].lock:
        try:
            found = set_component_state(vault, str(body.get("kind", "process_server")), str(body.get("name", "")), body)
        except (ValueError, TypeError) as exc:
            return _bad(str(exc))
        return jsonify(found)


@blueprint.route("/quota", methods=["POST"])
def quota():
    """{"<family>": limit, "total": limit}: the region's vCPU quota (compute usages, and the failover's 28031) until a reset."""
    body = request.get_json(silent=True) or {}
    if not body or not all(isinstance(v, int) and v >= 0 for v in body.values()):
        return _bad("give vCPU limits as {\"<family>\" or \"total\": a whole number >= 0}")
    vault = current_app.config["VAULT"]
    with current_app.config["JOBS"].lock:
        vault.quota_override.update(body)
        return jsonify(vault.cores_quota())


@blueprint.route("/hold", methods=["POST"])
def hold():
    """{"item": "vm-win-01", "action": "unplannedFailover" (default "*": any), "hold": true}: the item's running job of that action,
    and any it starts while the hold is on, stay InProgress at their current task; {"hold": false} lets them go on from there.
    "action": "agentRegistration" holds the agent's re-registration after a failover instead (the 150273 health error stays)."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    action = str(body.get("action", "*"))
    if action not in ("*", "updateVmProperties", "agentRegistration") and action not in OPERATION_OF_ACTION:
        return _bad("action must be *, updateVmProperties, agentRegistration or one of %s" % ", ".join(OPERATION_OF_ACTION))
    with jobs.settled():
        item = _item(vault, body)
        if item is None:
            return _bad("no item %r (items: %s)" % (body.get("item"), ", ".join(i.machine.name for i in vault.items.values())))
        now = vault.clock.now()  # the answer says where the job was at the hold or release, not a moment later
        job = vault.hold_jobs(item, action, bool(body.get("hold", True)), now)
        task = None
        if job is not None:
            task = next((t["name"] for t in job.view(now)["properties"]["tasks"] if t["state"] == "InProgress"), None)
        return jsonify(item=item.machine.name, action=action, hold=bool(body.get("hold", True)), job=job.id if job else None,
                       state=job.state(now) if job else None, task=task, agent_registered=item.agent_registered(now))


@blueprint.route("/registration", methods=["POST"])
def registration():
    """{"hold": true}: nobody runs the registration inside deployed process server VMs until {"hold": false}."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    with current_app.config["JOBS"].lock:
        vault.registration_held = bool(body.get("hold", True))
        return jsonify(hold=vault.registration_held)


@blueprint.route("/paging", methods=["POST"])
def paging():
    size = (request.get_json(silent=True) or {}).get("page_size")
    if size is not None and (not isinstance(size, int) or size < 0):
        return _bad("page_size is a whole number >= 0 (0 or null: one page)")
    current_app.config["PAGE_SIZE"] = size or None
    return jsonify(page_size=size or None)


@blueprint.route("/jobs")
def jobs_run():
    """Every job of the vault, oldest first: which item (machine) and action, ASR's scenario name, its state now."""
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    with jobs.settled():
        now = vault.clock.now()
        machines = {i.id.lower(): i.machine.name for i in vault.items.values()}
        listed = [dict(id=j.id, item=machines.get(j.item_id.lower(), j.target_name), action=j.action, scenario=j.scenario_name,
                       state=j.state(now), start=iso(j.created), end=iso(j.end_time) if j.end_time and j.end_time <= now else None)
                  for j in sorted(jobs.jobs.values(), key=lambda j: j.created)]
        return jsonify(listed)


@blueprint.route("/gate", methods=["GET", "POST"])
def gate():
    """{"method": "POST" (default "*"), "path": "regex" (default ".*"), "hold": true}: matching ARM requests wait before they are
    handled until {"hold": false}, which lets them all go at once; {"let_go": 1} lets the oldest one go and keeps the gate
    closed ("let" in the answer: how many went). A held request gets an interim "100 Continue" every keep_alive_seconds
    (default 60), so that its client's read timeout does not end it. GET: the gate and the requests waiting at it."""
    door = current_app.config["GATE"]
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        if body.get("let_go") is not None:
            if not isinstance(body["let_go"], int) or body["let_go"] < 1:
                return _bad("let_go must be a whole number >= 1")
            let = door.let_go(body["let_go"])
            return jsonify(dict(door.view(), let=let))
        keep = body.get("keep_alive_seconds")
        if keep is not None and (isinstance(keep, bool) or not isinstance(keep, (int, float)) or keep <= 0):
            return _bad("keep_alive_seconds must be a number of seconds > 0")
        if body.get("hold", True):
            try:
                door.close(str(body.get("method", "*")).upper(), body.get("path", ".*"), body.get("keep_alive_seconds"))
            except re.error as exc:
                return _bad("path is not a regular expression: %s" % exc)
        else:
            door.open()
    return jsonify(door.view())


@blueprint.route("/throttle", methods=["GET", "POST"])
def throttle():
    """GET: ARM's buckets and what they answered. POST: {"reads"|"writes"|"deletes": {"size": n, "refill_per_second": x}} (that
    kind's buckets start full), {"enabled": false} (no throttling, until {"enabled": true} or a reset), {"advance_seconds": s}
    (the buckets refill as if s seconds had passed)."""
    buckets = current_app.config["THROTTLE"]
    if request.method == "POST":
        try:
            buckets.configure(**parse_throttle(request.get_json(silent=True) or {}))
        except ValueError as exc:
            return _bad(str(exc))
    return jsonify(buckets.view())


@blueprint.route("/reset", methods=["POST"])
def reset():
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    with jobs.lock:
        jobs.jobs.clear()
        fresh = type(vault)(vault.config, vault.scenario, jobs, vsphere=vault.vsphere)
        fresh.vsphere_address = vault.vsphere_address
        current_app.config["VAULT"] = fresh
        current_app.config["HTTP_FAULTS"].clear()
        current_app.config["PAGE_SIZE"] = None
        current_app.config["GATE"].open()
        current_app.config["OUTAGE_UNTIL"] = 0
        current_app.config["LOGIN_DOWN"] = False
        current_app.config["THROTTLE"].reset()
        for item in fresh.items.values():
            fresh.onprem_power(item, True)
        return jsonify(reset=True, at=datetime.datetime.now(datetime.timezone.utc).isoformat())
