"""Weights files (.npz): arrays W1..WL of shape (fan_in, fan_out) and b1..bL of shape (fan_out,),
plus ``meta``, a JSON text with the layer sizes, the hidden activation and the input features
(engine.features; a file without them was made for x1, x2)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .features import DEFAULT_FEATURES
from .files import UnreadableFile, atomic_write, check_regular
from .network import Network


class WeightsError(ValueError):
    """A weights file that cannot be used; the message names the file and what is wrong."""


def save_weights(net: Network, path: str | Path) -> None:
    """Write the network's weights and biases (``np.savez``, so the name should end in .npz),
    atomically. Weights that are not finite (a diverged run) are refused with WeightsError:
    a file the product writes is always one it can read back."""
    if not np.all(np.isfinite(net.theta)):
        raise WeightsError(f"{path}: not saved: the weights are not finite (the run diverged)")
    arrays = {}
    for i, (w, b) in enumerate(zip(net.W, net.b), start=1):
        arrays[f"W{i}"], arrays[f"b{i}"] = w.copy(), b.copy()
    meta = {"sizes": list(net.sizes), "activation": net.activation.name}
    meta["features"] = list(net.features)
    atomic_write(path, lambda handle: np.savez(handle, meta=np.array(json.dumps(meta)), **arrays))


def load_weights(net: Network, path: str | Path) -> None:
    """Copy the weights in ``path`` into ``net``. Shapes must fit the network exactly.

    The archive is inspected before any array is read: it must hold W1..WL, b1..bL (and may
    hold ``meta``) and nothing else, each with the shape the network needs and a real number
    type, as read from its header; then only those arrays are read, never with pickle.
    Raises WeightsError naming the array and both shapes when they do not fit, the features
    when the file was made for other inputs, and naming the file when it is missing,
    unreadable or not a weights file.
    """
    path = Path(path)
    try:
        check_regular(path, MAX_WEIGHTS_BYTES, "weights file")
        with zipfile.ZipFile(path) as archive:
            arrays = _read_checked(archive, net, path)
    except UnreadableFile as error:
        raise WeightsError(f"{path}: {error}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, WeightsError):
            raise
        raise WeightsError(f"{path}: not a weights file (an .npz holding W1.., b1..)") from None
    for i, (w, b) in enumerate(zip(net.W, net.b), start=1):
        w[:] = arrays[f"W{i}"]
        b[:] = arrays[f"b{i}"]


MAX_WEIGHTS_BYTES = 256 * 2**20
"""The largest weights file read (six layers of 1024 units take about 50 MB)."""
MAX_META = 64 * 1024
"""Bytes the ``meta`` entry may take."""


def _read_checked(archive: zipfile.ZipFile, net: Network, path: Path) -> dict[str, np.ndarray]:
    """W1..WL and b1..bL from an open .npz, each checked from its header before it is read."""
    members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
    expected = {}
    for i, (w, b) in enumerate(zip(net.W, net.b), start=1):
        expected[f"W{i}"], expected[f"b{i}"] = w.shape, b.shape
    extra = sorted(set(members) - set(expected) - {"meta"})
    if extra:
        layers = [k for k in extra if k[:1] in "Wb" and k[1:].isdigit()]
        reason = (
            f"has arrays for more layers ({', '.join(layers)}) than the network's {net.depth}"
            if layers and len(layers) == len(extra)
            else f"holds arrays that are not weights ({', '.join(extra[:3])})"
        )
        raise WeightsError(f"{path}: {reason}")
    if "meta" in members and members["meta"].file_size > MAX_META:
        raise WeightsError(f"{path}: its meta entry is too large to be a weights file's")
    made_for = _features(archive, members.get("meta"))
    if made_for != net.features:
        raise WeightsError(
            f"{path}: made for the features {','.join(made_for)}, this network takes "
            f"{','.join(net.features)} (--features {','.join(made_for)} to use it)"
        )
    arrays = {}
    for name, shape in expected.items():
        if name not in members:
            raise WeightsError(f"{path}: no array {name} (the network has {net.depth} layers)")
        with archive.open(members[name]) as handle:
            found, dtype = _header(handle)
        if found != shape:
            raise WeightsError(
                f"{path}: {name} has shape {_shape(found)}, the network needs {_shape(shape)}"
            )
        if dtype.hasobject or dtype.kind not in "iuf":
            raise WeightsError(f"{path}: {name} is not an array of real numbers")
        with archive.open(members[name]) as handle:  # now that it is known to fit
            array = np.lib.format.read_array(handle, allow_pickle=False)
        if not np.all(np.isfinite(array)):
            raise WeightsError(f"{path}: {name} holds values that are not finite")
        arrays[name] = array
    return arrays


def _features(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> tuple[str, ...]:
    """The input features a file's meta names (x1, x2 when it names none)."""
    if info is None:
        return DEFAULT_FEATURES
    with archive.open(info) as handle:
        meta = np.lib.format.read_array(handle, allow_pickle=False)
    try:
        named = json.loads(str(meta)).get("features")
    except (ValueError, AttributeError):
        return DEFAULT_FEATURES
    if not isinstance(named, list) or not all(isinstance(name, str) for name in named):
        return DEFAULT_FEATURES
    return tuple(named) or DEFAULT_FEATURES


def _header(handle) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and number type an .npy stream declares, read from its header alone."""
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise ValueError(f"unknown .npy format {version}")
    return tuple(shape), dtype


def saved_activation(path: str | Path) -> str | None:
    """The hidden activation a weights file says it was trained with, if it says so."""
    try:
        with zipfile.ZipFile(Path(path)) as archive:
            info = archive.getinfo("meta.npy")
            if info.file_size > MAX_META:
                return None
            with archive.open(info) as handle:
                meta = np.lib.format.read_array(handle, allow_pickle=False)
        return json.loads(str(meta)).get("activation")
    except (OSError, ValueError, KeyError, AttributeError, EOFError, zipfile.BadZipFile):
        return None


def activation_note(path: str | Path, activation: str) -> str | None:
    """A one-line note when weights saved from one activation start a run of another."""
    saved = saved_activation(path)
    if saved and saved != activation:
        return (
            f"note: {path} holds weights trained with {saved}; this run uses {activation} "
            f"(--activation {saved} to match)"
        )
    return None


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ")"
