"""Crash logging: a bug's details go to a file, and the user sees one line naming it.

Used by the command line (any command) and by the app (a crash while it is on the screen).
Imports nothing of Textual: the app hands over what it has to print.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO


def crash_log() -> Path:
    """Where the details of a crash go."""
    return Path(tempfile.gettempdir()) / "backprop-tui-crash.log"


def write_crash_log(write: Callable[[IO[str]], None] | None = None) -> str:
    """Write the details (``write(handle)``, or the exception being handled) to the crash log;
    returns the words that tell the user where they are."""
    try:
        with crash_log().open("w", encoding="utf-8") as handle:
            if write is None:
                handle.write(traceback.format_exc())
            else:
                write(handle)
    except OSError:
        return "no log: the temporary directory is not writable"
    return f"details in {crash_log()}"


def crash_line(error: BaseException | None, where: str) -> str:
    """The one line a user sees about a crash."""
    return f"backprop-tui: unexpected error: {error!r} ({where})"
