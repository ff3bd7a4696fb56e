# -*- coding: utf-8 -*-
"""The bad-input table (issue #12): every case of bench/bad_input_cases.py against labs of its own, one row per case.

    bench/bad_inputs.py [--repo CHECKOUT] [--workdir DIR] [--suite] [--only ID ...] [--markdown]

A case passes when the run failed (the task failed, or ansible-playbook exited non-zero), its message holds each of
the case's words (the option or variable, the value, what is allowed), the lab answered no write request (POST, PUT,
PATCH, DELETE in /lab/requests) during it, and its output has no Python traceback, "Finalization of task args" or
"filter plugin". The module cases run as the tasks of one playbook per lab generation (each task's result registered,
the lab's write count read after it); each variable case is one ansible-playbook run of a collection playbook on the
lab inventory. The cases come from this script's directory, the collection and the lab from ``--repo``: the same
table measures another checkout. Exit status 1 when a case fails.

The functions here are also what tests/integration/test_bad_inputs_lab.py runs (the cases marked ``suite``).
"""

from __future__ import annotations

import json
import os
import pathlib
import ssl
import subprocess
import sys
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bad_input_cases import CASES, LOG, STAGES, SUB  # noqa: E402  pylint: disable=wrong-import-position

WRITES = ("POST", "PUT", "PATCH", "DELETE")
FORBIDDEN = ("Traceback", "Finalization of task args", "filter plugin")
# The modules that wait on a job: a case that wrongly got through waits 60 s at most.
WAITING = ("asr_apply_recovery_point", "asr_cancel_failover", "asr_commit", "asr_failover", "asr_process_server", "asr_replicated_item",
           "asr_reprotect", "asr_resync", "asr_job_info", "asr_wait")
LOG_ACCOUNT = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache"


class LabCalls:
    """The control API of a running lab (``info``: its lab.json)."""

    def __init__(self, info):
        self.info = info
        self.context = ssl.create_default_context(cafile=info["ca_bundle"])

    def call(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.info["control_url"].rstrip("/") + "/" + path, data=data,
                                         headers={"Content-Type": "application/json"}, method="POST" if data else "GET")
        with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
            return json.load(answer)

    def writes(self):
        return sum(1 for r in self.call("requests") if r["method"] in WRITES)

    def stage(self, generation):
        """Back to the scenario's start, then the items of STAGES in their stage."""
        self.call("reset", {})
        for machine, stage in STAGES[generation].items():
            self.call("stage", {"item": machine, "stage": stage})


def _fill(value, info):
    """A case's value with the lab's ids in place of LOG and SUB."""
    if value == LOG:
        return LOG_ACCOUNT % info["subscription_id"]
    if isinstance(value, str):
        return value.replace(SUB, info["subscription_id"])
    if isinstance(value, dict):
        return dict((k, _fill(v, info)) for k, v in value.items())
    return value


def module_playbook(cases, info, path):
    """A playbook on localhost running each case's task (ignore_errors, registered), then reading the lab's write count."""
    requests_url = info["control_url"].rstrip("/") + "/requests"
    count = ("{{ lookup('ansible.builtin.url', '%s', ca_path='%s', split_lines=false) | from_json "
             "| selectattr('method', 'in', %r) | list | length }}" % (requests_url, info["ca_bundle"], list(WRITES)))
    tasks = [{"name": "writes before", "ansible.builtin.set_fact": {"w_start": count}}]
    for number, case in enumerate(cases):
        args = dict(_fill(case["args"], info))
        if case["module"] in WAITING:
            args = dict({"wait_sleep": 1, "wait_timeout": 60}, **args)
        tasks.append({"name": "case %s" % case["id"], "siterecovery.vmware." + case["module"]: args,
                      "register": "r%d" % number, "ignore_errors": True})
        tasks.append({"name": "writes after %s" % case["id"], "ansible.builtin.set_fact": {"w%d" % number: count}})
    names = ", ".join("'%s': {'result': r%d, 'writes': w%d | int}" % (case["id"], n, n) for n, case in enumerate(cases))
    tasks.append({"name": "results", "ansible.builtin.copy": {"dest": str(path.with_suffix(".json")),
                                                              "content": "{{ {'start': w_start | int, 'cases': {%s}} | to_json }}" % names}})
    play = {"hosts": "localhost", "gather_facts": False, "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "tasks": tasks}
    path.write_text(json.dumps([play], indent=1))
    return path


def _sections(output):
    """{case id: the output of its task} from ansible-playbook's TASK [case ID] headers."""
    found, current = {}, None
    for line in output.splitlines():
        if line.startswith("TASK ["):
            name = line[len("TASK ["):].split("]", 1)[0]
            current = name[len("case "):] if name.startswith("case ") else None
        elif current:
            found[current] = found.get(current, "") + line + "\n"
    return found


def judge(case, failed, message, output, writes, seconds=None):
    """The table's row of one case: what happened, and what is wrong with it (an empty list when it passed)."""
    problems = []
    if not failed:
        problems.append("did not fail")
    missing = [w for w in case["words"] if w not in (message or "")]
    if missing:
        problems.append("message lacks %s" % ", ".join(repr(w) for w in missing))
    if writes:
        problems.append("%d writes" % writes)
    dirty = [f for f in FORBIDDEN if f in output]
    if dirty:
        problems.append("output has %s" % ", ".join(repr(f) for f in dirty))
    target = case["module"] if case["kind"] == "module" else case["playbook"] + ".yml"
    given = case["args"] if case["kind"] == "module" else dict(case["extra"], **dict(("env " + k, v) for k, v in case["env"].items()))
    return dict(id=case["id"], kind=case["kind"], lab=case["lab"], target=target, input=given, failed=bool(failed), writes=writes,
                clean=not dirty, message=" ".join((message or "").split()), problems=problems, ok=not problems, seconds=seconds)


def run_module_cases(ansible_playbook, env, info, cases, workdir, generation):
    """The rows of the module cases of one lab generation, run as one playbook."""
    workdir = pathlib.Path(workdir)
    LabCalls(info).stage(generation)
    path = module_playbook(cases, info, workdir / ("bad-inputs-%s.yml" % generation))
    started = time.monotonic()
    done = subprocess.run([str(ansible_playbook), "-i", "localhost,", "-c", "local", str(path)], env=env, cwd=str(workdir),
                          capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    (workdir / ("bad-inputs-%s.log" % generation)).write_text(output)
    results = path.with_suffix(".json")
    if not results.exists():
        raise RuntimeError("the playbook of the %s module cases did not finish (exit %d):\n%s" % (generation, done.returncode, output[-3000:]))
    recorded = json.loads(results.read_text())
    sections = _sections(output)
    rows, before = [], recorded["start"]
    for case in cases:
        entry = recorded["cases"][case["id"]]
        result = entry["result"]
        text = json.dumps(result) + sections.get(case["id"], "")
        rows.append(judge(case, result.get("failed"), result.get("msg"), text, entry["writes"] - before, seconds / max(len(cases), 1)))
        before = entry["writes"]
    return rows, dict(generation=generation, cases=len(cases), seconds=round(seconds, 1), returncode=done.returncode)


def run_variable_case(ansible_playbook, env, info, case, inventory, workdir):
    """The row of one variable case: one ansible-playbook run of a collection playbook on the lab inventory."""
    workdir = pathlib.Path(workdir)
    calls = LabCalls(info)
    calls.call("reset", {})
    before = calls.writes()
    argv = [str(ansible_playbook), "-i", str(inventory), "siterecovery.vmware." + case["playbook"], "-e", "asr_confirm_failover=true",
            "-e", "asr_summary_file=%s" % (workdir / "summary.json"), "-e", json.dumps(_fill(case["extra"], info))]
    started = time.monotonic()
    done = subprocess.run(argv, env=dict(env, **case["env"]), cwd=str(workdir), capture_output=True, text=True, timeout=900, check=False)
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    (workdir / ("bad-input-%s.log" % case["id"])).write_text(output)
    return judge(case, done.returncode != 0, output, output, calls.writes() - before, seconds)


def _short(value, width):
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= width else text[:width - 3] + "..."


def _shown_message(row):
    """The part of the message that holds the case's sentence (a playbook's output is long)."""
    text = row["message"]
    for marker in ("nothing was sent: ", "Invalid ", "no machine of", "The inventory has no machine"):
        if marker in text:
            return text[text.index(marker):]
    return text


def markdown(rows):
    lines = ["| # | case | lab | module / playbook | input | failed | writes | clean | result | message |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for number, row in enumerate(rows, 1):
        lines.append("| %d | %s | %s | %s | `%s` | %s | %d | %s | %s | %s |" % (
            number, row["id"], row["lab"], row["target"], _short(row["input"], 70).replace("|", "\\|"), "yes" if row["failed"] else "NO",
            row["writes"], "yes" if row["clean"] else "NO", "pass" if row["ok"] else "FAIL: " + "; ".join(row["problems"]),
            _short(_shown_message(row), 150).replace("|", "\\|")))
    return "\n".join(lines)


def plain(rows):
    lines = []
    for number, row in enumerate(rows, 1):
        lines.append("%3d %-4s %-44s %-26s writes %d  %s" % (number, "ok" if row["ok"] else "FAIL", row["id"], row["target"], row["writes"],
                                                             _short(_shown_message(row), 110)))
        if row["problems"]:
            lines.append("      " + "; ".join(row["problems"]))
    return "\n".join(lines)


def main(argv=None):
    from _benchlib import Checkout, Lab, parser  # pylint: disable=import-outside-toplevel  # the tests import this file without it

    options = parser(__doc__.splitlines()[0])
    options.add_argument("--suite", action="store_true", help="only the cases the test suite runs")
    options.add_argument("--only", nargs="+", metavar="ID", help="only these cases")
    options.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = options.parse_args(argv)
    checkout = Checkout(args.repo, args.workdir)
    cases = [c for c in CASES if (not args.suite or c["suite"]) and (not args.only or c["id"] in args.only)]
    print("bad_inputs: %s (%s); %d cases; work dir %s" % (checkout.repo, checkout.commit(), len(cases), checkout.workdir), flush=True)
    rows, batches = [], []
    for generation in ("classic", "modernized"):
        mine = [c for c in cases if c["lab"] == generation]
        if not mine:
            continue
        with Lab(checkout, "bad-inputs-" + generation, scenario=generation, time_scale=0.002, durations=(("agentRegistration", 100),)) as lab:
            env = dict(os.environ, **lab.env)
            env.pop("PYTHONPATH", None)
            env.update(ANSIBLE_COLLECTIONS_PATH=str(checkout.collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1",
                       ANSIBLE_FORCE_COLOR="0", ANSIBLE_LOCAL_TEMP=str(checkout.workdir / "ansible-tmp"),
                       ANSIBLE_HOME=str(checkout.workdir / "ansible-home"))
            modules = [c for c in mine if c["kind"] == "module"]
            if modules:
                found, batch = run_module_cases(checkout.ansible_playbook, env, lab.info, modules, checkout.workdir, generation)
                rows += found
                batches.append(batch)
            for case in (c for c in mine if c["kind"] == "variable"):
                rows.append(run_variable_case(checkout.ansible_playbook, env, lab.info, case, checkout.repo / "lab" / "inventory", checkout.workdir))
                print("  %s: %s (%.1f s)" % (case["id"], "ok" if rows[-1]["ok"] else "FAIL", rows[-1]["seconds"]), flush=True)
    print(markdown(rows) if args.markdown else plain(rows))
    failed = [r for r in rows if not r["ok"]]
    module_seconds = sum(b["seconds"] for b in batches)
    variable_seconds = sum(r["seconds"] for r in rows if r["kind"] == "variable")
    print("\n%d cases (%d module, %d variable): %d pass, %d fail; %d writes in all; module playbooks %.0f s (%s), variable runs %.0f s"
          % (len(rows), sum(1 for r in rows if r["kind"] == "module"), sum(1 for r in rows if r["kind"] == "variable"), len(rows) - len(failed),
             len(failed), sum(r["writes"] for r in rows), module_seconds,
             ", ".join("%s %d cases %.0f s" % (b["generation"], b["cases"], b["seconds"]) for b in batches), variable_seconds))
    (checkout.workdir / "bad_inputs.json").write_text(json.dumps(rows, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
