# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight rules, as data: what each checks, before which step, its limits, and the row it comes from.

Private to the collection. Data only: no logic, no Ansible, no I/O. ``_preflight.py`` evaluates
each rule (by its ``name``) and ``docs/preflight.md`` lists them; a unit test keeps the two equal.
A rule whose ``observable`` is False is a documented requirement that neither ASR's record nor
Azure tells, so no check is made for it: the documentation says what to verify by hand. An ``optional``
rule gives a check only when the module was given what it needs (its evaluator returns None otherwise).
"""

from __future__ import annotations

MATRIX = "https://learn.microsoft.com/azure/site-recovery/vmware-physical-azure-support-matrix"
AZURE_VM_REQUIREMENTS = MATRIX + "#azure-vm-requirements"
STORAGE = MATRIX + "#storage"
REPLICATED_MACHINES = MATRIX + "#replicated-machines"
FAILOVER_PROCESSING = "https://learn.microsoft.com/azure/site-recovery/site-recovery-failover#failover-processing"
FAILBACK = "https://learn.microsoft.com/azure/site-recovery/vmware-azure-failback"
FAILBACK_MODERNIZED = "https://learn.microsoft.com/azure/site-recovery/failover-failback-overview-modernized"
VM_SIZES = "https://learn.microsoft.com/azure/virtual-machines/sizes"
VCPU_QUOTAS = "https://learn.microsoft.com/azure/virtual-machines/quotas"
RESOURCE_SKUS = "https://learn.microsoft.com/rest/api/compute/resource-skus/list"
IP_AVAILABILITY = "https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/check-ip-address-availability"
AZURE_RESERVED_IPS = ("https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq"
                      "#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets")
ITEM_RECORD = "ASR replicated item record"

GIB = 1024 ** 3
FAILOVER = ("failover",)
FAILBACK_ONLY = ("failback",)
BOTH = ("failover", "failback")

# Guest operating systems, matched in order against the item's OS name (case-insensitive regular expressions).
# "unsupported": ASR refuses or only migrates them; "supported": a family the support matrix lists.
OPERATING_SYSTEMS = (
    dict(pattern=r"\b(32-bit|x86|i[3-6]86)\b", verdict="unsupported", why="a 32-bit operating system"),
    dict(pattern=r"windows server 2008(?! r2)", verdict="unsupported", why="Windows Server 2008 (not R2) is supported for migration only"),
    dict(pattern=r"windows server 2003|windows xp|windows vista", verdict="unsupported", why="not in the support matrix's list"),
    dict(pattern=r"windows server (2008 r2|2012|2016|2019|2022|2025)", verdict="supported"),
    dict(pattern=r"windows (7|8|8\.1|10|11)\b", verdict="supported"),
    dict(pattern=r"red hat|rhel|centos|oracle linux|ubuntu|debian|suse|sles|rocky|alma", verdict="supported"),
)

RULES = (
    # ---- where the machine is, and what ASR allows ----------------------------------------------------
    dict(name="running_in", before=BOTH, observable=True,
         summary="The machine runs on the side the step leaves: on-premises before a failover, in Azure before a failback.",
         source=ITEM_RECORD + " (provider and activeLocation, docs/architecture.md)"),
    dict(name="operation_allowed", before=BOTH, observable=True,
         summary="ASR allows the step now (UnplannedFailover to Azure; UnplannedFailover (classic) or PlannedFailover (modernized) back; "
                 "before the reprotect to on-premises, SwitchProtection or Commit).",
         source=ITEM_RECORD + " (allowedOperations)"),
    dict(name="reprotected", before=FAILBACK_ONLY, observable=True,
         summary="The machine replicates back to on-premises (reprotected); a warning while the reprotect is still to be done.",
         source=FAILBACK + " (Prerequisites: complete the reprotect steps)"),
    dict(name="replication_health", before=BOTH, observable=True,
         summary="Replication health is Normal (Warning warns, Critical fails), with ASR's health errors as the reason.",
         source=FAILBACK + " (Steps to fail back: protected state, health OK); " + ITEM_RECORD + " (replicationHealth, healthErrors)"),
    dict(name="resync_required", before=BOTH, observable=True,
         summary="No resynchronisation is pending.",
         source=ITEM_RECORD + " (resyncRequired, RepairReplication allowed)"),
    dict(name="recovery_point", before=BOTH, observable=True,
         summary="At least one recovery point exists.",
         source=FAILBACK + " (a virtual machine can't fail back until it has at least one recovery point)"),
    dict(name="rpo", before=BOTH, observable=True,
         summary="The newest recovery point is no older than rpo_threshold minutes (a warning: the step works, with more data lost).",
         source=ITEM_RECORD + " (recovery points, rpoInSeconds)"),
    # ---- Azure VM requirements (support matrix) ---------------------------------------------------------
    dict(name="vm_name", before=FAILOVER, observable=True, min_length=1, max_length=63, pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$",
         summary="The recovery VM's name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit.",
         source=AZURE_VM_REQUIREMENTS + " (VM name)"),
    dict(name="os_architecture", before=FAILOVER, observable=True,
         summary="The guest operating system is 64-bit.",
         source=AZURE_VM_REQUIREMENTS + " (Guest operating system architecture)"),
    dict(name="os_supported", before=FAILOVER, observable=True,
         summary="The guest operating system is one the support matrix lists (unknown names warn).",
         source=AZURE_VM_REQUIREMENTS + " (Guest operating system); " + REPLICATED_MACHINES),
    dict(name="os_disk_count", before=FAILOVER, observable=True, count=1,
         summary="Exactly one OS disk.",
         source=AZURE_VM_REQUIREMENTS + " (Operating system disk count)"),
    dict(name="os_disk_size", before=FAILOVER, observable=True, max_gb={"BIOS": 2048, "UEFI": 4095},
         summary="OS disk up to 2,048 GB for generation 1 (BIOS) machines, 4,095 GB for generation 2 (UEFI).",
         source=AZURE_VM_REQUIREMENTS + " (Operating system disk size)"),
    dict(name="data_disk_size", before=FAILOVER, observable=True, min_gb=1, max_gb=32767,
         summary="Each data disk at least 1 GB and up to 32 TB (managed disks, Mobility service 9.41 onwards).",
         source=AZURE_VM_REQUIREMENTS + " (Data disk size)"),
    dict(name="data_disk_count", before=FAILOVER, observable=True, max_count=64,
         summary="64 data disks or fewer, and no more than the target size attaches (MaxDataDiskCount).",
         source=AZURE_VM_REQUIREMENTS + " (Data disk count); " + VM_SIZES),
    dict(name="nic_count", before=FAILOVER, observable=True,
         summary="No more network adapters than the target size takes (MaxNetworkInterfaces).",
         source=AZURE_VM_REQUIREMENTS + " (Network adapters); " + VM_SIZES),
    dict(name="boot_firmware", before=FAILOVER, observable=True, unsupported_uefi=r"windows server 2008",
         summary="A UEFI machine needs a target size offering generation 2 (HyperVGenerations V2); Windows Server 2008 and 2008 R2 with "
                 "UEFI are not supported.",
         source=STORAGE + " (Guest/server EFI/UEFI boot)"),
    dict(name="shared_disk", before=FAILOVER, observable=False,
         summary="No shared VHD, FC disk, shared cluster disk, guest iSCSI, Storage Spaces or encrypted disk: ASR's prerequisites check "
                 "refuses them when replication is enabled, and its record does not carry them.",
         source=AZURE_VM_REQUIREMENTS + " (Shared VHD, FC disk); " + STORAGE + " (Guest/server shared cluster disk, encrypted disk, iSCSI)"),
    dict(name="bitlocker", before=FAILOVER, observable=False,
         summary="BitLocker stays disabled while the machine replicates (verify in the guest).",
         source=AZURE_VM_REQUIREMENTS + " (BitLocker)"),
    # ---- the Azure side ---------------------------------------------------------------------------------
    dict(name="target_size_offered", before=FAILOVER, observable=True,
         summary="The target VM size is offered to the subscription in the target region (no location restriction).",
         source=RESOURCE_SKUS + " (resourceType virtualMachines, restrictions)"),
    dict(name="quota_family", before=FAILOVER, observable=True,
         summary="The size family's vCPU quota in the target region has the size's vCPUs left.",
         source=VCPU_QUOTAS + " (vCPU quotas per VM family)"),
    dict(name="quota_regional", before=FAILOVER, observable=True,
         summary="The region's total vCPU quota has the size's vCPUs left.",
         source=VCPU_QUOTAS + " (Total Regional vCPUs)"),
    dict(name="target_network", before=FAILOVER, observable=True,
         summary="The target virtual network exists.",
         source=ITEM_RECORD + " (selectedRecoveryAzureNetworkId / targetNetworkId) and Microsoft.Network"),
    dict(name="target_subnet", before=FAILOVER, observable=True,
         summary="The target subnet is in that network.",
         source=ITEM_RECORD + " (recoverySubnetName / targetSubnetName) and Microsoft.Network"),
    dict(name="static_ip", before=FAILOVER, observable=True, reserved_first=4,
         summary="A static target address is in the subnet, not one Azure reserves (the first four and the last), and free.",
         source=AZURE_RESERVED_IPS + "; " + IP_AVAILABILITY),
    # ---- the runbook's warning of a longer failover -----------------------------------------------------
    dict(name="failover_time_agent", before=FAILOVER, observable=True, older_than="9.8",
         summary="A Mobility service older than 9.8 makes the failover take 8 to 10 minutes longer (warning).",
         source=FAILOVER_PROCESSING + " (VMware VMs running a Mobility service version older than 9.8)"),
    dict(name="failover_time_physical", before=FAILOVER, observable=True,
         summary="A physical server's failover takes 8 to 10 minutes longer (warning).",
         source=FAILOVER_PROCESSING + " (Physical servers)"),
    dict(name="failover_time_linux", before=FAILOVER, observable=True,
         summary="A Linux VM's failover takes 8 to 10 minutes longer (warning).",
         source=FAILOVER_PROCESSING + " (VMware Linux VMs)"),
    dict(name="failover_time_dhcp_drivers", before=FAILOVER, observable=False,
         summary="VMs without the DHCP service, or without the boot drivers storvsc, vmbus, storflt, intelide and atapi, take 8 to 10 minutes "
                 "longer to fail over; ASR's record does not say, so check the guest.",
         source=FAILOVER_PROCESSING + " (VMware VMs that don't have the DHCP service enabled / the following boot drivers)"),
    # ---- before the failback ----------------------------------------------------------------------------
    dict(name="azure_vm_exists", before=FAILBACK_ONLY, observable=True,
         summary="The Azure VM still exists (a failback is impossible once it is deleted); a classic item that does not name it is "
                 "judged by its agent's heartbeat.",
         source=FAILBACK + " (Prerequisites: you can't fail back after you have deleted the Azure virtual machine)"),
    dict(name="vcenter_connected", before=FAILBACK_ONLY, observable=True, heartbeat_minutes=60,
         summary="The vCenter the machine fails back to is connected: ASR's discovery of it has no error and a heartbeat within the hour.",
         source=FAILBACK + " (Prerequisites: the vCenter is in a connected state); ASR replicationvCenters record"),
    dict(name="vcenter_reachable", before=BOTH, observable=True, optional=True,
         summary="When vSphere options are given (hostname, or VMWARE_HOST), the controller logs in to that vCenter before a failback (a login "
                 "that fails, or a certificate not trusted, fails the check); before a failover the check says that the vSphere options are "
                 "not used; no check without them.",
         source=FAILBACK + " (Prerequisites: the vCenter is in a connected state); a vSphere API login with the given options"),
    dict(name="agent_registered", before=FAILBACK_ONLY, observable=True, error_codes=("150273",),
         summary="The Mobility service in the Azure VM has registered again since the failover (a reprotect fails until it has).",
         source=FAILBACK + " (the agent takes up to 15 minutes to register; reprotect fails meanwhile); " + ITEM_RECORD
         + " (isAgentRegistrationSuccessfulAfterFailover, health error 150273)"),
    dict(name="failback_windows_2008_physical", before=FAILBACK_ONLY, observable=True, pattern=r"windows server 2008 r2",
         summary="A Windows Server 2008 R2 SP1 physical server failed over to Azure cannot fail back.",
         source=FAILBACK + " (Prerequisites: a Windows Server 2008 R2 SP1 physical server ... can't be failed back)"),
)
