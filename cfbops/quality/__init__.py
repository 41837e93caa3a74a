"""Data-quality checks: a registry of checks, a runner, the findings history, an overview."""
