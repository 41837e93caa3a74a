"""Lint migration files: the rule table, statement and ALTER TABLE rules, streaming chunks."""
