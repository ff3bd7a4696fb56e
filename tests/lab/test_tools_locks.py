# -*- coding: utf-8 -*-
"""tools/sanity.sh takes the lock every checkout shares: ansible-test's sanity venvs in ~/.ansible/test are one per machine."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import threading

from labrunner import ROOT


def test_sanity_waits_for_a_run_of_another_checkout(tmp_path):
    shared = tmp_path / ".ansible" / "test"
    shared.mkdir(parents=True)
    lock = shared / ".sanity.lock"
    with open(lock, "w", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242, /elsewhere/checkout, since 21:00:00Z\n")
        held.flush()
        waiting = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped below, by its process group
            [str(ROOT / "tools" / "sanity.sh")], env=dict(os.environ, HOME=str(tmp_path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)
        guard = threading.Timer(120, os.killpg, (waiting.pid, signal.SIGKILL))  # only if it never says it waits
        guard.start()
        try:
            said = waiting.stderr.readline()
            assert waiting.poll() is None  # still waiting: it has not gone on to ansible-test
        finally:
            guard.cancel()
            os.killpg(waiting.pid, signal.SIGTERM)
            waiting.communicate()
    assert said == ("sanity: waiting for the run that holds %s (pid 4242, /elsewhere/checkout, since 21:00:00Z); "
                    "ansible-test's venvs there are shared\n" % lock)
