"""Which model a file builds, and how: ``net = vgg16(...)``, ``model = MLP(784)``, ``--args``.

A trusted import should import the network the file itself creates, with the
arguments it gives and the layers it adds or replaces afterwards
(``net.classifier[6] = nn.Linear(4096, 10)``), not a guess of how to build it.
This module finds that statement and its changes in the syntax tree; the tracer
runs them. ``--args`` gives a class's constructor values when the file does not.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from typing import Any, Literal

from studio.core.codegen.source import SourceReader, Unreadable, _changes, evaluate
from studio.core.errors import CodeImportError

Kind = Literal["class", "function", "torchvision", "sequential"]

TORCHVISION_SHAPE = (3, 224, 224)
"""The input torchvision's ImageNet models are made for."""


@dataclass
class Built:
    """The top-level statement that creates the model, and the ones that change it later."""

    variable: str
    statement: ast.Assign
    kind: Kind
    maker: str
    """The class, function or torchvision model called (``MLP``, ``vgg16``)."""
    changes: list[ast.stmt] = field(default_factory=list)
    needed: list[ast.stmt] = field(default_factory=list)
    """Earlier top-level assignments those statements use, run before them."""

    @property
    def statements(self) -> list[ast.stmt]:
        return [self.statement, *self.changes]

    @property
    def name(self) -> str:
        """The project's name: the class or torchvision model, else the variable."""
        return self.maker if self.kind in ("class", "torchvision") else self.variable

    def describe(self) -> str:
        lines = ", ".join(str(s.lineno) for s in self.changes)
        changed = f" and line(s) {lines} that change {self.variable}" if lines else ""
        return f"line {self.statement.lineno}{changed}"


def find_built(reader: SourceReader, classes: list[ast.ClassDef]) -> Built | None:
    """The last top-level ``name = <model>(...)`` not used to build another, with its changes."""
    class_names = {c.name for c in classes}
    functions = {s.name for s in reader.tree.body if isinstance(s, ast.FunctionDef)}
    found: list[Built] = []
    for stmt in reader.tree.body:
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
        ):
            continue
        kind = _kind(reader, stmt.value.func, class_names, functions)
        if kind is not None:
            maker = _last_name(stmt.value.func)
            found.append(Built(stmt.targets[0].id, stmt, kind, maker))
    parts = {
        node.id
        for built in found
        for node in ast.walk(built.statement.value)
        if isinstance(node, ast.Name)
    }
    chosen = [b for b in found if b.variable not in parts] or found
    if not chosen:
        return None
    built = chosen[-1]
    built.changes = [
        s
        for s in reader.tree.body
        if s.lineno > built.statement.lineno
        and _changes(s, built.variable)
        and not isinstance(s, (ast.FunctionDef, ast.ClassDef))
    ]
    built.needed = _needed(reader.tree.body, built.statements)
    return built


def _needed(body: list[ast.stmt], statements: list[ast.stmt]) -> list[ast.stmt]:
    """Earlier top-level assignments the model's statements use (``shared = nn.Linear(8, 8)``)."""
    needed: list[ast.stmt] = []
    wanted = {n.id for s in statements for n in ast.walk(s) if isinstance(n, ast.Name)}
    first = min(s.lineno for s in statements)
    for stmt in reversed([s for s in body if s.lineno < first]):
        if not isinstance(stmt, ast.Assign):
            continue
        targets = {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if targets & wanted:
            needed.append(stmt)
            wanted |= {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
    return needed[::-1]


def _kind(
    reader: SourceReader, func: ast.expr, classes: set[str], functions: set[str]
) -> Kind | None:
    if isinstance(func, ast.Name) and func.id in classes:
        return "class"
    if isinstance(func, ast.Name) and func.id in functions:
        return "function"
    if reader.nn_name(func) == "Sequential":
        return "sequential"
    if _torchvision_model(reader, func):
        return "torchvision"
    return None


def _torchvision_model(reader: SourceReader, func: ast.expr) -> bool:
    """``torchvision.models.vgg16``, ``models.vgg16`` or ``vgg16`` imported from there."""
    origins = _torchvision_names(reader.tree)
    parts: list[str] = []
    node = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in origins:
        return False
    dotted = ".".join([origins[node.id], *reversed(parts)])
    return dotted.startswith("torchvision.models.") and dotted.count(".") >= 2


def _torchvision_names(tree: ast.Module) -> dict[str, str]:
    """Local names bound to torchvision or its parts: ``{"models": "torchvision.models"}``.

    Walked once per file and kept on the tree: every call in the file asks, and walking
    the whole tree per call made a 2,000-layer file's import quadratic (165 s).
    """
    cached = getattr(tree, "_torchvision_names", None)
    if cached is None:
        cached = tree._torchvision_names = _find_torchvision_names(tree)
    return cached


def _find_torchvision_names(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "torchvision":
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else "torchvision"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torchvision"):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _last_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ast.unparse(func)


# --- constructor arguments ---------------------------------------------------------


@dataclass(frozen=True)
class ConstructorArgs:
    """Values for a class's ``__init__``: ``--args 784`` or ``--args input_num=784``."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        given = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return ", ".join(given)


def parse_args(tokens: list[str]) -> ConstructorArgs:
    """``["784", "hidden=256"]`` as Python literals; a clear error for anything else."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for token in tokens:
        name, sep, text = token.partition("=")
        keyword = bool(sep) and name.strip().isidentifier()
        if not keyword:
            text = token
        elif kwargs and name.strip() in kwargs:
            raise CodeImportError("--args gives {name} twice.", name=name.strip())
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise CodeImportError(
                "--args: `{text}` is not a Python literal. Give numbers, strings in quotes, "
                "True/False/None, tuples or lists, like --args 784 or --args input_num=784.",
                text=token[:60],
            ) from None
        if keyword:
            kwargs[name.strip()] = value
        elif kwargs:
            raise CodeImportError(
                "--args: the value `{text}` comes after a name=value pair; give plain values "
                "first.",
                text=token[:60],
            )
        else:
            args.append(value)
    return ConstructorArgs(tuple(args), kwargs)


def file_call_args(reader: SourceReader, class_name: str) -> tuple[ConstructorArgs, int] | None:
    """The literal arguments of the first ``Class(...)`` call outside any class body."""
    for node in ast.walk(reader.tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == class_name
            and (node.args or node.keywords)
            and reader.enclosing(node, ast.ClassDef) is None
        ):
            continue
        env = reader.scope_of(node).env
        try:
            args = tuple(evaluate(a, env) for a in node.args)
            kwargs = {k.arg: evaluate(k.value, env) for k in node.keywords if k.arg}
        except Unreadable:
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            continue
        return ConstructorArgs(args, kwargs), node.lineno
    return None


def args_example(cls: type) -> str:
    """``input_num=...`` for each required parameter of ``cls.__init__``."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return "VALUE"
    required = [
        p.name
        for p in signature.parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    return " ".join(f"{name}=VALUE" for name in required) or "VALUE"
