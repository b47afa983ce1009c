"""The core must import and run without Qt: napari enforces the same split."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "studio" / "core"


def test_core_modules_never_import_qt():
    script = (
        "import importlib, pkgutil, sys, studio.core\n"
        "for m in pkgutil.walk_packages(studio.core.__path__, 'studio.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import studio.cli, studio.commands\n"
        "qt = ('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph')\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in qt or n.startswith('studio.gui')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_no_qt_import_statement_in_core_sources():
    offenders = [
        str(path)
        for path in CORE.rglob("*.py")
        for line in path.read_text("utf-8").splitlines()
        if line.strip().startswith(
            ("import PySide", "from PySide", "import pyqtgraph", "from studio.gui")
        )
    ]
    assert offenders == []
