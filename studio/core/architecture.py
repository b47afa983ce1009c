"""An input shape plus an ordered list of blocks, with change events.

The architecture is plain Python. Views adapt it by listening to its typed events
(``Inserting``/``Inserted``, ``Removing``/``Removed``, ``Moving``/``Moved``,
``ParamChanged``, ``Resetting``/``Reset`` in ``studio.core.events``), the way
napari's Qt list models listen to its event lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from studio.core import events
from studio.core.block import Block
from studio.core.errors import ArchitectureError, Message
from studio.core.initialisation import LayerInit, normalised, parse_layer_init
from studio.core.registry import ANY_RANK, Shape, get_spec
from studio.core.shapes import analyse

__all__ = ["MAX_LAYERS", "Architecture", "Block", "parse_shape"]

MAX_LAYERS = 10_000


class Architecture:
    """The network being edited: ``input_shape`` and ``blocks``, with events on change."""

    def __init__(self, input_shape: Iterable[int], blocks: Iterable[Block] = ()) -> None:
        self._input_shape: Shape = _check_input_shape(input_shape)
        self._blocks: list[Block] = list(blocks)
        self._events = events.Emitter()

    # --- observation -------------------------------------------------------------

    def subscribe(self, listener: events.Listener) -> None:
        """Call ``listener`` with every ``studio.core.events`` event of this network."""
        self._events.subscribe(listener)

    def unsubscribe(self, listener: events.Listener) -> None:
        self._events.unsubscribe(listener)

    # --- reading -----------------------------------------------------------------

    @property
    def input_shape(self) -> Shape:
        return self._input_shape

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(self._blocks)

    def __len__(self) -> int:
        return len(self._blocks)

    def __iter__(self) -> Iterator[Block]:
        return iter(self._blocks)

    def __getitem__(self, index: int) -> Block:
        return self._blocks[index]

    def index_of(self, uid: int) -> int:
        for i, block in enumerate(self._blocks):
            if block.uid == uid:
                return i
        raise KeyError(uid)

    # --- editing -----------------------------------------------------------------

    def insert(self, index: int, block: Block) -> None:
        if len(self._blocks) >= MAX_LAYERS:
            raise ArchitectureError("A network can have at most {n} layers.", n=MAX_LAYERS)
        index = max(0, min(index, len(self._blocks)))
        self._events.emit(events.Inserting(index))
        self._blocks.insert(index, block)
        self._events.emit(events.Inserted(index, block))

    def append(self, block: Block) -> None:
        self.insert(len(self._blocks), block)

    def remove(self, index: int) -> Block:
        self._events.emit(events.Removing(index))
        block = self._blocks.pop(index)
        self._events.emit(events.Removed(index, block))
        return block

    def move(self, source: int, destination: int) -> None:
        """Move the block at ``source`` so that it ends up at index ``destination``."""
        if source == destination:
            return
        self._events.emit(events.Moving(source, destination))
        block = self._blocks.pop(source)
        self._blocks.insert(destination, block)
        self._events.emit(events.Moved(source, destination))

    def set_param(self, index: int, name: str, value: Any) -> None:
        block = self._blocks[index]
        spec = get_spec(block.type).param(name)
        problem = spec.problem(value)
        if problem is not None:
            raise ArchitectureError(problem.template, **problem.args)
        old = block.params.get(name)
        block.params[name] = spec.coerce(value)
        self._events.emit(events.ParamChanged(index, name, old, block.params[name]))

    def set_frozen(self, index: int, frozen: bool) -> None:
        """Freeze or unfreeze the layer at ``index`` (its weights stop or start training)."""
        block = self._blocks[index]
        old, block.frozen = block.frozen, bool(frozen)
        self._events.emit(events.FrozenChanged(index, old, block.frozen))

    def set_init(self, index: int, init: LayerInit | None) -> None:
        """Give the layer at ``index`` its own initialisation, or ``None`` for the project's."""
        block = self._blocks[index]
        if init is not None and not get_spec(block.type).init:
            raise ArchitectureError(
                "{block} has no weights to initialise; remove its init.", block=block.type
            )
        old, block.init = block.init, normalised(init)
        self._events.emit(events.InitChanged(index, old, block.init))

    def set_input_shape(self, shape: Iterable[int]) -> None:
        self.replace_all(shape, self._blocks)

    def replace_all(self, input_shape: Iterable[int], blocks: Iterable[Block]) -> None:
        new_shape, old_shape = _check_input_shape(input_shape), self._input_shape
        new_blocks = list(blocks)
        self._events.emit(events.Resetting(old_shape, new_shape))
        self._input_shape, self._blocks = new_shape, new_blocks
        self._events.emit(events.Reset(old_shape, new_shape))

    # --- building ----------------------------------------------------------------

    def copy(self) -> Architecture:
        return Architecture(self._input_shape, [b.copy() for b in self._blocks])

    def build(self) -> Any:
        """Return an ``nn.Sequential`` whose state_dict keys are ``0.weight``, ``3.bias``, …

        Raises ``ArchitectureError`` naming the first layer that cannot be built, or
        saying how much memory a network too large for this computer would need. Under
        ``with torch.device("meta")`` it builds shapes only, allocating nothing.
        """
        from torch import nn

        report = analyse(self)
        broken = [
            d for d in report.errors if d.index >= 0 and report.layers[d.index].output_shape is None
        ]
        if broken:
            first = broken[0]
            raise ArchitectureError(
                "Layer {index} ({block}): {message}",
                index=first.index,
                block=self._blocks[first.index].type,
                message=Message(first.template, first.args),
            )
        if _allocates():
            from studio.core.memory import check_fits

            check_fits(report)  # before torch allocates what a file merely claims
        modules = []
        for block, layer in zip(self._blocks, report.layers, strict=True):
            modules.append(get_spec(block.type).build(layer.input_shape, block.params))
        return nn.Sequential(*modules)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_shape": list(self._input_shape),
            "layers": [b.to_dict() for b in self._blocks],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Architecture:
        """Read an architecture written by ``to_dict``, checking every value."""
        if not isinstance(data, Mapping):
            raise ArchitectureError(
                "The architecture must be an object with input_shape and layers."
            )
        layers = data.get("layers")
        if not isinstance(layers, list):
            raise ArchitectureError("The architecture has no list of layers.")
        blocks = []
        for position, item in enumerate(layers):
            if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
                raise ArchitectureError("Layer {index} has no block type.", index=position)
            spec = get_spec(item["type"])
            params = item.get("params", {})
            if not isinstance(params, Mapping):
                raise ArchitectureError("Layer {index} has malformed parameters.", index=position)
            values = spec.defaults()
            for name, value in params.items():
                try:
                    pspec = spec.param(name)
                except (KeyError, TypeError):
                    raise ArchitectureError(
                        "Layer {index} ({block}) has an unknown parameter {name!r}.",
                        index=position,
                        block=spec.type,
                        name=name if isinstance(name, str) else type(name).__name__,
                    ) from None
                problem = pspec.problem(value)
                if problem is not None:
                    raise ArchitectureError(
                        "Layer {index} ({block}): {problem}",
                        index=position,
                        block=spec.type,
                        problem=problem,
                    )
                values[name] = pspec.coerce(value)
            frozen = item.get("frozen", False)
            if not isinstance(frozen, bool):
                raise ArchitectureError(
                    "Layer {index} ({block}): frozen must be true or false.",
                    index=position,
                    block=spec.type,
                )
            try:
                init = parse_layer_init(item.get("init"), spec.type)
            except ArchitectureError as error:
                raise ArchitectureError(
                    "Layer {index} ({block}): {message}",
                    index=position,
                    block=spec.type,
                    message=error,
                ) from None
            blocks.append(Block(spec.type, values, frozen, init))
        if len(blocks) > MAX_LAYERS:
            raise ArchitectureError("A network can have at most {n} layers.", n=MAX_LAYERS)
        return cls(data.get("input_shape", ()), blocks)


def _allocates() -> bool:
    """False while building on torch's ``meta`` device, which only records shapes."""
    import torch

    return torch.get_default_device().type != "meta"


def _check_input_shape(shape: Iterable[int]) -> Shape:
    try:
        values = tuple(shape)
    except TypeError:
        values = ()
    ok = len(values) in ANY_RANK and all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65_536 for v in values
    )
    if not ok:
        raise ArchitectureError(
            "The input shape must be channels,height,width (like 1,28,28), channels,length "
            "(like 1,784) or a feature count (like 784), with whole numbers from 1 to 65536; "
            "got {shape}.",
            shape=_shown_shape(shape, values),
        )
    return values


def _shown_shape(shape: Any, values: tuple[Any, ...]) -> str:
    """A short one-line picture of a wrong shape, whatever a file put there."""
    if not isinstance(shape, (list, tuple)):
        return f"a {type(shape).__name__}"
    parts = [repr(v) if isinstance(v, (int, float, str)) else type(v).__name__ for v in values]
    more = ", …" if len(parts) > 8 else ""
    return "[" + ", ".join(p[:20] for p in parts[:8]) + more + "]"


def parse_shape(text: str) -> Shape:
    """Read ``"1,28,28"``, ``"1,784"`` or ``"784"`` as typed on a command line."""
    try:
        values = tuple(int(part) for part in text.replace("x", ",").replace("×", ",").split(","))
    except ValueError:
        raise ArchitectureError(
            "Could not read the shape {text!r}; write it like 1,28,28, 1,784 or 784.", text=text
        ) from None
    return _check_input_shape(values)
