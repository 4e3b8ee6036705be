"""The HTTP API in front: CORS for the web client, throttles on the costly routes, reserved
concurrency for the public functions, and the API service reachable through the gateway only."""

from __future__ import annotations

from deployed_units import SECRET_SIG, api_environment, matching_route, routes
from infra_harness import ProgramRun


def test_the_gateway_answers_preflights_from_the_web_client_only(stack: ProgramRun):
    cors = stack.named("serverless-http-api").inputs["corsConfiguration"]
    assert cors["allowOrigins"] == [stack.exports["web_url"]]
    # Cookies and bearer tokens cross origins: credentials, so never a wildcard origin.
    assert cors["allowCredentials"] is True
    assert {"POST", "PUT", "PATCH", "DELETE", "GET"} <= set(cors["allowMethods"])
    assert {"authorization", "content-type", "x-csrf-token"} <= set(cors["allowHeaders"])


def test_feedback_itself_and_everything_under_it_reach_the_feedback_function(stack: ProgramRun):
    declared = routes(stack)
    for method, path in (("POST", "/feedback"), ("GET", "/feedback/features")):
        assert declared[matching_route(list(declared), method, path)] == "feedback_api", path


def test_the_costly_routes_have_throttles_of_their_own_below_the_stages(stack: ProgramRun):
    stage = stack.named("serverless-http-api-stage").inputs
    default = stage["defaultRouteSettings"]
    throttled = {s["routeKey"]: s for s in stage["routeSettings"]}
    declared = routes(stack)
    costly = {
        ("POST", "/api/v1/auth/login"): "api",
        ("POST", "/api/v1/auth/register"): "api",
        ("POST", "/api/v1/auth/google"): "api",
        ("POST", "/api/v1/auth/token"): "api",
        ("POST", "/email/newsletter/subscribe"): "email_api",
        ("POST", "/api/v1/email/newsletter/subscribe"): "api",
        ("POST", "/ai/conversations/c1/messages"): "ai_handler",
        ("POST", "/api/v1/assistant/conversations/c1/messages"): "api",
    }
    for (method, path), target in costly.items():
        key = matching_route(list(declared), method, path)
        assert declared[key] == target, path
        assert key in throttled, f"{method} {path} is matched by {key}, which has no throttle"
        limit = throttled[key]
        assert limit["throttlingRateLimit"] < default["throttlingRateLimit"]
        assert limit["throttlingBurstLimit"] < default["throttlingBurstLimit"]
    # A throttle names a route; the stage must wait for the routes it names.
    assert set(throttled) <= set(declared)


def test_public_functions_have_reserved_concurrency(stack: ProgramRun):
    functions = {f.name: f.inputs for f in stack.of_type("aws:lambda/function:Function")}
    for name in ("email-api", "feedback-api", "ai-handler"):
        assert functions[f"serverless-{name}-function"]["reservedConcurrentExecutions"] > 0


def test_the_api_service_is_reached_through_the_gateway_only(stack: ProgramRun):
    parameters = stack.named("serverless-api-service-integration").inputs["requestParameters"]
    # The whole mapping is a secret: the token never shows in a preview or the state in clear.
    assert SECRET_SIG in parameters
    token = api_environment(stack)["REFOCUSED_GATEWAY_TOKEN"]
    assert len(token) >= 32
    assert parameters["value"] == {"overwrite:header.x-refocused-gateway": token}
    # The functions ask the API about sessions through the gateway too.
    functions = {f.name: f.inputs for f in stack.of_type("aws:lambda/function:Function")}
    variables = functions["serverless-feedback-api-function"]["environment"]["variables"]
    assert variables["REFOCUSED_API_URL"] == stack.exports["api_url"]
