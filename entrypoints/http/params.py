"""How days and months are written in paths and queries, one pattern each for every route.

The patterns admit only real month numbers and day numbers up to 31 (years 1000-9999), so a
client generated from the document sends what the server can read; an impossible date that
still matches (`2026-02-30`) is the 422 the routes document."""

from __future__ import annotations

DAY_PATTERN = r"^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
MONTH_PATTERN = r"^([1-9][0-9]{3})-(0[1-9]|1[0-2])$"
