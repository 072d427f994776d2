"""Crash logging: a bug's details go to a file, and the user sees one line naming it.

Used by the command line (any command) and by the app (a crash while it is on the screen).
Imports nothing of Textual or rich: the command line must not load them.

The details go to a private place of the user's own, never the shared temporary directory:
``$XDG_STATE_HOME/backprop-tui/`` (else ``~/.local/state/backprop-tui/``), a directory of mode
0700 that must be a real directory owned by the user and writable by no one else. Each crash
gets a fresh file, created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600), so a
planted symlink or file is never followed or overwritten and no crash overwrites another. The
file holds the traceback only: no local variables (they may hold anything the program held).
Nothing here raises: a crash log that cannot be written is one truthful line instead.
"""

from __future__ import annotations

import itertools
import os
import stat
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO

APP_NAME = "backprop-tui"
_ATTEMPTS = 100  # fresh names tried before giving up (two crashes in one second and process)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_sequence = itertools.count(1)  # tells apart the crash logs of one process


class _Refused(Exception):
    """The crash log cannot be written safely; the message says why, for the user."""


def crash_dir() -> Path:
    """Where the details of crashes go: ``$XDG_STATE_HOME/backprop-tui`` (an absolute
    ``XDG_STATE_HOME`` only, as the XDG spec says), else ``~/.local/state/backprop-tui``."""
    base = os.environ.get("XDG_STATE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / APP_NAME


def write_crash_log(write: Callable[[IO[str]], None] | None = None) -> str:
    """Write the details (``write(handle)``, or the traceback of the exception being handled)
    to a fresh crash log; returns the words that tell the user where they are (or why there
    is no log). ``write`` must not print local variables: prefer :func:`write_crash_log_for`."""
    if write is None:
        text = traceback.format_exc()
        return _write(lambda handle: handle.write(text))
    return _write(write)


def write_crash_log_for(error: BaseException | None) -> str:
    """Write ``error``'s traceback (with its causes, without local variables) to a fresh crash
    log; returns the words that tell the user where it is (or why there is no log)."""
    if error is None:
        text = "backprop-tui: no exception was recorded for this crash\n"
    else:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return _write(lambda handle: handle.write(text))


def crash_line(error: BaseException | None, where: str) -> str:
    """The one line a user sees about a crash."""
    return f"backprop-tui: unexpected error: {error!r} ({where})"


def _write(write: Callable[[IO[str]], None]) -> str:
    try:
        directory = crash_dir()
        dir_fd = _open_private_dir(directory)
        try:
            fd, path = _create_fresh_file(directory, dir_fd)
        finally:
            if dir_fd is not None:
                os.close(dir_fd)
    except _Refused as refused:
        return f"no log: {refused}"
    except OSError as error:
        return f"no log: {_reason(error)}"
    except Exception as error:  # never let the crash report itself crash
        return f"no log: {error!r}"
    try:
        handle = os.fdopen(fd, "w", encoding="utf-8", errors="replace")
    except Exception as error:
        os.close(fd)
        return f"no log: {error!r}"
    try:
        with handle:
            write(handle)
    except OSError as error:
        return f"details (incomplete: {_reason(error)}) in {path}"
    except Exception as error:
        return f"details (incomplete: {error!r}) in {path}"
    return f"details in {path}"


def _open_private_dir(directory: Path) -> int | None:
    """Make ``directory`` (mode 0700) if need be, check that it is private, and open it (so
    the file is made in the very directory that was checked). ``None`` where the platform
    cannot open directories: the path is used then."""
    created = False
    try:
        os.makedirs(directory.parent, 0o700, exist_ok=True)
    except OSError as error:
        raise _Refused(f"cannot create {directory.parent}: {_reason(error)}") from None
    try:
        os.mkdir(directory, 0o700)
        created = True
    except FileExistsError:
        pass
    except OSError as error:
        raise _Refused(f"cannot create {directory}: {_reason(error)}") from None
    try:
        info = os.lstat(directory)
    except OSError as error:
        raise _Refused(f"cannot inspect {directory}: {_reason(error)}") from None
    _check_private(directory, info)
    if not (hasattr(os, "O_DIRECTORY") and os.open in os.supports_dir_fd):
        if created:
            os.chmod(directory, 0o700)
        return None
    try:
        dir_fd = os.open(directory, _DIR_FLAGS)
    except OSError as error:  # swapped for a symlink or a file since the check
        raise _Refused(f"cannot open {directory}: {_reason(error)}") from None
    try:
        opened = os.fstat(dir_fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise _Refused(f"{directory} changed while it was being checked; not writing there")
        _check_private(directory, opened)
        if created:
            os.fchmod(dir_fd, 0o700)  # whatever the umask did
    except BaseException:
        os.close(dir_fd)
        raise
    return dir_fd


def _check_private(directory: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise _Refused(f"{directory} is a symlink, not a private directory; not following it")
    if not stat.S_ISDIR(info.st_mode):
        raise _Refused(f"{directory} exists but is not a directory")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise _Refused(
            f"{directory} belongs to another user (uid {info.st_uid}); not writing there"
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _Refused(
            f"{directory} is writable by others (mode {stat.S_IMODE(info.st_mode):o}); "
            "not writing there (chmod 700 it)"
        )


def _create_fresh_file(directory: Path, dir_fd: int | None) -> tuple[int, Path]:
    """A new file of mode 0600 that did not exist before: never a planted file or symlink."""
    stem = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    for _ in range(_ATTEMPTS):
        name = f"{stem}-{next(_sequence)}.log"
        try:
            if dir_fd is None:
                fd = os.open(directory / name, _FILE_FLAGS, 0o600)
            else:
                fd = os.open(name, _FILE_FLAGS, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
        except OSError as error:
            raise _Refused(f"cannot create a file in {directory}: {_reason(error)}") from None
        return fd, directory / name
    raise _Refused(f"cannot find a fresh file name in {directory}")


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
