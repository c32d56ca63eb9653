"""A sequence computed item by item, so that a loop over m data sets holds one of them at a time.

It keeps the last item it computed: loops that zip two sequences mapped from one (a data set's
design matrix and its outcome) build each data set once per pass.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class LazySequence(Sequence[Result]):
    """function(items[i]) for each item, computed whenever asked for (never stored)."""

    def __init__(self, items: Sequence[Item], function: Callable[[Item], Result]) -> None:
        """The items and the function applied to each on access."""
        self.items = items
        self.function = function
        self.last: tuple[int, Result] | None = None

    def __len__(self) -> int:
        """The number of items."""
        return len(self.items)

    def __getitem__(self, index: int) -> Result:  # type: ignore[override]
        """The function of item index (an IndexError past the end ends iteration)."""
        position = range(len(self.items))[index]  # an IndexError past either end
        if self.last is None or self.last[0] != position:
            self.last = (position, self.function(self.items[position]))
        return self.last[1]
