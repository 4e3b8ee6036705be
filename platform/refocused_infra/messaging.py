"""Messaging for the email service: encrypted SNS topics between the email API and its sender
and from SES back to the service, a dead-letter queue, and the SES domain identity with DKIM.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from . import policies
from .settings import DomainSettings

DKIM_TOKENS = 3  # SES Easy DKIM always issues three tokens.
SES_NOTIFICATION_TYPES = ("Bounce", "Complaint", "Delivery")
DEAD_LETTER_RETENTION_S = 14 * 24 * 3600

# The account administers the key through IAM; every action is named (no kms:*).
KEY_ADMINISTRATION_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]


class Messaging(pulumi.ComponentResource):
    key: aws.kms.Key
    email_requests: aws.sns.Topic
    ses_notifications: aws.sns.Topic
    dead_letters: aws.sqs.Queue
    identity: aws.ses.DomainIdentity | None

    def __init__(
        self,
        name: str,
        prefix: str,
        account_id: pulumi.Input[str],
        domain: DomainSettings | None,
        zone_id: pulumi.Input[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("refocused:platform:Messaging", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_root = pulumi.Output.concat("arn:aws:iam::", account_id, ":root")

        # A key of our own rather than aws/sns: SES can publish to a topic only if the topic's
        # key policy lets it, and the AWS-managed key's policy cannot be changed.
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"{prefix}: email topics and queues",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policies.document(
                [
                    {
                        "Sid": "AccountAdministersTheKey",
                        "Effect": "Allow",
                        "Principal": {"AWS": account_root},
                        "Action": KEY_ADMINISTRATION_ACTIONS,
                        # In a key policy, "*" means this key and nothing else.
                        "Resource": "*",
                    },
                    {
                        "Sid": "SesPublishesNotifications",
                        "Effect": "Allow",
                        "Principal": {"Service": "ses.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                    },
                ]
            ),
            opts=child,
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=f"alias/{prefix}-messaging",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.email_requests = aws.sns.Topic(
            f"{name}-email-requests",
            name=f"{prefix}-email-requests",
            kms_master_key_id=self.key.arn,
            opts=child,
        )
        self.ses_notifications = aws.sns.Topic(
            f"{name}-ses-notifications",
            name=f"{prefix}-ses-notifications",
            kms_master_key_id=self.key.arn,
            opts=child,
        )
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dead-letters",
            name=f"{prefix}-email-dead-letters",
            message_retention_seconds=DEAD_LETTER_RETENTION_S,
            sqs_managed_sse_enabled=True,
            opts=child,
        )

        self.identity = None
        if domain is not None and zone_id is not None:
            self._ses_identity(name, domain, zone_id, account_id)
        self.register_outputs({"email_requests_topic": self.email_requests.arn})

    def _ses_identity(
        self,
        name: str,
        domain: DomainSettings,
        zone_id: pulumi.Input[str],
        account_id: pulumi.Input[str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.ses.DomainIdentity(f"{name}-ses-domain", domain=domain.name, opts=child)
        self.identity = identity
        verification_record = aws.route53.Record(
            f"{name}-ses-verification",
            zone_id=zone_id,
            name=f"_amazonses.{domain.name}",
            type="TXT",
            ttl=600,
            records=[identity.verification_token],
            opts=child,
        )
        dkim = aws.ses.DomainDkim(f"{name}-ses-dkim", domain=identity.domain, opts=child)
        for index in range(DKIM_TOKENS):
            token = dkim.dkim_tokens[index]
            aws.route53.Record(
                f"{name}-ses-dkim-{index}",
                zone_id=zone_id,
                name=pulumi.Output.concat(token, "._domainkey.", domain.name),
                type="CNAME",
                ttl=600,
                records=[pulumi.Output.concat(token, ".dkim.amazonses.com")],
                opts=child,
            )
        # SES attaches notification topics to verified identities only.
        verified = aws.ses.DomainIdentityVerification(
            f"{name}-ses-domain-verified",
            domain=identity.domain,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[verification_record]),
        )
        publish_policy = aws.sns.TopicPolicy(
            f"{name}-ses-notifications-policy",
            arn=self.ses_notifications.arn,
            policy=policies.document(
                [
                    {
                        "Sid": "SesReportsToTheService",
                        "Effect": "Allow",
                        "Principal": {"Service": "ses.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": self.ses_notifications.arn,
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": account_id},
                            "ArnLike": {"aws:SourceArn": identity.arn},
                        },
                    }
                ]
            ),
            opts=child,
        )
        for kind in SES_NOTIFICATION_TYPES:
            aws.ses.IdentityNotificationTopic(
                f"{name}-ses-{kind.lower()}",
                identity=verified.domain,
                notification_type=kind,
                topic_arn=self.ses_notifications.arn,
                include_original_headers=False,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[publish_policy]),
            )

    def publish_key_statement(self) -> dict[str, Any]:
        """What a publisher to an encrypted topic needs on the topic's key."""
        return policies.statement(["kms:Decrypt", "kms:GenerateDataKey"], [self.key.arn])

    def subscribe(self, name: str, topic: aws.sns.Topic, function: aws.lambda_.Function) -> None:
        child = pulumi.ResourceOptions(parent=self)
        permission = aws.lambda_.Permission(
            f"{name}-sns-invoke",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="sns.amazonaws.com",
            source_arn=topic.arn,
            opts=child,
        )
        aws.sns.TopicSubscription(
            f"{name}-subscription",
            topic=topic.arn,
            protocol="lambda",
            endpoint=function.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )
