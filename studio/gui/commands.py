"""Undo commands: each only calls a core method; views redraw from model signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from studio.core.architecture import Architecture, Block
from studio.core.initialisation import LayerInit
from studio.core.project import Project


class InsertBlock(QUndoCommand):
    def __init__(self, arch: Architecture, index: int, block: Block, text: str) -> None:
        super().__init__(text)
        self._arch, self._index, self._block = arch, index, block

    def redo(self) -> None:
        self._arch.insert(self._index, self._block)

    def undo(self) -> None:
        self._arch.remove(self._index)


class RemoveBlock(QUndoCommand):
    def __init__(self, arch: Architecture, index: int, text: str) -> None:
        super().__init__(text)
        self._arch, self._index = arch, index
        self._block = arch[index]

    def redo(self) -> None:
        self._arch.remove(self._index)

    def undo(self) -> None:
        self._arch.insert(self._index, self._block)


class MoveBlock(QUndoCommand):
    def __init__(self, arch: Architecture, source: int, destination: int, text: str) -> None:
        super().__init__(text)
        self._arch, self._source, self._destination = arch, source, destination

    def redo(self) -> None:
        self._arch.move(self._source, self._destination)

    def undo(self) -> None:
        self._arch.move(self._destination, self._source)


class SetParam(QUndoCommand):
    """Consecutive edits of the same parameter merge into one undo step."""

    ID = 1001

    def __init__(self, arch: Architecture, index: int, name: str, value: Any, text: str) -> None:
        super().__init__(text)
        self._arch, self._index, self._name = arch, index, name
        self._old = arch[index].params.get(name)
        self._new = value

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParam) or (other._index, other._name) != (
            self._index,
            self._name,
        ):
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._arch.set_param(self._index, self._name, self._new)

    def undo(self) -> None:
        self._arch.set_param(self._index, self._name, self._old)


class SetFrozen(QUndoCommand):
    """Freeze or unfreeze one layer (its weights stop or start training)."""

    def __init__(self, arch: Architecture, index: int, frozen: bool, text: str) -> None:
        super().__init__(text)
        self._arch, self._index = arch, index
        self._old, self._new = arch[index].frozen, bool(frozen)

    def redo(self) -> None:
        self._arch.set_frozen(self._index, self._new)

    def undo(self) -> None:
        self._arch.set_frozen(self._index, self._old)


class SetInit(QUndoCommand):
    """A layer's own weight/bias initialisation (``None``: the project's). Consecutive edits
    of the same layer's weight (or bias) merge into one undo step, as parameters do."""

    ID = 1002

    def __init__(self, arch: Architecture, index: int, init: LayerInit | None, text: str) -> None:
        super().__init__(text)
        self._arch, self._index = arch, index
        self._old, self._new = arch[index].init, init
        self._roles = _changed_roles(self._old, init)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetInit) or other._index != self._index:
            return False
        if other._roles != self._roles or len(self._roles) != 1:
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._arch.set_init(self._index, self._new)

    def undo(self) -> None:
        self._arch.set_init(self._index, self._old)


def _changed_roles(old: LayerInit | None, new: LayerInit | None) -> tuple[str, ...]:
    before, after = old or LayerInit(), new or LayerInit()
    return tuple(role for role in ("weight", "bias") if before.get(role) != after.get(role))


class SetInputShape(QUndoCommand):
    def __init__(self, arch: Architecture, shape: tuple[int, ...], text: str) -> None:
        super().__init__(text)
        self._arch, self._old, self._new = arch, arch.input_shape, shape

    def redo(self) -> None:
        self._arch.set_input_shape(self._new)

    def undo(self) -> None:
        self._arch.set_input_shape(self._old)


class SetSetting(QUndoCommand):
    """A dataset or training setting; views follow the project's ``SettingChanged`` event."""

    def __init__(self, project: Project, section: str, key: str, value: Any, text: str) -> None:
        super().__init__(text)
        self._project, self._section, self._key = project, section, key
        self._old, self._new = getattr(getattr(project, section), key), value

    def redo(self) -> None:
        self._project.set_setting(self._section, self._key, self._new)

    def undo(self) -> None:
        self._project.set_setting(self._section, self._key, self._old)
