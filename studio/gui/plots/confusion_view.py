"""The confusion matrix as a heat map with counts; a click on a cell shows its validation images."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.image_grid import ImageGridDialog, Tile
from studio.gui.plots.state import DashboardState, PredictionError
from studio.gui.plots.text_layer import Label, TextLayer
from studio.gui.plots.view_base import DashboardView

MAX_CELL_TEXT_CLASSES = 25
MAX_CELL_IMAGES = 200
COLOUR_MAP = "viridis"
ZERO_TEXT = "#6a6a8a"


def row_shares(counts: np.ndarray) -> np.ndarray:
    """Each row divided by its total: the share of a true class given to each prediction."""
    totals = counts.sum(axis=1, keepdims=True).astype(np.float64)
    return np.divide(counts, totals, out=np.zeros(counts.shape, dtype=np.float64), where=totals > 0)


class ConfusionView(DashboardView):
    cellClicked = Signal(int, int)
    """(true class, predicted class) of a clicked cell."""

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "confusionMatrixView", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Confusion matrix"))
        self.plot: pg.PlotItem = self.graphics.addPlot()
        style.style_plot(
            self.plot,
            self.tr("Confusion matrix"),
            self.tr("True class"),
            self.tr("Predicted class"),
        )
        self.plot.showGrid(x=False, y=False)
        self.plot.invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.cell_text = TextLayer(style.label_font(11))
        self.plot.addItem(self.cell_text)
        self.counts: np.ndarray | None = None
        self.epoch: int | None = None
        self._classes: list[str] = []

        self.percent_box = QCheckBox(self.tr("Show percentages of each true class"))
        self.percent_box.setAccessibleName(self.tr("Show percentages of each true class"))
        self.percent_box.toggled.connect(self._redraw_now)
        self.info = QLabel(self.tr("Click a cell to see its validation images."))
        self.info.setAccessibleName(self.tr("Confusion matrix cell under the pointer"))
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        row.addWidget(self.percent_box)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics, 1)
        box.addLayout(row)

        self.dialog: ImageGridDialog | None = None
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.cellClicked.connect(self.show_cell)

    def export_scene(self):
        return self.graphics.scene()

    def _redraw_now(self) -> None:
        self.mark_dirty()
        self.refresh_if_dirty(force=True)

    # --- drawing ------------------------------------------------------------------

    def redraw(self) -> None:
        run = self.state.store.current
        if run is None or run.confusion is None:
            return
        counts = np.asarray(run.confusion, dtype=np.int64)
        size = counts.shape[0]
        classes = list(run.classes) if len(run.classes) == size else [str(i) for i in range(size)]
        self.counts = counts
        self.epoch = run.epochs[-1].epoch if run.epochs else None
        self._set_classes(classes)
        shares = row_shares(counts)
        lut = style.colour_lut(COLOUR_MAP)
        # The square root lifts the few mistakes off the dark end, where they would vanish.
        rgb = lut[(np.sqrt(shares) * 255.0 + 0.5).astype(np.uint8)]
        self.image.setImage(rgb, autoLevels=False, levels=(0, 255))
        self.image.setRect(0, 0, size, size)
        percent = self.percent_box.isChecked()
        labels = []
        if size <= MAX_CELL_TEXT_CLASSES:
            zero_colour = QColor(ZERO_TEXT)
            for i in range(size):
                for j in range(size):
                    text = f"{100.0 * shares[i, j]:.0f}" if percent else str(int(counts[i, j]))
                    zero = counts[i, j] == 0
                    colour = zero_colour if zero else style.text_colour_for(rgb[i, j])
                    labels.append(Label(j + 0.5, i + 0.5, text, colour))
        self.cell_text.set_labels(labels)
        if self.epoch is not None:
            self.plot.setTitle(
                self.tr("Confusion matrix, epoch {epoch}").format(epoch=self.epoch),
                color=style.FOREGROUND,
                size=f"{style.TEXT_PT + 1}pt",
            )

    def _set_classes(self, classes: list[str]) -> None:
        """Axis names and the cell font, set again only when the classes change."""
        if classes == self._classes:
            return
        self._classes = classes
        size = len(classes)
        ticks = [(i + 0.5, name) for i, name in enumerate(classes)]
        self.plot.getAxis("bottom").setTicks([ticks])
        self.plot.getAxis("left").setTicks([ticks])
        self.cell_text.set_font(style.label_font(11 if size <= 10 else 9 if size <= 15 else 7))
        self.plot.setRange(xRange=(0, size), yRange=(0, size), padding=0.02)

    # --- pointing -----------------------------------------------------------------

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(true, predicted) of the cell under a scene position, or None outside the matrix."""
        if self.counts is None:
            return None
        point = self.plot.vb.mapSceneToView(scene_pos)
        size = self.counts.shape[0]
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        if 0 <= row < size and 0 <= col < size:
            return row, col
        return None

    def cell_scene_pos(self, true_class: int, predicted: int) -> QPointF:
        """The scene position of a cell's centre (for tests and keyboard users)."""
        return self.plot.vb.mapViewToScene(QPointF(predicted + 0.5, true_class + 0.5))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        cell = self.cell_at(scene_pos)
        if cell is None or self.counts is None:
            return
        i, j = cell
        total = int(self.counts[i].sum())
        share = 100.0 * self.counts[i, j] / total if total else 0.0
        self.info.setText(
            self.tr(
                "True {true}, predicted {predicted}: {count} images ({share:.1f} % of {true}). "
                "Click to see them."
            ).format(
                true=self._classes[i],
                predicted=self._classes[j],
                count=int(self.counts[i, j]),
                share=share,
            )
        )

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            event.accept()
            self.cellClicked.emit(*cell)

    # --- the images of a cell -------------------------------------------------------

    def cell_indices(self, true_class: int, predicted: int) -> np.ndarray:
        """Validation indices whose label is ``true_class`` and prediction ``predicted``."""
        validation = self.state.validation
        predictions = self.state.validation_predictions()
        if validation is None or predictions is None:
            return np.zeros(0, dtype=np.int64)
        labels = np.asarray(validation.labels)
        mask = (labels == true_class) & (predictions.predicted == predicted)
        return np.flatnonzero(mask)

    def show_cell(self, true_class: int, predicted: int) -> int:
        """Open (or refill) the window of this cell's images; return how many images it lists."""
        if self.dialog is None:
            self.dialog = ImageGridDialog(self)
        names = self._classes
        true_name = names[true_class] if true_class < len(names) else str(true_class)
        predicted_name = names[predicted] if predicted < len(names) else str(predicted)
        title = self.tr("True {true}, predicted {predicted}").format(
            true=true_name, predicted=predicted_name
        )
        validation = self.state.validation
        try:
            indices = self.cell_indices(true_class, predicted)
        except PredictionError as error:
            self.dialog.show_tiles(title, error.message, [])
            return 0
        if validation is None:
            summary = self.tr("The validation images are not loaded yet.")
            self.dialog.show_tiles(title, summary, [])
            return 0
        shown = indices[:MAX_CELL_IMAGES]
        if len(indices) == 0:
            summary = self.tr("No validation image of {true} was predicted as {predicted}.")
        elif len(shown) < len(indices):
            summary = self.tr(
                "{count} images of {true} were predicted as {predicted}; "
                "the first {shown} are shown."
            )
        else:
            summary = self.tr("{count} images of {true} were predicted as {predicted}.")
        summary = summary.format(
            count=len(indices), shown=len(shown), true=true_name, predicted=predicted_name
        )
        expected = int(self.counts[true_class, predicted]) if self.counts is not None else None
        if expected is not None and expected != len(indices):
            summary += " " + self.tr(
                "The model has changed since this matrix was made; the images listed are "
                "those the current model puts in this cell."
            )
        correct = true_class == predicted
        tiles = [
            Tile(
                validation.display(int(i)),
                f"#{int(i)}",
                self.tr("Validation image {index}").format(index=int(i)),
                correct,
                int(i),
            )
            for i in shown
        ]
        self.dialog.show_tiles(title, summary, tiles)
        return len(shown)
