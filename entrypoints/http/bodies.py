"""JSON request bodies, decoded once and strictly against the handler's `data` type.

Litestar decodes a body to plain Python values and then converts them with msgspec's lax rules,
which take "25" for an integer and 0 for a boolean, and its decoder lets a UnicodeDecodeError out
as a 500. The OpenAPI document declares JSON types; one strict decode of the raw bytes is the
rule the document states, for every body: entrypoints.edge.decode_body, which the Lambda
handlers decode with too, and whose InvalidBody entrypoints.http.problems answers."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import msgspec
from litestar import Request
from litestar.serialization import default_deserializer
from litestar.types import Empty

from entrypoints.edge import decode_body


class StrictJSONRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is Empty:
            if (decoded := self._connection_state.json) is Empty:
                body = await self.body() or b"null"
                decoded = decode_body(_decoder(self.route_handler), body)
                self._connection_state.json = decoded
            self._json = decoded
        return self._json


@lru_cache(maxsize=512)
def _decoder(route_handler: Any) -> msgspec.json.Decoder[Any]:
    """One decoder per route, for the type its `data` parameter declares (untyped without one)."""
    data_type = route_handler.signature_model.__annotations__.get("data", Any)
    hook = partial(default_deserializer, type_decoders=route_handler.resolve_type_decoders())
    return msgspec.json.Decoder(data_type, strict=True, dec_hook=hook)
