"""Lab scenarios: what the vault and the on-premises site hold at start (lab/scenarios/*.yml)."""

from __future__ import annotations

import dataclasses
import pathlib
import typing

import yaml

SCENARIO_DIR = pathlib.Path(__file__).resolve().parent.parent / "scenarios"
SCENARIOS = tuple(sorted(p.stem for p in SCENARIO_DIR.glob("*.yml")))
KINDS = ("vmware", "physical")
OS_TYPES = ("Windows", "Linux")


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with the reason."""


@dataclasses.dataclass
class Machine:  # pylint: disable=too-many-instance-attributes
    """A protected machine."""

    name: str
    kind: str
    os_type: str
    os_version: str
    cores: int
    memory_mb: int
    disks: int
    ip: str
    size: str
    group: typing.Optional[str] = None


@dataclasses.dataclass
class MasterTarget:
    """A classic master target server (on-premises, writes the failback replica)."""

    name: str
    os_type: str
    os_version: str
    ip: str
    retention_drive: str
    datastores: list


@dataclasses.dataclass
class FailbackPolicy:
    """A failback replication policy: a real vault may map several (app-consistency and crash-consistency ones)."""

    name: str
    app_consistent_minutes: int = 60  # 0: crash-consistent points only


def _failback_policy(data, index):
    where = "failback_policies[%d]" % index
    if isinstance(data, str):
        data = dict(name=data)
    unknown = set(data) - {f.name for f in dataclasses.fields(FailbackPolicy)}
    if unknown:
        raise ScenarioError("%s: unknown keys %s" % (where, ", ".join(sorted(unknown))))
    _require(data, "name", where)
    return FailbackPolicy(**data)


@dataclasses.dataclass
class Scenario:  # pylint: disable=too-many-instance-attributes
    """A whole lab scenario."""

    name: str
    generation: str
    location: str
    recovery: dict
    machines: list
    configuration_server: typing.Optional[dict] = None
    master_targets: list = dataclasses.field(default_factory=list)
    appliance: typing.Optional[dict] = None
    durations: dict = dataclasses.field(default_factory=dict)
    # The failback policies (InMage or InMageRcmFailback), each mapped to the protection container; the first is the items' own.
    failback_policies: list = dataclasses.field(default_factory=lambda: [FailbackPolicy("policy-lab-failback")])

    def machine(self, name):
        return next((m for m in self.machines if m.name.lower() == name.lower()), None)


def _require(data, key, where):
    if key not in data or data[key] in (None, ""):
        raise ScenarioError("%s: %r is required" % (where, key))
    return data[key]


def _machine(data, index):
    where = "machines[%d]" % index
    fields = {f.name for f in dataclasses.fields(Machine)}
    unknown = set(data) - fields
    if unknown:
        raise ScenarioError("%s: unknown keys %s" % (where, ", ".join(sorted(unknown))))
    for key in fields - {"group"}:
        _require(data, key, where)
    if data["kind"] not in KINDS:
        raise ScenarioError("%s: kind must be one of %s" % (where, ", ".join(KINDS)))
    if data["os_type"] not in OS_TYPES:
        raise ScenarioError("%s: os_type must be one of %s" % (where, ", ".join(OS_TYPES)))
    return Machine(**data)


def load(name_or_path):
    """Load a scenario by name (lab/scenarios/NAME.yml) or path; raise ScenarioError when it is wrong."""
    path = pathlib.Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / (str(name_or_path) + ".yml")
    if not path.is_file():
        raise ScenarioError("no scenario %s (known: %s, or a path to a .yml file)" % (name_or_path, ", ".join(SCENARIOS)))
    data = yaml.safe_load(path.read_text()) or {}
    generation = _require(data, "generation", path.name)
    if generation not in ("classic", "modernized"):
        raise ScenarioError("%s: generation must be classic or modernized" % path.name)
    machines = [_machine(m, i) for i, m in enumerate(_require(data, "machines", path.name))]
    names = [m.name.lower() for m in machines]
    if len(set(names)) != len(names):
        raise ScenarioError("%s: machine names must be unique" % path.name)
    if generation == "modernized" and any(m.kind == "physical" for m in machines):
        raise ScenarioError("%s: this lab models physical servers in classic scenarios only" % path.name)
    scenario = Scenario(
        name=path.stem,
        generation=generation,
        location=data.get("location", "westeurope"),
        recovery=_require(data, "recovery", path.name),
        machines=machines,
        durations=data.get("durations") or {},
    )
    if data.get("failback_policies"):
        scenario.failback_policies = [_failback_policy(d, i) for i, d in enumerate(data["failback_policies"])]
        names = [f.name.lower() for f in scenario.failback_policies]
        if len(set(names)) != len(names) or "policy-lab" in names:
            raise ScenarioError("%s: failback policy names must be unique and not policy-lab" % path.name)
    if generation == "classic":
        scenario.configuration_server = _require(data, "configuration_server", path.name)
        scenario.master_targets = [MasterTarget(**m) for m in data.get("master_targets") or []]
    else:
        scenario.appliance = _require(data, "appliance", path.name)
    return scenario
