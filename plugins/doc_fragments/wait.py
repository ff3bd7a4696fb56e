# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the options that wait on ASR jobs."""

from __future__ import annotations


class ModuleDocFragment:
    """wait, wait_timeout, wait_sleep."""

    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait for the ASR job to end before the task returns.
      - With V(false) the task returns as soon as ASR has accepted the operation, with the job's id.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait for the job, in seconds.
      - When it runs out the task fails with the job's id and state, and the job is left running (it is never cancelled).
    type: int
    default: 3600
  wait_sleep:
    description:
      - Seconds between two reads of the job.
    type: int
    default: 30
"""
