"""User-facing input errors: what is wrong, where, and what to do about it."""

from collections.abc import Iterable

MAX_LISTED_IDS = 5


class InputError(Exception):
    """A problem with the user's data or configuration, reported without a traceback."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        column: str | None = None,
        ids: Iterable[object] = (),
        fix: str,
    ) -> None:
        self.problem = problem
        self.file = file
        self.column = column
        self.ids = [str(i) for i in ids]
        self.fix = fix
        super().__init__(self.message())

    def message(self) -> str:
        """Render the error as the text the user sees."""
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.column:
            where.append(f"column '{self.column}'")
        lines = [f"interplay input error: {self.problem}"]
        if where:
            lines.append("  where: " + ", ".join(where))
        if self.ids:
            shown = ", ".join(self.ids[:MAX_LISTED_IDS])
            more = len(self.ids) - MAX_LISTED_IDS
            suffix = f" (and {more} more)" if more > 0 else ""
            lines.append(f"  patient_id: {shown}{suffix}")
        lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


def require_columns(
    available: Iterable[str], required: Iterable[str], *, table: str, fix: str
) -> None:
    """Raise an InputError naming every required column that is not among the available ones."""
    present = set(available)
    missing = [column for column in required if column not in present]
    if missing:
        raise InputError(
            f"the {table} table lacks column(s) {', '.join(missing)}",
            file=table,
            column=missing[0],
            fix=fix,
        )
