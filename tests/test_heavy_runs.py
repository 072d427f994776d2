"""Heavy runs on a shared machine: runs that would not fit the memory budget are refused before
anything large is allocated, in `train`, `sweep` and the app (sweep groups are split to fit);
a stop takes effect within one mini-batch."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine import Config, Run, State, memory
from engine.plan import plan
from tui.cli import main

HUGE = ["--dataset", "spiral", "--samples", "1000000", "--hidden", "1024"]


def test_a_million_samples_through_1024_units_is_refused_before_allocating():
    code = (
        "from tui.cli import main\n"
        f"status = main(['train', *{HUGE!r}, '--max-memory', '8G'])\n"
        # VmHWM: this program's own peak (ru_maxrss would count the forking parent's size)
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(status, int(hwm.split()[1]) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, peak_mb = map(int, out.stdout.split())
    assert status == 2 and peak_mb < 500  # the run's tens of GB were never asked for
    (line,) = out.stderr.strip().splitlines()
    assert line.startswith("backprop-tui train: --max-memory: this run would need about ")
    assert "over the budget of 8.0 GB" in line and "lower --samples (now 1000000)" in line


def test_the_default_budget_is_a_share_of_the_memory_available(capsys):
    budget = memory.default_budget()
    assert budget is not None and 0 < budget < memory.available()
    assert main(["train", *HUGE, "--epochs", "1"]) == 2  # 46 GB is over half of any lab machine
    assert "--max-memory" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["lots", "-1G", "0", "4Q", ""])
def test_a_bad_budget_names_the_flag(text, capsys):
    assert main(["train", f"--max-memory={text}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--max-memory: must be a size such as 4G" in err


def test_sizes_in_words():
    assert memory.parse_size("4G") == 4 * 2**30
    assert memory.parse_size("500m") == 500 * 2**20
    assert memory.parse_size("1.5GiB") == int(1.5 * 2**30)
    assert memory.size_text(6.2 * 2**30) == "6.2 GB"


def test_the_estimate_grows_with_what_takes_memory():
    base = Config(dataset="spiral", samples=10_000, hidden=(64, 64))
    grow = {
        "samples": Config(dataset="spiral", samples=20_000, hidden=(64, 64)),
        "units": Config(dataset="spiral", samples=10_000, hidden=(128, 64)),
        "adam": Config(dataset="spiral", samples=10_000, hidden=(64, 64), optimizer="adam"),
    }
    for config in grow.values():
        assert memory.estimate(config, config.samples) > memory.estimate(base, base.samples)
    small_batch = Config(
        dataset="spiral", samples=10_000, hidden=(64, 64), optimizer="minibatch", batch_size=32
    )
    assert memory.estimate(small_batch, 10_000) < memory.estimate(base, 10_000)


def test_a_sweep_group_too_large_for_its_share_is_split_and_a_run_too_large_refused():
    configs = [Config(dataset="linear", samples=20_000, lr=lr) for lr in (0.1, 0.2, 0.4, 0.8)]
    one, two = (memory.estimate(configs[0], 20_000, models) for models in (1, 2))
    (together,) = plan(configs, jobs=1).tasks
    assert len(together) == 4  # no budget: one computation for the four
    budget = one + (two - one) // 2  # room for one run at a time, not two
    split = plan(configs, jobs=1, budget=budget).tasks
    assert sorted(map(len, split)) == [1, 1, 1, 1]
    assert sorted(map(len, plan(configs, jobs=1, budget=two).tasks)) == [2, 2]
    with pytest.raises(memory.MemoryBudgetError, match="this run would need about"):
        plan(configs, jobs=1, budget=one // 2)


def test_sweep_refuses_before_training(capsys):
    status = main(["sweep", "--vary", "lr=0.1,1", *HUGE, "--epochs", "1", "--max-memory", "4G"])
    assert status == 2
    err = capsys.readouterr().err
    assert "backprop-tui sweep: --max-memory:" in err and "lower --samples" in err


async def test_the_app_refuses_a_run_that_would_not_fit_and_keeps_going():
    from tests.tui.helpers import screen_text, until
    from tui.app import BackpropApp

    huge = Config(dataset="spiral", samples=1_000_000, hidden=(1024,))
    app = BackpropApp(huge, budget=8 * 2**30)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(pilot, lambda: any("would need about" in m for m in notes()))
        assert app.session.runs == [] and app.session.current is None
        assert "ready  epoch 0/10000" in screen_text(app)
        app.main.form.load(Config(dataset="xor", epochs=50))  # the app goes on working
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current is not None)
        await until(pilot, lambda: app.session.current.state == "done")


def test_a_stop_takes_effect_within_one_mini_batch():
    config = Config(dataset="linear", samples=1000, optimizer="sgd", epochs=3)
    run = Run(config)
    list(zip(range(2), run))  # two whole epochs
    steps = 0

    ask = run.trainer.before_batch

    def before_batch(b: int) -> bool:  # cancel during the third epoch, before its fifth step
        nonlocal steps
        steps += 1
        if steps == 5:
            run.control.cancel()
        return ask(b)

    run.trainer.before_batch = before_batch
    assert list(run) == []  # the third epoch never finished
    assert steps == 5  # the fifth batch did not run
    outcome = run.outcome()
    assert outcome.state is State.STOPPED and outcome.epochs_run == 2
