"""The footer that teaches the key bindings, rebuilt only when the keys it shows change.

Textual's Footer recomposes (removes and mounts a widget a key) whenever the screen's
bindings are updated, which happens on every focus change, although moving between the
panes changes none of the keys shown. On the dashboard that rebuild was most of what a
key press cost, and each rebuild kept the old keys alive (the footer's data binding of
`compact` holds every key it ever bound), so the objects the garbage collector walks grew
with every press and its full collections became pauses of 150–250 ms."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

# What a footer key shows: key, description, action, enabled, tooltip, group.
ShownKey = tuple[str, str, str, bool, str, object]


class ConsoleFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[ShownKey, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = shown_keys(screen)
        if shown == self._shown and self._bindings_ready:
            return
        super().bindings_changed(screen)
        # Remembered only once the rebuild is under way: Footer skips it while the app is
        # unfocused or the screen is not this footer's, and must do it when that changes.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown


def shown_keys(screen: Screen) -> tuple[ShownKey, ...]:
    """Everything of the screen's active bindings that the footer renders (the command
    palette's key is shown whatever its `show` says)."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (
            binding.key,
            binding.description,
            binding.action,
            enabled,
            tooltip,
            binding.group,
        )
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == palette
    )
