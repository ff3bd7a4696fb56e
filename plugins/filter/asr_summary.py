# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters of the playbooks' summary (docs/summary.md); the logic is in module_utils/_asr_summary.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.siterecovery.vmware.plugins.module_utils import _asr_summary


def asr_summary(hosts, final_items, read_errors, stage_table, stage_order, playbook="", check_mode=False):
    if not isinstance(hosts, dict):
        raise AnsibleFilterError("asr_summary takes a dict of the run's machines, not %s" % type(hosts).__name__)
    return _asr_summary.summary_document(hosts, final_items, read_errors, stage_table, stage_order, playbook, check_mode)


def asr_summary_lines(document):
    return _asr_summary.summary_lines(document)


def asr_state_words(state):
    return _asr_summary.state_words(state or {})


def asr_failback_point_check(points, name, choice, failover_time, point_id=None):
    return _asr_summary.failback_point_check(name, points or [], choice, failover_time, point_id=point_id or None)


def asr_stage_record(title, status, reason, job=None, seconds=0.0, extra=None):  # pylint: disable=too-many-arguments
    return _asr_summary.stage_record(title, status, reason, job, seconds, extra)


class FilterModule:
    """The summary's filters."""

    def filters(self):
        return dict(asr_summary=asr_summary, asr_summary_lines=asr_summary_lines, asr_state_words=asr_state_words,
                    asr_failback_point_check=asr_failback_point_check, asr_stage_record=asr_stage_record)
