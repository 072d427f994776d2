"""The memory budget's estimate against the measured peak, for several configurations; and the
bytes a finished run keeps in the app's session.

    python benchmarks/memory.py [budget] [session]      (both by default)

budget: each configuration is trained in a fresh process exactly as `backprop-tui train` does (the
run, then its outcome and a snapshot of its weights); the peak resident memory of that process
(ru_maxrss) less what it held after its imports (resident then, not the peak of the imports) is set
beside engine.memory.estimate. The ratio should stay within 0.75..1.25.

session: what one finished run keeps in the session (tui.session), measured two ways: the bytes of
every object its RunRecord reaches (its Outcome: loss and accuracy histories, predictions, final
weights, gradient norms; the record itself and its config), each counted once, and tracemalloc's
count of what stays allocated once the run is booked and the trainer is gone. A sweep's run keeps
no data and no snapshot; the app's own run keeps its data and its last snapshot; a re-opened
sweep's run has both rebuilt while it is on screen (one run at a time).
"""

from __future__ import annotations

import array
import dataclasses
import enum
import gc
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Config, Run, make_dataset  # noqa: E402
from engine.memory import estimate, size_text  # noqa: E402
from tui.runner import Runner, rebuild  # noqa: E402
from tui.session import Session  # noqa: E402

CASES = [
    dict(dataset="spiral", samples=1_000_000, hidden=(64, 64), epochs=2),
    dict(dataset="linear", samples=200_000, hidden=(256,), epochs=3),
    dict(dataset="circle", samples=300_000, hidden=(32, 32, 32), optimizer="adam", epochs=2),
    dict(
        dataset="gauss",
        samples=500_000,
        hidden=(128, 128),
        optimizer="minibatch",
        batch_size=1000,
        epochs=1,
    ),
    dict(dataset="spiral", samples=100_000, hidden=(1024,), optimizer="momentum", epochs=2),
    dict(dataset="xor", hidden=(1024, 1024, 1024), optimizer="adam", epochs=20),
]

MEASURE = """
import json, resource, sys
from engine import Config, Run
config = Config.from_values(json.loads(sys.argv[1]))
def resident():  # bytes resident now (the peak so far may be higher: imports come and go)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
before = resident()
run = Run(config)
for _ in run:
    pass
run.outcome()
run.snapshot()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(peak - before)
"""


def measure(settings: dict) -> int:
    args = json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()})
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, args], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def budget() -> None:
    print(f"{'configuration':58} {'estimate':>9} {'measured':>9} {'ratio':>6}")
    for settings in CASES:
        config = Config(**settings)
        n = make_dataset(config).n
        # BASE in the estimate stands for what a first run adds besides its arrays (NumPy's and
        # the BLAS library's own buffers), which the measured growth includes
        guess = estimate(config, n)
        peak = measure(settings)
        name = ", ".join(f"{k}={v}" for k, v in settings.items() if k != "dataset")
        name = f"{settings['dataset']} {name}"
        print(f"{name[:58]:58} {size_text(guess):>9} {size_text(peak):>9} {guess / peak:6.2f}")


SESSION_CASES = [
    dict(dataset="xor", hidden=(4, 4), epochs=2000),
    dict(dataset="xor", hidden=(64, 64), epochs=2000),
    dict(dataset="spiral", samples=1000, hidden=(64, 64), epochs=2000),
    dict(dataset="xor", hidden=(4, 4), epochs=150_000),  # thinned: every 2nd epoch kept
]
SWEEP_RUNS = 48


def reached(obj: object, seen: set[int] | None = None) -> int:
    """Bytes of ``obj`` and of every object it reaches, each once (an array by its buffer;
    enum members, classes and functions are shared, not the run's)."""
    seen = set() if seen is None else seen
    if obj is None or id(obj) in seen or isinstance(obj, (enum.Enum, type)) or callable(obj):
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)  # an ndarray or array that owns its buffer counts it here
    if isinstance(obj, np.ndarray):
        return size + (reached(obj.base, seen) if obj.base is not None else 0)
    if isinstance(obj, (str, bytes, int, float, bool, array.array)):
        return size
    if isinstance(obj, dict):
        return size + sum(reached(k, seen) + reached(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return size + sum(reached(item, seen) for item in obj)
    if dataclasses.is_dataclass(obj) or hasattr(obj, "__dict__"):
        return size + reached(vars(obj), seen)
    return size


def parts(record) -> dict[str, int]:
    """What the record keeps, part by part (each object counted once, in this order)."""
    seen: set[int] = set()
    outcome = record.outcome
    named = {
        "loss hist": outcome.loss_history,
        "acc hist": outcome.accuracy_history,
        "preds": outcome.predictions,
        "weights": outcome.weights,
        "norms": outcome.grad_norms,
        "data": record.data,
        "snapshot": record.snapshot,
    }
    sizes = {name: reached(value, seen) for name, value in named.items()}
    sizes["total"] = sum(sizes.values()) + reached(record, seen)  # the rest: record, config
    return sizes


def traced(config: Config, own: bool) -> int:
    """Bytes still allocated (tracemalloc) once a run of ``config`` is booked into a session, as
    a sweep's run (``own`` False) or the app's own, and its trainer is gone."""
    session = Session()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    book(session, config, own)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return kept


def book(session: Session, config: Config, own: bool):
    """Train ``config`` and book it as the app does: a sweep's run (Session.add_finished), or
    the app's own (its history gathered batch by batch, then finish with the final snapshot)."""
    run = Run(config)
    losses = [result.loss for result in run]
    if not own:
        return session.add_finished(config, run.outcome())
    record = session.start(config, run.data)
    record.outcome.loss_history.extend(losses)
    record.finish(run.outcome(), run.snapshot(detail=True))  # as the worker sends it
    return record


def reopened(session: Session, record) -> None:
    """Re-open a sweep's run as the app does (tui.runner.rebuild, then Runner.reopened): its
    data and snapshot rebuilt, kept while it is on screen."""
    runner = Runner(session)
    runner.reopening = record.run_id
    posted = []
    outcome = record.outcome
    rebuild(record.config, None, outcome.weights, outcome.predictions, record.run_id, posted.append)
    assert runner.reopened(posted[0]) is record


def session() -> None:
    columns = ("loss hist", "acc hist", "preds", "weights", "norms", "data", "snapshot", "total")
    print(f"{'a finished run in the session':44} " + " ".join(f"{c:>9}" for c in columns))
    for settings in SESSION_CASES:
        config = Config(**settings)
        name = ", ".join(f"{k}={show(v)}" for k, v in settings.items())
        holder = Session()
        sweep_run = book(holder, config, own=False)
        rows = [("sweep's run", parts(sweep_run), traced(config, own=False))]
        reopened(holder, sweep_run)
        rows.append(("sweep's run re-opened", parts(sweep_run), None))
        rows.append(
            ("app's own run", parts(book(Session(), config, own=True)), traced(config, True))
        )
        print(name)
        for label, sizes, measured in rows:
            cells = " ".join(f"{size_text(sizes[c]):>9}" for c in columns)
            print(f"  {label:42} {cells}")
            if measured is not None:
                print(f"  {'  tracemalloc: still allocated':42} {size_text(measured):>89}")
        holder.current = None  # another run on screen: the re-opened one drops them again
        dropped = sweep_run.data is None and sweep_run.snapshot is None
        print(
            f"  {SWEEP_RUNS} sweep runs kept: {size_text(SWEEP_RUNS * parts(sweep_run)['total'])};"
            f" re-opened, then another on screen: data and snapshot dropped: {dropped}"
        )


def show(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def main() -> None:
    wanted = set(sys.argv[1:]) or {"budget", "session"}
    if "budget" in wanted:
        budget()
    if "session" in wanted:
        session()


if __name__ == "__main__":
    main()
