"""DynamoDB tables and private buckets: the serverless side's storage.

Every table has the same generic single-table key design, so each service encodes its own
access patterns in the key values (e.g. pk="FEATURE#<id>", sk="VOTE#<user_id>") without a
schema change here:

- `pk` (S) partition key, `sk` (S) sort key;
- `gsi1` on `gsi1pk` / `gsi1sk` (S) for the one secondary access pattern each service needs
  (the email service finds a sent message by its SES message id; the feedback service lists
  features by status);
- `expires_at` (N, epoch seconds) is the TTL attribute: items that set it are deleted after it.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from . import policies

PARTITION_KEY = "pk"
SORT_KEY = "sk"
INDEX_NAME = "gsi1"
TTL_ATTRIBUTE = "expires_at"


def table(name: str, table_name: str, protect: bool, parent: pulumi.Resource) -> aws.dynamodb.Table:
    return aws.dynamodb.Table(
        name,
        name=table_name,
        billing_mode="PAY_PER_REQUEST",
        hash_key=PARTITION_KEY,
        range_key=SORT_KEY,
        attributes=[
            {"name": PARTITION_KEY, "type": "S"},
            {"name": SORT_KEY, "type": "S"},
            {"name": f"{INDEX_NAME}pk", "type": "S"},
            {"name": f"{INDEX_NAME}sk", "type": "S"},
        ],
        global_secondary_indexes=[
            {
                "name": INDEX_NAME,
                "key_schemas": [
                    {"attribute_name": f"{INDEX_NAME}pk", "key_type": "HASH"},
                    {"attribute_name": f"{INDEX_NAME}sk", "key_type": "RANGE"},
                ],
                "projection_type": "ALL",
            }
        ],
        ttl={"attribute_name": TTL_ATTRIBUTE, "enabled": True},
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True},
        deletion_protection_enabled=protect,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )


def table_resources(table: aws.dynamodb.Table) -> list[pulumi.Output[str]]:
    """The table and its indexes: what a Query on the index is authorized against."""
    return [table.arn, pulumi.Output.concat(table.arn, "/index/", INDEX_NAME)]


def private_bucket(
    name: str,
    bucket_name: pulumi.Input[str],
    protect: bool,
    parent: pulumi.Resource,
    noncurrent_days: int = 30,
) -> tuple[aws.s3.Bucket, aws.s3.BucketVersioning]:
    """A private, versioned, encrypted bucket that accepts TLS requests only.

    A replaced object version is kept `noncurrent_days` days, for a rollback. Returns the
    versioning too: an upload that needs a version id waits for it.
    """
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(
        name,
        bucket=bucket_name,
        force_destroy=not protect,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=child,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"},
                "bucket_key_enabled": True,
            }
        ],
        opts=child,
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "expire-replaced-versions",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {"noncurrent_days": noncurrent_days},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            }
        ],
        opts=child,
    )
    aws.s3.BucketPolicy(
        f"{name}-tls-only",
        bucket=bucket.id,
        policy=policies.document(
            [
                {
                    "Sid": "DenyPlainHttp",
                    "Effect": "Deny",
                    "Principal": "*",
                    # A deny narrows access, so naming every action here is the strict choice.
                    "Action": "s3:*",
                    "Resource": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        ),
        opts=child,
    )
    return bucket, versioning
