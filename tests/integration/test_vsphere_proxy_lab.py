# -*- coding: utf-8 -*-
"""proxy_host / proxy_port (VMWARE_PROXY_HOST / VMWARE_PROXY_PORT): the vSphere connection goes through an HTTP proxy's
CONNECT tunnel, the certificate still verified against the vCenter's name; a proxy that is not there is named."""

from __future__ import annotations

import socket

from connect_proxy import ConnectProxy
from installed_collection import run_playbook, write_playbook
from lab_tasks import control

CHECK = {"name": "mt-lin-01", "protected_item": "vm-lin-01", "datastore": "ds-vmfs-02", "fail_on_failed_checks": False}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_vsphere_connection_goes_through_the_proxy(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    closed = free_port()
    tasks = [
        {"name": "through the proxy", "siterecovery.vmware.vmware_master_target": CHECK, "check_mode": True, "register": "proxied"},
        {"name": "a proxy that is not there", "siterecovery.vmware.vmware_master_target": dict(CHECK, proxy_port=closed),
         "check_mode": True, "register": "no_proxy", "ignore_errors": True},
        {"ansible.builtin.debug": {"msg": "{{ dict(proxied=proxied, no_proxy=no_proxy) }}"}},
    ]
    with ConnectProxy() as proxy:
        env = dict(installed_env, **lab.env, VMWARE_PROXY_HOST="127.0.0.1", VMWARE_PROXY_PORT=str(proxy.port))
        done, result = run_playbook(env, write_playbook(tmp_path, tasks))
    output = done.stdout + done.stderr
    assert lab.vcenter["password"] not in output
    assert done.returncode == 0, output[-4000:]
    proxied, no_proxy = result["msg"]["proxied"], result["msg"]["no_proxy"]
    assert not proxied.get("failed") and proxied["checks"], proxied
    vcenter = "%s:%s" % (lab.vcenter["host"], lab.vcenter["port"])
    assert proxy.targets and set(proxy.targets) == {vcenter}  # every vSphere request went through the tunnel
    assert no_proxy["failed"] and no_proxy["error"]["code"] == "Unreachable"
    assert "vSphere: cannot reach %s through the proxy 127.0.0.1:%s" % (vcenter, closed) in no_proxy["msg"]
    assert "check proxy_host and proxy_port (VMWARE_PROXY_HOST, VMWARE_PROXY_PORT)" in no_proxy["msg"]
