# -*- coding: utf-8 -*-
"""Fixtures shared by the unit and integration tests."""

from __future__ import annotations

import json
import pathlib

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def recording():
    """Load a recorded ASR answer from tests/fixtures/recordings by file name."""

    def load(name):
        return json.loads((FIXTURES / "recordings" / name).read_text(encoding="utf-8"))

    return load
