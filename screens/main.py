"""The main screen: the settings form beside the live loss chart and the table of samples,
with the status line and the keys underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from engine import Config, Dataset
from tui.chart import LossChart
from tui.form import ConfigForm
from tui.keybar import KeyBar
from tui.session import DIVERGED, FAILED, PAUSED, RunRecord
from tui.table import SampleTable


def percent(accuracy: float) -> str:
    """0.952 -> "95.2%", 1.0 -> "100%"."""
    return f"{100 * accuracy:.1f}".rstrip("0").rstrip(".") + "%"


def short_loss(loss: float) -> str:
    return f"{loss:.6f}" if loss >= 1e-4 or loss == 0 else f"{loss:.3e}"


def status_text(record: RunRecord | None, epochs: int) -> str:
    """The status line: state, epoch N/M, loss, accuracy, epochs per second."""
    if record is None:
        return f"ready  epoch 0/{epochs}  loss -  acc -  0 epochs/s"
    loss = "-" if record.loss is None else short_loss(record.loss)
    rate = f"{record.rate:,.0f} epochs/s" if record.state != PAUSED else "0 epochs/s"
    text = (
        f"{record.status()}  epoch {record.epoch}/{record.config.epochs}  loss {loss}  "
        f"acc {percent(record.accuracy)}  {rate}"
    )
    if record.saturated and record.state != DIVERGED:
        text += "\nsaturated: every output is stuck at 0 or 1 - the learning rate may be too high"
    elif record.state == DIVERGED:
        text += "\nthe loss or a weight stopped being finite - try a smaller learning rate"
    return text


def _wrapped_lines(text: str, width: int) -> int:
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n"))


class TrainingView(Vertical):
    """The chart above the table; the table keeps a header and 8 samples whenever it can."""

    def on_resize(self) -> None:
        height = self.size.height
        self.query_one(SampleTable).styles.height = max(min(height - 6, 11), height // 2)


class MainScreen(Screen):
    """Settings on the left; the loss curve and every sample's prediction on the right."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.initial = config

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ConfigForm(self.initial, id="form")
            with TrainingView(id="view"):
                yield LossChart(id="chart")
                yield SampleTable(id="table")
        yield Static(status_text(None, self.initial.epochs), id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#form").border_title = "Settings"
        self.query_one("#chart").border_title = "Loss"
        self.query_one("#table").border_title = "Samples: ground truth and prediction"

    @property
    def form(self) -> ConfigForm:
        return self.query_one(ConfigForm)

    @property
    def chart(self) -> LossChart:
        return self.query_one(LossChart)

    @property
    def table(self) -> SampleTable:
        return self.query_one(SampleTable)

    def show_data(self, data: Dataset) -> None:
        """A new run's samples, no predictions yet, an empty chart."""
        self.table.set_data(data.x, data.y)
        self.chart.reset()

    def show_losses(self, losses: list[float]) -> None:
        self.chart.append(losses)
        self.chart.replot()

    def show_status(self, record: RunRecord | None) -> None:
        status = self.query_one("#status", Static)
        text = status_text(record, self.initial.epochs)
        # a new layout only when the height changes: relayout is the costliest redraw
        width = max(status.content_region.width, 1)
        old = _wrapped_lines(str(status.content), width)
        status.update(text, layout=_wrapped_lines(text, width) != old)
        status.set_class(
            bool(record and (record.saturated or record.state == DIVERGED)), "-attention"
        )
        status.set_class(bool(record and record.state == FAILED), "-error")
