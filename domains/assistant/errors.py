from __future__ import annotations

from datetime import datetime

from domains.shared.errors import RateLimited


class QuotaExhausted(RateLimited):
    def __init__(self, limit: int, resets_at: datetime, retry_after_seconds: float) -> None:
        super().__init__(
            f"you have used today's {limit} assistant messages; the quota resets at "
            f"{resets_at.isoformat()} (midnight UTC)",
            retry_after_seconds=retry_after_seconds,
            # Both edges answer it as the problem's `resets_at` member.
            extensions={"resets_at": resets_at.isoformat()},
        )
        self.resets_at = resets_at
