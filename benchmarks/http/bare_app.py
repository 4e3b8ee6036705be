"""The baseline: a bare Litestar JSON endpoint, served the same way as the API."""

from __future__ import annotations

from litestar import Litestar, get


@get("/json")
async def json_endpoint() -> dict[str, str]:
    return {"message": "Hello, World!"}


def create_app() -> Litestar:
    return Litestar([json_endpoint], logging_config=None)
