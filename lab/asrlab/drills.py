"""Test failover (DR drills) and their cleanup, as ASR answers them.

From the recorded classic drill (azure-powershell SessionRecords AsrV2ATests/V2ATFOJob.json): the body is
{"failoverDirection": "PrimaryToRecovery", "networkType": "VmNetworkAsInput", "networkId": VNET,
"providerSpecificDetails": {"instanceType": "InMageAzureV2", "recoveryPointId": POINT}}; the answer is 202 with
Retry-After and Location .../operationresults/{jobId}; the job's tasks are VmTfoPrerequisitesCheck,
VmTfoInitiateFailover, VmTfoPrepareTestVm, VmTfoBootTestVm (TestFailoverJobDetails: testFailoverStatus,
networkType, each item's testVmName); the cleanup's are VmTfoCleanupPreflightsCheck, VmTfoEndFailover,
VmTfoDeleteTestVm (deleting the test VM took about 2 min 40 s).

While a drill waits for its cleanup the item shows currentScenario TestFailover (the drill's job),
allowedOperations [TestFailoverCleanup], testFailoverState WaitingForCompletion and protection state
description "Cleanup test failover pending"; the test VM runs in the test network. An InMageRcm item carries
health error 161011 until its first successful drill; after one, lastSuccessfulTestFailoverTime is set.
The drills of a vault live here (``vault.drills``); items.py, vault.py and resources.py call in.
"""

from __future__ import annotations

from .clock import iso
from .cycle import OPERATION_OF_ACTION
from .jobs import Job, JobFault, TaskPlan
from .plans import _find_point, _properties, job_details, refuse

ACTIONS = ("testFailover", "testFailoverCleanup")
# Azure seconds (a scenario's durations: override them): the test VM is prepared and booted like a failover's VM;
# its deletion took about 160 s in the recording.
DURATIONS = {
    ("classic", "testFailover"): 120, ("modernized", "testFailover"): 470,
    ("classic", "testFailoverCleanup"): 170, ("modernized", "testFailoverCleanup"): 170,
}
JOB_SHAPES = {
    "testFailover": ("TestFailover", "Test failover", [
        ("VmTfoPrerequisitesCheck", "Prerequisites check for test failover", 0.03),
        ("VmTfoInitiateFailover", "Start test failover", 0.12),
        ("VmTfoPrepareTestVm", "Prepare the test virtual machine", 0.6),
        ("VmTfoBootTestVm", "Start the test virtual machine", 0.25)]),
    "testFailoverCleanup": ("TestFailoverCleanup", "Cleanup test failover", [
        ("VmTfoCleanupPreflightsCheck", "Prerequisites check for the cleanup", 0.03),
        ("VmTfoEndFailover", "Complete the test failover", 0.03),
        ("VmTfoDeleteTestVm", "Delete the test virtual machine", 0.94)]),
}
NETWORK_TYPES = ("VmNetworkAsInput", "NoNetworkAttachAsInput")
PROVIDERS = ("InMageAzureV2", "InMageRcm")
COMMENTS_LIMIT = 1024
NO_DRILL_ERROR = "161011"


def book(vault):
    """The vault's drills: item name -> the pending or running drill, and item name -> last successful drill time."""
    if "drills" not in vault.__dict__:
        vault.drills, vault.drill_times = {}, {}
    return vault.drills


def test_network_id(vault):
    """The recovery region's isolated network for drills (scenario recovery.test_network; vnet-dr-test by default)."""
    name = vault.scenario.recovery.get("test_network", vault.scenario.recovery["network"] + "-test")
    return "%s/providers/Microsoft.Network/virtualNetworks/%s" % (vault.recovery_group_id, name)


def test_vm_name(item):
    return item.settings["vm_name"] + "-test"


def allowed(item, operations):
    """allowedOperations with the item's drill: while one waits for its cleanup, only TestFailoverCleanup."""
    drill = book(item.vault).get(item.name)
    if drill is None:
        return operations
    return ["TestFailoverCleanup"] if drill["state"] == "pending" else []


def decorate(vault, item, doc, running_job):
    """The drill's part of an item's document (items.document calls it last)."""
    drills = book(vault)
    properties = doc["properties"]
    details = properties["providerSpecificDetails"]
    drill = drills.get(item.name)
    state, description = "None", "None"
    if drill and drill["state"] == "pending":
        state, description = "WaitingForCompletion", "Waiting for the cleanup"
        properties["protectionStateDescription"] = "Cleanup test failover pending"
        job = drill["job"]
        properties["currentScenario"] = dict(scenarioName="TestFailover", jobId=job.id_path, startTime=iso(job.created))
    elif drill and drill["state"] == "cleaning":
        state, description = "MarkedForDeletion", "Cleaning up test environment"  # recorded
    elif running_job is not None and running_job.action == "testFailover":
        state, description = "InProgress", "Test failover in progress"
    properties.update(testFailoverState=state, testFailoverStateDescription=description)
    properties["allowedOperations"] = allowed(item, properties["allowedOperations"])
    last = vault.drill_times.get(item.name)
    if last:
        properties["lastSuccessfulTestFailoverTime"] = iso(last)
    network = item.settings.get("test_network_id", test_network_id(vault))
    if item.provider == "InMageRcm":
        details["testNetworkId"] = network
        for nic in details.get("vmNics") or []:
            nic["testSubnetName"] = item.settings["subnet"]
        if not last and item.state.running_in == "onprem":  # while it replicates to Azure
            properties["healthErrors"].append(dict(
                errorCode=NO_DRILL_ERROR, errorLevel="Warning", errorSource="ProtectedItem", errorType="TestFailover",
                errorMessage="No successful test failover has been done for '%s'." % item.machine.name,
                summaryMessage="No successful test failover has been done",
                possibleCauses="A test failover validates the replica; none has succeeded for this machine.",
                recommendedAction="Run a test failover, validate the test virtual machine, then clean the test failover up.",
                creationTimeUtc=iso(vault.clock.now()), entityId=item.name, innerHealthErrors=[], errorCategory="TestFailover",
                customerResolvability="Allowed", errorId="%s-161011" % item.name))
    elif item.provider == "InMageAzureV2":
        details["selectedTfoAzureNetworkId"] = network


def action_job(vault, item, action, body):
    """Check a test failover or its cleanup as ASR does; start its job."""
    operation = OPERATION_OF_ACTION[action]
    operations = item.allowed_operations()
    if operation not in operations:
        raise refuse("The operation '%s' is not allowed on the replicated item '%s' in state %s (%s); allowed operations: %s."
                     % (operation, item.machine.name, item.state.protection_state, item.state.description, ", ".join(operations) or "none"),
                     code="OperationNotAllowed", causes="The replicated item is not in a state where this operation applies.",
                     action="Run one of the allowed operations, or wait for the current one to finish.")
    properties = _properties(body)
    if action == "testFailoverCleanup":
        comments = properties.get("comments") or ""
        if len(comments) > COMMENTS_LIMIT:
            raise refuse("comments must be %d characters at most (it has %d)." % (COMMENTS_LIMIT, len(comments)), code="InvalidRequestContent")
        return _start(vault, item, action, dict(comments=comments), None, None)
    if properties.get("failoverDirection") != "PrimaryToRecovery":
        raise refuse("failoverDirection must be PrimaryToRecovery for testFailover (it is %r)." % properties.get("failoverDirection"),
                     code="InvalidFailoverDirection")
    details = properties.get("providerSpecificDetails")
    if not isinstance(details, dict) or details.get("instanceType") != item.provider or item.provider not in PROVIDERS:
        raise refuse("providerSpecificDetails.instanceType must be %s for testFailover on this item (it is %r)."
                     % (item.provider, (details or {}).get("instanceType") if isinstance(details, dict) else details),
                     code="InvalidProviderSpecificInput")
    network_type = properties.get("networkType")
    if network_type not in NETWORK_TYPES:
        raise refuse("networkType must be one of %s (it is %r)." % (", ".join(NETWORK_TYPES), network_type), code="InvalidNetworkType")
    network = properties.get("networkId") or details.get("networkId")
    if network_type == "VmNetworkAsInput":
        known = (vault.network_id.lower(), test_network_id(vault).lower())
        if not network or str(network).lower() not in known:
            raise refuse("The virtual network '%s' does not exist in %s." % (network, vault.location), code="28043",
                         causes="The test failover names a network that is not in the target region.",
                         action="Choose an existing virtual network of the target region.")
    else:
        network = None
    point = _find_point(vault, item, details["recoveryPointId"]) if details.get("recoveryPointId") else None
    return _start(vault, item, action, dict(network_type=network_type), network, point)


def _start(vault, item, action, inputs, network, point):  # pylint: disable=too-many-arguments
    scenario_name, friendly, shape = JOB_SHAPES[action]
    generation = "classic" if vault.classic else "modernized"
    total = float(vault.scenario.durations.get(action, DURATIONS[(generation, action)]))
    tasks = [TaskPlan(name, text, max(share * total, 0.5)) for name, text, share in shape]
    fault = vault.take_job_fault(action, item) or JobFault()
    custom = job_details(vault, item, "FailoverJobDetails", point)
    first = custom["protectedItemDetails"][0]
    first.update(testVmName=test_vm_name(item), testVmFriendlyName=test_vm_name(item),
                 networkFriendlyName=network.rsplit("/", 1)[1] if network else None)
    drill = book(vault).get(item.name)
    custom.update(testFailoverStatus="InProgress" if action == "testFailover" else "Cleanup in progress",
                  networkType=inputs.get("network_type") or (drill or {}).get("network_type"),
                  networkName=network.rsplit("/", 1)[1] if network else None, networkFriendlyName=network.rsplit("/", 1)[1] if network else None,
                  comments=inputs.get("comments"))
    job = Job(vault_id=vault.vault_id, item_id=item.id, scenario_name=scenario_name, friendly_name=friendly, target_id=item.target_object_id,
              target_name=item.machine.name, details_type="TestFailoverJobDetails", tasks=tasks, created=vault.clock.now(),
              scale=vault.clock.scale, fault=fault, details=custom, action=action)
    if action == "testFailover":
        job.on_success = lambda finished: drill_ready(vault, item, finished, network, inputs["network_type"])
    else:
        drill["state"] = "cleaning"
        job.on_success = lambda finished: cleaned(vault, item, finished)
        job.on_failure = lambda finished: drill.update(state="pending")
    return vault.start_job(job)


def drill_ready(vault, item, job, network, network_type):
    """The test VM runs in the test network; the drill waits for its cleanup."""
    vm_id = "%s/providers/Microsoft.Compute/virtualMachines/%s" % (item.settings["resource_group_id"], test_vm_name(item))
    vault.azure_vms[vm_id.lower()] = dict(id=vm_id, name=test_vm_name(item), size=item.settings["size"], power="running", item=item.name,
                                          os_type=item.machine.os_type, location=vault.location, created=iso(vault.clock.now()),
                                          test=True, network_id=network)
    job.details.update(testFailoverStatus="Completed")
    for first in (job.details.get("protectedItemDetails") or [])[:1]:  # a plan's child job names its test VM too (its details hold None)
        first.update(testVmName=first.get("testVmName") or test_vm_name(item), testVmFriendlyName=first.get("testVmFriendlyName") or test_vm_name(item))
    book(vault)[item.name] = dict(state="pending", job=job, vm_id=vm_id, network_type=network_type, network_id=network)
    vault.drill_times[item.name] = job.created


def cleaned(vault, item, job):
    drill = book(vault).pop(item.name, None) or {}
    vault.azure_vms.pop((drill.get("vm_id") or "").lower(), None)
    job.details.update(testFailoverStatus="Cleaned up")
