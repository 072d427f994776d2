"""NeuronTiles: the network as a picture -- every unit's output over the input plane, by layer.

Columns of tiles run from the inputs (x1, x2, or the features --features chose: each drawn over
the plane, x1² a bowl, sin x1 a wave) through each hidden layer to the output, whose tile is the
decision boundary. A tile is drawn as the decision boundary is (tui.widgets.boundary_map): "▀"
in the top point's colour on the bottom point's, blue for a low output, orange for a high one,
the panel's background for the middle of the activation's range (0.5 for sigmoid, 0 for tanh;
relu and no activation are scaled per unit around 0). In shade mode each cell is one of " ·░▒"
instead.

Between two columns, beside each unit, are the weights into it: one signed cell per unit of the
column on the left ("+6", "-.3": the sign and the size, which read without colour; orange > 0,
blue < 0, brighter when larger) and, under them, its bias "b". A dead unit (output 0 on every
sample) reads "DEAD" across its tile. Every character is in a Linux console font.

At most MAX_SHOWN units of a layer are drawn (the rest are counted under the column); tiles
shrink to fit the panel, down to MIN_TILE, and past that the picture scrolls.
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from engine.features import DEFAULT_FEATURES, FEATURES
from tui.tiles import CELL, LEVELS, Frame, Layout, changed_rows, layer_title, plan

from .boundary_map import HIGH, LOW, SHADES


class NeuronTiles(ScrollView):
    """Tiles of every unit's output over the plane, and the weights between the layers."""

    DEFAULT_CSS = """
    NeuronTiles { height: 1fr; scrollbar-size: 1 1; }
    NeuronTiles > .neuron-tiles--heading { color: $text-muted; text-style: bold; }
    NeuronTiles > .neuron-tiles--label { color: $foreground; text-style: bold; }
    NeuronTiles > .neuron-tiles--dead { text-style: bold reverse; }
    """
    COMPONENT_CLASSES = {"neuron-tiles--heading", "neuron-tiles--label", "neuron-tiles--dead"}

    shade_mode: reactive[bool] = reactive(False)

    class LayoutChanged(Message):
        """The tiles changed size: their outputs must be computed again at the new size."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout_plan: Layout | None = None
        self.frame: Frame | None = None
        """What is drawn (tiles appear once it was computed for ``layout_plan``)."""
        self._activation = "sigmoid"
        self._lines: dict[int, list[Segment]] = {}
        """Rows drawn since the last change, by row of the whole picture."""
        self._frame_styles: dict[str, Style] | None = None
        self._weight_styles: dict[tuple, Style] = {}

    # --- what is drawn ----------------------------------------------------------------------------

    def set_network(
        self, sizes: tuple[int, ...], activation: str, inputs: tuple[str, ...] = DEFAULT_FEATURES
    ) -> Layout:
        """Lay the tiles out for a network of these sizes, whose first layer takes the features
        ``inputs``; returns the layout."""
        self._activation = activation
        width, height = self.size  # scrollbars included: whether they show depends on the plan
        sizes, inputs = tuple(sizes), tuple(inputs)
        layout = plan(sizes, width, height, inputs)
        if layout.width > width:  # too deep to fit: a scrollbar will take a row
            layout = plan(sizes, width, height - self.styles.scrollbar_size_horizontal, inputs)
        if layout.height > height:  # too tall even with the smallest tiles: and a column
            width -= self.styles.scrollbar_size_vertical
            layout = plan(sizes, width, height - self.styles.scrollbar_size_horizontal, inputs)
        if layout != self.layout_plan:
            self.layout_plan = layout
            self._changed()
        return layout

    def show(self, frame: Frame) -> None:
        """Draw a frame; only the rows that look different from the last one are drawn again
        (a trained network's picture stays still while its weights creep)."""
        before, self.frame = self.frame, frame
        rows = None if before is None else changed_rows(before, frame)
        if rows is None or frame.layout != self.layout_plan:
            self._changed()
            return
        for row in rows:
            self._lines.pop(row, None)
            self.refresh_line(row)

    @property
    def drawn(self) -> bool:
        """Whether the tiles on show were computed for the current layout."""
        return self.frame is not None and self.frame.layout == self.layout_plan

    def clear(self) -> None:
        self.layout_plan = self.frame = None
        self._changed()

    def _changed(self) -> None:
        self._lines.clear()
        self._frame_styles = None
        layout = self.layout_plan
        self.virtual_size = Size(0, 0) if layout is None else Size(layout.width, layout.height)
        self.refresh()

    def on_resize(self) -> None:
        if self.layout_plan is not None:
            layout = self.layout_plan
            self.set_network(layout.sizes, self._activation, layout.inputs)
        self.post_message(self.LayoutChanged())

    def action_scroll_home(self) -> None:
        if self.max_scroll_y:
            super().action_scroll_home()
        else:  # a picture that only scrolls sideways: home is the inputs, end the output
            self.scroll_to(x=0, animate=False)

    def action_scroll_end(self) -> None:
        if self.max_scroll_y:
            super().action_scroll_end()
        else:
            self.scroll_to(x=self.max_scroll_x, animate=False)

    def watch_shade_mode(self) -> None:
        self._lines.clear()
        self._frame_styles = None
        self.refresh()

    def on_mount(self) -> None:
        _, background = self.background_colors
        self._background = background
        colours = [
            background.blend(HIGH if p >= 0.5 else LOW, min(1.0, abs(p - 0.5) * 2 * 0.85 + 0.1))
            for p in np.linspace(0.0, 1.0, LEVELS)
        ]
        self._colours = colours
        self._styles = [
            [Style(color=top.rich_color, bgcolor=bottom.rich_color) for bottom in colours]
            for top in colours
        ]

    # --- drawing ----------------------------------------------------------------------------------

    def is_dead(self, layer: int, unit: int) -> bool:
        """Whether hidden ``layer``'s (1-based; 0 is the inputs) ``unit`` is flagged dead."""
        dead = [] if self.frame is None else self.frame.dead
        if not 0 < layer <= len(dead):
            return False
        flags = dead[layer - 1]
        return unit < len(flags) and bool(flags[unit])

    def tile_region(self, layer: int, unit: int) -> Region:
        """Where ``layer``'s ``unit``'s tile is on the screen (it may be scrolled out of view)."""
        layout = self.layout_plan
        columns, rows = layout.tile
        content = self.content_region
        margin = max(0, (self.scrollable_content_region.width - layout.width) // 2)
        x = content.x + margin + layout.x[layer] - self.scroll_offset.x
        y = content.y + layout.tops[layer][unit] - self.scroll_offset.y
        return Region(x, y, columns, rows)

    def _style(self) -> dict[str, Style]:
        """The styles of this frame (looked up once: a widget's rich_style is not cheap)."""
        if self._frame_styles is None:
            self._frame_styles = {
                "blank": self.rich_style,
                **{
                    name: self.get_component_rich_style(f"neuron-tiles--{name}")
                    for name in ("heading", "label", "dead")
                },
            }
            self._weight_styles = {}
        return self._frame_styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self.layout_plan
        blank = self._style()["blank"]
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        if layout is None or row >= layout.height:
            return Strip.blank(width, blank)
        if row not in self._lines:
            self._lines[row] = self._row(layout, row)
        margin = max(0, (width - layout.width) // 2)  # centred when it fits
        strip = Strip([Segment(" " * margin, blank), *self._lines[row]])
        return strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width, blank)

    def _row(self, layout: Layout, row: int) -> list[Segment]:
        segments: list[Segment] = []
        depth = len(layout.sizes) - 1
        for i in range(depth + 1):
            segments.extend(self._tile_row(layout, i, row))
            if i < depth:
                segments.extend(self._panel_row(layout, i + 1, row))
        return list(Segment.simplify(segments))  # fewer segments, less to write to the terminal

    def _unit_at(self, layout: Layout, layer: int, row: int) -> tuple[int, int] | None:
        """(unit, row within its tile) of ``layer``'s tile on ``row``, if any."""
        rows = layout.tile[1]
        for unit, top in enumerate(layout.tops[layer]):
            if top <= row < top + rows:
                return unit, row - top
        return None

    def _tile_row(self, layout: Layout, layer: int, row: int) -> list[Segment]:
        columns, rows = layout.tile
        styles = self._style()
        depth = len(layout.sizes) - 1
        if row == 0:
            short = len(layer_title(layer, depth, False)) > columns
            return [Segment(layer_title(layer, depth, short).center(columns), styles["heading"])]
        hidden = layout.sizes[layer] - layout.shown[layer]
        if hidden and row == layout.tops[layer][-1] + rows:
            more = f"+{hidden} more"
            more = more if len(more) <= columns else f"+{hidden}"
            return [Segment(more[:columns].center(columns), styles["heading"])]
        found = self._unit_at(layout, layer, row)
        if found is None or self.frame is None or self.frame.layout != layout:
            return [Segment(" " * columns, styles["blank"])]  # (outputs at this size to come)
        unit, line = found
        levels = self.frame.levels[layer]
        top, bottom = levels[2 * line, :, unit].tolist(), levels[2 * line + 1, :, unit].tolist()
        if self.shade_mode:
            blank = styles["blank"]
            top_level = LEVELS - 1
            cells = [
                Segment(SHADES[min(3, (t + b) * 2 // top_level)], blank)
                for t, b in zip(top, bottom)
            ]
        else:
            cells = [Segment("▀", self._styles[t][b]) for t, b in zip(top, bottom)]
        overlay, style, start = "", styles["label"], 0
        if line == 0 and layer < depth:
            overlay = layout.input_name(unit, columns) if layer == 0 else f"{unit + 1}"
        if line == rows // 2 and self.is_dead(layer, unit):
            overlay, style = "DEAD"[:columns], styles["dead"]
            start = (columns - len(overlay)) // 2
        for k, char in enumerate(overlay[: columns - start]):
            background = None if self.shade_mode else self._colours[bottom[start + k]].rich_color
            cells[start + k] = Segment(char, style + Style(bgcolor=background))
        return cells

    def _panel_row(self, layout: Layout, layer: int, row: int) -> list[Segment]:
        """The weights into ``layer``'s units from the layer before, on ``row``."""
        styles = self._style()
        blank = styles["blank"]
        sources = layout.shown[layer - 1]
        width = CELL * sources + layout.spacing
        after = " " * (layout.spacing - 1)  # after the last weight's own space
        if row == 0:
            names = [layout.input_name(k, 3) if layer == 1 else f"{k + 1}" for k in range(sources)]
            text = " " + "".join(f"{name:>3} " for name in names) + after
            return [Segment(text, styles["heading"])]
        found = self._unit_at(layout, layer, row)
        line_of_weights = layout.weights_line
        frame = self.frame
        if (
            found is None
            or frame is None
            or frame.layout != layout
            or found[1] not in (line_of_weights, line_of_weights + 1)
        ):
            return [Segment(" " * width, blank)]
        unit, line = found
        texts, shades = frame.texts[layer - 1], frame.shades[layer - 1]
        if line == line_of_weights:
            cells = [Segment(" ", blank)]
            for k in range(sources):
                dim = self.is_dead(layer - 1, k)  # a dead unit sends nothing down this weight
                cells += [self._weight(texts[k, unit], shades[k, unit], dim), Segment(" ", blank)]
            cells.append(Segment(after, blank))
            return cells
        return [
            Segment(" " * (width - 4 - layout.spacing), blank),
            Segment("b", styles["heading"]),
            self._weight(texts[-1, unit], shades[-1, unit], False),
            Segment(" " * layout.spacing, blank),
        ]

    def _weight(self, text: str, shade: int, dim: bool) -> Segment:
        """A weight as drawn, in its sign's colour, brighter (and bold) the larger it is."""
        negative, step = "-" in text, int(shade)
        style = self._weight_styles.get((negative, step, dim))
        if style is None:
            colour = self._background.blend(LOW if negative else HIGH, 0.35 + 0.65 * step / 8)
            extra = Style(color=colour.rich_color, bold=step >= 4 and not dim, dim=dim)
            style = self._weight_styles[negative, step, dim] = self._style()["blank"] + extra
        return Segment(str(text), style)

    def inputs_note(self) -> str:
        """What the inputs' short names stand for, where one is used: "sx1 sin x1"."""
        layout = self.layout_plan
        if layout is None:
            return ""
        shown = [FEATURES[name] for name in layout.inputs[: layout.shown[0]]]
        return ", ".join(f"{f.short} {f.label}" for f in shown if len(f.label) > 3)

    def hidden_note(self) -> str:
        """What is not in view: "units shown: h1 6/64" for layers with more units than fit,
        and a hint when the picture is wider than the panel."""
        layout = self.layout_plan
        if layout is None:
            return ""
        depth = len(layout.sizes) - 1
        notes = []
        if layout.hidden:
            counts = ", ".join(
                f"{layer_title(i, depth, True)} {layout.shown[i]}/{layout.sizes[i]}"
                for i, _ in layout.hidden
            )
            notes.append(f"units shown: {counts}")
        if layout.width > self.scrollable_content_region.width:
            notes.append("left/right scroll")
        return " | ".join(notes)


class TilesCaption(Static):
    """The line under the tiles: what the colours and numbers mean, and what is not drawn."""

    DEFAULT_CSS = """
    TilesCaption { padding: 0 1; color: $text-muted; }
    """
