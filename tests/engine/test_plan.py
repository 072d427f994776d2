"""The sweep planner: worker processes only when they pay, the calling process training the
shortest tasks, processes kept between sweeps and still good after a stopped one."""

import threading

from engine import Config, State
from engine.parallel import run_sweeps
from engine.plan import makespan, plan, seconds
from engine.sweep import Sweep
from engine.workers import Workers

GRID_48 = Sweep.parse(
    Config(dataset="xor", epochs=2000), ["lr=0.05,0.1,0.2,0.5,1,2", "seed=1,2,3,4,5,6,7,8"]
)


def test_a_small_sweep_trains_here_and_a_long_one_in_processes_too():
    # the 48-run grid is one computation of under a second: processes would only add
    # their start-up (it took 2.3x as long with them)
    small = plan(GRID_48.configs(), jobs=2)
    assert small.processes == 0 and [len(t) for t in small.tasks] == [48]
    (result,) = run_sweeps([GRID_48], jobs=2)
    assert result.processes == 1 and all(r.state is State.DONE for r in result.outcomes)
    # four runs of different shapes, a million epochs each: three jobs, two workers and here
    long = Sweep.parse(Config(epochs=1_000_000), ["hidden=2,3,4,5"]).configs()
    spread = plan(long, jobs=3)
    assert spread.processes == 2 and len(spread.tasks) == 4
    assert plan(long, jobs=3, spread=False).processes == 0
    assert plan(long, jobs=1).processes == 0


def test_processes_already_running_are_used_for_less_work():
    # with their start-up already paid, a middling sweep is worth spreading
    middling = Sweep.parse(Config(epochs=300), ["hidden=2,3,4,5,6,7"]).configs()
    assert plan(middling, jobs=2).processes == 0
    assert plan(middling, jobs=2, warm=True).processes == 1


def test_estimates_grow_with_the_work():
    one = [Config(dataset="spiral", samples=200, epochs=100)]
    assert seconds(one, 200) < seconds([Config(dataset="spiral", samples=200, epochs=200)], 200)
    assert seconds(one, 200) < seconds([Config(dataset="spiral", samples=2000, epochs=100)], 2000)
    wider = [Config(dataset="spiral", samples=200, epochs=100, hidden=(64, 64))]
    assert seconds(one, 200) < seconds(wider, 200)
    # several runs together cost less than each alone, more than one
    four = [Config(dataset="spiral", samples=200, epochs=100, seed=s) for s in range(4)]
    assert seconds(one, 200) < seconds(four, 200) < 4 * seconds(one, 200)


def test_makespan_here_takes_the_shortest_the_workers_the_longest():
    # here (free at once) takes 1, 1, 1; the worker, free at 0.5, takes 3 and ends at 3.5
    assert makespan([3, 1, 1, 1], processes=1, start=0.5) == 3.5
    assert makespan([3, 1, 1, 1], processes=0, start=0.5) == 6


def test_kept_workers_serve_the_next_sweep_even_after_a_stopped_one():
    workers = Workers()
    try:
        quick = Sweep.parse(Config(epochs=50), ["hidden=2,3,4,5"])
        first = run_sweeps([quick], jobs=2, workers=workers, spread=True, here=False)
        pids = set(workers._pool._processes)  # noqa: SLF001 - the processes that trained
        assert len(pids) == 2 and all(r.state is State.DONE for r in first[0].outcomes)

        endless = Sweep.parse(Config(epochs=10_000_000), ["hidden=2,3"])
        stop = threading.Event()
        threading.Timer(1.0, stop.set).start()
        run_sweeps([endless], jobs=2, workers=workers, stopped=stop.is_set, here=False)
        again = run_sweeps([quick], jobs=2, workers=workers, here=False)
        assert all(r.state is State.DONE for r in again[0].outcomes)  # the stop did not linger
        assert set(workers._pool._processes) == pids  # noqa: SLF001 - the same processes
        assert [r.loss_history for r in again[0].outcomes] == [
            r.loss_history for r in first[0].outcomes
        ]
    finally:
        workers.close()
    assert workers.started == 0
