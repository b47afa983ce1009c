"""Write the two small CSV tables bundled in resources/ for the table templates.

    .venv/bin/python tools/make_table_samples.py          # (re)write them
    .venv/bin/python tools/make_table_samples.py --check  # only say whether they are current

Both are generated from fixed seeds, so running this again gives the same bytes:

- ``blobs_20.csv``: 240 rows, 20 numeric features ``f1``…``f20`` and a whole-number
  ``class`` 0…9 (ten Gaussian clusters), for seed 003's ``Linear(20, 256), ReLU,
  Linear(256, 10)``;
- ``curve_4.csv``: 200 rows, features ``x1``…``x4`` and a real ``y`` (a sum with one
  squared term, plus noise), for the 4→8→1 regression net.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def blobs() -> str:
    rng = np.random.default_rng(20)
    centres = rng.normal(size=(10, 20)) * 0.7
    labels = np.arange(240) % 10
    rng.shuffle(labels)
    x = centres[labels] + rng.normal(size=(240, 20))
    lines = [",".join([*(f"f{i}" for i in range(1, 21)), "class"])]
    lines += [
        ",".join([*(f"{v:.2f}" for v in row), str(label)])
        for row, label in zip(x, labels, strict=True)
    ]
    return "\n".join(lines) + "\n"


def curve() -> str:
    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, size=(200, 4))
    y = x[:, 0] + 2 * x[:, 1] - x[:, 2] + 0.5 * x[:, 3] ** 2 + 0.1 * rng.normal(size=200)
    lines = ["x1,x2,x3,x4,y"]
    lines += [
        ",".join([*(f"{v:.3f}" for v in row), f"{t:.3f}"]) for row, t in zip(x, y, strict=True)
    ]
    return "\n".join(lines) + "\n"


TABLES = {"blobs_20.csv": blobs, "curve_4.csv": curve}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    stale = []
    for name, make in TABLES.items():
        path = RESOURCES / name
        text = make()
        if path.is_file() and path.read_text("utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8", newline="\n")
    if args.check and stale:
        print(f"make_table_samples: out of date: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
