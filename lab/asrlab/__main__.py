"""Start the lab: ``PYTHONPATH=lab python -m asrlab --state-dir .lab``.

Listens on 127.0.0.1 only, on a free port unless --port says one, and stops by
itself after --ttl seconds (or on SIGTERM / SIGINT). Writes into the state dir:
the CA and bundle, ``lab.json`` (address, pid, credentials; mode 0600) and
``env.sh`` (the environment variables a playbook needs; mode 0600).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import pathlib
import secrets
import shlex
import signal
import socket
import ssl
import sys
import threading
import time
import weakref

from flask import request
from werkzeug.serving import make_server

from .app import LabConfig, create_app
from .assertions import make_app_credentials
from .certs import make_certificates
from .scenario import SCENARIOS, ScenarioError, load
from .vcenter import VSphere, inventory_for, start_simulator, stop_simulator


def _private_write(path, text):
    """Write ``path`` (mode 0600) whole at once: a reader waiting for it (tests/labrunner.py) never sees it empty or half-written."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    os.replace(partial, path)


def description(config, url, bundle, vcenter=None, esxi=None, app_files=None):
    """lab.json: where the lab is and how to log in to it."""
    login = ("host", "port", "user", "password")
    return dict(
        arm_endpoint=url,
        authority_host=url,
        ca_bundle=str(bundle),
        subscription_id=config.subscription_id,
        tenant_id=config.tenant_id,
        tenant_domain=config.tenant_domain,
        client_id=config.client_id,
        client_secret=config.client_secret,
        **{name: str(path) for name, path in (app_files or {}).items()},
        resource_group=config.resource_group,
        vault_name=config.vault_name,
        scenario=config.scenario,
        time_scale=config.time_scale,
        control_url=url + "lab",
        pid=os.getpid(),
        vcenter={k: vcenter[k] for k in login} if vcenter else None,
        esxi={k: esxi[k] for k in login} if esxi else None,
    )


def environment(lab):
    """env.sh: the variables that aim the collection's modules (and azure-identity) at the lab."""
    env = {
        "AZURE_SUBSCRIPTION_ID": lab["subscription_id"],
        "AZURE_TENANT": lab["tenant_id"],
        "AZURE_TENANT_ID": lab["tenant_id"],
        "AZURE_CLIENT_ID": lab["client_id"],
        "AZURE_SECRET": lab["client_secret"],
        "AZURE_CLIENT_SECRET": lab["client_secret"],
        "AZURE_CLOUD_ENVIRONMENT": lab["arm_endpoint"],
        "AZURE_AUTHORITY_HOST": lab["authority_host"],
        "ASR_RESOURCE_GROUP": lab["resource_group"],
        "ASR_VAULT_NAME": lab["vault_name"],
        "REQUESTS_CA_BUNDLE": lab["ca_bundle"],
    }
    if lab.get("vcenter"):
        vcenter = lab["vcenter"]
        env.update(VMWARE_HOST=vcenter["host"], VMWARE_PORT=str(vcenter["port"]), VMWARE_USER=vcenter["user"],
                   VMWARE_PASSWORD=vcenter["password"], VMWARE_VALIDATE_CERTS="true", VMWARE_CA_PATH=lab["ca_bundle"])
    if lab.get("esxi"):
        esxi = lab["esxi"]
        env.update(LAB_ESXI_HOST=esxi["host"], LAB_ESXI_PORT=str(esxi["port"]), LAB_ESXI_USER=esxi["user"],
                   LAB_ESXI_PASSWORD=esxi["password"])
    return env


class Connections:
    """The client connections the lab has served (keep-alive ones stay open between requests), to close at a restart."""

    def __init__(self, app):
        self.open = weakref.WeakSet()
        self.lock = threading.Lock()
        app.before_request(self.track)

    def track(self):
        raw = request.environ.get("werkzeug.socket")
        if raw is not None:
            with self.lock:
                self.open.add(raw)

    def close_all(self):
        with self.lock:
            found = list(self.open)
            self.open.clear()
        for raw in found:
            try:
                raw.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                raw.close()
            except OSError:
                pass


def main(argv=None):
    parser = argparse.ArgumentParser(prog="asrlab", description=__doc__.splitlines()[0])
    parser.add_argument("--state-dir", default=".lab", type=pathlib.Path)
    parser.add_argument("--port", type=int, default=0, help="0 (default): a free port")
    parser.add_argument("--ttl", type=float, default=3600.0, help="seconds before the lab stops by itself")
    parser.add_argument("--scenario", default=os.environ.get("LAB_SCENARIO", "classic"),
                        help="a scenario name (%s) or the path of a scenario file" % ", ".join(SCENARIOS))
    parser.add_argument("--time-scale", type=float, default=float(os.environ.get("LAB_TIME_SCALE", "1.0")),
                        help="lab duration of one Azure second (1.0: real time; 0.02: a 100 s failover takes 2 s)")
    parser.add_argument("--no-vcenter", action="store_true", help="run the Azure side only (no vCenter or ESXi simulator)")
    parser.add_argument("--duration", action="append", default=[], metavar="ACTION=SECONDS",
                        help="override an action's Azure duration (e.g. unplannedFailover=100, agentRegistration=900)")
    args = parser.parse_args(argv)

    state_dir = args.state_dir.resolve()
    paths = make_certificates(state_dir / "tls")
    try:
        durations = dict((k, float(v)) for k, v in (d.split("=", 1) for d in args.duration))
    except ValueError:
        parser.error("--duration takes ACTION=SECONDS")
    config = LabConfig(client_secret=secrets.token_urlsafe(24), scenario=args.scenario, time_scale=args.time_scale, durations=durations)
    try:
        scenario = load(config.scenario)
    except ScenarioError as exc:
        parser.error(str(exc))
    simulators, vsphere = [], None
    if not args.no_vcenter:
        # The simulators outlive the lab by a little at most: they stop by themselves too.
        vcenter = start_simulator(state_dir / "vcenter", paths, inventory_for(scenario), kind="vcenter", ttl=int(args.ttl) + 30)
        simulators.append(vcenter)
        simulators.append(start_simulator(state_dir / "esxi", paths, inventory_for(scenario, kind="esx"), kind="esx", ttl=int(args.ttl) + 30))
        # A session per change: ASR's actions are rare, and a lab that runs for hours outlives sessions.
        vsphere = functools.partial(VSphere.from_info, vcenter, paths["bundle"])
    app = create_app(config, scenario=scenario, vsphere=vsphere)
    if simulators:
        app.config["VAULT"].vsphere_address = dict(host=simulators[0]["host"], port=simulators[0]["port"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(paths["cert"], paths["key"])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    connections = Connections(app)
    server = make_server("127.0.0.1", args.port, app, threaded=True, ssl_context=context)
    port = server.server_port
    url = "https://127.0.0.1:%d/" % port
    # The app's certificate and the workload identity issuer (its tokens last as long as the lab).
    config.app_credentials, app_files, certificate_password = make_app_credentials(
        state_dir / "app", issuer=url + "workload-issuer", token_lifetime=int(args.ttl) + 60)
    app_files = dict(app_files, client_certificate_password=certificate_password)

    lab = description(config, url, paths["bundle"], *(simulators or [None, None]), app_files=app_files)
    _private_write(state_dir / "env.sh", "".join("export %s=%s\n" % (k, shlex.quote(v)) for k, v in environment(lab).items()))
    # lab.json last: its presence says the lab is ready.
    _private_write(state_dir / "lab.json", json.dumps(lab, indent=2))

    running = dict(server=server, stopping=False, restarts=[])

    def stop(*_args):
        running["stopping"] = True
        threading.Thread(target=running["server"].shutdown, daemon=True).start()

    def restart(down_seconds):
        """/lab/restart: the serving loop below closes everything, waits, and listens again (the state is the app's)."""
        running["restarts"].append(down_seconds)
        threading.Thread(target=running["server"].shutdown, daemon=True).start()

    app.config["RESTART"] = restart
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.ttl, stop)
    timer.daemon = True
    timer.start()
    print(json.dumps(dict(ready=True, url=url, pid=os.getpid(), state_dir=str(state_dir))), flush=True)
    try:
        while True:
            running["server"].serve_forever()
            if running["stopping"] or not running["restarts"]:
                break
            down = running["restarts"].pop()
            running["server"].server_close()
            connections.close_all()
            logging.getLogger("asrlab").warning("restart: down for %s s", down)
            time.sleep(down)  # the lab is down: connections are refused
            if running["stopping"]:
                break
            running["server"] = make_server("127.0.0.1", port, app, threaded=True, ssl_context=context)
    finally:
        timer.cancel()
        (state_dir / "lab.json").unlink(missing_ok=True)
        for simulator in simulators:
            stop_simulator(simulator)
    return 0


if __name__ == "__main__":
    sys.exit(main())
