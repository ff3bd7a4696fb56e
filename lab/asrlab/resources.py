"""The vault and its Site Recovery fabrics."""

from __future__ import annotations

from flask import current_app

from .arm import VAULT, ArmError, arm_response, route


def _vault(subscription, group, vault):
    """The lab's vault, or ARM's 404 for whatever part of the path is wrong."""
    state = current_app.config["STATE"]
    config = current_app.config["LAB"]
    if subscription.lower() != config.subscription_id.lower():
        raise ArmError(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % subscription)
    if group.lower() != config.resource_group.lower():
        raise ArmError(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % group)
    if vault.lower() != config.vault_name.lower():
        raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.RecoveryServices/vaults/%s' under resource group '%s' "
                       "was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix" % (vault, group))
    return state


@route(VAULT + r"/replicationFabrics")
def list_fabrics(subscription, group, vault):
    state = _vault(subscription, group, vault)
    return arm_response({"value": list(state.fabrics.values()), "nextLink": None})


@route(VAULT + r"/replicationFabrics/(?P<fabric>[^/]+)")
def get_fabric(subscription, group, vault, fabric):
    state = _vault(subscription, group, vault)
    for name, document in state.fabrics.items():
        if name.lower() == fabric.lower():
            return arm_response(document)
    raise ArmError(404, "NotFound", "Fabric '%s' was not found in vault '%s'." % (fabric, vault))
