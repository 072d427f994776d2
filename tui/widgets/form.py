"""ConfigForm: every training setting as a form field, validated as you type.

Choices are Selects whose options come from the engine's registries; numbers and lists are
Inputs validated by the same ``Config.from_values`` the command line uses, so a bad value gets
the same words here as there, shown under the field. Fields, labels, choices and which fields
apply all come from the config's declaration (engine.config.SETTINGS); fields that do not apply
(samples and noise for xor or a CSV file, batch size for gd and sgd) are disabled, and Tab skips
them.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from engine import Config, ConfigError, DataError, load_csv
from engine.config import SETTINGS
from engine.datasets import MAX_CSV_BYTES
from engine.files import UnreadableFile, check_regular

from .text_field import TextField


class FieldValidator(Validator):
    """A text field's value, checked by the config's own parser and checks (on ``base``)."""

    def __init__(self, field: str, base: Config | None = None) -> None:
        super().__init__()
        self.field = field
        self.base = base

    def validate(self, value: str) -> ValidationResult:
        if self.field == "data" and value.strip():
            return self._check_file(value.strip())
        try:
            Config.from_values({self.field: value}, self.base)
        except ConfigError as error:
            return self.failure(error.reason)
        return self.success()

    def _check_file(self, text: str) -> ValidationResult:
        """A CSV file must be a readable regular file of a sensible size (any name the user
        types, however long or odd, is an answer here, never a crash); a small one is read at
        once to mark a malformed line, a large one when training starts (in the worker)."""
        path = Path(text).expanduser()
        try:
            check_regular(path, MAX_CSV_BYTES, "CSV file")
            info = path.stat()
        except UnreadableFile as error:
            return self.failure(f"{text}: {error}")
        except (OSError, ValueError) as error:
            return self.failure(f"{text}: {getattr(error, 'strerror', None) or error}")
        if info.st_size > READ_AT_ONCE:
            return self.success()
        problem = _csv_problem(str(path), info.st_mtime_ns, info.st_size)
        return self.failure(problem) if problem else self.success()


READ_AT_ONCE = 2**20
"""CSV files up to this size are read as the name is typed, to mark a bad line at once."""


@lru_cache(maxsize=16)
def _csv_problem(path: str, mtime: int, size: int) -> str | None:
    """Why a CSV file cannot be used, or None; read once per version of the file."""
    try:
        load_csv(path)
    except DataError as error:
        return str(error)
    return None


def _reason(result: ValidationResult | None) -> str | None:
    if result is None or result.is_valid:
        return None
    return result.failure_descriptions[0]


def show(value: Any) -> str:
    """A config value as typed in the form."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


class ConfigForm(VerticalScroll, can_focus=False):
    """The settings of the next run, one labelled field per line."""

    def __init__(self, config: Config, **kwargs) -> None:
        super().__init__(**kwargs)
        self._initial = config

    def compose(self) -> ComposeResult:
        for name, setting in SETTINGS.items():
            with Horizontal(classes="field", id=f"row-{name}"):
                yield Label(setting.label, classes="field-label")
                value = getattr(self._initial, name)
                if setting.choices is not None:
                    yield Select(
                        [(choice, choice) for choice in setting.choices],
                        value=value,
                        allow_blank=False,
                        compact=True,
                        id=f"field-{name}",
                        tooltip=setting.help,
                    )
                else:
                    yield TextField(
                        show(value),
                        placeholder=setting.blank,
                        validators=[FieldValidator(name, self._initial)],
                        compact=True,
                        id=f"field-{name}",
                        tooltip=setting.help,
                    )
            yield Static("", classes="field-error", id=f"error-{name}", markup=False)

    def on_mount(self) -> None:
        self._update_applicable()

    def widget(self, name: str) -> Input | Select:
        return self.query_one(f"#field-{name}")

    def load(self, config: Config) -> None:
        """Fill every field from a config (e.g. one loaded from a file)."""
        for name in SETTINGS:
            field = self.widget(name)
            field.value = (
                show(getattr(config, name)) if isinstance(field, Input) else getattr(config, name)
            )
        self._update_applicable()

    class Edited(Message):
        """A field changed (the next run's settings may be different)."""

    def on_input_changed(self, event: Input.Changed) -> None:
        name = event.input.id.removeprefix("field-")
        self._show_error(name, _reason(event.validation_result))
        self._update_applicable()
        self.post_message(self.Edited())

    class Committed(Message):
        """A field's value was entered (enter, or the focus left it) or a choice was made: a
        setting that can change while a run trains (engine.config.LIVE) may be put in force."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.post_message(self.Committed(event.input.id.removeprefix("field-")))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.post_message(self.Committed(event.input.id.removeprefix("field-")))

    def on_select_changed(self, event: Select.Changed) -> None:
        self._update_applicable()
        self.post_message(self.Committed(event.select.id.removeprefix("field-")))

    def raw(self, name: str) -> str:
        """A field's text (a choice's name), as typed."""
        field = self.widget(name)
        return field.value if isinstance(field, Input) else str(field.value)

    def _show_error(self, name: str, reason: str | None) -> None:
        """Mark the field's error line with the reason, or clear it."""
        message = self.query_one(f"#error-{name}", Static)
        message.update(reason or "")
        message.display = bool(reason)

    def _update_applicable(self) -> None:
        """Disable the fields that do not apply to what the form describes so far."""
        config = self._described()
        for name, setting in SETTINGS.items():
            self.widget(name).disabled = not setting.applies(config)

    def _raw(self) -> dict[str, str]:
        return {
            name: field.value if isinstance(field, Input) else str(field.value)
            for name, field in ((name, self.widget(name)) for name in SETTINGS)
        }

    def _described(self) -> Config:
        """The form's config as far as its fields are valid (the others as first shown)."""
        config = self._initial
        for name, value in self._raw().items():
            with suppress(ConfigError):
                config = Config.from_values({name: value}, config)
        return config

    def values(self) -> dict[str, str]:
        """The raw values of the fields that apply (and of every choice: a Select always holds
        a valid one, so a dataset replaced by a file is kept for when the file is cleared)."""
        return {
            name: value
            for name, value in self._raw().items()
            if not self.widget(name).disabled or isinstance(self.widget(name), Select)
        }

    def invalid_fields(self) -> list[str]:
        """Names of applicable fields whose value is not valid, each marked with its reason."""
        bad = []
        for name in SETTINGS:
            field = self.widget(name)
            if isinstance(field, Input) and not field.disabled:
                reason = _reason(field.validate(field.value))
                self._show_error(name, reason)
                if reason:
                    bad.append(name)
        return bad

    def peek(self) -> Config | None:
        """The config the form describes if every field is valid, without marking any."""
        try:
            return Config.from_values(self.values(), self._initial)
        except ConfigError:
            return None

    def config(self, base: Config | None = None) -> Config | None:
        """The config the form describes, or None after marking every invalid field."""
        if self.invalid_fields():
            return None
        values = self.values()
        try:
            return Config.from_values(values, base or self._initial)
        except ConfigError as error:  # not expected after the field checks; shown all the same
            self._show_error(error.field, error.reason)
            return None

    def focus_first_invalid(self) -> None:
        bad = self.invalid_fields()
        if bad:
            self.widget(bad[0]).focus()
