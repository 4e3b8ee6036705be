"""The data tier: PostgreSQL on RDS and Redis on ElastiCache in the private subnets, and the
application's secrets, generated here and kept in Secrets Manager.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from . import policies
from .keys import access_token_keys, email_link_key
from .messaging import KEY_ADMINISTRATION_ACTIONS
from .network import POSTGRES, REDIS
from .settings import CacheSettings, DatabaseSettings

DATABASE_NAME = "refocused"
DATABASE_USER = "refocused"


def _secret(value: pulumi.Output[str]) -> pulumi.Output[str]:
    """Marks a value secret here, whatever the engine would infer, so no output can leak it."""
    return pulumi.Output.secret(value)


@dataclass(frozen=True)
class DataArgs:
    prefix: str
    account_id: pulumi.Input[str]
    database: DatabaseSettings
    cache: CacheSettings
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    # The only security group the database and the cache admit (the App Runner connector's).
    client_security_group_id: pulumi.Input[str]
    protect: bool
    log_retention_days: int = 30


class Data(pulumi.ComponentResource):
    database: aws.rds.Instance
    cache: aws.elasticache.ReplicationGroup
    # Where the data tier's alarms go (subscribe the operators to it).
    alarms: aws.sns.Topic
    cache_alarms: list[aws.cloudwatch.MetricAlarm]
    # Secrets Manager secret ARNs by the environment variable they fill.
    secret_arns: dict[str, pulumi.Output[str]]
    # What a consumer of the secrets waits for: a secret is readable once its value exists.
    secret_versions: list[aws.secretsmanager.SecretVersion]
    # The secret values themselves, always marked secret.
    database_url: pulumi.Output[str]
    redis_url: pulumi.Output[str]
    # The public keys that verify access tokens (a JWKS): not secret, for the functions.
    access_token_jwks: pulumi.Output[str]
    # The key mail links are signed with, derived from the service secret: the email API's
    # only secret (the API derives it itself and never reads this one).
    email_link_key_arn: pulumi.Output[str]
    # The secret header value the gateway proves itself with to the API service.
    gateway_token: pulumi.Output[str]

    def __init__(self, name: str, args: DataArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("refocused:platform:Data", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        database_password = random.RandomPassword(
            f"{name}-db-password",
            length=40,
            # URL-safe characters only: the password is embedded in DATABASE_URL.
            special=False,
            opts=child,
        )
        database_security_group = _connector_only_group(
            f"{name}-db-sg", args, "PostgreSQL", POSTGRES, f"{args.prefix}-db", child
        )
        database_subnets = aws.rds.SubnetGroup(
            f"{name}-db-subnets",
            name=f"{args.prefix}-db",
            subnet_ids=list(args.private_subnet_ids),
            description=f"{args.prefix}: private subnets",
            opts=child,
        )
        identifier = f"{args.prefix}-db"
        # RDS would create this group itself on the first export, with no retention.
        database_logs = aws.cloudwatch.LogGroup(
            f"{name}-db-logs",
            name=f"/aws/rds/instance/{identifier}/postgresql",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        # A final snapshot's name must be new in the account: a stack recreated and destroyed
        # again would otherwise collide with the first one's snapshot, and the destroy fails.
        snapshot_suffix = random.RandomId(
            f"{name}-final-snapshot-suffix", byte_length=4, opts=child
        )
        self.database = aws.rds.Instance(
            f"{name}-db",
            identifier=identifier,
            engine="postgres",
            engine_version=args.database.engine_version,
            instance_class=args.database.instance_class,
            allocated_storage=args.database.allocated_storage_gb,
            max_allocated_storage=args.database.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            db_name=DATABASE_NAME,
            username=DATABASE_USER,
            password=database_password.result,
            db_subnet_group_name=database_subnets.name,
            vpc_security_group_ids=[database_security_group.id],
            publicly_accessible=False,
            multi_az=args.database.multi_az,
            deletion_protection=args.database.deletion_protection,
            backup_retention_period=args.database.backup_retention_days,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            skip_final_snapshot=not args.protect,
            final_snapshot_identifier=(
                pulumi.Output.concat(identifier, "-final-", snapshot_suffix.hex)
                if args.protect
                else None
            ),
            enabled_cloudwatch_logs_exports=["postgresql"],
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, depends_on=[database_logs]
            ),
        )

        cache_token = random.RandomPassword(
            f"{name}-cache-token",
            length=64,
            # ElastiCache rejects @, " and / in an auth token; alphanumerics are always accepted.
            special=False,
            opts=child,
        )
        cache_security_group = _connector_only_group(
            f"{name}-cache-sg", args, "Redis", REDIS, f"{args.prefix}-cache", child
        )
        cache_subnets = aws.elasticache.SubnetGroup(
            f"{name}-cache-subnets",
            name=f"{args.prefix}-cache",
            subnet_ids=list(args.private_subnet_ids),
            description=f"{args.prefix}: private subnets",
            opts=child,
        )
        # noeviction: a full Redis refuses writes (the API then runs on its per-process
        # fallbacks) instead of silently dropping keys. The default volatile-lru evicts keys
        # that carry a TTL first: rate-limit buckets (a limit that resets) and, before, the
        # revocation entries (a signed-out token that worked again). The alarms below fire
        # well before the memory is full, and on any eviction at all.
        cache_parameters = aws.elasticache.ParameterGroup(
            f"{name}-cache-params",
            name=f"{args.prefix}-cache-params",
            family=f"redis{args.cache.engine_version.split('.')[0]}",
            description=f"{args.prefix}: never evict (sessions and rate limits)",
            parameters=[{"name": "maxmemory-policy", "value": "noeviction"}],
            opts=child,
        )
        replicated = args.cache.nodes > 1
        self.cache = aws.elasticache.ReplicationGroup(
            f"{name}-cache",
            replication_group_id=f"{args.prefix}-cache",
            description=f"{args.prefix}: sessions, caching and rate limits",
            engine="redis",
            engine_version=args.cache.engine_version,
            node_type=args.cache.node_type,
            num_cache_clusters=args.cache.nodes,
            automatic_failover_enabled=replicated,
            multi_az_enabled=replicated,
            port=REDIS,
            subnet_group_name=cache_subnets.name,
            security_group_ids=[cache_security_group.id],
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            auth_token=cache_token.result,
            snapshot_retention_limit=args.database.backup_retention_days if args.protect else 0,
            parameter_group_name=cache_parameters.name,
            opts=child,
        )
        self.alarms = _alarm_topic(name, args, child)
        self.cache_alarms = _cache_alarms(name, args, self.alarms, child)

        self.database_url = _secret(
            pulumi.Output.format(
                "postgresql+asyncpg://{0}:{1}@{2}:{3}/{4}",
                DATABASE_USER,
                database_password.result,
                self.database.address,
                self.database.port,
                DATABASE_NAME,
            )
        )
        self.redis_url = _secret(
            pulumi.Output.format(
                "rediss://:{0}@{1}:{2}/0",
                cache_token.result,
                self.cache.primary_endpoint_address,
                REDIS,
            )
        )
        secret_key = random.RandomPassword(
            f"{name}-secret-key", length=64, special=False, opts=child
        )
        # 32 random bytes, base64: the journal's key-encryption key.
        journal_kek = random.RandomBytes(f"{name}-journal-kek", length=32, opts=child)
        # 32 random bytes: the Ed25519 key that signs access tokens. The API gets the private
        # key; the functions only its public half, which is no secret.
        access_token_seed = random.RandomBytes(f"{name}-access-token-key", length=32, opts=child)
        access_token_pair = access_token_seed.base64.apply(access_token_keys)
        self.access_token_jwks = pulumi.Output.unsecret(access_token_pair.apply(lambda k: k[1]))
        # What a Prometheus scraper sends as `Authorization: Bearer`; production serves no
        # /metrics without it.
        metrics_token = random.RandomPassword(
            f"{name}-metrics-token", length=48, special=False, opts=child
        )

        # What the gateway adds to every request it forwards to the API service, which refuses
        # requests without it: the service's own URL is public, its throttles are the gateway's.
        gateway_token = random.RandomPassword(
            f"{name}-gateway-token", length=48, special=False, opts=child
        )
        self.gateway_token = _secret(gateway_token.result)

        values = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REFOCUSED_SECRET_KEY": _secret(secret_key.result),
            "REFOCUSED_JOURNAL_KEK": _secret(journal_kek.base64),
            "REFOCUSED_ACCESS_TOKEN_KEY": _secret(access_token_pair.apply(lambda k: k[0])),
            "REFOCUSED_METRICS_TOKEN": _secret(metrics_token.result),
            "REFOCUSED_GATEWAY_TOKEN": self.gateway_token,
        }
        self.secret_arns = {}
        self.secret_versions = []
        for variable, value in values.items():
            slug = variable.lower().replace("_", "-")
            secret = aws.secretsmanager.Secret(
                f"{name}-{slug}",
                name=f"{args.prefix}/{slug}",
                description=f"{args.prefix}: {variable} for the API",
                recovery_window_in_days=30 if args.protect else 0,
                opts=child,
            )
            self.secret_versions.append(
                aws.secretsmanager.SecretVersion(
                    f"{name}-{slug}-value",
                    secret_id=secret.id,
                    secret_string=value,
                    opts=child,
                )
            )
            self.secret_arns[variable] = secret.arn

        link_secret = aws.secretsmanager.Secret(
            f"{name}-email-link-key",
            name=f"{args.prefix}/email-link-key",
            description=f"{args.prefix}: the mail-link key, derived from the service secret",
            recovery_window_in_days=30 if args.protect else 0,
            opts=child,
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-email-link-key-value",
            secret_id=link_secret.id,
            secret_string=_secret(secret_key.result.apply(email_link_key)),
            opts=child,
        )
        self.email_link_key_arn = link_secret.arn

        self.register_outputs(
            {
                "database_address": self.database.address,
                "cache_address": self.cache.primary_endpoint_address,
                "secret_arns": self.secret_arns,
            }
        )


#: Alarm when Redis's used memory passes this share of its maxmemory: under noeviction a full
#: Redis refuses writes, and the API falls back to per-process limits.
CACHE_MEMORY_ALARM_PERCENT = 80


def _alarm_topic(name: str, args: DataArgs, opts: pulumi.ResourceOptions) -> aws.sns.Topic:
    """Encrypted with a key of its own: CloudWatch can publish to an encrypted topic only if
    the key's policy lets it, and the AWS-managed aws/sns key's policy cannot be changed."""
    account_root = pulumi.Output.concat("arn:aws:iam::", args.account_id, ":root")
    key = aws.kms.Key(
        f"{name}-alarms-key",
        description=f"{args.prefix}: data-tier alarm notifications",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policies.document(
            [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_root},
                    "Action": KEY_ADMINISTRATION_ACTIONS,
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchPublishesAlarms",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": args.account_id}},
                },
            ]
        ),
        opts=opts,
    )
    return aws.sns.Topic(
        f"{name}-alarms",
        name=f"{args.prefix}-data-alarms",
        kms_master_key_id=key.arn,
        opts=opts,
    )


def _cache_alarms(
    name: str, args: DataArgs, topic: aws.sns.Topic, opts: pulumi.ResourceOptions
) -> list[aws.cloudwatch.MetricAlarm]:
    """Per node (ElastiCache names a replication group's nodes <group>-001, -002 ...): memory
    nearing full, and any eviction at all (which noeviction should make impossible)."""
    alarms = []
    for index in range(1, args.cache.nodes + 1):
        node = f"{args.prefix}-cache-{index:03d}"
        for metric, statistic, threshold, periods, what in (
            (
                "DatabaseMemoryUsagePercentage",
                "Maximum",
                CACHE_MEMORY_ALARM_PERCENT,
                2,
                f"memory above {CACHE_MEMORY_ALARM_PERCENT} % of maxmemory",
            ),
            ("Evictions", "Sum", 0, 1, "keys evicted: is maxmemory-policy still noeviction?"),
        ):
            alarms.append(
                aws.cloudwatch.MetricAlarm(
                    f"{name}-cache-{index:03d}-{metric.lower()}",
                    name=f"{node}-{metric}",
                    alarm_description=f"{node}: {what}",
                    namespace="AWS/ElastiCache",
                    metric_name=metric,
                    dimensions={"CacheClusterId": node},
                    statistic=statistic,
                    period=60,
                    evaluation_periods=periods,
                    threshold=threshold,
                    comparison_operator="GreaterThanThreshold",
                    treat_missing_data="notBreaching",
                    alarm_actions=[topic.arn],
                    ok_actions=[topic.arn],
                    opts=opts,
                )
            )
    return alarms


def _connector_only_group(
    resource_name: str,
    args: DataArgs,
    service: str,
    port: int,
    tag: str,
    opts: pulumi.ResourceOptions,
) -> aws.ec2.SecurityGroup:
    """A security group that admits `port` from the application's connector and nothing else."""
    return aws.ec2.SecurityGroup(
        resource_name,
        vpc_id=args.vpc_id,
        description=f"{service}: admits the application connector only",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": port,
                "to_port": port,
                "security_groups": [args.client_security_group_id],
                "description": "the App Runner VPC connector",
            }
        ],
        tags={"Name": tag},
        opts=opts,
    )
