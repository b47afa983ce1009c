"""Entry points the benchmarks start in a fresh interpreter (start-up, peak memory)."""
