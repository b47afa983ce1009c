"""The dataset layer: bundled sample, split, adaptation, image folders and batches."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from studio.core.data import (
    BatchLoader,
    bundled_sample_path,
    default_data_root,
    describe_dataset,
    load_dataset,
    normalise,
    stratified_split,
)
from studio.core.data.adapt import adapt_images
from studio.core.data.stats import channel_stats
from studio.core.errors import DatasetError
from studio.core.project import DatasetConfig

ROOT = Path(__file__).resolve().parents[2]


# --- paths ----------------------------------------------------------------------------------


def test_default_data_root_follows_xdg(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_data_root() == tmp_path / "sequential-studio" / "datasets"


def test_default_data_root_falls_back_to_home_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_data_root() == tmp_path / ".cache" / "sequential-studio" / "datasets"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid per the XDG spec
    assert default_data_root() == tmp_path / ".cache" / "sequential-studio" / "datasets"


def test_bundled_sample_is_found_in_the_checkout() -> None:
    assert bundled_sample_path() == ROOT / "resources" / "mnist_5k.npz"
    assert bundled_sample_path().is_file()


# --- bundled sample and split ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_dataset(DatasetConfig(), (1, 28, 28))


def test_sample_split_sizes_and_strata(sample) -> None:
    assert sample.name == "mnist-sample"
    assert sample.classes == [str(d) for d in range(10)]
    assert sample.train_images.shape == (4000, 1, 28, 28)
    assert sample.val_images.shape == (1000, 1, 28, 28)
    assert sample.train_images.dtype == torch.uint8
    assert torch.bincount(sample.val_labels, minlength=10).tolist() == [100] * 10
    assert torch.bincount(sample.train_labels, minlength=10).tolist() == [400] * 10
    assert sample.notes == []
    assert 0.1 < sample.mean[0] < 0.15 and 0.28 < sample.std[0] < 0.33


def test_sample_split_is_disjoint_and_deterministic(sample) -> None:
    labels = np.load(bundled_sample_path())["labels"]
    train, val = stratified_split(labels, 0.2, 0)
    assert len(np.intersect1d(train, val)) == 0
    assert np.array_equal(np.sort(np.concatenate([train, val])), np.arange(5000))
    torch.manual_seed(123)  # the training seed must not move the split
    again = load_dataset(DatasetConfig(), (1, 28, 28))
    assert torch.equal(again.val_images, sample.val_images)
    assert torch.equal(again.train_labels, sample.train_labels)
    images = torch.from_numpy(np.load(bundled_sample_path())["images"])
    assert torch.equal(sample.val_images[:, 0], images[torch.from_numpy(val)])


def test_sample_val_fraction_is_honoured() -> None:
    data = load_dataset(DatasetConfig(val_fraction=0.1), (1, 28, 28))
    assert len(data.val_labels) == 500 and len(data.train_labels) == 4500


def test_split_matches_the_documented_numpy_recipe() -> None:
    labels = np.random.default_rng(5).integers(0, 4, 97)
    rng = np.random.default_rng(7)
    train_ref, val_ref = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = round(len(idx) * 0.3)
        val_ref += list(idx[:k])
        train_ref += list(idx[k:])
    train, val = stratified_split(labels, 0.3, seed=7)
    assert train.tolist() == sorted(train_ref) and val.tolist() == sorted(val_ref)
    assert stratified_split(labels, 0.3, seed=8)[1].tolist() != val.tolist()


def test_missing_bundled_sample_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    from studio.core.data import catalog

    monkeypatch.setattr(catalog, "bundled_sample_path", lambda: tmp_path / "gone.npz")
    with pytest.raises(DatasetError, match="missing"):
        load_dataset(DatasetConfig(), (1, 28, 28))
    (tmp_path / "gone.npz").write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match="damaged"):
        load_dataset(DatasetConfig(), (1, 28, 28))


def test_unknown_dataset_name() -> None:
    with pytest.raises(DatasetError, match="unknown"):
        describe_dataset(DatasetConfig(name="imagenet"))


# --- adaptation -----------------------------------------------------------------------------


def gray_batch(n: int = 3, h: int = 28, w: int = 28) -> torch.Tensor:
    return torch.randint(
        1, 256, (n, 1, h, w), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )


def test_even_margin_pads_with_zeros(sample) -> None:
    padded = load_dataset(DatasetConfig(), (1, 32, 32))
    assert padded.train_images.shape == (4000, 1, 32, 32)
    assert torch.equal(padded.train_images[:, :, 2:30, 2:30], sample.train_images)
    assert padded.train_images[:, :, :2].sum() == 0 and padded.train_images[:, :, :, 30:].sum() == 0
    assert padded.notes == [
        "MNIST images are 28×28; they were padded to 32×32 to fit the network's input."
    ]
    assert padded.native_shape == (1, 28, 28)
    assert padded.mean[0] < sample.mean[0]  # measured after padding


def test_odd_margin_or_smaller_target_resizes() -> None:
    for target in [(1, 31, 31), (1, 20, 24), (1, 30, 27)]:
        out, notes = adapt_images(gray_batch(), target, "X")
        assert out.shape == (3, *target) and out.dtype == torch.uint8
        size = f"{target[1]}×{target[2]}"
        assert notes == [
            f"X images are 28×28; they were resized to {size} to fit the network's input."
        ]
    padded, notes = adapt_images(gray_batch(), (1, 30, 28), "X")  # margins 2 and 0: both even
    assert "padded to 30×28" in notes[0]
    assert torch.equal(padded[:, :, 1:29], gray_batch())


def test_channel_conversion_both_ways() -> None:
    rgb, notes = adapt_images(gray_batch(), (3, 28, 28), "X")
    assert rgb.shape == (3, 3, 28, 28)
    assert torch.equal(rgb[:, 0], rgb[:, 2]) and torch.equal(rgb[:, 1], gray_batch()[:, 0])
    assert "repeated into 3 colour channels" in notes[0]
    red = torch.zeros(1, 3, 4, 4, dtype=torch.uint8)
    red[:, 0] = 255
    gray, notes = adapt_images(red, (1, 4, 4), "X")
    assert gray.shape == (1, 1, 4, 4)
    assert abs(int(gray[0, 0, 0, 0]) - 76) <= 1  # luminance 0.299 × 255
    assert "converted to grayscale" in notes[0]


def test_flat_input_reshapes_or_explains() -> None:
    flat, notes = adapt_images(gray_batch(), (784,), "MNIST")
    assert flat.shape == (3, 784)
    assert torch.equal(flat[1], gray_batch()[1].flatten())
    assert "flattened into 784 values" in notes[0]
    with pytest.raises(DatasetError) as info:
        adapt_images(gray_batch(), (100,), "MNIST")
    assert "784" in info.value.message and "100" in info.value.message


def test_flat_input_gives_one_mean() -> None:
    data = load_dataset(DatasetConfig(), (784,))
    assert data.train_images.shape == (4000, 784)
    assert len(data.mean) == 1 and len(data.std) == 1


@pytest.mark.parametrize("shape", [(2, 28, 28), (1, 0, 28), (1, 28), (1, 1, 28, 28)])
def test_unusable_input_shapes_are_explained(shape) -> None:
    with pytest.raises(DatasetError):
        adapt_images(gray_batch(), shape, "X")


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([1, 3]),
    st.integers(1, 24),
    st.integers(1, 24),
    st.sampled_from([1, 3]),
    st.integers(1, 24),
    st.integers(1, 24),
)
def test_adaptation_always_reaches_the_target(c, h, w, tc, th, tw) -> None:
    images = torch.randint(0, 256, (2, c, h, w), dtype=torch.uint8)
    out, notes = adapt_images(images, (tc, th, tw), "X")
    assert out.shape == (2, tc, th, tw) and out.dtype == torch.uint8
    assert len(notes) == (c != tc) + ((h, w) != (th, tw))
    if c == tc and th >= h and tw >= w and (th - h) % 2 == 0 and (tw - w) % 2 == 0:
        top, left = (th - h) // 2, (tw - w) // 2
        assert torch.equal(out[:, :, top : top + h, left : left + w], images)


def test_stats_in_chunks_match_a_direct_computation() -> None:
    images = torch.randint(0, 256, (10, 3, 5, 5), dtype=torch.uint8)
    mean, std = channel_stats(images, chunk=3)
    x = images.double() / 255
    assert mean == pytest.approx(x.mean(dim=(0, 2, 3)).tolist(), abs=1e-9)
    assert std == pytest.approx(x.std(dim=(0, 2, 3), unbiased=False).tolist(), abs=1e-9)
    assert channel_stats(torch.full((4, 1, 2, 2), 7, dtype=torch.uint8))[1] == (1.0,)


# --- image folders --------------------------------------------------------------------------


def save_image(path: Path, size=(12, 10), mode: str = "RGB", value: int = 128) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    colour = value if mode in ("L", "P") else (value,) * len(mode)
    Image.new(mode, size, colour).save(path)


def make_folder(root: Path, per_class: dict[str, int], mode: str = "RGB") -> Path:
    for name, count in per_class.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            save_image(root / name / f"{i}.png", mode=mode, value=20 * i)
    return root


def folder_config(root: Path, val_fraction: float = 0.2) -> DatasetConfig:
    return DatasetConfig(name="image-folder", path=str(root), val_fraction=val_fraction)


def test_image_folder_loads_splits_and_describes(tmp_path: Path) -> None:
    make_folder(tmp_path, {"cat": 10, "dog": 5})
    (tmp_path / ".ipynb_checkpoints").mkdir()  # hidden folders are not classes
    info = describe_dataset(folder_config(tmp_path))
    assert info.classes == ["cat", "dog"]
    assert info.native_shape == (3, 10, 12)
    data = load_dataset(folder_config(tmp_path), (3, 10, 12))
    assert data.classes == ["cat", "dog"]
    assert data.train_images.shape == (12, 3, 10, 12)
    assert torch.bincount(data.val_labels).tolist() == [2, 1]
    assert data.notes == []
    assert data.native_shape == (3, 10, 12)


def test_image_folder_mixed_modes_to_gray_and_rgb(tmp_path: Path) -> None:
    save_image(tmp_path / "a" / "gray.png", mode="L", value=200)
    save_image(tmp_path / "a" / "rgba.png", mode="RGBA", value=50)
    save_image(tmp_path / "b" / "rgb.jpg", mode="RGB", value=100)
    save_image(tmp_path / "b" / "pal.png", mode="P", value=3)
    save_image(tmp_path / "a" / "big.png", size=(40, 30), mode="RGB")
    config = folder_config(tmp_path, val_fraction=0.4)
    gray = load_dataset(config, (1, 8, 8))
    assert gray.train_images.shape[1:] == (1, 8, 8)
    assert len(gray.train_labels) + len(gray.val_labels) == 5
    assert "4 colour images were converted to grayscale to fit the network's input." in gray.notes
    assert "5 of 5 images were resized to 8×8 to fit the network's input." in gray.notes
    rgb = load_dataset(config, (3, 10, 12))
    assert (
        "1 grayscale image was repeated into 3 colour channels to fit the network's input."
        in rgb.notes
    )
    assert "1 of 5 images was resized to 10×12 to fit the network's input." in rgb.notes
    everything = torch.cat([rgb.train_images, rgb.val_images])
    gray_one = everything[(everything == 200).all(dim=(1, 2, 3))]
    assert len(gray_one) == 1  # the gray image, repeated into equal channels


def test_image_folder_skips_and_counts_non_images(tmp_path: Path) -> None:
    make_folder(tmp_path, {"a": 5, "b": 5})
    (tmp_path / "a" / "notes.txt").write_text("not an image")
    (tmp_path / "b" / "broken.png").write_bytes(b"\x89PNG but not really")
    (tmp_path / "b" / ".DS_Store").write_bytes(b"\0\0")  # hidden: ignored, not counted
    data = load_dataset(folder_config(tmp_path), (3, 10, 12))
    assert len(data.train_labels) + len(data.val_labels) == 10
    assert data.notes == [
        "2 files were skipped because they are not images or could not be read "
        "(for example a/notes.txt)."
    ]


def test_image_folder_flat_input_uses_the_images_own_size(tmp_path: Path) -> None:
    make_folder(tmp_path, {"a": 5, "b": 5}, mode="L")
    data = load_dataset(folder_config(tmp_path), (120,))
    assert data.train_images.shape == (8, 120)
    with pytest.raises(DatasetError, match="120"):
        load_dataset(folder_config(tmp_path), (100,))


def test_huge_image_is_reduced_while_decoding(tmp_path: Path) -> None:
    make_folder(tmp_path, {"a": 5, "b": 4})
    big = Image.effect_noise((3000, 2000), 40).convert("RGB")
    big.save(tmp_path / "b" / "huge.jpg", quality=50)
    data = load_dataset(folder_config(tmp_path), (3, 16, 16))
    assert data.train_images.shape[1:] == (3, 16, 16)
    assert len(data.train_labels) + len(data.val_labels) == 10


@pytest.mark.parametrize(
    ("layout", "match"),
    [
        ({}, "no sub-folders"),
        ({"only": 5}, "only one class"),
        ({"a": 5, "empty": 0}, "empty"),
        ({"a": 1, "b": 1}, "too few images"),
    ],
)
def test_unusable_image_folders_are_explained(tmp_path: Path, layout, match) -> None:
    make_folder(tmp_path, layout)
    with pytest.raises(DatasetError, match=match):
        load_dataset(folder_config(tmp_path), (3, 8, 8))


def test_class_folder_with_only_broken_files(tmp_path: Path) -> None:
    make_folder(tmp_path, {"a": 5})
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.jpg").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="class folder b"):
        load_dataset(folder_config(tmp_path), (3, 8, 8))


def test_missing_image_folder(tmp_path: Path) -> None:
    for config in (folder_config(tmp_path / "nope"), DatasetConfig(name="image-folder")):
        with pytest.raises(DatasetError):
            describe_dataset(config)
        with pytest.raises(DatasetError):
            load_dataset(config, (3, 8, 8))


folder_contents = st.dictionaries(
    st.sampled_from(["a", "b", "c"]),
    st.lists(
        st.tuples(
            st.sampled_from(["L", "RGB", "RGBA", "P", "L", "RGB", "junk"]),
            st.integers(1, 20),
            st.integers(1, 20),
        ),
        min_size=1,
        max_size=6,
    ),
    min_size=2,
    max_size=3,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder_contents, st.sampled_from([(1, 6, 6), (3, 5, 7), "flat"]))
def test_any_image_folder_loads_or_explains(contents, input_shape) -> None:
    """Random folders either load completely or raise one plain DatasetError."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        readable = junk = 0
        first = None
        for name in sorted(contents):
            (root / name).mkdir()
            for i, (mode, w, h) in enumerate(contents[name]):
                if mode == "junk":
                    (root / name / f"{i}.png").write_bytes(b"junk")
                    junk += 1
                else:
                    save_image(root / name / f"{i}.png", (w, h), mode)
                    readable += 1
                    first = first or ((1 if mode == "L" else 3), h, w)
        if input_shape == "flat":  # the first image's own size, flattened
            input_shape = (first[0] * first[1] * first[2],) if first else (36,)
        try:
            data = load_dataset(folder_config(root, 0.3), input_shape)
        except DatasetError as exc:
            assert exc.message and "\n" not in exc.message
            return
        assert len(data.train_labels) + len(data.val_labels) == readable
        assert data.train_images.shape[1:] == input_shape
        assert data.val_images.shape[1:] == input_shape
        assert data.train_images.dtype == torch.uint8
        assert data.native_shape == first
        notes = " ".join(data.notes)
        if junk == 0:
            assert "skipped" not in notes
        else:
            assert ("1 file was skipped" if junk == 1 else f"{junk} files were skipped") in notes


# --- batches --------------------------------------------------------------------------------


def numbered(n: int = 10, c: int = 1, h: int = 4, w: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """Image i is filled with the value i, so a batch shows which images it holds."""
    images = torch.arange(n, dtype=torch.uint8)[:, None, None, None].expand(n, c, h, w).clone()
    return images, torch.arange(n)


def to_uint8(x: torch.Tensor) -> torch.Tensor:
    """Undo the default normalisation (mean 0, std 1): x · 255, rounded."""
    return (x * 255).round().to(torch.uint8)


def test_every_sample_once_per_epoch() -> None:
    images, labels = numbered(10)
    loader = BatchLoader(
        images, labels, 4, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    assert len(loader) == 3
    for _ in range(2):
        batches = list(loader)
        assert [len(y) for _, y in batches] == [4, 4, 2]
        seen = torch.cat([y for _, y in batches])
        assert sorted(seen.tolist()) == list(range(10))
        assert seen.tolist() != list(range(10))  # shuffled
        for x, y in batches:
            assert x.shape == (len(y), 1, 4, 4) and x.dtype == torch.float32
            assert torch.allclose(x[:, 0, 0, 0] * 255, y.float())  # images follow their labels


def test_normalisation_matches_the_helper_and_the_stats(sample) -> None:
    loader = BatchLoader(
        sample.train_images,
        sample.train_labels,
        512,
        shuffle=False,
        mean=sample.mean,
        std=sample.std,
    )
    x = torch.cat([b for b, _ in loader])
    assert torch.allclose(x, normalise(sample.train_images, sample.mean, sample.std), atol=1e-5)
    assert abs(x.mean().item()) < 1e-3 and abs(x.std().item() - 1) < 1e-3
    single = normalise(sample.train_images[0], sample.mean, sample.std)
    assert torch.allclose(single, x[0], atol=1e-5)


def test_batch_size_edges() -> None:
    images, labels = numbered(10)
    big = BatchLoader(images, labels, 64, shuffle=False)
    assert len(big) == 1 and len(next(iter(big))[1]) == 10
    assert len(BatchLoader(images, labels, 4, drop_last=True)) == 2
    assert len(BatchLoader(images, labels, 64, drop_last=True)) == 1  # never zero steps
    for bad in (0, -1, 2.5):
        with pytest.raises(DatasetError, match="batch size"):
            BatchLoader(images, labels, bad)


def test_seeded_generator_gives_the_same_batches() -> None:
    images, labels = numbered(20, c=3, h=8, w=8)

    def run(seed: int) -> list[torch.Tensor]:
        loader = BatchLoader(
            images, labels, 8, generator=torch.Generator().manual_seed(seed),
            augment_crop=True, augment_flip=True,
        )  # fmt: skip
        return [x for x, _ in loader]

    first, again, other = run(3), run(3), run(4)
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(first, other, strict=True))


def test_flip_mirrors_some_images_whole() -> None:
    images = torch.randint(0, 256, (64, 3, 5, 6), dtype=torch.uint8)
    loader = BatchLoader(
        images, torch.arange(64), 64, shuffle=False, augment_flip=True,
        generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    x = to_uint8(next(iter(loader))[0])
    same = (x == images).flatten(1).all(1)
    flipped = (x == images.flip(3)).flatten(1).all(1)
    assert bool((same | flipped).all())
    assert 10 < int(flipped.sum()) < 54


def test_crop_shifts_within_four_pixels_with_black_padding() -> None:
    images = torch.randint(1, 256, (16, 2, 6, 7), dtype=torch.uint8)
    loader = BatchLoader(
        images, torch.arange(16), 16, shuffle=False, augment_crop=True,
        generator=torch.Generator().manual_seed(1),
    )  # fmt: skip
    x = to_uint8(next(iter(loader))[0])
    assert x.shape == (16, 2, 6, 7)
    padded = torch.nn.functional.pad(images, (4, 4, 4, 4))
    shifted = 0
    for i in range(16):
        windows = [
            (dy, dx)
            for dy in range(9)
            for dx in range(9)
            if torch.equal(x[i], padded[i, :, dy : dy + 6, dx : dx + 7])
        ]
        assert windows, f"image {i} is not a crop of its padded original"
        shifted += windows[0] != (4, 4)
    assert shifted > 8


def test_flat_inputs_are_never_augmented() -> None:
    images = torch.randint(0, 256, (6, 12), dtype=torch.uint8)
    loader = BatchLoader(
        images, torch.arange(6), 6, shuffle=False, augment_crop=True, augment_flip=True
    )
    assert not loader.augments
    x, _ = next(iter(loader))
    assert torch.equal(to_uint8(x), images)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.5])
def test_validation_fraction_out_of_range(fraction: float) -> None:
    with pytest.raises(DatasetError, match="validation fraction"):
        load_dataset(DatasetConfig(val_fraction=fraction), (1, 28, 28))


def test_resizing_a_tiny_colour_image_works_around_the_uint8_kernel() -> None:
    # torch 2.14's uint8 antialias kernel asserts on 3×2×1 → 3×1×1 (found by hypothesis).
    images = torch.tensor([[[[10], [30]], [[0], [255]], [[7], [7]]]], dtype=torch.uint8)
    out, notes = adapt_images(images, (3, 1, 1), "X")
    assert out.shape == (1, 3, 1, 1) and out.dtype == torch.uint8
    assert out.flatten().tolist() == [20, 128, 7]
    assert len(notes) == 1
