# -*- coding: utf-8 -*-
"""The source's power state after a failover with shutdown: what is reported and warned about (vCenter's answers stubbed)."""

from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils import _source_power as power
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError

PARAMS = dict(hostname="vc.example.com", username="u", password="p", port=443, validate_certs=True, ca_path=None)


def test_without_vsphere_options_nothing_is_read_or_warned():
    state, warning = power.source_power(dict(PARAMS, hostname=None), "vm-1")
    assert (state["checked"], state["power_state"], warning) == (False, None, None)
    assert "was not checked: give the vSphere options" in state["message"]
    assert power.vsphere_problems(dict(PARAMS, hostname=None)) == []


@pytest.mark.parametrize("found, checked, warned, fragment", [
    ([("vm-1", "poweredOff")], True, False, "the source VM vm-1 is powered off"),
    ([("vm-1", "poweredOn")], True, True, "the source VM vm-1 is still poweredOn after the failover with shutdown_source"),
    ([("vm-1", "suspended")], True, True, "is still suspended"),
    ([], False, False, "has no VM named vm-1 (a physical server"),
    ([("vm-1", "poweredOn"), ("vm-1", "poweredOff")], False, True, "has 2 VMs named vm-1"),
])
def test_what_vcenter_says(monkeypatch, found, checked, warned, fragment):
    monkeypatch.setattr(power, "_read", lambda params, name: found)
    state, warning = power.source_power(PARAMS, "vm-1")
    assert state["checked"] is checked and fragment in state["message"]
    assert bool(warning) is warned


def test_an_unreachable_vcenter_is_a_warning_not_a_failure(monkeypatch):
    def unreachable(params, name):
        raise SiteRecoveryError("vSphere: cannot reach vc.example.com:443: timed out", code="Unreachable")

    monkeypatch.setattr(power, "_read", unreachable)
    state, warning = power.source_power(PARAMS, "vm-1")
    assert state["checked"] is False and "cannot reach vc.example.com:443" in state["message"]
    assert warning.startswith("the failover is done, but the power state of vm-1 was not checked")


def test_given_vsphere_options_are_checked():
    assert any("username" in p or "vSphere user" in p for p in power.vsphere_problems(dict(PARAMS, username=None)))


def test_vsphere_options_left_in_the_environment_never_stop_a_failover_without_shutdown():
    assert power.vsphere_problems(dict(PARAMS, username=None, shutdown_source=False)) == []
    assert power.vsphere_problems(dict(PARAMS, username=None, shutdown_source=True))
