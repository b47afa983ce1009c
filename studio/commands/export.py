"""``studio export``: a project as a standalone PyTorch training script, or just its model."""

from __future__ import annotations

import argparse

from studio.core.io.atomic import write_atomic
from studio.core.io.outputs import check_output


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write a standalone PyTorch training script (or just the model) for a project",
        description="Write a training script that needs only torch, torchvision and numpy and "
        "repeats the app's run: the network, data split, seed, normalisation, optimizer, "
        "schedule and loss. With --model-only, write just the nn.Sequential definition.",
    )
    parser.add_argument("project", metavar="PROJECT.json", help="a project (or model) file")
    parser.add_argument("-o", "--output", required=True, metavar="SCRIPT.py", help="file to write")
    parser.add_argument(
        "--model-only", action="store_true", help="write only the nn.Sequential definition"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing file (never the project itself)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.commands.common import load_project_or_model
    from studio.core.codegen.model_code import model_definition
    from studio.core.codegen.script import export_script
    from studio.core.codegen.script_data import place_script_data

    project, _ = load_project_or_model(args.project)  # a missing input is named first
    check_output(args.output, [args.project], force=args.force)
    data = None
    if args.model_only:
        text = "from torch import nn\n\n" + model_definition(project.architecture)
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
