"""What compute devices this machine has, for the device chooser."""

from __future__ import annotations


def available_devices() -> list[tuple[str, str]]:
    """(value, label) pairs: the CPU, each CUDA card by name, and Apple's MPS if present."""
    import torch

    devices = [("cpu", "CPU")]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            devices.append((f"cuda:{index}", f"CUDA {index}: {torch.cuda.get_device_name(index)}"))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append(("mps", "Apple MPS"))
    return devices
