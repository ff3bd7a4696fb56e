"""The lab: a local Azure Site Recovery (ARM + Entra ID) that the unmodified SDKs talk to."""
