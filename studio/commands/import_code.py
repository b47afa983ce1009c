"""``studio import``: turn PyTorch code into a project.

The module is ``import_code`` because ``import`` is a Python keyword.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.core.architecture import parse_shape
from studio.core.codegen.importer import ImportResult
from studio.core.codegen.restore import Importer
from studio.core.codegen.sandbox import DEFAULT_TIMEOUT, default_memory_limit
from studio.core.errors import CodeImportError, StudioError


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
        metavar="C,H,W|C,L|N",
        help="the input of one sample: channels,height,width (like 1,28,28), channels,length "
        "(like 1,784) or a feature count (like 784); inferred when only one common size fits",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow running the file (its imports, functions and classes, then one forward "
        "pass) to import an nn.Module class; this executes code from the file",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="with --trust: how long the file's code may run before the import is stopped "
        f"(default {DEFAULT_TIMEOUT:g}). The code runs in a separate process that may also "
        f"allocate at most half of this computer's memory ({_memory_text()})",
    )
    parser.add_argument(
        "--args",
        nargs="+",
        metavar="VALUE|NAME=VALUE",
        help="with --trust: the values for the class's constructor when the file does not "
        "create it, as Python literals (like --args 784 or --args input_num=784)",
    )
    parser.add_argument("-o", "--output", required=True, metavar="PROJECT.json", help="project")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing file (never the code file itself)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.commands.summary import project_report, render_table
    from studio.core.codegen.instance import parse_args
    from studio.core.codegen.restore import import_project, read_source
    from studio.core.io import initial_weights
    from studio.core.io.outputs import check_output
    from studio.core.io.project_file import save_project

    target = check_output(args.output, [args.code], force=args.force)
    shape = _shape(args.input_shape)
    if args.args:
        parse_args(args.args)  # a typo is one line now, before any code runs
    source = read_source(Path(args.code))
    importer = _importer(args.timeout)
    imported = import_project(
        source,
        str(args.code),
        input_shape=shape,
        trust=args.trust,
        importer=importer,
        constructor_args=args.args,
    )
    project = imported.project
    weights = None
    if project.initial_state is not None:
        check_output(initial_weights.path_beside(target), [args.code], force=args.force)
        weights = initial_weights.save_beside(target, project)
    save_project(target, project)
    print(render_table(project, project_report(project)))
    for note in imported.notes:
        print(f"Note: {note}")
    if weights is not None:
        print(f"Weights traced from the file were saved to {weights}; training starts from them.")
    restored = " with its saved settings" if imported.restored else ""
    print(f"Wrote {target} ({project.name}, dataset {project.dataset.name}{restored}).")
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 86400, got {text!r}")
    return value


def _memory_text() -> str:
    return f"{default_memory_limit() / (1 << 30):.1f} GB here"


def _shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return parse_shape(text)
    except StudioError as error:
        raise CodeImportError("{detail}", detail=error.message) from None


def _importer(timeout: float) -> Importer:
    """Plain code is read from its syntax tree here; trusted code runs in a child process
    with a time and memory limit, so a loop or ``sys.exit`` in it is one clear line."""
    from studio.core.codegen.importer import import_code
    from studio.core.codegen.sandbox import Limits, import_trusted

    def run(
        source: str,
        *,
        input_shape: tuple[int, ...] | None,
        trust: bool,
        filename: str,
        constructor_args: list[str] | None = None,
    ) -> ImportResult:
        if trust:
            return import_trusted(
                source,
                input_shape=input_shape,
                filename=filename,
                limits=Limits(timeout),
                constructor_args=constructor_args,
            )
        return import_code(
            source, input_shape=input_shape, filename=filename, constructor_args=constructor_args
        )

    return run
