"""One widget a pane, each given its section of the console snapshot."""

from cfbops.tui.panes.budget import BudgetPane
from cfbops.tui.panes.marts import MartsPane
from cfbops.tui.panes.migrations import MigrationsPane
from cfbops.tui.panes.quality import QualityPane

__all__ = ["BudgetPane", "MartsPane", "MigrationsPane", "QualityPane"]
