"""``studio templates``: list the tutorial networks a project can start from."""

from __future__ import annotations

import argparse
import json

from studio.core.shapes import analyse
from studio.core.templates import DEFAULT_TEMPLATE, TEMPLATES


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "templates",
        help="list project templates",
        description="List the templates 'studio new --template NAME' can start from.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rows = []
    for name, template in TEMPLATES.items():
        project = template.make()
        rows.append(
            {
                "name": name,
                "title": template.title,
                "description": template.description,
                "dataset": project.dataset.name,
                "input_shape": list(project.architecture.input_shape),
                "total_params": analyse(project.architecture).total_params,
                "default": name == DEFAULT_TEMPLATE,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        mark = " (default)" if row["default"] else ""
        print(f"{row['name']:<{width}}  {row['description']}{mark}")
    return 0
