"""Reliability: attacks on the program, kept as tests (pytest -m reliability)."""
