"""RunsScreen: every run of the session in a table; marked runs' loss curves overlaid.

The legend names what differs between the marked runs (e.g. "lr=0.1", "lr=1"), the way the lab's
discussion figures compare settings. A finished run -- the app's own or a sweep's -- can be
re-opened: it becomes the run on the main screen and in the results, boundary and network views,
shown from its final weights without retraining, and its settings go back in the form. A run can
be removed, and the marked runs (or all) exported as CSV, JSON and Markdown, with figures of
their loss and accuracy where matplotlib is installed (tui.figures).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from engine.labels import labels
from engine.report import existing_report_files, write_report
from tui import figures
from tui.figures import FORMATS, INSTALL
from tui.plotting import curves_of, percent, short_loss
from tui.session import RunRecord, Session
from tui.widgets.plot import Plot, legend_mark

from .live import LiveView
from .prompt import PathPrompt

COLUMNS = ("curve", "#", "state", "final loss", "acc", "to 100%", "settings")
"""The state says where a run diverged; the settings name what differs first."""
TESTED_COLUMNS = ("curve", "#", "state", "final loss", "acc", "test acc", "to 100%", "settings")
"""The columns when a run has held-out samples: its accuracy on them too."""


class RunsScreen(LiveView):
    """All runs of the session; space marks, enter re-opens, d removes, e exports."""

    HEADING = "Runs: space marks, enter re-opens one in every view, d removes, e exports"
    BINDINGS = [
        Binding("space", "mark", "Mark", tooltip="Mark or unmark the run under the cursor"),
        Binding("a", "mark_all", "Mark all", tooltip="Mark every run, or none if all are"),
        Binding("enter", "reopen", "Re-open", tooltip="Show the run in every view, no retraining"),
        Binding("d,delete", "remove", "Remove", tooltip="Remove the run from the session"),
        Binding(
            "e", "export", "Export", tooltip="Write CSV, JSON, Markdown, figures of marked runs"
        ),
        Binding(
            "t",
            "toggle_test",
            "Test/training",
            tooltip="Runs with held-out samples: overlay their test loss or their training loss",
        ),
    ]

    def compose_view(self) -> ComposeResult:
        yield Plot(id="overlay")
        # the legend: a marked run's row shows its curve's marker in its colour
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._columns: tuple[str, ...] = ()
        self.test = False
        """The overlay shows the marked runs' test loss (t), not their training loss."""
        self.query_one(DataTable).focus()
        super().on_mount()

    @property
    def session(self) -> Session:
        return self.state.session

    def key(self) -> tuple:
        runs = tuple((r.run_id, r.epoch, r.state) for r in self.session.runs)
        return (super().key(), runs, frozenset(self.session.marked))

    def update_view(self, record: RunRecord | None) -> None:
        self.fill_table()
        self.plot_marked()

    def fill_table(self) -> None:
        """Rebuild the rows from the session, keeping the cursor on the same run."""
        table = self.query_one(DataTable)
        runs = self.session.runs
        cursor = self.selected_id()
        tested = any(r.outcome.test_accuracy is not None for r in runs)
        columns = TESTED_COLUMNS if tested else COLUMNS
        table.clear(columns=columns != self._columns)
        if columns != self._columns:
            self._columns = columns
            for column in columns:
                table.add_column(column, key=column)
        names = labels([r.config for r in runs]) if runs else []
        curve = {r.run_id: i for i, r in enumerate(self.marked_runs())}
        for record, name in zip(runs, names):
            loss = "-" if record.loss is None else short_loss(record.loss)
            index = curve.get(record.run_id)
            outcome = record.outcome
            test = (
                []
                if not tested
                else ["-" if outcome.test_accuracy is None else percent(outcome.test_accuracy)]
            )
            table.add_row(
                Text(" ") if index is None else legend_mark(index),
                str(record.run_id),
                record.status(),
                loss,
                percent(outcome.accuracy),
                *test,
                "-" if outcome.epochs_to_100 is None else str(outcome.epochs_to_100),
                Text(name),  # plain: a CSV file's name in a label may hold "["
                key=str(record.run_id),
            )
        if cursor is not None and str(cursor) in table.rows:
            table.move_cursor(row=table.get_row_index(str(cursor)))

    def selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    def marked_runs(self) -> list[RunRecord]:
        return [r for r in self.session.runs if r.run_id in self.session.marked]

    def plot_marked(self) -> None:
        """Overlay the marked runs' loss curves (log scale); the table is their legend."""
        plot = self.query_one("#overlay", Plot)
        marked = self.marked_runs()
        self.series_labels = labels([r.config for r in marked]) if marked else []
        tested = any(r.outcome.test_accuracy is not None for r in marked)
        test = self.test and tested
        plot.show(curves_of([r.outcome for r in marked], plot.size.width, test))
        what = "Test loss" if test else "Loss"
        hint = f", t: {'training' if test else 'test'}" if tested else ""
        held = sum(r.outcome.test_accuracy is not None for r in marked)
        count = f"{held} of {len(marked)}" if test and held < len(marked) else str(len(marked))
        plot.border_title = (
            f"{what} (log scale{hint}), {count} marked: markers in the curve column"
            if marked
            else "Loss of the marked runs: space marks the run under the cursor"
        )

    def action_toggle_test(self) -> None:
        self.test = not self.test
        self.tick(force=True)

    def action_mark(self) -> None:
        run_id = self.selected_id()
        if run_id is None:
            return
        self.session.marked ^= {run_id}
        self.tick(force=True)

    def action_mark_all(self) -> None:
        every = {r.run_id for r in self.session.runs}
        self.session.marked = set() if self.session.marked >= every else every
        self.tick(force=True)

    def action_reopen(self) -> None:
        record = self.session.get(self.selected_id() or -1)
        stage = self.state.stage
        if record is not None and stage is not None and stage.reopen(record):
            self.app.pop_screen()  # the main screen shows it (and says so) once it is at hand

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_reopen()

    def action_remove(self) -> None:
        record = self.session.get(self.selected_id() or -1)
        if record is None:
            return
        if record.active:
            self.app.notify("Stop the run first (ctrl+g).", title="Cannot remove it")
            return
        self.state.runner.forget(record)  # the main screen redraws when it is back
        self.tick(force=True)

    def action_export(self) -> None:
        runs = self.marked_runs() or list(self.session.runs)
        if not runs:
            self.app.notify("There are no runs to export yet.", title="Nothing to export")
            return

        pairs = [(r.config, r.outcome) for r in runs]
        drawn = figures.available()

        def write(path: str) -> None:
            """In a thread: matplotlib takes a second or two a figure."""
            try:
                Path(path).mkdir(parents=True, exist_ok=True)
                written = figures.compare_figures(pairs, path) if drawn else []
                linked = [(caption, figure.name) for caption, figure in written]
                write_report(path, pairs, figures=linked)
            except OSError as error:
                message = f"{path}: {error.strerror or error}"
                self.app.call_from_thread(self.app.notify, message, severity="error")
                return
            what = "with their loss and accuracy figures" if drawn else f"(figures: {INSTALL})"
            runs_ = f"{len(pairs)} run{'s' if len(pairs) != 1 else ''}"
            done = f"{runs_} written to {path}/ {what}"
            self.app.call_from_thread(self.app.notify, done, title="Exported")

        def export(path: str | None) -> None:
            if path:
                if drawn:
                    self.app.notify("drawing the figures...", title="Exporting", timeout=2)
                self.run_worker(lambda: write(path), thread=True, group="export")

        def clobbered(directory: str) -> list[Path]:
            names = [f"{stem}.{fmt}" for stem in ("loss", "accuracy") for fmt in FORMATS]
            existing = [Path(directory) / name for name in names if drawn]
            return existing_report_files(directory) + [p for p in existing if p.exists()]

        marked = len(self.marked_runs())
        what = f"{marked} marked run{'s' if marked != 1 else ''}" if marked else "all runs"
        also = ", with figures" if drawn else ""
        prompt = PathPrompt(
            f"Export {what}{also} to directory:", "runs-report", directory=True, clobbered=clobbered
        )
        self.app.push_screen(prompt, export)
