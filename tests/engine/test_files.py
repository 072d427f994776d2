"""Config (TOML) and weights (.npz) files."""

import numpy as np
import pytest

from engine import (
    Config,
    ConfigError,
    Run,
    WeightsError,
    load_toml,
    load_weights,
    save_toml,
    save_weights,
)
from engine.network import Network


def test_config_round_trips_through_toml(tmp_path):
    config = Config(
        dataset="spiral",
        samples=250,
        noise=0.25,
        hidden=(8, 6, 4),
        activation="leaky_relu",
        optimizer="adam",
        batch_size=16,
        lr=0.003,
        epochs=1234,
        seed=77,
        loss="bce",
    )
    save_toml(config, tmp_path / "c.toml")
    assert load_toml(tmp_path / "c.toml") == config
    with_data = Config(data="points.csv")
    save_toml(with_data, tmp_path / "d.toml")
    assert load_toml(tmp_path / "d.toml") == with_data


@pytest.mark.parametrize(
    "text, field",
    [
        ("lr = -1\n", "lr"),
        ("hidden = [4, 0]\n", "hidden"),
        ("epochs = 'many'\n", "epochs"),
        ("activation = 'swish'\n", "activation"),
        ("colour = 'red'\n", "colour"),
        ("lr = = 1\n", "not a valid TOML file"),
    ],
)
def test_bad_toml_names_file_and_field(tmp_path, text, field):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_toml(path)
    assert str(path) in str(caught.value) and field in str(caught.value)


def test_text_values_parse_like_the_command_line():
    config = Config.from_values({"hidden": "8, 8", "lr": "0.5", "epochs": "1e3", "batch_size": ""})
    assert config.hidden == (8, 8) and config.lr == 0.5 and config.epochs == 1000
    assert config.batch_size is None
    with pytest.raises(ConfigError, match="lr"):
        Config.from_values({"lr": "fast"})
    with pytest.raises(ConfigError, match="epochs"):
        Config(epochs=True)


def test_weights_round_trip_and_start_a_run(tmp_path):
    run = Run(Config(hidden=(3, 5), epochs=50))
    for _ in run:
        pass
    save_weights(run.net, tmp_path / "w.npz")
    archive = np.load(tmp_path / "w.npz")
    assert sorted(archive.files) == ["W1", "W2", "W3", "b1", "b2", "b3", "meta"]
    assert archive["W2"].shape == (3, 5) and archive["b2"].shape == (5,)
    assert '"sizes": [2, 3, 5, 1]' in str(archive["meta"])
    resumed = Run(Config(hidden=(3, 5)), init_weights=tmp_path / "w.npz")
    assert np.array_equal(resumed.net.theta, run.net.theta)


def test_weights_of_the_wrong_shape_name_array_and_shapes(tmp_path):
    save_weights(Network((2, 4, 4, 1), "tanh"), tmp_path / "w.npz")
    with pytest.raises(WeightsError) as caught:
        load_weights(Network((2, 8, 4, 1), "tanh"), tmp_path / "w.npz")
    assert "W1 has shape (2, 4), the network needs (2, 8)" in str(caught.value)
    with pytest.raises(WeightsError, match="W3"):
        load_weights(Network((2, 4, 4, 4, 1), "tanh"), tmp_path / "w.npz")
    save_weights(Network((2, 4, 1, 1), "tanh"), tmp_path / "deep.npz")
    with pytest.raises(WeightsError, match="more layers"):
        load_weights(Network((2, 4, 1), "tanh"), tmp_path / "deep.npz")
    (tmp_path / "junk.npz").write_text("hello")
    with pytest.raises(WeightsError, match="not a weights file"):
        load_weights(Network((2, 4, 4, 1), "tanh"), tmp_path / "junk.npz")
