# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: asr_cycle
short_description: The failover-failback cycle's stages, in order, as the collection states them once
version_added: 1.0.0
author:
  - siterecovery.vmware maintainers (@siterecovery)
description:
  - Returns the stages of the cycle (fail over to Azure, validate the recovered VM, commit, prepare the failback, reprotect to
    on-premises, fail back, commit the failback, reprotect to Azure), then the drill's (test failover, validate the test VM, clean
    the drill up), as one mapping from stage name to the stage, in that order.
  - It is the table the modules decide from (the C(next_stages) fact of M(siterecovery.vmware.asr_replicated_item_info) and
    of the inventory plugin's C(asr_next_stages)), so that the roles and the modules never disagree on what runs next.
    See docs/architecture.md, "The cycle".
  - Reads nothing and takes no terms.
"""

EXAMPLES = r"""
- name: Show the titles of the cycle's stages, in order
  ansible.builtin.debug:
    msg: "{{ lookup('siterecovery.vmware.asr_cycle').values() | map(attribute='title') | list }}"

- name: Is the failback to be run next for this machine?
  ansible.builtin.debug:
    msg: "{{ 'failback_to_onprem' in asr_next_stages }}"
"""

RETURN = r"""
_raw:
  description:
    - One mapping, stage name to stage, in the cycle's order, then the drill's.
    - Each stage has C(name), C(title) (words for the output), C(at) and C(leaves) (each C(running_in) V(onprem) or V(azure),
      C(stage) V(replicating), V(commit_pending), V(committed) or V(drill_pending), C(forward) true while the machine replicates to Azure),
      C(actions) (the item actions the stage sends), C(jobs) (ASR's job scenario names of those actions) and C(then) (the
      stages that run next from where the stage leaves the machine).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import STAGES, stages_after


def cycle_table():
    """Stage name -> stage (a copy: a template may not change the collection's table), each with the stages after it."""
    return dict((entry["name"], dict(entry, at=dict(entry["at"]), leaves=dict(entry["leaves"]), actions=list(entry["actions"]),
                                     jobs=list(entry["jobs"]), then=stages_after(entry["name"]))) for entry in STAGES)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleError("siterecovery.vmware.asr_cycle takes no terms (given: %s)" % ", ".join(str(t) for t in terms))
        self.set_options(var_options=variables, direct=kwargs)
        return [cycle_table()]
