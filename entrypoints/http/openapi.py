"""OpenAPI helpers: every route documents each status code it can answer with."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from entrypoints.http.problems import PROBLEM_JSON


class ProblemDetails(dict[str, object]):
    """RFC 9457 problem details: type, title, status, detail, instance, errors[field, message]."""


_DESCRIPTIONS = {
    400: "Malformed request (bad JSON, wrong types); `errors` names the fields",
    401: "Not signed in, or the token is invalid, expired or revoked",
    403: "Missing or invalid CSRF token, or not allowed",
    404: "No such resource for this user",
    409: "Conflicts with existing data",
    413: "Request body too large",
    422: "Well-formed but invalid values; `errors` names the fields",
    429: "Rate limit exceeded; see Retry-After",
    503: "A dependency is unavailable",
}

#: Codes any API route can answer with, added to every route by the app factory.
COMMON = (400, 413, 429)


def responses(*codes: int) -> dict[int, ResponseSpec]:
    return {
        code: ResponseSpec(
            data_container=ProblemDetails,
            description=_DESCRIPTIONS[code],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for code in sorted({*codes, *COMMON})
    }
