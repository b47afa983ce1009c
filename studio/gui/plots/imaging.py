"""numpy images to Qt images, and feature-map mosaics, all built with numpy in one pass."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

MOSAIC_GAP = 1
GAP_RGB = (40, 40, 40)


def to_display(image: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A sample as a displayable uint8 array: (H, W) gray or (H, W, 3) colour.

    ``image`` is (C, H, W), a (C, L) signal or flat (F,); the last two are reshaped
    with ``shape`` when it fits, else a flat one is shown as a near-square block.
    Float images are taken on the 0..1 scale.
    """
    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = np.clip(np.nan_to_num(array.astype(np.float32)) * 255.0 + 0.5, 0, 255).astype(
            np.uint8
        )
    if array.ndim <= 2 and shape is not None and len(shape) == 3 and math.prod(shape) == array.size:
        array = array.reshape(shape)  # a flat vector or a (C, L) signal read from an image
    if array.ndim == 1:
        side = math.ceil(math.sqrt(array.size))
        padded = np.zeros(side * side, dtype=np.uint8)
        padded[: array.size] = array
        return padded.reshape(side, side)
    if array.ndim == 2:
        return np.ascontiguousarray(array)
    if array.shape[0] == 3:
        return np.ascontiguousarray(array.transpose(1, 2, 0))
    return np.ascontiguousarray(array[0])


def to_qimage(array: np.ndarray) -> QImage:
    """A (H, W) or (H, W, 3) uint8 array as a QImage that owns its pixels."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    height, width = array.shape[:2]
    if array.ndim == 2:
        image = QImage(array.data, width, height, array.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(array.data, width, height, array.strides[0], QImage.Format.Format_RGB888)
    return image.copy()


def to_pixmap(array: np.ndarray, size: int) -> QPixmap:
    """Scaled up with nearest-neighbour so that 28×28 digits stay crisp."""
    image = to_qimage(array)
    return QPixmap.fromImage(
        image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
    )


def qimage_to_array(image: QImage, gray: bool) -> np.ndarray:
    """A QImage as uint8 (H, W) when ``gray`` else (H, W, 3)."""
    fmt = QImage.Format.Format_Grayscale8 if gray else QImage.Format.Format_RGB888
    converted = image.convertToFormat(fmt)
    height, width = converted.height(), converted.width()
    channels = 1 if gray else 3
    buffer = np.frombuffer(converted.constBits(), dtype=np.uint8, count=converted.sizeInBytes())
    rows = buffer.reshape(height, converted.bytesPerLine())[:, : width * channels]
    return rows.reshape((height, width) if gray else (height, width, 3)).copy()


def grid_shape(count: int) -> tuple[int, int]:
    """Rows and columns of a near-square grid holding ``count`` tiles, wider than tall."""
    if count <= 0:
        return 0, 0
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    return rows, cols


def normalise_channels(maps: np.ndarray, shared: bool) -> np.ndarray:
    """Scale (C, H, W) activations to 0..1, per channel or over the whole layer."""
    maps = np.nan_to_num(np.asarray(maps, dtype=np.float32))
    if shared:
        low = np.full((maps.shape[0], 1, 1), maps.min(), dtype=np.float32)
        high = np.full((maps.shape[0], 1, 1), maps.max(), dtype=np.float32)
    else:
        low = maps.min(axis=(1, 2), keepdims=True)
        high = maps.max(axis=(1, 2), keepdims=True)
    span = high - low
    span[span <= 0] = 1.0
    return (maps - low) / span


def mosaic(
    maps: np.ndarray, lut: np.ndarray, shared_scale: bool = False, gap: int = MOSAIC_GAP
) -> tuple[np.ndarray, int, int]:
    """All channels of a (C, H, W) activation as one RGB image of tiles in a grid.

    Returns the (rows·(H+gap)-gap, cols·(W+gap)-gap, 3) uint8 image, rows and cols.
    """
    channels, height, width = maps.shape
    rows, cols = grid_shape(channels)
    index = (normalise_channels(maps, shared_scale) * 255.0 + 0.5).astype(np.uint8)
    tiles = lut[index]  # (C, H, W, 3)
    canvas = np.empty((rows * cols, height + gap, width + gap, 3), dtype=np.uint8)
    canvas[:] = GAP_RGB
    canvas[:channels, :height, :width] = tiles
    canvas = canvas.reshape(rows, cols, height + gap, width + gap, 3)
    canvas = canvas.transpose(0, 2, 1, 3, 4).reshape(rows * (height + gap), cols * (width + gap), 3)
    return (
        np.ascontiguousarray(canvas[: canvas.shape[0] - gap, : canvas.shape[1] - gap]),
        rows,
        cols,
    )
