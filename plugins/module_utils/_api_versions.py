# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The api-version of every Azure resource provider the collection calls, each named once (docs/architecture.md, "Layers").

Private to the collection. Only the vault gateway (``_vault_gateway``, ``_asr_vault``), the client it is built on
(``_azure_auth``) and the cloud metadata read (``_azure_cloud``) use them; a unit test fails when a version string is written
anywhere else in plugins/. Each is one the lab answers (``lab/asrlab/*.py``, ``API_VERSIONS`` lists).
"""

from __future__ import annotations

# Microsoft.RecoveryServices: the vault and ASR (the SDK azure-mgmt-recoveryservicessiterecovery 2.x speaks it).
RECOVERY_SERVICES = "2025-08-01"
# Microsoft.Compute: virtual machines, their instance views, vCPU usages, VM sizes of a region.
COMPUTE = "2024-07-01"
# Microsoft.Compute/skus (the resource SKUs of a region) has its own versions.
COMPUTE_SKUS = "2021-07-01"
# Microsoft.Network: virtual networks, CheckIPAddressAvailability, network interfaces.
NETWORK = "2024-05-01"
# Microsoft.Resources: template deployments (the process server VM in Azure).
RESOURCES = "2024-03-01"
# Microsoft.OffAzure: the VMware site of a modernized appliance (its run-as accounts).
OFFAZURE = "2023-06-06"
# ARM's metadata/endpoints: 2022-09-01 answers with the full cloud list on Azure; Azure Stack Hub answers 1.0 with its short form.
CLOUD_METADATA = ("2022-09-01", "1.0")
