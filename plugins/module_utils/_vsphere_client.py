# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small pyvmomi client for vCenter and standalone ESXi hosts.

Private to the collection. Knows no Ansible: a module passes it the options and turns its
SiteRecoveryError into a failed task. It always connects with an explicit SSL context, because
pyvmomi skips certificate verification for localhost, 127.0.0.1 and ::1 when it is given none;
the context verifies the server with ``ca_path`` (or the default CA bundle) unless
``validate_certs`` is false. Reads return plain dicts and lists, so the rules that judge them
(_master_target_checks) need no pyvmomi.
"""

from __future__ import annotations

import http.client
import os
import ssl
import traceback

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, network_problem

try:
    from pyVim.connect import Disconnect, SmartConnect
    from pyVim.task import WaitForTask
    from pyVmomi import vim, vmodl
except ImportError:
    HAS_PYVMOMI = False
    PYVMOMI_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_PYVMOMI = True
    PYVMOMI_IMPORT_ERROR = None

# SCSI controller classes by the names the checks use.
SCSI_KINDS = (
    ("VirtualLsiLogicSASController", "lsilogic-sas"),
    ("VirtualLsiLogicController", "lsilogic"),
    ("ParaVirtualSCSIController", "pvscsi"),
    ("VirtualBusLogicController", "buslogic"),
)


# What to do when the vCenter or ESXi host was not reached, per kind of network failure (_errors.network_problem).
_UNREACHABLE_ACTIONS = {
    None: "check hostname and port (VMWARE_HOST, VMWARE_PORT), DNS and the firewall",
    "refused": "check that hostname and port (VMWARE_HOST, VMWARE_PORT) name the vCenter's HTTPS endpoint (443 by default) and that it runs",
    "dns": "check hostname (VMWARE_HOST) and the controller's DNS",
    "reset": "check the proxy or firewall between the controller and the vCenter, and that port (VMWARE_PORT) is its HTTPS port",
    "timeout": "check the route and firewall between the controller and the vCenter (port VMWARE_PORT)",
    "tls": "check that port (VMWARE_PORT) is the vCenter's HTTPS port",
}


def ssl_context(validate_certs=True, ca_path=None):
    """The explicit SSL context of every connection: verifying (ca_path or the default bundle) unless told not to."""
    if not validate_certs:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if ca_path and os.path.isdir(ca_path):
        return ssl.create_default_context(capath=ca_path)
    return ssl.create_default_context(cafile=ca_path or None)


def _fault_text(fault):
    text = getattr(fault, "msg", None) or ""
    for message in getattr(fault, "faultMessage", None) or []:
        if getattr(message, "message", None) and message.message not in text:
            text = (text + " " + message.message).strip()
    return text or type(fault).__name__


def _fault_code(fault):
    name = getattr(type(fault), "_wsdlName", None) or type(fault).__name__
    return name.rsplit(".", 1)[-1]


def vsphere_error(exc, context):
    """A SiteRecoveryError for a vSphere fault or network error raised while doing ``context``."""
    if isinstance(exc, SiteRecoveryError):
        return exc
    if HAS_PYVMOMI and isinstance(exc, vmodl.MethodFault):
        error = SiteRecoveryError("vSphere: %s failed: %s" % (context, _fault_text(exc)), code=_fault_code(exc))
        if isinstance(exc, vim.fault.NoPermission):
            error.recommended_action = "give the vSphere user the privilege %s" % (getattr(exc, "privilegeId", None) or "the task needs")
        return error
    return SiteRecoveryError("vSphere: %s failed: %s: %s" % (context, type(exc).__name__, exc), code=type(exc).__name__)


def _mount_of(datastore, host):
    for mount in datastore.host or []:
        if mount.key == host:
            return mount.mountInfo
    return None


def _snapshot_names(trees):
    names = []
    for tree in trees or []:
        names.append(tree.name)
        names.extend(_snapshot_names(tree.childSnapshotList))
    return names


class VSphereClient:
    """One session with a vCenter or an ESXi host."""

    def __init__(self, service, hostname=None):
        self.service = service
        self.hostname = hostname
        self.content = service.RetrieveContent()

    @classmethod
    def from_params(cls, params, timeout=60):
        """Log in with the options of ``_vsphere_spec`` (hostname, username, password, port, TLS, proxy): every module's way in."""
        return cls.connect(params["hostname"], params["username"], params["password"], port=params["port"],
                           validate_certs=params["validate_certs"], ca_path=params["ca_path"], timeout=timeout,
                           proxy_host=params.get("proxy_host"), proxy_port=params.get("proxy_port"))

    @classmethod
    def connect(cls, hostname, username, password, port=443, validate_certs=True, ca_path=None, timeout=60,  # pylint: disable=too-many-arguments
                proxy_host=None, proxy_port=None):
        """Log in; a SiteRecoveryError that says what to fix when the host cannot be reached, trusted or logged in to.

        With ``proxy_host``, the HTTPS connection goes through that HTTP proxy (a CONNECT tunnel), as vmware.vmware's.
        """
        where = "%s:%s" % (hostname, port)
        proxy = dict(httpProxyHost=proxy_host, httpProxyPort=int(proxy_port)) if proxy_host else {}
        through = " through the proxy %s:%s" % (proxy_host, proxy_port) if proxy_host else ""
        try:
            context = ssl_context(validate_certs, ca_path)
        except (OSError, ssl.SSLError) as exc:
            raise SiteRecoveryError("vSphere: cannot read the CA certificates %s: %s" % (ca_path, exc), code="VSphereCaPath",
                                    recommended_action="set ca_path (VMWARE_CA_PATH) to a readable PEM bundle or directory") from exc
        try:
            service = SmartConnect(host=hostname, port=int(port), user=username, pwd=password, sslContext=context,
                                   httpConnectionTimeout=timeout, **proxy)
        except vim.fault.InvalidLogin as exc:
            raise SiteRecoveryError("vSphere: login to %s as %s failed: %s" % (where, username, _fault_text(exc)), code="InvalidLogin",
                                    recommended_action="check username and password (VMWARE_USER, VMWARE_PASSWORD)") from exc
        except ssl.SSLCertVerificationError as exc:
            raise SiteRecoveryError(
                "vSphere: the certificate of %s is not trusted: %s" % (where, exc.verify_message or exc), code="CertificateVerifyFailed",
                recommended_action="set ca_path (VMWARE_CA_PATH) to the CA bundle that signed the server's certificate, and connect by the name "
                                   "the certificate carries; validate_certs: false only on a test bench") from exc
        except ssl.SSLError as exc:
            raise SiteRecoveryError("vSphere: TLS with %s failed: %s" % (where, exc), code="TlsError") from exc
        except (OSError, http.client.HTTPException) as exc:
            problem = network_problem(exc, where)
            action = _UNREACHABLE_ACTIONS.get(problem[0] if problem else None, _UNREACHABLE_ACTIONS[None])
            if proxy_host:
                action = "check proxy_host and proxy_port (VMWARE_PROXY_HOST, VMWARE_PROXY_PORT), and that the proxy lets CONNECT through to " \
                         "%s; then %s" % (where, action)
            raise SiteRecoveryError("vSphere: cannot reach %s%s: %s" % (where, through, problem[2] if problem else exc), code="Unreachable",
                                    recommended_action=action) from exc
        except vmodl.MethodFault as exc:
            raise vsphere_error(exc, "logging in to %s" % where) from exc
        return cls(service, hostname)

    def close(self):
        if self.service is not None:
            try:
                Disconnect(self.service)
            except Exception:  # pylint: disable=broad-except  # logging out is best effort
                pass
            self.service = None

    # ---- what the server is ------------------------------------------------------------------

    def about(self):
        about = self.content.about
        return dict(api_type=about.apiType, version=about.version, build=about.build, name=about.fullName, instance_uuid=about.instanceUuid)

    @property
    def is_vcenter(self):
        return self.content.about.apiType == "VirtualCenter"

    # ---- finding ----------------------------------------------------------------------------

    def _collect(self, kind, paths):
        """[(object, {path: value})] of every ``kind`` object, read in one round of the PropertyCollector."""
        view = self.content.viewManager.CreateContainerView(self.content.rootFolder, [kind], True)
        try:
            collector = self.content.propertyCollector
            traversal = vmodl.query.PropertyCollector.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
            spec = vmodl.query.PropertyCollector.FilterSpec(
                objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
                propSet=[vmodl.query.PropertyCollector.PropertySpec(type=kind, pathSet=list(paths), all=False)],
            )
            rows = []
            result = collector.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
            while result is not None:
                rows.extend((o.obj, dict((p.name, p.val) for p in o.propSet)) for o in result.objects)
                if not result.token:
                    break
                result = collector.ContinueRetrievePropertiesEx(result.token)
            return rows
        finally:
            view.Destroy()

    def find_vms(self, name):
        """The VMs (not templates) named ``name``; case-insensitive when no name matches exactly."""
        rows = [(vm, props) for vm, props in self._collect(vim.VirtualMachine, ["name", "config.template"]) if not props.get("config.template")]
        exact = [vm for vm, props in rows if props.get("name") == name]
        return exact or [vm for vm, props in rows if (props.get("name") or "").lower() == name.lower()]

    def find_vm_by_address(self, ip_address=None, dns_name=None):
        """The VM whose guest reports ``ip_address`` or ``dns_name`` (VMware Tools must run), or None."""
        index = self.content.searchIndex
        if ip_address:
            found = index.FindByIp(ip=ip_address, vmSearch=True)
            if found is not None:
                return found
        if dns_name:
            return index.FindByDnsName(dnsName=dns_name, vmSearch=True)
        return None

    # ---- facts ------------------------------------------------------------------------------

    def vm_facts(self, vm):
        """What the master target checks read of a VM, as plain values."""
        config = vm.config
        guest = vm.guest
        runtime = vm.runtime
        host = runtime.host
        controllers = []
        disks = []
        for device in config.hardware.device if config else []:
            if isinstance(device, vim.vm.device.VirtualSCSIController):
                kind = next((k for cls, k in SCSI_KINDS if isinstance(device, getattr(vim.vm.device, cls))), type(device).__name__)
                controllers.append(kind)
            elif isinstance(device, vim.vm.device.VirtualDisk):
                backing = device.backing
                store = getattr(backing, "datastore", None)
                disks.append(dict(label=device.deviceInfo.label if device.deviceInfo else str(device.key), uuid=getattr(backing, "uuid", None) or None,
                                  file=getattr(backing, "fileName", None), datastore=store.name if store is not None else None,
                                  capacity_gb=round((device.capacityInKB or 0) / 1048576.0, 2)))
        addresses = []
        if guest is not None:
            addresses = [guest.ipAddress] if guest.ipAddress else []
            for nic in guest.net or []:
                addresses.extend(a for a in nic.ipAddress or [] if a not in addresses)
        parent = host.parent if host is not None else None
        return dict(
            name=vm.name, moid=vm._moId, guest_id=config.guestId if config else None,  # pylint: disable=protected-access
            guest_full_name=(guest.guestFullName if guest is not None and guest.guestFullName else None) or (config.guestFullName if config else None),
            guest_family=guest.guestFamily if guest is not None else None,
            power_state=str(runtime.powerState), tools_running_status=guest.toolsRunningStatus if guest is not None else None,
            tools_status=str(guest.toolsStatus) if guest is not None and guest.toolsStatus else None,
            guest_host_name=guest.hostName if guest is not None else None, ip_addresses=addresses,
            instance_uuid=config.instanceUuid if config else None,
            extra_config=dict((o.key, o.value) for o in (config.extraConfig if config else None) or []),
            scsi_controllers=controllers, disks=disks, snapshots=_snapshot_names(vm.snapshot.rootSnapshotList if vm.snapshot else []),
            datastores=[ds.name for ds in vm.datastore or []],
            host=host.name if host is not None else None,
            cluster=parent.name if isinstance(parent, vim.ClusterComputeResource) else None,
            host_managed_by=host.summary.managementServerIp if host is not None and host.summary else None,
        )

    def disk_uuids_elsewhere(self, vm):
        """{disk UUID (lower case): [names of the other VMs that have a disk with it]}, templates left out."""
        found = {}
        for other, props in self._collect(vim.VirtualMachine, ["name", "config.template", "config.hardware.device"]):
            if other == vm or props.get("config.template"):
                continue
            for device in props.get("config.hardware.device") or []:
                if isinstance(device, vim.vm.device.VirtualDisk):
                    uuid = getattr(device.backing, "uuid", None)
                    if uuid:
                        found.setdefault(uuid.lower(), []).append(props.get("name"))
        return found

    @staticmethod
    def host_datastores(host):
        """Each datastore ``host`` mounts: name, type, access_mode, mounted, accessible, capacity and free bytes, datastore cluster."""
        rows = []
        for datastore in host.datastore or []:
            mount = _mount_of(datastore, host)
            summary = datastore.summary
            parent = datastore.parent
            rows.append(dict(
                name=datastore.name, type=summary.type, access_mode=mount.accessMode if mount else None,
                mounted=bool(mount.mounted) if mount and mount.mounted is not None else mount is not None,
                accessible=bool(summary.accessible) and (mount.accessible is not False if mount else False),
                capacity_bytes=summary.capacity, free_bytes=summary.freeSpace,
                datastore_cluster=parent.name if isinstance(parent, vim.StoragePod) else None,
            ))
        return rows

    # ---- Storage DRS and DRS VM overrides ------------------------------------------------------

    @staticmethod
    def storage_pods(vm):
        """The datastore clusters that hold the VM's files or disks, with Storage DRS's settings and the VM's override."""
        pods = []
        for datastore in vm.datastore or []:
            pod = datastore.parent
            if not isinstance(pod, vim.StoragePod) or any(p["pod"] == pod for p in pods):
                continue
            config = pod.podStorageDrsEntry.storageDrsConfig if pod.podStorageDrsEntry else None
            override = next((c for c in (config.vmConfig if config else None) or [] if c.vm == vm), None)
            pods.append(dict(
                pod=pod, datastore_cluster=pod.name,
                sdrs_enabled=bool(config.podConfig.enabled) if config and config.podConfig else False,
                default_behavior=config.podConfig.defaultVmBehavior if config and config.podConfig else None,
                override=None if override is None else dict(enabled=override.enabled, behavior=override.behavior),
            ))
        return pods

    def disable_storage_drs(self, pod, vm, operation):
        """Add or edit the VM's Storage DRS override in ``pod``: automation disabled (``enabled`` false)."""
        info = vim.storageDrs.VmConfigInfo(vm=vm, enabled=False)
        spec = vim.storageDrs.ConfigSpec(vmConfigSpec=[vim.storageDrs.VmConfigSpec(operation=operation, info=info)])
        self.wait(self.content.storageResourceManager.ConfigureStorageDrsForPod_Task(pod=pod, spec=spec, modify=True),
                  "disabling Storage DRS for %s in datastore cluster %s" % (vm.name, pod.name))

    @staticmethod
    def drs_override(vm):
        """The VM's cluster, DRS's settings and the VM's DRS override; None when the host is in no cluster."""
        host = vm.runtime.host
        cluster = host.parent if host is not None else None
        if not isinstance(cluster, vim.ClusterComputeResource):
            return None
        config = cluster.configurationEx
        override = next((c for c in config.drsVmConfig or [] if c.key == vm), None)
        return dict(cluster_object=cluster, cluster=cluster.name, drs_enabled=bool(config.drsConfig.enabled),
                    default_behavior=str(config.drsConfig.defaultVmBehavior) if config.drsConfig.defaultVmBehavior else None,
                    override=None if override is None else dict(enabled=override.enabled, behavior=str(override.behavior) if override.behavior else None))

    def set_drs_override(self, cluster, vm, operation, behavior):
        """Add or edit the VM's DRS override: ``behavior`` manual, partiallyAutomated, fullyAutomated, or disabled."""
        info = vim.cluster.DrsVmConfigInfo(key=vm, enabled=behavior != "disabled")
        if behavior != "disabled":
            info.behavior = behavior
        spec = vim.cluster.ConfigSpecEx(drsVmConfigSpec=[vim.cluster.DrsVmConfigSpec(operation=operation, info=info)])
        self.wait(cluster.ReconfigureComputeResource_Task(spec=spec, modify=True), "setting the DRS override of %s in cluster %s" % (vm.name, cluster.name))

    @staticmethod
    def wait(task, context):
        try:
            WaitForTask(task)
        except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
            raise vsphere_error(exc, context) from exc
