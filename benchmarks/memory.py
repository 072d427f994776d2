"""The memory budget's estimate against the measured peak, for several configurations.

    python benchmarks/memory.py

Each configuration is trained in a fresh process exactly as `backprop-tui train` does (the run,
then its outcome and a snapshot of its weights); the peak resident memory of that process
(ru_maxrss) less what it held after its imports (resident then, not the peak of the imports) is set
beside engine.memory.estimate. The ratio
should stay within 0.75..1.25.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Config, make_dataset  # noqa: E402
from engine.memory import estimate, size_text  # noqa: E402

CASES = [
    dict(dataset="spiral", samples=1_000_000, hidden=(64, 64), epochs=2),
    dict(dataset="linear", samples=200_000, hidden=(256,), epochs=3),
    dict(dataset="circle", samples=300_000, hidden=(32, 32, 32), optimizer="adam", epochs=2),
    dict(
        dataset="gauss",
        samples=500_000,
        hidden=(128, 128),
        optimizer="minibatch",
        batch_size=1000,
        epochs=1,
    ),
    dict(dataset="spiral", samples=100_000, hidden=(1024,), optimizer="momentum", epochs=2),
    dict(dataset="xor", hidden=(1024, 1024, 1024), optimizer="adam", epochs=20),
]

MEASURE = """
import json, resource, sys
from engine import Config, Run
config = Config.from_values(json.loads(sys.argv[1]))
def resident():  # bytes resident now (the peak so far may be higher: imports come and go)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
before = resident()
run = Run(config)
for _ in run:
    pass
run.outcome()
run.snapshot()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(peak - before)
"""


def measure(settings: dict) -> int:
    args = json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()})
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, args], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def main() -> None:
    print(f"{'configuration':58} {'estimate':>9} {'measured':>9} {'ratio':>6}")
    for settings in CASES:
        config = Config(**settings)
        n = make_dataset(config).n
        # BASE in the estimate stands for what a first run adds besides its arrays (NumPy's and
        # the BLAS library's own buffers), which the measured growth includes
        guess = estimate(config, n)
        peak = measure(settings)
        name = ", ".join(f"{k}={v}" for k, v in settings.items() if k != "dataset")
        name = f"{settings['dataset']} {name}"
        print(f"{name[:58]:58} {size_text(guess):>9} {size_text(peak):>9} {guess / peak:6.2f}")


if __name__ == "__main__":
    main()
