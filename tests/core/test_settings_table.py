"""The one settings table: project files are validated against it, the panel is built from it."""

from __future__ import annotations

import pytest

from studio.core.errors import FileFormatError
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.settings import SETTINGS, matching_dataset
from studio.core.templates import blank_project, default_project

NUMBERS = [s for s in SETTINGS if s.kind in ("int", "float")]
CLOSED_CHOICES = [s for s in SETTINGS if s.kind == "choice" and not s.open_choices]


def _with(section: str, key: str, value) -> dict:
    data = default_project().to_dict()
    data[section][key] = value
    return data


def test_every_setting_of_the_project_is_in_the_table_and_back():
    keys = {(s.section, s.key) for s in SETTINGS}
    fields = {("dataset", k) for k in vars(DatasetConfig())} - {("dataset", "path")}
    fields |= {("training", k) for k in vars(TrainingConfig())}
    assert keys == fields


@pytest.mark.parametrize("setting", NUMBERS, ids=lambda s: s.key)
def test_a_project_accepts_the_table_range_and_rejects_beyond_it(setting):
    whole = setting.kind == "int"
    for edge in (setting.low, setting.high):
        value = int(edge) if whole else edge
        project = Project.from_dict(_with(setting.section, setting.key, value))
        assert getattr(getattr(project, setting.section), setting.key) == value
    beyond = setting.high + 1 if whole else setting.high * 2 + 1
    with pytest.raises(FileFormatError):
        Project.from_dict(_with(setting.section, setting.key, beyond))


@pytest.mark.parametrize("setting", CLOSED_CHOICES, ids=lambda s: s.key)
def test_a_project_accepts_exactly_the_table_choices(setting):
    for value in setting.values:
        Project.from_dict(_with(setting.section, setting.key, value))
    with pytest.raises(FileFormatError):
        Project.from_dict(_with(setting.section, setting.key, "no-such-choice"))


def test_settings_apply_only_where_they_have_an_effect():
    momentum = next(s for s in SETTINGS if s.key == "momentum")
    gamma = next(s for s in SETTINGS if s.key == "gamma")
    assert not momentum.applies(TrainingConfig(optimizer="adam"))
    assert momentum.applies(TrainingConfig(optimizer="sgd"))
    assert not gamma.applies(TrainingConfig(schedule="onecycle"))
    assert gamma.applies(TrainingConfig(schedule="step"))


def test_matching_dataset_and_blank_project():
    assert matching_dataset((3, 32, 32), "mnist-sample") == "cifar10"
    assert matching_dataset((3, 32, 32), "cifar10") is None
    assert matching_dataset((3, 32, 32), "image-folder") is None
    assert matching_dataset((1, 28, 28), "cifar10") == "mnist-sample"
    blank = blank_project()
    assert len(blank.architecture) == 0 and blank.description == ""
