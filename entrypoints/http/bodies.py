"""JSON request bodies, decoded once and strictly against the handler's `data` type.

Litestar decodes a body to plain Python values and then converts them with msgspec's lax rules,
which take "25" for an integer and 0 for a boolean, and its decoder lets a UnicodeDecodeError out
as a 500. The OpenAPI document declares JSON types; one strict decode of the raw bytes is the
rule the document states, for every body."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, ValidationException
from litestar.serialization import default_deserializer
from litestar.types import Empty

#: Where a problem in a body is reported: the message keeps msgspec's "- at `$.path`" suffix,
#: which entrypoints.http.problems turns into the member's JSON path.
BODY = "body"


class StrictJSONRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        if self._json is Empty:
            if (decoded := self._connection_state.json) is Empty:
                decoded = _decode(self.route_handler, await self.body() or b"null")
                self._connection_state.json = decoded
            self._json = decoded
        return self._json


def _decode(route_handler: Any, body: bytes) -> Any:
    try:
        return _decoder(route_handler).decode(body)
    except UnicodeDecodeError as e:
        raise ClientException("the request body is not UTF-8: send JSON encoded as UTF-8") from e
    except msgspec.ValidationError as e:
        raise ValidationException(
            "the request body does not match its schema",
            extra=[{"message": str(e), "source": BODY}],
        ) from e
    except msgspec.DecodeError as e:  # "JSON is malformed: ...", "Input data was truncated"
        raise ClientException(f"the request body is not valid JSON: {e}") from e


@lru_cache(maxsize=512)
def _decoder(route_handler: Any) -> msgspec.json.Decoder[Any]:
    """One decoder per route, for the type its `data` parameter declares (untyped without one)."""
    data_type = route_handler.signature_model.__annotations__.get("data", Any)
    hook = partial(default_deserializer, type_decoders=route_handler.resolve_type_decoders())
    return msgspec.json.Decoder(data_type, strict=True, dec_hook=hook)
