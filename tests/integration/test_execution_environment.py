# -*- coding: utf-8 -*-
"""execution-environment.yml renders into an ansible-builder build context.

Building the image needs a container engine, which the test machines lack;
`ansible-builder create` validates the file against the v3 schema and writes
the context that `ansible-builder build` would send to the engine.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


def test_builder_context_holds_the_collection_and_its_requirements(tmp_path):
    # The layout `make build` leaves: the tarball under build/dist with a stable name.
    for name in ("execution-environment.yml", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    dist = tmp_path / "build" / "dist"
    dist.mkdir(parents=True)
    subprocess.run([BIN / "ansible-galaxy", "collection", "build", "--output-path", str(dist), str(ROOT)],
                   check=True, capture_output=True, text=True)
    [built] = list(dist.glob("siterecovery-vmware-*.tar.gz"))
    built.rename(dist / "siterecovery-vmware.tar.gz")

    context = tmp_path / "context"
    done = subprocess.run([BIN / "ansible-builder", "create", "-f", str(tmp_path / "execution-environment.yml"), "-c", str(context)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

    build = context / "_build"
    assert (build / "collections" / "siterecovery-vmware.tar.gz").is_file()
    assert (build / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert "collections/siterecovery-vmware.tar.gz" in (build / "requirements.yml").read_text()
    containerfile = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists()).read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "quay.io/centos/centos:stream9" in containerfile
