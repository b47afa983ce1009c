"""The exported training script for a CSV table: the app's table rules, then a plain loop.

The rules that read, encode, split and standardise the table are copied into the
script from ``studio/core/data/table_rules.py`` unchanged, next to a small
``DatasetError`` of the script's own, so the script sees the very numbers the app
trains on. The network, its initialisation, the optimizer and the schedule come
from the image script's own pieces (``_Script``); the loop draws its random numbers
in the app's order, so on the CPU a run repeats the app's first epochs.
"""

from __future__ import annotations

import inspect
import textwrap

from studio.core.codegen.model_code import model_definition
from studio.core.codegen.script import _SPLIT, _argument, _defs, _fill, _Script, _slug, _string
from studio.core.data import table_rules
from studio.core.project import Project
from studio.core.training.regression import LOSSES as REGRESSION_LOSSES

SHARED_RULES = (
    table_rules.read_rows,
    table_rules.as_number,
    table_rules.is_missing,
    table_rules.complete_rows,
    table_rules.target_index,
    table_rules.choose_task,
    table_rules.encode_target,
    table_rules.encode_features,
    table_rules.standardise,
    table_rules.prepare_table,
)
"""The functions a script copies, in the order it defines them."""
REGRESSION_CLASSES = {"mse": "MSELoss", "l1": "L1Loss", "smooth_l1": "SmoothL1Loss"}
EVAL_BATCH = 1000


def table_script(project: Project) -> str:
    """The project's training run on its CSV table as the text of one Python file."""
    return _TableScript(project).render()


def _task_and_encoding(project: Project) -> tuple[str, str, str]:
    """(the task the app infers, the file's encoding, its separator), read as the app does."""
    from studio.core.data.csv_table import prepared_table

    table, encoding, delimiter = prepared_table(project.dataset)
    return table["task"], encoding, delimiter


class _TableScript(_Script):
    """``_Script`` with the table's own sections; the optimizer, init and model are shared."""

    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.task, self.encoding, self.delimiter = _task_and_encoding(project)
        self.regression = self.task == "regression"
        if self.regression:
            self.loss = self.loss if self.loss in REGRESSION_LOSSES else "mse"

    def _native_shape(self) -> tuple[int, ...]:  # type: ignore[override]
        return self.input_shape

    def _adapt_steps(self) -> list[str]:
        return []

    @property
    def needs_functional(self) -> bool:
        return self.loss == "mse" and not self.regression

    def render(self) -> str:
        sections = [
            self._header(),
            self._imports(),
            self._constants(),
            self._project_constant(),
            self._arguments(),
            self._loading(),
            _DEVICE_SOURCE,
            self._evaluation(),
            self._main(),
        ]
        parts = [s.strip("\n") for s in sections if s.strip()]
        text = "\n\n".join(parts[:3]) + "\n\n\n" + "\n\n\n".join(parts[3:])
        return text + '\n\n\nif __name__ == "__main__":\n    main()\n'

    def _header(self) -> str:
        what = "regression" if self.regression else "classification"
        return _fill(
            '''
            """Train "<<name>>" on a CSV table (<<what>> of its column <<target>>).

            Exported from Sequential Studio: the same table reading, split, standardisation,
            network, seed, optimizer, schedule and loss as the app, so a run on the CPU repeats
            the app's. Needs only torch and numpy. Try: python <<file>>.py --help
            """
            ''',
            name=self.project.name.replace('"', "'").replace("\\", "/"),
            what=what,
            target=(self.data.target or "the last one").replace('"', "'").replace("\\", "/"),
            file=_slug(self.project.name),
        )

    def _imports(self) -> str:
        lines = ["import argparse", "import csv", "import io", "import math", ""]
        lines += ["import numpy as np", "import torch", "from torch import nn"]
        if self.needs_functional:
            lines.append("from torch.nn import functional as F")
        return "\n".join(lines)

    def _constants(self) -> str:
        rules = table_rules
        return "\n".join(
            [
                f"SEED = {self.cfg.seed}  # the app's training seed: same weights, same batches",
                f"VAL_FRACTION = {self.data.val_fraction!r}  # rows held back for validation",
                "SPLIT_SEED = 0  # the split's own seed, as in the app",
                f"TARGET = {_string(self.data.target)}  # the column to predict ('': the last)",
                f"TASK = {_string(self.data.task)}  # auto: inferred from the target column",
                f"DELIMITER = {_string(self.delimiter)}",
                f"ENCODING = {_string(self.encoding)}",
                f"MISSING_VALUES = {rules.MISSING_VALUES!r}  # cells that mean no value",
                f"MAX_CATEGORIES = {rules.MAX_CATEGORIES}  # most values a text column may have",
                f"MAX_CLASSES = {rules.MAX_CLASSES}",
                f"MAX_WHOLE_CLASSES = {rules.MAX_WHOLE_CLASSES}",
                f"EVAL_BATCH = {EVAL_BATCH}  # rows per batch when evaluating",
            ]
        )

    def _arguments(self) -> str:
        cfg = self.cfg
        return _fill(
            """
            def parse_args():
                parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
                parser.add_argument("--epochs", type=int, default=<<epochs>>)
                parser.add_argument("--batch-size", type=int, default=<<batch>>)
                parser.add_argument("--lr", type=float, default=<<lr>>, help="<<lr_help>>")
                parser.add_argument("--device", default="<<device>>", help="auto, cpu, cuda or mps")
            <<data>>
            <<out>>
                return parser.parse_args()
            """,
            epochs=cfg.epochs,
            batch=cfg.batch_size,
            lr=repr(cfg.lr),
            lr_help="the peak learning rate" if cfg.schedule == "onecycle" else "learning rate",
            device=cfg.device,
            data=_argument(
                "--data",
                f"default={_string(self.data.path)}",
                'help="the CSV file (default: its path when exported, %(default)s)"',
            ),
            out=_argument(
                "--out",
                f'default="{_slug(self.project.name)}.pt"',
                'help="where to save the weights"',
            ),
        )

    def _loading(self) -> str:
        rules = [inspect.getsource(function) for function in SHARED_RULES]
        return _defs(_ERROR, _SPLIT, *rules, _LOAD)

    def _evaluation(self) -> str:
        return _EVALUATE_REGRESSION if self.regression else _EVALUATE_CLASSES

    def _loss_lines(self) -> list[str]:
        if self.regression:
            name = REGRESSION_CLASSES[self.loss]
            return [
                f"    criterion = nn.{name}()  # on the standardised target",
                "",
            ]
        if self.loss == "mse":
            return [
                "    def criterion(outputs, labels):",
                '        """Mean squared error between the outputs and one-hot targets."""',
                "        return F.mse_loss(outputs, F.one_hot(labels, len(classes)).float())",
                "",
            ]
        if self.loss == "nll":
            return ["    criterion = nn.NLLLoss()  # the network ends in LogSoftmax", ""]
        return ["    criterion = nn.CrossEntropyLoss()", ""]

    def _main(self) -> str:
        model = textwrap.indent(model_definition(self.arch), "    ").rstrip("\n")
        lines = [
            "def main():",
            "    args = parse_args()",
            "    device = pick_device(args.device)",
            "    table = load_table(args.data)",
            '    train_x = torch.from_numpy(table["x_train"]).to(device)',
            '    train_y = torch.from_numpy(table["y_train"]).to(device)',
            '    val_x = torch.from_numpy(table["x_val"]).to(device)',
            '    val_y = torch.from_numpy(table["y_val"]).to(device)',
            "",
            "    # The network: the same layers, and so the same state_dict keys, as in the app.",
            "    torch.manual_seed(SEED)  # the same seed gives the same initial weights",
            model,
        ]
        lines += self._init_lines()
        if self.needs_functional:
            lines.append('    classes = table["classes"]  # the one-hot targets need their number')
        lines += [
            "    model.to(device)",
            "    generator = torch.Generator().manual_seed(SEED)  # shuffling",
            "",
        ]
        lines += self._loss_lines()
        lines += [
            "    n, batch_size = len(train_x), args.batch_size",
            "    steps_per_epoch = -(-n // batch_size)  # the last batch may be smaller",
            "    if n % batch_size == 1 and n > batch_size:",
            "        steps_per_epoch -= 1  # a last batch of one row would break BatchNorm",
        ]
        lines += self._optimizer_lines()
        lines += self._loop_lines()
        return "\n".join(lines) + "\n\n\n" + self._save()

    def _loop_lines(self) -> list[str]:
        output = "model(inputs).squeeze(1)" if self.regression else "model(inputs)"
        figure = "val_loss" if self.regression else "-accuracy"
        if self.regression:
            scores = [
                "        val_loss, mae, r2 = evaluate(model, val_x, val_y, criterion, table)",
                '        print(f"epoch {epoch}: training loss {train_loss:.4f}, "',
                '              f"validation loss {val_loss:.4f}, MAE {mae:.4g}, R² {r2:.4f}")',
                "        if best is None or val_loss < best[0]:  # the lowest validation loss",
            ]
        else:
            scores = [
                "        val_loss, accuracy = evaluate(model, val_x, val_y, criterion)",
                '        print(f"epoch {epoch}: training loss {train_loss:.4f}, "',
                '              f"validation loss {val_loss:.4f}, validation accuracy '
                '{accuracy:.2f} %")',
                "        if best is None or -accuracy < best[0]:  # the best accuracy",
            ]
        lines = [
            "",
            '    print(f"Training on {device}: {n} training and {len(val_y)} validation rows.")',
            "    best = None  # (figure to beat, epoch, weights) of the best epoch so far",
            "    for epoch in range(1, args.epochs + 1):",
            "        model.train()",
            "        order = torch.randperm(n, generator=generator).to(device)",
            "        losses = []",
            "        for step in range(steps_per_epoch):",
            "            batch = order[step * batch_size : (step + 1) * batch_size]",
            "            inputs, targets = train_x[batch], train_y[batch]",
            "            optimizer.zero_grad()",
            f"            loss = criterion({output}, targets)",
            "            loss.backward()",
            "            optimizer.step()",
        ]
        if self.cfg.schedule != "none":
            lines.append("            scheduler.step()  # the schedule moves once per batch")
        lines += [
            "            losses.append(loss.item())",
            "        train_loss = sum(losses) / len(losses)",
            *scores,
            "            weights = {k: v.detach().clone() for k, v in model.state_dict().items()}",
            f"            best = ({figure}, epoch, weights)",
            "",
            "    save(best, args.out)",
        ]
        return lines

    def _save(self) -> str:
        return _SAVE


_ERROR = '''
class DatasetError(Exception):
    """A table the app's rules refuse, in the app's own sentence."""

    def __init__(self, template, **args):
        super().__init__(template.format(**args))
'''

_LOAD = '''
def load_table(path):
    """The CSV file as the app prepares it: features standardised, rows split."""
    with open(path, encoding=ENCODING, newline="") as handle:
        text = handle.read()
    table = prepare_table(text, DELIMITER, TARGET, TASK, VAL_FRACTION, SPLIT_SEED)
    print(table["reason"])
    print(f"{len(table['features'])} features: {', '.join(table['features'])}")
    return table
'''

_DEVICE_SOURCE = '''
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

_EVALUATE_CLASSES = '''
def evaluate(model, inputs, labels, criterion):
    """Mean validation loss and accuracy (in %)."""
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(inputs), EVAL_BATCH):
            x, y = inputs[start : start + EVAL_BATCH], labels[start : start + EVAL_BATCH]
            outputs = model(x)
            total_loss += criterion(outputs, y).item() * len(y)
            correct += (outputs.argmax(1) == y).sum().item()
    return total_loss / len(labels), 100 * correct / len(labels)
'''

_EVALUATE_REGRESSION = '''
def evaluate(model, inputs, targets, criterion, table):
    """Mean validation loss (standardised scale), MAE and R² (in the target's units)."""
    model.eval()
    total_loss, predicted = 0.0, []
    with torch.no_grad():
        for start in range(0, len(inputs), EVAL_BATCH):
            x, y = inputs[start : start + EVAL_BATCH], targets[start : start + EVAL_BATCH]
            outputs = model(x).squeeze(1)
            total_loss += criterion(outputs, y).item() * len(y)
            predicted.append(outputs.double().cpu())
    scale, shift = table["target_std"], table["target_mean"]
    guess = torch.cat(predicted).numpy() * scale + shift
    true = targets.double().cpu().numpy() * scale + shift
    mae = float(np.mean(np.abs(guess - true)))
    spread = float(np.sum((true - true.mean()) ** 2))
    r2 = 1 - float(np.sum((guess - true) ** 2)) / spread if spread > 0 else math.nan
    return total_loss / len(targets), mae, r2
'''

_SAVE = '''
def save(best, path):
    """Save the weights of the best epoch, as the app does."""
    _, epoch, weights = best
    torch.save(weights, path)
    print(f"Saved the weights of epoch {epoch} to {path}")
'''
