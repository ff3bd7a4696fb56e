# -*- coding: utf-8 -*-
"""siterecovery.vmware.drill and the validation before the commit, from the installed collection against the lab: the drill runs on both
generations and leaves no test VM; a drill whose validation fails still cleans up; a real failover whose validation fails is not
committed; every run writes its evidence report (HTML, JSON, JUnit XML)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree

import pytest
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


def test_a_drill_leaves_no_test_vm_and_writes_its_evidence(installed_env, any_lab, tmp_path):
    lab = any_lab
    hosts = "vm-lin-01:phys-01" if lab.scenario == "classic" else "vm-lin-01:vm-win-01:vm-win-02"
    before = [r for r in writes(lab) if r["path"].endswith(("/unplannedFailover", "/failoverCommit"))]
    done, seconds = playbook(installed_env, lab, tmp_path, "drill", hosts)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    print("drill of %s on the %s lab: %s s wall time" % (hosts, lab.scenario, seconds))
    assert _test_vms(lab) == []
    assert [r for r in writes(lab) if r["path"].endswith(("/unplannedFailover", "/failoverCommit"))] == before  # no production VM
    machines = hosts.split(":")
    assert all(control(lab, "state")["items"][m]["phase"].endswith("_protected") for m in machines)
    report = json.loads((tmp_path / "summary-evidence.json").read_text())
    assert report["totals"]["machines"] == len(machines) and report["totals"]["failed"] == 0
    for machine in report["machines"]:
        assert machine["kind"] == "drill" and machine["outcome"] == "passed"
        assert machine["validation"]["passed"] is True and machine["achieved_rto_seconds"] > 0
        assert machine["cleanup"]["status"] == "done" and machine["cleanup"]["test_vm"]["deleted"] is True
    cases = ElementTree.fromstring((tmp_path / "summary-evidence.junit.xml").read_text()).findall("testcase")
    assert {(c.get("classname"), c.get("name")) for c in cases} >= {(m, "validate_drill") for m in machines}
    html = (tmp_path / "summary-evidence.html").read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html


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
    # Once the VM answers, a second run validates it and commits.
    control(lab, "guest", "POST", item="phys-01", answers=True)
    done, _seconds = playbook(installed_env, lab, tmp_path, "failover", "phys-01", "asr_confirm_failover=true")
    assert done.returncode == 0, done.stdout
    assert control(lab, "state")["items"]["phys-01"]["phase"] == "classic_committed"
    report = json.loads((tmp_path / "summary-evidence.json").read_text())
    [machine] = report["machines"]
    assert machine["kind"] == "failover" and machine["validation"]["passed"] is True
