"""The environment contract: every compute unit of every stack starts with exactly the
environment and permissions the program declares for it, and its code needs no more.

What a unit needs is read from its own code, never from a list here: its settings class
(LambdaSettings, or the API's Settings) is given the declared environment and records what it
looks up; its composition root builds every service the unit serves (a missing variable is the
SettingsError a deployed unit would answer with); then it serves a request of each kind against
moto, and each AWS call it makes must be allowed by its declared IAM statements. The last tests
remove one declared variable or statement at a time and show that the contract then fails.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import cached_run
from deployed_units import (
    LAMBDA_RUNTIME_ENVIRONMENT,
    ReadRecorder,
    api_environment,
    api_statements,
    denied,
    lambda_environment,
    lambda_modules,
    lambda_statements,
    local_aws,
    plain,
    topic_keys,
    unwrapped,
)
from infra_harness import STACKS, ProgramRun, run_program

READER = "reader@example.com"
USER = "0190a0a0-0000-7000-8000-000000000001"


@dataclass
class Outcome:
    """What starting a unit found wrong: each entry a sentence an operator can act on."""

    problems: list[str] = field(default_factory=list)
    read: set[str] = field(default_factory=set)


# -- the functions -------------------------------------------------------------------------------


def _api_event(method: str, path: str, body: Any = None) -> dict[str, Any]:
    from tests.entrypoints.lambdas.events import api_event

    return api_event(method, path, body=body)


def _sns_event(message: str, topic: str) -> dict[str, Any]:
    from tests.entrypoints.lambdas.events import sns_event, sns_record

    return sns_event(sns_record(message, topic))


def _force(built: Any) -> None:
    """Builds what a unit builds on its first request of each kind (the keys a signed-in
    request needs, the assistant's history), so a variable those need is checked too."""
    from entrypoints.lambdas.auth import Access

    for part in built if isinstance(built, tuple) else (built,):
        if isinstance(part, Access):
            part._built()
        if hasattr(part, "access") and isinstance(part.access, Access):
            part.access._built()
            _ = part.assistant


def _journey(run: ProgramRun, module: str, handler: Callable[..., Any]) -> list[str]:
    """One request of each kind the function serves; returns the problems it met."""
    problems = []

    def expect(status: int, response: dict[str, Any], what: str) -> None:
        if response["statusCode"] != status:
            problems.append(f"{module}: {what} answered {response['statusCode']}: {response}")

    if module == "email_api":
        expect(
            202,
            handler(_api_event("POST", "/email/newsletter/subscribe", {"email": READER})),
            "subscribe",
        )
    elif module == "email_sender":
        from adapters.sns.mail_queue import encode_mail
        from domains.email.model import MailKind, OutgoingMail

        mail = OutgoingMail(READER, "Confirm", "Hi", MailKind.NEWSLETTER_CONFIRMATION)
        (topic,) = [t for t in topic_keys(run) if t.endswith("-email-requests")]
        expect(200, handler(_sns_event(encode_mail(mail), topic)), "a queued mail")
    elif module == "ses_notifications":
        bounce = {
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": READER}]},
        }
        expect(200, handler(_sns_event(json.dumps(bounce), "arn:aws:sns:x")), "a bounce")
    elif module == "feedback_api":
        body = {"category": "idea", "text": "a dark theme"}
        expect(201, handler(_api_event("POST", "/feedback", body)), "feedback")
        expect(200, handler(_api_event("GET", "/feedback/features")), "the features")
    elif module == "ai_handler":
        from entrypoints.lambdas import ai_handler

        services = ai_handler.cold_start.get()
        conversation = asyncio.run(services.assistant.start(USER, "a plan"))
        asyncio.run(services.assistant.conversations(USER))

        async def bundle_in_place() -> None:  # the model's download is not checked here
            return None

        services.model.ensure_available = bundle_in_place  # type: ignore[method-assign]
        # A message through the function's own /ai route: a reply job it runs in an
        # asynchronous invocation of itself (the gateway would end a waiting request at 30 s).
        asyncio.run(services.assistant.submit(USER, conversation.id, "plan my week", "contract"))
        asyncio.run(services.assistant.delete(USER, conversation.id))
    return problems


def start_function(
    run: ProgramRun,
    module: str,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str] | None = None,
    statements: list[dict[str, Any]] | None = None,
) -> Outcome:
    from entrypoints.composition.lambdas import LambdaSettings
    from entrypoints.lambdas import runtime
    from entrypoints.settings import SettingsError

    environment = lambda_environment(run, module) if environment is None else environment
    statements = lambda_statements(run, module) if statements is None else statements
    outcome = Outcome()
    # What Lambda itself sets besides the declared variables: the region and the function's name.
    name = str(plain(lambda_modules(run)[module]["name"]))
    runtime_environment = {**LAMBDA_RUNTIME_ENVIRONMENT, "AWS_LAMBDA_FUNCTION_NAME": name}
    env = ReadRecorder({**runtime_environment, **environment})
    handler_module = importlib.import_module(f"entrypoints.lambdas.{module}")
    with local_aws(run) as aws:
        try:
            settings = LambdaSettings.from_env(env)
            monkeypatch.setattr(
                runtime, "LambdaSettings", type("Deployed", (), {"from_env": lambda: settings})
            )
            handler_module.cold_start.reset()
            _force(handler_module.cold_start.get())
            outcome.problems += _journey(run, module, handler_module.handler)
        except SettingsError as e:
            outcome.problems.append(f"{module} does not start: {e}")
        except Exception as e:  # any failure is the finding, named
            outcome.problems.append(f"{module} fails: {type(e).__name__}: {e}")
        finally:
            handler_module.cold_start.reset()
        outcome.problems += [f"{module} may not {call}" for call in denied(aws.calls, statements)]
    outcome.read = env.read
    unread = sorted(set(environment) - env.read)
    if unread:
        outcome.problems.append(f"{module} is given {unread}, which its code never reads")
    return outcome


# -- the API service -----------------------------------------------------------------------------


def start_api(
    run: ProgramRun,
    environment: dict[str, str] | None = None,
    statements: list[dict[str, Any]] | None = None,
) -> Outcome:
    """The API's settings from exactly its declared environment, then its own containers for
    the services it shares with the functions, serving one request of each kind."""
    from dependency_injector import providers

    from adapters.memory.stores import InMemoryRateLimiter
    from entrypoints.http.app import build_container
    from entrypoints.settings import Settings, SettingsError

    environment = api_environment(run) if environment is None else environment
    statements = api_statements(run) if statements is None else statements
    outcome = Outcome()
    env = ReadRecorder(environment)
    try:
        settings = Settings.from_env(env)
    except SettingsError as e:
        return Outcome([f"the API does not start: {e}"])
    outcome.read = env.read
    unread = sorted(set(environment) - env.read)
    if unread:
        outcome.problems.append(f"the API is given {unread}, which its code never reads")

    functions = {m: lambda_environment(run, m) for m in lambda_modules(run)}
    shared = {
        "email_table": functions["email_api"]["EMAIL_TABLE"],
        "email_topic_arn": functions["email_api"]["EMAIL_REQUESTS_TOPIC_ARN"],
        "feedback_table": functions["feedback_api"]["FEEDBACK_TABLE"],
        "assistant_table": functions["ai_handler"]["ASSISTANT_HISTORY_TABLE"],
    }
    for setting, store in shared.items():
        if getattr(settings, setting) != store:
            outcome.problems.append(
                f"the API's {setting} is {getattr(settings, setting)!r}, the functions' {store!r}:"
                " two stores for one kind of data"
            )
    if settings.effective_public_url != run.exports["api_url"]:
        outcome.problems.append(
            f"mail links point at {settings.effective_public_url}, users reach the API at "
            f"{run.exports['api_url']}"
        )
    if run.exports["web_url"] not in settings.cors_origins:
        outcome.problems.append(f"the web client's origin {run.exports['web_url']} is not allowed")
    outcome.problems += _behind_the_gateway(run, settings)

    with local_aws(run) as aws:
        container = build_container(settings)
        container.infrastructure.limiter.override(providers.Singleton(InMemoryRateLimiter))
        try:
            feedback = container.feedback.service()
            assistant = container.assistant.service()
            email = container.email.service()

            async def requests() -> None:
                await feedback.send_feedback("idea", "a dark theme", "203.0.113.7", None)
                feature = await feedback.propose_feature(USER, "Dark theme")
                await feedback.vote(USER, feature.id)
                conversation = await assistant.start(USER, "a plan")
                await assistant.conversations(USER)
                await assistant.delete(USER, conversation.id)
                second = await assistant.start(USER, "a second plan")
                # A message through the route users call: a reply job in the shared table,
                # handed to the ai-handler with an asynchronous invoke.
                submitted = await assistant.submit(USER, second.id, "Plan my day", "contract-1")
                if submitted.job.status.value != "pending":
                    outcome.problems.append(f"a message's reply is {submitted.job.status.value}")
                await email.subscribe(READER, "203.0.113.7", f"{settings.effective_public_url}/x")
                await email.send_password_reset(READER, f"{settings.effective_public_url}/r")
                contributors = (container.feedback.user_data(), container.assistant.user_data())
                for contributor in contributors:
                    await contributor.export(USER)
                    await contributor.erase(USER)

            asyncio.run(requests())
        except Exception as e:  # any failure is the finding, named
            outcome.problems.append(f"the API fails a request: {type(e).__name__}: {e}")
        finally:
            container.infrastructure.limiter.reset_override()
        outcome.problems += [f"the API may not {call}" for call in denied(aws.calls, statements)]
    return outcome


def _behind_the_gateway(run: ProgramRun, settings: Any) -> list[str]:
    """What the deployment around the API needs of its settings: the production profile, the
    token the gateway sends, the client address the gateway appends, a metrics token, and a
    rate-limit share small enough for the most processes the service runs."""
    from refocused_infra.compute import WORKERS_PER_INSTANCE
    from refocused_infra.serverless import GATEWAY_TOKEN_HEADER

    from entrypoints.http.forwarded import ProxyTrust

    problems = []
    if not settings.is_production:
        problems.append("the API runs the embedded profile (SQLite, in-process stores)")
    forwarding = run.named("serverless-api-service-integration").inputs
    sent = unwrapped(forwarding.get("requestParameters") or {}).get(
        f"overwrite:header.{GATEWAY_TOKEN_HEADER}"
    )
    if not sent or settings.gateway_token != sent:
        problems.append("the API does not check the gateway's token: its own URL skips the gateway")
    # A client that forges both headers, through the gateway (which appends `for=` to
    # Forwarded) and App Runner (which appends the gateway's address to X-Forwarded-For),
    # reaching the container from App Runner's private network.
    trust = ProxyTrust.of(settings.proxy_hops, settings.client_ip_header, settings.trusted_proxies)
    headers = {
        b"forwarded": b"for=198.51.100.1, for=203.0.113.7",
        b"x-forwarded-for": b"198.51.100.1, 52.94.0.1",
    }
    seen = trust.client_ip({"client": ("10.0.0.9", 443)}, headers)
    if seen != "203.0.113.7":
        problems.append(f"the API sees client 203.0.113.7 as {seen}: its rate limits and logs err")
    if not settings.serves_metrics:
        problems.append("the API serves no /metrics: production needs a metrics token")
    processes = run.named("compute-scaling").inputs["maxSize"] * WORKERS_PER_INSTANCE
    if settings.degraded_rate_divisor < processes:
        problems.append(
            f"with Redis away each of {processes} processes allows 1/"
            f"{settings.degraded_rate_divisor} of a limit: the fleet allows more than the limit"
        )
    return problems


# -- the contract --------------------------------------------------------------------------------

MODULES = ("email_api", "email_sender", "ses_notifications", "feedback_api", "ai_handler")


def _without_mail_identity(run: ProgramRun, module: str, outcome: Outcome) -> list[str]:
    """A stack without a domain has no SES identity to send as, so its sender may not send
    (platform/README.md says so); every other problem stands."""
    if module != "email_sender" or run.of_type("aws:ses/domainIdentity:DomainIdentity"):
        return outcome.problems
    return [
        p for p in outcome.problems if "ses:SendEmail" not in p and "could not be sent" not in p
    ]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("stack_name", STACKS)
def test_each_function_starts_and_serves_with_exactly_what_it_is_given(
    stack_name: str, module: str, monkeypatch: pytest.MonkeyPatch
):
    run = cached_run(stack_name)
    outcome = start_function(run, module, monkeypatch)
    assert _without_mail_identity(run, module, outcome) == []


@pytest.mark.parametrize("stack_name", STACKS)
def test_the_api_service_starts_shares_the_functions_stores_and_stays_within_its_policy(
    stack_name: str,
):
    assert start_api(cached_run(stack_name)).problems == []


def test_google_sign_in_reaches_the_api_when_the_stack_configures_client_ids():
    from entrypoints.settings import Settings

    run = run_program("dev", overrides={"refocused:googleClientIds": '["web.apps.example"]'})
    assert Settings.from_env(api_environment(run)).google_client_ids == ("web.apps.example",)


# -- the contract fails when the program declares less -------------------------------------------


def test_removing_any_variable_a_function_reads_and_needs_breaks_the_contract(
    monkeypatch: pytest.MonkeyPatch,
):
    run = cached_run("prod")
    removed = 0
    for module in MODULES:
        declared = lambda_environment(run, module)
        from entrypoints.composition.lambdas import LambdaSettings

        defaults = LambdaSettings()
        for variable in declared:
            # A variable whose value is the code's own default changes nothing when removed.
            if declared[variable] in {str(getattr(defaults, f, None)) for f in vars(defaults)}:
                continue
            smaller = {k: v for k, v in declared.items() if k != variable}
            assert start_function(run, module, monkeypatch, environment=smaller).problems, (
                f"{module} still works without {variable}: why does the program declare it?"
            )
            removed += 1
    assert removed >= 10


def test_removing_any_statement_a_function_uses_breaks_the_contract(
    monkeypatch: pytest.MonkeyPatch,
):
    run = cached_run("prod")
    for module in MODULES:
        declared = lambda_statements(run, module)
        for index, statement in enumerate(declared):
            if statement.get("Sid") in {"WriteItsOwnLogs", "ParkFailedEvents", "SendTraces"}:
                continue  # used by Lambda itself, not by the code
            if module == "ai_handler" and any(a.startswith("s3:") for a in statement["Action"]):
                continue  # the model download: platform/README.md, not checked here
            smaller = declared[:index] + declared[index + 1 :]
            outcome = start_function(run, module, monkeypatch, statements=smaller)
            assert any("may not" in p for p in outcome.problems), (module, statement)


def test_the_email_api_fails_the_contract_without_its_link_key_or_the_right_to_read_it(
    monkeypatch: pytest.MonkeyPatch,
):
    run = cached_run("staging")
    environment = lambda_environment(run, "email_api")
    environment.pop("REFOCUSED_EMAIL_LINK_KEY_ARN")
    (problem,) = start_function(run, "email_api", monkeypatch, environment=environment).problems
    assert "REFOCUSED_EMAIL_LINK_KEY_ARN" in problem
    statements = [
        s
        for s in lambda_statements(run, "email_api")
        if "secretsmanager:GetSecretValue" not in s["Action"]
    ]
    (problem,) = start_function(run, "email_api", monkeypatch, statements=statements).problems
    assert problem.startswith("email_api may not secretsmanager:GetSecretValue on arn:aws:")


def test_removing_any_variable_the_api_is_given_breaks_the_contract():
    from entrypoints.settings import Settings

    run = cached_run("prod")
    declared = api_environment(run)
    defaults = Settings()
    removed = []
    for variable in declared:
        name = variable.removeprefix("REFOCUSED_").lower()
        # A variable whose value is the code's own default changes nothing when removed.
        if str(getattr(defaults, name, None)) == declared[variable]:
            continue
        smaller = {k: v for k, v in declared.items() if k != variable}
        assert start_api(run, environment=smaller).problems, (
            f"the API still works without {variable}: why does the program declare it?"
        )
        removed.append(variable)
    assert len(removed) == len(declared) - 1  # all but REFOCUSED_AWS_REGION (us-east-1)


def test_removing_the_apis_table_or_queue_statements_breaks_the_contract():
    run = cached_run("prod")
    declared = api_statements(run)
    for index, statement in enumerate(declared):
        if statement.get("Sid") == "ReadTheApiSecrets":
            continue  # App Runner reads them for the container, before the code runs
        smaller = declared[:index] + declared[index + 1 :]
        assert any("may not" in p for p in start_api(run, statements=smaller).problems), statement


# -- error reporting ----------------------------------------------------------------------------

SENTRY_DSN = "https://public@o0.ingest.sentry.example/1"


def test_a_stack_with_a_sentry_dsn_gives_it_to_every_unit_as_a_secret_and_each_reports(
    monkeypatch: pytest.MonkeyPatch,
):
    import sentry_sdk
    from deployed_units import holds_secret

    from entrypoints.settings import Settings

    run = run_program("staging", overrides={"refocused:sentryDsn": SENTRY_DSN})
    try:
        for module in MODULES:
            assert holds_secret(lambda_modules(run)[module]["environment"]), module
            assert lambda_environment(run, module)["REFOCUSED_SENTRY_ENVIRONMENT"] == "staging"
            outcome = start_function(run, module, monkeypatch)
            assert _without_mail_identity(run, module, outcome) == []
            assert sentry_sdk.get_client().dsn == SENTRY_DSN, module
            sentry_sdk.get_client().close()
            sentry_sdk.get_global_scope().set_client(None)
        assert holds_secret(run.named("compute-api").inputs["sourceConfiguration"])
        assert start_api(run).problems == []
        settings = Settings.from_env(api_environment(run))
        assert (settings.sentry_dsn, settings.sentry_environment) == (SENTRY_DSN, "staging")
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)


def test_without_a_dsn_no_unit_is_given_one():
    run = cached_run("prod")
    given = [api_environment(run), *(lambda_environment(run, m) for m in MODULES)]
    assert not [env for env in given if any(k.startswith("REFOCUSED_SENTRY") for k in env)]
