"""The console's writing actions, an App on the reading side: apply migrations, refresh, run
checks, start and pause a backfill. Each runs in a thread worker that calls the same core
function as the headless command and only posts messages; the handlers on the event loop
(tui.running, with each running action's cancel switch) own what the screen shows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from cfbops.config import Settings
from cfbops.db.cancel import Cancellation
from cfbops.progress import ProgressCallback
from cfbops.tui.action_catalog import ACTIONS_BY_NAME, CONSOLE_ACTIONS, WRITING_ACTIONS
from cfbops.tui.messages import ActionFinished
from cfbops.tui.palette import ConsolePalette
from cfbops.tui.running import RunningActions

if TYPE_CHECKING:
    from cfbops.migrate.plan import MigrationPlan
    from cfbops.tui.screens.backfill import BackfillRequest
    from cfbops.tui.screens.confirm import ConfirmScreen, TypedConfirmScreen


class RunResult(Protocol):
    """What every core run returns: its one-line summary, and whether it went well."""

    @property
    def ok(self) -> bool: ...

    def summary(self) -> str: ...


def _outcome(result: RunResult) -> tuple[str, bool]:
    return result.summary(), result.ok


_CANCEL_SAYS = {
    "refresh": "The marts in hand are cancelled in the server; the run is recorded cancelled.",
    "migrate": "The statement in hand is cancelled; its file rolls back (recorded failed).",
    "check": "The check in hand is cancelled; the run is not stored.",
    "backfill": "The runner stops claiming games; the games in hand go back to the queue.",
}


class ConsoleActions(RunningActions):
    """The writing actions, each guarded by the catalog's `writes` flag under --read-only."""

    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ConsolePalette}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(a.key, a.action, a.title, show=a.show, tooltip=a.help)
        for a in CONSOLE_ACTIONS
        if a.key
    ]

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        super().__init__(settings, read_only=read_only)
        # The job this console's backfill worker runs (what `p` pauses).
        self.backfill_job: str | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Under --read-only the writing keys are shown dimmed and do nothing.
        if self.read_only and action in WRITING_ACTIONS:
            return None
        return True

    # -- the writing actions -------------------------------------------------------------

    def action_apply_migrations(self) -> None:
        if not self._refused("apply_migrations") and not self._busy("migrate"):
            self.load_plan_to_apply()

    def action_refresh_stale(self) -> None:
        self._start_refresh("refresh_stale", (), stale_only=True)

    def action_refresh_all(self) -> None:
        self._start_refresh("refresh_all", (), stale_only=False)

    def action_refresh_selected(self) -> None:
        from cfbops.tui.screens.selector import SelectorPrompt

        if self._refused("refresh_selected") or self._busy("refresh"):
            return
        initial = self.selected("marts") or ""

        def chosen(selectors: tuple[str, ...] | None) -> None:
            if selectors:
                self._start_refresh("refresh_selected", selectors, stale_only=False)

        self.push_screen(SelectorPrompt(initial), chosen)

    def action_run_checks(self) -> None:
        # Under --read-only the checks still run, on a read-only session, and store nothing,
        # as `check --read-only` does.
        if not self._busy("check"):
            self.check_worker(self._switch("check"))

    def action_backfill(self) -> None:
        if not self._refused("backfill"):
            self.load_backfill(self.selected("budget"))

    def action_pause_backfill(self) -> None:
        if not self._refused("pause_backfill"):
            self.pause_worker()

    def action_cancel_action(self) -> None:
        from cfbops.tui.screens.confirm import ConfirmScreen

        running = self.running_groups()
        if not running:
            self.notify("nothing is running", severity="warning")
            return
        group = running[-1]
        bar = self._action_bar().running_line(group)

        def answer(yes: bool | None) -> None:
            if yes:
                self.cancel(group)

        self.push_screen(
            ConfirmScreen(
                f"Cancel the running {group}?",
                [bar, "", _CANCEL_SAYS.get(group, "")],
            ),
            answer,
        )

    def action_activity(self) -> None:
        self.load_activity()

    # -- acting where you read ---------------------------------------------------------------

    def finding_answered(self, check: str, answer: str | None) -> None:
        """The finding's screen closed with "mute" or "unmute" (or nothing)."""
        from cfbops.tui.screens.mute import MuteForm

        if answer is None or self._refused("mute_finding"):
            return
        if answer == "unmute":
            self.mute_worker(check, None)
            return

        def muted(given: tuple[date, str] | None) -> None:
            if given is not None:
                self.mute_worker(check, given)

        self.push_screen(MuteForm(check), muted)

    def mart_answered(self, selectors: tuple[str, ...] | None) -> None:
        """The mart's screen closed asking for a refresh of it (and its descendants)."""
        if selectors:
            self._start_refresh("refresh_selected", selectors, stale_only=False)

    def action_copy_selected(self) -> None:
        pane = self.focused_pane_id()
        key = self.selected(pane) if pane else None
        if key is None:
            self.notify("pick a pane (1-4) and a row first, then y", severity="warning")
            return
        self.copy_to_clipboard(key)
        self.notify(f"copied {key}")

    # -- workers: they call the core and post messages, nothing else ---------------------

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_plan_to_apply(self) -> None:
        from cfbops.migrate.plan import migration_plan

        plan = self.read(
            "the migration plan", lambda: migration_plan(self.settings, self.settings.sql_dir)
        )
        if plan is None:
            return
        if plan.drifted:
            versions = ", ".join(f"V{f.version}" for f in plan.drifted)
            self.post_message(
                ActionFinished(
                    "migrate",
                    f"migrate refuses: applied files were edited since they ran ({versions}); "
                    "restore them, or accept one with migrate --accept-drift VERSION",
                    ok=False,
                )
            )
        elif not plan.files:
            self.post_message(
                ActionFinished("migrate", "Nothing to migrate: the database is up to date.")
            )
        else:
            self.show(lambda: self._confirmation(plan), self._confirmed)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_backfill(self, job: str | None = None) -> None:
        from cfbops.backfill.control import backfill_estimate
        from cfbops.tui.screens.backfill import BackfillScreen

        request = self.request_for(job)
        if request is None:
            return
        estimate = self.read(
            "the backfill estimate",
            lambda: backfill_estimate(
                self.settings,
                request.kind,
                request.first,
                request.last,
                max_calls=request.max_calls,
            ),
        )
        self.show(lambda: BackfillScreen(self.settings, request, estimate), self._start_backfill)

    @work(thread=True, exclusive=True, group="migrate", exit_on_error=False)
    def migrate_worker(self, cancellation: Cancellation) -> None:
        from cfbops.migrate.apply import migrate

        self._perform(
            "migrate",
            lambda progress: _outcome(
                migrate(
                    self.settings,
                    sql_dir=self.settings.sql_dir,
                    progress=progress,
                    cancellation=cancellation,
                )
            ),
            cancellation,
        )

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_worker(
        self, selectors: Sequence[str], stale_only: bool, cancellation: Cancellation
    ) -> None:
        from cfbops.marts.runner import refresh_marts

        self._perform(
            "refresh",
            lambda progress: _outcome(
                refresh_marts(
                    self.settings,
                    selectors,
                    stale_only=stale_only,
                    progress=progress,
                    cancellation=cancellation,
                )
            ),
            cancellation,
        )

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_worker(self, cancellation: Cancellation) -> None:
        from cfbops.quality.session import check_database

        settings = dataclasses.replace(self.settings, read_only=self.read_only)
        self._perform(
            "check",
            lambda progress: _outcome(check_database(settings, progress=progress)),
            cancellation,
        )

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_activity(self) -> None:
        from cfbops.activity import recent_activity
        from cfbops.tui.screens.activity import ActivityScreen

        history = self.read("the activity history", lambda: recent_activity(self.settings))
        session = list(self.session_log)
        self.show(lambda: ActivityScreen(session, history))

    @work(thread=True, exclusive=True, group="mute", exit_on_error=False)
    def mute_worker(self, check: str, given: tuple[date, str] | None) -> None:
        from cfbops.quality.mutes import mute_check, unmute_check

        def mute(_: ProgressCallback) -> tuple[str, bool]:
            if given is None:
                lifted = unmute_check(self.settings, check)
                if lifted is None:
                    return f"{check} was not muted", True
                return f"unmuted {check} (was muted until {lifted.until:%Y-%m-%d})", True
            done = mute_check(self.settings, check, *given)
            return f"muted {check} until {done.until:%Y-%m-%d}: {done.reason}", True

        self._perform("mute", mute)
        self.call_from_thread(self.load_finding, check)

    @work(thread=True, exclusive=True, group="lock", exit_on_error=False)
    def lock_check_worker(self, what: str, start: Callable[[], None]) -> None:
        """Start `what` at once when the operations lock is free; else say who holds it and
        ask (the run would wait for it, then give up)."""
        from cfbops.db.locks import DEFAULT_WAIT_S, operations_lock_holder
        from cfbops.tui.screens.confirm import ConfirmScreen

        holder = self.read("the operations lock", lambda: operations_lock_holder(self.settings))
        if holder is None:
            self.call_from_thread(start)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                start()

        lines = [
            f"held by {holder.describe()}",
            f"the {what} waits up to {DEFAULT_WAIT_S:.0f} s for it, then gives up",
        ]
        question = f"Another run holds the operations lock: start the {what} anyway?"
        # Built on the event loop (in `show`), never in this worker.
        self.show(lambda: ConfirmScreen(question, lines), answer)

    @work(thread=True, exclusive=True, group="backfill", exit_on_error=False)
    def backfill_worker(self, request: BackfillRequest, cancellation: Cancellation) -> None:
        from cfbops.backfill.runner import DEFAULT_CONCURRENCY, run_backfill

        self._perform(
            "backfill",
            lambda progress: _outcome(
                run_backfill(
                    self.settings,
                    request.kind,
                    request.first,
                    request.last,
                    max_calls=request.max_calls,
                    concurrency=DEFAULT_CONCURRENCY,
                    progress=progress,
                )
            ),
            cancellation,
        )

    @work(thread=True, exclusive=True, group="pause", exit_on_error=False)
    def pause_worker(self) -> None:
        from cfbops.backfill.control import pause_backfill, pause_summary

        running = self._console_backfill()
        jobs = [running] if running else None

        def pause(_: ProgressCallback) -> tuple[str, bool]:
            return pause_summary(pause_backfill(self.settings, jobs)), True

        self._perform("pause", pause)

    # -- helpers -----------------------------------------------------------------------------

    def _refused(self, action: str) -> bool:
        """The catalog's `writes` flag decides: a writing action is refused under read-only
        (actions of a drill-down, not in the catalog, all write)."""
        entry = ACTIONS_BY_NAME.get(action)
        if (entry is not None and not entry.writes) or not self.read_only:
            return False
        what = entry.help.split(" (")[0].lower() if entry else action.replace("_", " ")
        self.notify(
            f"read-only: {what} would write to the database, so nothing was run "
            "(start cfbops without --read-only to do it)",
            title="refused",
            severity="warning",
        )
        return True

    def _start_refresh(self, action: str, selectors: Sequence[str], *, stale_only: bool) -> None:
        if self._refused(action) or self._busy("refresh"):
            return

        def start() -> None:
            if not self._busy("refresh"):
                self.refresh_worker(tuple(selectors), stale_only, self._switch("refresh"))

        self.lock_check_worker("refresh", start)

    def _confirmation(self, plan: MigrationPlan) -> ConfirmScreen | TypedConfirmScreen:
        """y for a clean plan; a plan with lint errors asks for the version to be typed."""
        from cfbops.tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
        from cfbops.tui.screens.migration_plan import summary_line

        files = [f"  {f.file.display_path}" for f in plan.files]
        question = f"Apply {len(plan.files)} pending migration file(s)?"
        erring = [f for f in plan.files if any(v.severity.value == "error" for v in f.lint)]
        if not erring:
            return ConfirmScreen(question, [summary_line(plan), *files])
        first = erring[0].file
        expected = f"V{first.version}" if first.version else first.name
        warning = (
            f"{len(erring)} file(s) have lint errors (first: {first.display_path}):"
            " applying may lock tables or fail part-way; see the plan (enter on the file)"
        )
        return TypedConfirmScreen(question, [summary_line(plan), warning, *files], expected)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes or self._refused("apply_migrations") or self._busy("migrate"):
            return

        def start() -> None:
            if not self._busy("migrate"):
                self.migrate_worker(self._switch("migrate"))

        self.lock_check_worker("migration", start)

    def _start_backfill(self, request: BackfillRequest | None) -> None:
        from cfbops.backfill.control import job_name

        if request is None or self._refused("backfill") or self._busy("backfill"):
            return
        self.backfill_job = job_name(request.kind, request.first, request.last)
        self.backfill_worker(request, self._switch("backfill"))

    def request_for(self, job: str | None) -> BackfillRequest | None:
        """The backfill form's first values: the selected job's, or the seasons still to load."""
        from cfbops.backfill.control import suggested_seasons
        from cfbops.backfill.queue import Kind
        from cfbops.tui.screens.backfill import BackfillRequest

        if job:
            kind, _, seasons = job.partition(" ")
            first, _, last = seasons.partition("-")
            if kind in {k.value for k in Kind} and first.isdigit():
                return BackfillRequest(Kind(kind), int(first), int(last or first), None)
        seasons = self.read("the seasons to load", lambda: suggested_seasons(self.settings))
        if seasons is None:
            self.post_message(
                ActionFinished(
                    "backfill", "nothing to backfill: no completed game lacks play stats"
                )
            )
            return None
        return BackfillRequest(Kind.PLAY_STATS, seasons[0], seasons[1], None)

    def _console_backfill(self) -> str | None:
        """The job this console's backfill worker runs, while it runs."""
        return self.backfill_job if self.worker_running("backfill") else None
