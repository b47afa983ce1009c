"""Importing an ``nn.Module`` class by running its ``forward`` once on a dummy input.

Reading ``forward`` as text would trip over helper methods and loops; running it
sees the layers in the order they really run. Forward hooks record each
``torch.nn`` layer, a ``TorchFunctionMode`` records the functional calls between
them (``F.relu``, ``x.view``), and the tensor passed along is followed so that
anything a Sequential cannot do (a residual sum, a concatenation, a branch) is
refused with its line. This runs code from the file: only with ``trust``.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import itertools
import sys
import types
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from studio.core.codegen.input_shape import Misfit
from studio.core.codegen.instance import ConstructorArgs, args_example, file_call_args
from studio.core.codegen.layers import LayerCall, ParsedLayer, registry_name, to_layer
from studio.core.codegen.source import SourceReader
from studio.core.errors import CodeImportError
from studio.core.registry import REGISTRY, Shape, format_shape, functional_aliases
from studio.core.shapes import FLATTEN

BATCH = 2
"""Two samples, so that a reshape that mixes samples shows in the batch dimension."""

_CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)
_FUNCTION_ONLY = frozenset({"training", "_stacklevel", "dtype"})
_RESHAPES = frozenset({"view", "reshape", "flatten"})
_PASS_THROUGH = frozenset({"contiguous", "clone", "detach", "float", "to", "cpu", "type_as"})
_SUMS = frozenset({"add", "add_", "__add__", "__radd__", "__iadd__"})
_JOINS = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack"})


class TraceMisfit(Exception):
    """The forward pass failed on this input size; another size may work."""

    def __init__(self, misfit: Misfit) -> None:
        super().__init__(misfit.message)
        self.misfit = misfit


@dataclass
class Traced:
    """The layers a forward pass ran, with the module holding each layer's weights."""

    layers: list[ParsedLayer]
    modules: list[nn.Module | None]
    notes: list[str] = field(default_factory=list)

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The weights under plain ``nn.Sequential`` keys (``0.weight``, ``3.bias``)."""
        state: dict[str, torch.Tensor] = {}
        for index, module in enumerate(self.modules):
            if module is not None:
                for key, value in module.state_dict().items():
                    state[f"{index}.{key}"] = value.detach().clone()
        return state


# --- running the file ------------------------------------------------------------

_module_ids = itertools.count(1)


def load_class(reader: SourceReader, class_name: str, notes: list[str]) -> type[nn.Module]:
    """Run the file's imports, functions, classes and constants; return the class.

    Other top-level statements (downloading data, training loops) are left out:
    the class is all the import needs.
    """
    space = run_file(reader, notes)
    cls = space.get(class_name)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise CodeImportError(
            "{name} is not an nn.Module class once the file runs, so it cannot be imported.",
            name=class_name,
        )
    return cls


def run_file(
    reader: SourceReader, notes: list[str], also: Collection[ast.stmt] = ()
) -> dict[str, Any]:
    """Run the file's definitions, plus the top-level statements in ``also``; its names.

    ``also`` holds the statements that build the model (``net = vgg16()``,
    ``net.classifier[6] = ...``); data loading and training stay left out.
    """
    name = f"_studio_import_{next(_module_ids)}"
    module = types.ModuleType(name)
    module.__dict__.update({"__file__": reader.filename, "__builtins__": builtins})
    flags = 0
    skipped = 0
    missing: dict[str, str] = {}  # names whose import failed -> why
    sys.modules[name] = module  # dataclasses and typing look classes' modules up here
    try:
        for stmt in reader.tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                for alias in stmt.names:
                    feature = getattr(__future__, alias.name, None)
                    flags |= getattr(feature, "compiler_flag", 0)
                continue
            if not (_definition(stmt) or stmt in also):
                skipped += 1
                continue
            try:
                code = compile(
                    ast.Module(body=[stmt], type_ignores=[]), reader.filename, "exec", flags
                )
            except SyntaxError as error:
                raise CodeImportError(
                    "Line {line} of {name} is not valid Python ({reason}), so it cannot be run.",
                    line=error.lineno or stmt.lineno,
                    name=reader.filename,
                    reason=error.msg,
                ) from None
            try:
                exec(code, module.__dict__)
            except ImportError as error:
                if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    raise _ran_badly(reader, stmt.lineno, error) from None
                notes.append(f"Line {stmt.lineno}: left out an import that failed ({error}).")
                for alias in stmt.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    missing[bound] = f"{error}"
            except NameError as error:
                if error.name in missing:
                    raise CodeImportError(
                        "Line {line} uses {name}, but importing it failed ({why}). Install what "
                        "the file needs, then import it again.",
                        line=stmt.lineno,
                        name=error.name,
                        why=missing[error.name],
                    ) from None
                raise _ran_badly(reader, stmt.lineno, error) from None
            except Exception as error:
                _raise_if_out_of_memory(error)
                raise _download_failed(reader, stmt, error) or _ran_badly(
                    reader, stmt.lineno, error
                ) from None
    finally:
        sys.modules.pop(name, None)
    if skipped:
        notes.append(
            f"Ran the file's imports, functions, classes and constants; left out {skipped} other "
            "top-level statement(s), such as data loading or training."
        )
    return module.__dict__


def _download_failed(
    reader: SourceReader, stmt: ast.stmt, error: BaseException
) -> CodeImportError | None:
    """Pretrained weights that could not be downloaded: say where the file would go."""
    import urllib.error

    causes = [error, error.__cause__, error.__context__]
    if not any(
        isinstance(c, (urllib.error.URLError, ConnectionError, TimeoutError)) for c in causes
    ):
        return None
    return CodeImportError(
        "Line {line} downloads pretrained weights, and that failed ({error}); the computer may "
        "be offline. Put the weights file in {folder} (torch's cache), or build the model "
        "without pretrained weights, then import again.",
        line=stmt.lineno,
        error=_first_line(error),
        folder=str(Path(torch.hub.get_dir()) / "checkpoints"),
    )


def _raise_if_out_of_memory(error: BaseException) -> None:
    """An allocation over the memory limit is not the code's mistake: let the caller say so."""
    if isinstance(error, MemoryError):
        raise error
    if isinstance(error, RuntimeError) and "can't allocate memory" in str(error):
        raise MemoryError(str(error)) from None


def _definition(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef)):
        return True
    if isinstance(stmt, ast.Try):  # try: import a / except ImportError: import b
        return all(_definition(s) for s in stmt.body)
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return stmt.value is not None and not any(
            isinstance(n, ast.Call) for n in ast.walk(stmt.value)
        )
    return False


def _ran_badly(reader: SourceReader, line: int, error: BaseException) -> CodeImportError:
    return CodeImportError(
        "Running line {line} of {name} failed ({kind}: {error}). Fix the file, then import it "
        "again.",
        line=line,
        name=reader.filename,
        kind=type(error).__name__,
        error=_first_line(error),
    )


def instantiate(
    cls: type[nn.Module],
    reader: SourceReader,
    args: ConstructorArgs | None = None,
    notes: list[str] | None = None,
) -> nn.Module:
    """The class created with ``--args``, with the file's own literal arguments, or bare.

    The random state is left as it was.
    """
    notes = notes if notes is not None else []
    shown = None if args is not None else file_call_args(reader, cls.__name__)
    if args is not None:
        notes.append(f"Created {cls.__name__}({args.describe()}) with the values from --args.")
    elif shown is not None:
        args = shown[0]
        notes.append(
            f"Created {cls.__name__}({args.describe()}) as line {shown[1]} of the file does."
        )
    with torch.random.fork_rng(devices=[]):
        try:
            model = cls(*args.args, **args.kwargs) if args is not None else cls()
        except TypeError as error:
            if _user_line(error.__traceback__, reader.filename) is None:
                raise _needs_arguments(cls, error, given=args is not None) from None
            raise _created_badly(cls, reader, error) from None
        except Exception as error:
            _raise_if_out_of_memory(error)
            raise _created_badly(cls, reader, error) from None
    return model.eval()


def _needs_arguments(cls: type, error: TypeError, *, given: bool) -> CodeImportError:
    if given:
        return CodeImportError(
            "{cls}() does not take the values given with --args ({error}).",
            cls=cls.__name__,
            error=_first_line(error),
        )
    return CodeImportError(
        "{cls}() needs arguments ({error}), and the file does not create one. Give them with "
        "--args, like studio import FILE --trust --args {example}, then import again.",
        cls=cls.__name__,
        error=_first_line(error),
        example=args_example(cls),
    )


def _created_badly(cls: type, reader: SourceReader, error: BaseException) -> CodeImportError:
    line = _user_line(error.__traceback__, reader.filename)
    return CodeImportError(
        "Creating {cls}() failed{at} ({kind}: {error}).",
        cls=cls.__name__,
        at=f" at line {line}" if line else "",
        kind=type(error).__name__,
        error=_first_line(error),
    )


def shape_hints(model: nn.Module) -> list[tuple[int, int]]:
    """(input rank, size) pairs the model's first sized layer of each rank suggests."""
    hints: dict[int, int] = {}
    for module in model.modules():
        spec = REGISTRY.get(registry_name(type(module).__name__) or "")
        if spec is None or not spec.inferred:
            continue
        size = getattr(module, spec.inferred[0], None)
        if isinstance(size, int) and not isinstance(size, bool):
            for rank in spec.ranks:
                hints.setdefault(rank, size)
    return list(hints.items())


# --- tracing ---------------------------------------------------------------------


def trace(model: nn.Module, shape: Shape, reader: SourceReader, root: str = "self") -> Traced:
    """Run ``model`` on a dummy batch of ``shape``; refuse what a Sequential cannot do.

    Raises ``CodeImportError`` for refusals that no input size changes, and
    ``TraceMisfit`` when this input size does not run through the network.
    """
    tracer = _Tracer(reader)
    dummy = torch.zeros(BATCH, *shape)
    tracer.start(dummy)
    try:
        with _hooks(model, tracer, root), torch.no_grad(), _Recorder(tracer):
            output = model(dummy)
    except (CodeImportError, TraceMisfit):
        raise
    except (RuntimeError, ValueError, IndexError) as error:  # how torch reports a shape misfit
        _raise_if_out_of_memory(error)
        line = _user_line(error.__traceback__, reader.filename)
        raise TraceMisfit(
            Misfit(len(tracer.layers), f"{tracer.where(line)}{_sentence(error)}")
        ) from None
    except Exception as error:  # a mistake in the code, whatever the input size
        _raise_if_out_of_memory(error)
        line = _user_line(error.__traceback__, reader.filename)
        raise CodeImportError(
            "Running {cls}.forward() failed{at}: {error} Fix the file, then import again.",
            cls=type(model).__name__,
            at=f" at line {line}" if line else "",
            error=_sentence(error),
        ) from None
    if output is not tracer.current:
        what = "several values" if isinstance(output, (tuple, list, dict)) else "another value"
        raise CodeImportError(
            "forward() returns {what} instead of the output of its last step, which a "
            "Sequential cannot do.",
            what=what,
        )
    if not tracer.layers:
        raise CodeImportError("forward() runs no layers, so there is nothing to import.")
    return Traced(tracer.layers, tracer.modules, tracer.notes)


@contextmanager
def _hooks(model: nn.Module, tracer: _Tracer, root: str) -> Iterator[None]:
    handles = []
    try:
        for name, module in model.named_modules():
            if module is model or isinstance(module, _CONTAINERS):
                continue
            if not type(module).__module__.startswith("torch.nn."):
                continue  # the file's own modules are traced through, not recorded whole
            tracer.names[id(module)] = _path(root, name)
            handles.append(module.register_forward_pre_hook(tracer.before_module))
            handles.append(module.register_forward_hook(tracer.after_module))
        yield
    finally:
        for handle in handles:
            handle.remove()


def _path(root: str, name: str) -> str:
    """``net.classifier[6]`` for the module named ``classifier.6`` in ``net``."""
    text = root
    for part in name.split("."):
        text += f"[{part}]" if part.isdigit() else f".{part}"
    return text


class _Recorder(TorchFunctionMode):
    """Sends torch functions called outside a recorded layer to the tracer."""

    def __init__(self, tracer: _Tracer) -> None:
        super().__init__()
        self.tracer = tracer

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.tracer.depth:
            return func(*args, **kwargs)  # a layer's own internals are that layer
        out = func(*args, **kwargs)
        self.tracer.after_function(func, args, kwargs, out)
        return out


class _Tracer:
    """Follows the one tensor a Sequential passes from layer to layer."""

    def __init__(self, reader: SourceReader) -> None:
        self.reader = reader
        self.depth = 0
        self.current: torch.Tensor | None = None
        self.produced: dict[int, torch.Tensor] = {}  # keeps them alive, so ids stay unique
        self.layers: list[ParsedLayer] = []
        self.modules: list[nn.Module | None] = []
        self.used: set[int] = set()
        self.names: dict[int, str] = {}
        self.notes: list[str] = []
        self.pending: tuple[int | None, LayerCall] = (None, LayerCall(""))

    def start(self, tensor: torch.Tensor) -> None:
        self.current = tensor
        self.produced[id(tensor)] = tensor

    # --- where ---------------------------------------------------------------------

    def line(self) -> int | None:
        """The line of the file being imported that is running now."""
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.reader.filename:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def where(self, line: int | None) -> str:
        text = self.reader.line_text(line) if line else ""
        return LayerCall("", line=line, text=text).where

    # --- the tensor passed along ---------------------------------------------------

    def _check_inputs(self, values: Any, line: int | None, what: str) -> bool:
        """Whether the call consumes the current tensor; refuses a branch or a join."""
        found = {id(t): t for t in _tensors(values) if id(t) in self.produced}
        if not found:
            return False
        if len(found) > 1:
            if what in _SUMS:
                construct = "adds two tensors (a residual connection)"
            elif what in _JOINS:
                construct = f"joins tensors with {what} (a concatenation)"
            else:
                construct = f"combines two tensors ({what})"
            raise CodeImportError(
                "{where}{construct}, which a Sequential cannot do: it passes one tensor from "
                "layer to layer.",
                where=self.where(line),
                construct=construct,
            )
        if next(iter(found)) != id(self.current):
            raise CodeImportError(
                "{where}uses a tensor that an earlier step already passed on, so the network "
                "branches here, which a Sequential cannot do.",
                where=self.where(line),
            )
        return True

    def _advance(self, out: Any, line: int | None, text: str) -> None:
        if not isinstance(out, torch.Tensor):
            raise CodeImportError(
                "{where}{text} returns {kind}, not one tensor, which a Sequential cannot pass on.",
                where=self.where(line),
                text=text,
                kind=type(out).__name__,
            )
        if out.dim() == 0 or out.shape[0] != BATCH:
            raise TraceMisfit(
                Misfit(
                    len(self.layers),
                    f"{self.where(line)}{text} mixes the samples of a batch (its output is "
                    f"{format_shape(tuple(out.shape))} for {BATCH} samples). Flatten from "
                    "dimension 1, as in torch.flatten(x, 1) or x.view(x.size(0), -1).",
                )
            )
        self.current = out
        self.produced[id(out)] = out

    def _add(self, call: LayerCall, module: nn.Module | None) -> None:
        layer = to_layer(call, self.notes)
        if layer is not None:
            self.layers.append(layer)
            self.modules.append(module)

    # --- layers --------------------------------------------------------------------

    def before_module(self, module: nn.Module, inputs: tuple[Any, ...]) -> None:
        if self.depth == 0:
            line = self.line()
            name = self.names.get(id(module), type(module).__name__)
            self.pending = (line, _module_call(module, line, self.reader.line_text(line) or name))
            to_layer(self.pending[1], [])  # refuse a layer the registry lacks before it runs
            if not self._check_inputs(inputs, line, name):
                raise CodeImportError(
                    "{where}{name} is given a tensor that does not come from the layer before, "
                    "which a Sequential cannot do.",
                    where=self.where(line),
                    name=name,
                )
        self.depth += 1

    def after_module(self, module: nn.Module, inputs: tuple[Any, ...], output: Any) -> None:
        self.depth -= 1
        if self.depth:
            return
        line, call = self.pending
        name = self.names.get(id(module), type(module).__name__)
        if id(module) in self.used and any(True for _ in module.parameters()):
            raise CodeImportError(
                "{where}{name} is used a second time; a Sequential cannot share one layer's "
                "weights between two places. Give each place its own layer.",
                where=self.where(line),
                name=name,
            )
        self.used.add(id(module))
        self._add(call, module)
        self._advance(output, line, name)

    # --- functional calls ----------------------------------------------------------

    def after_function(
        self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any
    ) -> None:
        if not _tensors(out):
            return  # reading a size or a value: no step
        if not self._check_inputs((args, kwargs), self.line(), _name(func)):
            return  # a tensor unrelated to the data (torch.zeros, a parameter)
        name = _name(func)
        line = self.line()
        text = self.reader.line_text(line) if line else _display(func)
        source = args[0] if args else None
        aliases = functional_aliases()
        if name in aliases:
            block, names = aliases[name]
            given = dict(zip(names, args[1:], strict=False))
            given.update(kwargs)
            given = {
                k: v
                for k, v in given.items()
                if k not in _FUNCTION_ONLY or (k == "dtype" and v is not None)
            }
            self._add(LayerCall(block, (), given, line, text), None)
        elif name in _RESHAPES:
            if isinstance(out, torch.Tensor) and isinstance(source, torch.Tensor):
                self._reshape(source, out, line, text)
        elif name not in _PASS_THROUGH:
            raise CodeImportError(
                "{where}{op} has no matching block, so this forward() cannot become a Sequential.",
                where=self.where(line),
                op=_display(func),
            )
        self._advance(out, line, _display(func))

    def _reshape(self, source: torch.Tensor, out: torch.Tensor, line: int | None, text: str):
        if out.shape == source.shape:
            return  # reshaping to the same shape does nothing
        if out.dim() == 2 and out.shape[0] == BATCH and source.shape[0] == BATCH:
            self._add(LayerCall(FLATTEN, (), {}, line, text), None)
            return
        if out.dim() and out.shape[0] == BATCH:
            raise TraceMisfit(
                Misfit(
                    len(self.layers),
                    f"{self.where(line)}reshapes each sample from "
                    f"{format_shape(tuple(source.shape[1:]))} to "
                    f"{format_shape(tuple(out.shape[1:]))}; only flattening to one vector per "
                    "sample has a block.",
                )
            )


def _module_call(module: nn.Module, line: int | None, text: str) -> LayerCall:
    """A live module's settings as the keyword arguments that would create it."""
    from studio.core.codegen.layers import torch_signature

    cls = type(module).__name__
    signature = torch_signature(cls)
    kwargs: dict[str, Any] = {}
    if signature is not None:
        for name, param in signature.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or name in (
                "device",
                "dtype",
            ):
                continue
            if not hasattr(module, name):
                continue
            value = getattr(module, name)
            if isinstance(param.default, bool) and not isinstance(value, bool):
                value = value is not None  # bias=True leaves a Parameter, bias=False None
            kwargs[name] = value
        stride = signature.parameters.get("stride")
        default_stride = stride is not None and stride.default is None
        if default_stride and "kernel_size" in kwargs and kwargs["stride"] == kwargs["kernel_size"]:
            kwargs["stride"] = None  # torch stores a missing stride as the kernel size
    return LayerCall(cls, (), kwargs, line, text)


def _tensors(values: Any) -> list[torch.Tensor]:
    if isinstance(values, torch.Tensor):
        return [values]
    if isinstance(values, (list, tuple)):
        return [t for v in values for t in _tensors(v)]
    if isinstance(values, dict):
        return [t for v in values.values() for t in _tensors(v)]
    return []


def _name(func: Any) -> str:
    return getattr(func, "__name__", "") or ""


def _display(func: Any) -> str:
    name = _name(func)
    module = getattr(func, "__module__", None) or ""
    if module.startswith("torch.nn.functional") or module == "torch._C._nn":
        return f"F.{name}"
    if module == "torch" or "VariableFunctions" in getattr(func, "__qualname__", ""):
        return f"torch.{name}"
    return f"x.{name}()" if not name.startswith("__") else f"the operator {name}"


def _user_line(tb: types.TracebackType | None, filename: str) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _sentence(error: BaseException) -> str:
    """``RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x6 and 256x10).``"""
    text = f"{type(error).__name__}: {_first_line(error)}"
    return text if text.endswith((".", "!", "?")) else text + "."


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
