"""What File › Open, Import and Export do, apart from the window that asks for the paths.

The window picks files and shows messages; this controller decides what a file
becomes (a project, or a model with its trained weights and history), walks an
import through its questions (run the file? which input size?) and writes exports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from studio.core.errors import Message, StudioError
from studio.gui import dialogs
from studio.gui.i18n import error_text, translate_message

STATUS_MS = 8000
MAX_QUESTIONS = 3
"""An import asks at most: may the file run, then which input size."""


class ProjectFiles(QObject):
    messageRaised = Signal(str)
    """A warning for a message box."""
    statusShown = Signal(str, int)
    """A confirmation for the status bar, and how long to show it (ms)."""

    def __init__(self, document: Any, session: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self._doc = document
        self._session = session
        self._parent = parent
        self.importer: Callable[..., Any] | None = None
        """``import_code``'s stand-in (source, input_shape=, trust=, filename=) -> ImportResult;
        None: the core's, run here. A runner that traces in a child process can go here."""

    # --- opening ----------------------------------------------------------------------

    def open_path(self, path: str | Path) -> None:
        """A project, or a model file: then its trained network predicts and its run replays."""
        from studio.core.io.opening import load_project_or_model

        path = Path(path)
        project, model_file = load_project_or_model(path)
        self._doc.replace_project(project, path)
        self._session.set_model_file(model_file)
        if model_file is not None:
            self._session.show_saved_history(model_file, path.name)

    # --- importing --------------------------------------------------------------------

    def import_source(self, source: str, filename: str, trust_allowed: bool) -> bool:
        """Turn code into the open project; ask before running a file and for an input size."""
        from studio.core.codegen.importer import TrustNeeded
        from studio.core.codegen.input_shape import InputShapeNeeded
        from studio.core.codegen.restore import check_source_size, embedded_project

        try:
            check_source_size(source, filename)
        except StudioError as error:
            self.messageRaised.emit(error_text(error))
            return False
        embedded, _ = embedded_project(source, filename)
        shape = tuple(embedded.architecture.input_shape) if embedded is not None else None
        trust = False
        for _ in range(MAX_QUESTIONS):
            try:
                result = self._run_importer(source, shape, trust, filename)
                if result is None:  # cancelled: nothing changes
                    return False
                break
            except TrustNeeded as error:
                if not trust_allowed:
                    self.messageRaised.emit(error_text(error))
                    return False
                if trust or not dialogs.confirm_trust(self._parent, filename):
                    return False
                trust = True
            except InputShapeNeeded as error:
                shape = dialogs.ask_input_shape(self._parent, error.fits)
                if shape is None:
                    return False
            except StudioError as error:
                self.messageRaised.emit(error_text(error))
                return False
        else:
            return False
        self.apply_import(result, source, filename)
        return True

    def _run_importer(
        self, source: str, shape: tuple[int, ...] | None, trust: bool, filename: str
    ) -> Any:
        from studio.gui.import_task import run_import

        if self.importer is not None:
            return self.importer(source, input_shape=shape, trust=trust, filename=filename)
        # off the GUI thread (a trusted import in a child process), with Cancel
        return run_import(self._parent, source, input_shape=shape, trust=trust, filename=filename)

    def apply_import(self, result: Any, source: str, filename: str) -> None:
        """Make an ImportResult the open project, restoring the project the code carries."""
        from studio.core.codegen.restore import project_from_import

        imported = project_from_import(result, source, filename)
        self._doc.replace_project(imported.project, None)
        self._doc.undo_stack.resetClean()
        self._session.set_model_file(None)
        texts = [
            translate_message(n.template, n.args) if isinstance(n, Message) else n
            for n in imported.notes
        ]
        if imported.restored:
            texts.insert(
                0,
                self.tr("Restored {name} with its dataset and training settings.").format(
                    name=imported.project.name
                ),
            )
        if imported.project.initial_state is not None:
            texts.append(
                self.tr(
                    "The weights traced from the file are kept: training starts from them, and "
                    "saving the project writes them beside it."
                )
            )
        if texts:
            self.statusShown.emit(" ".join(texts), STATUS_MS * len(texts))

    # --- exporting --------------------------------------------------------------------

    def export_script(self, path: str) -> None:
        from studio.core.codegen.script_data import place_script_data
        from studio.core.codegen.training_script import export_script
        from studio.core.io.atomic import write_atomic

        text = export_script(self._doc.project)
        place_script_data(self._doc.project, path)  # e.g. data/mnist_5k.npz beside it
        write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))
        self._wrote(path)

    def export_model(self, path: str) -> None:
        self._session.save_model(path)
        self._wrote(path)

    def export_onnx(self, path: str) -> None:
        """Write the trained model as ONNX and say how closely onnxruntime matches torch."""
        from studio.core.io.onnx_export import export_onnx, require_onnx, validation_inputs

        model_file = self._session.model_file
        require_onnx()  # the install command, before any work
        report = export_onnx(model_file, path, validation_inputs(model_file))
        if report.ok:
            text = self.tr(
                "Wrote {path}; onnxruntime gives the same outputs as PyTorch (within {diff})."
            )
        else:
            text = self.tr(
                "Wrote {path}, but onnxruntime differs from PyTorch by up to {diff}; "
                "check the file before using it."
            )
        diff = f"{report.max_abs_diff:.1e}"
        self.statusShown.emit(text.format(path=path, diff=diff), STATUS_MS * 2)

    def _wrote(self, path: str) -> None:
        self.statusShown.emit(self.tr("Wrote {path}").format(path=path), STATUS_MS)
