# -*- coding: utf-8 -*-
"""Per-module labs: each test module that changes the vault's state gets labs of its own."""

from __future__ import annotations

import pytest
from asr_client import Items
from labrunner import start_lab


def _module_lab(request, tmp_path_factory, scenario):
    running = start_lab(tmp_path_factory.mktemp("%s-%s" % (scenario, request.module.__name__.rsplit(".", 1)[-1])), scenario)
    request.addfinalizer(running.stop)
    return Items(running)


@pytest.fixture(scope="module")
def classic(request, tmp_path_factory):
    """A classic lab for this test module, with the ASR SDK client and item helpers."""
    return _module_lab(request, tmp_path_factory, "classic")


@pytest.fixture(scope="module")
def modernized(request, tmp_path_factory):
    """A modernized lab for this test module, with the ASR SDK client and item helpers."""
    return _module_lab(request, tmp_path_factory, "modernized")
