"""The words for a regression run's metrics, shared by the status lines of the window."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject

from studio.gui.plots.history import EpochRecord


def _value(value: float, digits: str = ".4g") -> str:
    return format(value, digits) if math.isfinite(value) else "–"


class RegressionStatus(QObject):
    """Validation loss, MAE and R² in one short phrase (translatable, hence a QObject)."""

    def metrics(self, record: EpochRecord) -> str:
        """``validation loss 0.0123 · MAE 0.0871 · R² 0.987`` for the dashboard's status line."""
        return self.tr("validation loss {loss} · MAE {mae} · R² {r2}").format(
            loss=_value(record.val_loss),
            mae=_value(record.val_mae),
            r2=_value(record.val_r2, ".3f"),
        )

    def epoch(self, epoch: int, loss: float, mae: float, r2: float) -> str:
        """The panel's line after an epoch."""
        return self.tr("Epoch {epoch}: validation loss {loss}, MAE {mae}, R² {r2}").format(
            epoch=epoch, loss=_value(loss), mae=_value(mae), r2=_value(r2, ".3f")
        )

    def best(self, record: EpochRecord) -> str:
        """The sentence a finished regression run ends with."""
        return self.tr(
            "Lowest validation loss: {loss} at epoch {epoch} (MAE {mae}, R² {r2})."
        ).format(
            loss=_value(record.val_loss),
            epoch=record.epoch,
            mae=_value(record.val_mae),
            r2=_value(record.val_r2, ".3f"),
        )
