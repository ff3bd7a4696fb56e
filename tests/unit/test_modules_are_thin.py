# -*- coding: utf-8 -*-
"""Every module is its documentation, its argument spec and a main that calls one function (docs/architecture.md, "Layers").

An AST scan of plugins/modules: besides main, a module holds at most one function, of a few statements that compose
module_utils' calls (asr_commit's ``commit`` is the model); workflows live in module_utils beside their checks, and
module_utils never imports a module.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1].parent
MODULES = sorted((ROOT / "plugins" / "modules").glob("*.py"))
# asr_commit's commit: an ItemAction and its perform.
MAX_STATEMENTS = 3
ALLOWED_TOP = (ast.Import, ast.ImportFrom, ast.Assign, ast.Expr, ast.If, ast.FunctionDef)


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_a_module_is_its_docs_spec_and_main(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert all(isinstance(node, ALLOWED_TOP) for node in tree.body), [type(n).__name__ for n in tree.body if not isinstance(n, ALLOWED_TOP)]
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert "main" in [f.name for f in functions]
    others = [f for f in functions if f.name != "main"]
    assert len(others) <= 1, "%s holds %s: move the workflow into module_utils" % (path.name, ", ".join(f.name for f in others))
    for function in others:
        assert len(function.body) <= MAX_STATEMENTS, "%s.%s has %d statements: move the workflow into module_utils" % (
            path.stem, function.name, len(function.body))


def test_module_utils_never_import_a_module():
    for path in sorted((ROOT / "plugins").glob("*/*.py")):
        if path.parent.name == "modules":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert ".plugins.modules" not in (node.module or ""), "%s imports %s" % (path, node.module)
