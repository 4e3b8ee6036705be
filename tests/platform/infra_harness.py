"""Runs the Pulumi program in-process under pulumi.runtime.set_mocks and records what it declares.

The mocks play the part of AWS: they echo a resource's inputs back and add the outputs AWS
computes (ids, ARNs, endpoints). In preview mode they add nothing, so every computed output is
unknown, as in a real `pulumi preview`: a resource declared inside an `apply` then never
appears, which is how a preview hides it from review.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.sync_await import _sync_await

PROJECT_DIR = Path(__file__).resolve().parents[2] / "platform"
STACKS = ("dev", "staging", "prod")
ACCOUNT = "123456789012"
ZONE_ID = "Z0EXAMPLEZONE"
# Image tags as a release sets them, so every resource of a deployed stack is declared.
RELEASE_TAGS = {"refocused:apiImageTag": "v1.2.3", "refocused:aiHandlerImageTag": "v1.2.3"}
MOCK_SECRET_PREFIX = "mock-secret-"
RANDOM_BYTES = "random:index/randomBytes:RandomBytes"


@dataclass(frozen=True)
class DeclaredResource:
    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool


@dataclass
class ProgramRun:
    stack: str
    resources: list[DeclaredResource]
    urns: list[str] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    secret_exports: set[str] = field(default_factory=set)
    secret_values: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[DeclaredResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> DeclaredResource:
        (match,) = [r for r in self.resources if r.name == name]
        return match

    def has(self, name: str) -> bool:
        return any(r.name == name for r in self.resources)

    def listing(self) -> list[str]:
        """Every declared resource as `type name`, sorted: what the snapshot records."""
        return sorted(f"{r.type} {r.name}" for r in self.resources)


def stack_config(stack: str) -> dict[str, str]:
    """A Pulumi.<stack>.yaml as the engine hands config to a program: values as strings."""
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    config: dict[str, str] = {}
    for key, value in (document.get("config") or {}).items():
        if isinstance(value, str):
            config[key] = value
        elif isinstance(value, bool):
            config[key] = "true" if value else "false"
        elif isinstance(value, int | float):
            config[key] = str(value)
        else:
            config[key] = json.dumps(value)
    return config


def mock_password(name: str, length: int = 0) -> str:
    """What the mocks generate for a RandomPassword: recognisable, and as long as asked (the
    API refuses a secret key shorter than 32 characters, as it would a real one)."""
    return (MOCK_SECRET_PREFIX + name).ljust(length, "0")


def _mock_bytes(name: str) -> bytes:
    return hashlib.sha256(f"{MOCK_SECRET_PREFIX}{name}".encode()).digest()


def _arn(service: str, resource: str, region: str = "us-east-1", account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _computed(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Outputs AWS would compute for a resource, shaped as the provider returns them."""
    given = inputs.get("name") or name
    module = typ.split(":")[1].split("/")[0]
    by_type: dict[str, dict[str, Any]] = {
        "random:index/randomPassword:RandomPassword": {
            "result": mock_password(name, int(inputs.get("length") or 0))
        },
        # Real-looking bytes: the program derives the access-token key pair from them.
        RANDOM_BYTES: {
            "base64": base64.b64encode(_mock_bytes(name)).decode(),
            "hex": _mock_bytes(name).hex(),
        },
        "random:index/randomId:RandomId": {"hex": _mock_bytes(name)[:4].hex()},
        "aws:rds/instance:Instance": {"address": f"{given}.rds.example", "port": 5432},
        "aws:elasticache/replicationGroup:ReplicationGroup": {
            "primaryEndpointAddress": f"{name}.cache.example"
        },
        "aws:ecr/repository:Repository": {
            "arn": _arn("ecr", f"repository/{given}"),
            "repositoryUrl": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{given}",
        },
        "aws:apprunner/service:Service": {
            "serviceUrl": f"{name}.awsapprunner.example",
            "serviceId": hashlib.md5(name.encode()).hexdigest(),  # noqa: S324 (an id, no hash)
        },
        "aws:apigatewayv2/api:Api": {
            "apiEndpoint": f"https://{name}.execute-api.example",
            "executionArn": _arn("execute-api", name),
        },
        "aws:apigatewayv2/domainName:DomainName": {
            "domainNameConfiguration": {
                **(inputs.get("domainNameConfiguration") or {}),
                "targetDomainName": f"d-{name}.execute-api.example",
                "hostedZoneId": "ZAPIGATEWAY",
            }
        },
        "aws:acm/certificate:Certificate": {
            "arn": _arn("acm", f"certificate/{name}"),
            "domainValidationOptions": [
                {
                    "domainName": inputs.get("domainName"),
                    "resourceRecordName": f"_validation.{inputs.get('domainName')}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_validation.acm-validations.example.",
                }
            ],
        },
        "aws:ses/domainIdentity:DomainIdentity": {
            "arn": _arn("ses", f"identity/{inputs.get('domain')}"),
            "verificationToken": "verification-token",
        },
        "aws:ses/domainDkim:DomainDkim": {"dkimTokens": ["dkim-a", "dkim-b", "dkim-c"]},
        "aws:amplify/app:App": {"defaultDomain": f"{name}.amplifyapp.example"},
        "aws:lambda/function:Function": {
            "arn": _arn("lambda", f"function:{given}"),
            "invokeArn": f"arn:aws:apigateway:us-east-1:lambda:path/functions/{given}/invocations",
        },
        "aws:ec2/eip:Eip": {"allocationId": f"eipalloc-{name}"},
        "aws:kms/key:Key": {"arn": _arn("kms", f"key/{name}"), "keyId": name},
        "aws:sns/topic:Topic": {"arn": _arn("sns", given)},
        "aws:sqs/queue:Queue": {"arn": _arn("sqs", given)},
        "aws:cloudwatch/logGroup:LogGroup": {"arn": _arn("logs", f"log-group:{given}")},
        "aws:s3/bucket:Bucket": {"arn": f"arn:aws:s3:::{inputs.get('bucket')}"},
        "aws:dynamodb/table:Table": {"arn": _arn("dynamodb", f"table/{given}")},
        "aws:secretsmanager/secret:Secret": {
            "arn": _arn("secretsmanager", f"secret:{given}-AbCdEf")
        },
        "aws:iam/role:Role": {"arn": f"arn:aws:iam::{ACCOUNT}:role/{name}"},
        "aws:route53/record:Record": {"fqdn": str(inputs.get("name"))},
        "aws:s3/bucketObjectv2:BucketObjectv2": {"versionId": f"version-of-{name}"},
    }
    computed = {"arn": _arn(module, f"{typ.split(':')[-1].lower()}/{name}")}
    computed.update(by_type.get(typ, {}))
    return computed


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, preview: bool) -> None:
        self.preview = preview
        self.resources: list[DeclaredResource] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        self.resources.append(
            DeclaredResource(args.typ, args.name, dict(args.inputs), bool(args.custom))
        )
        if self.preview:
            return None, dict(args.inputs)
        return f"{args.name}-id", {**args.inputs, **_computed(args.typ, args.name, args.inputs)}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
                "userId": "ci",
            }, []
        if args.token == "aws:ssm/getParameter:getParameter":
            return {
                "name": args.args["name"],
                "type": "String",
                "value": "ami-0123456789abcdef0",
            }, []
        if args.token == "aws:route53/getZone:getZone":
            return {"name": args.args["name"], "zoneId": ZONE_ID}, []
        raise NotImplementedError(f"the program calls {args.token}, which the mocks do not know")


def placeholder_package() -> pulumi.Asset:
    """Stands in for the built zip, which unit tests of the program do not need."""
    return pulumi.StringAsset("placeholder for platform/lambda_build/build.py's zip")


def run_program(
    stack: str, overrides: dict[str, str | None] | None = None, preview: bool = False
) -> ProgramRun:
    from refocused_infra.settings import load_settings
    from refocused_infra.stack import build_stack

    config = {**stack_config(stack), **RELEASE_TAGS}
    for key, value in (overrides or {}).items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    pulumi.runtime.set_all_config(config)
    mocks = RecordingMocks(preview)
    pulumi.runtime.set_mocks(mocks, project="refocused", stack=stack, preview=preview)

    declared: dict[str, pulumi.Output[Any]] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        declared.update(build_stack(load_settings(), package=placeholder_package()))
        return pulumi.Output.all(*declared.values())

    program()
    monitor = pulumi.runtime.settings.get_monitor()
    run = ProgramRun(stack=stack, resources=mocks.resources, urns=list(monitor.resources))
    for key, output in declared.items():
        run.exports[key] = _sync_await(output.future())
        if _sync_await(output.is_secret()):
            run.secret_exports.add(key)
    run.secret_values = [
        value
        for resource in mocks.resources
        for key, value in _computed(resource.type, resource.name, resource.inputs).items()
        if isinstance(value, str)
        and (
            value.startswith(MOCK_SECRET_PREFIX) or (resource.type == RANDOM_BYTES and key != "arn")
        )
    ]
    return run
