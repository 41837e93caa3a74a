"""`cfbops --headless server status|start|stop|url`: the embedded server under the home.

`url --show-password` is the one place cfbops ever prints a password, and only on request.
"""

from __future__ import annotations

import argparse

from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.embedded import DATABASE, EmbeddedServer, ServerStatus
from cfbops.db.urls import redact_url
from cfbops.errors import UsageError
from cfbops.progress import ProgressCallback

ACTIONS = ("status", "start", "stop", "url")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="what to do with the embedded server")
    parser.add_argument(
        "--show-password",
        action="store_true",
        help="url: print the password too (the only place cfbops prints one)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    del progress  # every action is quick
    server = EmbeddedServer(settings.home)
    if args.show_password and args.action != "url":
        raise UsageError("--show-password goes with 'server url' only")
    if args.action == "stop":
        stopped = server.stop()
        text = "embedded server stopped" if stopped else "embedded server was not running"
        return Outcome({"stopped": stopped, "server": server_document(server.status())}, text)
    if args.action in ("start", "url"):
        was_running = server.is_running()
        address = server.ensure_running()
        # The global --database names another (the demo's: cfbops_demo).
        url = address.url(settings.database_name or DATABASE)
        shown = url if args.show_password else redact_url(url)
        if args.action == "url":
            return Outcome({"url": shown}, shown)
        text = f"embedded server {'already running' if was_running else 'started'}: {shown}"
        document = {"started": not was_running, "server": server_document(server.status(), shown)}
        return Outcome(document, text)
    status = server.status()
    return Outcome({"server": server_document(status)}, status_text(status))


def server_document(status: ServerStatus, url: str | None = None) -> dict:
    document = {
        "home": str(status.home),
        "initialised": status.initialised,
        "running": status.running,
        "pid": status.pid,
        "port": status.port,
        "log_file": str(status.log_file),
    }
    if url is not None:
        document["url"] = url
    return document


def status_text(status: ServerStatus) -> str:
    if status.running:
        state = f"running (pid {status.pid}, 127.0.0.1:{status.port})"
    elif status.initialised:
        state = "stopped (cfbops --headless server start, or any command, starts it)"
    else:
        state = "not initialised (the first command that needs it creates it)"
    rows = [("embedded server", state), ("home", status.home), ("log", status.log_file)]
    return "\n".join(f"{label:<16} {value}" for label, value in rows)


COMMAND = Command(
    "server",
    "the embedded server: status, start, stop, url [--show-password]",
    add_arguments,
    run,
)
