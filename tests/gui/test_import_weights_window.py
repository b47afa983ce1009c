"""The window keeps the weights a trusted import traces, says so, and saves them beside it."""

from __future__ import annotations

import json

import torch
from PySide6.QtWidgets import QMessageBox

from studio.core.io import initial_weights
from studio.core.io.project_file import load_project
from studio.core.shapes import analyse

CODE = """\
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_num):
        super().__init__()
        self.hidden = nn.Linear(input_num, 16)
        self.output = nn.Linear(16, 10)
    def forward(self, x):
        return self.output(self.hidden(x).relu())
model = MLP(20)
"""


def test_trusted_import_keeps_the_weights_and_saving_writes_them(window, monkeypatch, tmp_path):
    asked = []

    def yes(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    window.import_source(CODE, "mlp.py", trust_allowed=True)

    assert len(asked) == 1  # "run this file?" and nothing else
    project = window.document.project
    assert analyse(project.architecture).total_params == 20 * 16 + 16 + 170
    assert project.initial_state is not None
    assert "training starts from them" in window.statusBar().currentMessage()

    traced = project.initial_state["0.weight"].clone()
    path = tmp_path / "mlp.json"
    window.save_project(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["initial_weights"] == "mlp.init.pt"
    state = initial_weights.project_state(load_project(path))
    assert state is not None and torch.equal(state["0.weight"], traced)
