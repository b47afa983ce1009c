"""The block types added as registry entries, checked against torch itself.

Shapes, parameter totals and costs come from the registry alone; torch builds the
same layers and must agree. A 1-D network trains in the app and in its exported
script, whose weights load back into the app.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from torch import nn

from studio.core.architecture import Architecture, Block
from studio.core.codegen.importer import import_code
from studio.core.codegen.model_code import model_definition
from studio.core.errors import ArchitectureError
from studio.core.io.model_file import load_weights
from studio.core.project import Project
from studio.core.registry import REGISTRY
from studio.core.shapes import analyse
from studio.core.training.factories import init_weights
from tests.core.test_export_script import run_script, write

B = Block.create

CASES: list[tuple[str, tuple[int, ...], dict]] = [
    ("Conv1d", (3, 40), {}),
    ("Conv1d", (2, 33), {"out_channels": 5, "kernel_size": 4, "stride": 3, "padding": 2}),
    ("Conv1d", (1, 20), {"dilation": 3, "bias": False}),
    ("MaxPool1d", (4, 21), {}),
    ("MaxPool1d", (4, 21), {"kernel_size": 3, "stride": 1, "padding": 1}),
    ("AvgPool1d", (2, 17), {"kernel_size": 4, "stride": 3}),
    ("BatchNorm1d", (6, 25), {}),
    ("BatchNorm1d", (12,), {}),
    ("ConvTranspose2d", (3, 7, 9), {}),
    ("ConvTranspose2d", (2, 5, 5), {"out_channels": 4, "kernel_size": 3, "stride": 3,
                                    "padding": 1, "output_padding": 2}),
    ("ConvTranspose2d", (1, 6, 4), {"kernel_size": 3, "stride": 1, "dilation": 2,
                                    "bias": False}),
    ("Upsample", (3, 5, 7), {}),
    ("Upsample", (3, 5, 7), {"scale_factor": 1.5, "mode": "bilinear"}),
    ("Upsample", (2, 9), {"scale_factor": None, "size": 20}),
    ("Upsample", (2, 6, 6), {"scale_factor": None, "size": 11, "mode": "bilinear"}),
]  # fmt: skip


@pytest.mark.parametrize(("block", "shape", "params"), CASES, ids=lambda v: str(v))
def test_new_block_shapes_parameters_and_costs_match_torch(block, shape, params):
    arch = Architecture(shape, [B(block, **params)])
    layer = analyse(arch).layers[0]
    assert layer.output_shape is not None, analyse(arch).diagnostics
    module = arch.build()[0]
    out = module.eval()(torch.randn(2, *shape))
    assert tuple(out.shape[1:]) == layer.output_shape
    assert layer.params == sum(p.numel() for p in module.parameters())
    if block.startswith("Conv"):
        weights = module.weight.numel()  # one multiply-accumulate per weight and position
        positions = out[0, 0].numel() if block == "Conv1d" else torch.Size(shape[1:]).numel()
        assert layer.macs == weights * positions


@pytest.mark.parametrize("spec", list(REGISTRY.values()), ids=lambda s: s.type)
def test_every_parameter_total_matches_torch_from_the_registry_alone(spec):
    shape = {1: (12,), 2: (3, 24), 3: (3, 12, 12)}[spec.ranks[0]]
    params = spec.defaults()
    module = spec.build(shape, params)
    assert spec.count_params(shape, params) == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(
    ("block", "shape", "fix"),
    [
        ("Conv1d", (1, 8, 8), "Replace it with Conv2d"),
        ("Conv2d", (1, 64), "Replace it with Conv1d"),
        ("MaxPool2d", (4, 30), "Replace it with MaxPool1d"),
        ("BatchNorm2d", (4, 30), "Replace it with BatchNorm1d"),
        ("BatchNorm1d", (4, 5, 5), "Replace it with BatchNorm2d"),
        ("Upsample", (30,), "Remove layer 0"),
        ("Linear", (4, 30), "Insert a Flatten before layer 0"),
        ("Conv1d", (1, 2), "Set kernel_size to 2"),
    ],
)
def test_a_block_at_the_wrong_rank_gets_a_plain_message_and_its_fix(block, shape, fix):
    arch = Architecture(shape, [B(block)])
    error = analyse(arch).errors[0]
    assert error.fix is not None and error.fix.text == fix
    assert "\n" not in error.message and (block in error.message or "kernel" in error.message)
    with pytest.raises(ArchitectureError):
        arch.build()


def test_upsample_needs_exactly_one_of_scale_and_size():
    both = Architecture((1, 4, 4), [B("Upsample", size=8)])
    assert "not both" in analyse(both).errors[0].message
    bilinear_signal = Architecture((1, 40), [B("Upsample", mode="bilinear")])
    assert "nearest" in analyse(bilinear_signal).errors[0].message
    with pytest.raises(ArchitectureError, match="mode must be one of nearest, bilinear"):
        both.set_param(0, "mode", "cubic")


def signal_net() -> Architecture:
    return Architecture(
        (1, 784),
        [
            B("Conv1d", out_channels=4, kernel_size=5, stride=2),
            B("BatchNorm1d"),
            B("ReLU"),
            B("MaxPool1d", kernel_size=4),
            B("Conv1d", out_channels=8, kernel_size=3),
            B("AvgPool1d", kernel_size=4),
            B("Upsample", scale_factor=2.0),
            B("Flatten"),
            B("Linear", out_features=10),
        ],
    )


def image_net() -> Architecture:
    return Architecture(
        (3, 8, 8),
        [
            B("Conv2d", out_channels=4, stride=2, padding=1),
            B("ReLU"),
            B("ConvTranspose2d", out_channels=2),
            B("Upsample", scale_factor=None, size=20, mode="bilinear"),
            B("Flatten"),
            B("Linear", out_features=10),
        ],
    )


@pytest.mark.parametrize("make", [signal_net, image_net])
def test_exported_definitions_run_and_import_back(make):
    arch = make()
    code = model_definition(arch)
    namespace: dict = {"nn": nn}
    exec(code, namespace)
    model = namespace["model"]
    assert tuple(model(torch.randn(2, *arch.input_shape)).shape) == (2, 10)
    assert model.state_dict().keys() == arch.build().state_dict().keys()
    back = import_code(code).architecture
    assert [(b.type, b.params) for b in back] == [(b.type, b.params) for b in arch]
    assert back.input_shape == arch.input_shape


def test_initialisation_reaches_every_weighted_new_block():
    model = image_net().build()
    for module in model:
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.constant_(module.bias, 1.0)
    init_weights(model, "kaiming", "zeros")  # biases are zeroed only when asked
    biases = [m.bias.detach() for m in model if getattr(m, "bias", None) is not None]
    assert len(biases) == 3 and all(float(b.abs().sum()) == 0 for b in biases)


def test_a_signal_network_trains_in_its_exported_script(tmp_path: Path, monkeypatch, capsys):
    project = Project(architecture=signal_net(), name="signals")
    project.training = dataclasses.replace(project.training, init="kaiming")
    script = write(tmp_path, project)
    text = script.read_text(encoding="utf-8")
    assert "images.reshape(len(images), 1, 784)" in text
    assert "isinstance(layer, (nn.Conv1d, nn.Linear)):" in text
    weights = tmp_path / "weights.pt"
    epochs = run_script(script, ["--epochs", "1", "--out", str(weights)], monkeypatch, capsys)
    assert len(epochs) == 1
    model = project.architecture.build()
    model.load_state_dict(load_weights(weights, project))


def test_the_app_trains_a_signal_network_on_images_read_as_signals():
    from studio.core.training.events import EpochEnded, FeatureMaps
    from studio.core.training.trainer import Trainer

    project = Project(architecture=signal_net(), name="signals")
    project.training = dataclasses.replace(project.training, batch_size=128)
    trainer = Trainer(project, epochs=1, download=False)
    seen: list = []
    trainer.add_observer(seen.append)
    trainer.request_feature_maps(0)
    result = trainer.run()
    assert result.reason == "completed", result.error
    assert trainer.data.train_images.shape[1:] == (1, 784)
    assert any("read as signals of 1×784" in note for note in trainer.data.notes)
    maps = next(e for e in seen if isinstance(e, FeatureMaps))
    assert maps.maps[0].shape == (4, 64)  # a Conv1d map: channels × (length pooled to 64)
    assert maps.image.shape == (1, 28, 28)  # the probe is shown as the image it came from
    assert any(isinstance(e, EpochEnded) for e in seen)


SIGNAL_CLASS = """
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 5)
        self.up = nn.Upsample(scale_factor=2)
        self.fc = nn.Linear(4 * 22, 10)

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.conv(x)), 2)
        x = F.avg_pool1d(self.up(x), kernel_size=2)
        return self.fc(x.flatten(1))
"""


def test_a_traced_class_reads_functional_1d_pooling_as_registry_blocks():
    """``F.max_pool1d`` and ``F.avg_pool1d`` come from the entries' functional aliases."""
    result = import_code(SIGNAL_CLASS, trust=True, input_shape=(1, 48))
    assert [b.type for b in result.architecture] == [
        "Conv1d", "ReLU", "MaxPool1d", "Upsample", "AvgPool1d", "Flatten", "Linear",
    ]  # fmt: skip
    assert result.architecture[2].params["kernel_size"] == 2
    assert result.architecture[3].params["scale_factor"] == 2.0


def test_replacing_a_block_by_its_twin_keeps_the_settings_both_have():
    from studio.core.shapes import apply_fix

    conv = B("Conv2d", out_channels=6, kernel_size=5, padding=2)
    arch = Architecture((2, 50), [conv, B("Flatten"), B("Linear")])
    fix = analyse(arch).errors[0].fix
    apply_fix(arch, fix)
    assert arch[0].type == "Conv1d"
    assert (arch[0].params["out_channels"], arch[0].params["kernel_size"]) == (6, 5)
    report = analyse(arch)
    assert report.ok and report.layers[0].output_shape == (6, 50)


def test_an_entry_s_ranks_are_enforced_even_when_its_rule_does_not_check_them():
    from studio.core import block_rules
    from studio.core.registry import BlockSpec, register, unregister

    register(BlockSpec("Hardtanh", "activation", "Clips values.", block_rules.same, ranks=(3,)))
    try:
        arch = Architecture((1, 28, 28), [B("Flatten"), B("Hardtanh"), B("Linear")])
        error = analyse(arch).errors[0]
        assert error.index == 1
        assert (
            error.message
            == "Hardtanh cannot take a 784 input. Change the layers before it, or remove it."
        )
        assert error.fix is not None and error.fix.text == "Remove layer 1"
        linear = analyse(Architecture((3, 4, 4), [B("Linear")])).errors[0]
        assert linear.message.startswith("Linear needs a flat vector")  # the rule's own words
    finally:
        unregister("Hardtanh")
