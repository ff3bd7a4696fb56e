# -*- coding: utf-8 -*-
"""The real azure-identity and ASR SDK clients aimed at a running lab, and small helpers for item actions."""

from __future__ import annotations

import requests
from azure.identity import ClientSecretCredential
from azure.mgmt.recoveryservicessiterecovery import SiteRecoveryManagementClient
from labrunner import until

AUDIENCE = "https://management.siterecovery.lab/.default"


def credential(lab, **changes):
    args = dict(tenant_id=lab.tenant_id, client_id=lab.client_id, client_secret=lab.client_secret)
    args.update(changes)
    return ClientSecretCredential(authority=lab.authority_host, disable_instance_discovery=True, connection_verify=lab.ca_bundle, **args)


def client(lab, cred=None):
    return SiteRecoveryManagementClient(cred or credential(lab), lab.subscription_id, base_url=lab.arm_endpoint,
                                        credential_scopes=[AUDIENCE], connection_verify=lab.ca_bundle, polling_interval=0.1)


def arm_get(lab, path, api_version="2025-08-01"):
    """A plain GET on the lab's Resource Manager with a real token; the parsed JSON."""
    token = credential(lab).get_token(AUDIENCE).token
    answer = requests.get(lab.arm_endpoint.rstrip("/") + path, params={"api-version": api_version},
                          headers={"Authorization": "Bearer " + token}, verify=lab.ca_bundle, timeout=10)
    answer.raise_for_status()
    return answer.json()


class Items:
    """One lab vault's replicated items, addressed by the machine's name."""

    def __init__(self, lab):
        self.lab = lab
        self.client = client(lab)
        self.group, self.vault = lab.resource_group, lab.vault_name
        self.by_name = {i.properties.friendly_name: i for i in self.client.replication_protected_items.list(self.group, self.vault)}

    def address(self, machine):
        item_id = self.by_name[machine].id
        fabric = item_id.split("/replicationFabrics/")[1].split("/")[0]
        container = item_id.split("/replicationProtectionContainers/")[1].split("/")[0]
        return self.group, self.vault, fabric, container, item_id.rsplit("/", 1)[1]

    def get(self, machine):
        return self.client.replication_protected_items.get(*self.address(machine))

    def act(self, machine, action, body=None):
        """Run an item action through the SDK's long-running-operation poller; return the final item."""
        operations = self.client.replication_protected_items
        method = getattr(operations, "begin_" + action)
        poller = method(*self.address(machine), body) if body is not None else method(*self.address(machine))
        return poller.result()

    def points(self, machine):
        return list(self.client.recovery_points.list_by_replication_protected_items(*self.address(machine)))

    def fabric(self):
        return next(iter(self.client.replication_fabrics.list(self.group, self.vault)))

    def policy(self, name):
        return self.client.replication_policies.get(self.group, self.vault, name)

    def jobs(self):
        return list(self.client.replication_jobs.list(self.group, self.vault))

    def job_once(self, job_id, states, timeout=30):
        """The job (its properties) once it is in one of ``states``: a held job leaves NotStarted after its 2 Azure seconds."""
        def reached():
            job = self.client.replication_jobs.get(self.group, self.vault, job_id).properties
            return job if job.state in states else None

        return until(reached, "job %s in %s" % (job_id, " or ".join(states)), timeout=timeout)


def state(item):
    """(provider, protectionState, activeLocation) of an item."""
    properties = item.properties
    return properties.provider_specific_details.instance_type, properties.protection_state, properties.active_location
