"""What other services need to trust the API's access tokens: the public keys that verify them
(a JWKS, public and cacheable) and a live answer to "is this token's session still signed in?"
(what the functions ask before serving a user, since a signature alone outlives a sign-out)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from msgspec import Struct

from entrypoints.http.gate import SIGNED_IN_ONLY, principal_or_401
from entrypoints.http.openapi import responses

JWKS_PATH = "/.well-known/jwks.json"
#: Long enough to spare the keys' readers, short against a rotation (the retired key is kept
#: published for a token lifetime, far longer than this).
JWKS_MAX_AGE_SECONDS = 300


class JsonWebKey(Struct, omit_defaults=True):
    """A public key (RFC 7517): no private member is ever published."""

    kty: str
    kid: str
    alg: str
    use: str
    crv: str
    x: str
    y: str | None = None


class JsonWebKeySet(Struct):
    keys: list[JsonWebKey]


class SessionCheck(Struct):
    """The signed-in session an access token belongs to."""

    user_id: str
    session_id: str


class JwksController(Controller):
    tags = ["auth"]

    @get(JWKS_PATH, operation_id="getJwks", media_type="application/jwk-set+json")
    async def jwks(
        self, access_token_jwks: NamedDependency[JsonWebKeySet]
    ) -> Response[JsonWebKeySet]:
        """The public keys that verify the API's access tokens (Ed25519 or P-256, picked by the
        token's `kid`): what a service needs to check a token without holding any secret."""
        return Response(
            access_token_jwks,
            headers={"cache-control": f"public, max-age={JWKS_MAX_AGE_SECONDS}"},
        )


class SessionCheckController(Controller):
    path = "/auth"
    tags = ["auth"]

    @get(
        "/session",
        operation_id="checkSession",
        responses=responses(401, 429),
        opt={SIGNED_IN_ONLY: True},
    )
    async def session(self, request: Request[Any, Any, Any]) -> SessionCheck:
        """Whether the access token sent is still good: signed by the API, unexpired, and its
        session neither signed out nor ended by the account's erasure (401 otherwise). The
        functions ask this before serving a user, as every API route does for itself."""
        principal = principal_or_401(request.scope)
        return SessionCheck(user_id=principal.user_id, session_id=principal.session_id)


def jwks_document(jwks: dict[str, list[dict[str, Any]]]) -> JsonWebKeySet:
    return JsonWebKeySet(
        keys=[
            JsonWebKey(
                kty=k["kty"],
                kid=k["kid"],
                alg=k["alg"],
                use=k["use"],
                crv=k["crv"],
                x=k["x"],
                y=k.get("y"),
            )
            for k in jwks["keys"]
        ]
    )
