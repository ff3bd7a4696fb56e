# -*- coding: utf-8 -*-
"""The stage-by-fault matrix (issue #12): each stage of the cycle, both generations, under each fault, through the roles.

    bench/fault_matrix.py [--repo CHECKOUT] [--generation classic|modernized] [--stage NAME] [--fault NAME] [--subset]

For each generation, stage and fault, one machine of a lab of that generation is put where the stage starts (the lab's
/lab/stage, no earlier stage replayed), the fault is armed for that machine only (/lab/faults with "item"), and the
stage runs through the collection's stage roles (bench/fault_stage.yml, the lab inventory). A machine whose stage failed
runs it again, once, with the fault used up. Up to one case per machine of the lab runs at a time (a round: the lab is
reset, each machine staged and its fault armed, one ansible-playbook for all). Per case it prints:

- held: the first run completed the stage (exit 0 for that machine, the lab's item in the phase the stage leads to);
- failed clearly: the first run failed, and the machine's error names the machine, the stage, ASR's code, the
  possible causes and the recommended action that the fault gave;
- completed on rerun: the second run completed the stage;
- jobs: the stage's jobs the lab started on that machine; twice: jobs of the stage beyond the first, not counting
  those that failed (a rerun after a failed job starts a new one, rightly). It must be 0;
- met: the fault was used up (a fault the runs never met proves nothing, and is reported as such).

The table ends with the totals: cases, held, failed clearly, completed on rerun, jobs started twice. The exit status
is 0 when every transient fault held, every other one failed clearly and completed on rerun, every fault was met and
no job was started twice. tests/integration/test_fault_matrix_lab.py runs SUBSET (every fault kind, both
generations) with the same code on the installed collection.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import pathlib
import re
import subprocess
import sys
import threading
import time

from _benchlib import HERE, Checkout, Lab, parser, playbook_command

TIME_SCALE = 0.002  # the tests' scale: a classic failover takes 0.2 s, Retry-After is 1 s
DURATIONS = (("agentRegistration", 100),)  # the agent registers 0.2 s after a failover
PLAYBOOK = HERE / "fault_stage.yml"
GENERATIONS = ("classic", "modernized")
MACHINES = {"classic": ("vm-win-01", "vm-win-02", "vm-lin-01", "phys-01"), "modernized": ("vm-win-01", "vm-win-02", "vm-lin-01")}


@dataclasses.dataclass(frozen=True)
class Stage:
    """A stage of the cycle: its key in asr_stage_table, its title there, where the lab puts the machine first (/lab/stage),
    the lab phase it leads to (without the generation), and ASR's job names that mean it runs."""

    name: str
    title: str
    lab_stage: str
    leads_to: str
    jobs: tuple


FAILOVER_JOBS = ("UnplannedFailover", "PlannedFailover")
COMMIT_JOBS = ("CommitFailover", "Commit", "FinalizeFailback")
REPROTECT_JOBS = ("SwitchReplicationGroupProtection", "Reprotect", "SwitchProtection")
STAGES = (
    Stage("failover_to_azure", "fail over to Azure", "protected", "failed_over", FAILOVER_JOBS),
    Stage("commit_failover", "commit the failover", "failed_over", "committed", COMMIT_JOBS),
    # failback_prepare (no job of its own) runs first, as in failback.yml: its reads and checks meet the faults too.
    Stage("reprotect_to_onprem", "reprotect to on-premises", "committed", "reprotected", REPROTECT_JOBS),
    Stage("failback_to_onprem", "fail back to on-premises", "reprotected", "failed_back", FAILOVER_JOBS),
    Stage("commit_failback", "commit the failback", "failed_back", "failback_committed", COMMIT_JOBS),
    Stage("reprotect_to_azure", "reprotect to Azure", "failback_committed", "protected", REPROTECT_JOBS),
)
STAGE = {s.name: s for s in STAGES}
# The stage's write, whichever the stage's action is.
WRITE_PATH = r"/(unplannedFailover|plannedFailover|failoverCommit|reProtect)$"
JOB_ERROR = {"code": "LabJobFailedAtTask", "message": "The lab failed the job at its first task.",
             "possibleCauses": "The lab's job fault: a task of the job could not complete.",
             "recommendedAction": "Find why the task failed, fix it, then run the stage again."}
REFUSAL = {"code": "LabOperationRefused", "message": "The lab refused the operation.",
           "possibleCauses": "The lab's 400 fault: ASR refused the request as sent.",
           "recommendedAction": "Correct the request the error names, then run the stage again."}


@dataclasses.dataclass(frozen=True)
class Fault:
    """A fault: its name in the table, whether it is transient (the stage must ride through it), and the /lab/faults body
    (without the machine, added per case)."""

    name: str
    transient: bool
    body: dict
    error: dict = None  # what the failure must name (code, possibleCauses, recommendedAction)


FAULTS = (
    Fault("429 on the write", True, dict(kind="429", method="POST", path=WRITE_PATH, retry_after=1)),
    Fault("500 on the write", True, dict(kind="500", method="POST", path=WRITE_PATH)),
    Fault("503 on the write", True, dict(kind="503", method="POST", path=WRITE_PATH, retry_after=1)),
    Fault("504 after the write was handled", True, dict(kind="504", after=True, method="POST", path=WRITE_PATH)),
    Fault("answer lost after handling", True, dict(kind="drop_after", method="POST", path=WRITE_PATH)),
    Fault("connection dropped before handling", True, dict(kind="drop", method="POST", path=WRITE_PATH)),
    # skip 1: the stage's module reads the job it started once (with the transport's retries); the wait's reads come next.
    Fault("three failed reads while waiting", True, dict(kind="500", method="GET", path=r"/replicationJobs/[^/]+$", count=3,
                                                         skip=1)),
    Fault("job fails at a task", False, dict(kind="job", fail_at_task=0, error=JOB_ERROR), JOB_ERROR),
    Fault("400 with an ASR code", False, dict(kind="400", method="POST", path=WRITE_PATH, error=REFUSAL), REFUSAL),
)
FAULT = {f.name: f for f in FAULTS}
ACTION_OF_STAGE = {"failover_to_azure": "unplannedFailover", "commit_failover": "failoverCommit", "reprotect_to_onprem": "reProtect",
                   "failback_to_onprem": ("unplannedFailover", "plannedFailover"), "commit_failback": "failoverCommit",
                   "reprotect_to_azure": "reProtect"}


@dataclasses.dataclass(frozen=True)
class Case:
    generation: str
    stage: str
    fault: str


def all_cases(generations=GENERATIONS, stages=None, faults=None):
    """Every (generation, stage, fault), in the table's order."""
    return [Case(g, s.name, f.name) for g in generations for s in STAGES for f in FAULTS
            if (not stages or s.name in stages) and (not faults or f.name in faults)]


# The representative subset of tests/integration/test_fault_matrix_lab.py: every fault kind, every stage, both generations,
# two rounds per lab at most (the three faults that need the 30 s search for the lost write's job share a round).
SUBSET = (
    Case("classic", "failover_to_azure", "500 on the write"),
    Case("classic", "commit_failover", "connection dropped before handling"),
    Case("classic", "reprotect_to_onprem", "job fails at a task"),
    Case("classic", "failback_to_onprem", "three failed reads while waiting"),
    Case("classic", "commit_failback", "400 with an ASR code"),
    Case("classic", "reprotect_to_azure", "429 on the write"),
    Case("modernized", "failover_to_azure", "504 after the write was handled"),
    Case("modernized", "reprotect_to_onprem", "503 on the write"),
    Case("modernized", "failback_to_onprem", "answer lost after handling"),
    Case("modernized", "commit_failover", "job fails at a task"),
    Case("modernized", "reprotect_to_azure", "400 with an ASR code"),
)


@dataclasses.dataclass
class Outcome:  # pylint: disable=too-many-instance-attributes
    case: Case
    machine: str
    first: str = ""  # held, failed clearly, failed unclearly, not done
    rerun: str = "-"  # completed, failed, -
    jobs: int = 0
    twice: int = 0
    met: bool = False
    failed_read_lines: int = 0
    seconds: float = 0.0
    note: str = ""

    def ok(self):
        fault = FAULT[self.case.fault]
        expected = (self.first == "held") if fault.transient else (self.first == "failed clearly" and self.rerun == "completed")
        return expected and self.met and self.twice == 0


def fatal_messages(log_text, machine):
    """The messages of the tasks that failed on ``machine`` in an ansible-playbook log (the default callback's fatal lines)."""
    found = []
    for line in log_text.splitlines():
        if line.startswith("fatal: [%s" % machine) and "=> " in line:
            try:
                found.append(json.loads(line.split("=> ", 1)[1]).get("msg", ""))
            except ValueError:
                found.append(line)
    return found


def says_clearly(message, machine, stage, error):
    """What the failure of ``machine``'s ``stage`` lacks of machine, stage, ASR code, cause and action (an empty list: none)."""
    wanted = [("the machine", machine), ("the stage", stage.title), ("ASR's code", error["code"]),
              ("the cause", error["possibleCauses"]), ("the action", error["recommendedAction"])]
    return [what for what, text in wanted if text not in message]


def _recap(log_text, machine):
    """(ok, failed) of ``machine`` in the PLAY RECAP; None when it is not there."""
    found = re.search(r"^%s\s+: ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)" % re.escape(machine), log_text, re.M)
    return None if not found else (int(found.group(1)), int(found.group(2)) + int(found.group(3)))


def _run(checkout, lab, stages_of, log):
    """The stage playbook on the machines of ``stages_of`` ({machine: stage}); the log's text."""
    argv, env = playbook_command(checkout, lab, PLAYBOOK, {}, args=["-e", json.dumps(dict(fault_matrix_stages=stages_of)),
                                                                    "--limit", ",".join(sorted(stages_of))])
    with open(log, "wb") as out:
        subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=checkout.workdir, check=False, timeout=1800)
    return pathlib.Path(log).read_text(errors="replace")


def _arm(lab, case, machine):
    fault = FAULT[case.fault]
    body = dict(fault.body, item=machine)
    if body["kind"] == "job":
        action = ACTION_OF_STAGE[case.stage]
        actions = action if isinstance(action, tuple) else (action,)
        for name in actions:  # the failback's action depends on the generation; the one not taken stays armed, and is ignored
            lab.post("faults", dict(body, action=name))
    else:
        lab.post("faults", body)


def _pending(lab, machine):
    """The faults still armed for ``machine``: (http, job)."""
    state = lab.control("state")
    return ([f for f in state["http_faults"] if f.get("item") == machine],
            [f for f in state["job_faults"] if f.get("item") == machine])


def _done(lab, machine, stage, generation, log_text):
    recap = _recap(log_text, machine)
    phase = lab.control("state")["items"][machine]["phase"]
    return bool(recap and recap[1] == 0 and phase == "%s_%s" % (generation, stage.leads_to)), phase


def run_round(checkout, lab, generation, cases, number):
    """One round: the lab reset, each case on a machine of its own, one run, a rerun for the machines whose stage failed."""
    started = time.time()
    lab.post("reset")
    machines = dict(zip(MACHINES[generation], cases))
    outcomes = {}
    for machine, case in machines.items():
        lab.post("stage", dict(item=machine, stage=STAGE[case.stage].lab_stage))
    for machine, case in machines.items():
        _arm(lab, case, machine)
        outcomes[machine] = Outcome(case, machine)
    stages_of = {m: c.stage for m, c in machines.items()}
    first = _run(checkout, lab, stages_of, checkout.workdir / ("%s-round%02d-first.log" % (generation, number)))
    again = {}
    for machine, outcome in outcomes.items():
        stage, fault = STAGE[outcome.case.stage], FAULT[outcome.case.fault]
        http, job = _pending(lab, machine)
        # A job fault is armed for both failback actions; only the one the generation sends can be met.
        outcome.met = not http and (len(job) < (2 if isinstance(ACTION_OF_STAGE[stage.name], tuple) and fault.body["kind"] == "job" else 1))
        outcome.failed_read_lines = len(re.findall(r"^%s: .* read \d+ failed, reading again" % re.escape(machine), first, re.M))
        done, phase = _done(lab, machine, stage, generation, first)
        if done:
            outcome.first = "held"
            continue
        messages = fatal_messages(first, machine)
        message = messages[-1] if messages else ""
        if fault.error:
            lacks = says_clearly(message, machine, stage, fault.error)
        else:
            lacks = ["the ASR code of a transient fault"]
        outcome.first = "failed clearly" if not lacks else "failed unclearly"
        outcome.note = ("lacks %s: " % ", ".join(lacks) if lacks else "") + " ".join(message.split())[:300] + " (phase %s)" % phase
        again[machine] = stage.name
    if again:
        # Faults the first run did not meet are cleared only by a reset, which would undo the stage: they stay, and the
        # case says so (met: no).
        rerun = _run(checkout, lab, again, checkout.workdir / ("%s-round%02d-rerun.log" % (generation, number)))
        for machine in again:
            done, phase = _done(lab, machine, STAGE[again[machine]], generation, rerun)
            outcomes[machine].rerun = "completed" if done else "failed"
            if not done:
                messages = fatal_messages(rerun, machine)
                outcomes[machine].note += "; rerun: %s (phase %s)" % (" ".join((messages[-1] if messages else "").split())[:200], phase)
    _count_jobs(lab, outcomes)
    for outcome in outcomes.values():
        outcome.seconds = round(time.time() - started, 1)
    return list(outcomes.values())


def _count_jobs(lab, outcomes):
    """Each case's jobs of its stage on its machine (the lab was reset before the round: all of them are the round's)."""
    by_machine = collections.defaultdict(list)
    for job in lab.jobs():
        by_machine[job["properties"].get("targetObjectName")].append(job["properties"])
    for machine, outcome in outcomes.items():
        mine = [j for j in by_machine[machine] if j.get("scenarioName") in STAGE[outcome.case.stage].jobs]
        failed = [j for j in mine if j.get("state") in ("Failed", "Cancelled")]
        outcome.jobs = len(mine)
        outcome.twice = max(0, len(mine) - len(failed) - 1)


def rounds_of(generation, cases):
    """The cases of ``generation`` in rounds of one case per machine, the slow faults together."""
    mine = [c for c in cases if c.generation == generation]
    order = {f.name: i for i, f in enumerate(FAULTS)}
    mine.sort(key=lambda c: order[c.fault])
    size = len(MACHINES[generation])
    return [mine[i:i + size] for i in range(0, len(mine), size)]


def run_matrix(checkout, cases, progress=print):
    """Every case, the generations' labs at once: {generation: [Outcome]}."""
    results, errors = {}, []

    def one(generation):
        try:
            with Lab(checkout, "faults-" + generation, scenario=generation, time_scale=TIME_SCALE, durations=DURATIONS) as lab:
                found = []
                for number, round_cases in enumerate(rounds_of(generation, cases), 1):
                    done = run_round(checkout, lab, generation, round_cases, number)
                    for outcome in done:
                        progress("  %-10s round %2d %-22s %-38s %s%s" % (generation, number, outcome.case.stage, outcome.case.fault,
                                                                         outcome.first, ", rerun " + outcome.rerun if outcome.rerun != "-" else ""))
                    found += done
                results[generation] = found
        except Exception as exc:  # pylint: disable=broad-except  # reported with the table, the other generation goes on
            errors.append("%s: %s: %s" % (generation, type(exc).__name__, exc))

    threads = [threading.Thread(target=one, args=(g,)) for g in GENERATIONS if any(c.generation == g for c in cases)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("; ".join(errors))
    return results


def totals(outcomes):
    return collections.OrderedDict([
        ("cases", len(outcomes)),
        ("transient", sum(1 for o in outcomes if FAULT[o.case.fault].transient)),
        ("held", sum(1 for o in outcomes if o.first == "held")),
        ("failed clearly", sum(1 for o in outcomes if o.first == "failed clearly")),
        ("failed unclearly", sum(1 for o in outcomes if o.first == "failed unclearly")),
        ("completed on rerun", sum(1 for o in outcomes if o.rerun == "completed")),
        ("jobs started twice", sum(o.twice for o in outcomes)),
        ("faults not met", sum(1 for o in outcomes if not o.met)),
    ])


def table(results):
    """The matrix as text: one row per case, then the totals per generation and in all."""
    lines = ["| generation | stage | fault | first run | rerun | jobs | twice | met | failed-read lines |",
             "|---|---|---|---|---|---|---|---|---|"]
    everything = []
    for generation in GENERATIONS:
        order = {(s.name, f.name): i for i, (s, f) in enumerate((s, f) for s in STAGES for f in FAULTS)}
        for outcome in sorted(results.get(generation, []), key=lambda o: order[(o.case.stage, o.case.fault)]):
            everything.append(outcome)
            lines.append("| %s | %s | %s | %s | %s | %d | %d | %s | %s |" % (
                generation, outcome.case.stage, outcome.case.fault, outcome.first, outcome.rerun, outcome.jobs, outcome.twice,
                "yes" if outcome.met else "NO", outcome.failed_read_lines or ""))
    lines += ["", "| | " + " | ".join(totals([]).keys()) + " |", "|---" * (len(totals([])) + 1) + "|"]
    for generation in GENERATIONS:
        if results.get(generation):
            lines.append("| %s | %s |" % (generation, " | ".join(str(v) for v in totals(results[generation]).values())))
    lines.append("| all | %s |" % " | ".join(str(v) for v in totals(everything).values()))
    notes = ["%s %s / %s: %s" % (o.case.generation, o.case.stage, o.case.fault, o.note) for o in everything if o.note and not o.ok()]
    if notes:
        lines += ["", "Cases not as expected:"] + ["- " + n for n in notes]
    return "\n".join(lines)


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--generation", action="append", choices=GENERATIONS, help="only this generation (repeatable)")
    options.add_argument("--stage", action="append", choices=[s.name for s in STAGES], help="only this stage (repeatable)")
    options.add_argument("--fault", action="append", choices=[f.name for f in FAULTS], help="only this fault (repeatable)")
    options.add_argument("--subset", action="store_true", help="the test suite's representative subset only")
    args = options.parse_args(argv)
    checkout = Checkout(args.repo, args.workdir)
    cases = list(SUBSET) if args.subset else all_cases(args.generation or GENERATIONS, args.stage, args.fault)
    if args.subset and (args.generation or args.stage or args.fault):
        cases = [c for c in cases if (not args.generation or c.generation in args.generation) and (not args.stage or c.stage in args.stage)
                 and (not args.fault or c.fault in args.fault)]
    print("fault_matrix: %s (%s); %d cases, time scale %s; work dir %s" % (checkout.repo, checkout.commit(), len(cases), TIME_SCALE,
                                                                           checkout.workdir))
    started = time.time()
    results = run_matrix(checkout, cases)
    print()
    print(table(results))
    print("\n%d cases in %.0f s" % (len(cases), time.time() - started))
    everything = [o for found in results.values() for o in found]
    return 0 if all(o.ok() for o in everything) else 1


if __name__ == "__main__":
    sys.exit(main())
