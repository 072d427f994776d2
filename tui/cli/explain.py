"""``backprop-tui explain``: one training step laid open, as text and JSON.

    backprop-tui explain --dataset xor --sample 3            the next step on sample 3
    backprop-tui explain --optimizer adam --batch --steps 10 the 11th update, on its batch
    backprop-tui explain --init-weights w.npz --json step.json

After ``--steps N`` updates of training (default 0: at the initial weights), it prints the
forward pass (the input: the point, or its features with --features; each layer's W, b, z and a
= f(z), then p and the loss), the backward pass (dL/dp, then per layer from the output down
f'(z), delta = dL/dz, dL/dW and dL/db) and the update the optimizer makes (with momentum's
velocity or Adam's moments), and a numerical gradient check. The numbers are the engine's own
(engine.explain). ``--json FILE`` writes them: rows are samples where a value is per sample; W
and b are the weights before the update.
"""

from __future__ import annotations

import json

import numpy as np

from engine import Run
from engine.explain import Step
from engine.features import DEFAULT_FEATURES, labels
from engine.files import write_text

from .args import Parser, UsageError, add_training_flags, say, set_up_run


def explain_parser() -> Parser:
    parser = Parser(
        prog="backprop-tui explain",
        description="Print one training step laid open: the forward pass, the backward pass "
        "(delta and the gradients, layer by layer) and the update, after --steps updates.",
    )
    add_training_flags(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--sample",
        metavar="I",
        help="explain the step on sample I [0; with --test-fraction, the first training sample]",
    )
    which.add_argument(
        "--batch",
        action="store_true",
        help="explain the next update on the samples it sees (all of them for gd, the next "
        "mini-batch for minibatch)",
    )
    parser.add_argument("--steps", metavar="N", default="0", help="updates to train first [0]")
    parser.add_argument("--json", metavar="FILE", help="write the step as JSON")
    return parser


def explain_main(argv: list[str]) -> int:
    args = explain_parser().parse_args(argv)
    steps = _whole("--steps", args.steps, 0)
    run = set_up_run(args)
    first = int(run.trainer.splits[0][0][0])  # the first sample it trains on: 0 without a split
    sample = None if args.batch else _whole("--sample", args.sample or str(first), 0)
    if sample is not None and sample >= run.n:
        raise UsageError(
            "--sample", f"{sample} is not a sample: there are {run.n} (0 to {run.n - 1})"
        )
    step = after(run, steps, sample)
    say(text(step, run, steps))
    if args.json:
        write_text(args.json, json.dumps(to_json(step), allow_nan=False) + "\n")
    return 0


def _whole(option: str, text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(option, f"must be a whole number >= {least}, got {text!r}") from None
    if value < least:
        raise UsageError(option, f"must be a whole number >= {least}, got {value}")
    return value


def after(run: Run, steps: int, sample: int | None) -> Step:
    """Train ``steps`` updates, then explain the next one (stopping right before it)."""
    trainer = run.trainer
    total = run.config.epochs * trainer.batches
    if steps >= total:
        raise UsageError(
            "--steps",
            f"{steps} is not less than the run's {run.config.epochs} epochs of "
            f"{trainer.batches} updates; raise --epochs",
        )
    if trainer.batch == trainer.n:  # an update is an epoch
        for _ in range(steps):
            if next(run, None) is None:
                break
    else:
        done, explained = 0, []

        def before_batch(b: int) -> bool:
            nonlocal done
            if done == steps:
                explained.append(run.explain(sample))
                return False  # the step explained is not taken
            done += 1
            return True

        trainer.before_batch = before_batch
        for _ in run:
            if explained:
                break
        if explained:
            return _finite(explained[0], run)
    if run.trainer.diverged_at[0] is not None:
        raise UsageError("--steps", f"the run diverged at epoch {run.trainer.diverged_at[0]}")
    return _finite(run.explain(sample), run)


def _finite(step: Step, run: Run) -> Step:
    if not np.isfinite(run.net.theta).all():
        at = run.trainer.diverged_at[0]
        raise UsageError("--steps", f"the weights stopped being finite (diverged at epoch {at})")
    return step


def to_json(step: Step) -> dict:
    """The JSON of a step: ``sample``, ``x``, ``y``, ``prediction``, ``loss``,
    ``grad_check_max_rel_error`` and ``layers`` (W, b, z, a, delta, grad_W, grad_b, update_W,
    update_b, and more), with the rest of engine.explain's fields."""
    return step.to_dict()


# --- the text ------------------------------------------------------------------------------------


def number(value: float) -> str:
    if value == 0 or 1e-4 <= abs(value) < 1e5:
        return f"{value: .6f}"
    return f"{value: .3e}"


def matrix(name: str, values: np.ndarray, indent: str = "    ") -> list[str]:
    """``name`` and its values, one row per line ("[ 0.100000  0.900000 ]")."""
    values = np.atleast_2d(values)
    shape = "x".join(map(str, values.shape))
    rows = ["[" + " ".join(f"{number(v):>11s}" for v in row) + " ]" for row in values]
    head = f"{indent}{name} ({shape})".ljust(22)
    if len(rows) == 1 and len(head) + len(rows[0]) < 100:
        return [f"{head}  {rows[0]}"]
    return [head, *(f"{indent}  {row}" for row in rows)]


def _schedule(config) -> str:
    """ ", step schedule" where the rate follows one (the update shows the rate in force)."""
    return "" if config.schedule == "constant" else f", {config.schedule} schedule"


def text(step: Step, run: Run, steps: int) -> str:
    config = run.config
    sizes = "-".join(map(str, config.sizes))
    who = "batch of " + str(len(step.indices)) if step.sample is None else f"sample {step.sample}"
    if step.sample is not None and step.sample in run.trainer.splits[0][1]:
        who += " (held out: the run never trains on it)"
    lines = [
        f"explain: {config.dataset if not config.data else config.data}, {config.activation} "
        f"{sizes}, {config.loss}, {config.optimizer} lr {config.lr:g}{_schedule(config)}: "
        f"update {steps + 1} "
        f"(after {steps}), on {who}",
        "",
        "forward: z_i = a_(i-1) W_i + b_i,  a_i = f(z_i)  (rows are samples)",
    ]
    if step.features == DEFAULT_FEATURES:
        lines += matrix("x = a_0", step.x)
    else:  # the first layer takes the point's features
        lines += matrix("x", step.x)
        lines.append(f"  a_0 = features of x: {', '.join(labels(step.features))}")
        lines += matrix("a_0", step.layers[0].inputs)
    lines += matrix("y", step.y.reshape(-1, 1))
    last = len(step.layers)
    for i, layer in enumerate(step.layers, start=1):
        kind = "sigmoid output" if i == last else config.activation
        lines.append(f"  layer {i} ({layer.W.shape[0]} -> {layer.W.shape[1]}, {kind})")
        lines += matrix(f"W{i}", layer.W)
        lines += matrix(f"b{i}", layer.b)
        lines += matrix(f"z{i}", layer.z)
        lines += matrix(f"a{i} = f(z{i})" if i < last else f"p = a{i}", layer.a)
    lines.append(f"  loss ({config.loss}, mean over {len(step.indices)}): {number(step.loss)}")
    lines += ["", "backward: delta_i = dL/dz_i;  dL/dW_i = a_(i-1)^T delta_i"]
    lines += matrix("dL/dp", step.dloss_dp.reshape(-1, 1))
    for i in range(last, 0, -1):
        layer = step.layers[i - 1]
        rule = "dL/dp * f'(z)" if i == last else f"(delta{i + 1} W{i + 1}^T) * f'(z{i})"
        lines.append(f"  layer {i}: delta{i} = {rule}")
        lines += matrix(f"f'(z{i})", layer.fprime)
        lines += matrix(f"delta{i}", layer.delta)
        lines += matrix(f"dL/dW{i}", layer.grad_W)
        lines += matrix(f"dL/db{i}", layer.grad_b)
    lines += ["", f"update ({config.optimizer}, lr {step.lr:g}): W_i <- W_i + dW_i"]
    for i, layer in enumerate(step.layers, start=1):
        lines += matrix(f"dW{i}", layer.update_W)
        lines += matrix(f"db{i}", layer.update_b)
        for name, (w, b) in layer.state.items():
            lines += matrix(f"{name} W{i}", w)
            lines += matrix(f"{name} b{i}", b)
    kinks = f", {step.kinks} left out at a ReLU kink" if step.kinks else ""
    lines += [
        "",
        f"gradient check (central differences): max relative error "
        f"{step.grad_check_max_rel_error:.2e} over {step.checked} parameters{kinks}",
    ]
    return "\n".join(lines)
