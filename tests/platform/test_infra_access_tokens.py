"""Access tokens: the API alone holds the signing key; the functions that serve signed-in users
get its public half (a JWKS) and the API's address to ask about sessions, and no secret. No
function holds the service secret: the email API gets the one key derived from it that it
needs, the mail-link key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import cached_run
from infra_harness import ProgramRun, mock_password
from refocused_infra.keys import ed25519_public_key, email_link_key, hkdf_sha256

USER_FUNCTIONS = ("feedback-api", "ai-handler")
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi marks a secret value on the wire


def statements(policy: str) -> list[dict[str, Any]]:
    document: dict[str, list[dict[str, Any]]] = json.loads(policy)
    return document["Statement"]


def environment(run: ProgramRun, function: str) -> dict[str, Any]:
    variables: dict[str, Any] = run.named(f"serverless-{function}-function").inputs["environment"][
        "variables"
    ]
    return variables


def api_signing_key(run: ProgramRun) -> dict[str, Any]:
    value = run.named("data-refocused-access-token-key-value").inputs["secretString"]
    assert SECRET_SIG in value  # kept secret on its way to Secrets Manager
    key: dict[str, Any] = json.loads(value["value"])
    return key


@pytest.mark.parametrize("function", USER_FUNCTIONS)
def test_the_functions_serving_users_hold_no_secret_and_may_read_none(
    stack: ProgramRun, function: str
) -> None:
    variables = environment(stack, function)
    secret_arns = set(stack.exports["secret_arns"].values())
    assert not [name for name in variables if "SECRET" in name]
    for value in variables.values():
        assert isinstance(value, str), "a secret-marked value reached the function"
        assert value not in secret_arns
    policy = json.dumps(statements(stack.named(f"serverless-{function}-policy").inputs["policy"]))
    assert "secretsmanager" not in policy
    private = api_signing_key(stack)
    assert private["d"] not in json.dumps(variables)


@pytest.mark.parametrize("function", USER_FUNCTIONS)
def test_the_functions_get_the_public_half_of_the_apis_signing_key(
    stack: ProgramRun, function: str
) -> None:
    variables = environment(stack, function)
    private = api_signing_key(stack)
    (public,) = json.loads(variables["REFOCUSED_ACCESS_TOKEN_JWKS"])["keys"]
    assert "d" not in public
    assert public == {k: v for k, v in private.items() if k != "d"}
    assert (public["kty"], public["crv"], public["alg"]) == ("OKP", "Ed25519", "Ed25519")
    # Through the gateway: the API service refuses requests that skip it.
    assert variables["REFOCUSED_API_URL"] == stack.exports["api_url"]


def test_the_api_gets_the_private_key_from_secrets_manager(stack: ProgramRun) -> None:
    assert "REFOCUSED_ACCESS_TOKEN_KEY" in stack.exports["secret_arns"]
    private = api_signing_key(stack)
    assert set(private) == {"kty", "crv", "x", "d", "kid", "alg", "use"}


def test_before_the_apis_first_release_the_functions_have_no_api_to_ask() -> None:
    bootstrap = cached_run("dev", "bootstrap")
    variables = environment(bootstrap, "feedback-api")
    assert "REFOCUSED_API_URL" not in variables
    assert "REFOCUSED_ACCESS_TOKEN_JWKS" in variables


@pytest.mark.parametrize(
    ("seed", "public"),
    [
        # RFC 8032, section 7.1, tests 1 to 3 and SHA(abc).
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        ),
        (
            "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        ),
    ],
)
def test_the_public_key_is_derived_as_rfc_8032_says(seed: str, public: str) -> None:
    assert ed25519_public_key(bytes.fromhex(seed)).hex() == public


def test_no_function_holds_the_service_secret(stack: ProgramRun) -> None:
    secret_arn = stack.exports["secret_arns"]["REFOCUSED_SECRET_KEY"]
    for function in stack.of_type("aws:lambda/function:Function"):
        assert secret_arn not in json.dumps(function.inputs)
    for policy in stack.of_type("aws:iam/rolePolicy:RolePolicy"):
        if policy.name.startswith("serverless-"):
            assert secret_arn not in policy.inputs["policy"]


def test_the_email_api_reads_the_mail_link_key_and_no_other_secret(stack: ProgramRun) -> None:
    variables = environment(stack, "email-api")
    link_key_arn = variables["REFOCUSED_EMAIL_LINK_KEY_ARN"]
    assert link_key_arn.endswith(":secret:refocused-" + stack.stack + "/email-link-key-AbCdEf")
    policy = statements(stack.named("serverless-email-api-policy").inputs["policy"])
    secrets = [s for s in policy if any(a.startswith("secretsmanager:") for a in s["Action"])]
    assert [(s["Action"], s["Resource"]) for s in secrets] == [
        (["secretsmanager:GetSecretValue"], [link_key_arn])
    ]
    value = stack.named("data-email-link-key-value").inputs["secretString"]
    assert SECRET_SIG in value
    assert value["value"] == email_link_key(mock_password("data-secret-key", 64))


def test_the_mail_link_key_is_the_one_the_api_derives() -> None:
    # adapters/security/keys.py derive_key(TEST_SECRET, "email-links"), in base64.
    secret = "test-secret-key-that-is-long-enough-for-hs256-0123456789"
    assert email_link_key(secret) == "/DSkpLRP8oKeVwGe3gCQdfXVPApN8mjHqW7yyFKC6Jk="
    # RFC 5869, test case 1.
    okm = hkdf_sha256(bytes([11]) * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42)
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )
