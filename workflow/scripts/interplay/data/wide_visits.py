"""Visits exported wide (one row per patient, one HAMD column per week) turned into long rows.

config data.visits_format: wide with data.wide_visits.columns, a header pattern in which {week}
stands for the week number (e.g. hamd_w{week} matches hamd_w0, hamd_w3, ..., hamd_w12). An empty
cell is a visit the patient did not attend: it gives no visit row. The file's other columns (the
patient ID, and e.g. baseline data when the visits are in the baseline file) are kept as they are.
"""

import re

import pandas as pd

from interplay.errors import InputError

WEEK_PLACEHOLDER = "{week}"


def week_header_pattern(columns: str) -> re.Pattern:
    """The regular expression of a header pattern with one {week}, the week as its group."""
    if columns.count(WEEK_PLACEHOLDER) != 1:
        raise InputError(
            f"configuration data.wide_visits.columns '{columns}' must contain {WEEK_PLACEHOLDER} "
            "exactly once, where the week number stands in your headers",
            fix="write the pattern of your HAMD headers, e.g. "
            'data.wide_visits: {columns: "hamd_w{week}"} for hamd_w0, hamd_w3, ...',
        )
    before, after = columns.split(WEEK_PLACEHOLDER)
    return re.compile(re.escape(before) + r"(\d+)" + re.escape(after))


def matching_week_headers(headers: list[str], columns: str) -> dict[str, str]:
    """{header: week} for every header that matches the pattern."""
    pattern = week_header_pattern(columns)
    return {
        header: str(int(match.group(1)))
        for header in headers
        if (match := pattern.fullmatch(header))
    }


def week_columns(headers: list[str], columns: str, file: str) -> dict[str, str]:
    """{header: week} for every header that matches the pattern; there are some, all distinct."""
    weeks = matching_week_headers(headers, columns)
    if not weeks:
        raise InputError(
            f"no column matches config data.wide_visits.columns '{columns}'; the file's headers "
            f"are: {', '.join(headers)}",
            file=file,
            fix="write the pattern of your HAMD headers with {week} where the week number "
            'stands, e.g. data.wide_visits: {columns: "HAMD_{week}"} for HAMD_0, HAMD_3, ...; or '
            "set data.visits_format: long if the file has one row per visit",
        )
    repeated = pd.Series(weeks)[pd.Series(weeks).duplicated(keep=False)]
    if not repeated.empty:
        raise InputError(
            f"several columns give the same week: {', '.join(repeated.index)}",
            file=file,
            fix="keep one column per week (delete or rename the others)",
        )
    return weeks


def wide_to_long(
    table: pd.DataFrame, columns: str, week_header: str, hamd_header: str, file: str
) -> pd.DataFrame:
    """One row per patient and attended week, indexed by file line, from one column per week."""
    headers = [str(header) for header in table.columns]
    weeks = week_columns(headers, columns, file)
    taken = [header for header in (week_header, hamd_header) if header in headers]
    if taken:
        raise InputError(
            f"the file already has a column '{taken[0]}', which wide visits create from the "
            f"columns {', '.join(weeks)}",
            file=file,
            fix=f"rename or delete the column '{taken[0]}' in the file",
        )
    others = [header for header in headers if header not in weeks]
    long = table.melt(
        id_vars=others,
        value_vars=list(weeks),
        var_name=week_header,
        value_name=hamd_header,
        ignore_index=False,
    )
    long[week_header] = long[week_header].map(weeks)
    return long[long[hamd_header].notna()]
