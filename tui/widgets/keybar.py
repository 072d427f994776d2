"""KeyBar: the footer, every key the screen offers, wrapped onto as many lines as it needs.

Textual's Footer is one line that scrolls sideways; at 80 columns that hides keys. This one
packs "key description" items into lines of the widget's width, never splitting an item.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget


class KeyBar(Widget):
    """The screen's shown bindings, "^r Train  ^t Pause ...", wrapped to the width."""

    DEFAULT_CSS = """
    KeyBar {
        height: auto;
        max-height: 3;
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

    def items(self) -> list[tuple[str, str, bool]]:
        """(key as shown, description, enabled) for every shown binding, in order, once each."""
        seen, items = set(), []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((self.app.get_key_display(binding), binding.description, enabled))
        if self.app.ENABLE_COMMAND_PALETTE:
            items.append(("^p", "Commands", True))
        return items

    def lines(self, width: int) -> list[Text]:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")
        lines, line = [], Text()
        for key, description, enabled in self.items():
            item = Text.assemble(
                (key, key_style + (dim if not enabled else Style())),
                (" " + description, text_style + (dim if not enabled else Style())),
            )
            if line.cell_len and line.cell_len + 2 + item.cell_len > width:
                lines.append(line)
                line = Text()
            if line.cell_len:
                line.append("  ")
            line.append_text(item)
        if line.cell_len:
            lines.append(line)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.content_region.width or self.size.width))
