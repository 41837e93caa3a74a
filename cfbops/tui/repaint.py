"""Widget updates that cost nothing when nothing changed.

`Static.update` always asks for a layout pass of the whole screen, even with the same text;
a poll every two seconds and a refresh's progress messages did that for every pane, and a
key press arriving meanwhile waited behind the layout and the repaint."""

from __future__ import annotations

from textual.widgets import Static


def set_text(widget: Static, text: str, *, layout: bool = True) -> None:
    """Show `text` unless it is already shown. `layout=False` for a widget whose size the CSS
    fixes (one line, a fraction of the width): a new text then repaints only that widget."""
    if widget.content == text:
        return
    widget.update(text, layout=layout)
