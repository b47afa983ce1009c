"""The committed translations: complete, faithful to their placeholders, and compiled.

``tools/update_translations.py`` makes the .ts and the .qm; these tests fail when a
text changed in the sources but the translation was not updated with that tool.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "tools" / "update_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
LANGUAGES = tool.LANGUAGES

# Qt's %1…%99, Python's %s (undo texts) and str.format fields such as {value:.1f}.
PLACEHOLDER = re.compile(r"%\d+|%s|\{[^{}]*\}")
# A menu or button accelerator: & before a letter (&& is a literal ampersand).
ACCELERATOR = re.compile(r"(?<!&)&([^&\s])")


def translations(language: str) -> list[tuple[str, str, str]]:
    return [(c, s, t) for (c, s), t in tool.entries(tool.ts_path(language)).items()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language):
    assert tool.ts_path(language).exists()
    assert tool.unfinished(tool.ts_path(language)) == []
    assert all(t.strip() for _, _, t in translations(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    wrong = [
        (context, source, translation)
        for context, source, translation in translations(language)
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translation))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_accelerators(language):
    wrong = [
        (context, source, translation)
        for context, source, translation in translations(language)
        if [k.lower() for k in ACCELERATOR.findall(source)]
        != [k.lower() for k in ACCELERATOR.findall(translation)]
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_file_filters_keep_their_patterns(language):
    """Qt reads ``Name (*.ext)``; a translated bracket or pattern breaks the file dialog."""
    wrong = [
        (source, translation)
        for _, source, translation in translations(language)
        if "(*" in source
        and re.findall(r"\(\*[^)]*\)", source) != re.findall(r"\(\*[^)]*\)", translation)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_qm_is_compiled_from_the_ts(language, tmp_path):
    fresh = tmp_path / "fresh.qm"
    tool.compile_qm(tool.ts_path(language), fresh)
    assert fresh.read_bytes() == tool.qm_path(language).read_bytes(), (
        "Run .venv/bin/python tools/update_translations.py and commit the .qm"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_ts_holds_every_text_of_the_sources(language):
    """A new or changed tr() text, error template or block help needs its translation."""
    assert tool.check(language) == [], (
        "Run .venv/bin/python tools/update_translations.py, translate the unfinished "
        "entries, and commit the .ts and .qm"
    )


def test_core_templates_are_found():
    """The extraction sees errors, diagnostics, fixes, messages and composed templates."""
    found = tool.core_messages()
    assert (
        "Linear needs a flat vector, but gets a {shape} tensor. Insert a Flatten before it."
        in found
    )
    assert "Insert a Flatten before layer {index}" in found  # a Fix label
    assert "{name} must be at least {low}, not {value}." in found  # a Message
    assert any(
        t.startswith("The {k}×{k} kernel is larger") and t.endswith("before it.") for t in found
    )
    blocks, templates = tool.registry_texts()
    assert "Side of the square window." in blocks
    assert "LeNet for MNIST" in templates


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_placeholder_style_named_fields(language):
    """Every text uses ``{name}`` fields, as the core templates do: no %1, %s or bare {}."""
    other = [
        (context, source)
        for context, source, _ in translations(language)
        if re.search(r"%\d+|%s|\{\}", source)
    ]
    assert other == []
