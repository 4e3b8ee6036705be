"""The OpenAPI document: what each operation needs and answers, read from the routes themselves.

A route needs a signed-in user when it takes the `principal` dependency or its `opt` says
SIGNED_IN_ONLY (entrypoints.http.gate.needs_sign_in); the document says so per operation, never
globally, so the public routes (sign-in, password reset, newsletter, daily content, health...)
show no lock. Each operation's id reads as a method name in a generated client (the handler's
name unless its decorator names one), its summary is that id in words, and its description is
the handler's docstring."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    Discriminator,
    Example,
    OAuthFlow,
    OAuthFlows,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
    Tag,
)
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

from entrypoints.http.examples import EXAMPLES
from entrypoints.http.gate import needs_sign_in
from entrypoints.http.problems import PROBLEM_JSON

FORM = "application/x-www-form-urlencoded"
TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 (a path, not a secret)


class FieldError(msgspec.Struct):
    field: Annotated[
        str,
        msgspec.Meta(
            description="JSON path of the offending member of the body, or the parameter's name",
            examples=["name", "marks[2].date"],
        ),
    ]
    message: Annotated[str, msgspec.Meta(description="what is wrong, for a person")]


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details, as every error answer carries them."""

    title: Annotated[str, msgspec.Meta(description="short summary of the kind of problem")]
    status: Annotated[int, msgspec.Meta(ge=400, le=599, description="the HTTP status code")]
    detail: Annotated[str, msgspec.Meta(description="what went wrong here, for a person")]
    type: Annotated[str, msgspec.Meta(description="a URI naming the kind of problem")] = (
        "about:blank"
    )
    instance: Annotated[str | None, msgspec.Meta(description="the request's path")] = None
    errors: Annotated[
        list[FieldError] | None, msgspec.Meta(description="one entry per offending field")
    ] = None


_DESCRIPTIONS = {
    400: "The request does not match this document: bad JSON, a wrong type, a missing or "
    "unknown field, or a value outside the schema's limits; `errors` names the fields",
    401: "Not signed in, or the token is invalid, expired or revoked",
    403: "Missing or invalid CSRF token, or not allowed",
    404: "No such resource for this user",
    409: "Conflicts with existing data",
    413: "Request body too large",
    415: "The body's Content-Type is not one this operation accepts",
    422: "Matches the schema, but the values break a rule (a day in the future, a duplicate "
    "name...); `errors` names the fields",
    429: "Rate limit exceeded; see Retry-After",
    503: "A dependency is unavailable",
}

_EXAMPLE_DETAILS = {
    400: ("Bad request", "invalid value for name: Expected `str`, got `int`", "name"),
    401: ("Authentication required", "sign in first: no access token was sent", None),
    403: ("Forbidden", "missing or invalid CSRF token", None),
    404: ("Not found", "no such item", None),
    409: ("Conflict", "conflicts with existing data", None),
    413: ("Request body too large", "the request body is larger than this endpoint accepts", None),
    415: ("Unsupported media type", "send the body as application/json", None),
    422: ("Invalid input", "dates are written YYYY-MM-DD", "date"),
    429: ("Too many requests", "too many attempts; try again later", None),
    503: ("Service unavailable", "this service is not available right now", None),
}

#: Codes any API route can answer with, added to every route by the app factory.
COMMON = (400, 413, 429)


def _example(code: int) -> Example:
    title, detail, field = _EXAMPLE_DETAILS[code]
    value: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": code,
        "detail": detail,
        "instance": "/api/v1/habits",
    }
    if field:
        value["errors"] = [{"field": field, "message": detail}]
    return Example(summary=title, value=value)


def responses(*codes: int, described: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """Problem answers for these codes and the common ones; `described` words a code for this
    operation where the general description says too little."""
    return {
        code: ResponseSpec(
            data_container=Problem,
            description=(described or {}).get(code, _DESCRIPTIONS[code]),
            media_type=PROBLEM_JSON,
            generate_examples=False,
            examples=[_example(code)],
        )
        for code in sorted({*codes, *COMMON})
    }


#: Any one of these signs a request in: a token from /auth/token (the docs page's Authorize
#: button uses the password flow), any bearer access token, or the browser's access cookie.
SIGNED_IN: list[SecurityRequirement] = [{"password": []}, {"bearer": []}, {"cookie": []}]

SECURITY_SCHEMES: dict[str, Any] = {
    "password": SecurityScheme(
        type="oauth2",
        description="Username (the account's e-mail) and password, for a bearer access token",
        flows=OAuthFlows(password=OAuthFlow(token_url=TOKEN_URL, scopes={})),
    ),
    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
    "cookie": SecurityScheme(
        type="apiKey",
        name="rf_access",
        security_scheme_in="cookie",
        description="Set by /api/v1/auth/login; unsafe requests also send X-CSRF-Token",
    ),
    "refreshCookie": SecurityScheme(
        type="apiKey",
        name="rf_refresh",
        security_scheme_in="cookie",
        description="Set by /api/v1/auth/login, sent only to /api/v1/auth",
    ),
    "metricsToken": SecurityScheme(
        type="http", scheme="bearer", description="The operator's REFOCUSED_METRICS_TOKEN"
    ),
}

TAGS = [
    Tag(name="auth", description="Sign-in, tokens, sessions, e-mail verification, password reset"),
    Tag(name="users", description="The signed-in account: profile, data export, erasure"),
    Tag(name="journal", description="Encrypted journal entries, collections and gratitude"),
    Tag(name="study", description="Flash-card decks, cards and spaced-repetition reviews"),
    Tag(name="pomodoro", description="Focus sessions, their settings and statistics"),
    Tag(name="habits", description="Habits, their daily marks, streaks and analytics"),
    Tag(name="email", description="Newsletter subscription, confirmed by mailed links"),
    Tag(name="feedback", description="Feedback messages and feature requests with votes"),
    Tag(name="assistant", description="Conversations with the assistant model"),
    Tag(name="breathing", description="Breathing techniques and logged sessions"),
    Tag(name="daily", description="The day's quote, word, prompt, mind fuel and theme"),
    Tag(name="mood", description="Mood entries and per-day summaries"),
    Tag(name="goals", description="Goals, their items and progress"),
    Tag(name="streak", description="The app-wide activity streak"),
    Tag(name="calendar", description="What happened on a day or in a month"),
    Tag(name="dashboard", description="Today at a glance across every feature"),
    Tag(name="operations", description="Liveness, readiness and metrics for the operator"),
]


def json_or_form_body(struct: type[msgspec.Struct]) -> type[Operation]:
    """An operation class whose request body is `struct` sent as JSON or as an HTML form (the
    handler parses either itself); its schema is msgspec's own for the struct."""
    _, defined = msgspec.json.schema_components([struct], ref_template="#/components/{name}")
    schema = defined[struct.__name__]
    form = {key: value for key, value in schema.items() if key != "additionalProperties"}
    example = EXAMPLES.get(struct)
    body = RequestBody(
        required=True,
        content={
            "application/json": OpenAPIMediaType(schema=schema, example=example),
            FORM: OpenAPIMediaType(schema=form, example=example),  # type: ignore[arg-type]
        },
    )

    @dataclass
    class JsonOrFormOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return JsonOrFormOperation


@dataclass
class OptionalBodyOperation(Operation):
    """For a handler whose body has a default: the document says the body may be left out."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


def also_answered_as(status: int, media_type: str, other: str) -> type[Operation]:
    """An operation class whose `status` answer, documented as `media_type`, may also come as
    `other` (Litestar's ResponseSpec names one media type)."""

    @dataclass
    class AlsoAnsweredAs(Operation):
        def __post_init__(self) -> None:
            answer = (self.responses or {}).get(str(status))
            if (
                isinstance(answer, OpenAPIResponse)
                and answer.content
                and media_type in answer.content
            ):
                answer.content[other] = answer.content[media_type]

    return AlsoAnsweredAs


BEYOND_SCHEMA = "beyond_schema"
BEYOND_SCHEMA_HEADING = "**Checked beyond this schema** (a 422 naming the field):"


def beyond_schema(*rules: str) -> dict[str, tuple[str, ...]]:
    """`opt` for a route whose input must also keep rules that JSON Schema cannot state (a
    day relative to the user's today, a token this server mailed, one field or another, the
    user's own resources...). The operation's description lists them, so a client developer
    reads them beside the schema, and schema-driven fuzzers' "mostly rejected" warning for the
    operation is explained in the document itself."""
    return {BEYOND_SCHEMA: rules}


def components() -> Components:
    return Components(security_schemes=SECURITY_SCHEMES)


def method_name(handler_name: str) -> str:
    """`list_habits` -> `listHabits`."""
    first, *rest = handler_name.strip("_").split("_")
    return first + "".join(word.capitalize() for word in rest)


def in_words(operation_id: str) -> str:
    """`listHabits` -> `List habits`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", operation_id).lower()
    return words[:1].upper() + words[1:]


def is_request_body(struct: type) -> bool:
    """The structs the server decodes request bodies into refuse unknown fields."""
    config = getattr(struct, "__struct_config__", None)
    return bool(config and config.forbid_unknown_fields)


# JSON Schema keywords, as msgspec writes them, and the fields of Litestar's Schema they fill.
_KEYWORDS = {
    "type": "type",
    "title": "title",
    "description": "description",
    "default": "default",
    "examples": "examples",
    "enum": "enum",
    "const": "const",
    "format": "format",
    "pattern": "pattern",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "multipleOf": "multiple_of",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minProperties": "min_properties",
    "maxProperties": "max_properties",
    "required": "required",
}
_COMBINATIONS = {"anyOf": "any_of", "oneOf": "one_of", "allOf": "all_of"}


class ExactSchemas:
    """A request body's schema exactly as msgspec, the server's decoder, derives it from the
    struct and its `Meta` constraints: item constraints, `additionalProperties: false` and
    the rest, so the document can never be looser than the server, nor say it twice. Nested
    structs become references to their own components."""

    def __init__(self, struct: type[msgspec.Struct], creator: SchemaCreator) -> None:
        (root,), self.defs = msgspec.json.schema_components((struct,), ref_template="{name}")
        self.creator = creator
        self.structs = {self._name(t): t for t in _nested_structs(struct)}
        self.root = self.defs[root["$ref"]]

    @staticmethod
    def _name(struct: type) -> str:
        (ref,), _ = msgspec.json.schema_components((struct,), ref_template="{name}")
        return str(ref["$ref"])

    def fill(self, schema: Schema, node: dict[str, Any]) -> Schema:
        for key, value in node.items():
            if key in _KEYWORDS:
                if key == "type":
                    value = (
                        [OpenAPIType(v) for v in value]
                        if isinstance(value, list)
                        else (OpenAPIType(value))
                    )
                setattr(schema, _KEYWORDS[key], value)
            elif key == "properties":
                schema.properties = {k: self.convert(v) for k, v in value.items()}
            elif key == "items":
                schema.items = self.convert(value)
            elif key == "additionalProperties":
                schema.additional_properties = (
                    value if isinstance(value, bool) else self.convert(value)
                )
            elif key in _COMBINATIONS:
                setattr(schema, _COMBINATIONS[key], [self.convert(v) for v in value])
            elif key == "discriminator":
                schema.discriminator = Discriminator(
                    property_name=value["propertyName"], mapping=value.get("mapping")
                )
            else:  # a keyword this module does not know yet: fail the build, not the client
                raise ValueError(f"msgspec wrote the JSON Schema keyword {key!r}")
        return schema

    def convert(self, node: dict[str, Any]) -> Schema | Reference:
        ref = node.get("$ref")
        if ref is None:
            return self.fill(Schema(), node)
        if ref in self.structs:
            return self.creator.for_field_definition(
                FieldDefinition.from_annotation(self.structs[ref])
            )
        return self.convert(self.defs[ref])  # an enum: written in place


def _nested_structs(struct: type) -> list[type]:
    found: list[type] = []

    def walk(info: msgspec.inspect.Type) -> None:
        if isinstance(info, msgspec.inspect.StructType):
            if info.cls in found:
                return
            found.append(info.cls)
            for field in info.fields:
                walk(field.type)
            return
        for attribute in ("item_type", "value_type", "key_type"):
            if (inner := getattr(info, attribute, None)) is not None:
                walk(inner)
        for inner in getattr(info, "types", ()) or ():
            walk(inner)
        for inner in getattr(info, "item_types", ()) or ():
            walk(inner)

    walk(msgspec.inspect.type_info(struct))
    return found


class OperationDocs(ReceiveRoutePlugin, StructSchemaPlugin):
    """Fills in each operation's id, summary and security as its route is registered, writes
    each request body's schema exactly as the server decodes it (`ExactSchemas`), and gives
    it its example (entrypoints.http.examples)."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return super().is_plugin_supported_field(field_definition) and (
            field_definition.type_ in EXAMPLES or is_request_body(field_definition.type_)
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        struct = field_definition.type_
        if is_request_body(struct):
            # Registered first, so a struct that refers to itself finds its own component.
            schema = schema_creator.schema_registry.get_schema_for_field_definition(
                field_definition
            )
            exact = ExactSchemas(struct, schema_creator)
            exact.fill(schema, exact.root)
        else:
            schema = super().to_openapi_schema(field_definition, schema_creator)
        if struct in EXAMPLES:
            schema.examples = [EXAMPLES[struct]]
        return schema

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if not isinstance(handler.operation_id, str):
                handler.operation_id = method_name(handler.handler_name)
            if handler.summary is None:
                handler.summary = in_words(handler.operation_id)
            if rules := handler.opt.get(BEYOND_SCHEMA):
                described = handler.description or inspect.cleandoc(handler.fn.__doc__ or "")
                listed = "\n".join(f"- {rule}" for rule in rules)
                handler.description = f"{described}\n\n{BEYOND_SCHEMA_HEADING}\n\n{listed}"
            if handler.security is None and needs_sign_in(handler):
                handler.security = SIGNED_IN
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None and data.has_default and handler.operation_class is Operation:
                handler.operation_class = OptionalBodyOperation
            if data is not None:
                # The gate refuses a body that is not JSON (a cross-site form needs no preflight).
                handler.responses = {**responses(415), **(handler.responses or {})}
