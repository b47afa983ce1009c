"""Update the translations: the .ts files from the sources, then the .qm files the app loads.

    .venv/bin/python tools/update_translations.py          # update .ts and .qm
    .venv/bin/python tools/update_translations.py --check  # only say whether they are current

1. ``pyside6-lupdate`` reads every ``tr()`` and ``QCoreApplication.translate()`` in
   ``studio/gui``, plus a generated file holding the core's texts that the GUI
   translates at run time (``studio/gui/i18n.py``), each in its own context:

   - ``messages``: the templates of ``StudioError`` (and its subclasses),
     ``Message``, ``Fix`` and ``Diagnostic``, found with ``ast`` in all of ``studio/``;
   - ``blocks``: the help of every block and parameter in the registry;
   - ``templates``: the titles and descriptions of the tutorial networks.

   Existing translations are kept; texts that no longer occur are dropped.
2. ``pyside6-lrelease`` compiles each .ts into its .qm.

New or changed texts come out unfinished: translate them (``pyside6-linguist
resources/translations/studio_zh_CN.ts``, or any text editor), then run this again.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDIO = ROOT / "studio"
GUI = STUDIO / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)

ERROR_BASE = "StudioError"
# Calls whose template is not the first argument: (position, keyword).
TEMPLATE_ARGUMENT = {"Diagnostic": (2, "template"), "Fix": (0, "label"), "Message": (0, "template")}


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"studio_{language}.ts"


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"studio_{language}.qm"


def tool(name: str) -> str:
    """A Qt tool from the same environment as this Python, else from PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"update_translations: {name} not found; install PySide6 first.")
    return found


# --- the core's texts --------------------------------------------------------------------


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text("utf-8"), str(path))) for path in _py_files(STUDIO)]


def _py_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _error_classes(trees: Iterable[ast.Module]) -> set[str]:
    """``StudioError`` and every class that derives from it, by name."""
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    names = {ERROR_BASE}
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {getattr(b, "id", "") or getattr(b, "attr", "") for b in node.bases}
            if node.name not in names and bases & names:
                names.add(node.name)
                grew = True
    return names


class _Strings:
    """The string values an expression can have: literals, ``a + b``, ``x if c else y``,
    and names assigned such values in the same function (or at module level)."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents = {
            child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }

    def of(self, node: ast.AST) -> list[str] | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            body, orelse = self.of(node.body), self.of(node.orelse)
            return None if body is None or orelse is None else body + orelse
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.of(node.left), self.of(node.right)
            if left is None or right is None:
                return None
            return [a + b for a, b in itertools.product(left, right)]
        if isinstance(node, ast.Name):
            return self._assigned(node)
        return None

    def _assigned(self, name: ast.Name) -> list[str] | None:
        scope: ast.AST | None = self.parents.get(name)
        while scope is not None and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            scope = self.parents.get(scope)
        nodes = ast.walk(scope) if scope is not None else iter(self.tree.body)
        values: list[str] = []
        for node in nodes:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name.id for t in node.targets
            ):
                found = self.of(node.value)
                if found is None:
                    return None
                values += found
        return values or None


def core_messages(verbose: bool = False) -> dict[str, str]:
    """Every message template in ``studio/``, mapped to where it first occurs."""
    sources = _sources()
    positions = {name: (0, "template") for name in _error_classes(t for _, t in sources)}
    positions.update(TEMPLATE_ARGUMENT)
    found: dict[str, str] = {}
    for path, tree in sources:
        strings = _Strings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in positions:
                continue
            index, keyword = positions[name]
            argument = node.args[index] if len(node.args) > index else None
            for kw in node.keywords:
                if kw.arg == keyword:
                    argument = kw.value
            if argument is None:
                continue
            values = strings.of(argument)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if values is None:
                # ``error.template`` and the like pass on a template found elsewhere.
                if verbose and not isinstance(argument, ast.Attribute):
                    print(f"  not a literal, skipped: {where}: {ast.unparse(argument)[:70]}")
                continue
            for value in values:
                found.setdefault(value, where)
    return found


def registry_texts() -> tuple[list[str], list[str]]:
    """(block and parameter help, template titles and descriptions), in table order."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from studio.core.registry import BLOCKS
    from studio.core.templates import TEMPLATES

    blocks: list[str] = []
    for spec in BLOCKS:
        blocks.append(spec.help)
        for param in spec.params:
            blocks += [param.help, param.null_label, param.short]
    templates = [text for t in TEMPLATES.values() for text in (t.title, t.description)]
    return _unique(blocks), _unique(templates)


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def core_texts_module(verbose: bool = False) -> str:
    """Python source that lupdate reads: one ``translate()`` call per core text."""
    blocks, templates = registry_texts()
    lines = [
        "# Generated by tools/update_translations.py for lupdate; never imported.",
        "from PySide6.QtCore import QCoreApplication",
        "",
    ]
    for context, texts in (
        ("messages", sorted(core_messages(verbose))),
        ("blocks", blocks),
        ("templates", templates),
    ):
        lines += [f"QCoreApplication.translate({context!r}, {text!r})" for text in texts]
    return "\n".join(lines) + "\n"


# --- lupdate and lrelease ----------------------------------------------------------------


def run_lupdate(ts: Path, language: str, verbose: bool = False) -> None:
    """Merge the current source texts into ``ts`` (created if missing)."""
    with tempfile.TemporaryDirectory(prefix="studio-i18n-") as folder:
        generated = Path(folder) / "core_texts.py"
        generated.write_text(core_texts_module(verbose), "utf-8")
        sources = [str(p) for p in _py_files(GUI)] + [str(generated)]
        command = [tool("pyside6-lupdate"), *sources, "-locations", "none", "-no-obsolete"]
        command += ["-source-language", "en", "-target-language", language, "-ts", str(ts)]
        _run(command, verbose)


def compile_qm(ts: Path, qm: Path, verbose: bool = False) -> None:
    """``lrelease``: unfinished entries and those equal to their source are left out."""
    command = [tool("pyside6-lrelease"), "-nounfinished", "-removeidentical", str(ts)]
    _run([*command, "-qm", str(qm)], verbose)


def _run(command: list[str], verbose: bool) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if verbose or result.returncode:
        print(result.stdout + result.stderr, end="")
    if result.returncode:
        raise SystemExit(f"update_translations: {Path(command[0]).name} failed")


# --- reading a .ts -----------------------------------------------------------------------


def read_ts(ts: Path) -> Iterator[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every current entry."""
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, f"{ts}: a message without <translation>"
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            yield name, message.findtext("source", ""), translation


def entries(ts: Path) -> dict[tuple[str, str], str]:
    return {(c, s): t.text or "" for c, s, t in read_ts(ts)}


def unfinished(ts: Path) -> list[tuple[str, str]]:
    return [(c, s) for c, s, t in read_ts(ts) if t.get("type") == "unfinished" or not t.text]


# --- the command -------------------------------------------------------------------------


def check(language: str) -> list[str]:
    """What is out of date for ``language``, in plain sentences (empty: all current)."""
    ts, qm = ts_path(language), qm_path(language)
    if not ts.exists():
        return [f"{ts.relative_to(ROOT)} does not exist."]
    problems = []
    with tempfile.TemporaryDirectory(prefix="studio-i18n-") as folder:
        fresh = Path(folder) / ts.name
        shutil.copyfile(ts, fresh)
        run_lupdate(fresh, language)
        if entries(fresh) != entries(ts):
            added = set(entries(fresh)) - set(entries(ts))
            gone = set(entries(ts)) - set(entries(fresh))
            problems.append(
                f"{ts.name} differs from the sources ({len(added)} new, {len(gone)} gone)."
            )
        compiled = Path(folder) / qm.name
        compile_qm(ts, compiled)
        if not qm.exists() or compiled.read_bytes() != qm.read_bytes():
            problems.append(f"{qm.name} is not compiled from the current {ts.name}.")
    left = unfinished(ts)
    if left:
        problems.append(f"{ts.name} has {len(left)} unfinished entries.")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the tools' output")
    args = parser.parse_args(argv)
    if args.check:
        problems = [p for language in LANGUAGES for p in check(language)]
        for problem in problems:
            print(problem)
        if problems:
            print("Run: .venv/bin/python tools/update_translations.py, then translate.")
        return 1 if problems else 0
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        ts, qm = ts_path(language), qm_path(language)
        run_lupdate(ts, language, args.verbose)
        compile_qm(ts, qm, args.verbose)
        total = len(entries(ts))
        left = unfinished(ts)
        print(f"{ts.relative_to(ROOT)}: {total} texts, {len(left)} unfinished")
        for context, source in left:
            print(f"  to translate: [{context}] {source[:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
