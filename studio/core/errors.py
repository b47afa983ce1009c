"""Errors a person may see, carried as an English template plus arguments.

The core never imports Qt, so it cannot translate. It keeps the template and its
arguments apart; the GUI translates the template and formats it afterwards, and
the CLI formats the English text directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """One sentence that is not (yet) an error, kept apart like one: a template and its args.

    It formats as its English text, so it can be an argument of another message, and
    the GUI translates it (and any ``Message`` or ``StudioError`` among its arguments).
    """

    template: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template.format(**self.args)


class StudioError(Exception):
    """A failure explained in one or two plain sentences: what happened, what to do."""

    def __init__(self, template: str, **args: Any) -> None:
        self.template = template
        self.args_map = args
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.args_map)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class, template and arguments (a training process sends it to
        the window); the default would rebuild it from the formatted text alone."""
        return (_rebuild_error, (type(self), self.template, dict(self.args_map)))


def _rebuild_error(kind: type[StudioError], template: str, args: dict[str, Any]) -> StudioError:
    error = kind.__new__(kind)
    StudioError.__init__(error, template, **args)
    return error


class FileFormatError(StudioError):
    """A project or model file cannot be read: corrupt, foreign, unsafe or too new."""


class ArchitectureError(StudioError):
    """The stack of blocks cannot be built or run."""


class DatasetError(StudioError):
    """A dataset is missing, unreadable or unsuitable."""


class TrainingError(StudioError):
    """Training cannot start or had to stop (NaN loss, out of memory, bad device)."""


class CodeImportError(StudioError):
    """PyTorch code cannot be turned into a Sequential project."""
