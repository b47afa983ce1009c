"""Sequential Studio: build, train and export PyTorch ``nn.Sequential`` networks."""

__version__ = "0.1.0"
