"""What changed in a project, as small typed events carrying old and new values.

``Architecture`` and ``Project`` call their listeners with one of these; views
adapt them (``ArchitectureModel`` turns them into Qt's begin/end row calls) and
undo commands only call the model's methods, as orange-canvas-core's commands do.
Events ending in ``-ing`` come before the change, the others after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Inserting:
    index: int


@dataclass(frozen=True)
class Inserted:
    index: int
    block: Any


@dataclass(frozen=True)
class Removing:
    index: int


@dataclass(frozen=True)
class Removed:
    index: int
    block: Any


@dataclass(frozen=True)
class Moving:
    """The block at ``source`` is about to end up at index ``destination``."""

    source: int
    destination: int


@dataclass(frozen=True)
class Moved:
    source: int
    destination: int


@dataclass(frozen=True)
class ParamChanged:
    index: int
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class FrozenChanged:
    """A layer was frozen (``new`` true) or unfrozen."""

    index: int
    old: bool
    new: bool


@dataclass(frozen=True)
class InitChanged:
    """A layer's own initialisation changed (``None``: it follows the project's)."""

    index: int
    old: Any
    new: Any


@dataclass(frozen=True)
class Resetting:
    """The input shape, or every block, is about to be replaced."""

    old_shape: tuple[int, ...]
    new_shape: tuple[int, ...]


@dataclass(frozen=True)
class Reset:
    old_shape: tuple[int, ...]
    new_shape: tuple[int, ...]


@dataclass(frozen=True)
class SettingChanged:
    """A dataset or training setting of the project (``section`` ``dataset``/``training``)."""

    section: str
    key: str
    old: Any
    new: Any


ArchitectureEvent = Inserting | Inserted | Removing | Removed | Moving | Moved | ParamChanged
ArchitectureEvent = ArchitectureEvent | Resetting | Reset
Listener = Callable[[Any], None]


class Emitter:
    """A list of listeners, each called with every event in order."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def __reduce__(self) -> tuple[type, tuple[()]]:
        """Copies and pickles start with no listeners: a window never travels with its data."""
        return (Emitter, ())

    def emit(self, event: Any) -> None:
        for listener in list(self._listeners):
            listener(event)
