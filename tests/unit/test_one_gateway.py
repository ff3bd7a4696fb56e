# -*- coding: utf-8 -*-
"""One gateway to the vault, one api-version table (docs/architecture.md, "Layers").

An AST scan of plugins/: the Site Recovery SDK and ARM are called only in the gateway's files; modules, the inventory plugin and
the action plugins do not even touch a client; no api-version string is written outside ``_api_versions.py``.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1].parent
PLUGINS = ROOT / "plugins"
# The gateway: the ASR half, the ARM half, and the plain ARM request they share.
GATEWAY = {"module_utils/_asr_vault.py", "module_utils/_vault_gateway.py", "module_utils/_arm.py"}
# The cloud metadata read happens before there is a client (its own PipelineClient, its api-versions from the table).
METADATA = {"module_utils/_azure_cloud.py"}
TABLE = "module_utils/_api_versions.py"
# The callers that hold a session and give it to the gateway: they must not reach its client themselves.
FRONTS = ("modules/", "inventory/", "action/")
SDK_ATTRIBUTE = re.compile(r"^(replication[a-z_]*|recovery_points|begin_[a-z_]+|send_request|as_dict)$")
ARM_NAMES = {"arm_request", "arm_list", "HttpRequest", "PipelineClient", "send_request"}
ARM_STRING = re.compile(r"^api-version$|api-version=|^begin_[a-z_]+$")
VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")


def sources():
    return sorted(p for p in PLUGINS.rglob("*.py") if p.name != "__init__.py")


def rel(path):
    return path.relative_to(PLUGINS).as_posix()


def direct_calls(path, name=None):
    """Where ``path`` (plugins/``name``) calls the SDK or ARM itself: (line, what)."""
    name = name or rel(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and SDK_ATTRIBUTE.match(node.attr):
            found.append((node.lineno, "." + node.attr))
        elif isinstance(node, ast.Attribute) and node.attr == "client" and name.startswith(FRONTS):
            found.append((node.lineno, ".client"))
        elif isinstance(node, (ast.Name, ast.alias)) and (node.id if isinstance(node, ast.Name) else node.name) in ARM_NAMES:
            found.append((getattr(node, "lineno", 0), node.id if isinstance(node, ast.Name) else node.name))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and ARM_STRING.search(node.value):
            found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("._arm"):
            found.append((node.lineno, "import of _arm"))
    return found


def version_strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and VERSION.match(n.value)]


def test_the_scan_sees_the_plugins():
    names = [rel(p) for p in sources()]
    assert {"modules/asr_fabric_info.py", "inventory/asr_items.py", "action/asr_wait.py"} <= set(names)
    assert GATEWAY | METADATA | {TABLE} <= set(names)


def test_only_the_gateway_calls_the_sdk_or_arm():
    found = ["%s:%d %s" % (rel(p), line, what) for p in sources() if rel(p) not in GATEWAY | METADATA for line, what in direct_calls(p)]
    assert found == []


def test_the_metadata_read_calls_only_the_metadata_endpoint():
    found = [what for p in sources() if rel(p) in METADATA for _line, what in direct_calls(p)]
    assert set(found) <= {"PipelineClient", "HttpRequest", ".send_request", "'%smetadata/endpoints?api-version=%s'"}


def test_no_api_version_is_written_outside_the_table():
    found = ["%s:%d %s" % (rel(p), line, value) for p in sources() if rel(p) != TABLE for line, value in version_strings(p)]
    assert found == []


def test_each_version_of_the_table_is_named_once():
    tree = ast.parse((PLUGINS / TABLE).read_text(encoding="utf-8"))
    names = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets]
    values = [v for _line, v in version_strings(PLUGINS / TABLE)]
    assert len(names) == len(set(names)) and len(values) == len(set(values))
    assert {"RECOVERY_SERVICES", "COMPUTE", "NETWORK", "RESOURCES", "OFFAZURE"} <= set(names)


@pytest.mark.parametrize("source, expected", [
    ("def f(asr):\n    return asr.client.replication_fabrics.list('g', 'v')\n", {".client", ".replication_fabrics"}),
    ("def f(c):\n    return c.replication_protected_items.begin_reprotect(1, 2)\n", {".replication_protected_items", ".begin_reprotect"}),
    ("from x._arm import arm_request\n", {"arm_request", "import of _arm"}),
    ("R = {'params': {'api-version': V}}\n", {"'api-version'"}),
    ("M = {'reProtect': 'begin_reprotect'}\n", {"'begin_reprotect'"}),
])
def test_the_scan_finds_a_direct_call(tmp_path, source, expected):
    scratch = tmp_path / "example.py"
    scratch.write_text(source, encoding="utf-8")
    assert expected <= {what for _line, what in direct_calls(scratch, "modules/example.py")}


def test_the_scan_finds_a_version_string(tmp_path):
    scratch = tmp_path / "example.py"
    scratch.write_text("NETWORK = '2024-01-01'\nWHEN = '2024-01-01T10:00:00Z'\n", encoding="utf-8")
    assert version_strings(scratch) == [(1, "2024-01-01")]
