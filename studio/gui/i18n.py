"""Translating what the core says, and the person's choice of language.

The core never imports Qt, so its sentences arrive in English as a template plus
arguments (``StudioError``, ``Diagnostic``, ``Fix``, ``Message``). They are
translated here, in one context per kind of text, so one translation serves every
widget that shows it:

- ``messages``: errors, diagnostics and fixes (``translate_message``),
- ``blocks``: the registry's block and parameter help (``block_text``),
- ``templates``: the titles and descriptions of the tutorial networks (``template_text``).

``tools/update_translations.py`` extracts these texts from the core into the same
``.ts`` file as the widgets' own ``tr()`` strings. Block types and parameter names
(Conv2d, in_channels) are PyTorch names and are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QSettings

from studio.core.errors import Message, StudioError
from studio.core.resources import resources_dir

MESSAGES = "messages"
BLOCKS = "blocks"
TEMPLATES = "templates"

LANGUAGE_KEY = "language"
"""The QSettings key of the chosen language: ``system``, ``en`` or a locale such as ``zh_CN``."""

SYSTEM = "system"
ENGLISH = "en"
CHINESE = "zh_CN"

TRANSLATIONS_DIR = resources_dir() / "translations"


def translate_message(template: str, args: Mapping[str, Any] | None = None) -> str:
    """A core template in the person's language, formatted with its arguments.

    Arguments that are messages themselves (a ``Message`` or a ``StudioError``) are
    translated too. A translation that does not format (a mistake in the ``.ts``)
    falls back to the English text rather than hiding the message.
    """
    values = {name: _translated(value) for name, value in (args or {}).items()}
    text = QCoreApplication.translate(MESSAGES, template)
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return template.format(**values)


def error_text(error: StudioError) -> str:
    return translate_message(error.template, error.args_map)


def diagnostic_text(diagnostic: Any) -> str:
    """A ``Diagnostic`` of the shape report."""
    return translate_message(diagnostic.template, diagnostic.args)


def fix_text(fix: Any) -> str:
    """The button label of a ``Fix``."""
    return translate_message(fix.label, fix.label_args)


def block_text(text: str) -> str:
    """Help of a block or a parameter from the registry."""
    return QCoreApplication.translate(BLOCKS, text) if text else text


def template_text(text: str) -> str:
    """Title or description of a tutorial network."""
    return QCoreApplication.translate(TEMPLATES, text) if text else text


def _translated(value: Any) -> Any:
    if isinstance(value, Message):
        return translate_message(value.template, value.args)
    if isinstance(value, StudioError):
        return error_text(value)
    return value


# --- the language --------------------------------------------------------------------


def chosen_language(override: str | None = None) -> str:
    """``--lang`` if given, else the Language menu's choice, else the system's language."""
    if override:
        return override
    value = QSettings().value(LANGUAGE_KEY, SYSTEM)
    return str(value) if value else SYSTEM


def locale_for(language: str) -> QLocale | None:
    """The locale to load translations for; ``None`` for English, the source language."""
    if language == SYSTEM:
        return QLocale.system()
    if language.split("_")[0].split("-")[0].lower() == ENGLISH:
        return None
    return QLocale(language)
