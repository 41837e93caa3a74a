"""Never drop what cfbops does not own: before a statement drops views, materialized views,
tables, functions or a schema with CASCADE, every object the cascade would take that no file
of the run re-creates is saved whole, and re-created after, in the same transaction."""
