# -*- coding: utf-8 -*-
"""One reading of ASR's timestamps, datetime.fromisoformat's, checked on every timestamp of the recordings against the
SDK's own deserializer."""

from __future__ import annotations

import datetime
import json
import pathlib
import re

from azure.mgmt.recoveryservicessiterecovery._utils.serialization import Deserializer

from ansible_collections.siterecovery.vmware.plugins.module_utils import _asr_jobs, _preflight

RECORDINGS = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "recordings"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def _stamps(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _stamps(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _stamps(inner)
    elif isinstance(value, str) and STAMP.match(value):
        yield value


def test_every_recorded_timestamp_reads_as_the_sdk_reads_it():
    stamps = sorted({s for path in RECORDINGS.glob("*.json") for s in _stamps(json.loads(path.read_text(encoding="utf-8")))})
    assert any(re.search(r"\.\d{7}Z$", s) for s in stamps)  # ASR's 7-digit fractions are among them
    for stamp in stamps:
        if stamp.startswith("0001-"):
            assert _asr_jobs.parse_time(stamp) is None  # ASR's "never"
            continue
        ours, sdk = _asr_jobs.parse_time(stamp), Deserializer.deserialize_iso(stamp)
        assert ours == (sdk if sdk.tzinfo else sdk.replace(tzinfo=datetime.timezone.utc)), stamp
        assert ours.tzinfo is not None


def test_one_parse_time_for_the_collection():
    assert _preflight.parse_time is _asr_jobs.parse_time
    assert _asr_jobs.parse_time(None) is None and _asr_jobs.parse_time("not a time") is None
