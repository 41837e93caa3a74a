"""The panes' table: a DataTable that keeps what it drew for focused and blurred alike.

A focused DataTable is tinted and shows its cursor in the accent colour, so moving between
two panes restyles both tables, and DataTable then throws away every rendered cell and
draws them all again: most of what a pane switch cost (tens of milliseconds, and more
while a refresh keeps the CPUs busy). Its caches are keyed by the focus and hover state
already (`_pseudo_class_state`), so what was drawn for one state stays right for that
state; only a change of what the styles are made from (the theme, ANSI colours, the table's
classes) has to empty them."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable


class ReadingTable(DataTable[str]):
    """A table read the way k9s and less are: j/k move, g/G jump to the first and last row,
    the first column stays put when scrolling sideways."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first_row", "First", show=False),
        Binding("G", "last_row", "Last", show=False),
    ]

    def __init__(self, *, zebra_stripes: bool = False) -> None:
        super().__init__(cursor_type="row", zebra_stripes=zebra_stripes, fixed_columns=1)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)


class PaneTable(ReadingTable):
    def __init__(self) -> None:
        super().__init__()
        self._drawn_with: tuple[object, ...] | None = None
        self._drawn_update = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        # What was drawn before the rows last changed can never be drawn again (the update
        # count is in every key): let it go now rather than when the caches fill up, which
        # kept thousands of dead cells for the garbage collector to walk on every pass.
        if self._update_count != self._drawn_update:
            self._drawn_update = self._update_count
            for cache in (
                self._row_render_cache,
                self._cell_render_cache,
                self._row_renderable_cache,
                self._line_cache,
            ):
                cache.clear()
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        # Textual restyles the table twice a focus change (the pane's focus-within first,
        # then the table's own focus), the state in the cache keys changing only at the second.
        drawn_with = (self.app.theme, self.app.ansi_color, frozenset(self.classes))
        if drawn_with != self._drawn_with:
            self._drawn_with = drawn_with
            super().notify_style_update()
            return
        # DataTable empties these in place: hand it fresh ones, then put the drawn back.
        # The cell styles it looks up without the focus state in the key are still redone.
        kept = (
            self._row_render_cache,
            self._cell_render_cache,
            self._row_renderable_cache,
            self._line_cache,
        )
        self._row_render_cache = LRUCache(1)
        self._cell_render_cache = LRUCache(1)
        self._row_renderable_cache = LRUCache(1)
        self._line_cache = LRUCache(1)
        super().notify_style_update()
        (
            self._row_render_cache,
            self._cell_render_cache,
            self._row_renderable_cache,
            self._line_cache,
        ) = kept
