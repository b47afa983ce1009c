"""``python -m benchmarks [--quick] [--only CASE ...] [--pairs N] [--markdown]``.

Each case runs in a fresh interpreter, so no case inherits another's threads,
memory or warmed caches (libgomp, for one, keeps a thread pool per thread that
ever ran torch in parallel, and too many pools slow every later run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def _isolate_home() -> None:
    """Settings, recovery files and logs of the benchmark's windows go to a temporary home."""
    home = tempfile.mkdtemp(prefix="studio-bench-home-")
    os.environ["HOME"] = home
    for name, sub in (("CONFIG", ".config"), ("CACHE", ".cache"), ("DATA", ".local/share")):
        os.environ[f"XDG_{name}_HOME"] = os.path.join(home, sub)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # offscreen plugin chatter


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Side-by-side benchmarks of Sequential Studio, as ratios with targets.",
    )
    parser.add_argument("--quick", action="store_true", help="run every case briefly (CI)")
    parser.add_argument("--only", nargs="+", metavar="CASE", help="run only these cases")
    parser.add_argument(
        "--pairs", type=int, default=None, help="A/B pairs per case (default 5, quick 1)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # run one case here, print JSON
    return parser


def _run_here(name: str, budget) -> int:
    from benchmarks.cases import by_name

    rows = by_name()[name].run(budget)
    print("RESULT " + json.dumps([row.to_json() for row in rows]), flush=True)
    return 0


def _run_in_child(name: str, args: argparse.Namespace, pairs: int) -> list:
    from benchmarks.harness import CaseResult

    command = [sys.executable, "-m", "benchmarks", "--case", name, "--pairs", str(pairs)]
    if args.quick:
        command.append("--quick")
    out = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=_root())
    rows = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode != 0 or not rows:
        raise RuntimeError(f"exit code {out.returncode}; its error is above")
    return [CaseResult.from_json(row) for row in json.loads(rows[-1][len("RESULT ") :])]


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _isolate_home()

    from benchmarks.cases import by_name
    from benchmarks.harness import Budget, machine, table

    cases = by_name()
    pairs = args.pairs if args.pairs is not None else (1 if args.quick else 5)
    if pairs < 1:
        parser.error("--pairs must be at least 1")
    budget = Budget(quick=args.quick, pairs=pairs)
    if args.case:
        return _run_here(args.case, budget)
    chosen = list(cases)
    if args.only:
        unknown = [name for name in args.only if name not in cases]
        if unknown:
            parser.error(f"unknown case {unknown[0]!r}; the cases are: {', '.join(cases)}")
        chosen = args.only

    print(f"machine: {machine()}", flush=True)
    print(f"command: python -m benchmarks {' '.join(argv or sys.argv[1:])}".rstrip(), flush=True)
    results, failures = [], []
    for name in chosen:
        start = time.perf_counter()
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            rows = _run_in_child(name, args, pairs)
        except Exception as error:  # one broken case must not hide the others' figures
            failures.append(name)
            print(f"  {name} failed: {error}", file=sys.stderr, flush=True)
            continue
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        results.extend(rows)
    print()
    print(table(results, markdown=args.markdown, quick=args.quick))
    print()
    for result in results:
        for line in result.details:
            print(f"- {result.case}: {line}")
    if failures:
        print(f"\nThese cases failed to run: {', '.join(failures)}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
