"""``studio new``: write a project file from a template."""

from __future__ import annotations

import argparse

from studio.core.io.outputs import check_output
from studio.core.io.project_file import save_project
from studio.core.templates import DEFAULT_TEMPLATE, TEMPLATES, get_template


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new",
        help="write a new project from a template",
        description="Write a new project file (JSON) from one of the templates.",
    )
    parser.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="NAME",
        help=f"template name (default: {DEFAULT_TEMPLATE}); one of: {', '.join(TEMPLATES)}",
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE.json", help="project file")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = get_template(args.template)
    target = check_output(args.output, force=args.force)
    save_project(target, project)
    print(f"Wrote {target} ({project.name}).")
    return 0
