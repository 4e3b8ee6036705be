"""ai-handler: the assistant with the project's model, as a container-image Lambda.

Three kinds of event:
- API Gateway (`/ai/...`): conversations, the quota and replies for a signed-in user, with
  history and the daily quota in DynamoDB; a message is answered at once (202) with its reply
  job, which this function runs in an asynchronous invocation of itself;
- a direct invoke `{"action": "assistant.reply", "messages": [...]}` from the API service's
  Lambda model client, answered with `{"reply": "..."}` (the caller keeps history and quota);
- an asynchronous invoke `{"action": "assistant.run", "user_id": ..., "reply_id": ...}` from
  the API or from this function (a reply job, docs/api.md "The assistant's stream"): the job
  is claimed in the assistant table with a conditional write, so a delivery Lambda repeats
  runs nothing, and its pieces, the reply and the quota are written to that table as the model
  produces them.

The serving bundle (weights, tokenizer, manifest of checksums) is copied from S3 into the
function's temporary storage and loaded once per container, on the first request that needs
the model; a bundle that fails its checksums is a 503, never served. Messages are never
logged."""

from __future__ import annotations

from typing import Any

import msgspec
import structlog

from adapters.model_client.in_process import InProcessModelClient
from adapters.model_client.jobs import RunEvent
from adapters.model_client.lambda_invoke import ReplyEvent
from domains.assistant.model import MAX_MESSAGE_LENGTH, ChatTurn
from domains.assistant.use_cases import AssistantService
from domains.shared.errors import DomainError
from domains.shared.ids import is_id
from entrypoints.composition.lambdas import LambdaSettings, assistant, assistant_model
from entrypoints.lambdas.apigw import Request, Router, handle, respond
from entrypoints.lambdas.auth import Access
from entrypoints.lambdas.runtime import ColdStart, answer_config_errors
from entrypoints.schemas.assistant import (
    ConversationCreate,
    ConversationDetail,
    ConversationRead,
    MessageCreate,
    MessageRead,
    QuotaRead,
    ReplyAccepted,
    ReplyHeaders,
    ReplyState,
)

log = structlog.get_logger("refocused.lambda.ai_handler")
router = Router()
#: The direct invokes, told apart by their `action`, as the API's clients encode them.
Invoke = ReplyEvent | RunEvent


class Services:
    def __init__(self, settings: LambdaSettings) -> None:
        self.settings = settings
        self.model: InProcessModelClient = assistant_model(settings)
        self._assistant: AssistantService | None = None
        # The direct invoke needs neither the history table nor the keys: built on first use.
        self.access = Access(settings)

    @property
    def assistant(self) -> AssistantService:
        if self._assistant is None:
            self._assistant = assistant(self.settings, self.model)
        return self._assistant


cold_start: ColdStart[Services] = ColdStart(Services)


async def _user(request: Request) -> tuple[AssistantService, str]:
    services = cold_start.get()
    user = await services.access.user_id(request)
    return services.assistant, user


@router.route("GET", "/ai/quota")
async def quota(request: Request) -> dict[str, Any]:
    service, user = await _user(request)
    return respond(200, QuotaRead.of(await service.quota(user)))


@router.route("GET", "/ai/conversations")
async def conversations(request: Request) -> dict[str, Any]:
    service, user = await _user(request)
    return respond(200, [ConversationRead.of(c) for c in await service.conversations(user)])


@router.route("POST", "/ai/conversations")
async def start(request: Request) -> dict[str, Any]:
    service, user = await _user(request)
    data = request.decode(ConversationCreate | None)  # type: ignore[arg-type]
    title = data.title if data else ""
    return respond(201, ConversationRead.of(await service.start(user, title)))


@router.route("GET", "/ai/conversations/{conversation_id}")
async def conversation(request: Request) -> dict[str, Any]:
    service, user = await _user(request)
    found, messages = await service.conversation(user, request.params["conversation_id"])
    detail = ConversationDetail(ConversationRead.of(found), [MessageRead.of(m) for m in messages])
    return respond(200, detail)


@router.route("DELETE", "/ai/conversations/{conversation_id}")
async def delete(request: Request) -> dict[str, Any]:
    service, user = await _user(request)
    await service.delete(user, request.params["conversation_id"])
    return respond(204)


@router.route("POST", "/ai/conversations/{conversation_id}/messages")
async def send(request: Request) -> dict[str, Any]:
    """A message, answered at once (202) with its reply job: this function runs the model in
    a second, asynchronous invocation of itself, so no request waits past the gateway's 30 s.
    The `Idempotency-Key` header names the message: sent again, it finds the same job and
    never runs the model twice. Follow the reply at `GET /ai/replies/{id}`."""
    service, user = await _user(request)
    content = request.decode(MessageCreate).content
    key = request.headers_as(ReplyHeaders).idempotency_key
    submitted = await service.submit(user, request.params["conversation_id"], content, key)
    progress = await service.progress(user, submitted.job.id)
    accepted = ReplyAccepted.of(progress, quota=QuotaRead.of(submitted.quota))
    return respond(202, accepted, {"location": f"/ai/replies/{submitted.job.id}"})


@router.route("GET", "/ai/replies/{reply_id}")
async def reply(request: Request) -> dict[str, Any]:
    """A reply job: its status and the text written so far (the whole reply once done)."""
    service, user = await _user(request)
    return respond(200, ReplyState.of(await service.progress(user, request.params["reply_id"])))


async def _reply(event: ReplyEvent) -> dict[str, Any]:
    turns = [ChatTurn(m.role, m.content[: 2 * MAX_MESSAGE_LENGTH]) for m in event.messages]
    model = cold_start.get().model
    try:
        await model.ensure_available()
    except DomainError as e:
        # Fetching and loading see no message, so their causes (a missing object, a file
        # failing its checksum) are safe to log.
        cause = e.__cause__
        log.error(
            "assistant.model_unavailable",
            reason=e.detail,
            cause=f"{type(cause).__name__}: {cause}" if cause else None,
        )
        return {"statusCode": 503, "error": e.detail}
    try:
        reply = await model.reply(turns)
    except DomainError as e:
        log.error("assistant.reply_failed", reason=e.detail)
        return {"statusCode": 503, "error": e.detail}
    log.info("assistant.reply", turns=len(turns), reply_chars=len(reply))
    return {"statusCode": 200, "reply": reply}


async def _run(event: RunEvent) -> dict[str, Any]:
    user_id, reply_id = event.user_id, event.reply_id
    if not is_id(reply_id):
        return {"statusCode": 400, "error": "`reply_id` is not a reply id"}
    job = await cold_start.get().assistant.run(user_id, reply_id)
    if job is None:
        # Claimed already (a repeated delivery, a retried POST) or gone: nothing to run.
        log.info("assistant.job_skipped", reply_id=reply_id)
        return {"statusCode": 200, "ran": False}
    log.info("assistant.job", reply_id=reply_id, status=job.status.value, pieces=job.pieces)
    return {"statusCode": 200, "ran": True, "status": job.status.value}


@answer_config_errors
def handler(event: Any, context: Any = None) -> dict[str, Any]:
    if isinstance(event, dict) and "action" in event:
        try:
            invoke = msgspec.convert(event, Invoke, strict=True)
        except msgspec.ValidationError as e:
            return {"statusCode": 400, "error": str(e)}
        if isinstance(invoke, RunEvent):
            return cold_start.run(_run(invoke))
        return cold_start.run(_reply(invoke))
    return handle(event, router, cold_start.run)
