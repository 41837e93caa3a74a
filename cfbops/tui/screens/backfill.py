"""Backfill control: pick the kind, the seasons and a call cap, see the estimate, start or
pause. Starting dismisses the screen with the request; the App's worker runs it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from cfbops.backfill.control import BackfillEstimate, backfill_estimate
from cfbops.backfill.queue import Kind
from cfbops.backfill.seasons import SeasonError, parse_season_range
from cfbops.config import Settings
from cfbops.errors import CfbopsError, UsageError
from cfbops.tui.screens.base import DrillDown, text_block


@dataclass(frozen=True, slots=True)
class BackfillRequest:
    kind: Kind
    first: int
    last: int
    max_calls: int | None


def parse_request(kind: Kind, seasons: str, cap: str) -> BackfillRequest:
    """The form's fields as a request; UsageError names the field that is wrong."""
    try:
        first, last = parse_season_range(seasons)
    except SeasonError as exc:
        raise UsageError(f"seasons: {exc}") from None
    max_calls = None
    if cap.strip():
        if not cap.strip().isdigit() or int(cap) < 1:
            raise UsageError(f"call cap: {cap.strip()!r} is not a positive whole number")
        max_calls = int(cap)
    return BackfillRequest(kind, first, last, max_calls)


@dataclass
class EstimateReady(Message):
    text: str
    problem: bool = False


class BackfillScreen(DrillDown[BackfillRequest | None]):
    def __init__(
        self,
        settings: Settings,
        request: BackfillRequest,
        estimate: BackfillEstimate | None,
    ) -> None:
        super().__init__("Backfill control")
        self.settings = settings
        self.request = request
        self.estimate = estimate

    def body(self) -> Iterable[Widget]:
        r = self.request
        seasons = str(r.first) if r.first == r.last else f"{r.first}-{r.last}"
        with Horizontal(classes="field"):
            yield Label("kind")
            yield Select(
                [(kind.value, kind) for kind in Kind], value=r.kind, allow_blank=False, id="kind"
            )
        with Horizontal(classes="field"):
            yield Label("seasons (A-B)")
            yield Input(value=seasons, id="seasons")
        with Horizontal(classes="field"):
            yield Label("call cap")
            yield Input(
                value="" if r.max_calls is None else str(r.max_calls),
                placeholder="what the month has left",
                id="cap",
            )
        yield Static(
            str(self.estimate) if self.estimate else "estimating…", id="estimate", markup=False
        )
        with Horizontal(classes="buttons"):
            yield Button("Estimate", id="estimate-button")
            yield Button("Start", id="start", variant="primary")
            yield Button("Pause running", id="pause", variant="warning")
        yield text_block(
            ["enter in a field re-estimates; a started run shows its progress below the panes"],
            classes="hint",
        )

    def on_mount(self) -> None:
        self.query_one("#seasons", Input).focus()

    def form(self) -> BackfillRequest:
        kind = self.query_one("#kind", Select).value
        return parse_request(
            kind if isinstance(kind, Kind) else Kind.PLAY_STATS,
            self.query_one("#seasons", Input).value,
            self.query_one("#cap", Input).value,
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#estimate-button")
    def re_estimate(self) -> None:
        try:
            request = self.form()
        except UsageError as exc:
            self.show_estimate(EstimateReady(str(exc), problem=True))
            return
        self.query_one("#estimate", Static).update("estimating…")
        self.load_estimate(request)

    @work(thread=True, exclusive=True, group="estimate", exit_on_error=False)
    def load_estimate(self, request: BackfillRequest) -> None:
        try:
            estimate = backfill_estimate(
                self.settings,
                request.kind,
                request.first,
                request.last,
                max_calls=request.max_calls,
            )
        except CfbopsError as exc:
            self.post_message(EstimateReady(str(exc), problem=True))
            return
        self.post_message(EstimateReady(str(estimate)))

    @on(EstimateReady)
    def show_estimate(self, message: EstimateReady) -> None:
        estimate = self.query_one("#estimate", Static)
        estimate.set_class(message.problem, "problem")
        estimate.update(message.text)

    @on(Button.Pressed, "#start")
    def start(self) -> None:
        try:
            request = self.form()
        except UsageError as exc:
            self.show_estimate(EstimateReady(str(exc), problem=True))
            return
        self.dismiss(request)

    @on(Button.Pressed, "#pause")
    def pause(self) -> None:
        self.app.run_action("pause_backfill")
