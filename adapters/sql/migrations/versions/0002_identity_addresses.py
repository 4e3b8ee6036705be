"""identity: stored addresses in the canonical form of normalise_email

Revision ID: 0002_identity_addresses
Revises: 0001_identity
Create Date: 2026-12-03

Addresses used to be stored stripped and lower-cased only. normalise_email now also folds
compatibility forms (NFKC), drops the domain's trailing dot and IDNA-encodes the domain: an
account stored in an older form would no longer be found by the address its owner types. Each
such row is rewritten to the canonical form, unless another account already holds that form (a
look-alike duplicate) or the address is now refused (control or format characters, mixed
scripts): those rows are left as they were and counted in the log by id, never by address.
Pure-ASCII addresses without a trailing dot are unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domains.identity.model import normalise_email
from domains.shared.errors import InvalidInput

revision: str = "0002_identity_addresses"
down_revision: str | Sequence[str] | None = "0001_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
users = sa.table("users", sa.column("id", sa.String), sa.column("email", sa.String))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.email)).all()
    taken = {email for _, email in rows}
    left: list[str] = []
    for user_id, email in rows:
        try:
            canonical = normalise_email(email)
        except InvalidInput:
            left.append(user_id)
            continue
        if canonical == email:
            continue
        if canonical in taken:
            left.append(user_id)
            continue
        bind.execute(sa.update(users).where(users.c.id == user_id).values(email=canonical))
        taken.add(canonical)
    if left:
        log.warning(
            "accounts whose address has no canonical form of its own (ids): %s", ", ".join(left)
        )


def downgrade() -> None:
    """Nothing to undo: the older code finds canonical addresses too."""
