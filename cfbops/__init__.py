"""cfbops: the operations console for a PostgreSQL sports-data warehouse."""

__version__ = "0.1.0"
