"""The API service, the functions behind the HTTP API, their storage, and the stack's outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cached_run
from infra_harness import STACKS, ProgramRun

SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi marks a secret value on the wire
FIXED_API_SETTINGS = {
    "REFOCUSED_PROFILE",
    "REFOCUSED_TRUSTED_PROXY_HOPS",
    "REFOCUSED_CLIENT_IP_HEADER",
}
ZIP_FUNCTIONS = {"email_api", "email_sender", "ses_notifications", "feedback_api"}


def functions(run: ProgramRun) -> dict[str, dict]:
    return {f.inputs["name"]: f.inputs for f in run.of_type("aws:lambda/function:Function")}


def test_every_lambda_writes_to_a_log_group_with_retention(stack: ProgramRun):
    log_groups = {
        g.inputs["name"]: g.inputs for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")
    }
    declared = functions(stack)
    assert len(declared) == 5
    for name, function in declared.items():
        group = function["loggingConfig"]["logGroup"]
        assert group == f"/aws/lambda/{name}"
        assert log_groups[group]["retentionInDays"] > 0


def test_every_log_group_expires_its_logs(stack: ProgramRun):
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["retentionInDays"] > 0


def test_zip_functions_run_their_handler_module_and_the_ai_handler_runs_an_image(stack: ProgramRun):
    declared = functions(stack)
    for module in ZIP_FUNCTIONS:
        function = declared[f"refocused-{stack.stack}-{module.replace('_', '-')}"]
        assert function["packageType"] == "Zip"
        assert function["handler"] == f"entrypoints.lambdas.{module}.handler"
        assert function["runtime"] == "python3.11"
        assert function["s3Key"] == "lambdas/refocused-lambdas.zip"
        assert function["s3ObjectVersion"] == "version-of-serverless-lambda-package"
    ai = declared[f"refocused-{stack.stack}-ai-handler"]
    assert ai["packageType"] == "Image"
    assert ai["imageUri"].endswith(f"/refocused-{stack.stack}-ai-handler:v1.2.3")
    assert ai["environment"]["variables"]["MODEL_BUCKET"] == stack.exports["model_bucket"]


def test_the_http_api_routes_each_service_to_its_function_and_the_rest_to_app_runner(
    stack: ProgramRun,
):
    routes = {
        r.inputs["routeKey"]: r.inputs["target"]
        for r in stack.of_type("aws:apigatewayv2/route:Route")
    }
    integrations = {
        f"integrations/{i.name}-id": i.inputs
        for i in stack.of_type("aws:apigatewayv2/integration:Integration")
    }
    targets = {key: integrations[target] for key, target in routes.items()}
    assert targets["ANY /email/{proxy+}"]["integrationUri"].endswith("-email-api/invocations")
    assert targets["ANY /feedback/{proxy+}"]["integrationUri"].endswith("-feedback-api/invocations")
    assert targets["ANY /ai/{proxy+}"]["integrationUri"].endswith("-ai-handler/invocations")
    assert targets["ANY /{proxy+}"]["integrationType"] == "HTTP_PROXY"
    assert targets["ANY /{proxy+}"]["integrationUri"].startswith("https://compute-api.awsapprunner")


def test_the_email_sender_and_notifications_listen_on_their_topics(stack: ProgramRun):
    subscriptions = {
        s.inputs["topic"].rsplit(":", 1)[1]: s.inputs["endpoint"].rsplit(":", 1)[1]
        for s in stack.of_type("aws:sns/topicSubscription:TopicSubscription")
    }
    prefix = f"refocused-{stack.stack}"
    assert subscriptions == {
        f"{prefix}-email-requests": f"{prefix}-email-sender",
        f"{prefix}-ses-notifications": f"{prefix}-ses-notifications",
    }


def test_the_api_service_runs_the_image_with_its_secrets_behind_the_vpc_connector(
    stack: ProgramRun,
):
    service = stack.named("compute-api").inputs
    image = service["sourceConfiguration"]["imageRepository"]
    assert image["imageIdentifier"] == f"{stack.exports['api_repository_url']}:v1.2.3"
    configuration = image["imageConfiguration"]
    assert configuration["port"] == "8000"
    environment = dict(configuration["runtimeEnvironmentVariables"])
    # Without Redis each process limits alone, at its share of the most processes there can be.
    divisor = environment.pop("REFOCUSED_DEGRADED_RATE_DIVISOR")
    assert int(divisor) == 2 * stack.named("compute-scaling").inputs["maxSize"]
    assert {k: v for k, v in environment.items() if k in FIXED_API_SETTINGS} == {
        "REFOCUSED_PROFILE": "production",
        "REFOCUSED_TRUSTED_PROXY_HOPS": "1",
        "REFOCUSED_CLIENT_IP_HEADER": "forwarded",
    }
    # The rest comes from the stack; test_environment_contract.py holds it to the API's code.
    assert environment["REFOCUSED_FEEDBACK_TABLE"] == stack.exports["feedback_table"]
    assert configuration["runtimeEnvironmentSecrets"] == stack.exports["secret_arns"]
    # Production serves /metrics only to a scraper that sends this token.
    assert "REFOCUSED_METRICS_TOKEN" in configuration["runtimeEnvironmentSecrets"]
    assert service["healthCheckConfiguration"]["path"] == "/health"
    egress = service["networkConfiguration"]["egressConfiguration"]
    assert egress["egressType"] == "VPC"
    connector = stack.named("compute-connector").inputs
    assert set(connector["subnets"]) == {"network-private-0-id", "network-private-1-id"}


def test_image_repositories_scan_on_push_keep_tags_immutable_and_expire_old_images(
    stack: ProgramRun,
):
    repositories = stack.of_type("aws:ecr/repository:Repository")
    assert len(repositories) == 2
    policies = {p.name for p in stack.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")}
    for repository in repositories:
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
        assert f"{repository.name}-lifecycle" in policies
        rules = json.loads(stack.named(f"{repository.name}-lifecycle").inputs["policy"])["rules"]
        assert {r["action"]["type"] for r in rules} == {"expire"}


def test_tables_are_on_demand_with_point_in_time_recovery_and_ttl(stack: ProgramRun):
    tables = {t.inputs["name"]: t.inputs for t in stack.of_type("aws:dynamodb/table:Table")}
    assert set(tables) == {
        stack.exports["email_table"],
        stack.exports["feedback_table"],
        stack.exports["assistant_history_table"],
    }
    for table in tables.values():
        assert table["billingMode"] == "PAY_PER_REQUEST"
        assert table["pointInTimeRecovery"] == {"enabled": True}
        assert table["ttl"] == {"attributeName": "expires_at", "enabled": True}
        assert (table["hashKey"], table["rangeKey"]) == ("pk", "sk")


def test_every_bucket_is_private_and_versioned(stack: ProgramRun):
    buckets = [b.name for b in stack.of_type("aws:s3/bucket:Bucket")]
    assert sorted(buckets) == ["serverless-artifacts", "serverless-models"]
    for bucket in buckets:
        access = stack.named(f"{bucket}-public-access").inputs
        flags = (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
        assert all(access[flag] for flag in flags)
        versioning = stack.named(f"{bucket}-versioning").inputs
        assert versioning["versioningConfiguration"] == {"status": "Enabled"}


def test_the_lambda_package_is_uploaded_to_the_private_artifacts_bucket(stack: ProgramRun):
    upload = stack.named("serverless-lambda-package").inputs
    assert upload["bucket"] == "serverless-artifacts-id"
    assert upload["key"] == "lambdas/refocused-lambdas.zip"


def test_no_secret_is_exported_in_plain_text(stack: ProgramRun):
    # The cache, metrics and gateway tokens, a password, a key, and the journal KEK and the
    # access-token key (as base64 and as hex each).
    assert len(stack.secret_values) == 9
    exported = json.dumps(stack.exports)
    for secret in stack.secret_values:
        assert secret not in exported
    assert not {"database_url", "redis_url"} & set(stack.exports)


@pytest.mark.parametrize("name", STACKS)
def test_no_resource_is_declared_inside_an_apply(name: str):
    # A preview knows no computed output, so it never runs an apply: whatever a program
    # declares inside one is missing from the preview, and so from review.
    assert cached_run(name, "preview").listing() == cached_run(name).listing()


def test_every_resource_belongs_to_one_of_the_components(stack: ProgramRun):
    top_level = {
        f"refocused:platform:{c}"
        for c in ("Network", "Data", "Compute", "Serverless", "Edge", "Alarms")
    }
    assert len(stack.urns) == len(stack.resources)
    for urn in stack.urns:
        *parents, own_type = urn.split("::")[2].split("$")
        (parent,) = parents
        if own_type in top_level:
            assert parent == "pulumi:pulumi:Stack"
        else:
            assert parent.startswith("refocused:platform:"), urn


def test_a_first_deployment_creates_the_repositories_before_what_runs_from_them():
    bootstrap = cached_run("dev", "bootstrap")
    assert len(bootstrap.of_type("aws:ecr/repository:Repository")) == 2
    assert not bootstrap.of_type("aws:apprunner/service:Service")
    assert not bootstrap.has("serverless-ai-handler-function")
    assert "api_service_url" not in bootstrap.exports
    assert len(bootstrap.of_type("aws:lambda/function:Function")) == 4


def test_stacks_with_a_domain_serve_the_api_and_client_on_it(prod: ProgramRun, dev: ProgramRun):
    assert prod.exports["api_url"] == "https://api.refocused.app"
    assert prod.exports["web_url"] == "https://refocused.app"
    record = prod.named("edge-api-record").inputs
    assert record["name"] == "api.refocused.app" and record["type"] == "A"
    assert prod.named("edge-web-domain").inputs["domainName"] == "refocused.app"
    assert len([r for r in prod.of_type("aws:route53/record:Record") if "dkim" in r.name]) == 3
    assert not dev.of_type("aws:route53/record:Record")
    assert dev.exports["api_url"].startswith("https://serverless-http-api.execute-api")


def test_a_missing_lambda_package_stops_the_deployment_with_the_build_command(tmp_path: Path):
    from refocused_infra.stack import MissingArtifact, lambda_package

    with pytest.raises(MissingArtifact, match=r"lambda_build/build\.py"):
        lambda_package("dist/lambdas/refocused-lambdas.zip", project_dir=tmp_path)
    built = tmp_path / "dist/lambdas/refocused-lambdas.zip"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"PK\x05\x06" + bytes(18))
    assert lambda_package("dist/lambdas/refocused-lambdas.zip", project_dir=tmp_path).path == str(
        built
    )


def test_a_client_repository_is_connected_with_its_token_kept_secret():
    from infra_harness import run_program

    run = run_program(
        "dev",
        overrides={
            "refocused:web": '{"repository": "https://github.com/refocused/web", "branch": "main"}',
            "refocused:webAccessToken": "mock-secret-web-token",
        },
    )
    app = run.named("edge-web").inputs
    assert app["repository"] == "https://github.com/refocused/web"
    assert app["accessToken"]["value"] == "mock-secret-web-token"
    assert SECRET_SIG in app["accessToken"]
    assert run.named("edge-web-branch").inputs["enableAutoBuild"] is True


def test_without_a_repository_the_client_is_deployed_by_its_own_pipeline(dev: ProgramRun):
    assert "repository" not in dev.named("edge-web").inputs
    assert dev.named("edge-web-branch").inputs["enableAutoBuild"] is False
