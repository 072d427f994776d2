"""The back-propagation engine: NumPy and the standard library only.

from engine import Config, Run
run = Run(Config(dataset="xor"))
for result in run:
    print(result.epoch, result.loss, result.accuracy)
print(run.outcome().accuracy)

engine/textbook.py is the same maths written to be read; the rest is that maths made fast.
"""

from .activations import ACTIVATIONS
from .blas import DEFAULT_THREADS, use_threads
from .config import Config, ConfigError, load_toml, save_toml
from .control import RunControl
from .datasets import DATASETS, DataError, Dataset, load_csv
from .losses import LOSSES
from .network import Network, Workspace
from .optimizers import OPTIMIZERS
from .outcome import Change, Outcome, State
from .schedules import SCHEDULES
from .trainer import Trainer, make_dataset
from .training import EpochResult, Run, Snapshot, train_together
from .weights import WeightsError, load_weights, save_weights

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DEFAULT_THREADS",
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "Change",
    "Config",
    "ConfigError",
    "DataError",
    "Dataset",
    "EpochResult",
    "Network",
    "Run",
    "RunControl",
    "Outcome",
    "Snapshot",
    "State",
    "Trainer",
    "WeightsError",
    "Workspace",
    "load_csv",
    "load_toml",
    "load_weights",
    "make_dataset",
    "save_toml",
    "save_weights",
    "train_together",
    "use_threads",
]
