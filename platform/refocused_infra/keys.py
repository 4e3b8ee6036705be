"""The access-token signing key: an Ed25519 key pair made from 32 random bytes.

The seed comes from `random.RandomBytes` (kept secret in the stack's state, like the service
secret); the API gets the private key as a JWK through Secrets Manager, the functions get only
the public key as a JWKS in plain environment. Deriving the public key is RFC 8032's own
algorithm (section 5.1.5, with the reference code of section 6) on the standard library, so the
program needs no cryptography package or extra provider; it runs at deployment time only, where
its timing reveals nothing, and the tests hold it to RFC 8032's test vectors. A wrong public key
could only make the functions refuse every token, never accept a forged one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]


def _add(a: Point, b: Point) -> Point:
    e1, f1 = (a[1] - a[0]) * (b[1] - b[0]) % _P, (a[1] + a[0]) * (b[1] + b[0]) % _P
    c, d = 2 * a[3] * b[3] * _D % _P, 2 * a[2] * b[2] % _P
    e, f, g, h = f1 - e1, d - c, d + c, f1 + e1
    return (e * f, g * h, f * g, e * h)


def _multiply(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _base_point() -> Point:
    y = 4 * pow(5, _P - 2, _P) % _P
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if x & 1:
        x = _P - x
    return (x, y, 1, x * y % _P)


def ed25519_public_key(seed: bytes) -> bytes:
    """The 32-byte public key of an Ed25519 private key (its 32-byte seed), RFC 8032 5.1.5."""
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    x, y, z, _ = _multiply(scalar, _base_point())
    z_inverse = pow(z, _P - 2, _P)
    x, y = x * z_inverse % _P, y * z_inverse % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def access_token_keys(seed_base64: str) -> tuple[str, str]:
    """(the private JWK for the API, the public JWKS for the functions), as JSON. The key id is
    the public key's RFC 7638 thumbprint, so a new seed is a new `kid`."""
    seed = base64.b64decode(seed_base64)
    x = _b64url(ed25519_public_key(seed))
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True
    )
    kid = _b64url(hashlib.sha256(canonical.encode()).digest())
    public = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "Ed25519", "use": "sig"}
    private = {**public, "d": _b64url(seed)}
    return json.dumps(private), json.dumps({"keys": [public]})


#: How the application derives one key per purpose from its service secret
#: (adapters/security/keys.py: HKDF-SHA256, this salt, the purpose as info).
APPLICATION_SALT = b"refocused/v1"


def hkdf_sha256(secret: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF with SHA-256 (RFC 5869), as the application derives its keys, so the platform can
    hand a function the one derived key it needs instead of the secret it comes from."""
    if not 0 < length <= 255 * 32:
        raise ValueError("HKDF-SHA256 gives 1 to 8160 bytes")
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    output, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        output += block
    return output[:length]


def email_link_key(service_secret: str) -> str:
    """The mail-link key (base64) the API derives from its secret for the purpose
    `email-links`: all the email function needs to sign and check newsletter links."""
    return base64.b64encode(
        hkdf_sha256(service_secret.encode(), APPLICATION_SALT, b"email-links")
    ).decode()
