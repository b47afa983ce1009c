"""Screenshots of the CSV choice and the regression views after a real short run in the window.

``python -m studio.gui.plots.regression_screenshots OUT_DIR [--epochs N]`` writes a
generated table (y = the sum of eight features + noise), opens the window on a small
MLP that predicts y, trains it as the Train button does and saves the window with
the table chosen, with the MAE/R² curves and with the predicted-vs-true scatter,
plus the scatter view alone. Runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROWS, FEATURES, NOISE = 2000, 8, 0.3


def write_table(path: Path) -> Path:
    """y = the sum of the features + Gaussian noise, with a header row."""
    import numpy as np

    rng = np.random.default_rng(7)
    x = rng.normal(size=(ROWS, FEATURES))
    y = x.sum(axis=1) + rng.normal(0.0, NOISE, ROWS)
    header = ",".join([*(f"x{i}" for i in range(FEATURES)), "y"])
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.4f", header=header, comments="")
    return path


def regression_project(table: Path, epochs: int):
    from studio.core.architecture import Block
    from studio.core.templates import blank_project

    project = blank_project((FEATURES,))
    for block_type, params in (
        ("Linear", {"out_features": 64}),
        ("ReLU", {}),
        ("Linear", {"out_features": 32}),
        ("ReLU", {}),
        ("Linear", {"out_features": 1}),
    ):
        block = Block.create(block_type)
        block.params.update(params)
        project.architecture.append(block)
    project.name = "sum-of-features"
    project.dataset.name, project.dataset.path, project.dataset.target = "csv", str(table), "y"
    project.training.epochs, project.training.batch_size, project.training.lr = epochs, 32, 0.01
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    args.out.mkdir(parents=True, exist_ok=True)
    table = write_table(args.out / "sum_of_features.csv")
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    window.document.replace_project(regression_project(table, args.epochs), None)

    def save(widget, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(args.out / name))
        print(args.out / name)

    def when_trained() -> None:
        dashboard = window.session.dashboard
        window.tabs.setCurrentWidget(dashboard)
        for view, name in (
            (dashboard.regression_view, "regression-window.png"),
            (dashboard.scatter_view, "regression-window-scatter.png"),
        ):
            dashboard.tabs.setCurrentWidget(view)
            dashboard.flush()
            save(window, name)
        save(dashboard.scatter_view, "regression-scatter.png")
        window.document.undo_stack.setClean()
        app.quit()

    def start() -> None:
        save(window, "regression-csv-choice.png")
        window.session.controller.finished.connect(lambda: QTimer.singleShot(200, when_trained))
        window.start_training()

    window.training_panel.dataset_preview.tableShown.connect(
        lambda _preview: QTimer.singleShot(300, start), type=_single_shot()
    )
    app.exec()
    return 0


def _single_shot():
    from PySide6.QtCore import Qt

    return Qt.ConnectionType.SingleShotConnection


if __name__ == "__main__":
    sys.exit(main())
