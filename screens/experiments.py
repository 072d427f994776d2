"""ExperimentsScreen: the lab's experiments in one keystroke.

Pick a preset (the lab's sections on both datasets) or type the settings to vary over the main
form's settings; f9 runs the sweep in the background (f9 again cancels it); the progress bar
counts the runs and the chart overlays their loss curves as they fill in, one section at a time.
When the sweep ends its runs join the runs table (f4).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, ProgressBar, Select, Static
from textual_plotext import PlotextPlot

from engine import ConfigError
from engine.labels import labels, show
from engine.sweep import PRESETS, Sweep, preset
from tui.experiment import Experiment
from tui.plotting import overlay

from .live import LiveView

CUSTOM = "custom"


def vary_text(sweep: Sweep) -> str:
    return " ".join(
        f"{key}={','.join(show(v, join='x') for v in values)}" for key, values in sweep.vary
    )


class ExperimentsScreen(LiveView):
    """Run a sweep and watch its curves fill in."""

    HEADING = "Experiments: f9 runs a sweep (f9 again cancels); its runs join the runs table"
    BINDINGS = [
        Binding(
            # not a priority key: it waits its turn behind keys typed into the Vary field
            "f9",
            "run_sweep",
            "Run/cancel",
            tooltip="Run the sweep, or cancel it",
        ),
    ]

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
            yield Label(" Section ", classes="sweep-label")
            yield Select([], allow_blank=True, compact=True, id="sweep-section", prompt="all")
        with Horizontal(classes="sweep-row"):
            yield Label("Vary   ", classes="sweep-label")
            yield Input(
                "", compact=True, id="sweep-vary", placeholder="lr=0.01,0.1,1 dataset=linear,xor"
            )
        yield Static("", id="sweep-note", markup=False)
        yield ProgressBar(id="sweep-progress", show_eta=False)
        yield PlotextPlot(id="sweep-chart")
        yield Static("", id="sweep-legend", classes="legend", markup=False)

    def on_mount(self) -> None:
        self._sections: list[str] = []
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

    def say(self, text: str) -> None:
        self.query_one("#sweep-note", Static).update(text)

    def action_run_sweep(self) -> None:
        experiment = self.state.experiment
        if experiment.running:
            experiment.cancel()
            return
        sweeps = self.sweeps()
        if sweeps:
            experiment.start(sweeps, self.app)
            self._set_sections(sweeps)
            self.tick(force=True)

    def _set_sections(self, sweeps: list[Sweep]) -> None:
        names = [s.name for s in sweeps]
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
        total = experiment.total
        bar.update(total=max(total, 1), progress=experiment.finished)
        if not experiment.sweeps:
            self.say("Pick a preset or type what to vary, then f9.")
        else:
            self.say(
                f"sweep {experiment.sweep_id}: {experiment.state}, "
                f"{experiment.finished}/{total} runs"
                + (f" - {experiment.error}" if experiment.error else "")
            )
            self._set_sections(experiment.sweeps)
        self.plot(experiment)

    def shown_sweep(self, experiment: Experiment) -> Sweep | None:
        if not experiment.sweeps:
            return None
        chosen = self.query_one("#sweep-section", Select).value
        for sweep in experiment.sweeps:
            if sweep.name == chosen:
                return sweep
        return experiment.sweeps[0]

    def plot(self, experiment: Experiment) -> None:
        """The shown section's loss curves (log10), labelled by what differs."""
        chart = self.query_one("#sweep-chart", PlotextPlot)
        chart.plt.clear_data()
        chart.plt.clear_figure()
        sweep = self.shown_sweep(experiment)
        curves = []
        if sweep is not None:
            configs = sweep.configs()
            names = labels(configs, [key for key, _ in sweep.vary])
            for config, name in zip(configs, names):
                run = experiment.runs.get(config)
                if run is not None and run.loss_history:
                    curves.append((name, run))
        self.series_labels = [name for name, _ in curves]
        title = f"{sweep.name}: log10(loss) by epoch" if sweep else "no sweep yet"
        legend = overlay(chart.plt, curves, max(chart.size.width - 10, 10), title)
        self.query_one("#sweep-legend", Static).update(legend)
        chart.refresh()
