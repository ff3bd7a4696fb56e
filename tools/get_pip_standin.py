# -*- coding: utf-8 -*-
"""A stand-in for pip's get-pip.py that ansible-test runs to bootstrap its venvs.

ansible-test (sanity --venv) downloads get-pip.py from a host that these
machines cannot reach, unless a copy sits in ~/.ansible/test/cache
(see ansible/ansible#77304). `make setup` puts this file there under the
name ansible-test looks for. It installs pip from the interpreter's own
bundled wheel (ensurepip), then lets that pip install what ansible-test
asked for (e.g. pip==25.2) from the package index, with the machine's
pip configuration (ensurepip hides it behind PIP_CONFIG_FILE=/dev/null).
"""

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that `pip install` does not take.
DROPPED = ("--no-setuptools", "--no-wheel")


def main():
    ensurepip.bootstrap()
    os.environ.pop("PIP_CONFIG_FILE", None)
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    return subprocess.call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    sys.exit(main())
