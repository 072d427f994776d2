"""What every figure shares: matplotlib, checked for (:func:`require`) and loaded only when a
figure is drawn; the report's style; a new figure, its title, its curves' looks and a legend under
its axes; and :func:`save`, which writes a figure as SVG and PNG side by side, atomically."""

from __future__ import annotations

import importlib.util
import io
import textwrap
import warnings
from collections.abc import Sequence
from pathlib import Path

from engine import Config
from engine.files import atomic_write
from engine.labels import describe_base

INSTALL = "pip install 'backprop-tui[figures]'"
"""How to get matplotlib, as every message about a missing one says."""
FORMATS = ("svg", "png")
SIZE = (8.0, 5.0)
"""Inches; at DPI, a PNG 1200 pixels wide."""
DPI = 150
STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "figure.titlesize": 12,
    "svg.fonttype": "none",  # text stays text: small files, searchable
    "svg.hashsalt": "backprop-tui",  # the SVG's element ids: the same for the same figure
}
LINE_STYLES = ("-", "--", "-.", ":")
"""Curves differ by line style as well as colour (ten colours, then the styles cycle)."""


class FiguresMissing(Exception):
    """matplotlib is not installed; the message says how to install it."""


def available() -> bool:
    """Whether matplotlib can be imported (without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def require() -> None:
    """Raise FiguresMissing, with the command that installs it, when matplotlib is missing."""
    if not available():
        raise FiguresMissing(f"needs matplotlib, which is not installed: {INSTALL}")


def _figure(panels: int = 1, width: float = SIZE[0], height: float = SIZE[1], share=False):
    """A new figure (no pyplot: nothing global, safe in any thread) and its axes; ``share``:
    the panels share their y axis (curves compared across panels)."""
    require()
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):
        rows = 1 if panels <= 3 else 2
        columns = -(-panels // rows)
        height *= 1 if rows == 1 else 1.6
        figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False, sharey=share).ravel()
    for extra in axes[panels:]:
        extra.set_visible(False)
    return figure, list(axes[:panels])


def save(figure, directory: str | Path, stem: str) -> list[Path]:
    """Write ``figure`` as ``stem.svg`` and ``stem.png`` in ``directory``; their paths."""
    import matplotlib

    paths = []
    with warnings.catch_warnings():  # a layout that cannot fit is drawn as it is, silently
        warnings.simplefilter("ignore")
        with matplotlib.rc_context(STYLE):
            figure.draw_without_rendering()  # laid out once, not once per file
        figure.set_layout_engine("none")
        for fmt in FORMATS:
            path = Path(directory) / f"{stem}.{fmt}"
            buffer = io.BytesIO()
            with matplotlib.rc_context(STYLE):
                # no date in the files: the same run gives the same bytes
                metadata = {"Date": None} if fmt == "svg" else {"Software": None}
                figure.savefig(buffer, format=fmt, metadata=metadata)
            data = buffer.getvalue()
            atomic_write(path, lambda handle, data=data: handle.write(data))
            paths.append(path)
    return paths


Written = list[tuple[str, Path]]
"""(caption, path of the SVG) per figure written: summary.md embeds them."""


def _title(figure, what: str, configs: Sequence[Config]) -> None:
    """The figure's title: what it shows, then the settings its runs share, wrapped to the
    figure's width."""
    shared = describe_base(configs)
    width = int(figure.get_figwidth() * 12)
    lines = [what, *textwrap.wrap(shared, width)] if shared else [what]
    figure.suptitle("\n".join(lines), fontsize=10)


def _style(i: int) -> dict:
    """Curve i's look: a colour and a line style of its own (ten colours, four styles), so
    curves lying on each other, or printed in grey, still tell apart."""
    return {"color": f"C{i % 10}", "linestyle": LINE_STYLES[i % len(LINE_STYLES)]}


def _legend_below(ax, columns: int = 4) -> None:
    """The legend under the axes, where it hides no sample."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=columns, frameon=False)
