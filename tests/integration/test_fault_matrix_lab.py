# -*- coding: utf-8 -*-
"""The representative subset of the stage-by-fault matrix (issue #12), on the installed collection.

bench/fault_matrix.py runs every generation x stage x fault; this test runs its SUBSET with the same code: every
fault kind at least once, every stage, both generations, in two rounds per lab (one case per machine at a time).
Each transient fault must be ridden through, each other one must fail naming the machine, the stage, ASR's code, the
cause and the action, and complete on the rerun; every fault must be met, and no job may be started twice.
"""

from __future__ import annotations

import sys

from installed_collection import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from _benchlib import Checkout  # noqa: E402  pylint: disable=wrong-import-position  # bench/ is not a package
from fault_matrix import FAULTS, GENERATIONS, STAGES, SUBSET, run_matrix, table  # noqa: E402  pylint: disable=wrong-import-position


def test_the_subset_covers_every_fault_stage_and_generation():
    assert {c.fault for c in SUBSET} == {f.name for f in FAULTS}
    assert {c.stage for c in SUBSET} == {s.name for s in STAGES}
    assert {c.generation for c in SUBSET} == set(GENERATIONS)
    assert len(set(SUBSET)) == len(SUBSET)


def test_fault_matrix_subset(installed_env, tmp_path, capsys):
    checkout = Checkout(ROOT, tmp_path, collections=installed_env["ANSIBLE_COLLECTIONS_PATH"])
    results = run_matrix(checkout, SUBSET, progress=lambda line: None)
    text = table(results)
    with capsys.disabled():
        print("\nfault matrix, the test's subset:\n" + text)
    outcomes = [o for found in results.values() for o in found]
    assert len(outcomes) == len(SUBSET)
    wrong = ["%s %s / %s: first run %s, rerun %s, met %s, jobs %d (twice %d) %s; logs in %s" % (
        o.case.generation, o.case.stage, o.case.fault, o.first, o.rerun, o.met, o.jobs, o.twice, o.note, tmp_path)
        for o in outcomes if not o.ok()]
    assert not wrong, "\n".join(wrong)
    reads = [o for o in outcomes if o.case.fault == "three failed reads while waiting"]
    assert all(o.failed_read_lines == 3 for o in reads), "a line per failed read: %s" % [(o.machine, o.failed_read_lines) for o in reads]
