"""``sweep --scheduler``: a sweep's tasks on a Dask cluster (``pip install
'backprop-tui[cluster]'``), for a grid larger than one machine.

    with dask_executor("tcp://10.0.0.5:8786", None) as (executor, slots, stop):
        run_sweeps(sweeps, slots, executor=executor, executor_stop=stop)

``local`` starts a cluster of ``--jobs`` single-threaded worker processes on this machine and
stops it afterwards. Each worker needs backprop-tui installed (the same version): a task is the
engine's own function, sent by name. The results are those of a local sweep, bit for bit.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import Executor

from .args import UsageError

CONNECT_TIMEOUT = "5s"
"""How long to try reaching a scheduler before saying it cannot be reached."""


@contextlib.contextmanager
def dask_executor(address: str, jobs: int | None) -> Iterator[tuple[Executor, int, object]]:
    """A concurrent.futures executor on the Dask cluster at ``address`` (or a local one of
    ``jobs`` processes), how many tasks it runs at once, and an event its tasks stop on (a
    stopped sweep leaves nothing training on a shared cluster); closed on exit."""
    try:
        import distributed
    except ImportError:
        reason = "needs Dask: pip install 'backprop-tui[cluster]'"
        raise UsageError("--scheduler", reason) from None
    # Dask's own logs (connections, workers coming and going) are not the sweep's output
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    with contextlib.ExitStack() as stack:
        if address == "local":
            cluster = distributed.LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
            stack.callback(cluster.close)
            client = distributed.Client(cluster)
        else:
            try:
                client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as error:
                reason = f"cannot reach a Dask scheduler at {address} ({error})"
                raise UsageError("--scheduler", reason) from None
        stack.callback(client.close)
        slots = sum(client.nthreads().values())
        if not slots:
            raise UsageError("--scheduler", f"the Dask cluster at {address} has no workers")
        stop = distributed.Event(f"backprop-tui-stop-{uuid.uuid4().hex}", client=client)
        yield client.get_executor(pure=False), slots, stop
