"""The open project: its file path, undo stack and architecture model.

Every edit goes through an undo command pushed here; views listen to the
architecture model and to ``settingsChanged``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from studio.core.architecture import Block
from studio.core.errors import StudioError
from studio.core.io import initial_weights
from studio.core.io.project_file import load_project, save_project
from studio.core.project import Project
from studio.core.shapes import Fix, apply_fix
from studio.core.templates import default_project
from studio.gui import commands
from studio.gui.i18n import fix_text, translate_message
from studio.gui.models.architecture_model import ArchitectureModel


def setting_name(section: str, key: str) -> str:
    """A setting's label from the core table, in the person's language, for "Change …"."""
    from studio.core.settings import BY_KEY

    found = BY_KEY.get((section, key))
    if found is None:
        return key.replace("_", " ")
    text = translate_message(found.label.template)
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class ProjectDocument(QObject):
    """Owns the project being edited and routes every edit through the undo stack."""

    projectReplaced = Signal()
    settingsChanged = Signal()
    pathChanged = Signal()

    def __init__(self, project: Project | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project or default_project()
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.model = ArchitectureModel(self.project.architecture, self)
        self.model.moveRequested.connect(self.move_block)
        self.model.insertRequested.connect(self.insert_block)
        self.project.subscribe(self._on_project_event)
        self.locked = False

    @property
    def architecture(self):
        return self.project.architecture

    # --- files ----------------------------------------------------------------------

    def _on_project_event(self, event: Any) -> None:
        self.settingsChanged.emit()

    def replace_project(self, project: Project, path: Path | None) -> None:
        self.project.unsubscribe(self._on_project_event)
        project.subscribe(self._on_project_event)
        self.project = project
        self.path = path
        self.undo_stack.clear()
        self.model.set_architecture(project.architecture)
        self.undo_stack.setClean()
        self.projectReplaced.emit()
        self.pathChanged.emit()

    def open(self, path: str | Path) -> None:
        self.replace_project(load_project(path), Path(path))

    def save(self, path: str | Path) -> None:
        initial_weights.save_beside(path, self.project)  # imported weights, named by the JSON
        save_project(path, self.project)
        self.path = Path(path)
        self.undo_stack.setClean()
        self.pathChanged.emit()

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else self.project.name

    # --- edits ----------------------------------------------------------------------

    def _push(self, command: Any) -> None:
        if self.locked:
            raise StudioError("The network cannot be changed while it trains. Stop training first.")
        self.undo_stack.push(command)

    def insert_block(self, index: int, block_type: str) -> None:
        block = Block.create(block_type)
        self._push(
            commands.InsertBlock(
                self.architecture, index, block, self.tr("Add {block}").format(block=block_type)
            )
        )

    def remove_block(self, index: int) -> None:
        block_type = self.architecture[index].type
        self._push(
            commands.RemoveBlock(
                self.architecture, index, self.tr("Remove {block}").format(block=block_type)
            )
        )

    def duplicate_block(self, index: int) -> None:
        block = self.architecture[index].copy()
        self._push(
            commands.InsertBlock(
                self.architecture,
                index + 1,
                block,
                self.tr("Duplicate {block}").format(block=block.type),
            )
        )

    def move_block(self, source: int, destination: int) -> None:
        if not (0 <= destination < len(self.architecture)) or source == destination:
            return
        block_type = self.architecture[source].type
        self._push(
            commands.MoveBlock(
                self.architecture,
                source,
                destination,
                self.tr("Move {block}").format(block=block_type),
            )
        )

    def set_param(self, index: int, name: str, value: Any) -> None:
        if self.architecture[index].params.get(name) == value:
            return
        self._push(
            commands.SetParam(
                self.architecture, index, name, value, self.tr("Change {name}").format(name=name)
            )
        )

    def set_frozen(self, index: int, frozen: bool) -> None:
        """Freeze the layer at ``index`` (or unfreeze it) as one undo step."""
        block = self.architecture[index]
        if block.frozen == bool(frozen):
            return
        text = self.tr("Freeze {block}") if frozen else self.tr("Unfreeze {block}")
        self._push(
            commands.SetFrozen(self.architecture, index, frozen, text.format(block=block.type))
        )

    def set_init(self, index: int, init: Any) -> None:
        """A layer's own initialisation (``LayerInit``), or ``None`` for the project's."""
        block = self.architecture[index]
        if block.init == init:
            return
        self._push(
            commands.SetInit(
                self.architecture,
                index,
                init,
                self.tr("Change initialisation of {block}").format(block=block.type),
            )
        )

    def set_input_shape(self, shape: tuple[int, ...]) -> None:
        if tuple(shape) == self.architecture.input_shape:
            return
        self._push(
            commands.SetInputShape(self.architecture, tuple(shape), self.tr("Change input shape"))
        )

    def set_setting(self, section: str, key: str, value: Any) -> None:
        if getattr(getattr(self.project, section), key) == value:
            return
        self.undo_stack.push(
            commands.SetSetting(
                self.project,
                section,
                key,
                value,
                self.tr("Change {name}").format(name=setting_name(section, key)),
            )
        )

    def apply_fix(self, fix: Fix) -> None:
        """A fix's edits become one undo step (a macro of ordinary commands)."""
        text = fix_text(fix)
        self.undo_stack.beginMacro(self.tr("Fix: {fix}").format(fix=text))
        try:
            apply_fix(_UndoableEdits(self, text), fix)
        finally:
            self.undo_stack.endMacro()


class _UndoableEdits:
    """The fix target that turns each edit of a fix into an undo command."""

    def __init__(self, document: ProjectDocument, text: str) -> None:
        self._doc, self._text = document, text

    def insert(self, index: int, block: Block) -> None:
        self._doc._push(commands.InsertBlock(self._doc.architecture, index, block, self._text))

    def remove(self, index: int) -> None:
        self._doc._push(commands.RemoveBlock(self._doc.architecture, index, self._text))

    def set_param(self, index: int, name: str, value: Any) -> None:
        arch = self._doc.architecture
        self._doc._push(commands.SetParam(arch, index, name, value, self._text))
