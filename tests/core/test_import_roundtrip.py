"""Export then import gives back the same network: for every template and random stacks."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studio.core.architecture import Architecture, Block
from studio.core.codegen.importer import import_code
from studio.core.codegen.model_code import model_definition, model_module
from studio.core.errors import CodeImportError
from studio.core.registry import BLOCKS, ParamSpec
from studio.core.shapes import analyse
from studio.core.templates import TEMPLATES, get_template

CAPS = {
    "out_channels": 8,
    "out_features": 16,
    "kernel_size": 5,
    "stride": 3,
    "padding": 2,
    "dilation": 2,
    "output_size": 4,
    "scale_factor": 3.0,
    "size": 40,
    "output_padding": 1,
}


def layers(arch: Architecture) -> list[tuple[str, dict]]:
    return [(b.type, dict(b.params)) for b in arch]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_comes_back_with_or_without_the_input_comment(template):
    arch = get_template(template).architecture
    code = model_module(arch)  # what export --model-only writes (a Backbone's helper included)
    result = import_code(code)
    assert result.architecture.input_shape == arch.input_shape
    assert layers(result.architecture) == layers(arch)
    bare = re.sub(r"  # .*", "", code)  # no comments: the shape must be inferred
    inferred = import_code(bare)
    assert inferred.architecture.input_shape == arch.input_shape
    said = ("Inferred the input shape", "Assumed the input shape")  # a Backbone: 3x224x224
    assert any(note.startswith(said) for note in inferred.notes)


def values(spec: ParamSpec) -> st.SearchStrategy:
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "float":
        numbers = st.floats(spec.minimum, min(spec.maximum, CAPS.get(spec.name, spec.maximum)))
        return st.none() | numbers if spec.nullable else numbers
    high = min(int(spec.maximum), CAPS.get(spec.name, 8))
    numbers = st.integers(int(spec.minimum), high)
    return st.none() | numbers if spec.nullable else numbers


@st.composite
def architectures(draw: st.DrawFn) -> Architecture:
    """Random stacks of registry blocks that the shape analysis accepts layer by layer."""
    rank = draw(st.integers(1, 3))
    if rank == 3:
        side = draw(st.integers(4, 24))
        shape: tuple[int, ...] = (draw(st.integers(1, 3)), side, side)
    elif rank == 2:
        shape = (draw(st.integers(1, 3)), draw(st.integers(4, 64)))
    else:
        shape = (draw(st.integers(1, 64)),)
    blocks: list[Block] = []
    for _ in range(draw(st.integers(1, 8))):
        spec = draw(st.sampled_from(BLOCKS))
        block = Block(spec.type, {p.name: draw(values(p)) for p in spec.params})
        if spec.type == "Backbone":  # like "frozen", a training setting the definition omits
            block.params["train_last_stages"] = 0
        if analyse(Architecture(shape, [*blocks, block])).layers[-1].output_shape is not None:
            blocks.append(block)
    assume(blocks)
    arch = Architecture(shape, blocks)
    report = analyse(arch)
    assert all(layer.output_shape is not None for layer in report.layers)
    return arch


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(architectures())
def test_importing_the_exported_definition_gives_the_same_architecture(arch):
    code = model_module(arch)
    result = import_code(code, input_shape=arch.input_shape)
    assert result.architecture.input_shape == arch.input_shape
    assert layers(result.architecture) == layers(arch)
    assert import_code(code).architecture.input_shape == arch.input_shape  # from the comment


EXPORTED = [model_definition(get_template(name).architecture) for name in TEMPLATES]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(EXPORTED),
    st.integers(0, 2000),
    st.integers(0, 12),
    st.text(alphabet="()[],.*+-/= 0123456789abnxyzLC_'\"\n#", max_size=12),
)
def test_damaged_code_imports_or_gets_a_clear_refusal(code, at, cut, insert):
    """Without trust, no damaged source raises anything but a CodeImportError."""
    at %= len(code)
    damaged = code[:at] + insert + code[at + cut :]
    try:
        result = import_code(damaged)
    except CodeImportError as error:
        assert error.message and "\n" not in error.message
    else:
        assert len(result.architecture) > 0
