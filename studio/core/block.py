"""One layer of a network: a registry type and its editable parameters."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from studio.core.errors import ArchitectureError
from studio.core.initialisation import LayerInit
from studio.core.registry import get_spec

_uids = itertools.count(1)


@dataclass
class Block:
    """One layer: a registry type and its editable parameters (never the inferred ones).

    ``frozen`` layers keep their weights while training (``requires_grad=False``, eval
    mode, left out of the optimizer); the project file writes ``"frozen": true``.
    ``init`` is the layer's own weight/bias initialisation (``None``: the project's), written
    as ``"init"`` (see ``studio.core.initialisation``).
    """

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    frozen: bool = False
    init: LayerInit | None = None
    uid: int = field(default_factory=lambda: next(_uids), compare=False)

    @classmethod
    def create(cls, block_type: str, **params: Any) -> Block:
        """A block with the registry's defaults, overridden by ``params``."""
        spec = get_spec(block_type)
        unknown = set(params) - {p.name for p in spec.params}
        if unknown:
            raise ArchitectureError(
                "{block} has no parameter {names}.",
                block=block_type,
                names=", ".join(sorted(unknown)),
            )
        return cls(block_type, {**spec.defaults(), **params})

    def copy(self) -> Block:
        return Block(self.type, dict(self.params), self.frozen, self.init)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "params": dict(self.params)}
        if self.frozen:
            data["frozen"] = True
        if self.init is not None:
            data["init"] = self.init.to_dict()
        return data
