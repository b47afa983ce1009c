"""Per-layer initialisation: the table, the project file, the trainer and the exported script."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from studio.core import events
from studio.core.architecture import Architecture, Block
from studio.core.codegen.restore import import_project
from studio.core.codegen.script import export_script
from studio.core.errors import ArchitectureError, FileFormatError
from studio.core.initialisation import (
    BIAS_KINDS,
    KINDS,
    WEIGHT_KINDS,
    LayerInit,
    effective_inits,
    make_init,
    parse_layer_init,
)
from studio.core.project import Project
from studio.core.templates import default_project
from studio.core.training.trainer import Trainer
from tests.core.test_trainer_support import conv_blocks, make_data, make_project

RUFF = Path(sys.executable).with_name("ruff")
NORMAL = LayerInit(make_init("normal", mean=0.5, std=0.02), make_init("constant", value=0.25))


@pytest.fixture(scope="module")
def data():
    return make_data(64, 16)


def initial_model(project: Project, data) -> nn.Sequential:
    """The trainer's model after it is built and initialised, before any batch."""
    return Trainer(project, data)._prepare().model


def with_inits(blocks: list[Block], inits: dict[int, LayerInit]) -> list[Block]:
    for index, init in inits.items():
        blocks[index].init = init
    return blocks


def test_the_trainer_fills_a_layer_as_torchs_own_init_does_under_the_seed(data):
    blocks = with_inits(conv_blocks(), {4: NORMAL})  # the Linear
    project = make_project(blocks, seed=7)
    model = initial_model(project, data)
    torch.manual_seed(7)
    expected = make_project(conv_blocks(), seed=7).architecture.build()
    nn.init.normal_(expected[4].weight, mean=0.5, std=0.02)
    nn.init.constant_(expected[4].bias, val=0.25)
    assert torch.equal(model[4].weight.cpu(), expected[4].weight)
    assert torch.equal(model[4].bias.cpu(), torch.full((4,), 0.25))
    assert torch.equal(model[0].weight.cpu(), expected[0].weight)  # untouched: torch's own
    assert abs(float(model[4].weight.detach().mean()) - 0.5) < 0.02


@pytest.mark.parametrize(
    "kind, call",
    [
        (make_init("xavier_normal", gain=2.0), lambda t: nn.init.xavier_normal_(t, gain=2.0)),
        (
            make_init("kaiming_uniform", mode="fan_out", nonlinearity="leaky_relu"),
            lambda t: nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="leaky_relu"),
        ),
        (make_init("uniform", a=-0.3, b=0.1), lambda t: nn.init.uniform_(t, a=-0.3, b=0.1)),
        (make_init("ones"), nn.init.ones_),
    ],
    ids=lambda v: getattr(v, "kind", ""),
)
def test_each_kind_matches_torch_and_the_project_init_fills_the_other_layers(data, kind, call):
    """The conv layer follows the project's Kaiming; the Linear its own kind, in layer order."""
    blocks = with_inits(conv_blocks(), {4: LayerInit(kind, make_init("zeros"))})
    model = initial_model(make_project(blocks, seed=3, init="kaiming"), data)
    torch.manual_seed(3)
    expected = make_project(conv_blocks()).architecture.build()
    nn.init.kaiming_normal_(expected[0].weight, mode="fan_in", nonlinearity="relu")
    call(expected[4].weight)
    for index in (0, 4):
        assert torch.equal(model[index].weight.cpu(), expected[index].weight)
    assert torch.equal(model[0].bias.cpu(), expected[0].bias)  # biases keep torch's init
    assert not model[4].bias.any()


def test_biases_are_no_longer_always_zeroed(data):
    """A project Weight init leaves biases as torch made them unless Bias init says zeros."""
    kept = initial_model(make_project(init="xavier", seed=1), data)
    torch.manual_seed(1)
    built = make_project().architecture.build()
    assert torch.equal(kept[0].bias.cpu(), built[0].bias) and kept[4].bias.any()
    zeroed = initial_model(make_project(init="xavier", bias_init="zeros"), data)
    assert not zeroed[0].bias.any() and not zeroed[4].bias.any()
    only = initial_model(make_project(bias_init="zeros", seed=1), data)
    assert torch.equal(only[0].weight.cpu(), built[0].weight) and not only[0].bias.any()


def test_old_files_with_a_weight_init_keep_zero_biases():
    data = make_project(init="kaiming").to_dict()
    del data["training"]["bias_init"]
    assert Project.from_dict(data).training.bias_init == "zeros"
    data["training"]["init"] = "default"
    assert Project.from_dict(data).training.bias_init == "default"
    with pytest.raises(FileFormatError, match="bias_init"):
        Project.from_dict({**data, "training": {"bias_init": "ones"}})


def test_init_round_trips_through_json_and_is_written_only_when_set():
    arch = Architecture((4,), [Block.create("Linear", out_features=3), Block.create("ReLU")])
    seen: list = []
    arch.subscribe(seen.append)
    arch.set_init(0, NORMAL)
    assert seen == [events.InitChanged(0, None, NORMAL)]
    data = arch.to_dict()
    assert data["layers"][0]["init"] == {
        "weight": {"kind": "normal", "mean": 0.5, "std": 0.02},
        "bias": {"kind": "constant", "value": 0.25},
    }
    assert "init" not in data["layers"][1]
    again = Architecture.from_dict(data)
    assert again[0].init == NORMAL and again[1].init is None
    assert again[0].copy().init == NORMAL
    arch.set_init(0, LayerInit())  # nothing left to override: no init at all
    assert arch[0].init is None and "init" not in arch.to_dict()["layers"][0]
    with pytest.raises(ArchitectureError, match="no weights"):
        arch.set_init(1, NORMAL)


def test_default_parts_and_missing_numbers():
    assert parse_layer_init({"weight": {"kind": "default"}}, "Linear") is None
    only_bias = parse_layer_init({"bias": {"kind": "zeros"}}, "Conv2d")
    assert only_bias == LayerInit(None, make_init("zeros"))
    filled = parse_layer_init({"weight": {"kind": "normal"}}, "Linear")
    assert filled.weight.args == {"mean": 0.0, "std": 0.01}  # the table's defaults


@pytest.mark.parametrize(
    "init, words",
    [
        ({"weight": {"kind": "gaussian"}}, "init.weight.kind must be one of default"),
        ({"bias": {"kind": "xavier_uniform"}}, "init.bias.kind must be one of"),
        ({"weight": {"kind": "normal", "std": -1}}, "init.weight.std must be at least 0"),
        ({"weight": {"kind": "normal", "std": math.inf}}, "must be a finite number"),
        ({"weight": {"kind": "normal", "mean": "x"}}, "mean must be a number"),
        ({"weight": {"kind": "constant", "value": True}}, "value must be a number"),
        ({"weight": {"kind": "uniform", "a": 1, "b": 1}}, "a must be less than b"),
        ({"weight": {"kind": "normal", "sd": 1}}, "has no parameter 'sd'; it takes mean, std"),
        ({"weight": {"kind": "kaiming_normal", "mode": "fan"}}, "mode must be one of fan_in"),
        ({"weights": {"kind": "zeros"}}, "init has no part 'weights'"),
        ({"weight": "normal"}, "must be an object with a kind"),
        ([1, 2], "init must be an object"),
    ],
)
def test_a_bad_init_is_refused_with_the_layer_and_the_reason(init, words):
    data = {"input_shape": [4], "layers": [{"type": "Linear", "init": init}]}
    with pytest.raises(ArchitectureError) as caught:
        Architecture.from_dict(data)
    assert caught.value.message.startswith("Layer 0 (Linear): ")
    assert words in caught.value.message


def test_a_layer_without_weights_cannot_have_an_init():
    data = {"input_shape": [4], "layers": [{"type": "ReLU", "init": {}}]}
    with pytest.raises(ArchitectureError, match=r"Layer 0 \(ReLU\): ReLU has no weights"):
        Architecture.from_dict(data)


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(WEIGHT_KINDS),
    number=st.floats(-10, 10, allow_nan=False),
    bias_kind=st.sampled_from(BIAS_KINDS),
)
def test_any_table_init_round_trips(kind: str, number: float, bias_kind: str):
    values = {p.name: (number if p.kind == "float" else p.choices[-1]) for p in KINDS[kind].params}
    if kind == "uniform":
        values = {"a": number, "b": number + 1}
    if kind in ("normal", "xavier_uniform", "xavier_normal"):
        values = {k: abs(v) if k in ("std", "gain") else v for k, v in values.items()}
    init = parse_layer_init(
        {"weight": {"kind": kind, **values}, "bias": {"kind": bias_kind}}, "Linear"
    )
    arch = Architecture((3,), [Block("Linear", {"out_features": 2, "bias": True}, init=init)])
    assert Architecture.from_dict(arch.to_dict())[0].init == init


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    weight=st.fixed_dictionaries(
        {"kind": st.sampled_from([*WEIGHT_KINDS, "x"])},
        optional={
            "mean": JSON,
            "std": JSON,
            "a": JSON,
            "b": JSON,
            "value": JSON,
            "gain": JSON,
            "mode": JSON,
            "nonlinearity": JSON,
        },
    ),
    anything=JSON,
)
def test_any_init_value_is_read_or_refused_with_a_message(weight, anything):
    for init in ({"weight": weight}, {"bias": weight}, anything):
        try:
            parsed = parse_layer_init(init, "Conv2d")
        except ArchitectureError as error:
            assert error.message and "Traceback" not in error.message
        else:
            assert parsed is None or parse_layer_init(parsed.to_dict(), "Conv2d") == parsed


# --- the exported script ------------------------------------------------------------------


def test_the_script_writes_one_nn_init_line_per_tensor(tmp_path: Path):
    blocks = with_inits(conv_blocks(), {4: NORMAL})
    project = make_project(blocks, init="xavier")
    script = export_script(project)
    assert "    nn.init.xavier_uniform_(model[0].weight, gain=1.0)\n" in script
    assert "    nn.init.normal_(model[4].weight, mean=0.5, std=0.02)\n" in script
    assert "    nn.init.constant_(model[4].bias, val=0.25)\n" in script
    assert "model[0].bias" not in script  # torch's own bias init: nothing to write
    assert script.index("model[0].weight") < script.index("model[4].weight")
    no_bias = make_project(
        with_inits([Block.create("Flatten"), Block.create("Linear", bias=False)], {1: NORMAL})
    )
    assert "model[1].bias" not in export_script(no_bias)
    lenet = default_project()
    lenet.training.init = "xavier"
    with_inits(list(lenet.architecture.blocks), {0: NORMAL, 11: LayerInit(None, make_init("ones"))})
    path = tmp_path / "train.py"
    path.write_text(export_script(lenet), encoding="utf-8")
    lint = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", "--line-length", "100", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout


def test_the_scripts_init_lines_give_the_apps_initial_weights(data):
    project = make_project(
        with_inits(conv_blocks(), {0: LayerInit(None, make_init("uniform", a=0.1, b=0.2))}),
        init="normal",
        seed=11,
    )
    script = export_script(project)
    start = script.index("    torch.manual_seed(SEED)")
    end = script.index("    model.to(device")
    namespace: dict = {"torch": torch, "nn": nn, "SEED": 11}
    exec(_dedent(script[start:end]), namespace)
    app = initial_model(project, data)
    for key, value in app.state_dict().items():
        assert torch.equal(namespace["model"].state_dict()[key], value.cpu()), key


def test_the_studio_project_round_trip_keeps_each_layers_init():
    project = make_project(with_inits(conv_blocks(), {4: NORMAL}), init="kaiming")
    back = import_project(export_script(project), "train.py").project
    assert back.architecture[4].init == NORMAL and back.architecture[0].init is None
    assert back.training.init == "kaiming"


def test_effective_inits_skip_layers_left_to_torch():
    blocks = with_inits(conv_blocks(), {4: LayerInit(None, make_init("zeros"))})
    assert [i for i, _ in effective_inits(blocks)] == [4]
    assert [i for i, _ in effective_inits(blocks, "kaiming")] == [0, 4]


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text)


def test_the_script_repeats_the_apps_first_epoch_with_layer_inits(
    tmp_path: Path, monkeypatch, capsys
):
    from studio.core.project import DatasetConfig
    from tests.core.test_data_formats import write_mnist
    from tests.core.test_export_script import run_script, write

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("no downloads"))

    folder = tmp_path / "data"
    write_mnist(folder)
    project = default_project()
    project.training.init = "kaiming"
    project.training.bias_init = "zeros"
    inits = {0: NORMAL, 9: LayerInit(make_init("xavier_normal", gain=0.5), make_init("ones"))}
    with_inits(list(project.architecture.blocks), inits)
    project.dataset = DatasetConfig("mnist", path=str(folder))
    result = Trainer(project, epochs=1, device="cpu").run()
    assert result.reason == "completed", result.error
    script = write(tmp_path, project)
    args = ["--epochs", "1", "--data", str(folder), "--out", str(tmp_path / "w.pt")]
    [(_, loss, accuracy)] = run_script(script, args, monkeypatch, capsys)
    assert loss == pytest.approx(result.history[0]["train_loss"], abs=2e-4)
    assert accuracy == pytest.approx(100 * result.history[0]["val_accuracy"], abs=0.01)


# --- reading nn.init calls from imported code --------------------------------------------

D2L = """
import torch
from torch import nn

net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


def init_normal(module):
    if type(module) == nn.Linear:
        nn.init.normal_(module.weight, mean=0, std=0.01)
        nn.init.zeros_(module.bias)


def init_42(m):
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.constant_(m.weight, 42)


net.apply(init_normal)
net[2].apply(init_42)
torch.nn.init.uniform_(net[2].bias, -0.1, 0.1)
nn.init.kaiming_normal_(net[0].weight, a=0.2)
nn.init.normal_(net[0].bias, std=torch.rand(1).item())
"""


def test_import_reads_nn_init_calls_and_apply_functions():
    from studio.core.codegen.importer import import_code

    result = import_code(D2L)
    first, relu, last = result.architecture
    assert first.init == LayerInit(make_init("normal", mean=0.0, std=0.01), make_init("zeros"))
    assert relu.init is None
    assert last.init == LayerInit(
        make_init("constant", value=42.0), make_init("uniform", a=-0.1, b=0.1)
    )
    notes = " ".join(result.notes)
    assert "Line 22: the weight init of layer 0 was left out (Kaiming" in notes
    assert "Line 23: the bias init of layer 0 was left out (its values are computed)" in notes
    code = "net = nn.Sequential(nn.Linear(3, 2))\nnn.init.kaiming_uniform_(net[0].weight)\n"
    [linear] = import_code(code).architecture
    assert linear.init.weight.args == {"mode": "fan_in", "nonlinearity": "leaky_relu"}


def test_importing_an_exported_scripts_code_reads_its_init_lines():
    """``import_code`` reads the network only (no saved project): the inits come from code."""
    from studio.core.codegen.importer import import_code

    project = make_project(with_inits(conv_blocks(), {4: NORMAL}))
    back = import_code(export_script(project), input_shape=(1, 8, 8)).architecture
    assert back[4].init == NORMAL and back[0].init is None
