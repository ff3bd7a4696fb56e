# -*- coding: utf-8 -*-
"""The changelog speaks to users: what is about the lab, the tests or the tooling is a ``trivial`` entry.

antsibull-changelog publishes every section but ``trivial``; the lab, tests/, bench/ and tools/ are
not in the Galaxy tarball (galaxy.yml build_ignore), so their entries must not reach the published
changelog as changes of the collection.
"""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

FRAGMENTS = sorted((pathlib.Path(__file__).resolve().parents[2] / "changelogs" / "fragments").glob("*.yml"))
# An entry is about the development tree when it starts with one of these names (antsibull's "name - text" style).
DEVELOPMENT = re.compile(r"^\s*(lab|tests?|bench|tools/\S*|molecule|make \S+|the ``make \S+`` target|ci)\b", re.IGNORECASE)


def entries(path):
    for section, items in (yaml.safe_load(path.read_text()) or {}).items():
        for item in items or []:
            yield section, item


@pytest.mark.parametrize("path", FRAGMENTS, ids=[p.name for p in FRAGMENTS])
def test_development_entries_are_trivial(path):
    published = [item.split(" - ")[0][:60] for section, item in entries(path) if section != "trivial" and DEVELOPMENT.match(item)]
    assert published == [], "%s: entries about the lab, tests or tooling belong under trivial: %s" % (path.name, published)


def test_the_rule_catches_a_lab_entry(tmp_path):
    fragment = tmp_path / "x.yml"
    fragment.write_text("minor_changes:\n  - lab - a new control endpoint.\n  - asr_wait - new option.\n")
    assert [item[:3] for section, item in entries(fragment) if section != "trivial" and DEVELOPMENT.match(item)] == ["lab"]
