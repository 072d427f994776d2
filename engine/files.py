"""Files in and out, safely: every reader of a user's file and every writer goes here.

    atomic_write(path, write)      write(handle) fills a temporary file beside ``path``, which
                                   is flushed, fsynced and renamed over ``path`` only when whole
    write_text(path, text)         the same for text (UTF-8)
    read_regular(path, limit, kind)  the bytes of a regular file of at most ``limit`` bytes
    check_regular(path, limit, kind) the same checks, without reading

A full disk, a killed process or any error inside ``write`` leaves the old file byte for byte
as it was (and no temporary file behind); the error is raised as it came. A reader never blocks
on a FIFO, never reads a device such as /dev/zero, and never reads more than its limit: it
raises UnreadableFile with a one-line reason instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
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


class UnreadableFile(ValueError):
    """A file that cannot be read as the kind of file asked for; the message says why (the
    caller names the file)."""


def _open_regular(path: str | Path, limit: int, kind: str) -> int:
    """A descriptor of ``path`` once it is known to be a regular file within ``limit`` bytes."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError:  # an embedded NUL
        raise UnreadableFile("the name holds a NUL character") from None
    except OSError as error:
        raise UnreadableFile(_reason(error, kind)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"is a directory, not a {kind}")
        raise UnreadableFile(f"not a regular file (a {_kind_of(info.st_mode)}), not a {kind}")
    if info.st_size > limit:
        os.close(fd)
        raise UnreadableFile(f"too large for a {kind} ({info.st_size:,} bytes; at most {limit:,})")
    return fd


def check_regular(path: str | Path, limit: int, kind: str) -> None:
    """Raise UnreadableFile unless ``path`` is a readable regular file of at most ``limit``."""
    os.close(_open_regular(path, limit, kind))


def read_regular(path: str | Path, limit: int, kind: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; UnreadableFile if not."""
    fd = _open_regular(path, limit, kind)
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise UnreadableFile(_reason(error, kind)) from None
    if len(data) > limit:  # it grew while we read
        raise UnreadableFile(f"too large for a {kind} (more than {limit:,} bytes)")
    return data


def _reason(error: OSError, kind: str) -> str:
    reasons = {
        errno.ENOENT: "no such file",
        errno.EISDIR: f"is a directory, not a {kind}",
        errno.EACCES: "permission denied",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ENOTDIR: "a part of the path is not a directory",
        errno.ELOOP: "too many symbolic links",
    }
    return reasons.get(error.errno, f"cannot read it ({error.strerror or error})")


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
