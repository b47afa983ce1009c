"""Screenshots of every training view after a real short training on the bundled sample.

``python -m studio.gui.plots.screenshots OUT_DIR [--epochs N]`` trains the default
project (and a short plain-SGD run to compare with), feeds the trainer's events
into a dashboard offscreen and saves one PNG per tab, for the README and for
looking at the views the way a newcomer would.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

TABS = ("loss", "accuracy", "per_class", "confusion", "feature_maps", "predictions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

    import numpy as np
    import torch
    from PySide6.QtWidgets import QApplication

    from studio.core.data.batches import normalise
    from studio.core.shapes import analyse
    from studio.core.templates import default_project
    from studio.core.training.trainer import Trainer
    from studio.gui.plots import TrainingDashboard

    app = QApplication.instance() or QApplication(sys.argv)
    args.out.mkdir(parents=True, exist_ok=True)

    project = default_project()
    main_events: list = []
    trainer = Trainer(project, epochs=args.epochs, feature_maps_interval=1.0)
    trainer.add_observer(main_events.append)
    trainer.run()
    data, model = trainer.data, trainer.model.eval()

    slow = default_project()
    slow.training.optimizer, slow.training.lr, slow.training.schedule = "sgd", 0.01, "none"
    slow_events: list = []
    slow_trainer = Trainer(slow, data=data, epochs=max(2, args.epochs // 2))
    slow_trainer.add_observer(slow_events.append)
    slow_trainer.run()

    def predictor(images: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            x = normalise(torch.as_tensor(images), data.mean, data.std)
            return model(x).softmax(1).numpy()

    layers = analyse(project.architecture).layers
    names = [f"{i.index} {i.type} {'×'.join(map(str, i.output_shape or ()))}" for i in layers]
    dashboard = TrainingDashboard()
    dashboard.resize(1200, 720)
    dashboard.show()
    dashboard.set_layer_names(names)
    dashboard.set_validation_data(
        data.val_images.numpy(), data.val_labels.numpy(), list(data.classes), data.native_shape
    )
    dashboard.set_predictor(predictor)
    for event in slow_events + main_events:
        dashboard.handle_event(event)
    dashboard.flush()
    for index, name in enumerate(TABS):
        dashboard.tabs.setCurrentIndex(index)
        if name == "feature_maps":
            dashboard.feature_view.set_layer(0)
        if name == "predictions":
            dashboard.prediction_view.canvas.stroke([(0.3, 0.25), (0.7, 0.25), (0.45, 0.8)])
        app.processEvents()
        dashboard.grab().save(str(args.out / f"views-{name}.png"))
    counts = dashboard.confusion_view.counts
    if counts is not None:
        mistakes = counts - np.diag(np.diag(counts))
        true_class, predicted = np.unravel_index(mistakes.argmax(), mistakes.shape)
        dashboard.confusion_view.show_cell(int(true_class), int(predicted))
        app.processEvents()
        dashboard.confusion_view.dialog.grab().save(str(args.out / "views-confusion-cell.png"))
    print(f"Saved {len(TABS) + 1} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
