"""The console's writing actions, an App on the reading side: apply migrations, refresh, run
checks, start and pause a backfill. Each runs in a thread worker that calls the same core
function as the headless command and only posts messages; the handlers here, on the event
loop, own what the screen shows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from cfbops.config import Settings
from cfbops.errors import CfbopsError
from cfbops.progress import Progress, ProgressCallback
from cfbops.tui.action_bar import ActionBar
from cfbops.tui.action_catalog import ACTIONS_BY_NAME, CONSOLE_ACTIONS
from cfbops.tui.messages import ActionFinished, ActionProgress
from cfbops.tui.palette import ConsolePalette
from cfbops.tui.reads import ConsoleReads, first_line

if TYPE_CHECKING:
    from cfbops.migrate.plan import MigrationPlan
    from cfbops.tui.screens.backfill import BackfillRequest
    from cfbops.tui.screens.confirm import ConfirmScreen


class RunResult(Protocol):
    """What every core run returns: its one-line summary, and whether it went well."""

    @property
    def ok(self) -> bool: ...

    def summary(self) -> str: ...


def _outcome(result: RunResult) -> tuple[str, bool]:
    return result.summary(), result.ok


class ActionCancelled(Exception):
    """Raised from a progress callback to end an action whose worker was cancelled."""


class ConsoleActions(ConsoleReads):
    """The writing actions, each guarded by the catalog's `writes` flag under --read-only."""

    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ConsolePalette}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(a.key, a.action, a.title, show=a.key != "enter", tooltip=a.help)
        for a in CONSOLE_ACTIONS
        if a.key
    ]

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        super().__init__(settings, read_only=read_only)
        # Every action's outcome this session, oldest first.
        self.finished_actions: list[ActionFinished] = []
        # The job this console's backfill worker runs (what `p` pauses).
        self.backfill_job: str | None = None

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
            self.check_worker()

    def action_backfill(self) -> None:
        if not self._refused("backfill"):
            self.load_backfill(self.selected("budget"))

    def action_pause_backfill(self) -> None:
        if not self._refused("pause_backfill"):
            self.pause_worker()

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
    def migrate_worker(self) -> None:
        from cfbops.migrate.apply import migrate

        self._perform(
            "migrate",
            lambda progress: _outcome(
                migrate(self.settings, sql_dir=self.settings.sql_dir, progress=progress)
            ),
            stoppable=False,  # a migration is never cut between its files by a closing App
        )

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_worker(self, selectors: Sequence[str], stale_only: bool) -> None:
        from cfbops.marts.runner import refresh_marts

        self._perform(
            "refresh",
            lambda progress: _outcome(
                refresh_marts(self.settings, selectors, stale_only=stale_only, progress=progress)
            ),
        )

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_worker(self) -> None:
        from cfbops.quality.session import check_database

        settings = dataclasses.replace(self.settings, read_only=self.read_only)
        self._perform(
            "check",
            lambda progress: _outcome(check_database(settings, progress=progress)),
        )

    @work(thread=True, exclusive=True, group="backfill", exit_on_error=False)
    def backfill_worker(self, request: BackfillRequest) -> None:
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
        )

    @work(thread=True, exclusive=True, group="pause", exit_on_error=False)
    def pause_worker(self) -> None:
        from cfbops.backfill.control import pause_backfill, pause_summary

        running = self._console_backfill()
        jobs = [running] if running else None

        def pause(_: ProgressCallback) -> tuple[str, bool]:
            return pause_summary(pause_backfill(self.settings, jobs)), True

        self._perform("pause", pause)

    # -- handlers: on the event loop ------------------------------------------------------

    def on_action_progress(self, message: ActionProgress) -> None:
        if self.screen_stack:  # empty while the App closes
            self._action_bar().show_progress(message.action, message.progress)

    def on_action_finished(self, message: ActionFinished) -> None:
        self.finished_actions.append(message)
        if not self.screen_stack:
            return
        self._action_bar().show_outcome(message.action, message.summary)
        self.notify(
            message.summary,
            title=message.action,
            severity="information" if message.ok else "error",
            timeout=10,
        )

    # -- helpers -----------------------------------------------------------------------------

    def _refused(self, action: str) -> bool:
        """The catalog's `writes` flag decides: a writing action is refused under read-only."""
        entry = ACTIONS_BY_NAME[action]
        if not entry.writes or not self.read_only:
            return False
        self.notify(
            f"read-only: {entry.help.split(' (')[0].lower()} would write to the database, "
            "so nothing was run "
            "(start cfbops without --read-only to do it)",
            title="refused",
            severity="warning",
        )
        return True

    def worker_running(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    def _busy(self, group: str) -> bool:
        running = self.worker_running(group)
        if running:
            self.notify(f"a {group} is already running; wait for it to finish", severity="warning")
        return running

    def _start_refresh(self, action: str, selectors: Sequence[str], *, stale_only: bool) -> None:
        if not self._refused(action) and not self._busy("refresh"):
            self.refresh_worker(tuple(selectors), stale_only)

    def _confirmation(self, plan: MigrationPlan) -> ConfirmScreen:
        from cfbops.tui.screens.confirm import ConfirmScreen
        from cfbops.tui.screens.migration_plan import summary_line

        files = [f"  {f.file.display_path}" for f in plan.files]
        return ConfirmScreen(
            f"Apply {len(plan.files)} pending migration file(s)?",
            [summary_line(plan), *files],
        )

    def _confirmed(self, yes: bool | None) -> None:
        if yes and not self._refused("apply_migrations") and not self._busy("migrate"):
            self.migrate_worker()

    def _start_backfill(self, request: BackfillRequest | None) -> None:
        from cfbops.backfill.control import job_name

        if request is None or self._refused("backfill") or self._busy("backfill"):
            return
        self.backfill_job = job_name(request.kind, request.first, request.last)
        self.backfill_worker(request)

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

    def _perform(
        self,
        action: str,
        run: Callable[[ProgressCallback], tuple[str, bool]],
        *,
        stoppable: bool = True,
    ) -> None:
        worker = get_current_worker()

        def progress(step: Progress) -> None:
            # The App is closing: stop at the next step (a refresh records the run as
            # interrupted, a backfill gives its game back) rather than keep the process alive.
            if stoppable and worker.is_cancelled:
                raise ActionCancelled(action)
            self.post_message(ActionProgress(action, step))

        self.post_message(ActionProgress(action, Progress(action, 0, None, "starting…")))
        try:
            summary, ok = run(progress)
        except ActionCancelled:
            return
        except CfbopsError as exc:
            summary, ok = f"{action}: {exc}", False
        except Exception as exc:  # the console stays up whatever an action meets
            summary, ok = f"{action} failed: {first_line(exc)}", False
        self.post_message(ActionFinished(action, summary, ok))

    def _action_bar(self) -> ActionBar:
        return self.screen_stack[0].query_one(ActionBar)
