"""Widgets of the builder window; each redraws from model signals."""
