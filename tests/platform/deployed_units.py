"""Each compute unit of a rendered stack, started with exactly what the program declares for it.

A unit is a Lambda function or the API service on App Runner. Starting one means: its declared
environment (the API's secrets resolved from the values the program stores), plus only what
the platform itself sets (Lambda's AWS_REGION), handed to the unit's own settings class and
composition root; AWS is moto in-process with the stack's tables and topics created under their
rendered names. Every AWS call the unit makes is recorded and checked against the unit's
declared IAM statements (an allow-only policy simulator: action and resource, glob patterns),
with what AWS checks besides the call itself (the KMS key of an encrypted topic).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from infra_harness import ACCOUNT, ProgramRun

REGION = "us-east-1"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
#: What Lambda sets in every function's environment itself, whatever the program declares.
LAMBDA_RUNTIME_ENVIRONMENT = {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}
#: IAM actions whose name is not the API operation's.
ACTION_OF_OPERATION = {
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("lambda", "Invoke"): "lambda:InvokeFunction",
}
IAM_PREFIX = {"sesv2": "ses"}


def plain(value: Any) -> Any:
    """A declared input without Pulumi's secret wrapper."""
    if isinstance(value, dict) and value.get(SECRET_SIG):
        return value["value"]
    return value


def unwrapped(value: Any) -> Any:
    """A declared input with every secret wrapper inside it removed (a secret value makes
    the mapping that holds it secret as a whole)."""
    value = plain(value)
    if isinstance(value, dict):
        return {k: unwrapped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrapped(v) for v in value]
    return value


def holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value.get(SECRET_SIG)) or any(holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_secret(v) for v in value)
    return False


# -- what the program declares per unit ------------------------------------------------------


def lambda_modules(run: ProgramRun) -> dict[str, dict[str, Any]]:
    """Handler module name -> the function's declared inputs."""
    out = {}
    for function in run.of_type("aws:lambda/function:Function"):
        module = function.name.removeprefix("serverless-").removesuffix("-function")
        out[module.replace("-", "_")] = function.inputs
    return out


def lambda_environment(run: ProgramRun, module: str) -> dict[str, str]:
    variables = unwrapped(lambda_modules(run)[module]["environment"])["variables"]
    return {name: str(value) for name, value in variables.items()}


def policy_statements(run: ProgramRun, policy_name: str) -> list[dict[str, Any]]:
    return list(json.loads(plain(run.named(policy_name).inputs["policy"]))["Statement"])


def lambda_statements(run: ProgramRun, module: str) -> list[dict[str, Any]]:
    return policy_statements(run, f"serverless-{module.replace('_', '-')}-policy")


def secret_values(run: ProgramRun) -> dict[str, str]:
    """Secret ARN -> the value the program stores in it."""
    prefix = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    arns = {
        f"{s.name}-id": f"{prefix}{s.inputs['name']}-AbCdEf"
        for s in run.of_type("aws:secretsmanager/secret:Secret")
    }
    return {
        arns[v.inputs["secretId"]]: str(plain(v.inputs["secretString"]))
        for v in run.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    }


def api_image(run: ProgramRun) -> dict[str, Any]:
    return dict(
        unwrapped(run.named("compute-api").inputs["sourceConfiguration"])["imageRepository"][
            "imageConfiguration"
        ]
    )


def api_environment(run: ProgramRun) -> dict[str, str]:
    """What the API's container sees: its variables, and its secrets as App Runner injects them."""
    image = api_image(run)
    values = secret_values(run)
    environment = {k: str(plain(v)) for k, v in image["runtimeEnvironmentVariables"].items()}
    for name, arn in image["runtimeEnvironmentSecrets"].items():
        environment[name] = values[plain(arn)]
    return environment


def api_statements(run: ProgramRun) -> list[dict[str, Any]]:
    return policy_statements(run, "compute-apprunner-instance-secrets")


def topic_keys(run: ProgramRun) -> dict[str, str]:
    """Topic ARN -> the KMS key ARN it is encrypted with."""
    return {
        f"arn:aws:sns:{REGION}:{ACCOUNT}:{t.inputs['name']}": t.inputs["kmsMasterKeyId"]
        for t in run.of_type("aws:sns/topic:Topic")
        if t.inputs.get("kmsMasterKeyId")
    }


# -- a recording stand-in for AWS --------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}"


@dataclass
class Recorder:
    """Every AWS call made while it is installed, as the IAM action and resource it needs."""

    run: ProgramRun
    secrets: Mapping[str, str]
    calls: list[Call] = field(default_factory=list)

    def _table(self, name: str, index: str | None = None) -> str:
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    def needs(self, service: str, operation: str, params: Mapping[str, Any]) -> list[Call]:
        prefix = IAM_PREFIX.get(service, service)
        action = ACTION_OF_OPERATION.get((service, operation), f"{prefix}:{operation}")
        if service == "dynamodb":
            if operation == "TransactWriteItems":
                kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
                kinds["ConditionCheck"] = "ConditionCheckItem"
                return [
                    Call(f"dynamodb:{kinds[kind]}", self._table(body["TableName"]))
                    for item in params["TransactItems"]
                    for kind, body in item.items()
                ]
            if operation == "TransactGetItems":
                return [
                    Call("dynamodb:GetItem", self._table(item["Get"]["TableName"]))
                    for item in params["TransactItems"]
                ]
            if operation in {"BatchWriteItem", "BatchGetItem"}:
                return [Call(action, self._table(name)) for name in params["RequestItems"]]
            return [Call(action, self._table(params["TableName"], params.get("IndexName")))]
        if service == "sns":
            topic = params.get("TopicArn") or params.get("TargetArn", "")
            calls = [Call(action, topic)]
            key = topic_keys(self.run).get(topic)
            if key and operation == "Publish":
                calls += [Call("kms:GenerateDataKey", key), Call("kms:Decrypt", key)]
            return calls
        if service == "sesv2":
            domain = str(params.get("FromEmailAddress", "")).rsplit("@", 1)[-1].strip(">")
            return [Call(action, f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{domain}")]
        if service == "secretsmanager":
            return [Call(action, params["SecretId"])]
        if service == "s3":
            if operation == "ListObjectsV2":
                return [Call(action, f"arn:aws:s3:::{params['Bucket']}")]
            return [Call(action, f"arn:aws:s3:::{params['Bucket']}/{params['Key']}")]
        if service == "lambda":
            function = str(params["FunctionName"])
            if not function.startswith("arn:"):  # a name: the function of this account
                function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"
            return [Call(action, function)]
        return [Call(action, "*")]

    def before_parameter_build(self, params: Any, model: Any, event_name: str, **_: Any) -> None:
        service = event_name.split(".")[1]
        self.calls += self.needs(service.replace("-", ""), model.name, params)

    def before_call(self, model: Any, params: Any, event_name: str, **_: Any) -> Any:
        # moto's secrets carry ARNs of its own making: the stack's are answered here.
        if model.name == "GetSecretValue":
            secret_id = json.loads(params["body"])["SecretId"]
            if secret_id not in self.secrets:
                return _Http(400), {
                    "Error": {"Code": "ResourceNotFoundException", "Message": secret_id}
                }
            return _Http(200), {"ARN": secret_id, "SecretString": self.secrets[secret_id]}
        # An asynchronous invoke is queued by Lambda and answered 202 at once; what the
        # function then does is its own contract (start_function).
        if (
            model.name == "Invoke"
            and params.get("headers", {}).get("X-Amz-Invocation-Type") == "Event"
        ):
            return _Http(202), {"StatusCode": 202}
        return None


@dataclass(frozen=True)
class _Http:
    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict)


@contextmanager
def local_aws(run: ProgramRun) -> Iterator[Recorder]:
    """moto with the stack's tables, topics and buckets, and a recorder on every boto3 client
    made while it runs (the units build theirs through boto3's default session)."""
    import boto3
    from moto import mock_aws

    from adapters.dynamodb.table import create_table

    recorder = Recorder(run, secret_values(run))
    with mock_aws():
        boto3.setup_default_session(region_name=REGION)
        for table in run.of_type("aws:dynamodb/table:Table"):
            create_table(boto3.client("dynamodb", region_name=REGION), table.inputs["name"])
        for topic in run.of_type("aws:sns/topic:Topic"):
            boto3.client("sns", region_name=REGION).create_topic(Name=topic.inputs["name"])
        for bucket in run.of_type("aws:s3/bucket:Bucket"):
            boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket.inputs["bucket"])
        ses = boto3.client("sesv2", region_name=REGION)
        for identity in run.of_type("aws:ses/domainIdentity:DomainIdentity"):
            ses.create_email_identity(EmailIdentity=identity.inputs["domain"])
        events = boto3.DEFAULT_SESSION.events
        events.register("before-parameter-build", recorder.before_parameter_build)
        events.register("before-call", recorder.before_call)
        try:
            yield recorder
        finally:
            boto3.DEFAULT_SESSION = None


# -- the policy simulator ----------------------------------------------------------------------


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed(call: Call, statements: list[dict[str, Any]]) -> bool:
    """Allow-only evaluation (the program writes no Deny into identity policies)."""
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = _listed(statement["Action"])
        resources = _listed(statement["Resource"])
        if any(fnmatch.fnmatchcase(call.action, a) for a in actions) and any(
            fnmatch.fnmatchcase(call.resource, r) for r in resources
        ):
            return True
    return False


def denied(calls: list[Call], statements: list[dict[str, Any]]) -> list[str]:
    return sorted({str(c) for c in calls if not allowed(c, statements)})


class ReadRecorder(dict[str, str]):
    """An environment that remembers which variables the settings class looked up."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


# -- the HTTP API as API Gateway routes a request --------------------------------------------------


def routes(run: ProgramRun) -> dict[str, str]:
    """Route key -> what it reaches: a handler module's name, or `api` for the API service."""
    integrations = {
        f"integrations/{i.name}-id": i.inputs
        for i in run.of_type("aws:apigatewayv2/integration:Integration")
    }
    out = {}
    for route in run.of_type("aws:apigatewayv2/route:Route"):
        integration = integrations[route.inputs["target"]]
        if integration["integrationType"] == "HTTP_PROXY":
            out[route.inputs["routeKey"]] = "api"
        else:
            function = integration["integrationUri"].split("/functions/")[1].split("/")[0]
            module = function.removeprefix(f"refocused-{run.stack}-").replace("-", "_")
            out[route.inputs["routeKey"]] = module
    return out


def matching_route(route_keys: list[str], method: str, path: str) -> str | None:
    """API Gateway's HTTP API selection: an exact path beats a greedy `{proxy+}` (which needs
    one segment or more), a longer prefix beats a shorter one, a method beats ANY."""
    best: tuple[int, int, str] | None = None
    for key in route_keys:
        route_method, route_path = key.split(" ", 1)
        if route_method not in {"ANY", method}:
            continue
        if route_path.endswith("/{proxy+}"):
            prefix = route_path.removesuffix("{proxy+}")
            if not (path.startswith(prefix) and len(path) > len(prefix)):
                continue
            rank = (0, len(prefix))
        elif route_path == path:
            rank = (1, len(path))
        else:
            continue
        candidate = (*rank, key) if route_method != "ANY" else (rank[0], rank[1] - 1, key)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return None if best is None else best[2]
