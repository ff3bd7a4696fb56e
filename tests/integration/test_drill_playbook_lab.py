# -*- coding: utf-8 -*-
"""siterecovery.vmware.drill and the validation before the commit, from the installed collection against the lab: the drill runs on both
generations and leaves no test VM; a drill whose validation fails still cleans up; a real failover whose validation fails is not
committed; every run writes its evidence report (HTML, JSON, JUnit XML)."""

from __future__ import annotations

import json
import time
from xml.etree import ElementTree

import pytest
from browser import check_layout, render
from installed_collection import BIN, ROOT, run
from lab_tasks import control, writes
from labrunner import start_lab


@pytest.fixture(scope="module", params=["classic", "modernized"])
def any_lab(request, tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("drillbook-" + request.param), request.param)
    yield running
    running.stop()


def playbook(installed_env, lab, tmp_path, name, hosts, *extra):
    env = dict(installed_env, **lab.env)
    started = time.monotonic()
    done = run([BIN / "ansible-playbook", "-i", str(ROOT / "lab" / "inventory"), "siterecovery.vmware." + name, "-e", "asr_hosts=" + hosts,
                "-e", "asr_summary_file=%s" % (tmp_path / "summary.json")] + [a for e in extra for a in ("-e", e)],
               env=env, cwd=tmp_path, check=False)
    return done, round(time.monotonic() - started, 1)


def _test_vms(lab):
    return [vm["name"] for vm in control(lab, "state")["azure_vms"] if vm["name"].endswith("-test")]


# The user's own checks (asr_validation_tasks): connect to the VM as the application would, then an application check that fails
# on one machine (a task that errors: its drill still cleans up).
USER_CHECKS = """
- name: The application's port answers
  ansible.builtin.wait_for:
    host: "{{ asr_vm.private_ip }}"
    port: "{{ asr_vm.port }}"
    timeout: 30
  delegate_to: localhost
- name: The application's own check
  ansible.builtin.assert:
    that: inventory_hostname != failing_machine
    fail_msg: the application of {{ inventory_hostname }} did not answer its health check
"""


def test_a_drill_leaves_no_test_vm_and_writes_its_evidence(installed_env, any_lab, tmp_path):
    lab = any_lab
    hosts = "vm-lin-01:phys-01" if lab.scenario == "classic" else "vm-lin-01:vm-win-01:vm-win-02"
    machines = hosts.split(":")
    failing = machines[-1]
    (tmp_path / "checks.yml").write_text(USER_CHECKS)
    before = [r for r in writes(lab) if r["path"].endswith(("/unplannedFailover", "/failoverCommit"))]
    done, seconds = playbook(installed_env, lab, tmp_path, "drill", hosts, "asr_validation_tasks=%s" % (tmp_path / "checks.yml"),
                             "failing_machine=" + failing)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "the application of %s did not answer its health check" % failing in output, output
    print("drill of %s on the %s lab: %s s wall time" % (hosts, lab.scenario, seconds))
    assert _test_vms(lab) == []
    assert [r for r in writes(lab) if r["path"].endswith(("/unplannedFailover", "/failoverCommit"))] == before  # no production VM
    assert all(control(lab, "state")["items"][m]["phase"].endswith("_protected") for m in machines)
    report = json.loads((tmp_path / "summary-evidence.json").read_text())
    assert report["totals"]["machines"] == len(machines) and report["totals"]["failed"] == 1
    outcomes = {m: "failed" if m == failing else "passed" for m in machines}
    for machine in report["machines"]:
        assert machine["kind"] == "drill" and machine["outcome"] == outcomes[machine["machine"]], machine
        assert machine["cleanup"]["status"] == "done" and machine["cleanup"]["test_vm"]["deleted"] is True
        if outcomes[machine["machine"]] == "passed":
            assert machine["validation"]["passed"] is True and machine["achieved_rto_seconds"] > 0
    cases = ElementTree.fromstring((tmp_path / "summary-evidence.junit.xml").read_text()).findall("testcase")
    assert {(c.get("classname"), c.get("name")) for c in cases} >= {(m, "validate_drill") for m in machines}
    assert [c.get("classname") for c in cases if c.find("failure") is not None] == [failing]
    html = (tmp_path / "summary-evidence.html").read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    # What a reader sees, as Chromium lays the page out: the totals, every machine with its outcome, nothing cut off.
    seen = render(tmp_path / "summary-evidence.html", tmp_path)
    check_layout(seen, outcomes)
    assert "Machines\n%d" % len(machines) in seen["text"] and "Failed\n1" in seen["text"], seen["text"]
    assert all("deleted (Azure no longer shows it)" in s["text"] for s in seen["sections"])


def test_a_drill_whose_validation_fails_still_cleans_up(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    done, _seconds = playbook(installed_env, lab, tmp_path, "drill", "vm-lin-01", "asr_validation_timeout=2")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "did not pass its validation within 2 s" in output, output
    assert _test_vms(lab) == [] and control(lab, "state")["items"]["vm-lin-01"]["phase"] == "classic_protected"
    report = json.loads((tmp_path / "summary-evidence.json").read_text())
    [machine] = report["machines"]
    assert machine["outcome"] == "failed" and machine["cleanup"]["test_vm"]["deleted"] is True
    # A narrow window: the failed machine's long message wraps; its section says failed, and why.
    seen = render(tmp_path / "summary-evidence.html", tmp_path, width=500)
    check_layout(seen, {"vm-lin-01": "failed"})
    assert "did not pass its validation within 2 s" in seen["sections"][0]["text"]


def test_a_drill_of_another_run_is_refused_then_cleaned_up_when_asked(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    done, _seconds = playbook(installed_env, lab, tmp_path, "drill", "vm-lin-01", "asr_drill_keep=true")
    assert done.returncode == 0 and _test_vms(lab) == ["vm-lin-01-test"], done.stdout
    sent = len(writes(lab))
    done, _seconds = playbook(installed_env, lab, tmp_path, "drill", "vm-lin-01")
    assert done.returncode != 0 and "a drill of another run waits for its cleanup" in done.stdout + done.stderr
    assert len(writes(lab)) == sent
    done, _seconds = playbook(installed_env, lab, tmp_path, "drill", "vm-lin-01", "asr_drill_cleanup_pending=true")
    assert done.returncode == 0, done.stdout
    assert _test_vms(lab) == []


def test_a_failover_whose_validation_fails_is_not_committed(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    control(lab, "guest", "POST", item="phys-01", answers=False)
    done, _seconds = playbook(installed_env, lab, tmp_path, "failover", "phys-01", "asr_confirm_failover=true", "asr_validation_timeout=2")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "The failover was NOT committed" in output and "change the recovery point" in output and "cancel the failover" in output
    assert control(lab, "state")["items"]["phys-01"]["phase"] == "classic_failed_over"
    assert not [r for r in writes(lab) if r["path"].endswith("/failoverCommit")]
    report = json.loads((tmp_path / "summary-evidence.json").read_text())
    [machine] = report["machines"]
    assert machine["kind"] == "failover" and machine["outcome"] == "failed" and machine["validation"]["passed"] is False
    assert [s["status"] for s in machine["stages"] if s["name"] in ("failover_to_azure", "validate_recovery")] == ["done", "failed"]
