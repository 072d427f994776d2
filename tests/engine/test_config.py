"""The config's declaration: one setting, one declaration, seen by every surface; TOML files
written by tomli-w that read back equal, whatever the data path holds."""

import dataclasses
from dataclasses import dataclass

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Label

from engine import Config, ConfigError, load_toml, save_toml
from engine.config import SETTINGS, Setting, fraction, read_toml, setting
from engine.labels import settings
from engine.sweep import Sweep, load_sweep, save_sweep
from tui.cli.args import Parser, add_training_flags, flag
from tui.widgets.form import ConfigForm

ODD_PATHS = [
    "my data/points 1.csv",
    'say "hi".csv',
    "it's here.csv",
    "😀 emoji/pöints.csv",
    "back\\slash\\points.csv",
    "C:\\Users\\Ann\\Lab 1\\points.csv",
    "ends with a backslash\\",
    "données/naïve-ßü-日本語.csv",
    '\'"\\\'"mixed\\""',
    "tab\there.csv",
]


@pytest.mark.parametrize("data", ODD_PATHS)
def test_config_with_an_odd_data_path_saves_and_loads_back_equal(tmp_path, data):
    config = Config(data=data, hidden=(8, 3), optimizer="adam", batch_size=16, lr=0.003)
    save_toml(config, tmp_path / "c.toml")
    assert load_toml(tmp_path / "c.toml") == config
    # the file is plain TOML: every value that is set, None (no batch size, no file) omitted
    assert read_toml(tmp_path / "c.toml") == {
        k: v for k, v in config.to_dict().items() if v is not None
    }
    save_toml(Config(), tmp_path / "default.toml")
    assert {"data", "batch_size"}.isdisjoint(read_toml(tmp_path / "default.toml"))


@pytest.mark.parametrize("data", ODD_PATHS)
def test_sweep_with_an_odd_data_path_saves_and_loads_back_equal(tmp_path, data):
    base = Config(data=data, epochs=50, optimizer="momentum")
    sweep = Sweep.parse(base, ["lr=0.1,1", "hidden=2,8x3", "batch_size=auto,4"], f"mine {data}")
    save_sweep(sweep, tmp_path / "s.toml")
    again = load_sweep(tmp_path / "s.toml")
    assert again == sweep and again.configs() == sweep.configs()
    assert again.configs()[0].data == data and again.configs()[0].batch_size is None


def test_every_field_is_declared_once_and_every_surface_sees_it():
    fields = [f.name for f in dataclasses.fields(Config)]
    assert list(SETTINGS) == fields
    assert all(isinstance(f.metadata["setting"], Setting) for f in dataclasses.fields(Config))
    assert all(SETTINGS[f.name].default == f.default for f in dataclasses.fields(Config))
    flags = cli_flags()
    assert [flags[flag(name)].dest for name in fields] == fields
    assert flags["--lr"].help.startswith(SETTINGS["lr"].help)
    assert flags["--optimizer"].metavar == "{gd,sgd,minibatch,momentum,adam}"
    # a report shows every setting but the file, which it shows under dataset
    assert list(settings(Config())) == [name for name in fields if name != "data"]


@pytest.mark.parametrize(
    "config, expected",
    [
        (Config(dataset="xor"), {"dataset": "xor", "samples": None, "noise": None}),
        (Config(dataset="linear", noise=0.1), {"samples": 100, "noise": 0.1}),
        (Config(dataset="linear", data="dir/p.csv"), {"dataset": "p.csv", "samples": None}),
        (Config(optimizer="gd", batch_size=8), {"batch_size": None}),
        (Config(optimizer="minibatch", batch_size=8), {"batch_size": 8}),
    ],
)
def test_a_report_shows_none_where_a_setting_does_not_apply(config, expected):
    shown = settings(config)
    assert {name: shown[name] for name in expected} == expected


@dataclass(frozen=True)
class WithMomentum(Config):
    """The default config with one more setting, declared as every setting is."""

    beta: float = setting(
        0.9,
        "Momentum",
        fraction(),
        "momentum of the update, 0..1",
        applies=lambda c: c.optimizer == "momentum",
    )


class FormApp(App):
    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        yield ConfigForm(self.config)


async def test_a_new_setting_is_one_declaration_that_every_surface_shows(monkeypatch, tmp_path):
    monkeypatch.setitem(
        SETTINGS, "beta", WithMomentum.__dataclass_fields__["beta"].metadata["setting"]
    )
    # the command line: a flag with its help, default and metavar
    beta = cli_flags()["--beta"]
    assert beta.dest == "beta" and beta.metavar == "F"
    assert beta.help == "momentum of the update, 0..1 [0.9]"
    # checks and error texts: the same as every setting's
    with pytest.raises(ConfigError, match="beta: must be a number from 0 to 1, got 2"):
        Config.from_values({"beta": "2"}, WithMomentum())
    # the report: its value where it applies, None elsewhere
    assert settings(WithMomentum(optimizer="momentum", beta=0.5))["beta"] == 0.5
    assert settings(WithMomentum(optimizer="gd"))["beta"] is None
    # TOML: written and read back
    save_toml(WithMomentum(beta=0.25), tmp_path / "c.toml")
    assert load_toml(tmp_path / "c.toml", WithMomentum()) == WithMomentum(beta=0.25)
    # the form: a labelled field, disabled where the setting does not apply
    app = FormApp(WithMomentum(optimizer="momentum"))
    async with app.run_test(size=(80, 40)) as pilot:
        form = app.query_one(ConfigForm)
        labels = [str(label.content) for label in form.query(Label)]
        assert labels == [s.label for s in SETTINGS.values()] and labels[-1] == "Momentum"
        assert not form.widget("beta").disabled
        form.widget("beta").value = "0.3"
        await pilot.pause()
        assert form.peek() == WithMomentum(optimizer="momentum", beta=0.3)
        form.widget("optimizer").value = "gd"
        await pilot.pause()
        assert form.widget("beta").disabled


async def test_the_form_disables_what_does_not_apply():
    app = FormApp(Config(dataset="linear", optimizer="gd"))
    async with app.run_test(size=(80, 40)) as pilot:
        form = app.query_one(ConfigForm)

        def disabled():
            return {
                n for n in ("dataset", "samples", "noise", "batch_size") if form.widget(n).disabled
            }

        assert disabled() == {"batch_size"}
        form.widget("optimizer").value = "minibatch"
        form.widget("dataset").value = "xor"
        await pilot.pause()
        assert disabled() == {"samples", "noise"}
        form.widget("data").value = "points.csv"
        await pilot.pause()
        assert disabled() == {"dataset", "samples", "noise"}


def cli_flags() -> dict:
    parser = Parser(prog="test")
    add_training_flags(parser)
    return {option: action for action in parser._actions for option in action.option_strings}
