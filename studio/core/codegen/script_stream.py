"""The exported script's parts for an image folder streamed from disk (issue #19).

When the app streams a folder (the project's ``loading`` says so, or ``auto`` finds it
would not fit in memory), the script streams it too, in the idiom learners know:
torchvision's ``ImageFolder`` with ``Resize``, ``ToTensor`` and ``Normalize``, and a
``DataLoader`` with worker processes. The split, the seeds and the order of the
batches are the app's (each epoch's permutation is drawn from the shuffling
generator, as the app draws it), so without augmentation a CPU run repeats the
app's to float rounding; with augmentation torchvision's random transforms draw
their own numbers, so the run differs from the app's as two seeds would.
"""

from __future__ import annotations

import re

from studio.core.project import Project

STREAM_IMPORTS = [
    "from torch.utils.data import DataLoader, Sampler, Subset",
    "from torchvision import datasets, transforms",
]


def streams_in_script(project: Project) -> bool:
    """Whether the app would stream this image folder now (``auto``: it would not fit)."""
    data = project.dataset
    if data.name != "image-folder" or len(project.architecture.input_shape) != 3:
        return False  # a flat or signal input: the in-memory script reshapes the images
    if data.loading in ("preload", "stream"):
        return data.loading == "stream"
    from studio.core.errors import StudioError

    try:
        return _auto_streams(project)
    except (StudioError, OSError):
        return False  # a folder that cannot be read now: the in-memory script


def _auto_streams(project: Project) -> bool:
    from studio.core.data import image_folder
    from studio.core.data.streaming_choice import available_memory, choose_loading

    root = image_folder.check_folder(project.dataset.path)
    files, _skipped = image_folder.scan(root, image_folder.list_classes(root))
    shape = tuple(project.architecture.input_shape)
    return choose_loading("auto", len(files), shape, available_memory()).stream


def constants(channels: int, height: int, width: int) -> list[str]:
    return [
        f"IMAGE_SIZE = ({height}, {width})  # (height, width) the images are resized to",
        f'IMAGE_MODE = "{"L" if channels == 1 else "RGB"}"  # grayscale or colour',
        "WORKERS = max(0, (os.cpu_count() or 1) - 1)  # processes decoding images: cores - 1",
    ]


FOLDER = '''
def open_image(path):
    """ImageFolder's loader: a large JPEG decodes at a smaller scale (draft), as in the app."""
    with Image.open(path) as image:
        image.draft(IMAGE_MODE, IMAGE_SIZE[::-1])
        return image.convert(IMAGE_MODE)


def list_images(root, classes):
    """(path, class index) of every image, in the app's order. Each real folder is entered
    once: a link back up or into another class is not followed; pipes and files whose
    header is not an image are left out."""
    samples = []
    seen = {os.path.realpath(p) for p in [root, *(os.path.join(root, n) for n in classes)]}
    for label, name in enumerate(classes):
        for folder, subfolders, files in os.walk(os.path.join(root, name), followlinks=True):
            inside = []
            for sub in sorted(subfolders):
                real = os.path.realpath(os.path.join(folder, sub))
                if not sub.startswith(".") and real not in seen:
                    seen.add(real)
                    inside.append(sub)
            subfolders[:] = inside
            for file in sorted(files):
                path = os.path.join(folder, file)
                if file.startswith(".") or not file.lower().endswith(IMG_EXTENSIONS):
                    continue
                if not os.path.isfile(path):  # a pipe or device would block the read
                    continue
                try:
                    with Image.open(path):  # reads the header only
                        pass
                except (OSError, ValueError, SyntaxError):
                    print(f"Skipped {file}: not a readable image.")
                    continue
                samples.append((path, label))
    return samples


class Folder(datasets.ImageFolder):
    """torchvision's ImageFolder, listing the folder as the app does (see list_images);
    hidden folders such as .ipynb_checkpoints are not classes."""

    def find_classes(self, directory):
        names = (e.name for e in os.scandir(directory) if e.is_dir())
        classes = sorted(name for name in names if not name.startswith("."))
        return classes, {name: index for index, name in enumerate(classes)}

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, **kwargs):
        return list_images(directory, list(class_to_idx))


def load_image_folder(root):
    """The folder as ImageFolder datasets, decoded batch by batch from disk, split by class.

    Returns the training and validation sets before normalising (uint8 tensors), and the
    class names; normalised(...) adds the transforms the network's inputs get."""
    plain = transforms.Compose([transforms.Resize(IMAGE_SIZE), transforms.PILToTensor()])
    folder = Folder(root, transform=plain, loader=open_image)
    train, val = stratified_split(np.array(folder.targets), VAL_FRACTION, SPLIT_SEED)
    return Subset(folder, train.tolist()), Subset(folder, val.tolist()), folder.classes


class Shuffled(Sampler):
    """A new order each epoch: one torch.randperm from the generator, as the app draws it.
    (RandomSampler would draw a second, unused permutation at the end of every epoch.)"""

    def __init__(self, count, generator):
        self.count, self.generator = count, generator

    def __iter__(self):
        return iter(torch.randperm(self.count, generator=self.generator).tolist())

    def __len__(self):
        return self.count


def normalised(subset, mean, std, augment=()):
    """The same images through Resize, the augmentations, ToTensor and Normalize."""
    folder = copy.copy(subset.dataset)  # the same file list with its own transform
    steps = [transforms.Resize(IMAGE_SIZE), *augment, transforms.ToTensor()]
    folder.transform = transforms.Compose([*steps, transforms.Normalize(mean, std)])
    return Subset(folder, subset.indices)
'''

STATS = '''
def channel_stats(images):
    """Mean and std of each channel on the 0..1 scale, over a dataset of uint8 images,
    read batch by batch (summed in float64: exact for any number of images)."""
    total = squares = 0
    count = 0
    for batch, _labels in DataLoader(images, batch_size=256, num_workers=WORKERS):
        batch = batch.double()
        total = total + batch.sum(dim=<<dims>>)
        squares = squares + batch.square().sum(dim=<<dims>>)
        count += batch.numel() // total.numel()
    mean = total / count
    std = (squares / count - mean.square()).clamp_min(0).sqrt() / 255
    std = torch.where(std < 1e-6, 1.0, std)  # a constant channel: nothing to divide
    return mean / 255, std
'''

EVALUATE = '''
def evaluate(model, loader, criterion, num_classes, device):
    """Mean loss and confusion matrix over a DataLoader (row: true class, column: predicted)."""
    model.eval()
    total_loss, count = 0.0, 0
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            outputs = model(x)
            total_loss += criterion(outputs, y).item() * len(y)
            count += len(y)
            pairs = y * num_classes + outputs.argmax(1)
            counts = torch.bincount(pairs, minlength=num_classes * num_classes)
            confusion += counts.reshape(num_classes, num_classes).cpu()
    model.train()
    return total_loss / count, confusion
'''


def without_function(text: str, name: str) -> str:
    """``text`` without the top-level ``def name(...)`` and its body."""
    pattern = rf"\ndef {name}\(.*?(?=\n\n\ndef |\Z)"
    return re.sub(pattern, "", text, flags=re.S)


def data_lines(crop: bool, flip: bool, statistics: str | None = None) -> list[str]:
    """The start of ``main`` up to the model: datasets, statistics and loaders.

    ``statistics`` replaces the ``mean, std = channel_stats(...)`` line (a pretrained
    backbone's own normalisation)."""
    augment = []
    if crop:
        augment.append("transforms.RandomCrop(IMAGE_SIZE, padding=4)")
    if flip:
        augment.append("transforms.RandomHorizontalFlip()")
    lines = [
        "    train_images, val_images, classes = load_image_folder(args.data)",
        "",
        "    # Normalise each channel with the training split's statistics: "
        "(x / 255 - mean) / std.",
        statistics or "    mean, std = channel_stats(train_images)",
        "    train_set = normalised(train_images, mean.tolist(), std.tolist()"
        + (f", [{', '.join(augment)}]" if augment else "")
        + ")",
        "    val_set = normalised(val_images, mean.tolist(), std.tolist())",
        "    n, batch_size = len(train_set), args.batch_size",
        "    generator = torch.Generator().manual_seed(SEED)  # shuffling, as in the app",
        "    loading = {",
        '        "num_workers": WORKERS,',
        '        "persistent_workers": WORKERS > 0,  # the workers stay between epochs',
        '        "pin_memory": device.type == "cuda",',
        "        # worker seeds from their own generator: the model's random numbers are the app's",
        '        "generator": torch.Generator().manual_seed(SEED),',
        "    }",
        "    train_loader = DataLoader(",
        "        train_set,",
        "        batch_size,",
        "        sampler=Shuffled(n, generator),  # the app's order of images, epoch by epoch",
        "        drop_last=n % batch_size == 1 and n > batch_size,  # no batch of one (BatchNorm)",
        "        **loading,",
        "    )",
        "    val_loader = DataLoader(val_set, EVAL_BATCH, **loading)",
        "    steps_per_epoch = len(train_loader)",
        "",
        "    # The network: the same layers, and so the same state_dict keys, as in the app.",
        "    torch.manual_seed(SEED)  # the same seed gives the same initial weights",
    ]
    return lines


def epoch_lines(epoch_start: list[str]) -> list[str]:
    """The training loop of ``main`` over the DataLoaders; ``epoch_start`` opens each epoch."""
    return [
        "",
        "    example = next(iter(val_loader))[0][:1].to(device)",
        "    writer = open_tensorboard(args.tensorboard, rank, model, example)",
        "    if rank == 0:  # only the first process prints, saves and logs",
        '        print(f"Training on {device}: {n} training and {len(val_set)} '
        'validation images.")',
        "    best = None  # (accuracy, epoch, weights, confusion) of the best epoch so far",
        "    for epoch in range(1, args.epochs + 1):",
        "        model.train()",
        *epoch_start,
        "        losses = []",
        "        for images, labels in train_loader:",
        "            images, labels = images.to(device), labels.to(device)",
        "            inputs, labels = my_share(images, rank, world_size), "
        "my_share(labels, rank, world_size)",
        "",
        "            optimizer.zero_grad()",
        "            loss = criterion(trained(inputs), labels)",
        "            loss.backward()",
        "            optimizer.step()",
    ]


def evaluation_lines() -> list[str]:
    return [
        "        val_loss, confusion = evaluate(model, val_loader, criterion, len(classes), "
        "device)",
        "        accuracy = 100 * confusion.diagonal().sum().item() / len(val_set)",
    ]
