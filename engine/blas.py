"""How many threads NumPy's BLAS may use for a matrix product: one, unless asked for more.

    use_threads(2)          # this process, from now on: BLAS products on two threads
    use_threads(None)       # back to DEFAULT_THREADS
    for_training(None)      # what a Run does as it starts: the process's choice, else the default

NumPy's BLAS (OpenBLAS in the wheels) starts a thread per core for every product above a small
size. At this engine's sizes (a few thousand samples, tens of units) the threads cost more than
they save, and on a shared machine they fight over the cores: one thread is the default. The
limit is process-wide and set through threadpoolctl on the BLAS libraries already loaded (an
environment variable such as OPENBLAS_NUM_THREADS is read only as NumPy loads). Importing the
engine changes nothing: the limit is set when an entry point (the command line, the app, a sweep
worker) chooses it, or when training first starts (see :func:`for_training`). The choice is
remembered, so asking again costs nothing; a limit set behind this module's back (a
``threadpool_limits`` block of the caller's) is not seen.

At the lab's sizes more threads change who sums, not what: OpenBLAS (NumPy's wheels) splits a
product's rows and columns between its threads and sums each output element in the same order,
so loss histories stay the same bit for bit (benchmarks/blas_threads.py checks). For a very
large product it splits the sum too (512,512 on 20,000 samples: the last bit of a loss changed);
with one thread, the core count never matters.
"""

from __future__ import annotations

import threading

DEFAULT_THREADS = 1
"""BLAS threads per process unless a config, a flag or a caller asks for more."""

_lock = threading.Lock()
_threads: int | None = None
"""The limit this process has chosen, or None: none yet (BLAS as NumPy loaded it)."""


def use_threads(n: int | None = None) -> int:
    """Limit BLAS to ``n`` threads (None: DEFAULT_THREADS) in this whole process from now on,
    and remember it as the process's choice; returns the limit."""
    global _threads
    n = DEFAULT_THREADS if n is None else n
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"BLAS threads must be a whole number >= 1, got {n!r}")
    with _lock:
        if n != _threads:
            from threadpoolctl import threadpool_limits  # only once a limit is chosen

            threadpool_limits(limits=n, user_api="blas")
            _threads = n
    return n


def threads() -> int | None:
    """The limit this process has chosen through :func:`use_threads`, or None (none yet)."""
    return _threads


def for_training(n: int | None) -> int:
    """The limit a run trains with, set as it starts: ``n`` when its config gives one; else the
    limit the process has chosen already (an entry point, or a caller's :func:`use_threads`);
    else DEFAULT_THREADS."""
    if n is None:
        n = _threads
    return use_threads(n)
