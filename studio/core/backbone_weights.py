"""Pretrained Backbone weights from torch's own hub cache, through torchvision's weights API.

The file lives where torch keeps it (``$TORCH_HOME/hub/checkpoints/<file>``), so a
model downloaded once by any torch program is found here too. Offline with no file,
the person learns the exact file name and folder, before any data is loaded.
"""

from __future__ import annotations

import logging
import urllib.error
from pathlib import Path
from typing import Any

from studio.core.architecture import Architecture
from studio.core.backbones import BLOCK, check_weights_name
from studio.core.errors import StudioError

log = logging.getLogger(__name__)


class WeightsUnavailableError(StudioError):
    """Pretrained weights are neither in torch's cache nor downloadable now."""


def checkpoint_folder() -> Path:
    """``$TORCH_HOME/hub/checkpoints``, where torch's ``load_state_dict_from_url`` keeps files."""
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints"


def weights_enum(model_name: str, weights: str) -> Any:
    """torchvision's weights entry (``ResNet18_Weights.IMAGENET1K_V1`` for ``DEFAULT``)."""
    from torchvision.models import get_model_weights

    check_weights_name(model_name, weights)
    return get_model_weights(model_name)[weights]


def file_name(model_name: str, weights: str) -> str:
    """``resnet18-f37072fd.pth``: the name torch stores the weights under."""
    return str(weights_enum(model_name, weights).url).rsplit("/", 1)[-1]


def pretrained_blocks(arch: Architecture) -> list[tuple[int, str, str]]:
    """(index, model, weights name) of every Backbone with pretrained weights."""
    return [
        (index, str(block.params["model"]), str(block.params["weights"]))
        for index, block in enumerate(arch.blocks)
        if block.type == BLOCK and block.params.get("weights")
    ]


def state_dict(model_name: str, weights: str, download: bool = True) -> dict[str, Any]:
    """The full torchvision model's weights, from the cache or downloaded into it."""
    entry = weights_enum(model_name, weights)
    folder = checkpoint_folder()
    name = file_name(model_name, weights)
    if not (folder / name).is_file() and not download:
        raise _missing(name, folder)
    try:
        return entry.get_state_dict(progress=False, model_dir=str(folder))
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        log.info("could not download %s: %s", name, error)
        raise _missing(name, folder) from None
    except (RuntimeError, OSError, EOFError, ValueError) as error:
        raise StudioError(
            "{file} in {folder} cannot be read ({detail}); delete it so it downloads again.",
            file=name,
            folder=str(folder),
            detail=str(error).splitlines()[0] if str(error) else type(error).__name__,
        ) from None


def _missing(name: str, folder: Path) -> WeightsUnavailableError:
    return WeightsUnavailableError(
        "{file} is not in {folder}; connect to the internet once or copy the file there.",
        file=name,
        folder=str(folder),
    )


def fetch_all(arch: Architecture, download: bool = True) -> dict[int, dict[str, Any]]:
    """Every pretrained Backbone's weights by layer index; raises before training starts."""
    return {
        index: state_dict(model, weights, download)
        for index, model, weights in pretrained_blocks(arch)
    }


def load_into(model: Any, loaded: dict[int, dict[str, Any]]) -> None:
    """Copy each Backbone's weights into the built network (its classifier left out)."""
    for index, weights in loaded.items():
        module = model[index]
        wanted = set(module.state_dict())
        module.load_state_dict({k: v for k, v in weights.items() if k in wanted})


def weights_normalisation(arch: Architecture) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    """(mean, std, sentence) of the pretrained Backbone that starts the network, or
    ``((), (), "")``: its weights expect images normalised as in their own training."""
    if not arch.blocks or arch.blocks[0].type != BLOCK or not arch.blocks[0].params.get("weights"):
        return (), (), ""
    model, weights = str(arch.blocks[0].params["model"]), str(arch.blocks[0].params["weights"])
    transforms = weights_enum(model, weights).transforms()
    mean, std = tuple(transforms.mean), tuple(transforms.std)
    side = int(transforms.crop_size[0])
    _, height, width = arch.input_shape
    note = (
        f"Images are normalised with the mean {_rounded(mean)} and standard deviation "
        f"{_rounded(std)} the {model} {weights} weights were trained with (ImageNet), not "
        "this data's own."
    )
    if (height, width) != (side, side):
        note += (
            f" They were trained on {side}×{side} images; this network takes {height}×{width}, "
            f"so a {side}×{side} input may recognise more."
        )
    return mean, std, note


def _rounded(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.3f}" for v in values) + ")"
