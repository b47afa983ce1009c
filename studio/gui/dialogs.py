"""Small dialogs the window asks through."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


def ask_code(parent: QWidget) -> str:
    """A text box for pasting PyTorch code; returns '' when cancelled."""
    dialog = QDialog(parent)
    dialog.setObjectName("pasteCodeDialog")
    dialog.setWindowTitle(QCoreApplication.translate("dialogs", "Import pasted code"))
    layout = QVBoxLayout(dialog)
    layout.addWidget(
        QLabel(
            QCoreApplication.translate(
                "dialogs",
                "Paste an nn.Sequential(...) expression. It is read, never run. To import an "
                "nn.Module class, save it as a .py file and use Import PyTorch code.",
            ),
            dialog,
        )
    )
    editor = QPlainTextEdit(dialog)
    editor.setObjectName("pastedCodeEdit")
    editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    editor.setPlaceholderText("nn.Sequential(\n    nn.Flatten(),\n    nn.Linear(784, 10),\n)")
    layout.addWidget(editor, 1)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(640, 420)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return ""
    return editor.toPlainText()


def confirm_trust(parent: QWidget, filename: str) -> bool:
    """Importing a Module class runs the file; ask before doing that."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("dialogs", "Run this file?"),
        QCoreApplication.translate(
            "dialogs",
            "{file} defines its network as a class, which can only be imported by running the "
            "file. Run it only if you trust where it came from. Run it now?",
        ).format(file=filename),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_input_shape(parent: QWidget, fits) -> tuple[int, ...] | None:
    """Several input sizes fit the imported network: let the person pick one."""
    labels = ["×".join(str(n) for n in shape) for shape in fits]
    if not labels:
        return None
    choice, ok = QInputDialog.getItem(
        parent,
        QCoreApplication.translate("dialogs", "Input size"),
        QCoreApplication.translate(
            "dialogs", "Several input sizes fit this network. Which one does your data have?"
        ),
        labels,
        0,
        False,
    )
    if not ok:
        return None
    return tuple(fits[labels.index(choice)])
