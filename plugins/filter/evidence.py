# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that render a run's evidence report from its summary (roles/asr/tasks/report.yml uses them)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: evidence
short_description: The evidence report of a run, from its summary
version_added: 0.1.0
description:
  - Turns the run's summary into its evidence data - per machine the stages, the recovery point and its age (achieved RPO), the
    time until the VM answered (achieved RTO), the validation and a drill's cleanup - and fleet totals (see also
    C(siterecovery.vmware.evidence_html) and C(siterecovery.vmware.evidence_junit)).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  _input:
    description: The run's summary (C(playbook), C(check_mode), C(finished), C(machines)), as roles/asr writes it.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The figures of the run
  ansible.builtin.debug:
    msg: "{{ summary | siterecovery.vmware.evidence }}"
"""

RETURN = r"""
_value:
  description: C(totals) (machines, passed, failed, worst RTO and RPO) and C(machines), one entry per machine.
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._evidence import evidence, render_html, render_junit


class FilterModule:
    """evidence, evidence_html, evidence_junit."""

    def filters(self):
        return dict(evidence=evidence, evidence_html=lambda summary: render_html(evidence(summary)),
                    evidence_junit=lambda summary: render_junit(evidence(summary)))
