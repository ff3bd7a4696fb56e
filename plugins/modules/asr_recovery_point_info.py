#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_recovery_point_info
short_description: List the recovery points of a replicated item, newest first
version_added: 0.1.0
description:
  - Reads the recovery points of one replicated item (crash-consistent and app-consistent), newest first, with a summary.
  - Use it to choose the point a failover goes to, or to see the RPO a failover would achieve now.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  type:
    description:
      - Only the points of this type. ASR calls them V(AppConsistent) and V(CrashConsistent), as the returned O(type) says;
        the option takes snake_case, as every option of the collection does.
    type: str
    choices: [app_consistent, crash_consistent]
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: The newest app-consistent point of vm-db-01
  siterecovery.vmware.asr_recovery_point_info:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-db-01
    type: app_consistent
  register: points

- name: How old it is
  ansible.builtin.debug:
    msg: "newest app-consistent point: {{ points.summary.latest.time | default('none') }}"
"""

RETURN = r"""
recovery_points:
  description: The recovery points, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The point's ARM id (what C(recovery_point_id) takes).
      type: str
    name:
      description: The point's name.
      type: str
    time:
      description: When the point was taken (UTC, ISO 8601).
      type: str
    type:
      description: V(CrashConsistent) or V(AppConsistent), as ASR names them.
      type: str
summary:
  description: Count, latest, latest_app_consistent and oldest point.
  returned: always
  type: dict
item:
  description: The item's name, friendly name and id.
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._info_reads import POINT_TYPES, read_points


def main():
    spec = dict(name=dict(type="str", required=True), type=dict(type="str", choices=sorted(POINT_TYPES)))
    AsrModule(argument_spec=spec, supports_check_mode=True).run(read_points)


if __name__ == "__main__":
    main()
