"""The console's running actions, whatever they are: each one's progress and outcome on
the action bar and in this session's activity, its cancel switch, and the worker frame that
turns a core run into those messages (`_perform`). The actions themselves: tui.actions."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import work
from textual.worker import get_current_worker

from cfbops.config import Settings
from cfbops.db.cancel import Cancellation
from cfbops.errors import CfbopsError, OperationCancelled
from cfbops.progress import Progress, ProgressCallback
from cfbops.tui.action_bar import ActionBar
from cfbops.tui.messages import ActionFinished, ActionProgress
from cfbops.tui.reads import ConsoleReads, first_line

# How often, and how many times, a cancel is sent again while its action has not ended: a
# statement that began just after one went out is reached by the next.
CANCEL_AGAIN_S = 1.0
CANCEL_TRIES = 10
# The activity keeps this session's last lines only.
SESSION_LOG_LINES = 500


class ActionCancelled(Exception):
    """Raised from a progress callback to end an action whose worker was cancelled."""


class RunningActions(ConsoleReads):
    """What every action shares once started; the subclass decides what to start."""

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        super().__init__(settings, read_only=read_only)
        # Every action's outcome this session, oldest first.
        self.finished_actions: list[ActionFinished] = []
        # The running actions' cancel switches, by worker group.
        self.cancellations: dict[str, Cancellation] = {}
        # This session's activity: each action's steps and outcome, as the activity shows it.
        self.session_log: list[str] = []
        self._last_logged: dict[str, str] = {}

    @work(thread=True, group="cancel", exit_on_error=False)
    def cancel_worker(self, group: str, cancellation: Cancellation, statements: bool) -> None:
        """Cancel now, and again while the action has not ended (see CANCEL_AGAIN_S)."""
        for _ in range(CANCEL_TRIES):
            try:
                if statements:
                    cancellation.cancel(self.settings)
                else:
                    cancellation.stop_after_step()
            except CfbopsError as exc:
                self.post_message(ActionFinished("cancel", f"cancel: {exc}", ok=False))
                return
            time.sleep(CANCEL_AGAIN_S)
            if self.cancellations.get(group) is not cancellation:
                return

    def on_action_progress(self, message: ActionProgress) -> None:
        step = message.progress
        if step.message and self._last_logged.get(message.action) != step.message:
            self._last_logged[message.action] = step.message
            self._log(f"{message.action}: {step.message}")
        if self.screen_stack:  # empty while the App closes
            self._action_bar().show_progress(message.action, message.progress)

    def on_action_finished(self, message: ActionFinished) -> None:
        self.finished_actions.append(message)
        self._last_logged.pop(message.action, None)
        self._log(f"{message.action} {'done' if message.ok else 'FAILED'}: {message.summary}")
        if not self.screen_stack:
            return
        self._action_bar().show_outcome(message.action, message.summary)
        self.notify(
            message.summary,
            title=message.action,
            severity="information" if message.ok else "error",
            timeout=10,
        )

    def _log(self, line: str) -> None:
        self.session_log.append(f"{time.strftime('%H:%M:%S')} {line}")
        del self.session_log[:-SESSION_LOG_LINES]

    def running_groups(self) -> list[str]:
        """The working actions running now, in the order they started."""
        return [g for g in self.cancellations if self.worker_running(g)]

    def cancel(self, group: str, *, statements: bool = True) -> None:
        """Stop the running `group` (its statements cancelled in the server, or with
        `statements=False` after the step in hand)."""
        cancellation = self.cancellations.get(group)
        if cancellation is not None and not cancellation.cancelled:
            self._log(f"{group}: cancel asked")
            self.cancel_worker(group, cancellation, statements)

    def _switch(self, group: str) -> Cancellation:
        cancellation = Cancellation(f"the {group}")
        self.cancellations[group] = cancellation
        return cancellation

    def worker_running(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    def _busy(self, group: str) -> bool:
        running = self.worker_running(group)
        if running:
            self.notify(f"a {group} is already running; wait for it to finish", severity="warning")
        return running

    def _perform(
        self,
        action: str,
        run: Callable[[ProgressCallback], tuple[str, bool]],
        cancellation: Cancellation | None = None,
    ) -> None:
        worker = get_current_worker()
        cancellation = cancellation or Cancellation(f"the {action}")

        def progress(step: Progress) -> None:
            # Cancelled (the cancel key, or quitting): stop at the next step (a refresh is
            # recorded cancelled, a backfill gives its game back).
            if worker.is_cancelled:
                raise ActionCancelled(action)
            cancellation.check()
            self.post_message(ActionProgress(action, step))

        self.post_message(ActionProgress(action, Progress(action, 0, None, "starting…")))
        try:
            summary, ok = run(progress)
        except ActionCancelled:
            return
        except OperationCancelled:
            summary, ok = f"{action} cancelled", False
        except CfbopsError as exc:
            summary, ok = f"{action}: {exc}", False
        except Exception as exc:  # the console stays up whatever an action meets
            summary, ok = f"{action} failed: {first_line(exc)}", False
        if cancellation.cancelled and "cancelled" not in summary:
            summary, ok = f"{action} cancelled: {summary}", False
        self.post_message(ActionFinished(action, summary, ok))

    def _action_bar(self) -> ActionBar:
        return self.screen_stack[0].query_one(ActionBar)
