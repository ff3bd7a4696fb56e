"""The lab's Flask application and its configuration."""

from __future__ import annotations

import dataclasses

from flask import Flask

# Importing azure, guests and resources registers their routes.
from . import arm, azure, control, fabrics, guests, identity, resources  # pylint: disable=unused-import
from . import plan_resources  # pylint: disable=unused-import  # registers the recovery plans' routes
from .clock import Clock
from .jobs import JobBook
from .scenario import load
from .throttle import Throttle
from .vault import Vault


@dataclasses.dataclass
class LabConfig:  # pylint: disable=too-many-instance-attributes
    """Who may log in, and where the vault is."""

    client_secret: str
    scenario: str = "classic"
    time_scale: float = 1.0
    durations: dict = dataclasses.field(default_factory=dict)  # Azure seconds per action, over the scenario's
    tenant_id: str = "8c3dad1d-b6bc-4f8b-939b-8263372eced6"
    tenant_domain: str = "siterecovery.lab"
    client_id: str = "0c8e1f9a-3b57-4d2e-9a61-5e0d7c4b2f10"
    subscription_id: str = "6d0b5f4e-2a8c-4c1e-8f3b-9e7a1d2c3b4a"
    resource_group: str = "rg-dr"
    vault_name: str = "vault-dr"
    audience: str = "https://management.siterecovery.lab"
    app_credentials: object = None  # assertions.AppCredentials: the app's certificate and federated credential

    @property
    def resource_group_id(self):
        return "/subscriptions/%s/resourceGroups/%s" % (self.subscription_id, self.resource_group)

    @property
    def vault_id(self):
        return "%s/providers/Microsoft.RecoveryServices/vaults/%s" % (self.resource_group_id, self.vault_name)


def create_app(config, scenario=None, vsphere=None):
    """The lab's WSGI application for ``config``; ``vsphere`` couples it to a vCenter simulator."""
    app = Flask("asrlab")
    jobs = JobBook(Clock(config.time_scale))
    scenario = scenario or load(config.scenario)
    scenario.durations.update(config.durations)
    vault = Vault(config, scenario, jobs, vsphere=vsphere)
    app.config.update(LAB=config, VAULT=vault, JOBS=jobs, TOKENS=identity.TokenStore(), REQUESTS=[], HTTP_FAULTS=[], GATE=control.Gate(),
                      THROTTLE=Throttle(),
                      TICKS=[azure.register_deployed_process_servers, fabrics.refresh_heartbeats, guests.sync])
    app.register_blueprint(identity.blueprint)
    app.register_blueprint(control.blueprint)
    app.register_blueprint(arm.blueprint)
    return app
