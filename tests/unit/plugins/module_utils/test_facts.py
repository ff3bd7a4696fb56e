# -*- coding: utf-8 -*-
from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._facts import pick, pick_each, with_health_errors

FIELDS = (("name", "friendlyName"), ("heartbeat", ("lastHeartbeatUtc", "lastHeartbeat")), ("count", "machineCount"))


def test_pick_renames_and_tries_keys_in_order():
    assert pick({"friendlyName": "ps1", "lastHeartbeat": "old", "lastHeartbeatUtc": "new"}, FIELDS) == {"name": "ps1", "heartbeat": "new"}
    assert pick({"lastHeartbeat": "old"}, FIELDS) == {"heartbeat": "old"}


def test_pick_leaves_out_nulls_but_keeps_falsy_values():
    assert pick({"friendlyName": None, "machineCount": 0}, FIELDS) == {"count": 0}


def test_pick_each_skips_what_is_not_an_object():
    assert pick_each({"items": [{"friendlyName": "a"}, None, "junk"]}, "items", FIELDS) == [{"name": "a"}]
    assert pick_each({"items": None}, "items", FIELDS) == []
    assert pick_each({}, "items", FIELDS) == []


def test_with_health_errors_always_has_the_list():
    assert with_health_errors({"friendlyName": "a"}, FIELDS) == {"name": "a", "health_errors": []}
    facts = with_health_errors({"healthErrors": [{"errorCode": "78025", "errorLevel": "Error", "summaryMessage": "RPO exceeded"}]}, FIELDS)
    assert facts["health_errors"] == [{"code": "78025", "severity": "Error", "message": "RPO exceeded"}]
