"""What the model says: validation images with predicted and true labels (mistakes first),
and a panel where a person tries an image of their own (opened, dropped or drawn).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontMetrics, QImage, QImageReader
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import StudioError
from studio.gui.i18n import error_text, translate_message
from studio.gui.plots import style
from studio.gui.plots.draw_canvas import DrawCanvas, centre_digit
from studio.gui.plots.image_grid import ImageGrid, Tile
from studio.gui.plots.imaging import qimage_to_array, to_display, to_pixmap
from studio.gui.plots.state import DashboardState, PredictionError, ValidationSet
from studio.gui.plots.view_base import DashboardView

log = logging.getLogger(__name__)

GALLERY_SIZE = 60
TOP = 3
AXIS_MARGIN = 36
"""Pixels beside the class names for the tick marks and the rotated axis title."""
"""Classes named in the result line, as ``studio predict`` prints them."""
LIGHT_BACKGROUND = 127


class ImageFileError(StudioError):
    """A dropped or opened file is not a readable image."""


def as_probabilities(scores: np.ndarray) -> np.ndarray:
    """Rows that already are probabilities pass through; logits get a softmax."""
    scores = np.asarray(scores, dtype=np.float64)
    sums = scores.sum(axis=-1)
    if np.all(scores >= 0) and np.allclose(sums, 1.0, atol=1e-3):
        return scores
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def fit_to_input(image: np.ndarray, validation: ValidationSet) -> np.ndarray:
    """One (C, h, w) uint8 image fitted to the network's input the way the training data was."""
    if tuple(image.shape) == validation.input_shape:
        return image
    import torch  # deferred: loaded already when a model exists, costly otherwise

    from studio.core.data.adapt import adapt_images

    adapted, _notes = adapt_images(
        torch.from_numpy(np.ascontiguousarray(image))[None], validation.input_shape, "Your"
    )
    return adapted[0].numpy()


def read_image_file(
    path: str | Path, channels: int, height: int, width: int
) -> tuple[np.ndarray, bool]:
    """An image file as uint8 (channels, height, width); for gray, light backgrounds get inverted.

    Returns the image and whether it was inverted.
    """
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise ImageFileError(
            "Could not read {path} as an image ({reason}). Choose a PNG, JPEG or BMP file.",
            path=str(path),
            reason=reader.errorString(),
        )
    if channels != 1:
        scaled = image.scaled(
            width,
            height,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        return qimage_to_array(scaled, gray=False).transpose(2, 0, 1).copy(), False
    gray = qimage_to_array(image.convertToFormat(QImage.Format.Format_Grayscale8), gray=True)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    inverted = float(border.mean()) > LIGHT_BACKGROUND
    if inverted:
        gray = 255 - gray
    threshold = int(0.35 * int(gray.max())) if inverted else 0
    return centre_digit(gray, height, width, threshold)[None], inverted


class PredictionView(DashboardView):
    ownImageReady = Signal(object)
    """The person's image as the network takes it (uint8 ndarray), once it was classified."""

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "predictionView", parent)
        self.setAcceptDrops(True)

        self.gallery = ImageGrid(64)
        self.gallery.setObjectName("predictionGallery")
        self.gallery.setAccessibleName(self.tr("Validation images with their predictions"))
        self.gallery_summary = QLabel(self.tr("Predictions appear after the first epoch."))
        self.gallery_summary.setWordWrap(True)
        refresh = self.refresh_button = QPushButton(self.tr("Refresh"))
        refresh.setObjectName("refreshPredictionsButton")
        refresh.setAccessibleName(self.tr("Refresh the predictions"))
        refresh.clicked.connect(self.refresh_gallery)
        gallery_box = QGroupBox(self.tr("Validation images, mistakes first"))
        top = QHBoxLayout()  # the summary wraps on its own row, so it is never clipped
        top.addStretch(1)
        top.addWidget(refresh)
        left = QVBoxLayout(gallery_box)
        left.addWidget(self.gallery_summary)
        left.addLayout(top)
        left.addWidget(self.gallery, 1)

        self.canvas = DrawCanvas()
        self.canvas.drawn.connect(self._on_drawn)
        self.open_button = QPushButton(self.tr("Open image…"))
        self.open_button.setAccessibleName(self.tr("Open an image file to classify"))
        self.open_button.clicked.connect(self._open_dialog)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setAccessibleName(self.tr("Clear the drawing"))
        self.clear_button.clicked.connect(self.canvas.clear)
        self.seen = QLabel()
        self.seen.setFixedSize(84, 84)
        self.seen.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seen.setToolTip(self.tr("What the network sees"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName(self.tr("Prediction for your image"))
        self.result.setMinimumHeight(4 * self.result.fontMetrics().lineSpacing())
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._build_probability_plot()

        own_box = QGroupBox(self.tr("Try your own image"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        pictures = QHBoxLayout()
        pictures.addWidget(self.canvas)
        seen_box = QVBoxLayout()
        seen_box.addWidget(QLabel(self.tr("The network sees:")))
        seen_box.addWidget(self.seen)
        seen_box.addStretch(1)
        pictures.addLayout(seen_box)
        pictures.addStretch(1)
        right = QVBoxLayout(own_box)
        right.addWidget(self.hint)
        right.addLayout(pictures)
        right.addLayout(buttons)
        right.addWidget(self.result)
        right.addWidget(self.probability_stack, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(gallery_box)
        splitter.addWidget(own_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(splitter)

        self.own_input: np.ndarray | None = None
        """The person's image as the network takes it, kept to re-ask as the model learns."""
        self.own_probabilities: np.ndarray | None = None
        self.own_top: list[tuple[str, float]] = []
        """The top classes of the person's image, best first, as the result line shows them."""
        self._own_note = ""
        self.validation_changed()

    def _build_probability_plot(self) -> None:
        """The bar chart of the person's image, behind a placeholder until there is one."""
        self.probability_widget = pg.PlotWidget(background=style.BACKGROUND)
        self.probability_widget.setObjectName("probabilityPlot")
        self.probability_widget.setAccessibleName(self.tr("Class probabilities of your image"))
        self.probability_plot: pg.PlotItem = self.probability_widget.getPlotItem()
        style.style_plot(self.probability_plot, "", self.tr("Class"), self.tr("Probability (%)"))
        self.probability_plot.invertY(True)
        self.probability_plot.setXRange(0, 100, padding=0.02)
        self.probability_plot.setMouseEnabled(x=False, y=False)
        self.probability_plot.hideButtons()
        self.probability_plot.showGrid(x=True, y=False, alpha=style.GRID_ALPHA)
        self.probability_bars = pg.BarGraphItem(
            x0=np.zeros(0), y=np.zeros(0), height=0.7, width=np.zeros(0)
        )
        self.probability_plot.addItem(self.probability_bars)
        self.probability_widget.setMinimumHeight(180)
        self.probability_placeholder = QLabel(
            self.tr("The class probabilities of your image appear here.")
        )
        self.probability_placeholder.setObjectName("probabilityPlaceholder")
        self.probability_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.probability_placeholder.setWordWrap(True)
        self.probability_stack = QStackedWidget()
        self.probability_stack.addWidget(self.probability_placeholder)
        self.probability_stack.addWidget(self.probability_widget)

    # --- the gallery ----------------------------------------------------------------

    def redraw(self) -> None:
        self.refresh_gallery()
        if self.own_input is not None:
            self._predict_own()

    def refresh_gallery(self) -> None:
        validation = self.state.validation
        self.refresh_button.setEnabled(validation is not None)  # nothing to refresh without
        if validation is None:
            self.gallery.set_tiles([])
            if self.state.model is not None:
                self.gallery_summary.setText(
                    self.tr("A model file has no validation images; training adds them.")
                )
            else:
                self.gallery_summary.setText(self.tr("The validation images are not loaded yet."))
            return
        try:
            predictions = self.state.validation_predictions()
        except PredictionError as error:
            self.gallery.set_tiles([])
            self.gallery_summary.setText(error_text(error))
            return
        if predictions is None:
            self.gallery.set_tiles([])
            self.gallery_summary.setText(self.tr("Predictions appear after the first epoch."))
            return
        labels = np.asarray(validation.labels, dtype=np.int64)
        predicted = np.asarray(predictions.predicted, dtype=np.int64)
        wrong = np.flatnonzero(predicted != labels)
        right = np.flatnonzero(predicted == labels)
        confidence = None
        if predictions.probabilities is not None:
            confidence = predictions.probabilities[np.arange(len(predicted)), predicted]
            wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
        order = np.concatenate([wrong, right])[:GALLERY_SIZE]
        tiles = []
        for index in order:
            index = int(index)
            truth, guess = int(labels[index]), int(predicted[index])
            caption = self.tr("said: {predicted}\ntrue: {true}").format(
                predicted=validation.class_name(guess), true=validation.class_name(truth)
            )
            tip = self.tr("Validation image #{index}: predicted {predicted}, true {true}").format(
                index=index,
                predicted=validation.class_name(guess),
                true=validation.class_name(truth),
            )
            if confidence is not None:
                tip += self.tr(" ({percent:.0f} % sure)").format(percent=100 * confidence[index])
            tiles.append(Tile(validation.display(index), caption, tip, truth == guess, index))
        self.gallery.set_tiles(tiles)
        epoch = predictions.epoch
        if epoch is None:
            summary = self.tr("{wrong} of {total} validation images are misclassified.")
        else:
            summary = self.tr(
                "{wrong} of {total} validation images are misclassified after epoch {epoch}."
            )
        self.gallery_summary.setText(
            summary.format(wrong=len(wrong), total=len(labels), epoch=epoch)
        )

    # --- your own image ---------------------------------------------------------------

    def validation_changed(self) -> None:
        shape = self._draw_shape()
        can_draw = shape is not None and shape[0] == 1
        self.canvas.setVisible(can_draw)
        self.clear_button.setVisible(can_draw)
        if shape is None:
            self.hint.setText(self.tr("Load a dataset to try your own images."))
        elif can_draw:
            self.hint.setText(
                self.tr(
                    "Draw a digit below, or open or drop an image file here, to see what "
                    "the current model thinks it is."
                )
            )
        else:
            self.hint.setText(
                self.tr(
                    "Open or drop an image file here to see what the current model thinks it is."
                )
            )
        self.own_input = None
        self.mark_dirty()

    def model_changed(self) -> None:
        """A new trained model: without validation images, its own image size applies."""
        if self.state.validation is None:
            self.validation_changed()
        else:
            self.mark_dirty()

    def _draw_shape(self) -> tuple[int, int, int] | None:
        """(C, H, W) at which a person's image is made: the dataset's native size if known,
        else the trained model's image size."""
        validation = self.state.validation
        if validation is None:
            model = self.state.model
            if model is None:
                return None
            try:
                return model.image_shape
            except StudioError:
                return None
        native = validation.native_shape
        if native is not None and len(native) == 3:
            return tuple(int(n) for n in native)  # type: ignore[return-value]
        return validation.image_shape

    def _display_shape(self) -> tuple[int, int, int] | None:
        if self.state.validation is not None:
            return self.state.validation.image_shape
        return self._draw_shape()

    def _class_name(self, index: int) -> str:
        model = self.state.model
        if model is not None and 0 <= index < len(model.classes):
            return model.classes[index]
        if self.state.validation is not None:
            return self.state.validation.class_name(index)
        return str(index)

    def _on_drawn(self) -> None:
        shape = self._draw_shape()
        if shape is None:
            return
        if self.canvas.is_empty():
            self.own_input = None
            self.seen.clear()
            self.result.setText("")
            self._set_bars(None)
            return
        image = self.canvas.to_array(shape[1], shape[2])[None]
        self._own_note = ""
        self.classify(image)

    def load_image_file(self, path: str | Path) -> np.ndarray | None:
        """Read an image file, fit it to the network and show its class probabilities.

        With a trained model the core reads it exactly as ``studio predict`` does.
        """
        model = self.state.model
        if model is not None:
            return self._load_with_model(model, path)
        shape = self._draw_shape()
        if shape is None:
            self.result.setText(self.tr("Load a dataset to try your own images."))
            return None
        try:
            image, inverted = read_image_file(path, shape[0], shape[1], shape[2])
        except StudioError as error:
            self.result.setText(error_text(error))
            return None
        self._own_note = self._inverted_note() if inverted else ""
        return self.classify(image)

    def _inverted_note(self) -> str:
        return self.tr("The colours were inverted to match the training images (light on dark).")

    def _load_with_model(self, model, path: str | Path) -> np.ndarray | None:
        try:
            prepared = model.read_image(path)
        except StudioError as error:
            self.result.setText(error_text(error))
            self._set_bars(None)
            return None
        notes = []
        if prepared.conversion is not None:
            notes.append(
                self.tr("Converted: {conversion}.").format(
                    conversion=translate_message(
                        prepared.conversion.template, prepared.conversion.args
                    )
                )
            )
        if prepared.inverted:
            notes.append(self._inverted_note())
        self._own_note = " ".join(notes)
        return self._show_input(prepared.pixels.numpy())

    def classify(self, image: np.ndarray) -> np.ndarray | None:
        """Probabilities for one (C, h, w) uint8 image at the dataset's size; shows them."""
        model, validation = self.state.model, self.state.validation
        try:
            if model is not None:
                pixels = model.fit(image).numpy()
            elif validation is not None:
                pixels = fit_to_input(image, validation)
            else:
                return None
        except StudioError as error:
            self.result.setText(error_text(error))
            return None
        return self._show_input(pixels)

    def _show_input(self, pixels: np.ndarray) -> np.ndarray | None:
        self.own_input = pixels
        self.seen.setPixmap(to_pixmap(to_display(pixels, self._display_shape()), 84))
        probabilities = self._predict_own()
        if probabilities is not None:
            self.ownImageReady.emit(pixels)
        return probabilities

    def _predict_own(self) -> np.ndarray | None:
        if self.own_input is None:
            return None
        if self.state.predictor is None:
            self.result.setText(self.tr("Train the model (or open a model file) to see its guess."))
            self._set_bars(None)
            return None
        try:
            scores = self.state.predict(self.own_input[None])
        except PredictionError as error:
            self.result.setText(error_text(error))
            self._set_bars(None)
            return None
        probabilities = as_probabilities(scores)[0]
        self._set_bars(probabilities)
        order = np.argsort(-probabilities, kind="stable")[:TOP]
        self.own_top = [(self._class_name(int(i)), float(probabilities[i])) for i in order]
        best_name, best_p = self.own_top[0]
        text = self.tr("The model says {name} ({percent:.1f} % sure).").format(
            name=best_name, percent=100.0 * best_p
        )
        if len(self.own_top) > 1:
            text += " " + self.tr("Next: {others}.").format(
                others=", ".join(f"{name} {100 * p:.1f} %" for name, p in self.own_top[1:])
            )
        if self._own_note:
            text += " " + self._own_note
        self.result.setText(text)
        self.own_probabilities = probabilities
        return probabilities

    def _set_bars(self, probabilities: np.ndarray | None) -> None:
        if probabilities is None:
            self.probability_bars.setOpts(x0=np.zeros(0), y=np.zeros(0), width=np.zeros(0))
            self.own_probabilities = None
            self.probability_stack.setCurrentWidget(self.probability_placeholder)
            return
        self.probability_stack.setCurrentWidget(self.probability_widget)
        count = probabilities.shape[0]
        names = [self._class_name(i) for i in range(count)]
        best = int(np.argmax(probabilities))
        brushes = [pg.mkBrush(style.VAL if i == best else style.TRAIN) for i in range(count)]
        self.probability_bars.setOpts(
            x0=np.zeros(count),
            y=np.arange(count, dtype=np.float64),
            height=0.7,
            width=100.0 * probabilities,
            brushes=brushes,
        )
        axis = self.probability_plot.getAxis("left")
        axis.setTicks([[(float(i), n) for i, n in enumerate(names)]])
        # Room for the longest class name: the cached axis does not widen itself in time.
        metrics = QFontMetrics(axis.style["tickFont"] or self.font())
        axis.setWidth(max(metrics.horizontalAdvance(n) for n in names) + AXIS_MARGIN)
        self.probability_plot.setYRange(-0.6, count - 0.4, padding=0)
        self.probability_plot.setXRange(0, 100, padding=0.02)

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open an image"),
            "",
            self.tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"),
        )
        if path:
            self.load_image_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.load_image_file(url.toLocalFile())
                event.acceptProposedAction()
                return
