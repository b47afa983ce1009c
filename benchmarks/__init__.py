"""Side-by-side benchmarks: ``python -m benchmarks`` prints one table of ratios.

Machines here are shared and noisy, so every figure is a ratio of two things
measured in the same process run (A and B alternated, ABBA), reported as the
median with its spread. ``--quick`` runs every case briefly, to keep the code
alive in CI without judging any timing. See ``docs/benchmarks.md``.
"""
