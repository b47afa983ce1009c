"""PyTorch code in, an architecture out: ``import_code``.

An ``nn.Sequential(...)`` is read from the syntax tree without running
anything. An ``nn.Module`` class is imported only with ``trust``, by running its
forward pass once (see ``tracer``). Either way the layers become registry blocks
and the input shape is taken as given, or inferred where only one size fits.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from studio.core.architecture import MAX_LAYERS, Architecture, Block, parse_shape
from studio.core.codegen.init_calls import read_layer_inits
from studio.core.codegen.input_shape import (
    BACKBONE_SHAPES,
    DATASET_SHAPES,
    Misfit,
    candidates,
    choose,
    describe,
    layer_hints,
    misfit,
    require_fit,
)
from studio.core.codegen.instance import (
    TORCHVISION_SHAPE,
    Built,
    ConstructorArgs,
    find_built,
    parse_args,
)
from studio.core.codegen.layers import ParsedLayer, to_layer
from studio.core.codegen.source import (
    Site,
    SourceReader,
    TiedLayers,
    TrustNeeded,
    too_many_layers,
)
from studio.core.errors import CodeImportError, StudioError
from studio.core.registry import Shape

if TYPE_CHECKING:
    from torch import nn


@dataclass
class ImportResult:
    """The imported network, what was inferred along the way, and (traced) its weights."""

    architecture: Architecture
    notes: list[str]
    source_kind: Literal["sequential", "module"]
    name: str
    state_dict: dict | None = field(default=None, repr=False)
    """Only for a traced Module: its weights under the Sequential's keys (``0.weight``)."""


def import_code(
    source: str,
    *,
    input_shape: tuple[int, ...] | None = None,
    trust: bool = False,
    filename: str = "<code>",
    constructor_args: list[str] | None = None,
) -> ImportResult:
    """Turn PyTorch code into an architecture; ``CodeImportError`` says why it cannot.

    ``trust`` allows running the file's definitions (and the statements that build
    its model) to trace an ``nn.Module``; without it nothing from the file runs.
    ``constructor_args`` are ``--args`` tokens for the class's ``__init__``.
    """
    try:
        return _import(source, input_shape, trust, filename, constructor_args)
    except RecursionError:
        raise CodeImportError(
            "{file} is nested too deeply to be read.", file=_display_name(filename)
        ) from None


def _import(
    source: str,
    input_shape: tuple[int, ...] | None,
    trust: bool,
    filename: str,
    constructor_args: list[str] | None,
) -> ImportResult:
    reader = SourceReader(source, filename)
    if input_shape is not None:
        try:
            input_shape = Architecture(input_shape).input_shape
        except StudioError as error:
            raise CodeImportError("{detail}", detail=error.message) from None
    notes: list[str] = []
    classes = reader.module_classes()
    given_args = parse_args(constructor_args) if constructor_args else None
    if given_args is not None and not classes:
        raise CodeImportError(
            "--args gives the values for a class's constructor, but {file} defines no "
            "nn.Module class.",
            file=_display_name(filename),
        )
    built = find_built(reader, classes) if trust and given_args is None else None
    if built is not None and (built.kind in ("class", "torchvision") or built.changes):
        result = _quietly(_import_built, reader, built, input_shape, notes)
    elif built is not None:
        try:  # a Sequential or a factory: read exactly without running, if it can be
            result = _import_sequential(reader, reader.sites(), input_shape, notes)
        except TiedLayers:
            raise  # running it would show the same tie
        except CodeImportError:
            notes.clear()
            result = _quietly(_import_built, reader, built, input_shape, notes)
    elif trust and classes:
        result = _quietly(_import_module, reader, classes, input_shape, notes, given_args)
    else:
        built = find_built(reader, classes)
        if built is not None and built.kind == "torchvision":
            raise TrustNeeded(
                "{file} builds its network with torchvision (line {line}). Importing it means "
                "running that line and the ones that change the model, so run the import again "
                "with --trust if you trust this file.",
                file=_display_name(filename),
                line=built.statement.lineno,
            )
        sites = reader.sites()
        if sites:
            result = _import_sequential(reader, sites, input_shape, notes)
        elif classes:
            names = ", ".join(c.name for c in classes)
            raise TrustNeeded(
                "{file} defines the nn.Module class {names} but no nn.Sequential. Importing a "
                "class means running the file's code, so run the import again with --trust if "
                "you trust this file.",
                file=_display_name(filename),
                names=names,
            )
        else:
            raise CodeImportError(
                "{file} has no nn.Sequential(...) and no nn.Module class, so there is no "
                "network to import.",
                file=_display_name(filename),
            )
    result.notes[:] = list(dict.fromkeys(result.notes))
    return result


# --- nn.Sequential, read without running -------------------------------------------


def _quietly(run: Callable[..., ImportResult], *args: Any) -> ImportResult:
    with warnings.catch_warnings():  # torch's warnings about the file's code are noise here
        warnings.simplefilter("ignore")
        return run(*args)


def _import_sequential(
    reader: SourceReader, sites: list[Site], given: Shape | None, notes: list[str]
) -> ImportResult:
    if not sites:
        raise CodeImportError("The file has no nn.Sequential(...) to read.")
    site = _pick_site(reader, sites, notes)
    changed = reader.changed_later(site)
    if changed is not None:
        raise TrustNeeded(
            "Line {line} changes {name} after it is built (`{text}`), which only running the "
            "code can follow exactly, so the network was not read. Import it with --trust if "
            "you trust this file.",
            line=changed.lineno,
            name=site.label,
            text=reader.text(changed, 60),
        )
    layers = _to_layers(reader.site_layers(site), notes)
    if len(layers) > MAX_LAYERS:
        raise too_many_layers(reader.filename)
    if not layers:
        raise CodeImportError(
            "Line {line}: the nn.Sequential has no layers, so there is nothing to import.",
            line=site.call.lineno,
        )
    shape = _input_shape(layers, given, reader.hint(site.call.lineno), notes)
    if site.class_name:
        _note_other_parts(reader, site, notes)
    name = site.class_name or (site.label.removesuffix("()") if site.named else "")
    blocks = _blocks(layers)
    if site.named and len(site.call.args) == len(blocks):  # code indexes are block indexes
        for index, init in read_layer_inits(reader.tree, site.label, blocks, notes).items():
            blocks[index].init = init
    return ImportResult(Architecture(shape, blocks), notes, "sequential", name or _stem(reader))


def _pick_site(reader: SourceReader, sites: list[Site], notes: list[str]) -> Site:
    if len(sites) == 1:
        return sites[0]
    for site in sites:
        try:
            site.size = len(reader.site_layers(site))
        except CodeImportError:
            site.size = len(site.call.args)
    named = [s for s in sites if s.named]
    pool = named or sites
    chosen = max(pool, key=lambda s: s.size)
    why = "the largest one assigned to a name" if named else "the largest"
    notes.append(
        f"The file has {len(sites)} separate nn.Sequential networks; imported {chosen.label} "
        f"(line {chosen.call.lineno}), {why}."
    )
    return chosen


def _note_other_parts(reader: SourceReader, site: Site, notes: list[str]) -> None:
    cls = reader.enclosing(site.call, ast.ClassDef)
    assert isinstance(cls, ast.ClassDef)
    inside = {ast.unparse(n) for n in ast.walk(site.call)}
    others = [a for a in dict.fromkeys(reader.class_attributes(cls)) if a != site.label]
    others = [a for a in others if a not in inside]
    if others:
        notes.append(
            f"Read {site.label} of class {cls.name} without running code. {cls.name} also has "
            f"{', '.join(others)}, which its forward() may use: import with --trust to trace "
            "the whole forward()."
        )
    else:
        notes.append(f"Read {site.label} of class {cls.name} without running code.")


def _to_layers(calls, notes: list[str]) -> list[ParsedLayer]:
    layers = []
    for call in calls:
        layer = to_layer(call, notes)
        if layer is not None:
            layers.append(layer)
    return layers


def _blocks(layers: list[ParsedLayer]) -> list[Block]:
    return [Block(layer.type, dict(layer.params)) for layer in layers]


def _input_shape(
    layers: list[ParsedLayer], given: Shape | None, hint_text: str | None, notes: list[str]
) -> Shape:
    def test(shape: Shape) -> Misfit | None:
        return misfit(shape, layers)

    if given is not None:
        require_fit(given, test)
        return given
    usual = BACKBONE_SHAPES if layers and layers[0].type == "Backbone" else DATASET_SHAPES
    return choose(candidates(layer_hints(layers)), test, notes, _hint(hint_text), usual)


def _hint(text: str | None) -> Shape | None:
    if not text:
        return None
    try:
        return parse_shape(re.sub(r"\s", "", text))
    except StudioError:
        return None


# --- nn.Module, traced with trust ------------------------------------------------


def _import_module(
    reader: SourceReader,
    classes: list[ast.ClassDef],
    given: Shape | None,
    notes: list[str],
    args: ConstructorArgs | None,
) -> ImportResult:
    from studio.core.codegen import tracer

    cls_node = _pick_class(reader, classes, notes)
    cls = tracer.load_class(reader, cls_node.name, notes)

    def make() -> nn.Module:
        return tracer.instantiate(cls, reader, args, notes)

    result = _trace(reader, make, given, notes, None)
    result.notes.append(
        f"Ran {cls.__name__}.forward() once on input {describe(result.architecture.input_shape)} "
        f"and recorded {len(result.architecture.blocks)} layers."
    )
    result.name = cls.__name__
    return result


def _import_built(
    reader: SourceReader, built: Built, given: Shape | None, notes: list[str]
) -> ImportResult:
    """The model the file itself builds (``net = vgg16(...)``, ``model = MLP(784)``), traced."""
    from torch import nn

    from studio.core.codegen import tracer

    spaces: list[dict[str, Any]] = []

    def make() -> nn.Module:
        space = tracer.run_file(reader, notes, [*built.needed, *built.statements])
        spaces.append(space)
        model = space.get(built.variable)
        if not isinstance(model, nn.Module):
            raise CodeImportError(
                "Line {line}: {name} is not an nn.Module once the line runs, so it cannot be "
                "imported.",
                line=built.statement.lineno,
                name=built.variable,
            )
        return model.eval()

    if built.kind == "torchvision":
        result = _import_backbone(reader, built, make(), spaces[-1], given, notes)
        if result is not None:
            return result
    preferred = TORCHVISION_SHAPE if built.kind == "torchvision" else None
    result = _trace(reader, make, given, notes, preferred, built.variable)
    result.notes.append(
        f"Ran {built.describe()} of the file to build {built.variable}, then its forward() once "
        f"on input {describe(result.architecture.input_shape)}, and recorded "
        f"{len(result.architecture.blocks)} layers."
    )
    result.name = built.name
    return result


def _import_backbone(
    reader: SourceReader,
    built: Built,
    model: nn.Module,
    space: dict[str, Any],
    given: Shape | None,
    notes: list[str],
) -> ImportResult | None:
    """torchvision's features as one Backbone block plus the head's layers, when exact."""
    from studio.core.codegen.backbone_import import as_backbone

    mapped = as_backbone(reader, built, model, space, given or TORCHVISION_SHAPE, notes)
    if mapped is None:
        return None
    architecture, state = mapped
    if given is None:
        notes.append(
            f"Used the input shape {describe(TORCHVISION_SHAPE)}, the size torchvision's models "
            "are made for; give --input-shape for another."
        )
    return ImportResult(architecture, notes, "module", built.name, state)


def _trace(
    reader: SourceReader,
    make: Callable[[], nn.Module],
    given: Shape | None,
    notes: list[str],
    preferred: Shape | None,
    root: str = "self",
) -> ImportResult:
    """Trace the model ``make`` builds on the input that fits; its layers and weights."""
    from torch.nn.modules.lazy import LazyModuleMixin

    from studio.core.codegen import tracer

    model = make()
    lazy = any(isinstance(m, LazyModuleMixin) for m in model.modules())
    results: dict[Shape, tracer.Traced | Misfit] = {}

    def test(shape: Shape) -> Misfit | None:
        if shape not in results:
            subject = make() if lazy else model
            try:
                results[shape] = tracer.trace(subject, shape, reader, root)
            except tracer.TraceMisfit as problem:
                results[shape] = problem.misfit
        found = results[shape]
        return found if isinstance(found, Misfit) else misfit(shape, found.layers)

    if given is not None:
        require_fit(given, test)
        shape = given
    elif preferred is not None and test(preferred) is None:
        shape = preferred
        notes.append(
            f"Used the input shape {describe(shape)}, the size torchvision's models are made "
            "for; give --input-shape for another."
        )
    else:
        shape = choose(candidates(tracer.shape_hints(model)), test, notes)
    traced = results[shape]
    assert not isinstance(traced, Misfit)
    if len(traced.layers) > MAX_LAYERS:
        raise too_many_layers(reader.filename)
    notes.extend(traced.notes)
    architecture = Architecture(shape, _blocks(traced.layers))
    weights = _weights(architecture, traced, notes)
    return ImportResult(architecture, notes, "module", "", weights)


def _pick_class(reader: SourceReader, classes: list[ast.ClassDef], notes: list[str]):
    names = {c.name for c in classes}
    parts = reader.used_inside_classes(names)
    top = [c for c in classes if c.name not in parts] or classes
    made = reader.instantiated()
    preferred = [c for c in top if c.name in made]
    chosen = (preferred or top)[-1]
    if len(classes) > 1:
        why = "the one the file creates" if preferred else "the last one not used by another"
        notes.append(
            f"The file defines {len(classes)} nn.Module classes "
            f"({', '.join(c.name for c in classes)}); imported {chosen.name}, {why}."
        )
    return chosen


def _weights(architecture: Architecture, traced, notes: list[str]) -> dict | None:
    """The traced weights, if they fit the Sequential exactly (they should)."""
    import torch

    state = traced.state_dict()
    with torch.device("meta"):  # shapes only: no time spent initialising a copy
        expected = {k: tuple(v.shape) for k, v in architecture.build().state_dict().items()}
    if {k: tuple(v.shape) for k, v in state.items()} != expected:
        notes.append("The class's weights do not map onto the Sequential, so none were kept.")
        return None
    return state


def _stem(reader: SourceReader) -> str:
    stem = PurePath(reader.filename).stem
    return stem if stem and not stem.startswith("<") else "Imported network"


def _display_name(filename: str) -> str:
    return "The code" if filename.startswith("<") else PurePath(filename).name
