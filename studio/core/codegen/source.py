"""Reading ``nn.Sequential(...)`` networks from Python source without running it.

Only the syntax tree is looked at: which names mean ``torch.nn`` (``nn.``,
``torch.nn.``, ``from torch.nn import Conv2d``), the layer calls inside each
Sequential (nested ones flattened, variables followed), and argument values
worked out with plain arithmetic on literals and constants the file defines.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from studio.core.architecture import MAX_LAYERS
from studio.core.codegen.layers import LayerCall
from studio.core.errors import CodeImportError

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_LIMIT = 10**12
_CONTAINERS = frozenset({"Sequential", "ModuleList"})
_HINT = re.compile(r"#\s*input\s*:?\s*(\d+(?:\s*[×x,]\s*\d+)*)", re.IGNORECASE)


class Unreadable(Exception):
    """A value that only running the code could tell."""

    def __init__(self, node: ast.AST) -> None:
        super().__init__()
        self.node = node


@dataclass
class Site:
    """One ``nn.Sequential(...)`` call in the file and where it is."""

    call: ast.Call
    label: str
    """How the code names it (``model``, ``self.features``, ``make_model()``)."""
    class_name: str | None
    named: bool
    size: int = 0


@dataclass
class _Scope:
    """Where a node sits: its class and function, for following names and ``self.x``."""

    cls: ast.ClassDef | None = None
    func: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    env: dict[str, Any] = field(default_factory=dict)


class SourceReader:
    """The parsed file, with what it imports from torch and the constants it defines."""

    def __init__(self, source: str, filename: str = "<code>") -> None:
        self.source = source
        self.filename = filename
        _check_call_count(source, filename)
        try:
            with warnings.catch_warnings():  # "invalid escape sequence" is not ours to show
                warnings.simplefilter("ignore", SyntaxWarning)
                self.tree = ast.parse(source, filename)
        except SyntaxError as error:
            raise CodeImportError(
                "Line {line} of {name} is not valid Python ({reason}), so it cannot be read.",
                line=error.lineno or 1,
                name=filename,
                reason=error.msg,
            ) from None
        except (RecursionError, MemoryError):
            raise CodeImportError(
                "{name} is nested too deeply to be read.", name=filename
            ) from None
        except ValueError as error:  # null bytes
            raise CodeImportError(
                "{name} is not readable Python source ({reason}).", name=filename, reason=error
            ) from None
        self.lines = source.splitlines()
        self._raw_lines = _source_lines(source)
        self._function_envs: dict[ast.AST, dict[str, Any]] = {}
        self._assignment_index: dict[ast.AST, dict[str, list[tuple[int, ast.expr]]]] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        self._kinds: dict[type[ast.AST], list[ast.AST]] = {kind: [] for kind in _INDEXED}
        for node in ast.walk(self.tree):  # the one walk over the whole tree
            kind = ast.Import if isinstance(node, ast.ImportFrom) else type(node)
            if kind in self._kinds:  # both import kinds in one list, in walk order
                self._kinds[kind].append(node)
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.torch_names: set[str] = set()
        self.nn_names: set[str] = set()
        self.direct: dict[str, str] = {}
        self.star = False
        self._read_imports()
        self.defined = {
            node.name
            for node in self._of(ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.constants = self._constants(self.tree.body, {})

    def _of(self, *kinds: type[ast.AST]) -> list[ast.AST]:
        """The nodes of these kinds, each kind in walk order."""
        return [node for kind in kinds for node in self._kinds[kind]]

    # --- names -----------------------------------------------------------------

    def _read_imports(self) -> None:
        for node in self._of(ast.Import):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "torch.nn" and alias.asname:
                        self.nn_names.add(alias.asname)
                    elif alias.name.split(".")[0] == "torch":
                        self.torch_names.add(alias.asname or "torch")
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module == "torch" and alias.name == "nn":
                        self.nn_names.add(local)
                    elif node.module == "torch.nn" or node.module.startswith("torch.nn.modules"):
                        if alias.name == "*":
                            self.star = True
                        else:
                            self.direct[local] = alias.name

    def nn_name(self, node: ast.AST) -> str | None:
        """The ``torch.nn`` attribute an expression names (``nn.Conv2d`` → ``Conv2d``), if any."""
        if isinstance(node, ast.Name):
            if node.id in self.direct:
                return self.direct[node.id]
            if node.id in self.defined:
                return None
            if self.star or _is_nn_class(node.id):
                return node.id  # a pasted snippet without its imports
            return None
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and (base.id in self.nn_names or base.id == "nn"):
                return node.attr
            if (
                isinstance(base, ast.Attribute)
                and base.attr == "nn"
                and isinstance(base.value, ast.Name)
                and (base.value.id in self.torch_names or base.value.id == "torch")
            ):
                return node.attr
        return None

    def is_call_to(self, node: ast.AST, names: frozenset[str]) -> bool:
        return isinstance(node, ast.Call) and self.nn_name(node.func) in names

    # --- values ----------------------------------------------------------------

    def _constants(self, body: list[ast.stmt], env: dict[str, Any]) -> dict[str, Any]:
        """Names assigned plain values (``hidden = 128``), in order, as far as they can be read."""
        env = dict(env)
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    try:
                        env[target.id] = evaluate(value, env)
                    except Unreadable:
                        env.pop(target.id, None)
        return env

    def text(self, node: ast.AST, limit: int = 70) -> str:
        """The source of ``node`` on one line, shortened for a message."""
        segment = self._segment(node) or ast.unparse(node)
        segment = " ".join(segment.split())
        segment = re.sub(r"([(\[]) ", r"\1", segment)
        segment = re.sub(r",? ([)\]])", r"\1", segment)
        return segment if len(segment) <= limit else segment[: limit - 1] + "…"

    def _segment(self, node: ast.AST) -> str | None:
        """``ast.get_source_segment`` on lines split once (it re-splits the file per call)."""
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        first, last = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if None in (start, end, first, last) or not 0 < start <= end <= len(self._raw_lines):
            return None
        lines = [line.encode() for line in self._raw_lines[start - 1 : end]]
        if len(lines) == 1:
            return lines[0][first:last].decode(errors="replace")
        lines[0], lines[-1] = lines[0][first:], lines[-1][:last]
        return b"".join(lines).decode(errors="replace")

    def line_text(self, line: int | None) -> str:
        return self.lines[line - 1].strip() if line and 0 < line <= len(self.lines) else ""

    def hint(self, line: int) -> str | None:
        """An input shape written in a comment on this line (``# input: 1×28×28``)."""
        match = _HINT.search(self.lines[line - 1]) if 0 < line <= len(self.lines) else None
        return match.group(1) if match else None

    # --- structure ---------------------------------------------------------------

    def scope_of(self, node: ast.AST) -> _Scope:
        """The node's class, function and the constants it sees (read once per function)."""
        scope = _Scope(env=self.constants)
        current = self.parents.get(node)
        while current is not None:
            if scope.func is None and isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scope.func = current
            if scope.cls is None and isinstance(current, ast.ClassDef):
                scope.cls = current
            current = self.parents.get(current)
        if scope.func is not None:
            scope.env = self._function_env(scope.func)
        return scope

    def _function_env(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
        if func not in self._function_envs:
            env = dict(self.constants)
            env.update(self._defaults(func, env))
            self._function_envs[func] = self._constants(list(func.body), env)
        return self._function_envs[func]

    def _defaults(self, func: ast.FunctionDef | ast.AsyncFunctionDef, env: dict[str, Any]):
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        with_defaults = positional[len(positional) - len(args.defaults) :]
        pairs = list(zip(with_defaults, args.defaults, strict=True))
        pairs += [
            (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
        ]
        found = {}
        for arg, default in pairs:
            with contextlib.suppress(Unreadable):
                found[arg.arg] = evaluate(default, env)
        return found

    def module_classes(self) -> list[ast.ClassDef]:
        """Classes that derive from ``nn.Module`` (or ``nn.Sequential``), directly or not.

        A class with a ``forward`` method counts too: ``pl.LightningModule`` is a
        Module that the file does not import from torch.
        """
        classes = [n for n in self._of(ast.ClassDef) if isinstance(n, ast.ClassDef)]
        subclasses: dict[str, list[ast.ClassDef]] = {}
        found: list[ast.ClassDef] = []
        names: set[str] = set()
        for cls in classes:
            for base in cls.bases:
                if isinstance(base, ast.Name):
                    subclasses.setdefault(base.id, []).append(cls)
            if cls.name not in names and self._is_module_root(cls):
                found.append(cls)
                names.add(cls.name)
        pending = list(found)
        while pending:  # each class once: linear, however the file orders its classes
            for sub in subclasses.get(pending.pop().name, []):
                if sub.name not in names:
                    names.add(sub.name)
                    found.append(sub)
                    pending.append(sub)
        return sorted(found, key=lambda c: c.lineno)

    def _is_module_root(self, cls: ast.ClassDef) -> bool:
        """A class with ``forward`` or a torch.nn container/Module base."""
        if any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "forward"
            for n in cls.body
        ):
            return True
        return any(self.nn_name(base) in _CONTAINERS | {"Module"} for base in cls.bases)

    def sites(self) -> list[Site]:
        """Every ``nn.Sequential(...)`` that is not part of another one."""
        calls = [n for n in self._of(ast.Call) if self.is_call_to(n, frozenset({"Sequential"}))]
        sites: list[Site] = []
        for call in calls:
            if self._inside_sequential(call):
                continue
            label, named = self._label(call)
            scope = self.scope_of(call)
            sites.append(Site(call, label, scope.cls.name if scope.cls else None, named))
        used = set()
        labels = {s.label for s in sites if s.named}
        for other in sites if len(sites) > 1 else ():
            for label in self._mentioned(other.call, labels):
                used.update(id(s) for s in sites if s is not other and s.named and s.label == label)
        outer = [s for s in sites if id(s) not in used] or sites
        return sorted(outer, key=lambda s: (s.call.lineno, s.call.col_offset))

    def _inside_sequential(self, node: ast.AST) -> bool:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, ast.stmt):
            if self.is_call_to(current, _CONTAINERS):
                return True
            current = self.parents.get(current)
        return False

    def _label(self, call: ast.Call) -> tuple[str, bool]:
        parent = self.parents.get(call)
        targets: list[ast.expr] = []
        if isinstance(parent, ast.Assign):
            targets = parent.targets
        elif isinstance(parent, ast.AnnAssign):
            targets = [parent.target]
        elif isinstance(parent, ast.Return):
            func = self.scope_of(call).func
            if func is not None:
                return f"{func.name}()", True
        for target in targets:
            if isinstance(target, (ast.Name, ast.Attribute)):
                return ast.unparse(target), True
        return "nn.Sequential", False

    def _mentioned(self, call: ast.Call, labels: set[str]) -> set[str]:
        """Which of the variables Sequentials are assigned to ``call``'s arguments refer to."""
        found = set()
        for node in ast.walk(call):
            if node is not call and isinstance(node, (ast.Name, ast.Attribute)):
                text = _dotted(node)
                if text in labels:
                    found.add(text)
        return found

    # --- expanding -------------------------------------------------------------

    def layers(self, node: ast.expr, seen: frozenset[int] = frozenset()) -> list[LayerCall]:
        """The layer calls of a Sequential (or of anything that names one), flattened."""
        if id(node) in seen:
            raise CodeImportError(
                "Line {line}: `{text}` refers to itself.", line=node.lineno, text=self.text(node)
            )
        seen = seen | {id(node)}
        if isinstance(node, ast.Call):
            name = self.nn_name(node.func)
            if name in _CONTAINERS:
                return self._container(node, seen)
            if name is not None:
                return [self._layer_call(node, name)]
            raise CodeImportError(
                "Line {line}: `{text}` is not a torch.nn layer. Without running code, only "
                "torch.nn layers can be read; a Module class can be imported with --trust.",
                line=node.lineno,
                text=self.text(node),
            )
        if isinstance(node, (ast.Name, ast.Attribute)):
            value = self._assigned(node)
            if value is not None:
                return self.layers(value, seen)
        raise CodeImportError(
            "Line {line}: cannot tell what `{text}` is without running the code. Write the "
            "layers out inside the nn.Sequential(...).",
            line=node.lineno,
            text=self.text(node),
        )

    def _container(self, call: ast.Call, seen: frozenset[int]) -> list[LayerCall]:
        if call.keywords:
            raise CodeImportError(
                "Line {line}: nn.Sequential takes its layers as plain arguments.",
                line=call.lineno,
            )
        items: list[ast.expr] = []
        for arg in call.args:
            items.extend(self._items(arg))
        found: list[LayerCall] = []
        for item in items:
            found.extend(self.layers(item, seen))
            if len(found) > MAX_LAYERS:  # stop early: nested Sequentials can multiply
                raise too_many_layers(self.filename)
        return found

    def _items(self, arg: ast.expr) -> list[ast.expr]:
        """The layers an argument stands for: ``*layers``, a list, an ``OrderedDict``."""
        if isinstance(arg, ast.Starred):
            return self._sequence(arg.value)
        if isinstance(arg, ast.Dict):
            return [v for v in arg.values if v is not None]
        if (
            isinstance(arg, ast.Call)
            and _called_name(arg.func) == "OrderedDict"
            and len(arg.args) == 1
        ):
            pairs = self._sequence(arg.args[0])
            values = []
            for pair in pairs:
                if not (isinstance(pair, ast.Tuple) and len(pair.elts) == 2):
                    raise CodeImportError(
                        "Line {line}: expected (name, layer) pairs in the OrderedDict.",
                        line=pair.lineno,
                    )
                values.append(pair.elts[1])
            return values
        if isinstance(arg, (ast.List, ast.Tuple)):
            return list(arg.elts)
        return [arg]

    def _sequence(self, node: ast.expr) -> list[ast.expr]:
        if isinstance(node, (ast.List, ast.Tuple)):
            return list(node.elts)
        if isinstance(node, (ast.Name, ast.Attribute)):
            value = self._assigned(node)
            if value is not None:
                return self._sequence(value)
        modules = frozenset({"ModuleList"})
        if isinstance(node, ast.Call) and len(node.args) == 1 and self.is_call_to(node, modules):
            return self._sequence(node.args[0])
        raise CodeImportError(
            "Line {line}: the layers in `{text}` are built while the code runs, so they cannot "
            "be read without running it. Write the layers out inside the nn.Sequential(...).",
            line=node.lineno,
            text=self.text(node),
        )

    def _assigned(self, node: ast.Name | ast.Attribute) -> ast.expr | None:
        """The value last assigned to this name (or ``self.x``) before it is used."""
        wanted = _dotted(node)
        scope = self.scope_of(node)
        places: list[ast.AST] = []
        if isinstance(node, ast.Attribute):
            if scope.cls is not None:
                places.append(scope.cls)
        else:
            if scope.func is not None:
                places.append(scope.func)
            places.append(self.tree)
        for place in places:
            best: ast.expr | None = None
            for lineno, value in self._assignments(place).get(wanted, ()):
                before = isinstance(node, ast.Attribute) or lineno <= node.lineno
                if before and value is not node:
                    best = value
            if best is not None:
                return best
        return None

    def _assignments(self, place: ast.AST) -> dict[str, list[tuple[int, ast.expr]]]:
        """Assignments in a class or function (anywhere inside) or the module (top level
        only), by target text, indexed once so that following names stays linear."""
        if place not in self._assignment_index:
            if isinstance(place, ast.Module):
                statements: list[ast.AST] = list(place.body)
            else:
                statements = [s for s in ast.walk(place) if isinstance(s, ast.stmt)]
            index: dict[str, list[tuple[int, ast.expr]]] = {}
            for stmt in statements:
                if isinstance(stmt, ast.Assign):
                    targets, value = stmt.targets, stmt.value
                elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    targets, value = [stmt.target], stmt.value
                else:
                    continue
                for text in dict.fromkeys(_dotted(t) for t in targets):
                    index.setdefault(text, []).append((stmt.lineno, value))
            self._assignment_index[place] = index
        return self._assignment_index[place]

    def _layer_call(self, call: ast.Call, name: str) -> LayerCall:
        env = self.scope_of(call).env
        try:
            args: list[Any] = []
            for arg in call.args:
                if isinstance(arg, ast.Starred):
                    raise Unreadable(arg)
                args.append(evaluate(arg, env))
            kwargs = {}
            for keyword in call.keywords:
                if keyword.arg is None:
                    raise Unreadable(keyword.value)
                kwargs[keyword.arg] = evaluate(keyword.value, env)
        except Unreadable as problem:
            raise CodeImportError(
                "Line {line}: cannot work out the value `{value}` in `{text}` without running "
                "the code. Write it as a number.",
                line=getattr(problem.node, "lineno", call.lineno),
                value=self.text(problem.node, 40),
                text=self.text(call),
            ) from None
        return LayerCall(name, tuple(args), kwargs, call.lineno, self.text(call))

    def class_attributes(self, cls: ast.ClassDef) -> list[str]:
        """``self.x`` names the class assigns layers or Sequentials to."""
        found = []
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and self.nn_name(node.value.func) is not None
                    ):
                        found.append(ast.unparse(target))
        return found

    def instantiated(self) -> set[str]:
        """Names called outside any class body: ``net = Net()`` says which class is the model."""
        found = set()
        for node in self._of(ast.Call):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and self.enclosing(node, ast.ClassDef) is None
            ):
                found.add(node.func.id)
        return found

    def enclosing(self, node: ast.AST, kind: type[ast.AST]) -> ast.AST | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            current = self.parents.get(current)
        return current

    def used_inside_classes(self, names: set[str]) -> set[str]:
        """Class names another class builds (``self.block = Block()``): parts, not the model."""
        found = set()
        for cls in self._of(ast.ClassDef):
            for node in ast.walk(cls):
                if isinstance(node, ast.Name) and node.id in names and node.id != cls.name:
                    found.add(node.id)
        return found


def _source_lines(source: str) -> list[str]:
    """The lines as the parser counts them (``\\r``, ``\\n``, ``\\r\\n``; not form feeds)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", source)


_INDEXED = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.Call)
"""Node kinds ``SourceReader`` lists while it walks the tree once (imports of both kinds)."""


MAX_CALLS = 5 * MAX_LAYERS
"""Calls a file may hold: a network of MAX_LAYERS layers, each with a few helper calls."""
_CALL = re.compile(r"[A-Za-z_][\w.]*[ \t]*\(")


def _check_call_count(source: str, filename: str) -> None:
    """Refuse a file far longer than any importable network before parsing it.

    Parsing costs far more than this scan (seconds per 100,000 calls) and its tree
    holds hundreds of bytes per node.
    """
    calls = sum(1 for _ in itertools.islice(_CALL.finditer(source), MAX_CALLS + 1))
    if calls > MAX_CALLS:
        raise CodeImportError(
            "{file} holds more than {calls} calls, far more than a network of at most {n} "
            "layers needs, so it was not read. Import a file with a shorter network.",
            file=_display(filename),
            calls=MAX_CALLS,
            n=MAX_LAYERS,
        )


def too_many_layers(filename: str) -> CodeImportError:
    """The error for a network longer than a project can hold."""
    return CodeImportError(
        "{file} has a network of more than {n} layers, and a project holds at most {n}. "
        "Split it, or import a shorter network.",
        file=_display(filename),
        n=MAX_LAYERS,
    )


def _display(filename: str) -> str:
    return "The code" if filename.startswith("<") else PurePath(filename).name


def _dotted(node: ast.AST) -> str:
    """``ast.unparse`` for the common ``a.b.c`` without its cost (unparse for the rest)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
        return f"{_dotted(node.value)}.{node.attr}"
    return ast.unparse(node)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_nn_class(name: str) -> bool:
    from torch import nn

    return name[:1].isupper() and isinstance(getattr(nn, name, None), type)


def evaluate(node: ast.AST, env: dict[str, Any]) -> Any:
    """The value of a literal or of arithmetic on literals and known constants; never runs code."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float, str, bool)) or node.value is None:
            return node.value
        raise Unreadable(node)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(evaluate(e, env) for e in node.elts)
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unreadable(node)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = evaluate(node.operand, env)
        _number(operand, node)
        return _UNARY[type(node.op)](operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        _number(left, node)
        _number(right, node)
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > _LIMIT):
            raise Unreadable(node)
        try:
            result = _BINARY[type(node.op)](left, right)
        except (ArithmeticError, ValueError):
            raise Unreadable(node) from None
        if isinstance(result, complex) or abs(result) > _LIMIT:
            raise Unreadable(node)
        return result
    raise Unreadable(node)


def _number(value: Any, node: ast.AST) -> None:
    if not isinstance(value, (int, float)):
        raise Unreadable(node)
