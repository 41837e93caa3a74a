"""The NFL picks game's data: fast6 import, nflverse sync, grading, markets, nightly."""
