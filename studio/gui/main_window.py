"""The builder window: composes the widgets and wires them; the logic lives elsewhere."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import StudioError
from studio.core.project import Project
from studio.core.templates import TEMPLATES, blank_project, get_template, template_size
from studio.gui import colours, dialogs
from studio.gui.document import ProjectDocument
from studio.gui.freeze_action import FreezeAction
from studio.gui.gui_gc import collect_on_gui_thread
from studio.gui.i18n import CHINESE, ENGLISH, LANGUAGE_KEY, SYSTEM, error_text, template_text
from studio.gui.project_files import ProjectFiles
from studio.gui.recovery import RecoveryWriter, offer_orphans
from studio.gui.summary import ShapeSummary
from studio.gui.training_session import TrainingSession
from studio.gui.widgets.code_view import CodePanel
from studio.gui.widgets.layer_stack import LayerStackView
from studio.gui.widgets.palette import BlockPalette
from studio.gui.widgets.property_editor import PropertyEditor
from studio.gui.widgets.training_panel import TrainingPanel

log = logging.getLogger(__name__)

MAX_RECENT = 8


class MainWindow(QMainWindow):
    """Palette, layer stack, properties, code, training settings and live views."""

    def __init__(self, project: Project | None = None) -> None:
        super().__init__()
        collect_on_gui_thread()  # no worker thread may destroy this window's Qt objects
        self.setObjectName("mainWindow")
        self.settings = QSettings()
        self.document = ProjectDocument(project, self)

        self.palette_widget = BlockPalette(self)
        self.layer_stack = LayerStackView(self)
        self.layer_stack.setModel(self.document.model)
        self.property_editor = PropertyEditor(self.document, self)
        self.shape_summary = ShapeSummary(self.document, self)
        self.code_panel = CodePanel(self.document, self)
        self.training_panel = TrainingPanel(self.document, self)
        self.session = TrainingSession(self.document, self.training_panel, self)
        self.files = ProjectFiles(self.document, self.session, self)

        self._build_layout()
        self._build_actions()
        self._wire()
        self.recovery = RecoveryWriter(self.document, self)
        self._restore_settings()
        self._update_title()
        self.statusBar().addPermanentWidget(self.session.speed_label)
        QTimer.singleShot(0, self._lay_out_views)

    def _lay_out_views(self) -> None:
        """Lay out and paint the training views once while idle: Train shows them, and their
        first layout would otherwise compete with the starting run for the interpreter."""
        self.session.dashboard.grab()

    # --- composition ----------------------------------------------------------------

    def _build_layout(self) -> None:
        self.palette_dock = self._dock(
            self.tr("Blocks"),
            "paletteDock",
            self.palette_widget,
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.training_dock = self._dock(
            self.tr("Training"),
            "trainingDock",
            self.training_panel,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self._network_tab(), self.tr("&Network"))
        self.tabs.addTab(self.code_panel, self.tr("&Code"))
        self.tabs.addTab(self.session.dashboard, self.tr("Training &views"))
        self.setCentralWidget(self.tabs)
        room = self.screen().availableGeometry() if self.screen() else None
        self.resize(
            min(1400, room.width()) if room else 1400, min(860, room.height()) if room else 860
        )
        self.resizeDocks(
            [self.palette_dock, self.training_dock], [170, 330], Qt.Orientation.Horizontal
        )

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """A dock that can be moved, floated and closed (View brings it back)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        features = QDockWidget.DockWidgetFeature
        dock.setFeatures(
            features.DockWidgetMovable | features.DockWidgetClosable | features.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _network_tab(self) -> QWidget:
        network = QWidget(self)
        column = QVBoxLayout(network)
        column.setContentsMargins(0, 0, 0, 0)
        self.lock_label = QLabel(
            self.tr("Training is running: the network is locked until it stops.")
        )
        self.lock_label.setObjectName("lockBanner")
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet(colours.NOTICE_STYLE)
        self.lock_label.hide()
        column.addWidget(self.lock_label)
        column.addWidget(self.layer_stack, 1)
        column.addWidget(self.shape_summary)
        network.setMinimumWidth(300)
        self.property_editor.setMinimumWidth(220)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(network)
        splitter.addWidget(self.property_editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    def _action(self, text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self._build_file_menu()
        self._build_edit_menu()
        self._build_view_and_later_menus()

    def _build_file_menu(self) -> None:
        keys = QKeySequence.StandardKey
        menu = self.menuBar().addMenu(self.tr("&File"))
        new_menu = menu.addMenu(self.tr("&New"))
        new_menu.addAction(
            self._action(self.tr("Blank network"), self.new_blank, keys.New, "newBlankAction")
        )
        new_menu.addSeparator()
        new_menu.setToolTipsVisible(True)
        for name, template in TEMPLATES.items():
            # The tab puts the input shape and size in the shortcut column, so "LeNet-5"
            # and "LeNet for MNIST" differ at a glance; the description is the tooltip.
            action = self._action(
                f"{template_text(template.title)}\t{self._template_size_text(name)}",
                lambda _=False, n=name: self.new_from_template(n),
            )
            action.setObjectName(f"newTemplate_{name}")
            action.setToolTip(template_text(template.description))
            action.setStatusTip(template_text(template.description))
            new_menu.addAction(action)
        menu.addAction(self._action(self.tr("&Open…"), self.open_dialog, keys.Open, "openAction"))
        self.recent_menu = menu.addMenu(self.tr("Open &recent"))
        menu.addAction(self._action(self.tr("&Save"), self.save, keys.Save, "saveAction"))
        menu.addAction(
            self._action(self.tr("Save &as…"), self.save_as, keys.SaveAs, "saveAsAction")
        )
        menu.addSeparator()
        menu.addAction(
            self._action(
                self.tr("&Import PyTorch code…"), self.import_code_file, "Ctrl+I", "importAction"
            )
        )
        menu.addAction(
            self._action(self.tr("Import &pasted code…"), self.import_pasted_code, "Ctrl+Shift+I")
        )
        menu.addAction(
            self._action(
                self.tr("&Export Python script…"), self.export_script, "Ctrl+E", "exportAction"
            )
        )
        menu.addAction(
            self._action(
                self.tr("Export trained &model…"),
                self.export_model,
                "Ctrl+Shift+E",
                "exportModelAction",
            )
        )
        menu.addAction(
            self._action(self.tr("Export as &ONNX…"), self.export_onnx, None, "exportOnnxAction")
        )
        menu.addSeparator()
        menu.addAction(self._action(self.tr("&Quit"), self.close, keys.Quit))

    def _build_edit_menu(self) -> None:
        keys = QKeySequence.StandardKey
        edit = self.menuBar().addMenu(self.tr("&Edit"))
        undo = self.document.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(keys.Undo)
        redo = self.document.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcuts(
            list(dict.fromkeys([*QKeySequence.keyBindings(keys.Redo), QKeySequence("Ctrl+Y")]))
        )
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        edit.addAction(self._action(self.tr("&Duplicate layer"), self.duplicate_layer, "Ctrl+D"))
        edit.addAction(
            self._action(self.tr("Move layer &up"), lambda: self.move_layer(-1), "Ctrl+Up")
        )
        edit.addAction(
            self._action(self.tr("Move layer do&wn"), lambda: self.move_layer(1), "Ctrl+Down")
        )
        edit.addAction(self._action(self.tr("&Remove layer"), self.remove_layer, keys.Delete))
        edit.addAction(self._action(self.tr("Apply &fix"), self.apply_current_fix, "Ctrl+."))
        edit.addSeparator()
        self.freeze = FreezeAction(
            self.document, self.layer_stack, self.guarded(self.document.set_frozen), self
        )
        edit.addAction(self.freeze.action)

    def _build_view_and_later_menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for dock, name in (
            (self.palette_dock, "viewBlocksAction"),
            (self.training_dock, "viewTrainingAction"),
        ):
            toggle = dock.toggleViewAction()
            toggle.setObjectName(name)
            view.addAction(toggle)
        view.addSeparator()
        self._build_language_menu(view.addMenu(self.tr("&Language")))

        train = self.menuBar().addMenu(self.tr("&Train"))
        train.addAction(self._action(self.tr("&Train"), self.start_training, "Ctrl+R"))
        train.addAction(
            self._action(
                self.tr("&Pause / resume"),
                lambda: self.training_panel.pause_button.toggle(),
                "Ctrl+Shift+P",
            )
        )
        train.addAction(self._action(self.tr("&Stop"), self.session.stop, "Ctrl+Shift+R"))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About Sequential Studio"), self.about))

    def _template_size_text(self, name: str) -> str:
        shape, params = template_size(name)
        return self.tr("{shape} · {params} parameters").format(
            shape="×".join(map(str, shape)), params=f"{params:,}"
        )

    def _build_language_menu(self, menu: Any) -> None:
        """System default, English, 简体中文: each language named in its own words."""
        group = QActionGroup(self)
        chosen = str(self.settings.value(LANGUAGE_KEY, SYSTEM) or SYSTEM)
        for code, text, name in (
            (SYSTEM, self.tr("System default"), "actionLanguageSystem"),
            (ENGLISH, "English", "actionLanguageEnglish"),
            (CHINESE, "简体中文", "actionLanguageChinese"),
        ):
            action = QAction(text, group)
            action.setObjectName(name)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            menu.addAction(action)
        self.language_actions = group

    def _wire(self) -> None:
        doc = self.document
        self.palette_widget.blockActivated.connect(self.add_block)
        self.layer_stack.deleteRequested.connect(self.guarded(doc.remove_block))
        self.layer_stack.selectionModel().currentChanged.connect(
            lambda current, _: self.property_editor.set_row(current.row())
        )
        doc.model.modelReset.connect(self._reselect)
        self.property_editor.fixRequested.connect(self.guarded(doc.apply_fix))
        self.shape_summary.fixRequested.connect(self.guarded(doc.apply_fix))
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.pathChanged.connect(self._update_title)
        doc.model.rowsInserted.connect(self._select_inserted)
        self.session.runningChanged.connect(self._on_running_changed)
        self.session.messageRaised.connect(self.show_message)
        self.files.messageRaised.connect(self.show_message)
        self.files.statusShown.connect(self.statusBar().showMessage)
        self.session.statusShown.connect(self.statusBar().showMessage)
        self.training_panel.statusMessage.connect(lambda text: self.statusBar().showMessage(text))

    def guarded(self, slot: Any) -> Any:
        """Wrap a slot so that a StudioError becomes a message box, not a crash."""

        def run(*args: Any) -> None:
            try:
                slot(*args)
            except StudioError as error:
                self.show_message(error_text(error))

        return run

    # --- the fixed API --------------------------------------------------------------

    def open_project(self, path: str | Path) -> None:
        """Open a project (.json) or a model file (.pt), which brings its trained weights."""
        self.files.open_path(path)
        if self.session.model_file is None:
            self.offer_recovery(path)
        self._add_recent(Path(path))

    def predict_image(self, path: str | Path) -> list[tuple[str, float]]:
        """The top classes of an image file and their probabilities, as the Predictions tab
        shows them; works with a trained or opened model, without any dataset."""
        view = self.session.dashboard.prediction_view
        if view.load_image_file(path) is None:
            return []
        return list(view.own_top)

    def offer_recovery(self, for_path: str | Path | None = None) -> bool:
        """Offer copies left by crashed sessions (of ``for_path`` only, if given)."""
        return offer_orphans(self, self.document, self.recovery, for_path)

    def save_project(self, path: str | Path) -> None:
        self.document.save(path)
        self._add_recent(Path(path))
        self.recovery.discard()

    def start_training(self) -> None:
        """The same as pressing Train."""
        self.session.start()

    def _show_training_views(self) -> None:
        self.tabs.setCurrentWidget(self.session.dashboard)

    # --- file actions ---------------------------------------------------------------

    def _confirm_discard(self) -> bool:
        if self.document.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("{name} has unsaved changes. Save them first?").format(
                name=self.document.display_name
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _confirm_replace(self, path: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Replace file"),
            self.tr("{name} already exists. Replace it?").format(name=Path(path).name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def new_blank(self) -> None:
        if self.session.running or not self._confirm_discard():
            return
        project = blank_project()
        project.name = self.tr("Untitled")
        self.document.replace_project(project, None)
        self.session.set_model_file(None)

    def new_from_template(self, name: str) -> None:
        if self.session.running or not self._confirm_discard():
            return
        self.document.replace_project(get_template(name), None)
        self.session.set_model_file(None)

    def open_dialog(self) -> None:
        if self.session.running or not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open project or model"),
            self._last_folder(),
            self.tr("Sequential Studio files (*.json *.pt);;Projects (*.json);;Models (*.pt)"),
        )
        if path:
            self._remember_folder(path)
            self.guarded(self.open_project)(path)

    def save(self) -> bool:
        if self.document.path is None or self.document.path.suffix != ".json":
            return self.save_as()
        try:
            self.save_project(self.document.path)
        except StudioError as error:
            self.show_message(error_text(error))
            return False
        return True

    def save_as(self) -> bool:
        suggested = str(Path(self._last_folder()) / f"{self.document.project.name}.json")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save project"), suggested, self.tr("Projects (*.json)")
        )
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"  # the dialog confirmed the name without it: ask for this one
            if Path(path).exists() and not self._confirm_replace(path):
                return False
        self._remember_folder(path)
        self.document.project.name = Path(path).stem  # the exported script is named after it
        try:
            self.save_project(path)
        except StudioError as error:
            self.show_message(error_text(error))
            return False
        return True

    def import_code_file(self) -> None:
        if self.session.running or not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import PyTorch code"),
            self._last_folder(),
            self.tr("Python files (*.py)"),
        )
        if not path:
            return
        self._remember_folder(path)
        from studio.core.codegen.restore import read_source

        try:
            source = read_source(Path(path))
        except StudioError as error:
            self.show_message(error_text(error))
            return
        self.import_source(source, Path(path).name, trust_allowed=True)

    def import_pasted_code(self) -> None:
        if self.session.running or not self._confirm_discard():
            return
        source = dialogs.ask_code(self)
        if source:
            self.import_source(source, "<pasted code>", trust_allowed=False)

    def import_source(self, source: str, filename: str, trust_allowed: bool) -> None:
        """Turn code into a project; ask before running a file, and for an ambiguous input size."""
        self.files.import_source(source, filename, trust_allowed)

    def export_script(self) -> None:
        suggested = str(Path(self._last_folder()) / "train.py")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export Python script"), suggested, self.tr("Python files (*.py)")
        )
        if path:
            self._remember_folder(path)
            self.guarded(self.files.export_script)(path)

    def export_model(self) -> None:
        if self.session.model_file is None:
            self.show_message(self.tr("There is no trained model yet. Train the network first."))
            return
        suggested = str(Path(self._last_folder()) / f"{self.document.project.name}.pt")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export trained model"), suggested, self.tr("Models (*.pt)")
        )
        if path:
            self._remember_folder(path)
            self.guarded(self.files.export_model)(path)

    def export_onnx(self) -> None:
        if self.session.model_file is None:
            self.show_message(self.tr("There is no trained model yet. Train the network first."))
            return
        suggested = str(Path(self._last_folder()) / f"{self.document.project.name}.onnx")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export as ONNX"), suggested, self.tr("ONNX models (*.onnx)")
        )
        if path:
            self._remember_folder(path)
            self.guarded(self.files.export_onnx)(path)

    # --- edit actions ---------------------------------------------------------------

    def add_block(self, block_type: str) -> None:
        row = self.layer_stack.current_row()
        index = row + 1 if row >= 0 else len(self.document.architecture)
        self.guarded(self.document.insert_block)(index, block_type)

    def _select_inserted(self, parent: Any, first: int, last: int) -> None:
        self.layer_stack.setCurrentIndex(self.document.model.index(first))

    def duplicate_layer(self) -> None:
        row = self.layer_stack.current_row()
        if row >= 0:
            self.guarded(self.document.duplicate_block)(row)

    def remove_layer(self) -> None:
        row = self.layer_stack.current_row()
        if row >= 0:
            self.guarded(self.document.remove_block)(row)

    def move_layer(self, step: int) -> None:
        row = self.layer_stack.current_row()
        if row >= 0:  # the card's persistent index follows the block: it stays selected
            self.guarded(self.document.move_block)(row, row + step)

    def _reselect(self) -> None:
        """After a reset, select the layer the property editor shows (kept by identity)."""
        row = self.property_editor.row
        if row >= 0:
            self.layer_stack.setCurrentIndex(self.document.model.index(row))

    def apply_current_fix(self) -> None:
        fix = self.shape_summary.first_fix()
        if fix is not None:
            self.guarded(self.document.apply_fix)(fix)

    # --- state ----------------------------------------------------------------------

    def _on_running_changed(self, running: bool) -> None:
        if running:
            self._show_training_views()
        self.document.locked = running
        self.lock_label.setVisible(running)
        self.layer_stack.setDragEnabled(not running)
        self.layer_stack.setAcceptDrops(not running)
        self.layer_stack.set_toggles_enabled(not running)
        self.freeze.sync()
        self.palette_widget.setEnabled(not running)
        self.property_editor.sync()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.display_name}[*] — Sequential Studio")
        self.setWindowModified(not self.document.undo_stack.isClean())

    def show_message(self, text: str) -> None:
        QMessageBox.warning(self, self.tr("Sequential Studio"), text)

    def about(self) -> None:
        from studio import __version__

        QMessageBox.about(
            self,
            self.tr("About Sequential Studio"),
            self.tr(
                "Sequential Studio {version}\nBuild, train and export PyTorch nn.Sequential "
                "networks.\nThe bundled MNIST sample is from the MNIST database (LeCun, Cortes, "
                "Burges), CC BY-SA 3.0."
            ).format(version=__version__),
        )

    # --- settings -------------------------------------------------------------------

    def set_language(self, code: str) -> None:
        """Remember the language for the next start (``system``, ``en`` or ``zh_CN``)."""
        if str(self.settings.value(LANGUAGE_KEY, SYSTEM) or SYSTEM) == code:
            return
        self.settings.setValue(LANGUAGE_KEY, code)
        QMessageBox.information(
            self,
            self.tr("Language"),
            self.tr("The new language applies when Sequential Studio is restarted."),
        )

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._refresh_recent_menu()

    def _recent(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _add_recent(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        recent = [entry] + [p for p in self._recent() if p != entry]
        self.settings.setValue("recentFiles", recent[:MAX_RECENT])
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        self.recent_menu.setEnabled(bool(recent))

    def _open_recent(self, path: str) -> None:
        if self.session.running or not self._confirm_discard():
            return
        self.guarded(self.open_project)(path)

    def _last_folder(self) -> str:
        return str(self.settings.value("lastFolder", str(Path.home())))

    def _remember_folder(self, path: str) -> None:
        self.settings.setValue("lastFolder", str(Path(path).parent))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        self.session.shutdown()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.recovery.discard()
        event.accept()
