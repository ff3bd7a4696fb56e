# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the vCenter / ESXi connection options shared by the vSphere modules."""

from __future__ import annotations


class ModuleDocFragment:
    """hostname, username, password, port, validate_certs, ca_path, proxy_host, proxy_port."""

    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - The vCenter Server, or the standalone ESXi host, to connect to (a host name or an address, without scheme or path).
      - Required; the environment variable E(VMWARE_HOST) is used when the option is not set.
    type: str
  username:
    description:
      - The vSphere user, such as C(administrator@vsphere.local), or C(root) on an ESXi host.
      - Required; the environment variable E(VMWARE_USER) is used when the option is not set.
    type: str
    aliases: [user]
  password:
    description:
      - The vSphere user's password.
      - Required; the environment variable E(VMWARE_PASSWORD) is used when the option is not set.
      - Never shown in output or logs.
    type: str
    aliases: [pass, pwd]
  port:
    description:
      - The HTTPS port of the vSphere API.
      - The environment variable E(VMWARE_PORT) is used when the option is not set.
    type: int
    default: 443
  validate_certs:
    description:
      - Verify the server's TLS certificate (with O(ca_path), or the default CA bundle) and its name.
      - V(false) is for test benches only; the connection is then open to impersonation.
      - The environment variable E(VMWARE_VALIDATE_CERTS) is used when the option is not set.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates, or a directory of them, that the server's certificate must chain to.
      - When not set, the default CA bundle of the controller's Python is used (E(SSL_CERT_FILE) or the system's).
      - The environment variable E(VMWARE_CA_PATH) is used when the option is not set.
    type: path
  proxy_host:
    description:
      - The host name or address of an HTTP proxy that relays the HTTPS connection to the vSphere API (with C(CONNECT)),
        as vmware.vmware's modules take it. Requires O(proxy_port).
      - The server's certificate is still verified end to end, against O(hostname).
      - The environment variable E(VMWARE_PROXY_HOST) is used when the option is not set.
    type: str
  proxy_port:
    description:
      - The port of the HTTP proxy O(proxy_host).
      - The environment variable E(VMWARE_PROXY_PORT) is used when the option is not set.
    type: int
notes:
  - The connection always uses an explicit TLS context, so certificates are verified even for C(localhost) and C(127.0.0.1),
    which pyvmomi would otherwise skip.
requirements:
  - pyvmomi >= 8.0.1.0
"""
