"""``studio summary``: per-layer output shapes, parameters and problems of a project or model."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from studio.commands.common import load_project_or_model
from studio.core.project import Project
from studio.core.registry import format_shape
from studio.core.shapes import Report, analyse

if TYPE_CHECKING:
    from studio.core.data.base import DatasetInfo


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "summary",
        help="show layer shapes, parameters and problems",
        description="Print a table of the network in a project (.json) or model (.pt) file: "
        "index, block, output shape, parameters, and the total. Exits 1 if the network is "
        "invalid, 2 if the file cannot be read.",
    )
    parser.add_argument("file", metavar="FILE", help="a project (.json) or model (.pt) file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def dataset_info(project: Project) -> DatasetInfo | None:
    """What the project's dataset holds, or None when it cannot be known offline."""
    try:
        from studio.core.data import describe_dataset
    except ImportError:
        return None
    from studio.core.errors import StudioError

    try:
        return describe_dataset(project.dataset)
    except StudioError:
        return None


def dataset_class_count(project: Project) -> int | None:
    """The class count of the project's dataset, or None when it cannot be known offline."""
    info = dataset_info(project)
    return None if info is None else len(info.classes)


def project_report(project: Project) -> Report:
    info = dataset_info(project)
    if info is not None and info.task == "regression":
        return analyse(project.architecture, task="regression")
    classes = None if info is None else len(info.classes)
    return analyse(project.architecture, project.training.loss, classes)


def table_lines(project: Project) -> tuple[list[str], list[str]]:
    """For a CSV table: (a line with its input shape and task, errors such as a network
    that takes another shape); nothing for other datasets."""
    if project.dataset.name != "csv":
        return [], []
    from studio.core.data import describe_dataset
    from studio.core.errors import StudioError

    try:
        info = describe_dataset(project.dataset)
    except StudioError as error:
        return [], [error.message]
    shape = format_shape(tuple(info.native_shape))
    what = f"{len(info.classes)} classes" if info.task == "classification" else "regression"
    lines = [f"Data: {info.title}, input shape {shape}, {what}."]
    net = tuple(project.architecture.input_shape)
    if tuple(info.native_shape) == net:
        return lines, []
    return lines, [
        f"The table gives {shape} features, but the network takes {format_shape(net)}; "
        f"set the input shape to {shape}."
    ]


def run(args: argparse.Namespace) -> int:
    project, _ = load_project_or_model(args.file)
    report = project_report(project)
    too_large = memory_problem(project, report)
    table, table_errors = table_lines(project)
    ok = report.ok and too_large is None and not table_errors
    if args.json:
        data = with_trainable(project, {"name": project.name, **report.to_json()}, report)
        if too_large:
            data["errors"].append({"index": -1, "message": too_large})
        data["errors"] += [{"index": -1, "message": text} for text in table_errors]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0 if ok else 1
    print(render_table(project, report))
    for line in table:
        print(line)
    for text in table_errors:
        print(f"ERROR at input: {text}")
    if too_large:
        print(f"ERROR: {too_large}")
    return 0 if ok else 1


def trainable_count(project: Project, report: Report) -> int:
    from studio.core.backbones import trainable_params

    return trainable_params(project.architecture.blocks, [layer.params for layer in report.layers])


def with_trainable(project: Project, data: dict, report: Report) -> dict:
    """``trainable_params`` right after ``total_params``: frozen layers left out."""
    out: dict = {}
    for key, value in data.items():
        out[key] = value
        if key == "total_params":
            out["trainable_params"] = trainable_count(project, report)
    return out


def memory_problem(project: Project, report: Report) -> str | None:
    """Why training this network cannot fit in this computer's memory, or None."""
    from studio.core.errors import StudioError
    from studio.core.memory import check_fits

    try:
        check_fits(report, project.training.batch_size, training=True)
    except StudioError as error:
        return error.message
    return None


def render_table(project: Project, report: Report) -> str:
    rows = [("#", "block", "output shape", "params")]
    rows.append(("", "input", format_shape(report.input_shape), ""))
    for layer, block in zip(report.layers, project.architecture, strict=True):
        shape = format_shape(layer.output_shape) if layer.output_shape else "?"
        rows.append((str(layer.index), describe_block(block), shape, f"{layer.params:,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"{project.name}"]
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  "
            f"{row[3]:>{widths[3]}}"
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 6))
    lines.append("-" * (sum(widths) + 6))
    lines.append(
        f"Total parameters: {report.total_params:,} "
        f"(trainable: {trainable_count(project, report):,})   "
        f"multiply-accumulates per sample: {report.total_macs:,}   "
        f"activations per sample: {report.activation_bytes / 1024:,.1f} KiB"
    )
    for diag in report.diagnostics:
        where = f"layer {diag.index}" if diag.index >= 0 else "input"
        fix = f" Fix: {diag.fix.text}." if diag.fix else ""
        lines.append(f"{diag.severity.upper()} at {where}: {diag.message}{fix}")
    return "\n".join(lines)


def describe_block(block) -> str:
    from studio.core.registry import get_spec

    spec = get_spec(block.type)
    parts = [
        f"{name}={block.params[name]}"
        for name in spec.key_params
        if block.params.get(name) is not None
        and block.params[name] != spec.param(name).torch_default
    ]
    return f"{block.type}({', '.join(parts)})" if parts else block.type
