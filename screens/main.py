"""The main screen: the settings form beside the live loss chart and the table of samples,
with the status line and the keys underneath."""

from __future__ import annotations

import contextlib

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from engine import Config, DataError, Dataset, make_dataset
from tui.session import RunRecord
from tui.widgets.chart import LossChart
from tui.widgets.form import ConfigForm
from tui.widgets.keybar import KeyBar
from tui.widgets.sample_table import SampleTable
from tui.widgets.status import StatusLine, TooSmall, status_text


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
        yield TooSmall()
        yield StatusLine(status_text(None, self.initial.epochs), id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        with contextlib.suppress(DataError):  # the first run's samples, before it starts
            self.show_samples(make_dataset(self.initial))
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

    def on_config_form_edited(self) -> None:
        if self.app.session.current is None:
            self.show_status(None)

    def show_samples(self, data: Dataset) -> None:
        self.table.set_data(data.x, data.y)

    def show_data(self, data: Dataset) -> None:
        """A new run's samples, no predictions yet, an empty chart."""
        self.show_samples(data)
        self.chart.reset()

    def show_losses(self, losses: list[float]) -> None:
        self.chart.append(losses)
        self.chart.replot()

    def ready_epochs(self) -> int:
        """The epochs the next run would train: the form's, when it is valid."""
        config = self.form.peek()
        return (config or self.initial).epochs

    def show_status(self, record: RunRecord | None) -> None:
        self.query_one(StatusLine).show(record, self.ready_epochs)
