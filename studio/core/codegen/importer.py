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
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from studio.core.architecture import MAX_LAYERS, Architecture, Block, parse_shape
from studio.core.codegen.init_calls import read_layer_inits
from studio.core.codegen.input_shape import (
    Misfit,
    candidates,
    choose,
    describe,
    layer_hints,
    misfit,
    require_fit,
)
from studio.core.codegen.layers import ParsedLayer, to_layer
from studio.core.codegen.source import Site, SourceReader, too_many_layers
from studio.core.errors import CodeImportError, StudioError
from studio.core.registry import Shape


class TrustNeeded(CodeImportError):
    """The file has only an ``nn.Module`` class: importing it means running the file."""


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
) -> ImportResult:
    """Turn PyTorch code into an architecture; ``CodeImportError`` says why it cannot.

    ``trust`` allows running the file's definitions to trace an ``nn.Module``
    class; without it nothing from the file runs.
    """
    try:
        return _import(source, input_shape, trust, filename)
    except RecursionError:
        raise CodeImportError(
            "{file} is nested too deeply to be read.", file=_display_name(filename)
        ) from None


def _import(
    source: str, input_shape: tuple[int, ...] | None, trust: bool, filename: str
) -> ImportResult:
    reader = SourceReader(source, filename)
    if input_shape is not None:
        try:
            input_shape = Architecture(input_shape).input_shape
        except StudioError as error:
            raise CodeImportError("{detail}", detail=error.message) from None
    notes: list[str] = []
    classes = reader.module_classes()
    if trust and classes:
        with warnings.catch_warnings():  # torch's warnings about the file's code are noise here
            warnings.simplefilter("ignore")
            result = _import_module(reader, classes, input_shape, notes)
    else:
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


def _import_sequential(
    reader: SourceReader, sites: list[Site], given: Shape | None, notes: list[str]
) -> ImportResult:
    site = _pick_site(reader, sites, notes)
    layers = _to_layers(reader.layers(site.call), notes)
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
            site.size = len(reader.layers(site.call))
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
    return choose(candidates(layer_hints(layers)), test, notes, _hint(hint_text))


def _hint(text: str | None) -> Shape | None:
    if not text:
        return None
    try:
        return parse_shape(re.sub(r"\s", "", text))
    except StudioError:
        return None


# --- nn.Module, traced with trust ------------------------------------------------


def _import_module(
    reader: SourceReader, classes: list[ast.ClassDef], given: Shape | None, notes: list[str]
) -> ImportResult:
    from torch.nn.modules.lazy import LazyModuleMixin

    from studio.core.codegen import tracer

    cls_node = _pick_class(reader, classes, notes)
    cls = tracer.load_class(reader, cls_node.name, notes)
    model = tracer.instantiate(cls, reader)
    lazy = any(isinstance(m, LazyModuleMixin) for m in model.modules())
    results: dict[Shape, tracer.Traced | Misfit] = {}

    def test(shape: Shape) -> Misfit | None:
        if shape not in results:
            subject = tracer.instantiate(cls, reader) if lazy else model
            try:
                results[shape] = tracer.trace(subject, shape, reader)
            except tracer.TraceMisfit as problem:
                results[shape] = problem.misfit
        found = results[shape]
        return found if isinstance(found, Misfit) else misfit(shape, found.layers)

    if given is not None:
        require_fit(given, test)
        shape = given
    else:
        shape = choose(candidates(tracer.shape_hints(model)), test, notes)
    traced = results[shape]
    assert not isinstance(traced, Misfit)
    if len(traced.layers) > MAX_LAYERS:
        raise too_many_layers(reader.filename)
    notes.extend(traced.notes)
    architecture = Architecture(shape, _blocks(traced.layers))
    notes.append(
        f"Ran {cls.__name__}.forward() once on input {describe(shape)} and recorded "
        f"{len(traced.layers)} layers."
    )
    return ImportResult(
        architecture, notes, "module", cls.__name__, _weights(architecture, traced, notes)
    )


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
    state = traced.state_dict()
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
