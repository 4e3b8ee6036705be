"""Identity over HTTP: thin handlers that translate between the transport and the use cases."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.exceptions import SerializationException, ValidationException
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from adapters.security.csrf import SignedCsrfTokens
from domains.identity.account_data import AccountDataService
from domains.identity.account_mail import AccountMailService
from domains.identity.accounts import AccountService
from domains.identity.errors import InvalidToken
from domains.identity.model import Device, GoogleNonce, Principal, SignIn
from domains.identity.sessions import SignInService
from domains.shared.errors import Forbidden, InvalidInput
from domains.shared.ids import is_id
from entrypoints.http.auth import CookiePolicy, with_cookies
from entrypoints.http.gate import (
    CSRF_COOKIE,
    REFRESH_COOKIE,
    SIGNED_IN_ONLY,
    context_of,
    principal_or_401,
)
from entrypoints.http.openapi import FORM, SIGNED_IN, beyond_schema, json_or_form_body, responses
from entrypoints.http.schemas.identity import (
    Accepted,
    ChangePasswordRequest,
    DeleteAccountRequest,
    EmailVerificationConfirm,
    GoogleNonceResponse,
    GoogleSignInRequest,
    LoginRequest,
    LogoutRequest,
    PasswordResetConfirm,
    PasswordResetRequest,
    ProfileUpdate,
    RegisterRequest,
    SessionRead,
    SignInProviders,
    SignInResponse,
    TokenRequest,
    TokenResponse,
    UserRead,
)
from entrypoints.http.screens import SCREEN_SECONDS

REGISTERED = "a mail is on its way to this address; sign in with it and your password"

Accounts = NamedDependency[AccountService]
Sessions = NamedDependency[SignInService]
AccountMailing = NamedDependency[AccountMailService]
AccountData = NamedDependency[AccountDataService]
Csrf = NamedDependency[SignedCsrfTokens]
Cookies = NamedDependency[CookiePolicy]
CurrentUser = NamedDependency[Principal]
ClientDevice = NamedDependency[Device]


#: RFC 6749 fields this API has no use for (it has one client and no scopes); ignored.
_OAUTH_EXTRAS = frozenset({"scope", "client_id", "client_secret"})


async def _token_request(request: Request[Any, Any, Any]) -> TokenRequest:
    """The token request, from a JSON body or from a form, refused as any body is."""
    if request.content_type[0] == FORM:
        form = await request.form()
        raw: Any = {key: value for key, value in form.items() if key not in _OAUTH_EXTRAS}
        # A form's values are all text; a boolean is written true or false, as OpenAPI
        # serialises it, and nothing else is one.
        if raw.get("remember_me") in ("true", "false"):
            raw["remember_me"] = raw["remember_me"] == "true"
    else:
        try:
            raw = await request.json()
        except (SerializationException, UnicodeDecodeError):
            raise ValidationException("the request body is not valid JSON") from None
    try:
        return msgspec.convert(raw, TokenRequest, strict=True)
    except msgspec.ValidationError as e:
        message, _, at = str(e).partition(" - at `$")
        raise ValidationException(
            detail=f"Validation failed for POST {request.url.path}",
            extra=[{"message": message, "key": at.rstrip("`").lstrip(".") or "data"}],
        ) from None


def _browser_sign_in(
    sign_in: SignIn, csrf: SignedCsrfTokens, cookies: CookiePolicy, status: int = HTTP_200_OK
) -> Response[SignInResponse]:
    token = csrf.issue(sign_in.session.id)
    body = SignInResponse(
        user=UserRead.of(sign_in.user),
        csrf_token=token,
        access_expires_in=sign_in.access_expires_in,
    )
    return with_cookies(Response(body, status_code=status), cookies.sign_in_cookies(sign_in, token))


def _token_response(sign_in: SignIn) -> TokenResponse:
    refresh_in = (sign_in.refresh_expires_at - sign_in.session.last_used_at).total_seconds()
    return TokenResponse(
        access_token=sign_in.access_token,
        refresh_token=sign_in.refresh_token,
        expires_in=sign_in.access_expires_in,
        refresh_expires_in=int(refresh_in),
    )


GOOGLE_NONCE_COOKIE = "rf_google_nonce"


def _google_nonce_cookie(policy: CookiePolicy, started: GoogleNonce | None, max_age: int) -> Cookie:
    """The verifier, where only the Google sign-in routes see it; None clears it."""
    return Cookie(
        key=GOOGLE_NONCE_COOKIE,
        value=started.verifier if started else "",
        httponly=True,
        secure=policy.secure,
        samesite="strict",
        path="/api/v1/auth/google",
        domain=policy.domain,
        max_age=max_age,
    )


def _check_cookie_csrf(
    request: Request[Any, Any, Any], csrf: SignedCsrfTokens, session_id: str
) -> None:
    if not csrf.verify(
        session_id, request.cookies.get(CSRF_COOKIE), request.headers.get("x-csrf-token")
    ):
        raise Forbidden(
            "missing or invalid CSRF token: send the rf_csrf cookie's value in X-CSRF-Token"
        )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_202_ACCEPTED, responses=responses(422, 429))
    async def register(
        self,
        data: JSONBody[RegisterRequest],
        identity_accounts: Accounts,
        identity_mail: AccountMailing,
        client_device: ClientDevice,
    ) -> Response[Accepted]:
        """Create an account with email and password, then sign in with `/auth/login` (the
        address is verified with the mailed link). The answer is the same whether or not the
        address already has an account, whose owner is told by mail instead, so it tells
        nobody who has one."""
        registration = await identity_accounts.create_account(
            data.email,
            data.password,
            client_device,
            display_name=data.display_name,
            time_zone_name=data.time_zone,
        )
        # Mailed after the answer, so its timing does not tell a taken address either.
        return Response(
            Accepted(REGISTERED),
            status_code=HTTP_202_ACCEPTED,
            background=BackgroundTask(identity_mail.mail_registration, registration, client_device),
        )

    @post("/login", status_code=200, responses=responses(401, 429))
    async def login(
        self,
        data: JSONBody[LoginRequest],
        identity_sessions: Sessions,
        csrf: Csrf,
        cookie_policy: Cookies,
        client_device: ClientDevice,
    ) -> Response[SignInResponse]:
        """Sign in with email and password. Tokens are set as HttpOnly cookies."""
        sign_in = await identity_sessions.login(
            data.email, data.password, client_device, remember_me=data.remember_me
        )
        return _browser_sign_in(sign_in, csrf, cookie_policy)

    @get(
        "/providers",
        operation_id="signInProviders",
        responses=responses(429),
        cache=False,
    )
    async def providers(self, google_client_id: str | None) -> SignInProviders:
        """The ways to sign in besides a password: a web client shows "Continue with Google"
        only when `google_client_id` is set, and asks Google with that id."""
        return SignInProviders(google_client_id)

    @post(
        "/google/nonce",
        operation_id="startGoogleSignIn",
        status_code=200,
        responses=responses(401, 429),
    )
    async def google_nonce(
        self, identity_sessions: Sessions, cookie_policy: Cookies
    ) -> Response[GoogleNonceResponse]:
        """Start a Google sign-in: the nonce to give Google, and its verifier (also set as an
        HttpOnly cookie) to send back with the ID token. 401 when Google sign-in is off."""
        started = identity_sessions.start_google_sign_in()
        expires_in = max(
            0, int((started.expires_at - identity_sessions.clock.now()).total_seconds())
        )
        body = GoogleNonceResponse(started.nonce, started.verifier, expires_in)
        response = Response(body, headers={"Cache-Control": "no-store"})
        return with_cookies(response, [_google_nonce_cookie(cookie_policy, started, expires_in)])

    @post(
        "/google",
        operation_id="signInWithGoogle",
        status_code=200,
        responses=responses(401, 409, 422, 429),
    )
    async def google(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[GoogleSignInRequest],
        identity_sessions: Sessions,
        csrf: Csrf,
        cookie_policy: Cookies,
        client_device: ClientDevice,
    ) -> Response[SignInResponse]:
        """Sign in with a Google ID token obtained by the client, carrying the nonce of
        POST /auth/google/nonce. A password account whose address was never verified is not
        linked: 409, unless `replace_unverified_account` erases it."""
        sign_in = await identity_sessions.sign_in_with_google(
            data.id_token,
            data.nonce_verifier or request.cookies.get(GOOGLE_NONCE_COOKIE),
            client_device,
            remember_me=data.remember_me,
            replace_unverified_account=data.replace_unverified_account,
        )
        response = _browser_sign_in(sign_in, csrf, cookie_policy)
        return with_cookies(response, [_google_nonce_cookie(cookie_policy, None, 0)])

    @post(
        "/refresh",
        operation_id="refreshSession",
        status_code=200,
        responses=responses(401, 403, 429),
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        identity_sessions: Sessions,
        csrf: Csrf,
        cookie_policy: Cookies,
        client_device: ClientDevice,
    ) -> Response[SignInResponse]:
        """Rotate the refresh-token cookie. Needs the CSRF header of the session."""
        token = request.cookies.get(REFRESH_COOKIE)
        if not token:
            raise InvalidToken("no refresh cookie: sign in again")
        claims = identity_sessions.read_refresh_token(token)
        _check_cookie_csrf(request, csrf, claims.session_id)
        sign_in = await identity_sessions.refresh(token, client_device)
        return _browser_sign_in(sign_in, csrf, cookie_policy)

    @post(
        "/token",
        operation_id="issueToken",
        status_code=200,
        responses=responses(401, 415, 422, 429),
        operation_class=json_or_form_body(TokenRequest),
        opt=beyond_schema(
            "`grant_type: password` needs `username` and `password`; `grant_type: refresh_token` "
            "needs `refresh_token`"
        ),
    )
    async def token(
        self,
        request: Request[Any, Any, Any],
        identity_sessions: Sessions,
        client_device: ClientDevice,
    ) -> TokenResponse:
        """OAuth 2 style tokens for non-browser clients (`Authorization: Bearer`). The body is
        JSON, or an RFC 6749 form (`grant_type=password&username=...&password=...`) as OAuth 2
        libraries and the docs page's Authorize button send it."""
        data = await _token_request(request)
        if data.grant_type == "password":
            if data.username is None or data.password is None:
                raise InvalidInput(
                    "grant_type password needs username and password", field="username"
                )
            sign_in = await identity_sessions.login(
                data.username, data.password, client_device, remember_me=data.remember_me
            )
        else:
            if not data.refresh_token:
                raise InvalidInput(
                    "grant_type refresh_token needs refresh_token", field="refresh_token"
                )
            sign_in = await identity_sessions.refresh(data.refresh_token, client_device)
        return _token_response(sign_in)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403),
        # Either the access token, or the refresh token (its cookie, or the body) ends it.
        security=[*SIGNED_IN, {"refreshCookie": []}, {}],
    )
    async def logout(
        self,
        request: Request[Any, Any, Any],
        identity_sessions: Sessions,
        csrf: Csrf,
        cookie_policy: Cookies,
        data: JSONBody[LogoutRequest | None] = None,
    ) -> Response[None]:
        """End this session: its refresh family and access tokens stop working at once."""
        ctx = context_of(request.scope)
        refresh_cookie = request.cookies.get(REFRESH_COOKIE)
        if ctx.principal is not None:
            if ctx.via_cookie:
                _check_cookie_csrf(request, csrf, ctx.principal.session_id)
            await identity_sessions.logout(ctx.principal)
        elif data is not None and data.refresh_token:
            await identity_sessions.logout_with_refresh_token(data.refresh_token)
        elif refresh_cookie:
            claims = identity_sessions.read_refresh_token(refresh_cookie)
            _check_cookie_csrf(request, csrf, claims.session_id)
            await identity_sessions.logout_with_refresh_token(refresh_cookie)
        else:
            raise ctx.auth_error or InvalidToken("not signed in")
        return with_cookies(
            Response(None, status_code=HTTP_204_NO_CONTENT), cookie_policy.cleared()
        )

    @get(
        "/me",
        operation_id="getCurrentUser",
        responses=responses(401, 429),
        cache=SCREEN_SECONDS,
        opt={SIGNED_IN_ONLY: True},
    )
    async def me(self, identity_accounts: Accounts, request: Request[Any, Any, Any]) -> UserRead:
        """The signed-in account."""
        # Kept in the screen cache, as every screen read: each change to the account moves the
        # user's screen version on, the user's own requests (the gate) and those made elsewhere,
        # a mailed link or a Google sign-in (IdentityStore.changed).
        # The gate's principal is read here rather than through the `principal` dependency:
        # Litestar resolves two or more dependencies in an anyio task group, which cost this
        # route, the one every client calls on load, a tenth of its time
        # (benchmarks/http/RESULTS.md). The check is the same principal_or_401.
        principal = principal_or_401(request.scope)
        return UserRead.of(await identity_accounts.me(principal.user_id))

    @post("/change-password", status_code=200, responses=responses(401, 403, 422, 429))
    async def change_password(
        self,
        data: JSONBody[ChangePasswordRequest],
        identity_accounts: Accounts,
        csrf: Csrf,
        cookie_policy: Cookies,
        principal: CurrentUser,
        client_device: ClientDevice,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        """Change the password: every other session is signed out; this one gets new tokens."""
        sign_in = await identity_accounts.change_password(
            principal, data.current_password, data.new_password, client_device
        )
        if context_of(request.scope).via_cookie:
            return _browser_sign_in(sign_in, csrf, cookie_policy)
        return Response(_token_response(sign_in))

    @post(
        "/verify-email/request",
        status_code=HTTP_202_ACCEPTED,
        responses=responses(401, 403, 409, 429, 503),
    )
    async def request_email_verification(
        self, identity_mail: AccountMailing, principal: CurrentUser, client_device: ClientDevice
    ) -> Accepted:
        """Mail a link that verifies the account's address (valid 24 hours)."""
        await identity_mail.request_email_verification(principal.user_id, client_device)
        return Accepted("a verification link is on its way")

    @post(
        "/verify-email/confirm",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(422, 429, 503),
        opt=beyond_schema(
            "`token` is the one from the user's verification mail, unchanged and unexpired"
        ),
    )
    async def confirm_email(
        self, data: JSONBody[EmailVerificationConfirm], identity_mail: AccountMailing
    ) -> None:
        """Verify the address with the token from the mailed link; no sign-in needed."""
        await identity_mail.confirm_email(data.token)

    @post(
        "/password-reset/request",
        status_code=HTTP_202_ACCEPTED,
        responses=responses(422, 429, 503),
    )
    async def request_password_reset(
        self,
        data: JSONBody[PasswordResetRequest],
        identity_mail: AccountMailing,
        client_device: ClientDevice,
    ) -> Response[Accepted]:
        """Mail a password-reset link (valid 30 minutes) if an account has this address. The
        answer is the same either way."""
        address = await identity_mail.admit_password_reset(data.email, client_device)
        # Looked up and mailed after the answer, so its timing does not tell a known address.
        return Response(
            Accepted("if an account uses this address, a reset link is on its way"),
            status_code=HTTP_202_ACCEPTED,
            background=BackgroundTask(identity_mail.mail_password_reset, address, client_device),
        )

    @post(
        "/password-reset/confirm",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(422, 429, 503),
        opt=beyond_schema(
            "`token` is the one from the user's reset mail, unchanged, unexpired and not used "
            "before"
        ),
    )
    async def reset_password(
        self, data: JSONBody[PasswordResetConfirm], identity_mail: AccountMailing
    ) -> None:
        """Set a new password with the token from the mailed link. Every session is signed
        out; the link works once."""
        await identity_mail.reset_password(data.token, data.new_password)

    @get("/sessions", operation_id="listSessions", responses=responses(401))
    async def sessions(
        self, identity_sessions: Sessions, principal: CurrentUser
    ) -> list[SessionRead]:
        """The account's signed-in devices."""
        sessions = await identity_sessions.list_sessions(principal.user_id)
        return [SessionRead.of(s, principal.session_id) for s in sessions]

    @delete(
        "/sessions/{session_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 404),
    )
    async def revoke_session(
        self,
        identity_sessions: Sessions,
        principal: CurrentUser,
        session_id: Annotated[str, PathParameter(max_length=64, format="uuid")],
    ) -> None:
        """Sign one device out."""
        if not is_id(session_id):
            raise InvalidInput("session ids are UUIDs", field="session_id")
        await identity_sessions.revoke_session(principal.user_id, session_id)


class UsersController(Controller):
    path = "/users"
    tags = ["users"]

    @patch("/me", operation_id="updateProfile", responses=responses(401, 403, 422))
    async def update_me(
        self, data: JSONBody[ProfileUpdate], identity_accounts: Accounts, principal: CurrentUser
    ) -> UserRead:
        """Change the display name or time zone (an IANA name such as Europe/Paris)."""
        user = await identity_accounts.update_profile(
            principal.user_id,
            display_name=data.display_name if isinstance(data.display_name, str) else None,
            time_zone_name=data.time_zone if isinstance(data.time_zone, str) else None,
        )
        return UserRead.of(user)

    @post(
        "/me/export",
        operation_id="exportAccount",
        status_code=200,
        responses=responses(401, 403, 429),
    )
    async def export(
        self, identity_data: AccountData, principal: CurrentUser
    ) -> Response[dict[str, Any]]:
        """All of the account's data, from every domain, as one JSON document."""
        data = await identity_data.export(principal.user_id)
        return Response(
            data, headers={"Content-Disposition": 'attachment; filename="refocused-export.json"'}
        )

    @delete(
        "/me",
        operation_id="deleteAccount",
        status_code=HTTP_204_NO_CONTENT,
        responses=responses(401, 403, 422),
    )
    async def delete_me(
        self,
        identity_data: AccountData,
        principal: CurrentUser,
        cookie_policy: Cookies,
        data: JSONBody[DeleteAccountRequest | None] = None,
    ) -> Response[None]:
        """Erase the account and everything in it. Accounts with a password must confirm it."""
        await identity_data.delete_account(principal, data.password if data else None)
        return with_cookies(
            Response(None, status_code=HTTP_204_NO_CONTENT), cookie_policy.cleared()
        )
