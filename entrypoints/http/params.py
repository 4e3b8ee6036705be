"""How days and months are written in paths and queries, one pattern each for every route.

The patterns admit only real month numbers and day numbers up to 31 (years 1000-9999), so a
client generated from the document sends what the server can read. A day is also a
`format: date` in the document, as every `date` query parameter and body member is: a day
that is not on the calendar (`2026-02-30`) is outside the schema, the same 400 naming the
parameter on every route (docs/api.md, Errors), never a 422 on one route and a 400 on its
neighbour."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar.exceptions import ValidationException
from litestar.openapi.spec import Example
from litestar.params import PathParameter

DAY_PATTERN = r"^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
MONTH_PATTERN = r"^([1-9][0-9]{3})-(0[1-9]|1[0-2])$"

# A local day in a path: the string the pattern admits, which the handler reads with
# `local_day`; the document states both the pattern and `format: date`.
DayInPath = Annotated[
    str,
    PathParameter(
        pattern=DAY_PATTERN,
        format="date",
        description="a local day, YYYY-MM-DD",
        examples=[Example(value="2026-01-05")],
    ),
]


def local_day(raw: str, name: str = "day") -> date:
    """The day of a `DayInPath` parameter called `name`. One that is not on the calendar is
    refused by the decoder every `date` query parameter and body member goes through, with its
    message, as a 400 naming the parameter."""
    try:
        return msgspec.convert(raw, date)
    except msgspec.ValidationError as e:
        raise ValidationException(
            str(e),
            extra=[{"key": name, "message": str(e), "source": "path"}],
        ) from None
