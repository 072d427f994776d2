"""KeyBar: the footer, one line of the keys that matter most here.

The screen's own keys come first, then the app's essential ones (tui.actions), as many whole
"key description" items as fit; "f1 Help" and "^p Commands", which lead to every other key, are
always at its end. Textual's Footer scrolls sideways instead, hiding keys at 80 columns.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

PINNED = ("help", "quit")
"""Actions always on the bar (with the palette), whatever else fits."""
JOINED = {"main('slower')": ("f7/f8", "Speed")}
"""Actions shown as one item with their twin, whose own binding is not shown."""


class KeyBar(Widget):
    """The screen's shown bindings, "^r Train  ^t Pause ...", wrapped to the width."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS += """
    KeyBar > .keybar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .keybar--description { color: $footer-description-foreground; }
    KeyBar > .keybar--disabled { text-style: dim; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh(layout=True)

    def items(self) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, bool]]]:
        """(key as shown, description, enabled) of the shown bindings, once each: the screen's
        own first, then the app's; and the items always shown at the end."""
        seen: set[str] = set()
        own, app, last, pinned_order = [], [], [], []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            named = getattr(self.screen, "KEY_NAMES", {}).get(binding.action, binding.description)
            key, description = JOINED.get(
                binding.action, (self.app.get_key_display(binding), named)
            )
            item = (key, description, enabled)
            app_keys = getattr(self.screen, "KEYBAR_APP_KEYS", None)
            shown_here = app_keys is None or binding.action in (*app_keys, *PINNED)
            if node is self.app and not shown_here:
                continue
            if binding.action in PINNED:
                last.append(item)
                pinned_order.append(PINNED.index(binding.action))
            else:
                (app if node is self.app else own).append(item)
        last = [item for _, item in sorted(zip(pinned_order, last))]
        if self.app.ENABLE_COMMAND_PALETTE:
            last.insert(1, ("^p", "Commands", True))
        return own + app, last

    def line(self, width: int) -> Text:
        """As many items as fit in ``width``, the pinned ones last."""
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")

        def text(key: str, description: str, enabled: bool) -> Text:
            faded = dim if not enabled else Style()
            return Text.assemble((key, key_style + faded), (" " + description, text_style + faded))

        items, pinned = self.items()
        end = Text(" ").join(text(*item) for item in pinned)
        line = Text(" ")
        for item in items:
            piece = text(*item)
            if line.cell_len + piece.cell_len + 1 + end.cell_len > width:
                break
            line.append_text(piece)
            line.append(" ")
        line.append_text(end)
        return line

    def render(self) -> Text:
        return self.line(self.content_region.width or self.size.width)
