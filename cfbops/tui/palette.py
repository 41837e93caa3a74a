"""The command palette's provider: every console action, by name, with its key."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cfbops.tui.action_catalog import CONSOLE_ACTIONS, ConsoleAction


def _label(action: ConsoleAction) -> str:
    key = f" ({action.key})" if action.key else ""
    return f"{action.help}{key}"


class ConsolePalette(Provider):
    def _runner(self, action: ConsoleAction) -> Callable[[], object]:
        # The action's method itself, not run_action: under --read-only a writing action's
        # binding is disabled, and from the palette it must say why it refuses.
        return getattr(self.app, f"action_{action.action}")

    async def discover(self) -> Hits:
        for action in CONSOLE_ACTIONS:
            yield DiscoveryHit(
                _label(action),
                self._runner(action),
                help="writes: refused under --read-only" if action.writes else None,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in CONSOLE_ACTIONS:
            label = _label(action)
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    self._runner(action),
                    help="writes: refused under --read-only" if action.writes else None,
                )
