"""Resumable, budget-aware backfills: a persisted queue of items in `ops`, and a driver."""
