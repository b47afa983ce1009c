"""Start the window, or without a display train in the terminal (the CLI's job, not the GUI's).

``studio.gui`` never imports the CLI: this module, above both, makes the choice.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def train_in_terminal(project: str | None) -> int:
    """The headless fallback: train the project (or the default) with a progress bar."""
    from studio.cli import main as cli_main

    print(
        "No display was found, so Sequential Studio trains the project in this terminal "
        "instead. Run it on a desktop to open the window.",
        file=sys.stderr,
    )
    if project is None:
        folder = Path(tempfile.mkdtemp(prefix="sequential-studio-"))
        project = str(folder / "lenet-mnist.json")
        if cli_main(["new", "-o", project]) != 0:
            return 2
    return cli_main(["train", project])


def main(argv: Sequence[str] | None = None) -> int:
    from studio.gui.app import has_display, parse_args
    from studio.gui.app import main as window_main

    args = parse_args(argv)
    if not args.screenshot and not has_display():
        return train_in_terminal(args.project)
    return window_main(argv)
