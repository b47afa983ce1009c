"""Dataset, optimizer and run settings, with Train / Pause / Stop and the progress bar.

The settings are built from the core's table (``studio.core.settings``), as the
property editor is built from the block registry: one editor per row, bound both ways
to the project. Edits become undoable ``set_setting`` calls on the document; the
editors are re-synced (signals blocked) whenever the document changes, and a setting
that has no effect with the others (momentum with Adam) is disabled.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.clock import format_clock
from studio.core.settings import SETTINGS, Setting
from studio.gui.document import ProjectDocument
from studio.gui.widgets.dataset_preview import DatasetPreviewWidget
from studio.gui.widgets.property_editor import signals_blocked
from studio.gui.widgets.setting_editors import label_text, make_editor
from studio.gui.widgets.steady_label import SteadyLabel
from studio.gui.widgets.table_choice import TABLE, TableChoice
from studio.gui.widgets.two_stage_rows import two_stage_relevant


class _Bound:
    """One setting's editor, its row label and how to show a value in it."""

    def __init__(self, setting: Setting, widget: QWidget, write: Any, label: QLabel | None):
        self.setting, self.widget, self.write, self.label = setting, widget, write, label


class TrainingPanel(QWidget):
    """Settings for the run and its controls. It shows progress; it does not train."""

    trainClicked = Signal()
    pauseToggled = Signal(bool)
    stopClicked = Signal()
    statusMessage = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self._doc = document
        self._bound: dict[str, _Bound] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._running = False
        self._progress_text = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self._build_scroll_area(), 1)
        outer.addLayout(self._build_buttons())
        outer.addWidget(self._build_progress())
        self.progress_label = SteadyLabel(lines=3, parent=self)
        self.progress_label.setObjectName("trainingStatus")
        outer.addWidget(self.progress_label.holder)
        self.table_choice = TableChoice(document, self.editor("dataset", "target"), self)
        self.table_choice.statusMessage.connect(self.statusMessage)
        self.dataset_preview.tableShown.connect(self.table_choice.on_table)

        document.settingsChanged.connect(self.sync)
        document.projectReplaced.connect(self.sync)
        document.model.reportChanged.connect(self.sync)  # freezing a layer enables two stages
        self.set_running(False)
        self.sync()

    # --- building -------------------------------------------------------------------

    def _build_scroll_area(self) -> QScrollArea:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._build_group("dataset", self.tr("Data")))
        column.addWidget(self._build_group("training", self.tr("Training")))
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("trainingScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        # It scrolls up and down only: never narrower than its widest row, so nothing is cut.
        scroll.setMinimumWidth(
            content.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2
        )
        return scroll

    def _build_group(self, section: str, title: str) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for setting in SETTINGS:
            if setting.section == section:
                self._add_row(form, setting)
        return box

    def _add_row(self, form: QFormLayout, setting: Setting) -> None:
        widget, write = make_editor(setting, self, lambda value, s=setting: self._edit(s, value))
        label = None
        if setting.kind == "bool":
            form.addRow("", widget)
        elif (setting.section, setting.key) == ("dataset", "name"):
            label = QLabel(label_text(setting))
            form.addRow(label, self._dataset_row(widget))
            self.folder_label = QLabel()
            self.folder_label.setObjectName("datasetFolderLabel")
            self.folder_label.setWordWrap(True)
            form.addRow(self.folder_label)
            self.dataset_preview = DatasetPreviewWidget()
            form.addRow(self.dataset_preview)
            self._forms["dataset"] = form
        else:
            label = QLabel(label_text(setting))
            form.addRow(label, widget)
        if label is not None:
            label.setBuddy(widget)
        self._bound[f"{setting.section}.{setting.key}"] = _Bound(setting, widget, write, label)
        if (setting.section, setting.key) == ("training", "device"):
            self._add_processes_row(form)

    def _add_processes_row(self, form: QFormLayout) -> None:
        """Processes, right under Device: shown only when the machine has two GPUs or more."""
        self.processes_spin = QSpinBox(self)
        self.processes_spin.setObjectName("processesSpin")
        self.processes_spin.setRange(1, 1)
        self.processes_spin.setToolTip(
            self.tr("Train on this many processes, one per GPU, with DistributedDataParallel")
        )
        self.processes_label = QLabel(self.tr("Processes"))
        self.processes_label.setBuddy(self.processes_spin)
        form.addRow(self.processes_label, self.processes_spin)
        self.set_gpu_count(0)

    def set_gpu_count(self, count: int) -> None:
        """Offer one process per GPU when there are two or more; else hide the choice."""
        from studio.core.training.launch import offered_processes

        most = offered_processes(count)
        self.processes_spin.setRange(1, max(1, most))
        self.processes_spin.setValue(max(1, most))
        for widget in (self.processes_label, self.processes_spin):
            widget.setVisible(most > 1)

    def processes(self) -> int:
        """The processes to train on (1 when the choice is hidden)."""
        return self.processes_spin.value() if self.processes_spin.maximum() > 1 else 1

    def _dataset_row(self, combo: QWidget) -> QHBoxLayout:
        self.dataset_combo = combo
        combo.activated.connect(self._on_dataset_activated)
        row = QHBoxLayout()
        row.addWidget(combo, 1)
        self.folder_button = QToolButton(self)
        self.folder_button.setObjectName("datasetFolderButton")
        self.folder_button.setText("…")
        self.folder_button.setToolTip(
            self.tr("Choose an image folder with one sub-folder per class")
        )
        self.folder_button.setAccessibleName(self.tr("Choose image folder"))
        self.folder_button.clicked.connect(self._on_folder_button)
        row.addWidget(self.folder_button)
        return row

    def _build_buttons(self) -> QHBoxLayout:
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
        return buttons

    def _build_progress(self) -> QProgressBar:
        self.progress = QProgressBar(self)
        self.progress.setObjectName("trainingProgress")
        self.progress.setAccessibleName(self.tr("Training progress"))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Ready"))
        # opaque: its four repaints a second then leave the dock and window beneath alone
        self.progress.setAutoFillBackground(True)
        return self.progress

    def editor(self, section: str, key: str) -> QWidget:
        return self._bound[f"{section}.{key}"].widget

    # --- edits and syncing ----------------------------------------------------------

    def _edit(self, setting: Setting, value: Any) -> None:
        self._doc.set_setting(setting.section, setting.key, value)

    def set_devices(self, devices: list[tuple[str, str]]) -> None:
        """Fill the device list with what this machine has: (value, label) pairs."""
        combo = self.editor("training", "device")
        with signals_blocked(combo):
            while combo.count() > 1:
                combo.removeItem(combo.count() - 1)
            for value, label in devices:
                combo.addItem(label, value)
        self.sync()

    def sync(self) -> None:
        project = self._doc.project
        for key, bound in self._bound.items():
            config = getattr(project, bound.setting.section)
            if key != "dataset.target":  # its choices are the table's columns: TableChoice
                with signals_blocked(bound.widget):
                    bound.write(getattr(config, bound.setting.key))
            applies = bound.setting.applies(config) and two_stage_relevant(bound.setting, project)
            bound.widget.setEnabled(applies and not self._running)
            if bound.label is not None:
                bound.label.setEnabled(applies)
        dataset = project.dataset
        self.folder_label.setVisible(dataset.name in ("image-folder", TABLE))
        if dataset.name == TABLE:
            self.folder_label.setText(dataset.path or self.tr("No CSV file chosen yet."))
        else:
            self.folder_label.setText(dataset.path or self.tr("No folder chosen yet."))
        self._sync_table_rows(dataset)

    def _sync_table_rows(self, dataset: Any) -> None:
        """The target and task rows exist for a CSV table only; the button picks its file."""
        table = dataset.name == TABLE
        form = self._forms.get("dataset")
        for key in ("target", "task"):
            bound = self._bound.get(f"dataset.{key}")
            if form is not None and bound is not None:
                form.setRowVisible(bound.widget, table)
        self.table_choice.show_target(dataset.target)
        self.folder_button.setToolTip(
            self.tr("Choose a CSV file with a header row")
            if table
            else self.tr("Choose an image folder with one sub-folder per class")
        )

    def show_dataset(self, config: Any) -> None:
        """Preview the chosen dataset (classes, counts, samples) off the GUI thread."""
        self.dataset_preview.refresh(config)

    def _on_dataset_activated(self) -> None:
        chosen = self.dataset_combo.currentData()
        if chosen == "image-folder" and not self._doc.project.dataset.path:
            self.choose_folder()
        elif chosen == TABLE and not self.table_choice.has_file():
            self.table_choice.choose_file()

    def _on_folder_button(self) -> None:
        if self._doc.project.dataset.name == TABLE:
            self.table_choice.choose_file()
        else:
            self.choose_folder()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose an image folder (one sub-folder per class)")
        )
        if folder:
            self.use_folder(folder)

    def use_folder(self, folder: str) -> None:
        self._doc.undo_stack.beginMacro(self.tr("Use image folder"))
        self._doc.set_setting("dataset", "path", folder)
        self._doc.set_setting("dataset", "name", "image-folder")
        self._doc.undo_stack.endMacro()

    # --- run state ------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self._running = running
        self.train_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        with signals_blocked(self.pause_button):
            self.pause_button.setChecked(False)
            self.pause_button.setText(self.tr("&Pause"))
        self.folder_button.setEnabled(not running)
        self.sync()

    def _on_pause(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("&Resume") if paused else self.tr("&Pause"))
        if paused:
            self._progress_text = self.progress.format()
            self.progress.setFormat(
                self.tr("Paused: {progress}").format(progress=self._progress_text)
            )
            self.statusMessage.emit(self.tr("Training is paused. Press Resume to go on."))
        else:
            self.progress.setFormat(self._progress_text or self.progress.format())
            self.statusMessage.emit(self.tr("Training resumed."))
        self.pauseToggled.emit(paused)

    def show_started(self, epochs: int, first_epoch: int, steps_per_epoch: int) -> None:
        total = max(1, (epochs - first_epoch + 1) * steps_per_epoch)
        self._first_epoch = first_epoch
        self._steps = max(1, steps_per_epoch)
        self._epochs = epochs
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(
            self.tr("Epoch {epoch} of {epochs}").format(epoch=first_epoch, epochs=epochs)
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
        text = self.tr("Epoch {epoch} of {epochs}, batch {batch} of {batches}, {left} left").format(
            epoch=epoch,
            epochs=self._epochs,
            batch=step,
            batches=self._steps,
            left=format_clock(eta),
        )
        if self.pause_button.isChecked():
            self._progress_text = text
            text = self.tr("Paused: {progress}").format(progress=text)
        self.progress.setFormat(text)

    def show_finished(self, outcome: str, text: str) -> None:
        """``outcome`` is completed, stopped or failed; the bar says it in a word, the
        status line below says the whole sentence once."""
        if outcome == "completed":
            self.progress.setValue(self.progress.maximum())
        short = {
            "completed": self.tr("Finished"),
            "stopped": self.tr("Stopped"),
        }.get(outcome, self.tr("Failed"))
        self.progress.setFormat(short)
        self.progress_label.setText(text)
