"""Writing files so that a failed write never damages what was there: every writer goes here.

    atomic_write(path, write)      write(handle) fills a temporary file beside ``path``, which
                                   is flushed, fsynced and renamed over ``path`` only when whole
    write_text(path, text)         the same for text (UTF-8)

A full disk, a killed process or any error inside ``write`` leaves the old file byte for byte
as it was (and no temporary file behind); the error is raised as it came.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], object]) -> None:
    """Replace ``path`` with what ``write(handle)`` writes to a binary handle, atomically.

    A new file gets the permissions a plain ``open(path, "w")`` would give it (the umask's);
    an existing file keeps its own.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        _replace(target, directory, write)
    except OSError as error:  # name the file the user asked for, not the temporary one
        error.filename, error.filename2 = str(target), None
        raise
    with contextlib.suppress(OSError):  # the rename is durable once the directory is synced
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)


def _replace(target: Path, directory: Path, write: Callable[[IO[bytes]], object]) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # the error that matters is the one raised
            os.unlink(temporary)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), atomically."""
    data = text.encode("utf-8")
    atomic_write(path, lambda handle: handle.write(data))


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (other threads may be
    creating files), else by setting and restoring it."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    umask = os.umask(0o22)
    os.umask(umask)
    return umask
