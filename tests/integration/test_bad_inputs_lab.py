# -*- coding: utf-8 -*-
"""The bad-input table (bench/bad_input_cases.py, issue #12) on the installed collection: the cases marked ``suite``.

Each fails with a sentence naming the option or variable, the value and what is allowed, with no write request
reaching the lab and no traceback in the output. The module cases of a lab generation run as one playbook (one task
per case); each variable case is one run of a collection playbook on the lab inventory. ``bench/bad_inputs.py`` runs
every case of the table and prints it. And reads that ride through throttling.
"""

from __future__ import annotations

import sys

import pytest
from installed_collection import BIN, ROOT
from lab_tasks import control, task

sys.path.insert(0, str(ROOT / "bench"))
from bad_input_cases import MODULE_CASES, VARIABLE_CASES  # noqa: E402  pylint: disable=wrong-import-position,import-error
from bad_inputs import run_module_cases, run_variable_case  # noqa: E402  pylint: disable=wrong-import-position,import-error

SUITE_MODULE_CASES = [c for c in MODULE_CASES if c["suite"]]
SUITE_VARIABLE_CASES = [c for c in VARIABLE_CASES if c["suite"]]
FIXTURE = {"classic": "lab", "modernized": "modernized_lab"}


@pytest.fixture(scope="module")
def module_rows(installed_env, request, tmp_path_factory):
    """{case id: row}, each generation's cases run once, as one playbook, when a test first asks for them."""
    rows = {}

    def row(case):
        if case["id"] not in rows:
            generation = case["lab"]
            lab = request.getfixturevalue(FIXTURE[generation])
            mine = [c for c in SUITE_MODULE_CASES if c["lab"] == generation]
            found, _batch = run_module_cases(BIN / "ansible-playbook", dict(installed_env, **lab.env), lab.info, mine,
                                             tmp_path_factory.mktemp("bad-inputs-" + generation), generation)
            control(lab, "reset", "POST")
            rows.update((r["id"], r) for r in found)
        return rows[case["id"]]

    return row


@pytest.mark.parametrize("case", SUITE_MODULE_CASES, ids=[c["id"] for c in SUITE_MODULE_CASES])
def test_a_bad_option_fails_clearly_before_any_write(module_rows, case):
    row = module_rows(case)
    assert row["ok"], "%s: %s\n%s" % (case["id"], "; ".join(row["problems"]), row["message"])


@pytest.mark.parametrize("case", SUITE_VARIABLE_CASES, ids=[c["id"] for c in SUITE_VARIABLE_CASES])
def test_a_bad_variable_stops_every_machine_before_any_write(installed_env, lab, tmp_path, case):
    row = run_variable_case(BIN / "ansible-playbook", dict(installed_env, **lab.env), lab.info, case, ROOT / "lab" / "inventory", tmp_path)
    assert row["ok"], "%s: %s\n%s" % (case["id"], "; ".join(row["problems"]), row["message"][-3000:])


def test_reads_ride_through_throttling_and_unavailability(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "reset", "POST")
    control(lab, "faults", "POST", kind="429", method="GET", path="/replicationProtectedItems$", count=2, retry_after=1)
    control(lab, "faults", "POST", kind="503", method="GET", path="/replicationJobs/", count=2, retry_after=1)
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure"})
    assert code == 0, result
    assert result["replicated_item"]["running_in"] == "azure"
    seen = [r["fault"] for r in control(lab, "requests") if r["fault"]]
    assert seen.count("429") >= 2 and seen.count("503") >= 2
