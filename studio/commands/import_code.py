"""``studio import``: turn PyTorch code into a project.

The module is ``import_code`` because ``import`` is a Python keyword.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.core.architecture import parse_shape
from studio.core.errors import CodeImportError, FileFormatError, StudioError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="turn PyTorch code (an nn.Sequential or, with --trust, an nn.Module) into a project",
        description="Read a network from PyTorch code and write it as a project file. "
        "nn.Sequential(...) expressions are read from the code's text without running it. "
        "An nn.Module class is imported only with --trust: that EXECUTES the file's imports, "
        "functions and class definitions, creates the class and runs its forward() once on "
        "a dummy input. Use --trust only for code you trust.",
    )
    parser.add_argument("code", metavar="CODE.py", help="a Python file with the network")
    parser.add_argument(
        "--input-shape",
        metavar="C,H,W|N",
        help="the input of one sample: channels,height,width (like 1,28,28) or a feature "
        "count (like 784); inferred when only one common size fits",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow running the file (its imports, functions and classes, then one forward "
        "pass) to import an nn.Module class; this executes code from the file",
    )
    parser.add_argument("-o", "--output", required=True, metavar="PROJECT.json", help="project")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.commands.summary import project_report, render_table
    from studio.core.codegen.restore import import_project, read_source
    from studio.core.io.project_file import save_project

    target = Path(args.output)
    if target.exists() and not args.force:
        raise FileFormatError(
            "{path} already exists. Choose another name, or add --force to overwrite it.",
            path=str(target),
        )
    shape = _shape(args.input_shape)
    source = read_source(Path(args.code))
    imported = import_project(source, str(args.code), input_shape=shape, trust=args.trust)
    project = imported.project
    save_project(target, project)
    print(render_table(project, project_report(project)))
    for note in imported.notes:
        print(f"Note: {note}")
    restored = " with its saved settings" if imported.restored else ""
    print(f"Wrote {target} ({project.name}, dataset {project.dataset.name}{restored}).")
    return 0


def _shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return parse_shape(text)
    except StudioError as error:
        raise CodeImportError("{detail}", detail=error.message) from None
