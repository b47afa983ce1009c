"""How much the live views slow training: samples/s with the dashboard shown and fed, against
no dashboard, alternating A/B in one process (a benchmark, not a test).

``python -m studio.gui.plots.overhead_benchmark [--epochs 6] [--trials 5] [--tab 0]``

The trainer runs on a Python thread and its events reach the dashboard through a
queued Qt signal, as in the window. Reports the median ratio and its spread, and
the share of wall time the GUI thread was busy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--tab", type=int, default=0, help="the tab on screen (0 = loss)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

    from PySide6.QtCore import QEventLoop, QObject, Signal
    from PySide6.QtWidgets import QApplication

    from studio.core.templates import default_project
    from studio.core.training.events import EpochEnded, TrainingFinished
    from studio.core.training.trainer import Trainer
    from studio.gui.plots import TrainingDashboard

    class Bridge(QObject):
        event = Signal(object)

    app = QApplication.instance() or QApplication(sys.argv)
    project = default_project()
    warm_up = Trainer(project, epochs=1)
    warm_up.run()
    data = warm_up.data

    def trial(with_views: bool) -> tuple[float, float]:
        bridge = Bridge()
        rates: list[float] = []
        dashboard = None
        trainer = Trainer(project, data=data, epochs=args.epochs, num_threads=1)
        if with_views:
            dashboard = TrainingDashboard()
            dashboard.resize(1200, 700)
            dashboard.show()
            dashboard.tabs.setCurrentIndex(args.tab)
            dashboard.set_validation_data(
                data.val_images.numpy(),
                data.val_labels.numpy(),
                list(data.classes),
                data.native_shape,
            )
            bridge.event.connect(dashboard.handle_event)
            dashboard.featureMapsRequested.connect(trainer.request_feature_maps)
            for _ in range(5):
                app.processEvents()  # the first paint is not part of training
        loop = QEventLoop()
        bridge.event.connect(lambda e: loop.quit() if isinstance(e, TrainingFinished) else None)

        def observe(event: object) -> None:
            if isinstance(event, EpochEnded):
                rates.append(event.samples_per_second)
            bridge.event.emit(event)

        trainer.add_observer(observe)
        worker = threading.Thread(target=trainer.run)
        cpu, wall = time.thread_time(), time.perf_counter()
        worker.start()
        loop.exec()
        worker.join()
        busy = (time.thread_time() - cpu) / (time.perf_counter() - wall)
        if dashboard is not None:
            dashboard.close()
            dashboard.deleteLater()
        return statistics.mean(rates), busy

    ratios = []
    for index in range(args.trials):
        if index % 2 == 0:  # ABBA order, so drifting machine load does not favour one side
            (with_views, busy), (without, _) = trial(True), trial(False)
        else:
            (without, _), (with_views, busy) = trial(False), trial(True)
        ratios.append(with_views / without)
        print(
            f"trial {index}: views {with_views:,.0f} samples/s, none {without:,.0f} samples/s, "
            f"ratio {ratios[-1]:.3f}, GUI thread busy {100 * busy:.1f} %",
            flush=True,
        )
    print(
        f"median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {args.trials} trials)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
