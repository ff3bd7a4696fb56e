# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the attributes the collection's modules declare."""

from __future__ import annotations


class ModuleDocFragment:
    """Attributes: DOCUMENTATION (what check and diff mode mean here), ASR_ACTION and ASR_INFO (the ASR modules)."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    description:
      - Can run in check mode. Every input is validated and the current state read,
        and no write request is sent.
  diff_mode:
    description:
      - Returns the state before and after the change when run with C(--diff).
"""

    # The modules that change an item: full check mode and diff, members of the asr action group.
    ASR_ACTION = r"""
attributes:
  check_mode:
    description:
      - Can run in check mode. Every input is validated, the item read and the request built, and no write request is sent.
    support: full
  diff_mode:
    description:
      - Returns the item's state (running_in, stage, protection state, provider) before and after.
    support: full
  action_group:
    description: Use C(group/siterecovery.vmware.asr) in C(module_defaults) to set the Azure and vault options once.
    support: full
    membership:
      - siterecovery.vmware.asr
"""

    # The read-only ASR modules.
    ASR_INFO = r"""
attributes:
  check_mode:
    description:
      - This module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description:
      - This module only reads, so there is no diff.
    support: N/A
  action_group:
    description: Use C(group/siterecovery.vmware.asr) in C(module_defaults) to set the Azure and vault options once.
    support: full
    membership:
      - siterecovery.vmware.asr
"""
