"""The ``studio`` command line: one sub-command per module in ``studio.commands``.

A ``StudioError`` becomes one line on stderr and exit code 2; any other failure
too, with the traceback written to the log file (and shown with ``--debug``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from studio import __version__
from studio.core.errors import StudioError
from studio.logs import log_file_path, setup_logging

COMMANDS = (
    ("templates", "templates"),
    ("new", "new"),
    ("summary", "summary"),
    ("train", "train"),
    ("predict", "predict"),
    ("export", "export"),
    ("import", "import_code"),
)

log = logging.getLogger("studio.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studio",
        description="Sequential Studio: build, train and export PyTorch nn.Sequential networks. "
        "Run 'studio COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for verb, module_name in COMMANDS:
        try:
            module = importlib.import_module(f"studio.commands.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"studio.commands.{module_name}":
                raise
            continue  # a verb still being built is simply not offered
        module.add_parser(sub)
        sub.choices[verb].add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(debug=args.debug)
    try:
        return int(args.run(args) or 0)
    except StudioError as error:
        log.debug("command failed", exc_info=True)
        if args.debug:
            raise
        print(f"studio: {error.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `studio train p.json | head`: the reader left
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("studio: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one sentence here, the traceback in the log
        log.exception("unexpected failure")
        if args.debug:
            raise
        print(
            f"studio: something went wrong ({type(error).__name__}: {error}). "
            f"Details are in {log_file_path()}; run with --debug to see them here.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
