# -*- coding: utf-8 -*-
"""Fixtures shared by the unit and integration tests."""

from __future__ import annotations

import json
import pathlib

import pytest
from labrunner import start_lab

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def recording():
    """Load a recorded ASR answer from tests/fixtures/recordings by file name."""

    def load(name):
        return json.loads((FIXTURES / "recordings" / name).read_text(encoding="utf-8"))

    return load


# The session's labs live as long as the whole suite: stopped by the fixtures at its end, their TTL is only the backstop for a
# pytest that was killed. 90 minutes ran out on a loaded 2-core machine (integration took 104 minutes there).
SESSION_TTL = 4 * 3600


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """The classic lab, started once for the test session and stopped after it."""
    running = start_lab(tmp_path_factory.mktemp("lab-classic"), ttl=SESSION_TTL)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def modernized_lab(tmp_path_factory):
    """The modernized lab, started once for the test session and stopped after it."""
    running = start_lab(tmp_path_factory.mktemp("lab-modernized"), scenario="modernized", ttl=SESSION_TTL)
    yield running
    running.stop()
