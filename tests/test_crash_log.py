"""Crash logs: private to the user, a fresh file per crash, no local variables, never in the
shared temporary directory; a log that cannot be written safely is one truthful line."""

import os
import stat
import tempfile
from pathlib import Path

import pytest

from tui import crash
from tui.cli import main
from tui.cli import train as train_command

SECRET = "".join(["hunter", "2-only-in-a-local"])  # never on a source line a traceback quotes


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A private HOME and XDG_STATE_HOME; the crash logs' directory (not yet made)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "home").mkdir()
    return tmp_path / "state" / "backprop-tui"


@pytest.fixture
def shared_tmp(tmp_path, monkeypatch):
    """The shared temporary directory, as tempfile sees it."""
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    return shared


@pytest.fixture
def broken_train(monkeypatch):
    """``backprop-tui train`` hits a bug in a function holding a secret in a local."""

    def train_main(argv):
        password = SECRET
        assert password
        raise RuntimeError("boom in training")

    monkeypatch.setattr(train_command, "train_main", train_main)


def crash_cli(capsys) -> tuple[int, list[str]]:
    status = main(["train"])
    captured = capsys.readouterr()
    assert captured.out == ""
    return status, captured.err.splitlines(keepends=True)


def logged_file(line: str) -> Path:
    assert line.endswith(")\n")
    return Path(line.rsplit("(details in ", 1)[1][: -len(")\n")])


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_cli_crash_is_one_line_naming_a_private_file_without_locals(state, capsys, broken_train):
    status, lines = crash_cli(capsys)
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith("backprop-tui: unexpected error: RuntimeError('boom in training')")
    log = logged_file(lines[0])
    assert log.parent == state
    assert log.name.startswith("crash-") and log.suffix == ".log"
    assert mode(state) == 0o700
    assert stat.S_ISREG(os.lstat(log).st_mode) and mode(log) == 0o600
    text = log.read_text(encoding="utf-8")
    assert text.startswith("Traceback (most recent call last):")
    assert "in train_main" in text and "RuntimeError: boom in training" in text
    assert SECRET not in text and "password" not in text


def test_a_planted_symlink_at_the_old_shared_path_is_never_followed(
    state, shared_tmp, tmp_path, capsys, broken_train
):
    victim = tmp_path / "thesis.tex"
    victim.write_bytes(b"\\chapter{Years of work}\n")
    planted = Path(tempfile.gettempdir()) / "backprop-tui-crash.log"
    assert planted.parent == shared_tmp
    planted.symlink_to(victim)

    status, lines = crash_cli(capsys)

    assert status == 1 and len(lines) == 1
    assert victim.read_bytes() == b"\\chapter{Years of work}\n"
    assert os.readlink(planted) == str(victim)
    assert os.listdir(shared_tmp) == ["backprop-tui-crash.log"]  # nothing new in the shared dir
    assert logged_file(lines[0]).parent == state


def test_every_crash_gets_its_own_file(state, capsys, broken_train):
    logs = []
    for _ in range(3):
        status, lines = crash_cli(capsys)
        assert status == 1 and len(lines) == 1
        logs.append(logged_file(lines[0]))
    assert len(set(logs)) == 3
    assert sorted(state.iterdir()) == sorted(logs)
    assert all("boom in training" in log.read_text(encoding="utf-8") for log in logs)


def test_the_app_path_writes_the_exception_without_locals(state):
    def deep(n):
        token = SECRET
        assert token
        if n:
            deep(n - 1)
        raise ValueError("bad shape")

    try:
        try:
            deep(2)
        except ValueError as cause:
            raise KeyError("lookup") from cause
    except KeyError as error:
        caught = error
    where = crash.write_crash_log_for(caught)
    assert where.startswith("details in ")
    text = Path(where.removeprefix("details in ")).read_text(encoding="utf-8")
    assert "ValueError: bad shape" in text and "KeyError: 'lookup'" in text
    assert "direct cause" in text and "in deep" in text
    assert SECRET not in text and "token" not in text
    assert crash.crash_line(caught, where).count("\n") == 0


def test_nothing_recorded_is_still_a_log(state):
    where = crash.write_crash_log_for(None)
    assert where.startswith("details in ")


def test_a_broken_writer_is_reported_not_raised(state):
    def write(handle):
        handle.write("partial\n")
        raise RuntimeError("renderer broke")

    where = crash.write_crash_log(write)
    assert where.startswith("details (incomplete: RuntimeError('renderer broke')) in ")
    assert Path(where.rsplit(" in ", 1)[1]).read_text(encoding="utf-8") == "partial\n"


def plant_symlink(directory: Path, tmp_path: Path) -> Path:
    elsewhere = tmp_path / "attacker-dir"
    elsewhere.mkdir()
    directory.symlink_to(elsewhere)
    return elsewhere


def plant_file(directory: Path, tmp_path: Path) -> Path:
    directory.write_bytes(b"not a directory\n")
    return directory


def plant_open_dir(directory: Path, tmp_path: Path) -> Path:
    directory.mkdir()
    directory.chmod(0o777)
    return directory


def plant_group_writable_dir(directory: Path, tmp_path: Path) -> Path:
    directory.mkdir()
    directory.chmod(0o770)
    return directory


@pytest.mark.parametrize(
    "plant, reason",
    [
        (plant_symlink, "is a symlink, not a private directory"),
        (plant_file, "exists but is not a directory"),
        (plant_open_dir, "is writable by others (mode 777)"),
        (plant_group_writable_dir, "is writable by others (mode 770)"),
    ],
)
def test_an_unsafe_state_dir_is_refused_with_the_true_reason(
    state, tmp_path, capsys, broken_train, plant, reason
):
    state.parent.mkdir()
    target = plant(state, tmp_path)
    before = {p: p.read_bytes() if p.is_file() else None for p in [target, *target.rglob("*")]}

    status, lines = crash_cli(capsys)

    assert status == 1 and len(lines) == 1
    assert f"(no log: {state} {reason}" in lines[0]
    assert "temporary directory" not in lines[0]
    after = {p: p.read_bytes() if p.is_file() else None for p in [target, *target.rglob("*")]}
    assert after == before  # nothing written anywhere


def test_a_state_dir_of_another_user_is_refused(state, monkeypatch):
    state.mkdir(parents=True, mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.lstat(state).st_uid + 1)
    where = crash.write_crash_log()
    assert where.startswith(f"no log: {state} belongs to another user")
    assert list(state.iterdir()) == []


def test_a_state_home_that_is_a_file_is_a_true_reason(tmp_path, monkeypatch):
    blocker = tmp_path / "state"
    blocker.write_bytes(b"")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    where = crash.write_crash_log()
    assert where.startswith(f"no log: cannot create {blocker}")
    assert blocker.read_bytes() == b""


def test_without_xdg_state_home_it_is_under_the_home_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    expected = tmp_path / ".local" / "state" / "backprop-tui"
    assert crash.crash_dir() == expected
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")  # the XDG spec says: ignore it
    assert crash.crash_dir() == expected
    where = crash.write_crash_log()
    assert Path(where.removeprefix("details in ")).parent == expected
    assert mode(expected) == 0o700


def test_the_directory_is_private_whatever_the_umask(state):
    old = os.umask(0o277)
    try:
        where = crash.write_crash_log()
    finally:
        os.umask(old)
    assert where.startswith("details in ")
    assert mode(state) == 0o700
    assert mode(Path(where.removeprefix("details in "))) & 0o077 == 0


def test_the_command_line_module_loads_no_textual():
    import subprocess
    import sys

    code = (
        "import sys, tui.crash; print(any(m.startswith(('textual', 'rich')) for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
