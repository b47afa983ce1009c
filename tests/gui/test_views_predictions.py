"""The predictions tab: mistakes first, and a person's own image (drawn or opened) classified."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from studio.gui.plots import TrainingDashboard
from studio.gui.plots.draw_canvas import centre_digit
from studio.gui.plots.prediction_view import as_probabilities

K = 10


@pytest.fixture
def dashboard(qtbot) -> TrainingDashboard:
    widget = TrainingDashboard()
    qtbot.addWidget(widget)
    return widget


class RecordingPredictor:
    """Says class ``answer`` for everything, and remembers the shapes it was given."""

    def __init__(self, answer: int = 3) -> None:
        self.answer = answer
        self.shapes: list[tuple[int, ...]] = []

    def __call__(self, images: np.ndarray) -> np.ndarray:
        self.shapes.append(images.shape)
        assert images.dtype == np.uint8
        probabilities = np.full((images.shape[0], K), 0.02)
        probabilities[:, self.answer] = 0.82
        return probabilities


def _validation(n: int = 40, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (n, 1, size, size), dtype=np.uint8)
    labels = np.arange(n) % K
    return images, labels


def test_gallery_lists_the_misclassified_images_first(dashboard):
    images, labels = _validation()
    dashboard.set_validation_data(images, labels, [str(i) for i in range(K)], (1, 28, 28))
    dashboard.set_predictor(RecordingPredictor(answer=3))
    view = dashboard.prediction_view
    view.refresh_gallery()
    shown = view.gallery.shown_indices()
    wrong = [i for i in range(len(labels)) if labels[i] != 3]
    assert shown[: len(wrong)] == wrong
    assert sorted(shown[len(wrong) :]) == [i for i in range(len(labels)) if labels[i] == 3]
    assert "36 of 40" in view.gallery_summary.text()


def test_a_drawn_digit_is_fitted_like_the_training_data_and_classified(dashboard):
    images, labels = _validation(size=32)  # LeNet-5: 28×28 digits padded to 32×32
    dashboard.set_validation_data(images, labels, [str(i) for i in range(K)], (1, 28, 28))
    predictor = RecordingPredictor(answer=7)
    dashboard.set_predictor(predictor)
    view = dashboard.prediction_view
    assert not view.canvas.isHidden()
    view.canvas.stroke([(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])
    assert predictor.shapes[-1] == (1, 1, 32, 32)
    assert view.own_input.shape == (1, 32, 32)
    assert not view.own_input[:, :2].any() and not view.own_input[:, -2:].any()  # padded
    widths = view.probability_bars.opts["width"]
    assert len(widths) == K and int(np.argmax(widths)) == 7
    assert widths[7] == pytest.approx(82.0)
    assert "7" in view.result.text()
    view.canvas.clear()
    assert view.own_input is None


def test_an_opened_photo_of_a_dark_digit_on_paper_is_inverted(dashboard, tmp_path):
    images, labels = _validation(size=28)
    dashboard.set_validation_data(images, labels, [str(i) for i in range(K)], (1, 28, 28))
    dashboard.set_predictor(RecordingPredictor(answer=1))
    photo = QImage(120, 90, QImage.Format.Format_RGB32)
    photo.fill(QColor("white"))
    painter = QPainter(photo)
    painter.setPen(QPen(QColor("black"), 9))
    painter.drawLine(60, 10, 60, 80)
    painter.end()
    path = tmp_path / "one.png"
    assert photo.save(str(path))
    probabilities = dashboard.prediction_view.load_image_file(path)
    assert probabilities is not None and int(np.argmax(probabilities)) == 1
    seen = dashboard.prediction_view.own_input
    assert seen.shape == (1, 28, 28)
    assert seen[0, 14, 14] > 128 and seen[0, 0, 0] == 0  # light stroke on a dark background
    assert "inverted" in dashboard.prediction_view.result.text()


def test_an_unreadable_file_and_a_failing_model_give_sentences_not_tracebacks(dashboard, tmp_path):
    images, labels = _validation()
    dashboard.set_validation_data(images, labels, [str(i) for i in range(K)], (1, 28, 28))
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    view = dashboard.prediction_view
    assert view.load_image_file(bad) is None
    assert "Could not read" in view.result.text()

    def broken(_images: np.ndarray) -> np.ndarray:
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (1x400 and 256x120)")

    dashboard.set_predictor(broken)
    view.canvas.stroke([(0.5, 0.2), (0.5, 0.8)])
    assert "could not classify" in view.result.text()
    view.refresh_gallery()
    assert "could not classify" in view.gallery_summary.text()


def test_logits_are_turned_into_probabilities():
    probabilities = as_probabilities(np.array([[2.0, -1.0, 0.5]]))
    assert probabilities.sum() == pytest.approx(1.0)
    assert int(np.argmax(probabilities)) == 0
    ready = np.array([[0.2, 0.8]])
    assert np.array_equal(as_probabilities(ready), ready)


def test_centring_puts_the_strokes_in_a_20_pixel_box_in_the_middle():
    canvas = np.zeros((280, 280), dtype=np.uint8)
    canvas[10:60, 200:220] = 255  # a short bar in the top-right corner
    digit = centre_digit(canvas, 28, 28)
    rows, cols = np.nonzero(digit)
    assert rows.max() - rows.min() + 1 <= 20
    assert abs(rows.mean() - 13.5) < 1.5 and abs(cols.mean() - 13.5) < 1.5
