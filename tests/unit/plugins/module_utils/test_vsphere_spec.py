# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params, vsphere_argument_spec

GOOD = dict(hostname="vcenter.example.com", username="administrator@vsphere.local", password="x", port=443, validate_certs=True,
            ca_path=None, proxy_host=None, proxy_port=None)


def test_proxy_options_take_vmware_vmwares_environment_variables():
    spec = vsphere_argument_spec()
    assert spec["proxy_host"]["fallback"][1] == ["VMWARE_PROXY_HOST"]
    assert spec["proxy_port"]["fallback"][1] == ["VMWARE_PROXY_PORT"] and spec["proxy_port"]["type"] == "int"


@pytest.mark.parametrize("changes, problem", [
    (dict(proxy_host="proxy.example.com", proxy_port=3128), None),
    (dict(proxy_host="proxy.example.com"), "proxy_host 'proxy.example.com' is given without proxy_port: set the option proxy_port or "
                                           "the environment variable VMWARE_PROXY_PORT"),
    (dict(proxy_port=3128), "proxy_port 3128 is given without proxy_host"),
    (dict(proxy_host="proxy.example.com", proxy_port=70000), "proxy_port 70000 is not a TCP port (1-65535)"),
    (dict(proxy_host="http://proxy.example.com", proxy_port=3128), "proxy_host 'http://proxy.example.com' must be a host name"),
])
def test_proxy_problems(changes, problem):
    problems = check_vsphere_params(dict(GOOD, **changes))
    assert problems == ([] if problem is None else [p for p in problems if problem in p]), problems
    assert len(problems) == (0 if problem is None else 1)
