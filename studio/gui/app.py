"""Start-up: the QApplication, translations, the crash hook, and the window.

``python main.py [PROJECT] [--screenshot FILE.png] [--lang zh_CN]``. Without a
display (a bare server or CI), ``studio.launcher`` trains the project in the terminal
instead, so the README's run command still does the program's main job.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from studio.logs import log_file_path, setup_logging

log = logging.getLogger("studio.gui")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="main.py", description="Sequential Studio: build and train nn.Sequential networks."
    )
    parser.add_argument("project", nargs="?", help="a project (.json) or model (.pt) to open")
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="render the window offscreen to FILE and exit"
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="language of the window: zh_CN, en or system (default: the View > Language choice)",
    )
    parser.add_argument("--debug", action="store_true", help="log details to the terminal")
    return parser.parse_args(argv)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(debug=args.debug)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from studio.gui.platform_check import platform_hint

    if hint := platform_hint():  # Qt would abort the process instead of raising
        print(f"sequential-studio: {hint}", file=sys.stderr)
        return 2
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("SequentialStudio")
    app.setApplicationName("Sequential Studio")
    translators = install_translations(app, args.lang)

    from studio.core.errors import StudioError
    from studio.gui.i18n import error_text
    from studio.gui.main_window import MainWindow

    window = MainWindow()
    install_excepthook(window)
    window.show()  # any question (a crashed session's copy, a bad file) appears over it
    if args.project:
        try:
            window.open_project(args.project)  # offers a crashed session's copy of it
        except Exception as error:
            message = error_text(error) if isinstance(error, StudioError) else str(error)
            if args.screenshot:
                print(f"main.py: {message}", file=sys.stderr)
                return 2
            QMessageBox.warning(window, "Sequential Studio", message)
    if not args.screenshot:
        window.offer_recovery()  # however the window starts
    if args.screenshot:
        return take_screenshot(app, window, args.screenshot)
    del translators
    QTimer.singleShot(0, lambda: log.info("window shown"))
    return app.exec()


def take_screenshot(app, window, path: str) -> int:
    window.resize(1400, 860)
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(path)
    window.document.undo_stack.setClean()
    window.close()
    if not ok:
        print(f"main.py: could not write the screenshot to {path}.", file=sys.stderr)
        return 2
    print(f"Saved a screenshot to {path}.")
    return 0


def install_translations(app, language: str | None = None) -> list:
    """Qt's own strings and ours, for the chosen language, when a translation exists.

    ``language`` is the ``--lang`` option; without it the Language menu's choice
    (QSettings ``language``) applies, and without that the system's language.
    English needs no translator: it is the language of the sources. Returns the
    installed translators, to keep alive as long as the application.
    """
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from studio.gui.i18n import TRANSLATIONS_DIR, chosen_language, locale_for

    locale = locale_for(chosen_language(language))
    if locale is None:
        return []
    installed = []
    for name, where in (
        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("studio", str(TRANSLATIONS_DIR)),
    ):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", where):
            app.installTranslator(translator)
            installed.append(translator)
    log.info("language %s: %d translation(s) loaded", locale.name(), len(installed))
    return installed


def install_excepthook(window) -> None:
    """An unexpected error becomes a message box and a log entry; the window stays usable."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    def hook(kind, value, tb) -> None:
        log.error("uncaught exception:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        QMessageBox.critical(
            window,
            "Sequential Studio",
            QCoreApplication.translate(
                "app", "Something went wrong (%1). Your work is still open; details are in %2."
            )
            .replace("%1", f"{kind.__name__}: {value}")
            .replace("%2", str(log_file_path())),
        )

    sys.excepthook = hook
