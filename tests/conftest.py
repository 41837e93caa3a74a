"""Fixtures for the picks tests; the harness's fixtures take over at merge time."""

from picks_fixtures import db_conn, picks_server_url, picks_template_database

__all__ = ["db_conn", "picks_server_url", "picks_template_database"]
