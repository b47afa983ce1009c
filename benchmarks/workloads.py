"""The things benchmarks compare: the app's trainer, a hand-written loop over preloaded
tensors, and the classic tutorial pipeline (torchvision MNIST files, per-item
``ToTensor`` + ``Normalize``, ``DataLoader``)."""

from __future__ import annotations

import functools
import struct
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from studio.core.data.base import LoadedData
from studio.core.project import Project
from studio.core.templates import default_project
from studio.core.training import factories

TUTORIAL_MEAN, TUTORIAL_STD = (0.1307,), (0.3081,)
"""The MNIST statistics every tutorial hard-codes."""


@functools.cache
def default_data() -> LoadedData:
    """The default project's data (the bundled sample, split as the app splits it)."""
    from studio.core.data import load_dataset

    project = default_project()
    return load_dataset(project.dataset, project.architecture.input_shape, download=False)


def project_with(**training: object) -> Project:
    """The default project with some training settings changed."""
    project = default_project()
    for key, value in training.items():
        setattr(project.training, key, value)
    return project


def seeded_model(project: Project) -> nn.Sequential:
    """The project's network with the app's seed and initialisation."""
    torch.manual_seed(project.training.seed)
    model = project.architecture.build()
    factories.init_weights(model, project.training.init)
    return model


def trainer_rate(
    project: Project, data: LoadedData, *, num_threads: int | None = None, own_thread: bool = False
) -> float:
    """Mean training samples/s of the app's trainer over the project's epochs.

    ``own_thread`` runs it on a fresh thread, as the window does: a thread that has run
    torch in parallel keeps an OpenMP pool, and a second pool would slow a later run on
    another thread (see ``studio.gui.background.keep_this_thread_single_threaded``).
    """
    import threading

    from studio.core.training.events import EpochEnded
    from studio.core.training.trainer import Trainer

    rates: list[float] = []
    trainer = Trainer(project, data=data, num_threads=num_threads)
    trainer.add_observer(
        lambda e: rates.append(e.samples_per_second) if isinstance(e, EpochEnded) else None
    )
    if own_thread:
        worker = threading.Thread(target=trainer.run)
        worker.start()
        worker.join()
    else:
        trainer.run()
    if not rates:
        raise RuntimeError("the trainer finished without an epoch")
    return float(np.mean(rates))


def hand_loop(project: Project, data: LoadedData, epochs: int) -> float:
    """Train and validate like the trainer, written by hand over preloaded float tensors.

    Returns the wall time in seconds. This is the reference a careful person writes:
    the whole split normalised once, a random permutation per epoch, batches sliced
    by index, the loss read once per epoch, no events and no stop flag. The weights
    are channels-last as in the trainer, so the ratio measures the loop alone.
    """
    cfg = project.training
    start = time.perf_counter()
    mean = torch.tensor(data.mean).view(1, -1, 1, 1)
    std = torch.tensor(data.std).view(1, -1, 1, 1)
    x_train = (data.train_images.float() / 255 - mean) / std
    x_val = (data.val_images.float() / 255 - mean) / std
    y_train, y_val = data.train_labels, data.val_labels
    model = seeded_model(project)
    if x_train.ndim == 4:  # the trainer's memory format, so only the loop itself differs
        model.to(memory_format=torch.channels_last)
    n, b = x_train.shape[0], cfg.batch_size
    steps = -(-n // b)
    optimizer = factories.make_optimizer(model.parameters(), cfg)
    scheduler = factories.make_scheduler(optimizer, cfg, steps, steps * epochs)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(cfg.seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n, generator=generator)
        total = torch.zeros(())
        for i in range(steps):
            idx = order[i * b : (i + 1) * b]
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total += loss.detach()
        model.eval()
        with torch.inference_mode():
            correct = sum(
                int((model(x_val[i : i + 1000]).argmax(1) == y_val[i : i + 1000]).sum())
                for i in range(0, x_val.shape[0], 1000)
            )
        float(total), correct / x_val.shape[0]  # what a person prints each epoch
    return time.perf_counter() - start


def _idx(array: np.ndarray) -> bytes:
    head = struct.pack(">I", 0x0800 | array.ndim) + b"".join(
        struct.pack(">I", d) for d in array.shape
    )
    return head + array.astype(np.uint8).tobytes()


@functools.cache
def tutorial_root(train_limit: int | None = None) -> Path:
    """The sample's training and validation splits written as torchvision's MNIST files, so
    the tutorial side reads real IDX files through ``torchvision.datasets.MNIST``."""
    data = default_data()
    raw = Path(tempfile.mkdtemp(prefix="studio-bench-mnist-")) / "MNIST" / "raw"
    raw.mkdir(parents=True)
    train = slice(None, train_limit)
    files = {
        "train-images-idx3-ubyte": data.train_images[train, 0].numpy(),
        "train-labels-idx1-ubyte": data.train_labels[train].numpy(),
        "t10k-images-idx3-ubyte": data.val_images[:, 0].numpy(),
        "t10k-labels-idx1-ubyte": data.val_labels.numpy(),
    }
    for name, array in files.items():
        (raw / name).write_bytes(_idx(array))
    return raw.parent.parent


TUTORIAL_WORKERS = 2
"""``num_workers`` of the 60-minute blitz's CIFAR-10 classifier, the classic tutorial."""


def tutorial_loaders(
    batch_size: int, train_limit: int | None = None, workers: int = TUTORIAL_WORKERS
) -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader]:
    """The tutorial's data code: per-item transforms in a DataLoader with its two workers
    (``workers=0`` reads in the training process itself, the faster choice on 2 cores)."""
    from torchvision import datasets, transforms

    transform = transforms.Compose(
        [transforms.ToTensor(), transforms.Normalize(TUTORIAL_MEAN, TUTORIAL_STD)]
    )
    root = tutorial_root(train_limit)
    train = datasets.MNIST(root, train=True, download=False, transform=transform)
    test = datasets.MNIST(root, train=False, download=False, transform=transform)
    generator = torch.Generator().manual_seed(0)
    return (
        torch.utils.data.DataLoader(
            train, batch_size=batch_size, shuffle=True, num_workers=workers, generator=generator
        ),
        torch.utils.data.DataLoader(
            test, batch_size=batch_size, shuffle=False, num_workers=workers
        ),
    )


def tutorial_train_epoch(
    model: nn.Module,
    loader: torch.utils.data.DataLoader,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> float:
    """One epoch as the tutorial writes it (``running_loss += loss.item()``); returns seconds."""
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    start = time.perf_counter()
    running_loss = 0.0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        running_loss += loss.item()
    return time.perf_counter() - start


def tutorial_accuracy(model: nn.Module, loader: torch.utils.data.DataLoader) -> float:
    """The tutorial's test loop: ``torch.no_grad()``, argmax, count."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images).argmax(1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total
