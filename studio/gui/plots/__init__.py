"""Live training views: loss, accuracy, per-class accuracy, confusion matrix, feature maps,
predictions, all in one ``TrainingDashboard`` fed by trainer events."""

from studio.gui.plots.dashboard import TrainingDashboard

__all__ = ["TrainingDashboard"]
