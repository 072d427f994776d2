"""StatusLine: the current run's state, epoch, loss, accuracy and speed, on every screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from engine import State
from tui.plotting import percent, short_loss
from tui.session import RunRecord


def status_text(
    record: RunRecord | None, epochs: int, limit: float | None = None, width: int = 0
) -> str:
    """The status: state, epoch N/M, loss, accuracy (on the training samples, then on the
    held-out ones: "acc 98% test 91%"), the learning rate where it varies, epochs per second
    (and the speed limit, if any); hints on a second line. With a ``width``, the first line is
    made to fit it where it can (see :func:`fit`)."""
    if record is None:
        parts = ["ready", f"epoch 0/{epochs}", "loss -", "acc -", "- epochs/s" + cap(limit)]
        return fit(parts, width)
    loss = "-" if record.loss is None else short_loss(record.loss)
    accuracy = percent(record.outcome.accuracy) if record.epoch else "-"
    if record.outcome.test_accuracy is not None and record.epoch:
        accuracy += f" test {percent(record.outcome.test_accuracy)}"
    parts = [
        record.status(),
        f"epoch {record.epoch}/{record.config.epochs}{record.where()}",
        f"loss {loss}",
        f"acc {accuracy}",
        speed(record) + (cap(limit) if record.active else ""),
    ]
    text = fit(parts, width, rate(record))
    if record.outcome.saturated and record.state is not State.DIVERGED:
        text += "\nsaturated: every output is stuck at 0 or 1 - the learning rate may be too high"
    elif record.state is State.DIVERGED:
        text += "\nthe loss or a weight stopped being finite - try a smaller learning rate"
    return text


def cap(limit: float | None) -> str:
    return "" if limit is None else f" (limit {limit:g})"


def fit(parts: list[str], width: int = 0, optional: str = "") -> str:
    """The parts two spaces apart (``optional``, the rate, before the last, the speed), in
    ``width`` columns if one is given: then one space apart, then with the speed limit as
    "(≤1000)", then without it, then without ``optional``. What still does not fit wraps to a
    second line: the state, epoch, loss, accuracy and speed are always shown."""
    speed, rest = parts[-1], parts[:-1]
    full = [*rest, optional, speed] if optional else parts
    text = "  ".join(full)
    if not width or len(text) <= width:
        return text
    short, lean = speed.replace(" (limit ", " (≤"), speed.split(" (limit ")[0]
    extra = [optional] if optional else []
    for shown in (full, [*rest, *extra, short], [*rest, *extra, lean], [*rest, lean]):
        for spaces in ("  ", " "):
            text = spaces.join(shown)
            if len(text) <= width:
                return text
    return " ".join(full)


def rate(record: RunRecord) -> str:
    """The learning rate in force ("lr 0.0095") where it varies: a schedule other than
    constant, or a rate changed live; "" otherwise."""
    outcome = record.outcome
    varies = record.config.schedule != "constant" or any(
        change.setting == "lr" for change in outcome.changes
    )
    if not varies or outcome.lr is None or not record.epoch:
        return ""
    return f"lr {outcome.lr:.3g}"


def speed(record: RunRecord) -> str:
    """How fast it trains: the recent rate while it runs, the run's average once it has
    ended, "-" while paused or before the first epoch."""
    seconds = record.wall
    rate = record.rate if record.active or seconds <= 0 else record.epoch / seconds
    if rate <= 0 or record.state is State.PAUSED or not record.epoch:
        return "- epochs/s"
    if rate >= 10:
        text = f"{rate:,.0f} epochs/s"
    elif rate >= 1:
        text = f"{rate:.1f} epochs/s"
    else:
        text = f"{1 / rate:.1f} s/epoch"
    return text + ("" if record.active else " avg")


def _wrapped_lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n"))


MIN_WIDTH, MIN_HEIGHT = 56, 14
"""Below this the panes are hidden and TooSmall says so (the status and keys stay)."""


class TooSmall(Static):
    """Shown instead of the panes when the terminal is too small for them."""

    DEFAULT_CSS = """
    TooSmall { display: none; height: 1fr; content-align: center middle; color: $text-warning; }
    """

    def __init__(self) -> None:
        super().__init__(f"Make the terminal at least {MIN_WIDTH}x{MIN_HEIGHT} to see this.")


class StatusLine(Static):
    """One or two lines about the run on screen (plain text: it may quote an error)."""

    def __init__(self, content: str = "", **kwargs) -> None:
        super().__init__(content, markup=False, **kwargs)
        self._shown: tuple | None = None
        """What show() was last given: shown again, fitted, when the width changes."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $panel;
    }
    StatusLine.-attention { color: $text-warning; }
    StatusLine.-error { color: $text-error; }
    """

    def show(
        self, record: RunRecord | None, epochs: Callable[[], int], limit: float | None = None
    ) -> None:
        """Show the run; ``epochs()`` gives the next run's epochs when there is no run;
        ``limit`` is the speed limit in epochs per second, if there is one."""
        self._shown = (record, epochs, limit)
        # fitted to the line's width once it has one (before its first layout it has none)
        width = self.content_region.width
        text = status_text(record, epochs() if record is None else 0, limit, width)
        # a new layout only when the height changes: relayout is the costliest redraw
        width = max(width, 1)
        old = _wrapped_lines(str(self.content), width)
        self.update(text, layout=_wrapped_lines(text, width) != old)
        attention = bool(record and (record.outcome.saturated or record.state is State.DIVERGED))
        self.set_class(attention, "-attention")
        self.set_class(bool(record and record.state is State.FAILED), "-error")

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)  # fitted to the new width
