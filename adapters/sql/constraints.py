"""Which unique constraint a write broke, read from what each driver reports about it rather
than from the wording of its message: asyncpg names the constraint (matched against the
table's own, named by the metadata's convention), SQLite's extended error code says the
violation is a uniqueness one and lists its columns as `table.column`."""

from __future__ import annotations

from sqlalchemy import Table, UniqueConstraint, exc

_SQLITE_UNIQUE = "SQLITE_CONSTRAINT_UNIQUE"
_SQLITE_LISTING = "UNIQUE constraint failed: "


def unique_columns(error: exc.IntegrityError, table: Table) -> frozenset[str] | None:
    """The columns of `table`'s unique constraint (or unique column) that `error` broke; None
    when it broke something else (a foreign key, a check, another table's constraint)."""
    reported = error.orig
    name = getattr(reported.__cause__, "constraint_name", None) if reported else None
    if name is not None:  # PostgreSQL through asyncpg
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.name == name:
                return frozenset(column.name for column in constraint.columns)
        return None
    if getattr(reported, "sqlite_errorname", None) == _SQLITE_UNIQUE:
        listed = str(reported).partition(_SQLITE_LISTING)[2]
        qualified = [part.strip().split(".") for part in listed.split(",")]
        if all(len(part) == 2 and part[0] == table.name for part in qualified):
            return frozenset(column for _, column in qualified)
    return None
