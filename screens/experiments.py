"""ExperimentsScreen: the lab's experiments in one keystroke.

Pick a preset (the lab's sections on both datasets) or type the settings to vary over the main
form's settings; ctrl+r runs the sweep in the background (ctrl+g stops it); the progress bar
counts epochs. The chart overlays the loss curves of one panel as they fill in: a section for one
value of its other varied settings (one dataset), as the command line's charts do, with the
settings the panel's runs share above it and a legend table beside it. When the sweep ends (or is
cancelled) its runs join the runs table (f4), where each re-opens in every view.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, ProgressBar, Select, Static

from engine import Config, ConfigError
from engine.labels import describe_base, show
from engine.sweep import PRESETS, Sweep, preset
from tui.experiment import Experiment
from tui.plotting import curves_of, short_loss
from tui.widgets.plot import Plot, legend_mark
from tui.widgets.text_field import TextField

from .live import LiveView

CUSTOM = "custom"


def vary_text(sweep: Sweep) -> str:
    return " ".join(
        f"{key}={','.join(show(v, join='x') for v in values)}" for key, values in sweep.vary
    )


def panels(sweep: Sweep) -> dict[str, list[Config]]:
    """The sweep's runs by panel: one per combination of the varied settings after the first
    (a section varying lr over two datasets has a panel per dataset), named by them."""
    others = [key for key, _ in sweep.vary[1:]]
    groups: dict[str, list[Config]] = {}
    for config in sweep.configs():
        name = " ".join(f"{k}={show(getattr(config, k))}" for k in others)
        groups.setdefault(f"{sweep.name} {name}".strip(), []).append(config)
    return groups


def curve_name(sweep: Sweep, config: Config) -> str:
    """What a run's curve stands for in its panel: the value of the sweep's first setting."""
    key = sweep.vary[0][0] if sweep.vary else "run"
    return f"{key}={show(getattr(config, key))}" if sweep.vary else key


class ExperimentsScreen(LiveView):
    """Run a sweep and watch its curves fill in."""

    HEADING = "Experiments: ctrl+r runs a sweep, ctrl+g stops it; f4 re-opens its runs"
    BINDINGS = [
        Binding(
            "t",
            "toggle_test",
            "Test/training",
            tooltip="Runs with held-out samples: chart their test loss or their training loss",
        )
    ]
    KEY_NAMES = {"main('train')": "Run sweep", "stop": "Stop sweep"}
    """What the app's keys do here, as the key bar names them."""

    def compose_view(self) -> ComposeResult:
        with Horizontal(classes="sweep-row"):
            yield Label("Preset ", classes="sweep-label")
            yield Select(
                [(name, name) for name in [*PRESETS, CUSTOM]],
                value="lab",
                allow_blank=False,
                compact=True,
                id="sweep-preset",
            )
            yield Label(" Panel ", classes="sweep-label")
            yield Select([], allow_blank=True, compact=True, id="sweep-section", prompt="first")
        with Horizontal(classes="sweep-row"):
            yield Label("Vary   ", classes="sweep-label")
            yield TextField(
                "", compact=True, id="sweep-vary", placeholder="lr=0.01,0.1,1 dataset=linear,xor"
            )
        yield Static("", id="sweep-note", markup=False)
        yield ProgressBar(id="sweep-progress", show_eta=True)
        with Horizontal(id="sweep-panel"):
            yield Plot(id="sweep-chart")
            yield DataTable(id="sweep-legend", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._sections: list[str] = []
        self.test = True
        """Runs with held-out samples are charted by their test loss (t: by training loss)."""
        legend = self.query_one("#sweep-legend", DataTable)
        for column in ("", "run", "loss", "end"):
            legend.add_column(column, key=column)
        experiment = self.state.experiment
        if experiment.sweeps:
            names = {s.name for s in experiment.sweeps}
            choice = "lab" if len(names) > 1 else names.pop()
            self.query_one("#sweep-preset", Select).value = choice if choice in PRESETS else CUSTOM
        self._fill_vary()
        super().on_mount()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "sweep-preset":
            self._fill_vary()
        self.tick(force=True)

    def _fill_vary(self) -> None:
        name = self.query_one("#sweep-preset", Select).value
        vary = self.query_one("#sweep-vary", Input)
        if name != CUSTOM:
            sections = preset(name)
            if len(sections) == 1:
                vary.value = vary_text(sections[0])
            else:
                runs = len({c for s in sections for c in s.configs()})
                vary.value = f"{len(sections)} sections, {runs} runs: " + ", ".join(
                    s.name for s in sections
                )
            vary.disabled = True
        else:
            if vary.disabled:
                vary.value = ""
            vary.disabled = False

    def sweeps(self) -> list[Sweep] | None:
        """The sweeps the screen describes, or None after saying what is wrong."""
        name = self.query_one("#sweep-preset", Select).value
        if name != CUSTOM:
            return preset(name)
        base = self.state.form.settings() if self.state.form is not None else None
        if base is None:
            self.say("The main form has invalid settings: fix them first (escape).")
            return None
        specs = self.query_one("#sweep-vary", Input).value.split()
        if not specs:
            self.say("Vary: type the settings to vary, e.g. lr=0.1,1 dataset=linear,xor")
            return None
        try:
            return [Sweep.parse(base, specs)]
        except ConfigError as error:
            self.say(f"Vary: {error}")
            return None

    def action_toggle_test(self) -> None:
        self.test = not self.test
        self.tick(force=True)

    def say(self, text: str) -> None:
        self.query_one("#sweep-note", Static).update(text)

    def action_run_sweep(self) -> None:
        """Run the sweep the screen describes (a running one is replaced)."""
        experiment = self.state.experiment
        sweeps = self.sweeps()
        if sweeps:
            experiment.start(sweeps, self.app)
            self._set_sections(sweeps)
            self.tick(force=True)

    def _set_sections(self, sweeps: list[Sweep]) -> None:
        names = [name for sweep in sweeps for name in panels(sweep)]
        if names != self._sections:
            self._sections = names
            section = self.query_one("#sweep-section", Select)
            section.set_options([(n, n) for n in names])
            section.value = names[0]

    def key(self) -> tuple:
        experiment = self.state.experiment
        lengths = sum(len(run.loss_history) for run in experiment.runs.values())
        section = self.query_one("#sweep-section", Select).value
        return (super().key(), experiment.sweep_id, experiment.state, lengths, section)

    def update_view(self, record) -> None:
        experiment = self.state.experiment
        bar = self.query_one("#sweep-progress", ProgressBar)
        done, total = experiment.epochs_done, experiment.epochs_total
        if bar.total != max(total, 1) or bar.progress != done:
            bar.update(total=max(total, 1), progress=done)
        shown = self.shown(experiment)
        if not experiment.sweeps:
            self.say("Pick a preset or type what to vary, then ctrl+r.")
        else:
            self._set_sections(experiment.sweeps)
            tested = shown is not None and any(c.test_fraction for c in shown[1])
            other = "training" if self.test else "test"
            self.say(
                f"sweep {experiment.sweep_id}: {experiment.state}, "
                f"{experiment.finished}/{experiment.total} runs"
                + (f" - {experiment.error}" if experiment.error else "")
                + (f"   t: chart the {other} loss" if tested else "")
                + ("\nbase: " + describe_base(shown[1]) if shown else "")
            )
        self.plot(experiment, shown)

    def shown(self, experiment: Experiment) -> tuple[Sweep, list[Config], str] | None:
        """The panel on screen: its sweep, its runs' configs and its name."""
        chosen = self.query_one("#sweep-section", Select).value
        first = None
        for sweep in experiment.sweeps:
            for name, configs in panels(sweep).items():
                first = first or (sweep, configs, name)
                if name == chosen:
                    return sweep, configs, name
        return first

    def plot(self, experiment: Experiment, shown) -> None:
        """The shown panel's loss curves (log scale), and their legend beside them."""
        chart = self.query_one("#sweep-chart", Plot)
        legend = self.query_one("#sweep-legend", DataTable)
        legend.clear()
        self.series_labels = []
        outcomes = []
        tested = shown is not None and any(c.test_fraction for c in shown[1])
        test = self.test and tested  # held-out runs: their test loss, unless t said otherwise
        if shown is not None:
            sweep, configs, _ = shown
            for config in configs:
                run = experiment.runs.get(config)
                if run is None or not run.loss_history:
                    continue
                index = len(outcomes)
                outcomes.append(run)
                name = curve_name(sweep, config)
                self.series_labels.append(name)
                end = "div" if run.diverged else "sat" if run.saturated else ""
                history = run.test_loss_history if test else run.loss_history
                loss = short_loss(history[-1]) if len(history) else "-"
                legend.add_row(legend_mark(index), Text(name), loss, end)
        header = "test" if test else "loss"
        if str(legend.columns["loss"].label) != header:
            legend.columns["loss"].label = Text(header)
            legend.refresh()
        last = max((c.epochs for c in shown[1]), default=None) if shown else None
        chart.show(curves_of(outcomes, chart.size.width, test), x_last=last)
        what = "test loss" if test else "train loss" if tested else "loss, log"
        chart.border_title = f"{shown[2]} ({what})" if shown else "no sweep yet"
