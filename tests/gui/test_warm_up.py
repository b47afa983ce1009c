"""The training-path warm-up: it makes the first optimizer cheap, and a closing program
waits for it instead of finalizing under a thread that is importing ``torch._dynamo``
(that aborted a window closed within seconds of opening)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

EXIT_DURING_WARM_UP = """
import atexit
from studio.gui import warm_up

# registered first, so it runs after the warm-up's own exit handler (atexit is last-in, first-out)
atexit.register(lambda: print("done at exit:", warm_up.done.is_set(), flush=True))
warm_up.warm_up_in_background()
print("leaving while warming:", not warm_up.done.is_set(), flush=True)
"""


def test_exit_waits_for_a_warm_up_still_running():
    done = subprocess.run(
        [sys.executable, "-c", EXIT_DURING_WARM_UP],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert "leaving while warming: True" in done.stdout
    assert "done at exit: True" in done.stdout
    assert "warming the training path failed" not in done.stderr


def test_after_the_warm_up_the_first_optimizer_needs_no_import():
    code = (
        "import sys\n"
        "from studio.gui import warm_up\n"
        "warm_up.warm_training_path()\n"
        "print('dynamo imported:', 'torch._dynamo' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert "dynamo imported: True" in done.stdout
