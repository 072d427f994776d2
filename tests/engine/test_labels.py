"""Run labels, the settings runs share, and settings that change nothing."""

import pytest

from engine import Config
from engine.config import SETTINGS
from engine.labels import KEY_SETTINGS, common, describe_base, differing, labels, no_effect
from engine.sweep import PRESETS, preset


def test_a_label_always_names_the_key_settings():
    assert labels([Config()]) == ["dataset=xor activation=sigmoid optimizer=gd lr=2 hidden=4,4"]
    assert labels([Config(lr=0.5), Config(lr=2.0, epochs=30)], order=["epochs"]) == [
        "epochs=10000 lr=0.5 dataset=xor activation=sigmoid optimizer=gd hidden=4,4",
        "epochs=30 lr=2 dataset=xor activation=sigmoid optimizer=gd hidden=4,4",
    ]  # what differs first (``order`` first among those), then the rest of the key settings


def test_labels_stay_unique_and_name_a_csv_file_as_the_dataset(tmp_path):
    (tmp_path / "points.csv").write_text("0.1,0.2,0\n0.3,0.4,1\n")
    same = labels([Config(), Config()])
    assert len(set(same)) == 2 and same[1] == same[0] + " (2)"
    (label,) = labels([Config(data=str(tmp_path / "points.csv"))])
    assert label.startswith("dataset=points.csv activation=sigmoid")


def test_common_settings_are_every_applying_setting_that_does_not_differ():
    configs = [Config(dataset="linear", lr=0.5), Config(dataset="xor", lr=2.0)]
    shared = common(configs)
    assert "dataset" not in shared and "lr" not in shared
    assert shared["samples"] == 100  # applies to the linear run, the same wherever it applies
    assert "batch_size" not in shared  # applies to none of them (gd)
    applying = set(shared) | set(differing(configs)) | {"dataset"}
    quiet = {"l2", "l1", "test_fraction", "features", "schedule"}  # at their defaults: left out
    unset = {"data", "batch_size", "threads", "step_every", "gamma"}  # not for constant
    assert applying == {n for n in SETTINGS if n not in unset | quiet}
    assert describe_base(configs) == (
        "activation=sigmoid optimizer=gd hidden=4,4 samples=100 noise=0 epochs=10000 seed=1 "
        "loss=mse"
    )  # key settings first, then the form's order
    penalised = [Config(l2=0.01, lr=0.5), Config(l2=0.01, lr=2.0)]
    assert "l2=0.01" in describe_base(penalised) and "l1" not in describe_base(penalised)
    assert labels([Config(l2=0.0), Config(l2=0.01)])[0].startswith("l2=0 ")


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_section_has_base_settings_to_state(name):
    for sweep in preset(name):
        base = describe_base(sweep.configs())
        for key in ("epochs", "seed", "loss"):
            assert f"{key}=" in base
        for key, _ in sweep.vary:  # what a section varies is not its base
            assert not any(pair.startswith(f"{key}=") for pair in base.split())
        assert any(f"{key}=" in base for key in KEY_SETTINGS)


@pytest.mark.parametrize(
    "config, n, note",
    [
        (Config(optimizer="minibatch"), 21, "batch size 32 (the default) >= 21 samples: "),
        (Config(optimizer="minibatch", batch_size=100), 100, "minibatch is the same as gd"),
        (Config(optimizer="adam", batch_size=50), 21, "adam takes the whole set each step"),
        (Config(optimizer="gd", batch_size=8), 21, "batch size 8 does not apply to gd"),
    ],
)
def test_a_setting_without_effect_gets_a_note(config, n, note):
    (text,) = no_effect(config, n)
    assert note in text


@pytest.mark.parametrize(
    "config, n",
    [
        (Config(), 21),
        (Config(optimizer="minibatch"), 100),
        (Config(optimizer="minibatch", batch_size=20), 21),
        (Config(optimizer="momentum"), 21),
        (Config(optimizer="sgd"), 21),
    ],
)
def test_settings_that_count_get_no_note(config, n):
    assert no_effect(config, n) == []
