"""``studio export``: a project as a standalone PyTorch training script, or just its model."""

from __future__ import annotations

import argparse

from studio.core.io.atomic import write_atomic
from studio.core.io.outputs import check_output

FORMATS = ("script", "onnx", "pt2")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write a standalone PyTorch training script (or just the model) for a project",
        description="Write a training script that needs only torch, torchvision and numpy and "
        "repeats the app's run: the network, data split, seed, normalisation, optimizer, "
        "schedule and loss. With --model-only, write just the nn.Sequential definition. "
        "With --format onnx or pt2, write a trained MODEL.pt as an ONNX file (checked against "
        "torch with onnxruntime) or as a torch.export program.",
    )
    parser.add_argument("project", metavar="PROJECT.json", help="a project (or model) file")
    parser.add_argument("-o", "--output", required=True, metavar="SCRIPT.py", help="file to write")
    parser.add_argument(
        "--model-only", action="store_true", help="write only the nn.Sequential definition"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="script",
        help="script (default): a training script; onnx: the trained model as ONNX with a "
        "dynamic batch axis (needs pip install onnx onnxscript onnxruntime); pt2: the trained "
        "model as a torch.export program",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing file (never the project itself)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.commands.common import load_project_or_model
    from studio.core.codegen.model_code import model_module
    from studio.core.codegen.script_data import place_script_data
    from studio.core.codegen.training_script import export_script

    if args.format != "script":
        return _export_model(args)
    project, _ = load_project_or_model(args.project)  # a missing input is named first
    check_output(args.output, [args.project], force=args.force)
    data = None
    if args.model_only:
        text = model_module(project.architecture)
    else:
        text = export_script(project)
        # the script reads its data from beside itself
        data = place_script_data(project, args.output, force=args.force)
    write_atomic(args.output, lambda handle: handle.write(text.encode("utf-8")))
    what = "model definition" if args.model_only else "training script"
    print(f"Wrote the {what} for {project.name} to {args.output}.")
    if data is not None:
        print(f"Its data is in {data}; move the folder as a whole.")
    return 0


def _export_model(args: argparse.Namespace) -> int:
    """``--format onnx|pt2``: a trained model file in a format other runtimes load."""
    from studio.core.errors import FileFormatError
    from studio.core.io.onnx_export import require_onnx

    if args.model_only:
        raise FileFormatError("--model-only writes Python code; leave it out with --format.")
    if args.format == "onnx":
        require_onnx()  # before reading anything: say how to install first
    from studio.commands.common import load_project_or_model

    project, model_file = load_project_or_model(args.project)
    if model_file is None:
        raise FileFormatError(
            "{name} is a project without trained weights; train it first (studio train "
            "{name}) and export the model file it writes.",
            name=args.project,
        )
    check_output(args.output, [args.project], force=args.force)
    if args.format == "pt2":
        from studio.core.io.program_export import export_program

        export_program(model_file, args.output)
        print(f"Wrote {project.name} as a torch.export program to {args.output}.")
        return 0
    from studio.core.io.onnx_export import export_onnx, validation_inputs

    report = export_onnx(model_file, args.output, validation_inputs(model_file))
    print(f"Wrote {project.name} as ONNX to {args.output}.")
    verdict = "within" if report.ok else "NOT within"
    print(
        f"Checked with onnxruntime on {report.samples} {report.source}: largest difference "
        f"from torch {report.max_abs_diff:.2g}, {verdict} the tolerance of 1e-4."
    )
    return 0 if report.ok else 2
