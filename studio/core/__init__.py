"""The headless core: plain Python and torch, never Qt (a test enforces this)."""
