# -*- coding: utf-8 -*-
"""Secrets appear nowhere: a whole cycle at -vvvv through ansible-playbook, with a fact cache, leaves the client secret
and the vCenter password out of the output, the summary and the cache."""

from __future__ import annotations

import json

from installed_collection import BIN, ROOT, run
from labrunner import start_lab


def test_a_whole_cycle_at_vvvv_shows_no_secret(installed_env, tmp_path):
    lab = start_lab(tmp_path / "lab", "classic")
    try:
        cache = tmp_path / "facts"
        summary = tmp_path / "summary.json"
        env = dict(installed_env, **lab.env, ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile", ANSIBLE_CACHE_PLUGIN_CONNECTION=str(cache))
        done = run([BIN / "ansible-playbook", "-vvvv", "-i", str(ROOT / "lab" / "inventory"), "siterecovery.vmware.full_cycle",
                    "--limit", "vm-lin-01", "-e", "asr_confirm_failover=true", "-e", "asr_summary_file=%s" % summary],
                   env=env, cwd=tmp_path, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-5000:]
        assert json.loads(summary.read_text())["machines"]["vm-lin-01"]["running_in"] == "onprem"
        secrets = [lab.client_secret, lab.env["VMWARE_PASSWORD"]]
        assert all(len(s) >= 8 for s in secrets)
        written = [output, summary.read_text()] + [p.read_text() for p in cache.glob("*")]
        assert cache.exists() and list(cache.glob("*")), "the fact cache was not written"
        for secret in secrets:
            assert not [text for text in written if secret in text]
    finally:
        lab.stop()
