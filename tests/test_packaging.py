"""The wheel and the sdist are a working program: they carry the sample and the translations,
and the CLI runs from the unpacked wheel (not from this checkout) from another folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

RESOURCES = [
    "studio/resources/mnist_5k.npz",
    "studio/resources/blobs_20.csv",
    "studio/resources/curve_4.csv",
    "studio/resources/translations/studio_zh_CN.qm",
    "studio/resources/translations/studio_zh_CN.ts",
]
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "studio", "resources"]


def copy_sources(target: Path) -> Path:
    """What the build reads, copied away so no stale build/ or egg-info of the checkout leaks in."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    target.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def build(kind: str, source: Path, out: Path) -> Path:
    """Build a wheel or an sdist with the test environment's setuptools (no download)."""
    code = f"from setuptools import build_meta as b; print(b.build_{kind}({str(out)!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "deprecat" not in output.lower(), output  # e.g. a license table instead of SPDX
    return out / result.stdout.strip().splitlines()[-1]


def checkout_modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "studio").rglob("*.py")}


def studio(site: Path, cwd: Path, *args: str) -> str:
    """Run the CLI from the unpacked wheel; torch and the rest come from this environment."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "studio", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"studio {' '.join(args)}: {result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_program_and_the_wheel_runs(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "src")
    dist = tmp_path / "dist"
    dist.mkdir()
    wheel = build("wheel", source, dist)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(RESOURCES) <= names
    assert checkout_modules() <= names, "a package is missing from [tool.setuptools] packages"
    assert not any(name.startswith(("tests/", "benchmarks/", "resources/")) for name in names)
    license_file = next(name for name in names if name.endswith(".dist-info/licenses/LICENSE"))
    assert "MIT License" in zipfile.ZipFile(wheel).read(license_file).decode()
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(metadata).decode()

    sdist = build("sdist", source, dist)
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", *(name.removeprefix("studio/") for name in RESOURCES)} <= members

    site, work = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    work.mkdir()
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import studio; from studio.core.resources import resources_dir; "
            "print(studio.__file__); print(resources_dir())",
        ],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [str(site / "studio" / "__init__.py"), str(site / "studio" / "resources")]

    assert "lenet-mnist" in studio(site, work, "templates")
    studio(site, work, "new", "-o", "p.json")
    trained = studio(site, work, "train", "p.json", "--epochs", "1", "--out", "p.pt")
    assert "Saved p.pt (epoch 1" in trained
    (work / "export").mkdir()
    studio(site, work, "export", "p.json", "-o", "export/train.py")
    script = (work / "export" / "train.py").read_text(encoding="utf-8")
    assert str(site) not in script and str(ROOT) not in script
    sample = (work / "export" / "data" / "mnist_5k.npz").read_bytes()
    assert sample == (ROOT / "resources" / "mnist_5k.npz").read_bytes()
