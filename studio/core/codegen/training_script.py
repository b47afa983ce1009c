"""``export_script``: a project's training run as one standalone Python file.

Image datasets get ``script.py``'s script, a CSV table ``script_table.py``'s (which
builds on the first); this module only picks, so neither imports the other's user.
"""

from __future__ import annotations

from studio.core.codegen.script import export_script as image_script
from studio.core.codegen.script_table import table_script
from studio.core.project import Project


def export_script(project: Project) -> str:
    """The project's training run as the text of one Python file (ruff-clean)."""
    if project.dataset.name == "csv":
        return table_script(project)
    return image_script(project)
