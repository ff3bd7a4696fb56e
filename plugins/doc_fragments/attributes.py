# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the attributes the collection's modules declare."""

from __future__ import annotations


class ModuleDocFragment:
    """Attributes: DOCUMENTATION for modules that change things, INFO_MODULE for read-only ones."""

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

    INFO_MODULE = r"""
attributes:
  check_mode:
    description:
      - This module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description:
      - This module only reads, so there is no diff.
    support: N/A
"""
