"""What the training processes' fork server imports once (``process.PRELOAD``).

Imports only: nothing here runs torch, so no OpenMP pool exists to be broken by fork.
``torch._dynamo`` is the first optimizer's import (seconds on this machine).
"""

import torch._dynamo  # noqa: F401

import studio.core.data
import studio.core.inference
import studio.core.training.trainer  # noqa: F401
