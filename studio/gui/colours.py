"""The window's colours, in one place: problems, categories of blocks, notices.

One red for errors and one amber for warnings everywhere (cards, editor, summary,
dataset preview), so a warning never looks like a different kind of thing in
another panel. The plots keep their own theme in ``plots/style.py``.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

ERROR = "#d62728"
WARNING = "#b8860b"
"""Dark amber: readable as text on a light background, and as a card marker."""
OK = "#2e7d32"
INIT_TAG = "#1f77b4"
"""The "init" tag of a card whose layer has its own initialisation."""
ERROR_BACKGROUND = "#f8d7da"
"""Behind a line of code that has an error."""
NOTICE_STYLE = "background: #fff3cd; color: #664d03; padding: 4px; border-radius: 3px"
"""A banner that needs attention without being an error (training locks the network)."""

CATEGORY = {
    "convolution": "#4c78a8",
    "pooling": "#72b7b2",
    "activation": "#e45756",
    "linear": "#f58518",
    "normalization": "#54a24b",
    "regularization": "#b279a2",
    "reshape": "#9d755d",
    "output": "#eeca3b",
    "pretrained": "#5e60ce",
}
"""The stripe of a layer card, by registry category."""
OTHER_CATEGORY = "#888888"


def text_style(colour: str) -> str:
    """A style sheet that colours a label's text."""
    return f"color: {colour}"


def severity_colour(severity: str) -> str:
    """The colour of a diagnostic: ``error`` red, anything else (``warning``) amber."""
    return ERROR if severity == "error" else WARNING


def category_colour(category: str) -> QColor:
    return QColor(CATEGORY.get(category, OTHER_CATEGORY))
