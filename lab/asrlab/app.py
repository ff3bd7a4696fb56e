"""The lab's Flask application and its configuration."""

from __future__ import annotations

import dataclasses

from flask import Flask, jsonify

from . import arm, identity, resources  # pylint: disable=unused-import  # importing resources registers its ARM routes
from .scenario import classic_fabric, modernized_fabric


@dataclasses.dataclass
class LabConfig:
    """Who may log in, and where the vault is."""

    client_secret: str
    scenario: str = "classic"
    tenant_id: str = "8c3dad1d-b6bc-4f8b-939b-8263372eced6"
    tenant_domain: str = "siterecovery.lab"
    client_id: str = "0c8e1f9a-3b57-4d2e-9a61-5e0d7c4b2f10"
    subscription_id: str = "6d0b5f4e-2a8c-4c1e-8f3b-9e7a1d2c3b4a"
    resource_group: str = "rg-dr"
    vault_name: str = "vault-dr"
    location: str = "westeurope"
    audience: str = "https://management.siterecovery.lab"

    @property
    def resource_group_id(self):
        return "/subscriptions/%s/resourceGroups/%s" % (self.subscription_id, self.resource_group)

    @property
    def vault_id(self):
        return "%s/providers/Microsoft.RecoveryServices/vaults/%s" % (self.resource_group_id, self.vault_name)


class LabState:
    """Everything the lab's Azure holds; changed only through the API."""

    def __init__(self, config):
        if config.scenario == "classic":
            fabric = classic_fabric(config.vault_id)
        else:
            fabric = modernized_fabric(config.vault_id, config.resource_group_id)
        self.fabrics = {fabric["name"]: fabric}


def create_app(config):
    app = Flask("asrlab")
    app.config.update(LAB=config, STATE=LabState(config), TOKENS=identity.TokenStore(), REQUESTS=[])
    app.register_blueprint(identity.blueprint)

    @app.route("/requests")
    def requests_made():
        """The ARM requests served so far (method, path, status, seconds): for counting, not for clients."""
        return jsonify(app.config["REQUESTS"])

    app.register_blueprint(arm.blueprint)
    return app
