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
BACKBONE = "Backbone"


def is_backbone_helper(func: ast.FunctionDef) -> bool:
    """Whether ``func`` is the ``backbone()`` helper exported scripts define, word for word
    (its docstring aside): then ``backbone("resnet18", "DEFAULT")`` is one Backbone block."""
    from studio.core.codegen.script_finetune import BACKBONE_HELPER

    return _without_docstring(func) == _without_docstring(ast.parse(BACKBONE_HELPER).body[0])


def _without_docstring(func: ast.AST) -> str:
    body = list(getattr(func, "body", []))
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[])) + ast.dump(func.args)


_HINT = re.compile(r"#\s*input\s*:?\s*(\d+(?:\s*[×x,]\s*\d+)*)", re.IGNORECASE)


class TrustNeeded(CodeImportError):
    """Only running the file can tell its network (a Module class, a factory, torchvision)."""


class TiedLayers(CodeImportError):
    """One layer with weights placed twice: importing would untie it, so it is refused."""


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
    factory: ast.FunctionDef | None = None
    """The top-level function that builds and returns the network, if it is in one."""


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
        factories: set[int] = set()
        for call in calls:
            if self._inside_sequential(call):
                continue
            scope = self.scope_of(call)
            factory = self._factory(scope, call)
            if factory is not None:  # the function's whole body is read, once
                if id(factory) not in factories:
                    factories.add(id(factory))
                    sites.append(Site(call, f"{factory.name}()", None, True, factory=factory))
                continue
            label, named = self._label(call)
            sites.append(Site(call, label, scope.cls.name if scope.cls else None, named))
        used = set()
        labels = {s.label for s in sites if s.named}
        for other in sites if len(sites) > 1 else ():
            for label in self._mentioned(other.call, labels):
                used.update(id(s) for s in sites if s is not other and s.named and s.label == label)
        used.update(id(s) for s in self._factory_parts(sites))
        outer = [s for s in sites if id(s) not in used] or sites
        return sorted(outer, key=lambda s: (s.call.lineno, s.call.col_offset))

    def _factory(self, scope: _Scope, call: ast.Call) -> ast.FunctionDef | None:
        """The top-level function that returns this Sequential (or the name holding it)."""
        func = scope.func
        if not (scope.cls is None and isinstance(func, ast.FunctionDef) and func in self.tree.body):
            return None
        parent = self.parents.get(call)
        held = {
            t.id
            for t in getattr(parent, "targets", [])
            if isinstance(parent, ast.Assign) and isinstance(t, ast.Name)
        }
        for stmt in func.body:
            if isinstance(stmt, ast.Return) and (
                stmt.value is call or (isinstance(stmt.value, ast.Name) and stmt.value.id in held)
            ):
                return func
        return None

    def site_layers(self, site: Site) -> list[LayerCall]:
        """The layers of a site; a factory function's are what calling it returns."""
        if site.factory is None:
            return self.layers(site.call)
        call = ast.copy_location(
            ast.Call(func=ast.Name(id=site.factory.name, ctx=ast.Load()), args=[], keywords=[]),
            site.factory,
        )
        return self.layers(call)

    def _factory_parts(self, sites: list[Site]) -> list[Site]:
        """Sites returned by a function that another network calls (``block1()`` in ``block2``)."""
        holders = {id(s.factory) for s in sites if s.factory}
        parts = []
        for site in sites:
            func = site.factory
            if func is None:
                continue
            for node in self._of(ast.Call):
                if not (isinstance(node.func, ast.Name) and node.func.id == func.name):
                    continue
                caller = self.scope_of(node).func
                if caller is not func and (
                    self._inside_sequential(node) or (caller and id(caller) in holders)
                ):
                    parts.append(site)
                    break
        return parts

    def changed_later(self, site: Site) -> ast.stmt | None:
        """A statement that changes a Sequential after it is built (``net[6] = ...``), in the
        module or the function that builds it."""
        scope = self.scope_of(site.call)
        if not site.named or site.factory is not None or scope.cls is not None:
            return None
        body = scope.func.body if scope.func is not None else self.tree.body
        for stmt in body:
            if stmt.lineno > site.call.lineno and _changes(stmt, site.label):
                return stmt
        return None

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

    def layers(self, node: ast.expr) -> list[LayerCall]:
        """The layer calls of a Sequential (or of anything that names one), flattened.

        One layer object placed twice (``shared`` in ``nn.Sequential(shared, ..., shared)``)
        shares its weights there; a project cannot, so that is refused, never untied.
        """
        self._uses: dict[tuple[int, int], ast.AST] = {}
        self._frames: dict[ast.AST, int] = {}
        self._next_frame = itertools.count(1)
        return self._layers(node, frozenset())

    def _layers(self, node: ast.expr, seen: frozenset[int]) -> list[LayerCall]:
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
            func = self._own_function(node)
            if func is not None and is_backbone_helper(func):
                return [self._layer_call(node, BACKBONE)]  # the exporter's ``backbone()``
            if func is not None:
                return self._function_layers(func, node, seen)
            raise CodeImportError(
                "Line {line}: `{text}` is not a torch.nn layer. Without running code, only "
                "torch.nn layers can be read; a Module class can be imported with --trust.",
                line=node.lineno,
                text=self.text(node),
            )
        if isinstance(node, (ast.Name, ast.Attribute)):
            found = self._assigned_in(node)
            if found is not None:
                value, place = found
                layers = self._layers(value, seen)
                self._check_shared(node, value, place, layers)
                return layers
        raise CodeImportError(
            "Line {line}: cannot tell what `{text}` is without running the code. Write the "
            "layers out inside the nn.Sequential(...).",
            line=node.lineno,
            text=self.text(node),
        )

    def _check_shared(
        self, node: ast.AST, value: ast.expr, place: ast.AST, layers: list[LayerCall]
    ) -> None:
        """Refuse a layer object used a second time if it has weights (tied parameters)."""
        key = (self._frames.get(place, 0), id(value))
        first = self._uses.get(key)
        if first is None:
            self._uses[key] = node
            return
        if not any(_has_weights(layer) for layer in layers):
            return  # a shared ReLU holds nothing to tie
        raise TiedLayers(
            "Line {line}: `{name}` (made at line {made}) is used a second time in the network, "
            "so both places share one set of weights (tied parameters). A project gives every "
            "layer its own weights, so importing it would change the network; the import "
            "stopped instead. Give each place its own layer if they should not share weights.",
            line=node.lineno,
            name=self.text(node, 40),
            made=value.lineno,
        )

    def _own_function(self, call: ast.Call) -> ast.FunctionDef | None:
        """The file's top-level function a call runs (``block1()``), if it is one."""
        if not isinstance(call.func, ast.Name):
            return None
        for stmt in self.tree.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == call.func.id:
                return stmt
        return None

    def _function_layers(
        self, func: ast.FunctionDef, call: ast.Call, seen: frozenset[int]
    ) -> list[LayerCall]:
        """The layers a block factory returns, read statement by statement, exactly or not at all.

        Understood: building a Sequential, ``add_module``/``append`` on it, ``for`` over
        ``range(N)`` and ``return``. Anything else is refused with its line.
        """
        if call.args or call.keywords:
            raise _needs_running(self, call, f"{func.name}() builds its layers from arguments")
        frame = next(self._next_frame)
        saved = self._frames.get(func)
        self._frames[func] = frame
        try:
            result = self._run_body(func, func.body, {}, seen)
        finally:
            if saved is None:
                self._frames.pop(func, None)
            else:
                self._frames[func] = saved
        if result is None:
            raise _needs_running(self, call, f"{func.name}() returns no network")
        return result

    def _run_body(
        self,
        func: ast.FunctionDef,
        body: list[ast.stmt],
        local: dict[str, list[LayerCall] | CodeImportError],
        seen: frozenset[int],
    ) -> list[LayerCall] | None:
        env = self._function_env(func)
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring
            if isinstance(stmt, ast.Return) and stmt.value is not None:
                value = stmt.value
                if isinstance(value, ast.Name) and value.id in local:
                    return _known(local[value.id])
                return self._layers(value, seen)
            if isinstance(stmt, ast.Assign) and _single_name(stmt) is not None:
                name = _single_name(stmt)
                try:
                    evaluate(stmt.value, env)
                    continue  # a constant, already in the function's values
                except Unreadable:
                    pass
                try:
                    local[name] = list(self._layers(stmt.value, seen))
                except CodeImportError as error:  # a device, a tensor: only an error if used
                    local[name] = error
                continue
            if isinstance(stmt, ast.Expr) and self._grow(stmt.value, local, seen):
                continue
            if isinstance(stmt, ast.Expr) and not _changes(stmt):
                continue  # print(...), net.to(device): the layers stay as they are
            if isinstance(stmt, ast.For) and not stmt.orelse:
                for _ in range(self._range_count(stmt)):
                    if self._run_body(func, stmt.body, local, seen) is not None:
                        raise _needs_running(self, stmt, "a return inside a loop")
                continue
            raise _needs_running(self, stmt, f"{func.name}() runs `{self.text(stmt, 50)}`")
        return None

    def _grow(self, node: ast.expr, local: dict[str, Any], seen: frozenset[int]) -> bool:
        """``net.add_module(name, layer)`` / ``net.append(layer)`` on a Sequential being built."""
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in local
            and not node.keywords
        ):
            return False
        target, method = _known(local[node.func.value.id]), node.func.attr
        if method == "add_module" and len(node.args) == 2:
            target.extend(self._layers(node.args[1], seen))
        elif method == "append" and len(node.args) == 1:
            target.extend(self._layers(node.args[0], seen))
        elif method == "extend" and len(node.args) == 1:
            for item in self._sequence(node.args[0]):
                target.extend(self._layers(item, seen))
        else:
            return False
        if len(target) > MAX_LAYERS:
            raise too_many_layers(self.filename)
        return True

    def _range_count(self, loop: ast.For) -> int:
        """How often ``for _ in range(...)`` runs, when its bounds are plain numbers."""
        it = loop.iter
        if not (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and 1 <= len(it.args) <= 3
            and not it.keywords
        ):
            raise _needs_running(self, loop, "a loop over something other than range(N)")
        env = self.scope_of(loop).env
        try:
            bounds = [evaluate(a, env) for a in it.args]
            count = len(range(*bounds))
        except (Unreadable, TypeError, ValueError, OverflowError):
            raise _needs_running(self, loop, "a loop whose length depends on running it") from None
        if count > MAX_LAYERS:
            raise too_many_layers(self.filename)
        return count

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
            found.extend(self._layers(item, seen))
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
        found = self._assigned_in(node)
        return found[0] if found else None

    def _assigned_in(self, node: ast.Name | ast.Attribute) -> tuple[ast.expr, ast.AST] | None:
        """``_assigned``'s value with the function, class or module it was assigned in."""
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
                return best, place
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


_CHANGES = frozenset({"add_module", "append", "extend", "insert", "register_module", "pop"})


def _known(layers: list[LayerCall] | CodeImportError) -> list[LayerCall]:
    if isinstance(layers, CodeImportError):
        raise layers
    return layers


def _changes(stmt: ast.stmt, *labels: str) -> bool:
    """Whether ``stmt`` adds, replaces or removes layers of one of ``labels`` (of anything
    when none are given)."""

    def rooted(node: ast.AST) -> bool:
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return isinstance(node, ast.Name) and (not labels or node.id in labels)

    for node in ast.walk(stmt):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) and rooted(t) for t in targets):
                return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _CHANGES
            and rooted(node.func.value)
        ):
            return True
    return False


def _single_name(stmt: ast.Assign) -> str | None:
    if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _needs_running(reader: SourceReader, node: ast.AST, what: str) -> TrustNeeded:
    """A factory the syntax tree cannot follow exactly: refused with its line, never guessed."""
    return TrustNeeded(
        "Line {line}: {what}, which only running the code can follow exactly, so the network "
        "was not read. Import it with --trust if you trust this file.",
        line=getattr(node, "lineno", 1),
        what=what,
    )


def _has_weights(layer: LayerCall) -> bool:
    """Whether the torch layer this call makes holds parameters (built on the meta device)."""
    import torch
    from torch import nn

    cls = getattr(nn, layer.cls, None)
    if not isinstance(cls, type):
        return True  # unknown: assume it does, so a tie is never missed
    try:
        with torch.device("meta"):
            module = cls(*layer.args, **dict(layer.kwargs))
    except Exception:  # arguments torch refuses: the importer reports them itself
        return True
    return any(True for _ in module.parameters())


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
