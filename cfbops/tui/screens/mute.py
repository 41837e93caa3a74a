"""The mute form of a finding: the last day to mute (inclusive) and why. Dismissed with the
pair, or None."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from textual import on
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from cfbops.errors import UsageError
from cfbops.tui.screens.base import DrillDown, text_block

DEFAULT_DAYS = 7


def parse_mute(until: str, reason: str, today: date | None = None) -> tuple[date, str]:
    """The form's fields as (until, reason); UsageError names the field that is wrong."""
    try:
        day = date.fromisoformat(until.strip())
    except ValueError:
        raise UsageError(f"until: {until.strip()!r} is not a date (YYYY-MM-DD)") from None
    if day < (today or date.today()):
        raise UsageError(f"until: {day.isoformat()} is in the past")
    if not reason.strip():
        raise UsageError("reason: say why the check is muted")
    return day, reason.strip()


class MuteForm(DrillDown[tuple[date, str] | None]):
    def __init__(self, check: str) -> None:
        super().__init__(f"Mute {check}")
        self.check = check

    def body(self) -> Iterable[Widget]:
        until = (date.today() + timedelta(days=DEFAULT_DAYS)).isoformat()
        with Horizontal(classes="field"):
            yield Label("until (YYYY-MM-DD)")
            yield Input(value=until, id="until")
        with Horizontal(classes="field"):
            yield Label("reason")
            yield Input(placeholder="why this finding may stand", id="reason")
        yield Static("", id="mute-problem", classes="problem", markup=False)
        yield text_block(
            ["enter mutes · escape: cancel · the same as check --mute NAME --until --reason"],
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        try:
            answer = parse_mute(
                self.query_one("#until", Input).value, self.query_one("#reason", Input).value
            )
        except UsageError as exc:
            self.query_one("#mute-problem", Static).update(str(exc))
            return
        self.dismiss(answer)
