"""Tests never write to the user's own folders: the kernel cache, settings, saves and logs
go to one temporary folder for the session (set here, at import, so that subprocesses the
tests start inherit it too)."""

from __future__ import annotations

import os
import shutil
import tempfile

SESSION_DIR = tempfile.mkdtemp(prefix="redline-tests-")
for _var, _sub in (
    ("REDLINE_CACHE", os.path.join("cache", "redline")),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_STATE_HOME", "state"),
):
    os.environ[_var] = os.path.join(SESSION_DIR, _sub)


def pytest_sessionfinish(session, exitstatus) -> None:
    shutil.rmtree(SESSION_DIR, ignore_errors=True)
