# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failback path decided before its first write: every input a later stage needs, chosen or refused.

Private to the collection. Pure: no Ansible, no SDK, no I/O. ``_failback_plan_reads`` gathers the facts
(the item, its fabric, container mappings and policies, the recovery points, the master targets' checks)
and calls ``decide``. The rules are those of docs/failback_plan.md:

- the failback's process server: ``_asr_process_server.choose`` (the in-built one on-premises, one in the
  Azure network over a VPN), and it must pass its checks;
- the master target (classic): of the machine's OS family, at the same or a later version, with every check
  of vmware_master_target passing (vCenter, when the vSphere options are given) and the datastore reachable;
  among several that pass, the fewest warnings, then ASR's order; the others are listed with why not;
- the datastore: the one given, or the chosen master target's only one; the retention volume: the one given,
  or the master target's first (as asr_reprotect takes it); the policies: ``_asr_reprotect.policy_for``;
- the failback's recovery point: one the failback's provider takes, that its failback policy can give;
- the reprotect to Azure (classic): the configuration server's in-built process server unless one is named
  (replication from on-premises; a process server in Azure serves only the failback).

A choice that the rules do not make unambiguous is refused with the values to choose from: nothing is guessed.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils import _master_target_checks as mt_rules
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_process_server import (
    ProcessServerError,
    choose,
    effective_location,
    failure_message,
    failures,
    location_checks,
    server_checks,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_reprotect import reprotect_inputs
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import RCM_FAILBACK_POINT_TYPES, StateError

# The stages of the failback path that take inputs, in the cycle's order (roles/asr/vars/main.yml asr_stage_order).
STAGES = ("failback_prepare", "reprotect_to_onprem", "failback_to_onprem", "commit_failback", "reprotect_to_azure")
MULTI_VM_RULE = "https://learn.microsoft.com/azure/site-recovery/vmware-azure-reprotect (machines of one replication group use one master target)"


class Plan:
    """The decisions for one machine: ``values`` per stage, ``choices`` (what was chosen and why), ``problems`` (why it is refused)."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.values = dict((stage, {}) for stage in STAGES)
        self.choices = []
        self.problems = []
        self.notes = []
        self.master_targets = []

    def var(self, option):
        """The name a person sets: the playbook variable (asr_datastore) or the module option (datastore)."""
        return self.prefix + option

    def chose(self, what, value, why):
        self.choices.append(dict(input=what, value=value, why=why))

    def refuse(self, text):
        self.problems.append(text)


# ---- the failback's process server --------------------------------------------------------------------
def process_server_params(options):
    """asr_process_server's own options, from the plan's."""
    return dict(name=options.get("process_server") or None, location=options.get("process_server_location") or None,
                link=options.get("link") or None, azure_network=options.get("azure_network") or None,
                max_heartbeat_age=options.get("max_heartbeat_age"), min_free_space_percent=options.get("min_free_space_percent"))


def decide_failback_process_server(plan, servers, options, generation):
    """``servers``: ``_asr_process_server.checked(...)``. Sets failback_prepare.process_server (and location) or refuses."""
    params = process_server_params(options)
    location = effective_location(params)
    if generation == "classic" and location == "azure" and not params["azure_network"]:
        plan.refuse("%s is required: with %s the failback goes through a process server in the Azure network the machines failed over "
                    "into (one per network); give that network (with %s when it is a name, not an ARM id)"
                    % (plan.var("azure_network"), "%s=vpn" % plan.var("link") if params["link"] == "vpn" and not params["location"]
                       else "%s=azure" % plan.var("process_server_location"), plan.var("azure_resource_group")))
        return None
    try:
        chosen = choose(servers, params, generation)
    except ProcessServerError as error:
        plan.refuse("the failback's process server: %s (%s)" % (error.message, error.recommended_action or ""))
        return None
    checks = list(chosen.get("checks") or [])
    if not [c for c in checks if c["name"] in ("location", "link")]:
        checks += location_checks(chosen, location, params["link"], generation)
    if failures(checks):
        plan.refuse(failure_message(chosen, checks))
        return None
    others = [s.get("name") for s in servers if s is not chosen]
    why = ("named by %s" % plan.var("process_server") if params["name"] else
           "the appliance's process server (modernized has no other)" if generation == "modernized" else
           "the configuration server's in-built process server (%s=onprem)" % plan.var("process_server_location") if location == "onprem"
           else "the process server in Azure network %s" % params["azure_network"])
    plan.chose("failback process server", chosen.get("name"), "%s; %d checks pass, %d warn%s" % (
        why, sum(1 for c in checks if c["status"] == "pass"), sum(1 for c in checks if c["status"] == "warn"),
        "; not chosen: %s" % ", ".join(others) if others else ""))
    plan.values["failback_prepare"].update(process_server=chosen.get("name"), process_server_location=location)
    return chosen


# ---- the master target --------------------------------------------------------------------------------
def asr_master_target_checks(record, item, now, options):
    """The checks of a master target that ASR's record alone answers (no vCenter): OS, heartbeat, version, errors, datastore, retention."""
    machine_os = mt_rules.parse_os(item.get("os_version"), item.get("os_type"))
    name = item.get("friendly_name") or item.get("name")
    checks = [mt_rules.check_os(record.get("name"), mt_rules.parse_os(record.get("os_version"), record.get("os_type")), name, machine_os),
              mt_rules.check_heartbeat(record.get("last_heartbeat"), now, options.get("max_heartbeat_age") or 15),
              mt_rules.check_version(record.get("version_status"), record.get("version")),
              mt_rules.check_health_errors(record.get("health_errors"), record.get("validation_errors"))]
    if options.get("datastore"):
        checks.append(mt_rules.check_asr_datastore(options["datastore"], record.get("datastores") or [], record.get("name"))[0])
    checks.append(mt_rules.check_retention(record.get("retention_volumes") or [], options.get("retention_drive"), 0, record.get("name"))[0])
    return checks


def _failed_text(checks):
    return "; ".join("%s: %s" % (c["name"], c["reason"]) for c in mt_rules.failed(checks))


def decide_master_target(plan, candidates, wanted, vcenter_checked):
    """``candidates``: [{name, record, checks}] in ASR's order. Sets the master target (its record) or refuses."""
    if wanted:
        named = [c for c in candidates if (c["name"] or "").lower() == wanted.lower()]
        if not named:
            plan.refuse("no master target named %r (%s); ASR's configuration server has: %s"
                        % (wanted, plan.var("master_target"), ", ".join(c["name"] for c in candidates) or "none"))
            return None
        candidates = named
    passing = [c for c in candidates if not mt_rules.failed(c["checks"])]
    order = dict((id(c), index) for index, c in enumerate(candidates))
    passing.sort(key=lambda c: (sum(1 for k in c["checks"] if k["status"] == "warn"), order[id(c)]))
    chosen = passing[0] if passing else None
    for candidate in candidates:
        counts = mt_rules.summary(candidate["checks"])
        entry = dict(name=candidate["name"], chosen=candidate is chosen, summary=counts,
                     failed=["%s: %s" % (c["name"], c["reason"]) for c in mt_rules.failed(candidate["checks"])],
                     checked_in_vcenter=candidate.get("vcenter", False))
        if candidate is not chosen:
            entry["why_not"] = (_failed_text(candidate["checks"]) if entry["failed"] else
                                "passes too, with %s warnings (the one chosen has %s)" % (counts["warn"], mt_rules.summary(chosen["checks"])["warn"])
                                if chosen else "")
        plan.master_targets.append(entry)
    where = "its checks in vCenter and ASR's record" if vcenter_checked else "ASR's record (no vSphere options: not checked in vCenter)"
    if chosen is None:
        plan.refuse("no master target can write this machine back (%s): %s" % (where, " | ".join(
            "%s: %s" % (e["name"], e["why_not"]) for e in plan.master_targets)))
        return None
    others = ["%s (%s)" % (e["name"], e["why_not"]) for e in plan.master_targets if not e["chosen"]]
    counts = mt_rules.summary(chosen["checks"])
    plan.chose("master target", chosen["name"], "%s; %s checks pass, %s warn (%s)%s" % (
        "named by %s" % plan.var("master_target") if wanted else "of the machine's OS family and every check passing",
        counts["pass"], counts["warn"], where, "; not chosen: " + "; ".join(others) if others else ""))
    if not vcenter_checked:
        plan.notes.append("master target %s was judged on ASR's record only: give the vSphere options (VMWARE_HOST, ...) to check it in "
                          "vCenter before the first write" % chosen["name"])
    return chosen


def decide_datastore_and_retention(plan, record, options):
    """The datastore (given, or the master target's only one) and the retention volume (given, or its first)."""
    stores = [d.get("name") for d in record.get("datastores") or []]
    datastore = options.get("datastore")
    if datastore:
        plan.chose("datastore", datastore, "named by %s; master target %s reaches it" % (plan.var("datastore"), record.get("name")))
    elif len(stores) == 1:
        datastore = stores[0]
        plan.chose("datastore", datastore, "the only datastore master target %s writes to" % record.get("name"))
    else:
        plan.refuse("%s is required: master target %s writes to %s; choose one" % (
            plan.var("datastore"), record.get("name"), ", ".join(stores) or "no datastore (refresh the configuration server)"))
    volumes = [v.get("name") for v in record.get("retention_volumes") or []]
    drive = options.get("retention_drive") or (volumes[0] if volumes else None)
    if drive:
        plan.chose("retention volume", drive, "named by %s" % plan.var("retention_drive") if options.get("retention_drive")
                   else "the first retention volume of master target %s, as asr_reprotect takes it" % record.get("name"))
    return datastore, drive


# ---- the reprotects' inputs ----------------------------------------------------------------------------
def validate_reprotect(plan, stage, item, custom, mappings, policies, options, run_as_accounts=()):
    """The inputs ``reprotect_inputs`` resolves, checked now; the policy chosen (or None, refused)."""
    try:
        _inputs, policy = reprotect_inputs(item, custom, mappings, policies, options, run_as_accounts)
    except StateError as error:
        plan.refuse("%s: %s" % ("reprotect to on-premises" if stage == "reprotect_to_onprem" else "reprotect to Azure", error))
        return None
    return policy


def decide_reprotect_to_azure_process_server(plan, servers, wanted, generation, now_checks=True):
    """Classic: the configuration server's in-built process server unless one is named; modernized: the appliance's."""
    if wanted:
        plan.chose("process server of the reprotect to Azure", wanted, "named by %s" % plan.var("reprotect_process_server"))
        return wanted
    if generation == "modernized":
        return None  # the appliance's only process server: reprotect_inputs takes it, or says to choose
    in_built = [s for s in servers if s.get("in_built")]
    if not in_built:
        plan.refuse("%s is required: the configuration server lists no in-built process server; it has: %s" % (
            plan.var("reprotect_process_server"), ", ".join(s.get("name") for s in servers) or "none"))
        return None
    chosen = in_built[0]
    if now_checks:
        bad = failures(server_checks(chosen))
        if bad:
            plan.refuse("the reprotect to Azure would go through %s, the configuration server's process server: %s" % (
                chosen.get("name"), " | ".join("%s: %s" % (c["name"], c["reason"]) for c in bad)))
            return None
    others = [s.get("name") for s in servers if s is not chosen]
    not_chosen = "; not chosen: %s (name one with %s)" % (", ".join(others), plan.var("reprotect_process_server")) if others else ""
    plan.chose("process server of the reprotect to Azure", chosen.get("name"),
               "the configuration server's in-built process server: the reprotect to Azure replicates from on-premises, and a process server "
               "in Azure serves only the failback%s" % not_chosen)
    return chosen.get("name")


# ---- the failback's recovery point -------------------------------------------------------------------------
def _app_minutes(policy_id, policies):
    for policy in policies:
        if (policy.get("id") or "").lower() == (policy_id or "").lower():
            details = (policy.get("properties") or {}).get("providerSpecificDetails") or {}
            value = details.get("appConsistentFrequencyInMinutes")
            return policy.get("properties", {}).get("friendlyName") or policy.get("name"), (int(value) if value not in (None, "") else None)
    return None, None


def decide_recovery_point(plan, failback_provider, options, policy_id, policies, reprotect_pending, points):
    """The failback's recovery point, checked against what its provider takes and what its failback policy gives.

    ``points``: the failback's recovery points when the machine replicates back already (None while the reprotect is to come).
    """
    choice = options.get("failback_recovery_point") or "latest"
    point_id = options.get("failback_recovery_point_id")
    var = plan.var("failback_recovery_point")
    modernized = failback_provider == "InMageRcmFailback"
    if modernized and choice not in RCM_FAILBACK_POINT_TYPES:
        plan.refuse("%s=%s: a modernized failback (InMageRcmFailback) takes latest, latest_app_consistent or latest_crash_consistent "
                    "(ASR chooses the point of that kind itself); %s is a classic choice" % (var, choice, choice))
        return
    if choice == "custom":
        if not point_id:
            plan.refuse("%s=custom needs %s" % (var, plan.var("failback_recovery_point_id")))
            return
        if reprotect_pending:
            plan.refuse("%s=custom names a failback recovery point, and there is none before the reprotect to on-premises: its points "
                        "start with it; use latest (or latest_app_consistent) now, or name the point once the machine replicates back" % var)
            return
        if not [p for p in points or [] if point_id in (p.get("id"), (p.get("id") or "").rsplit("/", 1)[-1], p.get("name"))]:
            count = len(points or [])
            plan.refuse("%s %s is not one of the machine's %d failback recovery points" % (plan.var("failback_recovery_point_id"), point_id, count))
            return
    name, minutes = _app_minutes(policy_id, policies)
    if choice == "latest_app_consistent":
        if minutes == 0:
            plan.refuse("%s=latest_app_consistent: failback policy %s takes no app-consistent recovery points (crash-consistent only), so "
                        "ASR would refuse the failback (NoRecoveryPoint) after the reprotect; use latest, or %s = a policy with "
                        "app-consistent points" % (var, name, plan.var("failback_policy")))
            return
        if not reprotect_pending and not [p for p in points or [] if p.get("type") == "AppConsistent"]:
            plan.refuse("%s=latest_app_consistent: the machine has no app-consistent failback recovery point yet (policy %s takes one every "
                        "%s minutes); run again once it has one, or use latest" % (var, name, minutes))
            return
    if choice in ("latest_processed", "latest_crash_consistent") and not reprotect_pending and not points:
        plan.refuse("%s=%s: the machine has no failback recovery point yet" % (var, choice))
        return
    why = "%s (%s)" % ({"latest": "the latest point" + (" (crash-consistent)" if modernized else ""),
                        "latest_app_consistent": "the newest app-consistent point",
                        "latest_processed": "the newest processed point", "latest_crash_consistent": "the newest crash-consistent point",
                        "custom": "the point named"}[choice],
                       "taken by %s%s" % (failback_provider, ", policy %s: app-consistent every %s minutes" % (name, minutes) if name else ""))
    if reprotect_pending and choice != "latest":
        why += "; the failback's points start with the reprotect"
    plan.chose("failback recovery point", choice, why)
    plan.values["failback_to_onprem"].update(recovery_point=choice, recovery_point_id=point_id or "")


def with_provider(item, provider):
    """The item's facts as they will be once it has ``provider`` (the reprotect switches it)."""
    return dict(item, provider=provider)
