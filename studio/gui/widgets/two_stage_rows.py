"""When the two-stage fine-tuning settings matter: the training panel greys them out otherwise.

The core's ``enabled_when`` compares settings with settings; these depend on the network
too. Head-only epochs need a frozen layer to unfreeze; the stage count needs a frozen
Backbone; both unfreeze settings need Head-only epochs above 0.
"""

from __future__ import annotations

from typing import Any

BACKBONE = "Backbone"
TWO_STAGE_KEYS = ("head_epochs", "unfreeze_stages", "unfreeze_lr_factor")


def two_stage_relevant(setting: Any, project: Any) -> bool:
    """False for a two-stage setting that would change nothing in ``project``."""
    if setting.section != "training" or setting.key not in TWO_STAGE_KEYS:
        return True
    frozen = [block for block in project.architecture if block.frozen]
    if not frozen:
        return False
    if setting.key == "head_epochs":
        return True
    if project.training.head_epochs <= 0:
        return False
    return setting.key != "unfreeze_stages" or any(b.type == BACKBONE for b in frozen)
