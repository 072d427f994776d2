"""Shared fixtures: every test runs in its own temporary working directory, and a crash log
goes to a state directory of its own, never the user's."""

import pytest


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
