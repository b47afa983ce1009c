"""Training without Qt: ``trainer.Trainer`` runs the loop and reports ``events`` to observers.

``factories`` builds optimizer, schedule, loss, init and device from the project's
settings; ``metrics`` computes confusion matrices and accuracies; ``probe``
captures feature maps; ``checkpoint`` holds what resuming needs. Importing this
package (or ``events``) does not import torch.
"""
