"""Shape rules against real torch, diagnostics and their fixes, and the speed of inference."""

from __future__ import annotations

import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.architecture import Architecture, Block
from studio.core.errors import ArchitectureError
from studio.core.registry import BLOCKS, REGISTRY
from studio.core.shapes import analyse, apply_fix

B = Block.create

IMAGE_CASES = {
    "Conv2d": [
        {},
        {"out_channels": 4, "kernel_size": 5, "padding": 2, "stride": 2},
        {"dilation": 2},
    ],
    "MaxPool2d": [{}, {"kernel_size": 3, "stride": 1, "padding": 1}],
    "AvgPool2d": [{}, {"kernel_size": 3, "stride": 2}],
    "AdaptiveAvgPool2d": [{}, {"output_size": 4}],
    "BatchNorm2d": [{}],
    "Dropout2d": [{}],
}


SHAPE_OF_RANK = {1: (7,), 2: (3, 17), 3: (3, 11, 13)}


@pytest.mark.parametrize("spec", BLOCKS, ids=lambda s: s.type)
def test_every_block_shape_rule_matches_torch(spec):
    cases = IMAGE_CASES.get(spec.type, [{}])
    for params in cases:
        for rank in spec.ranks:
            in_shape = SHAPE_OF_RANK[rank]
            arch = Architecture(in_shape, [B(spec.type, **params)])
            report = analyse(arch)
            layer = report.layers[0]
            assert layer.output_shape is not None, report.diagnostics
            model = arch.build().eval()
            out = model(torch.randn(2, *in_shape))
            assert tuple(out.shape[1:]) == layer.output_shape
            assert sum(p.numel() for p in model.parameters()) == layer.params


def test_registry_covers_the_required_blocks():
    required = {
        "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm2d", "Dropout2d",
        "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Flatten", "Linear", "BatchNorm1d", "Dropout",
        "Softmax", "LogSoftmax",
    }  # fmt: skip
    assert required <= set(REGISTRY)
    for spec in BLOCKS:
        assert spec.help and spec.category
        for param in spec.params:
            assert param.help
            assert param.problem(param.default) is None


def test_parameter_problems_are_templates_that_read_as_english():
    """The GUI translates the template; the CLI and logs read the same English as before."""
    stride = REGISTRY["Conv2d"].param("stride")
    problem = stride.problem(0)
    assert problem.template == "{name} must be at least {low}, not {value}."
    assert str(problem) == "stride must be at least 1, not 0."
    assert stride.problem(2) is None
    arch = Architecture((1, 28, 28), [B("Conv2d")])
    with pytest.raises(ArchitectureError) as info:
        arch.set_param(0, "kernel_size", 1.5)
    assert info.value.message == "kernel_size must be a whole number, not 1.5."
    with pytest.raises(ArchitectureError) as info:
        Architecture.from_dict(
            {"input_shape": [1, 28, 28], "layers": [{"type": "Conv2d", "params": {"stride": 0}}]}
        )
    assert info.value.message == "Layer 0 (Conv2d): stride must be at least 1, not 0."
    arch.blocks[0].params["stride"] = 0  # as a hand-edited file could have it
    diagnostic = analyse(arch).errors[0]
    assert diagnostic.message == "stride must be at least 1, not 0."


def test_inferred_parameters_follow_the_previous_layer():
    arch = Architecture((3, 8, 8), [B("Conv2d", out_channels=5), B("Flatten"), B("Linear")])
    model = arch.build()
    assert model[0].in_channels == 3
    assert model[2].in_features == 5 * 6 * 6
    arch.set_input_shape((1, 10, 10))
    model = arch.build()
    assert model[0].in_channels == 1 and model[2].in_features == 5 * 8 * 8


def test_linear_on_image_tensor_is_explained_and_fixed():
    arch = Architecture((1, 28, 28), [B("Conv2d", out_channels=4), B("Linear")])
    report = analyse(arch)
    (error,) = report.errors
    assert error.index == 1
    assert "Flatten" in error.message and "4×26×26" in error.message
    apply_fix(arch, error.fix)
    assert [b.type for b in arch] == ["Conv2d", "Flatten", "Linear"]
    assert analyse(arch).ok


def test_kernel_larger_than_input_is_explained_and_fixed():
    arch = Architecture((1, 4, 4), [B("MaxPool2d", kernel_size=5)])
    (error,) = analyse(arch).errors
    assert "larger than its 4×4 input" in error.message
    apply_fix(arch, error.fix)
    assert arch[0].params["kernel_size"] == 4
    assert analyse(arch).layers[0].output_shape == (1, 1, 1)


def test_softmax_before_cross_entropy_is_an_error_but_fine_for_mse():
    arch = Architecture((4,), [B("Linear", out_features=3), B("Softmax")])
    (error,) = analyse(arch, loss="cross_entropy", num_classes=3).errors
    assert "log-softmax" in error.message and error.index == 1
    assert analyse(arch, loss="mse", num_classes=3).ok
    apply_fix(arch, error.fix)
    assert [b.type for b in arch] == ["Linear"]


def test_output_size_must_match_the_class_count():
    arch = Architecture((4,), [B("Linear", out_features=84)])
    (error,) = analyse(arch, loss="auto", num_classes=10).errors
    assert "84 outputs" in error.message and "10 classes" in error.message
    apply_fix(arch, error.fix)
    assert arch[0].params["out_features"] == 10


def test_network_ending_in_an_image_needs_a_classifier_head():
    arch = Architecture((1, 8, 8), [B("Conv2d")])
    (error,) = analyse(arch, loss="auto", num_classes=10).errors
    assert "score per class" in error.message
    apply_fix(arch, error.fix)
    assert analyse(arch, loss="auto", num_classes=10).ok


def test_conv_after_flatten_and_batchnorm1d_on_images():
    arch = Architecture((1, 8, 8), [B("Flatten"), B("Conv2d")])
    (error,) = analyse(arch).errors
    assert "image-shaped input" in error.message
    arch2 = Architecture((2, 8, 8), [B("BatchNorm1d")])
    (error2,) = analyse(arch2).errors
    apply_fix(arch2, error2.fix)
    assert arch2[0].type == "BatchNorm2d"


def test_out_of_range_parameters_are_errors_not_crashes():
    arch = Architecture(
        (1, 8, 8), [Block("Conv2d", {**REGISTRY["Conv2d"].defaults(), "out_channels": 0})]
    )
    (error,) = analyse(arch).errors
    assert "at least 1" in error.message
    with pytest.raises(ArchitectureError):
        arch.build()


def test_costs_of_a_convolution():
    arch = Architecture((1, 28, 28), [B("Conv2d", out_channels=6, kernel_size=5, padding=2)])
    report = analyse(arch)
    assert report.total_macs == 6 * 28 * 28 * 25
    assert report.activation_bytes == 4 * (28 * 28 + 6 * 28 * 28)


def test_hundred_layer_inference_is_fast():
    blocks = [B("Conv2d", out_channels=8, kernel_size=3, padding=1) for _ in range(50)]
    blocks += [B("ReLU") for _ in range(48)] + [B("Flatten"), B("Linear")]
    arch = Architecture((3, 32, 32), blocks)
    analyse(arch)
    start = time.perf_counter()
    for _ in range(10):
        analyse(arch, loss="auto", num_classes=10)
    per_call = (time.perf_counter() - start) / 10
    assert per_call < 0.02  # a generous bound; the benchmark suite reports the real figure


# --- property test: random stacks either run with the predicted shapes or are reported ---

_param_values = {
    "out_channels": st.integers(1, 6),
    "kernel_size": st.integers(1, 7),
    "stride": st.one_of(st.none(), st.integers(1, 3)),
    "padding": st.integers(0, 3),
    "dilation": st.integers(1, 2),
    "output_size": st.integers(1, 4),
    "out_features": st.integers(1, 12),
    "p": st.floats(0.0, 0.9),
    "negative_slope": st.floats(0.0, 0.5),
    "bias": st.booleans(),
    "eps": st.just(1e-5),
    "momentum": st.just(0.1),
    "output_padding": st.integers(0, 2),
    "scale_factor": st.one_of(st.none(), st.sampled_from([0.5, 1.5, 2.0, 3.0])),
    "size": st.one_of(st.none(), st.integers(1, 8)),
    "mode": st.sampled_from(["nearest", "bilinear"]),
}


def _values_of(param) -> st.SearchStrategy:
    """Small values for a parameter; one not listed above gets them from its entry."""
    if param.name in _param_values:
        return _param_values[param.name]
    if param.kind == "bool":
        return st.booleans()
    if param.kind == "choice":
        return st.sampled_from(param.choices)
    low = param.minimum if param.minimum is not None else 0
    high = min(param.maximum if param.maximum is not None else low + 8, low + 8)
    if param.kind == "float":
        return st.floats(low, high, allow_nan=False)
    return st.integers(int(low), int(high))


@st.composite
def random_block(draw):
    spec = draw(st.sampled_from(BLOCKS))
    params = {}
    for param in spec.params:
        value = draw(_values_of(param))
        if value is None and not param.nullable:
            value = param.default
        params[param.name] = value
    return Block(spec.type, params)


@st.composite
def random_architecture(draw):
    rank = draw(st.integers(1, 3))
    shape = (
        (draw(st.integers(1, 20)),)
        if rank == 1
        else (
            draw(st.integers(1, 3)),
            *draw(st.lists(st.integers(1, 16), min_size=rank - 1, max_size=rank - 1)),
        )
    )
    return Architecture(shape, draw(st.lists(random_block(), max_size=8)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_architecture())
def test_random_stacks_run_with_predicted_shapes_or_are_reported(arch):
    report = analyse(arch, loss="auto", num_classes=3)
    broken = [layer for layer in report.layers if layer.output_shape is None]
    if broken:
        first = broken[0].index
        assert any(d.index == first and d.message for d in report.errors)
        with pytest.raises(ArchitectureError):
            arch.build()
        return
    model = arch.build().eval()
    x = torch.randn(2, *arch.input_shape)
    shapes = []
    with torch.no_grad():
        for module in model:
            x = module(x)
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [layer.output_shape for layer in report.layers]
    assert report.total_params == sum(p.numel() for p in model.parameters())
