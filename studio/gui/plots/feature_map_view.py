"""What each layer makes of one probe image: every channel as a tile, the input beside it.

A FeatureMaps event holds all layers, so switching layers redraws from memory
at once; a new probe image is asked for with ``probeRequested``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.registry import format_shape
from studio.core.training.events import FeatureMaps
from studio.gui.plots import style
from studio.gui.plots.imaging import MOSAIC_GAP, mosaic, to_display
from studio.gui.plots.state import DashboardState
from studio.gui.plots.view_base import DashboardView

COLOUR_MAP = "viridis"


def _image_box(graphics: pg.GraphicsLayoutWidget, title: str) -> tuple[pg.ViewBox, pg.ImageItem]:
    graphics.addLabel(title, row=0, col=0, color=style.FOREGROUND, size=f"{style.TEXT_PT}pt")
    box = graphics.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMouse=False)
    image = pg.ImageItem(axisOrder="row-major")
    box.addItem(image)
    return box, image


class FeatureMapView(DashboardView):
    probeRequested = Signal(int)

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "featureMapView", parent)
        self.layer_combo = QComboBox()
        self.layer_combo.setObjectName("featureLayerCombo")
        self.layer_combo.setAccessibleName(self.tr("Layer to show"))
        self.layer_combo.setMinimumContentsLength(22)
        self.layer_combo.currentIndexChanged.connect(self._draw_layer)
        self.probe_spin = QSpinBox()
        self.probe_spin.setObjectName("probeSpin")
        self.probe_spin.setAccessibleName(self.tr("Validation image to probe"))
        self.probe_spin.setKeyboardTracking(False)
        self.probe_spin.setPrefix("#")
        self.probe_spin.valueChanged.connect(self._on_probe_changed)
        self.probe_class = QLabel()
        self.shared_box = QCheckBox(self.tr("One colour scale for all channels"))
        self.shared_box.setAccessibleName(self.tr("One colour scale for all channels"))
        self.shared_box.toggled.connect(self._draw_layer)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Layer:")))
        controls.addWidget(self.layer_combo)
        controls.addSpacing(16)
        controls.addWidget(QLabel(self.tr("Validation image:")))
        controls.addWidget(self.probe_spin)
        controls.addWidget(self.probe_class)
        controls.addStretch(1)
        shared_row = QHBoxLayout()  # its own row, so the view fits a laptop screen
        shared_row.addWidget(self.shared_box)
        shared_row.addStretch(1)

        self.input_graphics = style.new_graphics()
        self.input_graphics.setFixedWidth(190)
        self.input_box, self.input_image = _image_box(self.input_graphics, self.tr("Input"))
        self.input_graphics.setAccessibleName(self.tr("Probe image"))

        self.map_graphics = style.new_graphics()
        self.map_graphics.setAccessibleName(self.tr("Feature maps of the chosen layer"))
        self.map_title = self.map_graphics.addLabel(
            "", row=0, col=0, color=style.FOREGROUND, size=f"{style.TEXT_PT}pt"
        )
        self.map_box = self.map_graphics.addViewBox(
            row=1, col=0, lockAspect=True, invertY=True, enableMouse=False
        )
        self.map_image = pg.ImageItem(axisOrder="row-major")
        self.map_box.addItem(self.map_image)
        self.map_graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.bar_graphics = style.new_graphics()
        self.bar_plot: pg.PlotItem = self.bar_graphics.addPlot()
        style.style_plot(self.bar_plot, "", self.tr("Activation"), self.tr("Feature"))
        self.bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.8, brush=style.TRAIN)
        self.bar_plot.addItem(self.bars)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.map_graphics)
        self.stack.addWidget(self.bar_graphics)

        self.caption = QLabel(self.tr("The feature maps appear during training."))
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName(self.tr("Feature map description"))
        pictures = QHBoxLayout()
        pictures.setSpacing(0)
        pictures.addWidget(self.input_graphics)
        pictures.addWidget(self.stack, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(controls)
        box.addLayout(shared_row)
        box.addLayout(pictures, 1)
        box.addWidget(self.caption)

        self.shown: FeatureMaps | None = None
        self.pending_probe: int | None = None
        self._layers: list[int] = []
        self._names: list[str] = []
        self._activation: np.ndarray | None = None
        self._grid = (0, 0)
        self._tile_shape = (0, 0)

    # --- public -------------------------------------------------------------------

    def tile_count(self) -> int:
        """Tiles (channels) or bars (features) of the layer on screen."""
        if self._activation is None:
            return 0
        return int(self._activation.shape[0])

    def current_layer(self) -> int | None:
        data = self.layer_combo.currentData()
        return None if data is None else int(data)

    def set_layer(self, layer_index: int) -> None:
        position = self.layer_combo.findData(layer_index)
        if position >= 0:
            self.layer_combo.setCurrentIndex(position)

    def validation_changed(self) -> None:
        validation = self.state.validation
        with QSignalBlocker(self.probe_spin):
            self.probe_spin.setRange(0, max(0, len(validation) - 1) if validation else 0)
        self._show_probe_preview(self.probe_spin.value())

    def request_probe(self, index: int) -> None:
        self.probe_spin.setValue(index)

    # --- events -------------------------------------------------------------------

    def _on_probe_changed(self, index: int) -> None:
        self.pending_probe = index
        self._show_probe_preview(index)
        self.caption.setText(
            self.tr("Waiting for the feature maps of validation image #{index}…").format(
                index=index
            )
        )
        self.probeRequested.emit(index)

    def _show_probe_preview(self, index: int) -> None:
        validation = self.state.validation
        if validation is None or not 0 <= index < len(validation):
            self.probe_class.setText("")
            return
        self.input_image.setImage(validation.display(index), autoLevels=False, levels=(0, 255))
        self.input_box.autoRange(padding=0.02)
        label = int(validation.labels[index])
        self.probe_class.setText(self.tr("class {name}").format(name=validation.class_name(label)))

    def redraw(self) -> None:
        names = list(self.state.layer_names)
        event = self.state.feature_maps
        if event is None:
            return
        if self.pending_probe is not None and event.probe_index != self.pending_probe:
            if self.shown is None:
                return
            event = self.shown  # keep the old maps until the asked-for probe arrives
        else:
            self.pending_probe = None
        layers = sorted(int(k) for k in event.maps)
        if layers != self._layers or names != self._names:
            self._fill_layer_combo(event, layers, names)
        self.shown = event
        if self.pending_probe is None and self.probe_spin.value() != event.probe_index:
            with QSignalBlocker(self.probe_spin):
                if self.probe_spin.maximum() < event.probe_index:
                    self.probe_spin.setMaximum(event.probe_index)
                self.probe_spin.setValue(event.probe_index)
        image = to_display(event.image)
        self.input_image.setImage(image, autoLevels=False, levels=(0, 255))
        self.input_box.autoRange(padding=0.02)
        validation = self.state.validation
        if validation is not None and 0 <= event.probe_index < len(validation):
            label = int(validation.labels[event.probe_index])
            self.probe_class.setText(
                self.tr("class {name}").format(name=validation.class_name(label))
            )
        self._draw_layer()

    def _layer_label(self, layer: int, activation: np.ndarray) -> str:
        names = self.state.layer_names
        if 0 <= layer < len(names) and names[layer]:
            return names[layer]
        return self.tr("Layer {index} · {shape}").format(
            index=layer, shape=format_shape(tuple(activation.shape))
        )

    def _fill_layer_combo(self, event: FeatureMaps, layers: list[int], names: list[str]) -> None:
        keep = self.current_layer()
        with QSignalBlocker(self.layer_combo):
            self.layer_combo.clear()
            for layer in layers:
                self.layer_combo.addItem(self._layer_label(layer, event.maps[layer]), layer)
            position = self.layer_combo.findData(keep) if keep is not None else -1
            self.layer_combo.setCurrentIndex(max(position, 0))
        self._layers = layers
        self._names = names

    def _draw_layer(self) -> None:
        """Draw the chosen layer of the maps on screen: instant, from memory."""
        event = self.shown
        layer = self.current_layer()
        if event is None or layer is None or layer not in event.maps:
            return
        activation = np.asarray(event.maps[layer], dtype=np.float32)
        if activation.ndim == 2:
            activation = activation[:, None, :]
        elif activation.ndim not in (1, 3):
            activation = activation.reshape(-1)
        self._activation = activation
        label = self._layer_label(layer, activation)
        where = (
            self.tr("epoch {epoch}, step {step}").format(epoch=event.epoch, step=event.global_step)
            if event.global_step > 0
            else self.tr("the trained model")
        )
        if activation.ndim == 1:
            self.stack.setCurrentWidget(self.bar_graphics)
            x = np.arange(activation.shape[0], dtype=np.float64)
            self.bars.setOpts(x=x, height=activation.astype(np.float64), width=0.8)
            self.bar_plot.setTitle(label, color=style.FOREGROUND, size=f"{style.TEXT_PT}pt")
            self.bar_plot.autoRange()
            self.caption.setText(
                self.tr("{label}: {count} values, one bar each ({where}).").format(
                    label=label, count=activation.shape[0], where=where
                )
                + " "
                + self._probe_text(event.probe_index)
            )
            return
        self.stack.setCurrentWidget(self.map_graphics)
        shared = self.shared_box.isChecked()
        rgb, rows, cols = mosaic(activation, style.colour_lut(COLOUR_MAP), shared)
        previous = self.map_image.image.shape if self.map_image.image is not None else None
        self.map_image.setImage(rgb, autoLevels=False, levels=(0, 255))
        if previous != rgb.shape:
            self.map_box.autoRange(padding=0.01)
        self._grid = (rows, cols)
        self._tile_shape = activation.shape[1:]
        self.map_title.setText(label)
        scale = (
            self.tr("all on one scale")
            if shared
            else self.tr("each tile from its own lowest (dark) to highest (yellow) value")
        )
        self.caption.setText(
            self.tr("{label}: {count} channels, one tile each, coloured {scale} ({where}).").format(
                label=label, count=activation.shape[0], scale=scale, where=where
            )
            + " "
            + self._probe_text(event.probe_index)
        )

    def _probe_text(self, index: int) -> str:
        """Which image the maps are of: a validation image, or (index -1) the person's own."""
        if index < 0:
            return self.tr("Your own image, from the Predictions tab.")
        return self.tr("Validation image #{index}.").format(index=index)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self._activation is None or self._activation.ndim != 3:
            return
        point = self.map_box.mapSceneToView(scene_pos)
        height, width = self._tile_shape
        col = int(point.x() // (width + MOSAIC_GAP))
        row = int(point.y() // (height + MOSAIC_GAP))
        rows, cols = self._grid
        channel = row * cols + col
        if not (0 <= row < rows and 0 <= col < cols and channel < self._activation.shape[0]):
            return
        values = self._activation[channel]
        self.map_graphics.setToolTip(
            self.tr("Channel {channel}: lowest {low:.3g}, highest {high:.3g}").format(
                channel=channel, low=float(values.min()), high=float(values.max())
            )
        )
