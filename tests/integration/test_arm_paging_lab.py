# -*- coding: utf-8 -*-
"""ARM lists beside ASR (here the region's VM sizes, which asr_replicated_item checks a size against) are read page by page
through nextLink; a page after the first that fails fails the task with ARM's error, instead of being read as a page of data."""

from __future__ import annotations

from lab_tasks import control, task

SIZE = {"name": "vm-win-01", "size": "Standard_F4s_v2"}  # the last page of the lab's sizes, two a page


def test_every_page_is_read_and_a_failed_page_fails_the_task(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    try:
        control(lab, "paging", "POST", page_size=2)
        # The size asked for is on a later page: found only if every page is read.
        code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", SIZE, check=True)
        assert code == 0 and result["changed"], result
        pages = [r for r in control(lab, "requests") if r["path"].lower().endswith("/vmsizes")]
        assert len(pages) > 2

        control(lab, "faults", "POST", kind="400", method="GET", path=r"/vmsizes\?.*\$skiptoken=4", count=1,
                error={"code": "InvalidSkipToken", "message": "The skip token is not valid (lab fault)."})
        code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", SIZE, check=True)
        assert code != 0, result
        assert "reading the VM sizes offered in the target region failed: The skip token is not valid (lab fault)." in result["msg"]
        assert result["error"]["code"] == "InvalidSkipToken"
    finally:
        control(lab, "reset", "POST")
