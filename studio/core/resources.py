"""Where the files shipped with the program (the MNIST sample, the translations) are.

Kept apart from ``studio.core.data`` so the window can find its translations
without importing torch.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

RESOURCES = "resources"


def resources_dir() -> Path:
    """The folder holding the bundled sample and the translations.

    A checkout keeps it at the top of the repository, beside the ``studio``
    package; that copy wins, so a checkout on ``PYTHONPATH`` never reads an
    installed program's files. A wheel (or an editable install, through
    setuptools' finder) maps it into the package as ``studio.resources``, which
    ``importlib.resources`` finds wherever the install lives. Without either,
    the checkout's location is returned, so a "missing" message names a
    sensible place.
    """
    repository = Path(__file__).resolve().parents[2]
    checkout = repository / RESOURCES
    if (repository / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    try:
        return Path(str(files("studio.resources")))
    except ModuleNotFoundError:
        return checkout
