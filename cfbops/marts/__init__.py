"""Materialized-view refresh: the dependency graph from the catalog, the runner, its history."""
