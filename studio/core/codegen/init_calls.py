"""``nn.init`` calls in imported code, read statically into the layers' own initialisation.

Two simple forms are understood, as tutorials write them:

- ``nn.init.normal_(net[0].weight, mean=0, std=0.01)`` (also ``torch.nn.init.`` and
  ``init.`` after ``from torch.nn import init``);
- ``net.apply(init_fn)`` or ``net[2].apply(init_fn)``, where ``init_fn(m)`` calls
  ``nn.init`` on ``m.weight``/``m.bias`` under ``if type(m) == nn.Linear:`` or
  ``if isinstance(m, (nn.Linear, nn.Conv2d)):`` (or with no condition).

Anything else (a computed value, a tensor method such as ``.data.fill_``) is left out
with a note; nothing runs.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from studio.core.errors import StudioError
from studio.core.initialisation import KINDS, LayerInit, TensorInit, parse_tensor_init
from studio.core.registry import get_spec

_BY_FUNCTION = {kind.function: kind.name for kind in KINDS.values() if kind.function}
_KAIMING = (("a", 0.0), ("mode", "fan_in"), ("nonlinearity", "leaky_relu"))
TORCH_SIGNATURE: dict[str, tuple[tuple[str, Any], ...]] = {
    "normal": (("mean", 0.0), ("std", 1.0)),
    "uniform": (("a", 0.0), ("b", 1.0)),
    "constant": (("value", None),),
    "zeros": (),
    "ones": (),
    "xavier_uniform": (("gain", 1.0),),
    "xavier_normal": (("gain", 1.0),),
    "kaiming_uniform": _KAIMING,
    "kaiming_normal": _KAIMING,
}
"""Each function's arguments after the tensor, in torch's order, with torch's defaults."""
_TORCH_NAMES = {"val": "value"}


class _Unreadable(Exception):
    """A call whose values the table cannot hold; the text says why."""


def read_layer_inits(
    tree: ast.Module, name: str, blocks: Sequence[Any], notes: list[str]
) -> dict[int, LayerInit]:
    """The own init of each layer of the network called ``name`` that the code sets."""
    found: dict[int, dict[str, TensorInit]] = {}
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):  # later calls win
        direct = _init_call(node)
        if direct is not None:
            index, role = _layer_tensor(node.args[0] if node.args else None, name)
            fits = index is not None and 0 <= index < len(blocks)
            if fits and get_spec(blocks[index].type).init:
                _keep(found, index, role, direct, node, notes)
            continue
        applied = _apply_call(node, name)
        if applied is not None and applied[1] in functions:
            indexes = range(len(blocks)) if applied[0] is None else [applied[0]]
            _read_function(functions[applied[1]], indexes, blocks, found, notes)
    return {i: LayerInit(parts.get("weight"), parts.get("bias")) for i, parts in found.items()}


def _init_call(node: ast.Call) -> str | None:
    """The table kind of ``nn.init.xxx_(...)``, or ``None`` for any other call."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _BY_FUNCTION:
        return None
    owner = ast.unparse(func.value)
    return _BY_FUNCTION[func.attr] if owner in ("nn.init", "torch.nn.init", "init") else None


def _layer_tensor(node: ast.AST | None, name: str) -> tuple[int | None, str]:
    """``net[0].weight`` → ``(0, "weight")``; anything else → ``(None, "")``."""
    if not (isinstance(node, ast.Attribute) and node.attr in ("weight", "bias")):
        return None, ""
    index = _layer_index(node.value, name)
    return index, node.attr


def _layer_index(node: ast.AST, name: str) -> int | None:
    if (
        isinstance(node, ast.Subscript)
        and ast.unparse(node.value) == name
        and isinstance(node.slice, ast.Constant)
        and type(node.slice.value) is int
    ):
        return node.slice.value
    return None


def _apply_call(node: ast.Call, name: str) -> tuple[int | None, str] | None:
    """``net.apply(f)`` → ``(None, "f")``, ``net[2].apply(f)`` → ``(2, "f")``."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "apply" and len(node.args) == 1):
        return None
    if not isinstance(node.args[0], ast.Name):
        return None
    if ast.unparse(func.value) == name:
        return None, node.args[0].id
    index = _layer_index(func.value, name)
    return (index, node.args[0].id) if index is not None else None


def _read_function(
    func: ast.FunctionDef,
    indexes: Sequence[int],
    blocks: Sequence[Any],
    found: dict[int, dict[str, TensorInit]],
    notes: list[str],
) -> None:
    """Each ``nn.init`` call on the function's argument, for the layers its condition picks."""
    if not func.args.args:
        return
    arg = func.args.args[0].arg
    for statement, types in _guarded(func.body, arg, None):
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call) or (kind := _init_call(node)) is None:
                continue
            target = node.args[0] if node.args else None
            if not (
                isinstance(target, ast.Attribute)
                and target.attr in ("weight", "bias")
                and ast.unparse(target.value) == arg
            ):
                continue
            for index in indexes:
                block = blocks[index] if 0 <= index < len(blocks) else None
                if block is None or not get_spec(block.type).init:
                    continue
                if types is None or get_spec(block.type).torch_class in types:
                    _keep(found, index, target.attr, kind, node, notes)


def _guarded(body: list[ast.stmt], arg: str, types: set[str] | None):
    """Statements with the layer classes their ``if`` allows (``None``: any layer)."""
    for statement in body:
        if isinstance(statement, ast.If):
            allowed = _types_tested(statement.test, arg)
            yield from _guarded(statement.body, arg, allowed if allowed is not None else types)
        else:
            yield statement, types


def _types_tested(test: ast.expr, arg: str) -> set[str] | None:
    """``type(m) == nn.Linear``, ``type(m) in [...]``, ``isinstance(m, (...))`` → class names."""
    classes: ast.AST | None = None
    if isinstance(test, ast.Compare) and len(test.comparators) == 1:
        if ast.unparse(test.left) == f"type({arg})":
            classes = test.comparators[0]
    elif (
        isinstance(test, ast.Call)
        and ast.unparse(test.func) == "isinstance"
        and len(test.args) == 2
        and ast.unparse(test.args[0]) == arg
    ):
        classes = test.args[1]
    if classes is None:
        return None
    items = classes.elts if isinstance(classes, (ast.Tuple, ast.List, ast.Set)) else [classes]
    return {ast.unparse(item).rsplit(".", 1)[-1] for item in items}


def _keep(
    found: dict[int, dict[str, TensorInit]],
    index: int,
    role: str,
    kind: str,
    node: ast.Call,
    notes: list[str],
) -> None:
    try:
        part = parse_tensor_init(_arguments(kind, node), role)
    except (StudioError, _Unreadable, ValueError, TypeError, SyntaxError) as error:
        if isinstance(error, StudioError):
            detail = error.message
        else:
            detail = str(error) if isinstance(error, _Unreadable) else "its values are computed"
        notes.append(
            f"Line {node.lineno}: the {role} init of layer {index} was left out ({detail})."
        )
        return
    found.setdefault(index, {})[role] = part


def _arguments(kind: str, node: ast.Call) -> dict[str, Any]:
    """The call's arguments by the table's names, torch's defaults filled in."""
    signature = TORCH_SIGNATURE[kind]
    values = {name: default for name, default in signature}
    for (name, _), arg in zip(signature, node.args[1:], strict=False):
        values[name] = ast.literal_eval(arg)
    for keyword in node.keywords:
        if keyword.arg == "generator":
            continue
        key = _TORCH_NAMES.get(keyword.arg or "", keyword.arg)
        values[key] = ast.literal_eval(keyword.value)
    if kind.startswith("kaiming") and values.pop("a") not in (0, 0.0):
        raise _Unreadable("Kaiming with a negative slope other than 0")
    values = {k: float(v) if type(v) is int else v for k, v in values.items()}
    return {"kind": kind, **values}
