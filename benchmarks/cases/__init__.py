"""One module per case; each has ``NAME`` and ``run(budget) -> list[CaseResult]``."""

from __future__ import annotations

from types import ModuleType


def by_name() -> dict[str, ModuleType]:
    """The cases in the order of the table (``views`` also reports responsiveness)."""
    from benchmarks.cases import (
        accuracy,
        engine,
        feature_cache,
        first_run,
        memory,
        pipeline,
        plot_scaling,
        startup,
        streaming,
        validation,
        window,
    )

    cases = [
        engine,
        pipeline,
        window,
        first_run,
        startup,
        validation,
        plot_scaling,
        accuracy,
        memory,
    ]
    cases.append(feature_cache)
    cases.append(streaming)
    return {case.NAME: case for case in cases}
