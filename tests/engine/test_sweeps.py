"""Sweeps: the grid, batched training equal to runs made one by one, files, presets."""

import numpy as np
import pytest

from engine import Config, ConfigError, Run, State, train_together
from engine.parallel import run_sweeps
from engine.plan import plan
from engine.sweep import PRESETS, Sweep, load_sweep, preset, save_sweep

BASE = Config(epochs=100)


def one_by_one(config):
    run = Run(config)
    results = list(run)
    perfect = next((r.epoch for r in results if r.accuracy == 1.0), None)
    return [r.loss for r in results], run.outcome(), perfect


@pytest.mark.parametrize(
    "vary",
    [
        {"lr": (0.1, 0.5, 2.0, 8.0), "seed": (1, 2, 3)},
        {"lr": (0.3, 3.0), "activation": ("relu",), "loss": ("bce",), "optimizer": ("adam",)},
        {"lr": (0.05, 0.5), "optimizer": ("momentum",), "batch_size": (8,), "dataset": ("linear",)},
        {
            "lr": (0.2, 1.0),
            "optimizer": ("minibatch",),
            "batch_size": (16,),
            "dataset": ("linear",),
        },
        {"lr": (0.5, 1e200), "activation": ("none",), "seed": (1, 2)},  # one of them diverges
        {"lr": (1000.0, 2.0)},  # one of them saturates
        {"l2": (0.0, 0.01, 0.1), "l1": (0.0, 0.003)},  # penalties of their own, none for some
        {"l2": (0.0, 0.05), "optimizer": ("adam",), "batch_size": (8,), "dataset": ("linear",)},
        {"lr": (0.5, 2.0), "test_fraction": (0.3,), "dataset": ("linear",)},  # one split
        {"lr": (0.2, 1.0), "test_fraction": (0.25,), "optimizer": ("sgd",)},
        # schedules of their own (and none), rates and penalties folded into plain gd's pass
        {"schedule": ("constant", "step", "exp", "cosine"), "lr": (0.5, 2.0), "step_every": (7,)},
        {
            "schedule": ("step", "cosine"),
            "optimizer": ("adam",),
            "lr": (0.02, 0.1),
            "gamma": (0.5,),
        },
        {
            "schedule": ("exp", "cosine"),
            "optimizer": ("minibatch",),
            "batch_size": (16,),
            "dataset": ("linear",),
            "l2": (0.0, 0.01),
            "gamma": (0.97,),
        },
    ],
)
def test_batched_runs_equal_the_same_runs_one_by_one(vary):
    configs = Sweep.of(BASE, list(vary.items())).configs()
    results = train_together(configs)
    assert len(results) == len(configs)
    for config, batched in zip(configs, results):
        history, single, perfect = one_by_one(config)
        assert len(batched.loss_history) == len(history)
        assert batched.loss_history == history  # to the bit
        assert batched.diverged_at == single.diverged_at
        assert batched.saturated == single.saturated
        assert batched.accuracy == single.accuracy
        assert batched.state == single.state
        assert np.array_equal(batched.predictions, single.predictions, equal_nan=True)
        assert perfect == batched.epochs_to_100 == single.epochs_to_100
        assert batched.penalty_history == single.penalty_history  # to the bit
        assert batched.test_loss_history == single.test_loss_history
        assert batched.test_accuracy == single.test_accuracy
        assert len(batched.penalty_history) == (len(history) if config.l2 or config.l1 else 0)
        assert batched.lr_history == single.lr_history  # to the bit
        assert len(batched.lr_history) == (len(history) if config.schedule != "constant" else 0)


def test_a_sweep_in_processes_equals_its_runs_made_one_by_one():
    """Four groups of runs that share a computation, over two processes (so they finish in any
    order): each run is still the run made alone, in the grid's order."""
    sweep = Sweep.parse(Config(epochs=50), ["lr=0.5,2", "dataset=linear,xor", "optimizer=gd,sgd"])
    assert len(plan(sweep.configs(), jobs=2, spread=True).tasks) == 4  # more than processes
    (result,) = run_sweeps([sweep], jobs=2, spread=True)
    assert [config for config, _ in result.runs()] == sweep.configs()
    for config, run in result.runs():
        history, single, _ = one_by_one(config)
        assert run.loss_history == history  # to the bit, whichever process trained it
        assert run.accuracy == single.accuracy and run.state is State.DONE


def test_grid_order_labels_and_hidden_values():
    sweep = Sweep.parse(Config(hidden=(4, 4)), ["hidden=2,8x3", "lr=0.1,1"])
    configs = sweep.configs()
    assert [(c.hidden, c.lr) for c in configs] == [
        ((2, 2), 0.1),
        ((2, 2), 1.0),
        ((8, 3), 0.1),
        ((8, 3), 1.0),
    ]
    (result,) = run_sweeps([Sweep.of(Config(epochs=5), sweep.vary)])
    rest = "dataset=xor activation=sigmoid optimizer=gd"
    assert result.labels() == [
        f"hidden=2,2 lr=0.1 {rest}",
        f"hidden=2,2 lr=1 {rest}",
        f"hidden=8,3 lr=0.1 {rest}",
        f"hidden=8,3 lr=1 {rest}",
    ]  # in the order the settings were varied, then the other key settings


@pytest.mark.parametrize(
    "specs, field",
    [
        (["lr=0.1,-1"], "lr"),
        (["lr=fast"], "lr"),
        (["colour=red"], "colour"),
        (["lr"], "lr"),
        (["lr=0.1", "lr=1"], "lr"),
        (["hidden=0"], "hidden"),
        (["activation=swish"], "activation"),
    ],
)
def test_bad_sweep_settings_name_the_setting(specs, field):
    with pytest.raises(ConfigError) as caught:
        Sweep.parse(BASE, specs)
    assert caught.value.field == field


def test_sweep_file_round_trip(tmp_path):
    sweep = Sweep.parse(Config(dataset="circle", epochs=77), ["lr=0.1,1", "hidden=2,4"], "mine")
    save_sweep(sweep, tmp_path / "s.toml")
    again = load_sweep(tmp_path / "s.toml")
    assert again == sweep and again.configs() == sweep.configs()
    (tmp_path / "bad.toml").write_text("[vary]\nlr = [-1]\n")
    with pytest.raises(ConfigError, match="bad.toml: lr"):
        load_sweep(tmp_path / "bad.toml")


def test_presets_cover_the_labs_sections_on_both_datasets():
    assert PRESETS[0] == "lab" and PRESETS[-3:] == [
        "failure-modes",
        "overfitting",
        "regularisation",
    ]
    sections = preset("lab")
    assert [s.name for s in sections] == PRESETS[1:-3]
    for section in sections:
        assert ("dataset", ("linear", "xor")) in section.vary
    with pytest.raises(ConfigError, match="unknown preset"):
        preset("everything")


def test_a_sweep_counts_the_dead_units_of_each_run():
    """The count a sweep reports is the number of hidden units the run's final weights leave
    at 0 on every sample (engine.training.Snapshot.dead); none for a diverged run."""
    sweep = Sweep.of(
        Config(activation="relu", epochs=300, seed=3),
        [("lr", (0.5, 5.0)), ("hidden", ((4, 4), (8, 8)))],
    )
    (result,) = run_sweeps([sweep])
    for config, outcome in result.runs():
        run = Run(config)
        for _ in run:
            pass
        dead = sum(int(mask.sum()) for mask in run.snapshot().dead)
        assert outcome.dead_units == dead
    assert max(o.dead_units for o in result.outcomes) > 0  # lr 5 kills most of them
    (gone,) = run_sweeps([Sweep.of(Config(activation="none", lr=1e200, epochs=5), [])])
    assert gone.outcomes[0].diverged and gone.outcomes[0].dead_units is None
