"""The whole training run as one standalone PyTorch script a learner can read and run.

``export_script(project)`` writes only what this project needs: its dataset's
loading (no branches for other datasets), the fitting of images to the
network's input, the split, the normalisation, augmentation, optimizer,
schedule and loss the app uses, a plain training loop and a tutorial-style
evaluation. Random numbers are drawn in the app's order (split, then
``torch.manual_seed(seed)`` before the layers are built, then one generator
for shuffling and augmentation), so on the CPU a run repeats the app's.
"""

from __future__ import annotations

import json
import re
import textwrap

from studio.core.codegen import script_finetune as tuning
from studio.core.codegen import script_stream
from studio.core.codegen.model_code import model_definition
from studio.core.codegen.script_stream import streams_in_script
from studio.core.data.paths import SAMPLE_FILE
from studio.core.data.sample import CLASSES as SAMPLE_CLASSES
from studio.core.data.sample import NATIVE_SHAPE as SAMPLE_SHAPE
from studio.core.data.torchvision_sets import SETS
from studio.core.initialisation import PROJECT_BIAS, PROJECT_WEIGHT, script_lines
from studio.core.project import Project
from studio.core.registry import get_spec
from studio.core.shapes import resolve_loss
from studio.core.training.factories import ONECYCLE_MOMENTUM

TORCHVISION_DATA = "./data"
SCRIPT_DATA = "data"
"""The folder beside the script that holds the bundled sample (``studio export`` copies it)."""
EVAL_BATCH = 1000


def export_script(project: Project) -> str:
    """The project's training run as the text of one Python file (ruff-clean)."""
    return _Script(project).render()


def _fill(text: str, **values: object) -> str:
    """Dedent ``text`` and replace each ``<<key>>`` with its value."""
    text = textwrap.dedent(text)
    for key, value in values.items():
        text = text.replace(f"<<{key}>>", str(value))
    return text


def _string(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are valid Python)."""
    return json.dumps(text, ensure_ascii=False)


def _strings(items) -> str:
    return "[" + ", ".join(_string(str(item)) for item in items) + "]"


def _list_constant(name: str, items) -> str:
    """``NAME = [...]`` on one line when it fits in 100 characters, else one item a line."""
    line = f"{name} = {_strings(items)}"
    if len(line) <= 100:
        return line
    inner = "".join(f"    {_string(str(item))},\n" for item in items)
    return f"{name} = [\n{inner}]"


def _argument(*parts: str) -> str:
    """One ``parser.add_argument`` call, on one line when it fits in 100 characters."""
    option, *rest = parts
    line = f'    parser.add_argument("{option}", {", ".join(rest)})'
    if len(line) <= 100:
        return line
    inner = "".join(f"        {part},\n" for part in [f'"{option}"', *rest])
    return f"    parser.add_argument(\n{inner}    )"


def _defs(*parts: str) -> str:
    """Top-level definitions separated by two blank lines."""
    return "\n\n\n".join(part.strip("\n") for part in parts)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "model"


class _Script:
    """Collects the pieces of one script; each ``_section`` returns code or ''."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.arch = project.architecture
        self.cfg = project.training
        self.data = project.dataset
        self.input_shape = tuple(self.arch.input_shape)
        self.flat = len(self.input_shape) != 3  # vectors and signals: reshaped images
        self.kind = (
            "sample"
            if self.data.name == "mnist-sample"
            else "folder"
            if self.data.name == "image-folder"
            else "torchvision"
        )
        self.loss = resolve_loss(self.cfg.loss, self.arch.blocks)
        self.augment_crop = self.data.augment_crop and not self.flat
        self.augment_flip = self.data.augment_flip and not self.flat
        self.native = self._native_shape()
        self.adapt = self._adapt_steps()
        self.stream = self.kind == "folder" and streams_in_script(project)
        """An image folder the app streams from disk: ImageFolder and DataLoader."""

    # --- what the script needs ---------------------------------------------------------

    def _native_shape(self) -> tuple[int, int, int]:
        if self.kind == "sample":
            return SAMPLE_SHAPE
        if self.kind == "torchvision":
            return SETS[self.data.name].native_shape
        if not self.flat:
            return self.input_shape  # type: ignore[return-value]  # decoded at the input size
        from studio.core.data import describe_dataset  # a flat input needs the images' size

        return describe_dataset(self.data).native_shape

    def _adapt_steps(self) -> list[str]:
        """Lines of ``fit_to_network``, in the app's order (see ``data/adapt.py``)."""
        c, h, w = self.native
        if self.flat:
            if len(self.input_shape) == 1:
                return [
                    f"images = images.reshape(len(images), -1)  # {c}x{h}x{w} -> "
                    f"{self.input_shape[0]} values"
                ]
            sizes = ", ".join(str(n) for n in self.input_shape)
            shown = "x".join(str(n) for n in self.input_shape)
            return [f"images = images.reshape(len(images), {sizes})  # {c}x{h}x{w} -> {shown}"]
        if self.kind == "folder":
            return []  # decoded straight to the network's channels and size
        channels, height, width = self.input_shape
        steps = []
        if channels < c:
            steps.append(
                "images = torch.cat([TF.rgb_to_grayscale(part) for part in images.split(1024)])"
                "  # colour -> gray"
            )
        if (h, w) != (height, width):
            dy, dx = height - h, width - w
            if dy >= 0 and dx >= 0 and dy % 2 == 0 and dx % 2 == 0:
                steps.append(
                    f"images = F.pad(images, ({dx // 2}, {dx // 2}, {dy // 2}, {dy // 2}))"
                    f"  # {h}x{w} -> {height}x{width} with a black border"
                )
            else:
                steps.append(
                    f"images = torch.cat([TF.resize(part, [{height}, {width}], antialias=True) "
                    "for part in images.split(1024)])"
                )
        if channels > c:
            steps.append(f"images = images.repeat(1, {channels}, 1, 1)  # gray -> colour")
        return steps

    def _uses(self, text: str) -> bool:
        return any(text in line for line in self.adapt)

    @property
    def needs_functional(self) -> bool:
        crop = self.augment_crop and not self.stream  # streaming: a RandomCrop transform
        return self.loss == "mse" or crop or self._uses("F.")

    # --- rendering ---------------------------------------------------------------------

    def render(self) -> str:
        sections = [
            self._header(),
            self._imports(),
            self._constants(),
            self._project_constant(),
            self._arguments(),
            self._loading(),
            self._adapting(),
            self._statistics(),
            self._augmentation(),
            self._device(),
            self._distributed(),
            self._evaluation(),
            tuning.helper(self.arch),
            self._tensorboard(),
            self._main(),
        ]
        parts = [s.strip("\n") for s in sections if s.strip()]
        text = "\n\n".join(parts[:3]) + "\n\n\n" + "\n\n\n".join(parts[3:])
        return text + '\n\n\nif __name__ == "__main__":\n    main()\n'

    def _header(self) -> str:
        name = self.project.name
        if self.kind == "sample":
            what = "the 5,000-image MNIST sample bundled with Sequential Studio"
        elif self.kind == "torchvision":
            what = SETS[self.data.name].title + " (downloaded by torchvision)"
        else:
            what = "a folder with one sub-folder of images per class"
        return _fill(
            '''
            """Train "<<name>>" on <<what>>.

            Exported from Sequential Studio: the same network, data split, seed, normalisation,
            optimizer, schedule and loss as the app, so a run on the CPU repeats the app's.
            Needs only torch, torchvision and numpy. Try: python <<file>>.py --help

            On several processes with DistributedDataParallel (gloo on the CPU, nccl on GPUs),
            one per GPU; the global batch stays --batch-size:
              torchrun --standalone --nproc_per_node=2 <<file>>.py
            On two machines, run this one command on each (--node-rank=1 on the second):
              torchrun --nnodes=2 --node-rank=0 --nproc_per_node=GPUS_PER_MACHINE
                --rdzv-backend=c10d --rdzv-endpoint=FIRST_MACHINE:29400 --rdzv-id=run1 <<file>>.py
            """
            ''',
            name=name.replace('"', "'").replace("\\", "/"),
            what=what,
            file=_slug(name),
        )

    def _imports(self) -> str:
        lines = ["import argparse", "import os", "import time"]
        if self.stream:
            lines.insert(1, "import copy")
        if self.kind == "sample":
            lines.append("from pathlib import Path")
        lines.append("")
        if self.kind != "torchvision":
            lines.append("import numpy as np")
        lines += ["import torch", "import torch.distributed as dist"]
        if self.kind == "folder":
            lines.append("from PIL import Image")
        lines.append("from torch import nn")
        if self.needs_functional:
            lines.append("from torch.nn import functional as F")
        lines.append("from torch.nn.parallel import DistributedDataParallel")
        if self.stream:
            lines += script_stream.STREAM_IMPORTS
        if self.kind == "torchvision":
            lines.append("from torchvision import datasets")
        if self.kind == "folder":
            lines.append("from torchvision.datasets.folder import IMG_EXTENSIONS")
        if self._uses("TF."):
            lines.append("from torchvision.transforms.v2 import functional as TF")
        return "\n".join(tuning.add_import(lines, self.arch))

    def _constants(self) -> str:
        lines = [f"SEED = {self.cfg.seed}  # the app's training seed: same weights, same batches"]
        if self.kind != "torchvision":
            lines.append(
                f"VAL_FRACTION = {self.data.val_fraction!r}  # held back from every class "
                "for validation"
            )
            lines.append("SPLIT_SEED = 0  # the split's own seed, as in the app")
        if self.kind == "sample":
            lines.append(_list_constant("CLASSES", SAMPLE_CLASSES))
            lines.append(
                f'SAMPLE = Path(__file__).resolve().parent / "{SCRIPT_DATA}" / "{SAMPLE_FILE}"'
                "  # beside this script"
            )
        elif self.kind == "torchvision":
            lines.append(_list_constant("CLASSES", SETS[self.data.name].classes))
        if self.stream:
            lines += script_stream.constants(*self.native)
        elif self.kind == "folder":
            c, h, w = self.native
            lines.append(f"IMAGE_SIZE = ({w}, {h})  # (width, height) the images are decoded at")
            lines.append(f'IMAGE_MODE = "{"L" if c == 1 else "RGB"}"  # grayscale or colour')
        lines.append(f"EVAL_BATCH = {EVAL_BATCH}  # images per batch when evaluating")
        return "\n".join(lines)

    def _project_constant(self) -> str:
        from studio.core.codegen.restore import embedded_constant

        return embedded_constant(self.project)

    def _data_default(self) -> tuple[str, str]:
        if self.kind == "sample":
            where = f"{SCRIPT_DATA}/{SAMPLE_FILE} beside this script"
            return "SAMPLE", f"the MNIST sample (.npz); default: {where}"
        if self.kind == "torchvision":
            return _string(TORCHVISION_DATA), "where torchvision downloads the dataset"
        return (
            _string(self.data.path),
            "the folder of class sub-folders (default: its path when exported, %(default)s)",
        )

    def _arguments(self) -> str:
        cfg = self.cfg
        data_default, data_help = self._data_default()
        return _fill(
            """
            def parse_args():
                parser = argparse.ArgumentParser(
                    description=__doc__.splitlines()[0],
                    epilog=__doc__.split("\\n", 2)[2],  # how to run it under torchrun
                    formatter_class=argparse.RawDescriptionHelpFormatter,
                )
                parser.add_argument("--epochs", type=int, default=<<epochs>>)
                parser.add_argument("--batch-size", type=int, default=<<batch>>)
                parser.add_argument("--lr", type=float, default=<<lr>>, help="<<lr_help>>")
                parser.add_argument("--device", default="<<device>>", help="auto, cpu, cuda or mps")
            <<data>>
            <<out>>
            <<tensorboard>>
                return parser.parse_args()
            """,
            epochs=cfg.epochs,
            batch=cfg.batch_size,
            lr=repr(cfg.lr),
            lr_help="the peak learning rate" if cfg.schedule == "onecycle" else "learning rate",
            device=cfg.device,
            data=_argument("--data", f"default={data_default}", f'help="{data_help}"'),
            out=_argument(
                "--out",
                f'default="{_slug(self.project.name)}.pt"',
                'help="where to save the weights"',
            ),
            tensorboard=_argument(
                "--tensorboard",
                'metavar="DIR"',
                'help="log to TensorBoard in a new run folder inside DIR (needs tensorboard)"',
            ),
        )

    def _loading(self) -> str:
        if self.kind == "sample":
            return _defs(_SPLIT, _SAMPLE)
        if self.kind == "torchvision":
            spec = SETS[self.data.name]
            if spec.is_idx:
                reshape = "split.data.unsqueeze(1)  # (N, 28, 28) -> (N, 1, 28, 28)"
            else:
                reshape = (
                    "torch.from_numpy(split.data).permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW"
                )
            return _fill(
                _TORCHVISION,
                cls=spec.class_name,
                title=spec.title,
                reshape=reshape,
            )
        return _defs(_SPLIT, script_stream.FOLDER if self.stream else _FOLDER)

    def _adapting(self) -> str:
        if not self.adapt:
            return ""
        body = "\n".join(f"    {line}" for line in self.adapt)
        return (
            "def fit_to_network(images):\n"
            '    """Give uint8 images (N, C, H, W) the shape the network takes, as the app '
            'does."""\n'
            f"{body}\n"
            "    return images\n"
        )

    def _statistics(self) -> str:
        dims = "(0, 1)" if self.flat else "(0, 2, 3)"
        return _fill(script_stream.STATS if self.stream else _STATS, dims=dims)

    def _augmentation(self) -> str:
        if self.stream:
            return ""  # torchvision's RandomCrop and RandomHorizontalFlip transforms
        parts = []
        if self.augment_crop:
            parts.append(_CROP)
        if self.augment_flip:
            parts.append(_FLIP)
        return _defs(*parts)

    def _device(self) -> str:
        return _DEVICE

    def _evaluation(self) -> str:
        return script_stream.EVALUATE if self.stream else _EVALUATE

    # --- DDP and TensorBoard: own sections, so the plain loop stays readable -----------

    def _distributed(self) -> str:
        if self.stream:  # every process evaluates the whole validation loader
            return script_stream.without_function(_DISTRIBUTED, "evaluate_shared")
        return _DISTRIBUTED

    def _tensorboard(self) -> str:
        return _fill(_TENSORBOARD, slug=_slug(self.project.name))

    # --- main ------------------------------------------------------------------------

    def _main(self) -> str:
        shape = "" if self.flat else ".view(-1, 1, 1)"
        model = textwrap.indent(model_definition(self.arch), "    ").rstrip("\n")
        load = {
            "sample": "load_sample(args.data)",
            "torchvision": "load_torchvision(args.data)",
            "folder": "load_image_folder(args.data)",
        }[self.kind]
        names = ", classes" if self.kind == "folder" else ""
        lines = [
            "def main():",
            "    args = parse_args()",
            "    rank, world_size, device = start_distributed(pick_device(args.device))",
        ]
        if self.stream:
            return self._stream_main(lines, model)
        lines += [f"    train_images, train_labels, val_images, val_labels{names} = {load}"]
        if self.adapt:
            lines += [
                "    train_images, val_images = fit_to_network(train_images), "
                "fit_to_network(val_images)",
            ]
        lines += [
            "",
            "    # Normalise each channel with the training split's statistics: "
            "(x / 255 - mean) / std.",
            tuning.normalisation_line(self.project)
            or "    mean, std = channel_stats(train_images)",
            f"    shift = (mean.float() * 255){shape}.to(device)",
            f"    scale = (1 / (std.float() * 255)){shape}.to(device)",
            "    train_images, train_labels = train_images.to(device), train_labels.to(device)",
            "    val_x = (val_images.to(device).float() - shift) * scale",
            "    val_y = val_labels.to(device)",
            "",
            "    # The network: the same layers, and so the same state_dict keys, as in the app.",
            "    torch.manual_seed(SEED)  # the same seed gives the same initial weights",
            model,
        ]
        lines += self._init_lines()
        lines += tuning.pretrained_reload(self.project) + tuning.freeze_lines(self.project)
        lines += [
            (
                "    model.to(device, memory_format=torch.channels_last)  # faster convolutions"
                if len(self.input_shape) == 3
                else "    model.to(device)"
            ),
            "    trained = wrap_for_ddp(model, device, world_size)  # model itself in a plain run",
            "    generator = torch.Generator().manual_seed(SEED)  # shuffling"
            + (" and augmentation" if self.augment_crop or self.augment_flip else ""),
            "",
        ]
        lines += self._loss_lines()
        lines += [
            "    n, batch_size = len(train_images), args.batch_size",
            "    steps_per_epoch = -(-n // batch_size)  # the last batch may be smaller",
            "    if n % batch_size == 1 and n > batch_size:",
            "        steps_per_epoch -= 1  # a last batch of one image would break BatchNorm",
        ]
        lines += self._optimizer_lines()
        lines += self._epoch_lines()
        return "\n".join(lines) + "\n\n\n" + self._report_and_save()

    def _stream_main(self, lines: list[str], model: str) -> str:
        """``main`` for a streamed folder: DataLoaders in place of tensors in memory."""
        statistics = tuning.normalisation_line(self.project)
        lines += script_stream.data_lines(self.augment_crop, self.augment_flip, statistics)
        lines += [model, *self._init_lines()]
        lines += tuning.pretrained_reload(self.project) + tuning.freeze_lines(self.project)
        lines += [
            "    model.to(device, memory_format=torch.channels_last)  # faster convolutions",
            "    trained = wrap_for_ddp(model, device, world_size)  # model itself in a plain run",
            "",
        ]
        lines += self._loss_lines()
        lines += self._optimizer_lines()
        lines += self._epoch_lines()
        return "\n".join(lines) + "\n\n\n" + self._report_and_save()

    def _batch_lines(self) -> list[str]:
        """The start of the loop: batches sliced from the tensors in memory."""
        lines = [
            "",
            "    writer = open_tensorboard(args.tensorboard, rank, model, val_x[:1])",
            "    if rank == 0:  # only the first process prints, saves and logs",
            '        print(f"Training on {device}: {n} training and {len(val_y)} '
            'validation images.")',
            "    best = None  # (accuracy, epoch, weights, confusion) of the best epoch so far",
            "    for epoch in range(1, args.epochs + 1):",
            "        model.train()",
            *tuning.epoch_start_lines(self.project),
            "        order = torch.randperm(n, generator=generator).to(device)",
            "        losses = []",
            "        for step in range(steps_per_epoch):",
            "            batch = order[step * batch_size : (step + 1) * batch_size]",
            "            images, labels = train_images[batch], train_labels[batch]",
        ]
        if self.augment_crop:
            lines.append("            images = random_crop(images, generator)")
        if self.augment_flip:
            lines.append("            images = random_flip(images, generator)")
        lines += [
            "            images, labels = my_share(images, rank, world_size), "
            "my_share(labels, rank, world_size)",
            "            inputs = (images.float() - shift) * scale",
            "",
            "            optimizer.zero_grad()",
            "            loss = criterion(trained(inputs), labels)",
            "            loss.backward()",
            "            optimizer.step()",
        ]
        return lines

    def _epoch_lines(self) -> list[str]:
        """The training loop of ``main``: batches, validation, the best epoch, the end."""
        classes = "classes" if self.kind == "folder" else "CLASSES"
        val = "val_set" if self.stream else "val_y"
        if self.stream:
            lines = script_stream.epoch_lines(tuning.epoch_start_lines(self.project))
        else:
            lines = self._batch_lines()
        if self.cfg.schedule != "none":
            lines.append("            scheduler.step()  # the schedule moves once per batch")
        lines += [
            "            losses.append(loss.item())",
            "",
            "        train_loss = mean_over_processes(sum(losses) / len(losses), world_size, "
            "device)",
            *(script_stream.evaluation_lines() if self.stream else self._evaluate_lines(classes)),
            "        if rank == 0:",
            "            print(",
            '                f"epoch {epoch}: training loss {train_loss:.4f}, "',
            '                f"validation loss {val_loss:.4f}, validation accuracy '
            '{accuracy:.2f} %"',
            "            )",
            "            log_epoch(writer, epoch, train_loss, val_loss, accuracy, optimizer, "
            f"confusion, {classes})",
            "        if best is None or accuracy > best[0]:  # keep the best epoch, as the app "
            "does",
            "            weights = {k: v.detach().clone() for k, v in model.state_dict().items()}",
            "            best = (accuracy, epoch, weights, confusion)",
            "",
            "    if rank == 0:",
            f"        report_and_save(best, {classes}, len({val}), args, writer)",
            "    stop_distributed(world_size)",
        ]
        return lines

    def _evaluate_lines(self, classes: str) -> list[str]:
        return [
            "        val_loss, confusion = evaluate_shared(",
            f"            model, val_x, val_y, criterion, len({classes}), rank, world_size",
            "        )",
            "        accuracy = 100 * confusion.diagonal().sum().item() / len(val_y)",
        ]

    def _report_and_save(self) -> str:
        """The end of the run, on the first process only: the best epoch's figures, the file."""
        lines = [
            "def report_and_save(best, classes, total, args, writer):",
            '    """The accuracy of the best epoch (the one saved), overall and per class."""',
            "    best_accuracy, best_epoch, weights, confusion = best",
            "    correct = confusion.diagonal().sum().item()",
            '    print(f"Accuracy of the network on the {total} validation images: '
            '{100 * correct // total} %")',
            "    for index, (name, row) in enumerate(zip(classes, confusion.tolist(), "
            "strict=True)):",
            "        if sum(row) > 0:  # a class with no validation images has no accuracy",
            '            print(f"Accuracy for class: {name:5s} is '
            '{100 * row[index] / sum(row):.1f} %")',
            "",
            "    torch.save(weights, args.out)",
            "    print(",
            '        f"Saved the weights of epoch {best_epoch} (validation accuracy '
            '{best_accuracy:.2f} %) "',
            '        f"to {args.out}"',
            "    )",
            "    if writer is not None:",
            "        writer.close()",
        ]
        return "\n".join(lines)

    def _init_lines(self) -> list[str]:
        """The project's Weight/Bias init as one loop; once any layer has its own init, one
        ``nn.init`` call per tensor, in the app's order (so the same random numbers)."""
        cfg, blocks = self.cfg, self.arch.blocks
        if any(block.init is not None for block in blocks):
            calls = script_lines(blocks, cfg.init, cfg.bias_init)
            head = "    # Initialisation, layer by layer: each layer's own, else the project's."
            return [head, *(f"    {call}" for call in calls)] if calls else []
        weight, bias = PROJECT_WEIGHT[cfg.init], PROJECT_BIAS[cfg.bias_init]
        kinds = list(dict.fromkeys(b.type for b in blocks if get_spec(b.type).init))
        kinds = tuning.init_kinds(self.arch, kinds)
        if not kinds or (weight is None and bias is None):
            return []
        classes = ", ".join(f"nn.{get_spec(kind).torch_class}" for kind in kinds)
        classes += "," if len(kinds) == 1 else ""  # a tuple of one
        layers = " and ".join(kinds)
        if weight is None:
            comment = f"    # Every {layers} layer's bias starts at 0."
        else:
            biases = ", biases 0" if bias is not None else ""  # else torch's, as built
            title = cfg.init.capitalize()
            comment = f"    # {title} initialisation of every {layers} layer{biases}."
        body = [f"                {weight.call('layer.weight')}"] if weight is not None else []
        if bias is not None:
            body += [
                "                if layer.bias is not None:",
                f"                    {bias.call('layer.bias')}",
            ]
        return [
            comment,
            "    with torch.no_grad():",
            "        for layer in model.modules():",
            f"            if isinstance(layer, ({classes})):",
            *body,
        ]

    def _loss_lines(self) -> list[str]:
        if self.loss == "nll":
            return ["    criterion = nn.NLLLoss()  # the network ends in LogSoftmax", ""]
        if self.loss == "mse":
            classes = "len(classes)" if self.kind == "folder" else "len(CLASSES)"
            return [
                "    def criterion(outputs, labels):",
                '        """Mean squared error between the outputs and one-hot targets."""',
                f"        return F.mse_loss(outputs, F.one_hot(labels, {classes}).float())",
                "",
            ]
        return ["    criterion = nn.CrossEntropyLoss()", ""]

    def _optimizer_lines(self) -> list[str]:
        cfg = self.cfg
        extra = ""
        if cfg.optimizer == "sgd":
            if cfg.momentum:
                extra += f", momentum={cfg.momentum!r}"
            if cfg.nesterov:
                extra += ", nesterov=True"
        if cfg.weight_decay:
            extra += f", weight_decay={cfg.weight_decay!r}"
        cls = {
            "sgd": "SGD",
            "adam": "Adam",
            "adamw": "AdamW",
            "rmsprop": "RMSprop",
            "adagrad": "Adagrad",
        }[cfg.optimizer]
        params = tuning.optimizer_params(self.project)
        lines = [f"    optimizer = torch.optim.{cls}({params}, lr=args.lr{extra})"]
        if cfg.schedule == "none":
            return lines
        if cfg.schedule in ("cosine", "onecycle"):
            lines.insert(0, "    total_steps = args.epochs * steps_per_epoch")
        if cfg.schedule == "step":
            lines.append(
                "    # Multiply the rate by gamma every step_size epochs (counted in batches)."
            )
            lines += [
                "    scheduler = torch.optim.lr_scheduler.StepLR(",
                f"        optimizer, step_size={cfg.step_size} * steps_per_epoch, "
                f"gamma={cfg.gamma!r}",
                "    )",
            ]
        elif cfg.schedule == "cosine":
            lines.append(
                "    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR("
                "optimizer, T_max=total_steps)"
            )
        else:
            cycles = cfg.optimizer in ("adam", "adamw") or (
                cfg.optimizer == "sgd" and cfg.momentum > 0
            )
            low, high = ONECYCLE_MOMENTUM
            if not cycles:
                args = ", cycle_momentum=False"
            elif (low, high) == (0.85, 0.95):  # torch's own defaults
                args = ""
            else:
                args = f", base_momentum={low!r}, max_momentum={high!r}"
            lines.append("    # One cycle: the rate warms up to --lr, then anneals to almost 0.")
            lines += [
                "    scheduler = torch.optim.lr_scheduler.OneCycleLR(",
                f"        optimizer, max_lr={tuning.max_lr(self.project)}, "
                f"total_steps=total_steps{args}",
                "    )",
            ]
        return lines


_SPLIT = '''
def stratified_split(labels, val_fraction, seed):
    """Sorted (train, validation) indices that hold back val_fraction of every class."""
    rng = np.random.default_rng(seed)
    train, val = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = round(len(idx) * val_fraction)
        val.append(idx[:k])
        train.append(idx[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))
'''

_SAMPLE = '''
def load_sample(path):
    """The 5,000 bundled MNIST digits as uint8 (N, 1, 28, 28) images, split by class."""
    with np.load(path) as data:
        images, labels = data["images"], data["labels"].astype(np.int64)
    train, val = stratified_split(labels, VAL_FRACTION, SPLIT_SEED)
    images, labels = torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)
    return images[train], labels[train], images[val], labels[val]
'''

_TORCHVISION = '''
def load_torchvision(root):
    """<<title>>: the training split to train on, the test split to validate (uint8)."""
    splits = []
    for train in (True, False):
        split = datasets.<<cls>>(root, train=train, download=True)
        images = <<reshape>>
        splits += [images, torch.as_tensor(split.targets, dtype=torch.int64)]
    return splits
'''

_FOLDER = '''
def load_image_folder(root):
    """Every image of every class sub-folder, decoded once to uint8, then split by class."""
    classes = sorted(e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith("."))
    images, labels = [], []
    # Each real folder is entered once: a link back up or into another class is not followed.
    seen = {os.path.realpath(p) for p in [root, *(os.path.join(root, n) for n in classes)]}
    for label, name in enumerate(classes):
        for folder, subfolders, files in os.walk(os.path.join(root, name), followlinks=True):
            inside = []
            for sub in sorted(subfolders):
                real = os.path.realpath(os.path.join(folder, sub))
                if not sub.startswith(".") and real not in seen:
                    seen.add(real)
                    inside.append(sub)
            subfolders[:] = inside
            for file in sorted(files):
                path = os.path.join(folder, file)
                if file.startswith(".") or not file.lower().endswith(IMG_EXTENSIONS):
                    continue
                if not os.path.isfile(path):  # a pipe or device would block the read
                    continue
                try:
                    with Image.open(path) as image:
                        image.draft(IMAGE_MODE, IMAGE_SIZE)  # JPEGs decode smaller, faster
                        image = image.convert(IMAGE_MODE)
                        if image.size != IMAGE_SIZE:
                            image = image.resize(
                                IMAGE_SIZE, Image.Resampling.BILINEAR, reducing_gap=3.0
                            )
                        pixels = np.asarray(image, dtype=np.uint8)
                except (OSError, ValueError, SyntaxError):
                    print(f"Skipped {file}: not a readable image.")
                    continue
                images.append(pixels.reshape(IMAGE_SIZE[1], IMAGE_SIZE[0], -1))
                labels.append(label)
    labels = np.array(labels, dtype=np.int64)
    train, val = stratified_split(labels, VAL_FRACTION, SPLIT_SEED)
    images = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2)  # NHWC -> NCHW
    labels = torch.from_numpy(labels)
    return (
        images[train].contiguous(),
        labels[train],
        images[val].contiguous(),
        labels[val],
        classes,
    )
'''

_STATS = '''
def channel_stats(images):
    """Mean and std of each channel on the 0..1 scale, summed in chunks to save memory."""
    total = squares = 0
    for part in images.split(2048):
        part = part.double()
        total = total + part.sum(dim=<<dims>>)
        squares = squares + part.square().sum(dim=<<dims>>)
    count = images.numel() // total.numel()
    mean = total / count
    std = (squares / count - mean.square()).clamp_min(0).sqrt() / 255
    std = torch.where(std < 1e-6, 1.0, std)  # a constant channel: nothing to divide
    return mean / 255, std
'''

_CROP = '''
def random_crop(images, generator):
    """Pad by 4 black pixels, then cut every image back to size at its own random offset."""
    n, c, h, w = images.shape
    padded = F.pad(images, (4, 4, 4, 4))
    dy, dx = torch.randint(0, 9, (2, n), generator=generator).to(images.device)
    rows = (dy[:, None] + torch.arange(h, device=images.device))[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w, device=images.device))[:, None, None, :]
    batch = torch.arange(n, device=images.device)[:, None, None, None]
    channel = torch.arange(c, device=images.device)[None, :, None, None]
    return padded[batch, channel, rows, cols]
'''

_FLIP = '''
def random_flip(images, generator):
    """Mirror about half of the images left to right."""
    flip = torch.randint(0, 2, (len(images),), generator=generator).bool().to(images.device)
    return torch.where(flip[:, None, None, None], images.flip(3), images)
'''

_DEVICE = '''
def pick_device(name):
    """auto: a CUDA GPU, else an Apple GPU (mps), else the CPU."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
'''

_EVALUATE = '''
def evaluate(model, inputs, labels, criterion, num_classes):
    """Mean loss and confusion matrix (row: true class, column: predicted class)."""
    model.eval()
    total_loss = 0.0
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    with torch.no_grad():
        for start in range(0, len(inputs), EVAL_BATCH):
            x, y = inputs[start : start + EVAL_BATCH], labels[start : start + EVAL_BATCH]
            outputs = model(x)
            total_loss += criterion(outputs, y).item() * len(y)
            pairs = y * num_classes + outputs.argmax(1)
            counts = torch.bincount(pairs, minlength=num_classes * num_classes)
            confusion += counts.reshape(num_classes, num_classes).cpu()
    return total_loss / len(inputs), confusion
'''

_DISTRIBUTED = '''
def start_distributed(device):
    """Under torchrun (RANK, WORLD_SIZE, LOCAL_RANK set): join the others. Plain: no change.

    Returns (rank, world_size, device): on CUDA each process takes GPU number LOCAL_RANK.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1:
        return 0, 1, device
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank = dist.get_rank()
    if rank == 0:
        print(f"{world_size} processes, world size {world_size}")
    return rank, world_size, device


def wrap_for_ddp(model, device, world_size):
    """DistributedDataParallel averages the gradients of all processes after backward()."""
    if world_size == 1:
        return model
    return DistributedDataParallel(model, device_ids=[device] if device.type == "cuda" else None)


def my_share(batch, rank, world_size):
    """Every world_size-th item of the global batch from rank on, as DistributedSampler
    shares an epoch: the processes together see the whole batch once."""
    if len(batch) < world_size:  # too few for everyone: all take it (same gradient)
        return batch
    return batch[rank::world_size]


def mean_over_processes(value, world_size, device):
    """The mean of a number over all processes (the number itself in a plain run)."""
    if world_size == 1:
        return value
    total = torch.tensor([value], dtype=torch.float64, device=device)
    dist.all_reduce(total)
    return total.item() / world_size


def evaluate_shared(model, inputs, labels, criterion, num_classes, rank, world_size):
    """evaluate() on this process's share of the validation set, summed over all processes,
    so every process holds the loss and confusion matrix of the whole set."""
    mine = slice(rank, None, world_size)
    loss, confusion = evaluate(model, inputs[mine], labels[mine], criterion, num_classes)
    if world_size == 1:
        return loss, confusion
    sums = torch.cat([torch.tensor([loss * len(labels[mine])]), confusion.flatten().double()])
    sums = sums.to(torch.float64).to(labels.device)
    dist.all_reduce(sums)
    total_loss, counts = sums[0].item(), sums[1:].round().long().cpu()
    return total_loss / len(labels), counts.reshape(num_classes, num_classes)


def stop_distributed(world_size):
    if world_size > 1:
        dist.destroy_process_group()
'''

_TENSORBOARD = '''
def open_tensorboard(folder, rank, model, example):
    """A SummaryWriter in a new run folder (named after the project and the time), with
    the model graph; None without --tensorboard and on every process but the first."""
    if folder is None or rank != 0:
        return None
    from torch.utils.tensorboard import SummaryWriter  # needs: pip install tensorboard

    run = "<<slug>>-" + time.strftime("%Y%m%d-%H%M%S")  # one folder per run
    writer = SummaryWriter(os.path.join(folder, run))
    model.eval()
    writer.add_graph(model, example)
    model.train()
    return writer


def log_epoch(writer, epoch, train_loss, val_loss, accuracy, optimizer, confusion, classes):
    """Losses, accuracy, learning rate and per-class accuracy of one epoch."""
    if writer is None:
        return
    writer.add_scalar("loss/train", train_loss, epoch)
    writer.add_scalar("loss/validation", val_loss, epoch)
    writer.add_scalar("accuracy/validation", accuracy / 100, epoch)
    writer.add_scalar("learning_rate", optimizer.param_groups[0]["lr"], epoch)
    for index, (name, row) in enumerate(zip(classes, confusion.tolist(), strict=True)):
        if sum(row) > 0:
            writer.add_scalar(f"class_accuracy/{name}", row[index] / sum(row), epoch)
    writer.flush()
'''
