# -*- coding: utf-8 -*-
"""Fixtures: the collection built with ansible-galaxy and installed in a temporary path."""

from __future__ import annotations

import pytest
from installed_collection import BIN, ROOT, clean_env, run
from labrunner import control, start_lab


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", str(out), str(ROOT)], env=clean_env(out))
    [built] = list(out.glob("siterecovery-vmware-*.tar.gz"))
    return built


@pytest.fixture(scope="module")
def installed_env(tarball, tmp_path_factory):
    collections = tmp_path_factory.mktemp("collections")
    env = clean_env(collections)
    done = run([BIN / "ansible-galaxy", "collection", "install", "-p", str(collections), str(tarball)], env=env)
    assert "siterecovery.vmware:%s was installed successfully" % tarball.name[len("siterecovery-vmware-"):-len(".tar.gz")] in done.stdout
    return env


@pytest.fixture(scope="module")
def own_lab(tmp_path_factory, request):
    """A classic lab of the test module's own, for tests that move machines through the cycle (tests/conftest.py's
    ``lab`` is one lab for the whole session)."""
    running = start_lab(tmp_path_factory.mktemp("lab-" + request.module.__name__.rsplit(".", 1)[-1]), ttl=3600)
    yield running
    running.stop()


@pytest.fixture
def fresh(own_lab):
    """The module's own lab back at its scenario's start."""
    control(own_lab, "reset", "POST")
    return own_lab
