"""Figures for a lab report, drawn with matplotlib (the ``figures`` extra, Agg, no screen).

    figures.require()                                  # FiguresMissing without matplotlib
    paths = figures.run_figures(config, outcome, data, directory)
    paths = figures.sweep_figures(name, runs, vary, directory)

Each figure is written as SVG and PNG side by side (``loss.svg``, ``loss.png``), atomically.
A run gives the loss by epoch (log scale), the accuracy by epoch, its ground truth beside its
prediction (the lab's own figure) and its decision boundary with the samples on it; a sweep
section gives its learning curves and accuracy (one curve per run, one panel per value of the
settings varied besides the first) and its final loss and epochs to 100% against the first
varied setting (``loss_by_lr``). Titles state the settings; classes differ by colour and by
marker, and misclassified samples are ringed, so every figure reads in black and white too.

matplotlib loads only when a figure is drawn: the app and the commands never need it otherwise.

style.py holds what every figure shares (matplotlib, the style, saving), curves.py the curves by
epoch, runs.py one run's figures and sweeps.py a sweep section's; this package names them all.
"""

from .curves import MAX_CURVES, MAX_PANELS, curves_figure
from .runs import (
    CLASSES,
    GRID,
    boundary_figure,
    compare_figures,
    run_figures,
    truth_vs_prediction_figure,
)
from .style import (
    DPI,
    FORMATS,
    INSTALL,
    LINE_STYLES,
    SIZE,
    STYLE,
    FiguresMissing,
    Written,
    available,
    require,
    save,
)
from .sweeps import by_setting_figure, sweep_figures

__all__ = [
    "CLASSES",
    "DPI",
    "FORMATS",
    "GRID",
    "INSTALL",
    "LINE_STYLES",
    "MAX_CURVES",
    "MAX_PANELS",
    "SIZE",
    "STYLE",
    "FiguresMissing",
    "Written",
    "available",
    "boundary_figure",
    "by_setting_figure",
    "compare_figures",
    "curves_figure",
    "require",
    "run_figures",
    "save",
    "sweep_figures",
    "truth_vs_prediction_figure",
]
