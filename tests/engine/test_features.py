"""Input features: each computed exactly as defined, the first layer taking their columns in the
order given, and a run on them training as the textbook trains on the feature matrix."""

import json
import zipfile

import numpy as np
import pytest

from engine import Config, ConfigError, Network, Run, WeightsError, textbook
from engine.features import DEFAULT_FEATURES, FEATURES, features
from engine.sweep import Sweep, load_sweep, save_sweep
from engine.weights import load_weights, save_weights
from tests.engine.test_textbook import seeded_streams

ALL = tuple(FEATURES)


def test_each_feature_is_its_formula_by_hand():
    x = np.array([[0.5, -2.0], [3.0, 0.25], [0.0, 1.0]])
    by_hand = {
        "x1": [0.5, 3.0, 0.0],
        "x2": [-2.0, 0.25, 1.0],
        "x1sq": [0.25, 9.0, 0.0],
        "x2sq": [4.0, 0.0625, 1.0],
        "x1x2": [-1.0, 0.75, 0.0],
        "sinx1": [np.sin(0.5), np.sin(3.0), 0.0],
        "sinx2": [np.sin(-2.0), np.sin(0.25), np.sin(1.0)],
    }
    got = features(x, ALL)
    for j, name in enumerate(ALL):
        np.testing.assert_array_equal(got[:, j], by_hand[name], err_msg=name)
    # the columns come in the order given, and agree with the textbook's to the bit
    order = ("sinx2", "x1", "x1x2")
    np.testing.assert_array_equal(features(x, order), np.array([by_hand[n] for n in order]).T)
    points = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    np.testing.assert_array_equal(features(points, ALL), textbook.features(points, ALL))
    np.testing.assert_array_equal(features(points, DEFAULT_FEATURES), points)


@pytest.mark.parametrize(
    "names, optimizer, batch, lr",
    [
        (ALL, "gd", None, 0.5),
        (("x1sq", "x2sq"), "minibatch", 4, 0.3),
        (("sinx2", "x1x2", "x1"), "adam", 3, 0.02),
    ],
)
def test_a_run_on_features_trains_as_the_textbook_on_the_feature_matrix(
    names, optimizer, batch, lr
):
    config = Config(
        dataset="circle",
        samples=10,
        noise=0.1,
        features=names,
        hidden=(3, 2),
        activation="tanh",
        optimizer=optimizer,
        batch_size=batch,
        lr=lr,
        epochs=20,
        seed=5,
    )
    run = Run(config)
    assert run.net.sizes[0] == len(names) and run.net.W[0].shape == (len(names), 3)
    _, init_rng, shuffle_rng = seeded_streams(5)
    params = textbook.init(config.sizes, "tanh", init_rng)
    for W, fast_W in zip(params[0], run.net.W):
        np.testing.assert_array_equal(W, fast_W)
    a0 = textbook.features(run.data.x, names)
    history = textbook.train(
        params, a0, run.data.y, "tanh", "mse", optimizer, lr, 20, shuffle_rng, batch
    )
    for _ in run:
        pass
    np.testing.assert_allclose(run.loss_history, history, rtol=1e-12, atol=0)
    for fast, slow in zip(run.net.W + run.net.b, params[0] + params[1]):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)
    # predictions from points go through the features too
    _, p = textbook.forward(params, a0, "tanh")
    np.testing.assert_allclose(run.outcome().predictions, p.reshape(-1), rtol=1e-12)


def test_squares_separate_a_circle_that_the_points_do_not_in_as_many_epochs():
    def accuracy(**more) -> float:
        run = Run(Config(dataset="circle", epochs=200, lr=1.0, **more))
        for _ in run:
            pass
        return run.outcome().accuracy

    assert accuracy(features=("x1sq", "x2sq")) == 1.0  # a circle is a line in x1², x2²
    assert accuracy() < 0.8


@pytest.mark.parametrize("text", ["x3", "", "x1,x1", "x1;x2"])
def test_bad_features_name_the_setting(text):
    with pytest.raises(ConfigError) as error:
        Config.from_values({"features": text})
    assert error.value.field == "features"


def test_features_are_written_as_a_comma_or_plus_list_and_in_toml(tmp_path):
    config = Config.from_values({"features": "x1, X2+sinx1"})
    assert config.features == ("x1", "x2", "sinx1") and config.sizes == (3, 4, 4, 1)
    assert config.to_dict()["features"] == ["x1", "x2", "sinx1"]
    assert "features" not in Config().to_dict()  # summaries made without it read as before
    from engine import load_toml, save_toml

    save_toml(config, tmp_path / "c.toml")
    assert load_toml(tmp_path / "c.toml") == config
    sweep = Sweep.parse(Config(), ["features=x1+x2,x1sq+x2sq+x1x2"])
    assert [c.features for c in sweep.configs()] == [("x1", "x2"), ("x1sq", "x2sq", "x1x2")]
    save_sweep(sweep, tmp_path / "s.toml")
    assert load_sweep(tmp_path / "s.toml") == sweep


def test_a_weights_file_records_its_features_and_refuses_others(tmp_path):
    config = Config(features=("x1", "x1sq", "x2"))
    net = Network.of(config, np.arange(Network.of(config).theta.size, dtype=float))
    save_weights(net, tmp_path / "w.npz")
    with zipfile.ZipFile(tmp_path / "w.npz") as archive, archive.open("meta.npy") as handle:
        meta = json.loads(str(np.lib.format.read_array(handle)))
    assert meta["features"] == ["x1", "x1sq", "x2"]
    back = Network.of(config)
    load_weights(back, tmp_path / "w.npz")
    np.testing.assert_array_equal(back.theta, net.theta)
    # the same shapes, other features: refused, naming both
    with pytest.raises(WeightsError, match="made for the features x1,x1sq,x2.*x1,x2sq,x2"):
        load_weights(Network.of(Config(features=("x1", "x2sq", "x2"))), tmp_path / "w.npz")
    with pytest.raises(WeightsError, match="made for the features"):
        load_weights(Network.of(Config()), tmp_path / "w.npz")
