# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The evidence report of a run (drill or real): one self-contained HTML page, its JSON, and JUnit XML for CI.

Private to the collection. Pure: no Ansible, no I/O; timestamps are read as _asr_jobs.parse_time reads them. It reads the run's
summary (roles/asr/tasks/summary.yml: one record per machine, its stages with their job ids and times, the recovery point and its
age, the validation) and renders it. The HTML has no script, no link and no font or style from the network: it opens offline, in a
mail, or in an archive; long ids and messages wrap, so nothing is cut off or wider than the page.
"""

from __future__ import annotations

import html
from xml.sax.saxutils import escape, quoteattr

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import parse_time

REAL_START = ("failover_to_azure", "failback_to_onprem")


def machine_evidence(name, record):
    """One machine's figures: kind (drill or failover), outcome, stages in order, RPO, RTO, validation, test VM."""
    stages = record.get("stages") or {}
    drill = "test_failover" in stages
    start_stage = "test_failover" if drill else "failover_to_azure"
    validation_stage = "validate_drill" if drill else "validate_recovery"
    started = stages.get(start_stage) or {}
    validation = (stages.get(validation_stage) or {}).get("validation") or {}
    point = started.get("recovery_point") or {}
    rto = None
    begin, answered = parse_time(started.get("job_start")), parse_time(validation.get("answered_at"))
    if begin and answered:
        rto = round((answered - begin).total_seconds(), 1)
    failed = bool(record.get("failed")) or any(s.get("status") == "failed" for s in stages.values())
    cleanup = stages.get("test_failover_cleanup") or {}
    return dict(
        machine=name, kind="drill" if drill else "failover", outcome="failed" if failed else "passed", error=record.get("error"),
        provider=record.get("provider"), running_in=record.get("running_in"), stage=record.get("stage"),
        recovery_point=dict(id=point.get("id"), time=point.get("time")), achieved_rpo_seconds=point.get("age_seconds"),
        achieved_rto_seconds=rto, validation=validation or None,
        cleanup=dict(status=cleanup.get("status"), job_id=cleanup.get("job_id"), test_vm=cleanup.get("test_vm")) if drill else None,
        stages=[dict(name=key, title=value.get("title") or key, status=value.get("status"), start=value.get("job_start"), end=value.get("job_end"),
                     job_id=value.get("job_id"), seconds=value.get("job_seconds") if value.get("job_seconds") is not None else value.get("seconds"),
                     reason=value.get("reason")) for key, value in stages.items()],
    )


def evidence(summary):
    """The report's data: fleet totals and each machine's evidence."""
    machines = [machine_evidence(name, record) for name, record in sorted((summary.get("machines") or {}).items())]
    rtos = [m["achieved_rto_seconds"] for m in machines if m["achieved_rto_seconds"] is not None]
    rpos = [m["achieved_rpo_seconds"] for m in machines if m["achieved_rpo_seconds"] is not None]
    return dict(playbook=summary.get("playbook"), check_mode=bool(summary.get("check_mode")), finished=summary.get("finished"),
                totals=dict(machines=len(machines), passed=sum(1 for m in machines if m["outcome"] == "passed"),
                            failed=sum(1 for m in machines if m["outcome"] == "failed"),
                            worst_rto_seconds=max(rtos) if rtos else None, worst_rpo_seconds=max(rpos) if rpos else None),
                machines=machines)


def _seconds(value):
    if value is None:
        return "not measured"
    value = float(value)
    return "%d min %02d s" % (value // 60, value % 60) if value >= 60 else "%.1f s" % value


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:0}
.totals{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0 2rem}
.total{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.total b{display:block;font-size:1.4rem}
section.machine{border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:0 0 1.5rem;break-inside:avoid}
.head{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
.outcome{padding:.2rem .7rem;border-radius:1rem;font-weight:600}
.passed{background:#dafbe1;color:#116329}.failed{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;width:100%;margin-top:.8rem;table-layout:fixed}
th,td{border-bottom:1px solid #eaeef2;padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.8rem 0 0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.error{color:#a40e26;margin-top:.6rem}
"""


def render_html(data):
    """The self-contained HTML page."""
    esc = html.escape
    totals = data["totals"]
    title = "DR evidence: %s" % (data.get("playbook") or "run")
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>" % (esc(title), STYLE),
             "<h1>%s</h1><p>Finished %s%s.</p>" % (esc(title), esc(str(data.get("finished") or "")),
                                                   " (check mode: nothing was sent)" if data["check_mode"] else ""),
             "<div class=\"totals\" id=\"totals\">"]
    for label, value in (("Machines", totals["machines"]), ("Passed", totals["passed"]), ("Failed", totals["failed"]),
                         ("Worst achieved RTO", _seconds(totals["worst_rto_seconds"])), ("Worst achieved RPO", _seconds(totals["worst_rpo_seconds"]))):
        parts.append("<div class=\"total\">%s<b>%s</b></div>" % (esc(label), esc(str(value))))
    parts.append("</div>")
    for machine in data["machines"]:
        parts.append("<section class=\"machine\" id=\"machine-%s\"><div class=\"head\"><h2>%s <small>(%s, %s)</small></h2>"
                     "<span class=\"outcome %s\">%s</span></div>" % (
                         esc(machine["machine"]), esc(machine["machine"]), esc(machine["kind"]), esc(str(machine["provider"] or "")),
                         esc(machine["outcome"]), esc(machine["outcome"])))
        if machine["error"]:
            parts.append("<p class=\"error\">%s</p>" % esc(str(machine["error"])))
        validation = machine["validation"] or {}
        checks = ", ".join("%s %s" % (c.get("name"), "passed" if c.get("passed") else "failed: " + str(c.get("detail")))
                           for c in validation.get("checks") or [])
        rows = [("Recovery point", "%s (%s)" % (machine["recovery_point"]["time"] or "the latest ASR had", machine["recovery_point"]["id"] or "no id")),
                ("Achieved RPO (age of the point)", _seconds(machine["achieved_rpo_seconds"])),
                ("Achieved RTO (until the VM answered)", _seconds(machine["achieved_rto_seconds"])),
                ("Validation", ("passed" if validation.get("passed") else "failed") + (": " + checks if checks else "") if validation else "not run")]
        if machine["cleanup"] is not None:
            vm = machine["cleanup"].get("test_vm") or {}
            rows.append(("Cleanup", "%s, job %s; test VM %s %s" % (machine["cleanup"]["status"] or "not run", machine["cleanup"]["job_id"] or "none",
                                                                   vm.get("name") or "", "deleted (Azure no longer shows it)" if vm.get("deleted") else
                                                                   "not confirmed deleted")))
        parts.append("<dl>%s</dl>" % "".join("<dt>%s</dt><dd>%s</dd>" % (esc(k), esc(v)) for k, v in rows))
        parts.append("<table><thead><tr><th>Stage</th><th>Status</th><th>Start</th><th>End</th><th>Job</th><th>Seconds</th></tr></thead><tbody>")
        for stage in machine["stages"]:
            parts.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % tuple(
                esc(str(v if v is not None else "")) for v in (stage["title"], stage["status"], stage["start"], stage["end"], stage["job_id"],
                                                               stage["seconds"])))
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "".join(parts) + "\n"


def render_junit(data):
    """JUnit XML: one test suite, one test case per machine and stage (a failed stage is a failure, a skipped one skipped)."""
    cases = []
    for machine in data["machines"]:
        for stage in machine["stages"]:
            body = ""
            if stage["status"] == "failed":
                body = "<failure message=%s>%s</failure>" % (quoteattr(str(stage["reason"] or "failed")),
                                                             escape(str(machine["error"] or stage["reason"] or "")))
            elif stage["status"] in ("skipped", "would run"):
                body = "<skipped message=%s/>" % quoteattr(str(stage["reason"] or stage["status"]))
            cases.append("<testcase classname=%s name=%s time=\"%s\">%s</testcase>" % (
                quoteattr(machine["machine"]), quoteattr(stage["name"]), float(stage["seconds"] or 0), body))
    failures = sum(1 for c in cases if "<failure" in c)
    skipped = sum(1 for c in cases if "<skipped" in c)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name=%s tests="%d" failures="%d" skipped="%d">%s</testsuite>\n'
            % (quoteattr("siterecovery.vmware " + str(data.get("playbook") or "run")), len(cases), failures, skipped, "".join(cases)))
