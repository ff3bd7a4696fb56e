# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vSphere options every vCenter / ESXi module takes, defined once, and their checks.

Private to the collection. The documentation of these options is the doc fragment
``siterecovery.vmware.vsphere``.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import env_fallback

VSPHERE_SPEC = dict(
    hostname=dict(type="str", fallback=(env_fallback, ["VMWARE_HOST"])),
    username=dict(type="str", aliases=["user"], fallback=(env_fallback, ["VMWARE_USER"])),
    password=dict(type="str", aliases=["pass", "pwd"], no_log=True, fallback=(env_fallback, ["VMWARE_PASSWORD"])),
    port=dict(type="int", default=443, fallback=(env_fallback, ["VMWARE_PORT"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["VMWARE_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["VMWARE_CA_PATH"])),
    proxy_host=dict(type="str", fallback=(env_fallback, ["VMWARE_PROXY_HOST"])),
    proxy_port=dict(type="int", fallback=(env_fallback, ["VMWARE_PROXY_PORT"])),
)


def vsphere_argument_spec():
    """A fresh copy of the shared spec, to merge into a module's own options."""
    return {name: dict(option) for name, option in VSPHERE_SPEC.items()}


def check_vsphere_params(params):
    """Return the problems in the vSphere options, as sentences; empty when all is well (runs before any connection)."""
    problems = []
    for option, env_name, what in (("hostname", "VMWARE_HOST", "the vCenter or ESXi host"),
                                   ("username", "VMWARE_USER", "the vSphere user"),
                                   ("password", "VMWARE_PASSWORD", "the vSphere password")):
        if not params.get(option):
            problems.append("%s is required: set the option %s or the environment variable %s" % (what, option, env_name))
    host = params.get("hostname") or ""
    if "://" in host or "/" in host:
        problems.append("hostname %r must be a host name or address, without a scheme or path (the SDK path /sdk is added)" % host)
    port = params.get("port")
    if port is not None and not 0 < port < 65536:
        problems.append("port %r is not a TCP port (1-65535)" % port)
    proxy_host, proxy_port = params.get("proxy_host"), params.get("proxy_port")
    if proxy_host and proxy_port is None:
        problems.append("proxy_host %r is given without proxy_port: set the option proxy_port or the environment variable "
                        "VMWARE_PROXY_PORT to the proxy's port" % proxy_host)
    elif proxy_port is not None and not proxy_host:
        problems.append("proxy_port %s is given without proxy_host: set the option proxy_host or the environment variable "
                        "VMWARE_PROXY_HOST to the HTTP proxy's host name or address" % proxy_port)
    elif proxy_port is not None and not 0 < proxy_port < 65536:
        problems.append("proxy_port %r is not a TCP port (1-65535)" % proxy_port)
    if proxy_host and ("://" in proxy_host or "/" in proxy_host):
        problems.append("proxy_host %r must be a host name or address, without a scheme or path" % proxy_host)
    ca_path = params.get("ca_path")
    if ca_path and params.get("validate_certs", True) and not os.path.exists(ca_path):
        problems.append("ca_path %r does not exist: give a CA bundle file (PEM) or a directory of CA certificates" % ca_path)
    return problems
