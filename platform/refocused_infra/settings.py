"""A stack's settings, read once from its Pulumi configuration into frozen, typed values.

Every component takes these values as arguments, so tests and other programs can build the
infrastructure with settings of their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pulumi

PROJECT_NAMESPACE = "refocused"
Settings = TypeVar("Settings")


@dataclass(frozen=True)
class NetworkSettings:
    vpc_cidr: str
    availability_zones: tuple[str, str]
    nat_instance_type: str = "t4g.nano"
    # An SSM public parameter, so the NAT instance starts from a current, patched Amazon Linux.
    nat_ami_parameter: str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"


@dataclass(frozen=True)
class DatabaseSettings:
    instance_class: str = "db.t4g.micro"
    engine_version: str = "16"
    allocated_storage_gb: int = 20
    max_allocated_storage_gb: int = 100
    multi_az: bool = False
    deletion_protection: bool = False
    backup_retention_days: int = 7
    # Alarm above this many connections. PostgreSQL on RDS allows about
    # DBInstanceClassMemory / 9.5 MB (about 100 on a micro, 400 on a medium); each API process
    # holds up to REFOCUSED_DB_POOL_SIZE of them.
    connections_alarm: int = 80


@dataclass(frozen=True)
class CacheSettings:
    node_type: str = "cache.t4g.micro"
    # Two or more nodes give a replica to fail over to (and Multi-AZ); one is a single point.
    nodes: int = 1
    engine_version: str = "7.1"


@dataclass(frozen=True)
class ApiSettings:
    cpu: str = "1 vCPU"
    memory: str = "2 GB"
    min_instances: int = 1
    max_instances: int = 2
    max_concurrency: int = 100
    # The ECR tag to run. Unset on a first `pulumi up`: the repository must exist and hold an
    # image before App Runner can start a service from it.
    image_tag: str | None = None


@dataclass(frozen=True)
class FunctionSettings:
    # The zip that platform/lambda_build/build.py writes, relative to the Pulumi project folder.
    package_path: str = "../dist/lambdas/refocused-lambdas.zip"
    memory_mb: int = 256
    timeout_s: int = 15
    # The ai-handler image tag in its ECR repository; unset until the first image is pushed.
    ai_handler_image_tag: str | None = None
    # A 1.2B-parameter model on CPU needs the memory for its weights and the vCPUs that come
    # with it (Lambda grants CPU in proportion to memory).
    ai_handler_memory_mb: int = 10240
    # Replies are background jobs the client follows (docs/api.md): a 256-token reply on CPU at
    # 1-5 tokens/s after a cold start of up to a minute fits; the gateway no longer bounds it.
    ai_handler_timeout_s: int = 600
    ai_handler_ephemeral_storage_mb: int = 10240
    ai_handler_reserved_concurrency: int = 2
    throttle_rate_per_s: int = 50
    throttle_burst: int = 100
    # Sign-in, subscribe and the assistant: each costs a password hash, a mail or a model run.
    costly_route_rate_per_s: int = 5
    costly_route_burst: int = 10
    # The public functions (email, feedback) can never take the account's whole concurrency,
    # and a flood of them cannot run up more than this many at once.
    public_reserved_concurrency: int = 10


@dataclass(frozen=True)
class DomainSettings:
    # The web client is served at `name`, the API at `api.<name>`.
    name: str
    # The Route 53 public hosted zone that holds `name` (the same name, or a parent domain).
    hosted_zone: str

    @property
    def api_name(self) -> str:
        return f"api.{self.name}"


@dataclass(frozen=True)
class WebSettings:
    # The client's Git repository (https URL); without one, the client's pipeline deploys
    # builds to the Amplify app itself.
    repository: str | None = None
    branch: str = "main"
    # `pulumi config set --secret refocused:webAccessToken <token>`: lets Amplify read the repo.
    access_token: pulumi.Output[str] | None = None


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    region: str
    network: NetworkSettings
    database: DatabaseSettings
    cache: CacheSettings
    api: ApiSettings
    functions: FunctionSettings
    log_retention_days: int
    domain: DomainSettings | None
    web: WebSettings
    # Production-grade protection: stops a `pulumi destroy` or a replacement from deleting data.
    protect_data: bool
    # OAuth client ids whose Google ID tokens the API accepts (`refocused:googleClientIds`);
    # none: Google sign-in is off.
    google_client_ids: tuple[str, ...] = ()
    # Sentry's DSN (`pulumi config set --secret refocused:sentryDsn <dsn>`): the API and every
    # function report their errors there; none: no error reporting.
    sentry_dsn: pulumi.Output[str] | None = None

    @property
    def prefix(self) -> str:
        return f"{self.project}-{self.stack}"


def _from_mapping(kind: type[Settings], values: dict[str, Any] | None) -> Settings:
    """Builds a settings dataclass from a YAML mapping written in camelCase."""
    values = values or {}
    fields = {field.name for field in dataclasses.fields(kind)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
        if snake not in fields:
            raise ValueError(f"unknown setting {key!r} for {kind.__name__}")
        kwargs[snake] = tuple(value) if isinstance(value, list) else value
    return kind(**kwargs)


def _web_settings(config: pulumi.Config) -> WebSettings:
    web = _from_mapping(WebSettings, config.get_object("web"))
    token = config.get_secret("webAccessToken")
    if web.repository and token is None:
        raise ValueError("refocused:web.repository needs the secret refocused:webAccessToken")
    return replace(web, access_token=token)


def load_settings(config: pulumi.Config | None = None) -> StackSettings:
    """Reads the current stack's settings (`refocused:*` and `aws:region`)."""
    config = config or pulumi.Config(PROJECT_NAMESPACE)
    network = _from_mapping(NetworkSettings, config.require_object("network"))
    if len(network.availability_zones) != 2:
        raise ValueError("refocused:network.availabilityZones must name exactly two zones")
    domain_values = config.get_object("domain")
    api = _from_mapping(ApiSettings, config.get_object("api"))
    functions = _from_mapping(FunctionSettings, config.get_object("functions"))
    # Image tags change with every release, so they are settings of their own
    # (`pulumi config set refocused:apiImageTag <tag>`) rather than part of a mapping.
    api_tag = config.get("apiImageTag")
    ai_tag = config.get("aiHandlerImageTag")
    if api_tag:
        api = replace(api, image_tag=api_tag)
    if ai_tag:
        functions = replace(functions, ai_handler_image_tag=ai_tag)
    return StackSettings(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        region=pulumi.Config("aws").require("region"),
        network=network,
        database=_from_mapping(DatabaseSettings, config.get_object("database")),
        cache=_from_mapping(CacheSettings, config.get_object("cache")),
        api=api,
        functions=functions,
        log_retention_days=config.get_int("logRetentionDays") or 30,
        domain=_from_mapping(DomainSettings, domain_values) if domain_values else None,
        web=_web_settings(config),
        protect_data=config.get_bool("protectData") or False,
        google_client_ids=tuple(config.get_object("googleClientIds") or ()),
        sentry_dsn=config.get_secret("sentryDsn"),
    )
