# -*- coding: utf-8 -*-
"""The repository explains itself: code and docs cite docs/ here, never a design file or recordings outside it."""

from __future__ import annotations

import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"DESIGN\.md|SUMMARY\.md|asr-recordings")
CITED_DOC = re.compile(r"\bdocs/([a-z_-]+\.md)")


def tracked():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / n for n in names if n.endswith((".py", ".yml", ".yaml", ".md", ".sh", ".j2")) and not n.startswith(".ci/")
            and (ROOT / n).resolve() != pathlib.Path(__file__).resolve()]


def test_nothing_cites_a_document_outside_the_repository():
    found = ["%s:%d" % (p.relative_to(ROOT), n) for p in tracked() for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == []


def test_every_cited_doc_exists():
    missing = sorted({"%s -> docs/%s" % (p.relative_to(ROOT), doc) for p in tracked() for doc in CITED_DOC.findall(p.read_text(errors="replace"))
                      if not (ROOT / "docs" / doc).exists()})
    assert missing == []
