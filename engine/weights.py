"""Weights files (.npz): arrays W1..WL of shape (fan_in, fan_out) and b1..bL of shape (fan_out,),
plus ``meta``, a JSON text with the layer sizes and the hidden activation."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .files import atomic_write
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
    atomic_write(path, lambda handle: np.savez(handle, meta=np.array(json.dumps(meta)), **arrays))


def load_weights(net: Network, path: str | Path) -> None:
    """Copy the weights in ``path`` into ``net``. Shapes must fit the network exactly.

    Raises WeightsError naming the array and both shapes when they do not, and naming the file
    when it is missing, unreadable or not a weights file.
    """
    path = Path(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise WeightsError(f"{path}: not a weights file (an .npz holding W1.., b1..)")
        with loaded:
            arrays = {name: loaded[name] for name in loaded.files}
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WeightsError(f"{path}: is a directory, not a weights file") from None
    except WeightsError:
        raise
    except PermissionError:
        raise WeightsError(f"{path}: permission denied") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        raise WeightsError(f"{path}: not a weights file (an .npz holding W1.., b1..)") from None
    for i, (w, b) in enumerate(zip(net.W, net.b), start=1):
        for name, target in ((f"W{i}", w), (f"b{i}", b)):
            if name not in arrays:
                raise WeightsError(f"{path}: no array {name} (the network has {net.depth} layers)")
            array = arrays[name]
            if array.shape != target.shape:
                raise WeightsError(
                    f"{path}: {name} has shape {_shape(array.shape)}, "
                    f"the network needs {_shape(target.shape)}"
                )
            if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
                raise WeightsError(f"{path}: {name} is not an array of real numbers")
            if not np.all(np.isfinite(array)):
                raise WeightsError(f"{path}: {name} holds values that are not finite")
    extra = sorted(
        k for k in arrays if k[:1] in "Wb" and k[1:].isdigit() and int(k[1:]) > net.depth
    )
    if extra:
        raise WeightsError(
            f"{path}: has arrays for more layers ({', '.join(extra)}) than the network's "
            f"{net.depth}"
        )
    for i, (w, b) in enumerate(zip(net.W, net.b), start=1):
        w[:] = arrays[f"W{i}"]
        b[:] = arrays[f"b{i}"]


def saved_activation(path: str | Path) -> str | None:
    """The hidden activation a weights file says it was trained with, if it says so."""
    try:
        with np.load(Path(path), allow_pickle=False) as archive:
            return json.loads(str(archive["meta"])).get("activation")
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
