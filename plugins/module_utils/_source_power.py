# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""After a failover that shut the source down: is the on-premises VM really off? Read from vCenter.

Private to the collection. The vSphere options are optional for the modules that use this: with
``hostname`` (or VMWARE_HOST) they are checked before any request (``vsphere_problems``); without it
the result says that the power state was not checked. The read itself never fails the task: the
failover is done by then, and an on-premises site that cannot be reached is a warning, not an error
(docs/ of the repository: the failover goes on when the shutdown fails).
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import HAS_PYVMOMI, VSphereClient, vsphere_error
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params


def vsphere_wanted(params):
    """The vSphere options are used (and so checked) only after a failover that shuts the source down: a VMWARE_HOST left in
    the environment must never stop a failover that does not need vCenter."""
    return bool(params.get("hostname")) and bool(params.get("shutdown_source", True))


def vsphere_problems(params):
    """The problems of the vSphere options when they are given (sentences; empty when none are given or all are well)."""
    if not vsphere_wanted(params):
        return []
    problems = check_vsphere_params(params)
    if not HAS_PYVMOMI:
        problems.append("the vSphere options need the Python library pyvmomi on the controller (pip install pyvmomi)")
    return problems


def _read(params, vm_name):
    client = VSphereClient.from_params(params)
    try:
        try:
            vms = client.find_vms(vm_name)
            return [(vm.name, str(vm.runtime.powerState)) for vm in vms]
        except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
            raise vsphere_error(exc, "reading the power state of %s" % vm_name) from exc
    finally:
        client.close()


def source_power(params, vm_name):
    """({checked, vm, power_state, message}, a warning or None) for the source VM ``vm_name`` after a failover with shutdown."""
    state = dict(checked=False, vm=vm_name, power_state=None)
    if not vsphere_wanted(params):
        state["message"] = "the power state of %s was not checked: give the vSphere options (hostname, username, password) to read it" % vm_name
        return state, None
    where = "%s:%s" % (params["hostname"], params["port"])
    try:
        found = _read(params, vm_name)
    except Exception as exc:  # pylint: disable=broad-except  # the failover is done: reading the source is best effort
        state["message"] = "the power state of %s was not checked: %s" % (vm_name, getattr(exc, "message", None) or exc)
        return state, "the failover is done, but " + state["message"] + "; make sure the source machine is off"
    if not found:
        state["message"] = "%s has no VM named %s (a physical server, or a VM of another vCenter): its power state was not checked" % (where, vm_name)
        return state, None
    if len(found) > 1:
        state["message"] = "%s has %d VMs named %s (%s): the source's power state was not checked" % (
            where, len(found), vm_name, ", ".join(power for _name, power in found))
        return state, "the failover is done, but " + state["message"] + "; make sure the source machine is off"
    name, power = found[0]
    state.update(checked=True, vm=name, power_state=power)
    if power == "poweredOff":
        state["message"] = "the source VM %s is powered off" % name
        return state, None
    state["message"] = "the source VM %s is still %s after the failover with shutdown_source" % (name, power)
    return state, "%s: shut it down now, or the machine runs on-premises and in Azure at once" % state["message"]
