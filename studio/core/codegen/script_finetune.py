"""The fine-tuning parts of the exported script: Backbones, frozen layers, two stages.

The script builds each Backbone with ``torchvision.models.<name>(weights=...)``
and keeps its features part (the same child names, so the same state_dict keys
as the app), freezes the same modules the app freezes (no gradients, eval
mode), and with ``head_epochs`` unfreezes them at the learning rate × the factor.
Every function returns nothing for a project without Backbones or frozen layers,
so other scripts stay as they were.
"""

from __future__ import annotations

from typing import Any

from studio.core.architecture import Architecture
from studio.core.backbones import BLOCK
from studio.core.project import Project

BACKBONE_HELPER = '''
def backbone(name, weights):
    """torchvision's model without its classifier: the pooled features, flattened.
    Pretrained weights download once into torch's cache (~/.cache/torch/hub/checkpoints)."""
    net = getattr(torchvision.models, name)(weights=weights)
    features = nn.Sequential()
    for child, module in net.named_children():
        if child not in ("fc", "classifier"):
            features.add_module(child, module)
    features.add_module("flatten", nn.Flatten(1))
    return features
'''


def has_backbone(arch: Architecture) -> bool:
    return any(block.type == BLOCK for block in arch.blocks)


def backbone_call(params: dict[str, Any]) -> str:
    """``backbone("resnet18", "DEFAULT")``: one layer of ``nn.Sequential(...)``."""
    return f"backbone({params['model']!r}, {params.get('weights')!r})".replace("'", '"')


def helper(arch: Architecture) -> str:
    return BACKBONE_HELPER if has_backbone(arch) else ""


def add_import(lines: list[str], arch: Architecture) -> list[str]:
    """``import torchvision`` in its sorted place, when a Backbone needs it."""
    if not has_backbone(arch):
        return lines
    at = lines.index("import torch.distributed as dist") + 1
    return [*lines[:at], "import torchvision", *lines[at:]]


def _module_names(project: Project, unfreeze: int | None) -> list[str]:
    """Names (``0.layer1``, ``1``) of the modules the app keeps frozen (see ``finetune``)."""
    import torch

    from studio.core.training.finetune import frozen_modules

    with torch.device("meta"):
        model = project.architecture.build()
    names = {id(module): name for name, module in model.named_modules()}
    return [names[id(m)] for m in frozen_modules(model, project.architecture, unfreeze)]


def _whole_backbones(project: Project, names: list[str]) -> list[str]:
    """``0`` in place of every part of Backbone 0 when all of them are listed."""
    from studio.core.backbones import stage_names

    out = list(names)
    for index, block in enumerate(project.architecture.blocks):
        if block.type != BLOCK:
            continue
        parts = stage_names(str(block.params["model"]))
        stages = {f"{index}.{name}" for stage in parts for name in stage}
        mine = [n for n in out if n.split(".")[0] == str(index)]
        if mine and stages <= set(mine):
            at = out.index(mine[0])
            out = [n for n in out if n not in mine]
            out.insert(at, str(index))
    return out


def frozen_names(project: Project) -> tuple[list[str], list[str], list[str]]:
    """(frozen from the start, unfrozen at the two-stage switch, still frozen after it)."""
    if not any(block.frozen for block in project.architecture.blocks):
        return [], [], []
    first = _module_names(project, None)
    later: list[str] = []
    after: list[str] = []
    if project.training.head_epochs > 0:
        after = _module_names(project, project.training.unfreeze_stages)
        later = [name for name in first if name not in after]
    return (
        _whole_backbones(project, first),
        _whole_backbones(project, later),
        _whole_backbones(project, after) if later else [],
    )


def init_kinds(arch: Architecture, kinds: list[str]) -> list[str]:
    """The app's initialisation also reaches a Backbone's convolutions and linear layers."""
    if not has_backbone(arch):
        return kinds
    return list(dict.fromkeys(["Conv2d", *kinds, "Linear"]))


def pretrained_reload(project: Project) -> list[str]:
    """After a non-default init, put the pretrained Backbone weights back, as the app does."""
    if project.training.init == "default":
        return []
    lines = []
    for index, block in enumerate(project.architecture.blocks):
        if block.type == BLOCK and block.params.get("weights"):
            call = backbone_call(block.params)
            lines.append(
                f"    with torch.random.fork_rng():  # the pretrained weights, no random draws\n"
                f"        model[{index}].load_state_dict({call}.state_dict())"
            )
    if lines:
        lines.insert(
            0, "    # The initialisation above also reached the backbone; reload its weights."
        )
    return lines


def freeze_lines(project: Project) -> list[str]:
    """Freeze what the app freezes; the optimizer then gets ``param_groups``."""
    first, later, after = frozen_names(project)
    if not first:
        return []
    lines = [
        "",
        "    # Frozen layers keep their weights: no gradients, eval mode (BatchNorm statistics",
        "    # stay), and the optimizer leaves them out.",
        *_name_list("frozen", first),
        "    for part in frozen:",
        "        part.requires_grad_(False)",
        '    param_groups = [{"params": [p for p in model.parameters() if p.requires_grad]}]',
    ]
    if later:
        factor = project.training.unfreeze_lr_factor
        lines += [
            f"    # Two stages: after {project.training.head_epochs} epoch(s) of the head alone, "
            f"these train at lr x {factor!r}.",
            *_name_list("unfrozen_later", later),
            *_name_list("still_frozen", after),
            "    waiting = [p for part in unfrozen_later for p in part.parameters()]",
            f'    param_groups.append({{"params": waiting, "lr": args.lr * {factor!r}}})',
        ]
    return lines


def _name_list(variable: str, names: list[str]) -> list[str]:
    """``variable = [model.get_submodule(name) for name in (…)]``, one name per line."""
    if not names:
        return [f"    {variable} = []"]
    if len(names) <= 3:
        shown = ", ".join(f'"{n}"' for n in names)
        return [f"    {variable} = [model.get_submodule(name) for name in ({shown},)]"]
    return [
        f"    {variable} = [",
        "        model.get_submodule(name)",
        "        for name in (",
        *[f'            "{n}",' for n in names],
        "        )",
        "    ]",
    ]


def optimizer_params(project: Project) -> str:
    return "param_groups" if frozen_names(project)[0] else "model.parameters()"


def max_lr(project: Project) -> str:
    """OneCycleLR's peak: one per group when the unfrozen layers have their own rate."""
    if frozen_names(project)[1]:
        return '[group["lr"] for group in optimizer.param_groups]'
    return "args.lr"


def epoch_start_lines(project: Project) -> list[str]:
    """At each epoch: the two-stage switch, then frozen parts back into eval mode."""
    first, later, _ = frozen_names(project)
    if not first:
        return []
    lines: list[str] = []
    if later:
        head = project.training.head_epochs
        lines += [
            f"        if epoch == {head + 1}:  # the second stage: unfreeze",
            "            for part in unfrozen_later:",
            "                part.requires_grad_(True)",
            "            frozen = still_frozen",
            "            if rank == 0:",
            '                lr = optimizer.param_groups[-1]["lr"]',
            '                print(f"epoch {epoch}: unfroze {len(unfrozen_later)} part(s), "',
            '                      f"at lr {lr:.3g}")',
        ]
    lines += [
        "        for part in frozen:",
        "            part.eval()  # frozen: BatchNorm statistics must not move",
    ]
    return lines


def normalisation_line(project: Project) -> str | None:
    """``mean, std = …`` with the pretrained weights' own values, or ``None``."""
    from studio.core.backbone_weights import weights_normalisation

    mean, std, note = weights_normalisation(project.architecture)
    if not note:
        return None
    return (
        f"    mean, std = torch.tensor({list(mean)!r}), torch.tensor({list(std)!r})"
        "  # the pretrained weights' (ImageNet)"
    )
