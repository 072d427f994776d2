"""Weights files are inspected before they are loaded: only W1..WL, b1..bL (and meta), with the
shapes and number types the network needs, read from the archive's headers; never pickle."""

from __future__ import annotations

import io
import os
import pickle
import time
import zipfile

import numpy as np
import pytest

from engine import Config, Run, WeightsError, load_weights, save_weights
from engine.network import Network


def trained(tmp_path):
    run = Run(Config(epochs=10))
    list(run)
    path = tmp_path / "w.npz"
    save_weights(run.net, path)
    return run, path


def fresh() -> Network:
    return Network(Config().sizes, "sigmoid")


def add_member(path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(name, data)


def replace_member(path, name: str, array: np.ndarray) -> None:
    """Rewrite the archive with ``name`` holding ``array`` (pickled if it holds objects)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)


class Payload:
    """Unpickling this creates a file: the side effect that must never happen."""

    def __reduce__(self):
        return (os.mkdir, ("PWNED",))


def test_a_pickled_array_is_refused_and_never_unpickled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run, path = trained(tmp_path)
    replace_member(path, "W1.npy", np.array([Payload()], dtype=object))  # same name as W1
    with pytest.raises(WeightsError, match="W1"):
        load_weights(fresh(), path)
    assert not (tmp_path / "PWNED").exists()
    pickle.loads(pickle.dumps(Payload()))  # the payload is real: unpickling it does act
    assert (tmp_path / "PWNED").exists()


def test_an_extra_array_is_refused_before_it_is_read(tmp_path):
    _, path = trained(tmp_path)
    huge = io.BytesIO()
    np.save(huge, np.zeros(5_000_000))  # 40 MB that must never be read
    add_member(path, "evil.npy", huge.getvalue())
    start = time.perf_counter()
    with pytest.raises(WeightsError, match="not weights \\(evil\\)"):
        load_weights(fresh(), path)
    assert time.perf_counter() - start < 1.0


def test_a_wrong_shape_names_the_array_and_both_shapes(tmp_path):
    _, path = trained(tmp_path)
    with pytest.raises(WeightsError, match=r"W1 has shape \(2, 4\), the network needs \(2, 8\)"):
        load_weights(Network((2, 8, 4, 1), "sigmoid"), path)


def test_more_layers_than_the_network_is_named(tmp_path):
    _, path = trained(tmp_path)
    with pytest.raises(WeightsError, match="more layers \\(W3, b3\\)"):
        load_weights(Network((2, 4, 1), "sigmoid"), path)


def test_a_text_array_is_not_weights(tmp_path):
    _, path = trained(tmp_path)
    replace_member(path, "W1.npy", np.array([["a"] * 4] * 2))
    with pytest.raises(WeightsError, match="W1 is not an array of real numbers"):
        load_weights(fresh(), path)


def test_a_good_file_loads_exactly(tmp_path):
    run, path = trained(tmp_path)
    net = fresh()
    load_weights(net, path)
    assert np.array_equal(net.theta, run.net.theta)
