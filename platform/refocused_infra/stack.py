"""The composition root: one stack's components, wired together, and what the stack exports."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from .alarms import Alarms, AlarmsArgs
from .compute import Compute, ComputeArgs
from .data import Data, DataArgs
from .edge import Edge, EdgeArgs
from .network import Network, NetworkArgs
from .serverless import Serverless, ServerlessArgs
from .settings import StackSettings


class MissingArtifact(RuntimeError):
    pass


def lambda_package(path: str, project_dir: Path | None = None) -> pulumi.Asset:
    """The built Lambda zip; a stack is never deployed with code that was not built."""
    package = (project_dir or Path.cwd()) / path
    if not package.is_file():
        raise MissingArtifact(
            f"Lambda package {package} not found: build it with "
            "`python platform/lambda_build/build.py --out dist/lambdas` from the repository root"
        )
    return pulumi.FileAsset(str(package))


def error_reporting(settings: StackSettings) -> dict[str, pulumi.Input[str]]:
    """Where the API and the functions report errors (entrypoints/error_reporting.py), when
    the stack has a Sentry DSN. The DSN stays a Pulumi secret (encrypted in the state, hidden
    in previews); it reaches the units as a plain variable, as Sentry's DSN may: it lets its
    holder send events, not read them."""
    if settings.sentry_dsn is None:
        return {}
    return {
        "REFOCUSED_SENTRY_DSN": settings.sentry_dsn,
        "REFOCUSED_SENTRY_ENVIRONMENT": settings.stack,
    }


def api_environment(
    settings: StackSettings, api_url: pulumi.Input[str], web_url: pulumi.Input[str]
) -> dict[str, pulumi.Input[str]]:
    """The API's settings that come from the stack itself (entrypoints/settings.py)."""
    environment: dict[str, pulumi.Input[str]] = {
        "REFOCUSED_AWS_REGION": settings.region,
        # Mail links and the sign-in origin check: the address users reach the API at.
        "REFOCUSED_PUBLIC_URL": api_url,
        "REFOCUSED_CORS_ORIGINS": web_url,
    }
    if settings.google_client_ids:
        environment["REFOCUSED_GOOGLE_CLIENT_IDS"] = ",".join(settings.google_client_ids)
    return {**environment, **error_reporting(settings)}


def build_stack(
    settings: StackSettings, package: pulumi.Asset | None = None
) -> dict[str, pulumi.Output[object]]:
    """Declares every resource of the stack; returns the outputs to export."""
    package = package or lambda_package(settings.functions.package_path)
    prefix = settings.prefix
    account_id = aws.get_caller_identity_output().account_id
    zone_id = None
    if settings.domain is not None:
        zone_id = aws.route53.get_zone_output(
            name=settings.domain.hosted_zone, private_zone=False
        ).zone_id

    network = Network(
        "network",
        NetworkArgs(
            prefix=prefix,
            settings=settings.network,
            account_id=account_id,
            region=settings.region,
        ),
    )
    data = Data(
        "data",
        DataArgs(
            prefix=prefix,
            account_id=account_id,
            database=settings.database,
            cache=settings.cache,
            vpc_id=network.vpc.id,
            private_subnet_ids=[subnet.id for subnet in network.private_subnets],
            client_security_group_id=network.app_security_group.id,
            protect=settings.protect_data,
            log_retention_days=settings.log_retention_days,
        ),
    )
    # The order breaks what would be cycles: the client's origin is known before the gateway
    # (its CORS), the gateway's URL before the API service (its links), and the API service's
    # URL before the functions that ask it about sessions and the routes that forward to it;
    # the stage (its throttles name routes) and the custom domain's mapping come last.
    edge = Edge(
        "edge",
        EdgeArgs(
            prefix=prefix,
            domain=settings.domain,
            web=settings.web,
            zone_id=zone_id,
            production=settings.protect_data,
        ),
    )
    serverless = Serverless(
        "serverless",
        ServerlessArgs(
            prefix=prefix,
            account_id=account_id,
            functions=settings.functions,
            package=package,
            log_retention_days=settings.log_retention_days,
            access_token_jwks=data.access_token_jwks,
            email_link_key_arn=data.email_link_key_arn,
            web_origins=[edge.web_url],
            domain=settings.domain,
            zone_id=zone_id,
            protect=settings.protect_data,
            error_reporting=error_reporting(settings),
            region=settings.region,
        ),
    )
    api_url = edge.public_api_url(serverless.http_api.api_endpoint)
    shared_environment, shared_statements = serverless.api_service_access()
    compute = Compute(
        "compute",
        ComputeArgs(
            prefix=prefix,
            api=settings.api,
            account_id=account_id,
            private_subnet_ids=[subnet.id for subnet in network.private_subnets],
            connector_security_group_id=network.app_security_group.id,
            secret_arns=data.secret_arns,
            secrets_ready=data.secret_versions,
            protect=settings.protect_data,
            environment={
                **api_environment(settings, api_url, edge.web_url),
                **shared_environment,
            },
            statements=shared_statements,
            region=settings.region,
            log_retention_days=settings.log_retention_days,
        ),
    )
    serverless.add_functions(compute.service_url, data.gateway_token, api_url)
    edge.serve_api(serverless.http_api.id, serverless.stage.id, serverless.http_api.api_endpoint)
    Alarms(
        "alarms",
        AlarmsArgs(
            prefix=prefix,
            region=settings.region,
            topic_arn=data.alarms.arn,
            function_names={m: f.function.name for m, f in serverless.functions.items()},
            http_api_id=serverless.http_api.id,
            dead_letter_queue_name=serverless.messaging.dead_letters.name,
            database_identifier=data.database.identifier,
            database=settings.database,
            nat_group_name=network.nat_group.name,
        ),
    )

    outputs: dict[str, pulumi.Output[object]] = {
        "api_url": edge.api_url,
        "web_url": edge.web_url,
        "web_app_id": edge.web_app.id,
        "api_repository_url": compute.repository.repository_url,
        "ai_handler_repository_url": serverless.ai_handler_repository.repository_url,
        "email_table": serverless.tables["email"].name,
        "feedback_table": serverless.tables["feedback"].name,
        "assistant_history_table": serverless.tables["assistant-history"].name,
        "model_bucket": serverless.model_bucket.bucket,
        "database_address": data.database.address,
        "cache_address": data.cache.primary_endpoint_address,
        "secret_arns": pulumi.Output.from_input(data.secret_arns),
    }
    if compute.service_url is not None:
        outputs["api_service_url"] = compute.service_url
    return outputs
