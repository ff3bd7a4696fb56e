# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading ASR's camelCase JSON into the snake_case facts the modules return.

Private to the collection. Pure: no Ansible, no SDK. A field table is a tuple
of ``(fact_name, wire_key)`` pairs, where ``wire_key`` may be a tuple of keys
tried in order.
"""

from __future__ import annotations

# ASR's HealthError, as items, fabrics and their servers carry it.
HEALTH_ERROR_FIELDS = (
    ("code", "errorCode"),
    ("message", ("errorMessage", "summaryMessage")),
    ("severity", "errorLevel"),
    ("possible_causes", "possibleCauses"),
    ("recommended_action", "recommendedAction"),
    ("created", "creationTimeUtc"),
    ("source", "errorSource"),
)


def pick(data, fields):
    """The facts of ``fields`` found in ``data``; values ASR sent as null are left out."""
    facts = {}
    for fact, wire in fields:
        for key in (wire,) if isinstance(wire, str) else wire:
            if data.get(key) is not None:
                facts[fact] = data[key]
                break
    return facts


def pick_each(data, key, fields):
    """``pick`` over each object of the list ``data[key]`` (missing or null: an empty list)."""
    return [pick(item, fields) for item in data.get(key) or [] if isinstance(item, dict)]


def with_health_errors(data, fields):
    """``pick`` plus ``health_errors`` from the object's ``healthErrors`` list."""
    facts = pick(data, fields)
    facts["health_errors"] = pick_each(data, "healthErrors", HEALTH_ERROR_FIELDS)
    return facts
