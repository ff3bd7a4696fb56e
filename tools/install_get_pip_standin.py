# -*- coding: utf-8 -*-
"""Put tools/get_pip_standin.py where the installed ansible-test looks for get-pip.

Run with the venv's Python. Prints the path written (or already in place).
"""

import os
import re
import shutil
import sys

import ansible_test


def pip_version():
    path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(path, encoding="utf-8") as handle:
        match = re.search(r"pip='([0-9][0-9.]*)'", handle.read())
    if not match:
        sys.exit("error: cannot find the pip version ansible-test bootstraps in %s" % path)
    return match.group(1)


def main():
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "get_pip_standin.py")
    target = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % pip_version().replace(".", "_"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(source, "rb") as handle:
        wanted = handle.read()
    current = None
    if os.path.exists(target):
        with open(target, "rb") as handle:
            current = handle.read()
    if current != wanted:
        shutil.copyfile(source, target)
    print(target)


if __name__ == "__main__":
    main()
