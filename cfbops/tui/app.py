"""The console application (a placeholder screen until the console issue lands)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Header, Static

from cfbops.status import StatusSnapshot


class CfbopsApp(App[None]):
    TITLE = "cfbops"
    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def __init__(self, snapshot: StatusSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        db = self.snapshot.database
        kind = "embedded" if db.embedded else "external"
        yield Header()
        yield Static(
            f"Database: {db.url}\nPostgreSQL {db.server_version} ({kind})\n\n"
            "The console panes arrive with their issues; use `cfbops --headless status` meanwhile.",
            id="placeholder",
        )
        yield Footer()
