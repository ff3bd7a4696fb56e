# -*- coding: utf-8 -*-
"""The cloud metadata document (cloud_environment as a Resource Manager URL) is read through azure-core's pipeline: a
throttled or briefly unavailable endpoint is retried, honouring Retry-After, as every other read is."""

from __future__ import annotations

from installed_collection import run_playbook, write_playbook
from lab_tasks import control


def test_a_briefly_unavailable_metadata_endpoint_is_retried(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    # Two refusals: more than one per api-version the collection asks for.
    control(lab, "faults", "POST", kind="503", method="GET", path=r"^/metadata/endpoints$", count=2, retry_after=1)
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [{"siterecovery.vmware.asr_fabric_info": {}}]))
    assert done.returncode == 0, result
    assert result["fabrics"]
