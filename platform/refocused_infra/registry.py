"""ECR repositories: images are scanned on push, tags never move, and old images expire."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

# Keep enough releases to roll back a few times; untagged layers are build debris.
KEEP_TAGGED_IMAGES = 20
UNTAGGED_EXPIRY_DAYS = 7

LIFECYCLE_POLICY = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "description": "expire untagged images",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": UNTAGGED_EXPIRY_DAYS,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"keep the last {KEEP_TAGGED_IMAGES} images",
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": KEEP_TAGGED_IMAGES,
                },
                "action": {"type": "expire"},
            },
        ]
    }
)


def image_repository(
    name: str, repository_name: str, protect: bool, parent: pulumi.Resource
) -> aws.ecr.Repository:
    repository = aws.ecr.Repository(
        name,
        name=repository_name,
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration={"scan_on_push": True},
        encryption_configurations=[{"encryption_type": "AES256"}],
        force_delete=not protect,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.ecr.LifecyclePolicy(
        f"{name}-lifecycle",
        repository=repository.name,
        policy=LIFECYCLE_POLICY,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return repository
