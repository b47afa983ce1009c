"""What the training processes' fork server imports once (``process.PRELOAD``).

Imports only: nothing here runs torch, so no OpenMP pool exists to be broken by fork.
``torch._dynamo`` is the first optimizer's import (seconds on this machine). The server
lowers its priority first, so these imports never slow the window.
"""

from studio.core.training.process import lower_priority


def _preload() -> None:
    lower_priority()
    import torch._dynamo  # noqa: F401

    import studio.core.data
    import studio.core.inference
    import studio.core.training.trainer  # noqa: F401


_preload()
