# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The forms of the ARM ids and names the options take, checked before any request.

Private to the collection. Pure: no Ansible, no SDK. Each check returns a sentence naming the option, the value and the
form expected, or None when the value has that form. The roles' variables are checked with the same patterns
(roles/asr/tasks/validate.yml; a unit test keeps the two equal).
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import RESOURCE_GROUP_NAME

# Resource group: 1-90 letters, digits, underscore, hyphen, period, parentheses (the vault's resource_group's rule).
RESOURCE_GROUP = RESOURCE_GROUP_NAME.pattern.strip("^$")
# {what the id names: (the pattern of a full id, its form in a message)}
ARM_IDS = {
    "storage account": (r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Storage/storageAccounts/[a-z0-9]{3,24}$",
                        "/subscriptions/ID/resourceGroups/GROUP/providers/Microsoft.Storage/storageAccounts/NAME"),
    "virtual network": (r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+$",
                        "/subscriptions/ID/resourceGroups/GROUP/providers/Microsoft.Network/virtualNetworks/NAME"),
    "availability set": (r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/availabilitySets/[^/]+$",
                         "/subscriptions/ID/resourceGroups/GROUP/providers/Microsoft.Compute/availabilitySets/NAME"),
    "resource group": (r"^/subscriptions/[^/]+/resourceGroups/" + RESOURCE_GROUP + r"$", "/subscriptions/ID/resourceGroups/GROUP"),
}


def arm_id_problem(option, value, what):
    """The sentence for ``value`` of ``option`` when it is not the ARM id of a ``what`` (a key of ARM_IDS); None when it is."""
    pattern, form = ARM_IDS[what]
    if re.match(pattern, value or "", re.IGNORECASE):
        return None
    return "%s %r is not the ARM id of %s %s (%s)" % (option, value, "an" if what[0] in "aeiou" else "a", what, form)


def resource_group_problem(option, value):
    """The sentence when ``value`` is neither a resource group's name nor its ARM id; None otherwise."""
    if value.startswith("/"):
        return arm_id_problem(option, value, "resource group")
    if RESOURCE_GROUP_NAME.match(value) and not value.endswith("."):
        return None
    return "%s %r is not a valid resource group name (1-90 letters, digits, _ - . ( ), not ending with a period) nor its ARM id" % (option, value)


def ipv4_problem(option, value):
    """The sentence when ``value`` is not an IPv4 address; None otherwise."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return "%s %r is not an IPv4 address (four numbers 0-255, for example 10.0.1.25)" % (option, value)
    return None
