"""Dataset, optimizer and run settings, with Train / Pause / Stop and the progress bar.

Each control is bound both ways to the project's settings: edits become undoable
``set_setting`` calls on the document, and the controls are re-synced (with their
signals blocked) whenever the document changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.document import ProjectDocument
from studio.gui.widgets.property_editor import signals_blocked
from studio.gui.widgets.steady_label import SteadyLabel


def _fmt_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TrainingPanel(QWidget):
    """Settings for the run and its controls. It shows progress; it does not train."""

    trainClicked = Signal()
    pauseToggled = Signal(bool)
    stopClicked = Signal()

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._bindings: list[tuple[QWidget, Callable[[], Any], Callable[[Any], None]]] = []
        outer = QVBoxLayout(self)

        data_box = QGroupBox(self.tr("Data"), self)
        data_form = QFormLayout(data_box)
        row = QHBoxLayout()
        self.dataset_combo = self._combo(
            "datasetCombo",
            self.tr("Dataset"),
            [
                ("mnist-sample", self.tr("MNIST sample (bundled, 5,000 digits)")),
                ("mnist", self.tr("MNIST (download)")),
                ("fashion-mnist", self.tr("Fashion-MNIST (download)")),
                ("cifar10", self.tr("CIFAR-10 (download)")),
                ("image-folder", self.tr("Image folder…")),
            ],
            "dataset",
            "name",
        )
        row.addWidget(self.dataset_combo, 1)
        self.folder_button = QToolButton(self)
        self.folder_button.setObjectName("datasetFolderButton")
        self.folder_button.setText("…")
        self.folder_button.setToolTip(
            self.tr("Choose an image folder with one sub-folder per class")
        )
        self.folder_button.setAccessibleName(self.tr("Choose image folder"))
        self.folder_button.clicked.connect(self.choose_folder)
        row.addWidget(self.folder_button)
        data_form.addRow(self.tr("Dataset"), row)
        self.folder_label = QLabel(self)
        self.folder_label.setObjectName("datasetFolderLabel")
        self.folder_label.setWordWrap(True)
        data_form.addRow(self.folder_label)
        self.dataset_combo.activated.connect(self._on_dataset_activated)
        augment = QHBoxLayout()
        self.flip_check = self._check(
            "augmentFlipCheck", self.tr("Random flips"), "dataset", "augment_flip"
        )
        self.crop_check = self._check(
            "augmentCropCheck", self.tr("Random crops"), "dataset", "augment_crop"
        )
        augment.addWidget(self.flip_check)
        augment.addWidget(self.crop_check)
        data_form.addRow(self.tr("Augment"), augment)
        outer.addWidget(data_box)

        opt_box = QGroupBox(self.tr("Training"), self)
        grid = QGridLayout(opt_box)
        self.optimizer_combo = self._combo(
            "optimizerCombo",
            self.tr("Optimizer"),
            [("sgd", "SGD"), ("adam", "Adam"), ("adamw", "AdamW"), ("rmsprop", "RMSprop"),
             ("adagrad", "Adagrad")],
            "training",
            "optimizer",
        )  # fmt: skip
        self.lr_spin = self._double(
            "learningRateSpin", self.tr("Learning rate"), "lr", 0.00001, 10.0, 5
        )
        self.lr_spin.setToolTip(
            self.tr("Learning rate; with the one-cycle schedule this is the peak rate.")
        )
        self.momentum_spin = self._double(
            "momentumSpin", self.tr("Momentum"), "momentum", 0, 0.999, 3
        )
        self.weight_decay_spin = self._double(
            "weightDecaySpin", self.tr("Weight decay"), "weight_decay", 0, 1.0, 5
        )
        self.schedule_combo = self._combo(
            "scheduleCombo",
            self.tr("Schedule"),
            [("none", self.tr("Constant")), ("step", self.tr("Step")),
             ("cosine", self.tr("Cosine")), ("onecycle", self.tr("One-cycle"))],
            "training",
            "schedule",
        )  # fmt: skip
        self.loss_combo = self._combo(
            "lossCombo",
            self.tr("Loss"),
            [("auto", self.tr("Automatic")), ("cross_entropy", self.tr("Cross-entropy")),
             ("nll", self.tr("NLL (after LogSoftmax)")), ("mse", self.tr("Mean squared error"))],
            "training",
            "loss",
        )  # fmt: skip
        self.init_combo = self._combo(
            "initCombo",
            self.tr("Weight init"),
            [("default", self.tr("PyTorch default")), ("kaiming", "Kaiming"),
             ("xavier", "Xavier"), ("normal", self.tr("Normal"))],
            "training",
            "init",
        )  # fmt: skip
        self.batch_spin = self._int("batchSizeSpin", self.tr("Batch size"), "batch_size", 1, 65536)
        self.epochs_spin = self._int("epochsSpin", self.tr("Epochs"), "epochs", 1, 10000)
        self.seed_spin = self._int("seedSpin", self.tr("Seed"), "seed", 0, 2**31 - 1)
        self.device_combo = QComboBox(self)
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setAccessibleName(self.tr("Device"))
        self.device_combo.addItem(self.tr("Automatic"), "auto")
        self.device_combo.addItem("CPU", "cpu")
        self.device_combo.currentIndexChanged.connect(
            lambda: self._doc.set_setting("training", "device", self.device_combo.currentData())
        )
        self._bindings.append(
            (self.device_combo, lambda: self._doc.project.training.device, self._set_device)
        )
        cells = [
            (self.tr("Optimizer"), self.optimizer_combo),
            (self.tr("Learning rate"), self.lr_spin),
            (self.tr("Momentum"), self.momentum_spin),
            (self.tr("Weight decay"), self.weight_decay_spin),
            (self.tr("Schedule"), self.schedule_combo),
            (self.tr("Loss"), self.loss_combo),
            (self.tr("Batch size"), self.batch_spin),
            (self.tr("Epochs"), self.epochs_spin),
            (self.tr("Weight init"), self.init_combo),
            (self.tr("Seed"), self.seed_spin),
            (self.tr("Device"), self.device_combo),
        ]
        for i, (label, widget) in enumerate(cells):
            r, c = divmod(i, 2)
            text = QLabel(label, self)
            text.setBuddy(widget)
            grid.addWidget(text, r, c * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, r, c * 2 + 1)
        outer.addWidget(opt_box)

        buttons = QHBoxLayout()
        self.train_button = QPushButton(self.tr("&Train"), self)
        self.train_button.setObjectName("trainButton")
        self.train_button.setToolTip(self.tr("Train the network (Ctrl+R)"))
        self.train_button.clicked.connect(self.trainClicked)
        self.pause_button = QPushButton(self.tr("&Pause"), self)
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause)
        self.stop_button = QPushButton(self.tr("&Stop"), self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setToolTip(
            self.tr("Stop after the current batch, keeping what was learned")
        )
        self.stop_button.clicked.connect(self.stopClicked)
        for button in (self.train_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("trainingProgress")
        self.progress.setAccessibleName(self.tr("Training progress"))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Ready"))
        outer.addWidget(self.progress)
        self.progress_label = SteadyLabel(lines=4, parent=self)
        self.progress_label.setObjectName("trainingStatus")
        outer.addWidget(self.progress_label)
        outer.addStretch(1)

        document.settingsChanged.connect(self.sync)
        document.projectReplaced.connect(self.sync)
        self.set_running(False)
        self.sync()

    # --- control factories: each binds one setting both ways ------------------------

    def _combo(self, name, label, items, section, key) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(label)
        for value, text in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(
            lambda: self._doc.set_setting(section, key, combo.currentData())
        )
        self._bindings.append(
            (
                combo,
                lambda: getattr(getattr(self._doc.project, section), key),
                lambda v: combo.setCurrentIndex(max(0, combo.findData(v))),
            )
        )
        return combo

    def _check(self, name, label, section, key) -> QCheckBox:
        box = QCheckBox(label, self)
        box.setObjectName(name)
        box.toggled.connect(lambda v: self._doc.set_setting(section, key, bool(v)))
        self._bindings.append(
            (box, lambda: getattr(getattr(self._doc.project, section), key), box.setChecked)
        )
        return box

    def _int(self, name, label, key, low, high) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(low, high)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda v: self._doc.set_setting("training", key, int(v)))
        self._bindings.append(
            (spin, lambda: getattr(self._doc.project.training, key), spin.setValue)
        )
        return spin

    def _double(self, name, label, key, low, high, decimals) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setDecimals(decimals)
        spin.setRange(low, high)
        spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda v: self._doc.set_setting("training", key, float(v)))
        self._bindings.append(
            (spin, lambda: getattr(self._doc.project.training, key), spin.setValue)
        )
        return spin

    def _set_device(self, value: str) -> None:
        index = self.device_combo.findData(value)
        if index < 0:
            self.device_combo.addItem(value, value)
            index = self.device_combo.count() - 1
        self.device_combo.setCurrentIndex(index)

    def set_devices(self, devices: list[tuple[str, str]]) -> None:
        """Fill the device list with what this machine has: (value, label) pairs."""
        with signals_blocked(self.device_combo):
            self.device_combo.clear()
            self.device_combo.addItem(self.tr("Automatic"), "auto")
            for value, label in devices:
                self.device_combo.addItem(label, value)
        self.sync()

    # --- syncing --------------------------------------------------------------------

    def sync(self) -> None:
        for widget, read, write in self._bindings:
            with signals_blocked(widget):
                write(read())
        dataset = self._doc.project.dataset
        is_folder = dataset.name == "image-folder"
        self.folder_label.setVisible(is_folder)
        self.folder_label.setText(dataset.path or self.tr("No folder chosen yet."))

    def _on_dataset_activated(self) -> None:
        if (
            self.dataset_combo.currentData() == "image-folder"
            and not self._doc.project.dataset.path
        ):
            self.choose_folder()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose an image folder (one sub-folder per class)")
        )
        if folder:
            self._doc.undo_stack.beginMacro(self.tr("Use image folder"))
            self._doc.set_setting("dataset", "path", folder)
            self._doc.set_setting("dataset", "name", "image-folder")
            self._doc.undo_stack.endMacro()

    # --- run state ------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        with signals_blocked(self.pause_button):
            self.pause_button.setChecked(False)
            self.pause_button.setText(self.tr("&Pause"))
        for widget, _, _ in self._bindings:
            widget.setEnabled(not running)
        self.folder_button.setEnabled(not running)

    def _on_pause(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("&Resume") if paused else self.tr("&Pause"))
        self.pauseToggled.emit(paused)

    def show_started(self, epochs: int, first_epoch: int, steps_per_epoch: int) -> None:
        total = max(1, (epochs - first_epoch + 1) * steps_per_epoch)
        self._first_epoch = first_epoch
        self._steps = max(1, steps_per_epoch)
        self._epochs = epochs
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(
            self.tr("Epoch %1 of %2").replace("%1", str(first_epoch)).replace("%2", str(epochs))
        )

    def show_batch(self, epoch: int, step: int, eta: float, samples_per_second: float) -> None:
        done = (epoch - self._first_epoch) * self._steps + step
        # QProgressBar.setValue repaints at once, and a synchronous repaint paints every
        # dirty widget of the window with it (plots included), ten times a second; with
        # updates off it only records the value, and turning them on schedules one
        # ordinary, coalesced update.
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(min(done, self.progress.maximum()))
        self.progress.setUpdatesEnabled(True)
        self.progress.setFormat(
            self.tr("Epoch %1 of %2, batch %3 of %4, %5 left")
            .replace("%1", str(epoch))
            .replace("%2", str(self._epochs))
            .replace("%3", str(step))
            .replace("%4", str(self._steps))
            .replace("%5", _fmt_seconds(eta))
        )

    def show_finished(self, completed: bool, text: str) -> None:
        if completed:
            self.progress.setValue(self.progress.maximum())
        self.progress.setFormat(text)
        self.progress_label.setText(text)
