"""Containers for the email, feedback and assistant services, composed by both roots: the API
process (entrypoints/composition/containers.py) and the Lambda functions
(entrypoints/composition/lambdas.py), which give them their own settings and, in place of the
API's infrastructure, a clock and a rate limiter in the function's DynamoDB table.

Each service keeps its state in DynamoDB when its table is configured (production) and in SQL
otherwise (embedded); mail goes to SNS when a topic is configured and is delivered in-process
otherwise (to the outbox folder, or SES)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from adapters.dynamodb.assistant import DynamoDbConversationStore
from adapters.dynamodb.assistant_replies import DynamoDbReplyStore
from adapters.dynamodb.email import (
    DynamoDbDeliveryLog,
    DynamoDbSubscriptionStore,
    DynamoDbSuppressionList,
)
from adapters.dynamodb.feedback import DynamoDbFeedbackStore
from adapters.dynamodb.rate_limit import DynamoDbRateLimiter
from adapters.dynamodb.table import DynamoTable
from adapters.memory.assistant_replies import InMemoryReplyStore
from adapters.model_client.jobs import LambdaReplyRunner, TaskReplyRunner
from adapters.model_client.lambda_invoke import LambdaModelClient
from adapters.model_client.none import NoModelClient
from adapters.outbox.transport import OutboxMailTransport
from adapters.ses.transport import SesMailTransport
from adapters.sns.mail_queue import SnsMailQueue
from domains.assistant.use_cases import AssistantService, AssistantUserData
from domains.email.links import LinkSigner
from domains.email.model import EmailLimits
from domains.email.use_cases import (
    BounceHandling,
    DirectMailQueue,
    EmailService,
    EmailUserData,
    MailDelivery,
)
from domains.feedback.model import FeedbackLimits
from domains.feedback.use_cases import FeedbackService, FeedbackUserData
from entrypoints.composition.aws import MODEL_INVOKE_CONFIG, aws_client
from entrypoints.composition.domain import Domain

if TYPE_CHECKING:
    from entrypoints.settings import Settings


def _store(table_setting: str) -> Any:
    return lambda s: "dynamodb" if getattr(s, table_setting) else "sql"


def _built_lazily(path: str) -> Callable[..., Any]:
    """The adapter class `path` names, imported when first built. The API builds the SQL
    stores on the embedded profile and the in-process model when configured; the Lambda
    functions, which compose these containers too, never do, and their zip holds what the
    handlers import: no database driver, no PyTorch."""
    module, _, class_name = path.rpartition(".")

    def build(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), class_name)(*args, **kwargs)

    return build


def _client(service: str) -> Any:
    return lambda s: aws_client(service, s.aws_endpoint_url, s.aws_region)


class Aws(containers.DeclarativeContainer):
    settings: providers.Dependency[Settings] = providers.Dependency()

    dynamodb = providers.Singleton(_client("dynamodb"), settings)
    sesv2 = providers.Singleton(_client("sesv2"), settings)
    sns = providers.Singleton(_client("sns"), settings)
    # Only the assistant invokes a function, and each invoke is one run of the model.
    lambda_ = providers.Singleton(
        lambda s: aws_client("lambda", s.aws_endpoint_url, s.aws_region, MODEL_INVOKE_CONFIG),
        settings,
    )
    # Asynchronous invokes (a reply job handed to the ai-handler) answer at once: the
    # ordinary short timeouts and retries; a repeated event finds its job already claimed.
    lambda_events = providers.Singleton(_client("lambda"), settings)


class Email(Domain):
    edge = {"email_service": "service"}

    settings: providers.Dependency[Settings] = providers.Dependency()
    infrastructure = providers.DependenciesContainer()
    aws = providers.DependenciesContainer()
    #: The key mail links are signed with: derived from the service secret in the API, read
    #: from its own secret in the email function (the roots fill this).
    link_key: providers.Dependency[bytes] = providers.Dependency()

    _backend = providers.Callable(_store("email_table"), settings)
    table = providers.Singleton(DynamoTable, aws.dynamodb, settings.provided.email_table)
    subscriptions = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbSubscriptionStore, table),
        sql=providers.Singleton(
            _built_lazily("adapters.sql.email.SqlAlchemySubscriptionStore"), infrastructure.engine
        ),
    )
    suppressions = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbSuppressionList, table),
        sql=providers.Singleton(
            _built_lazily("adapters.sql.email.SqlAlchemySuppressionList"), infrastructure.engine
        ),
    )
    deliveries = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbDeliveryLog, table),
        sql=providers.Singleton(
            _built_lazily("adapters.sql.email.SqlAlchemyDeliveryLog"), infrastructure.engine
        ),
    )
    transport = providers.Selector(
        settings.provided.email_transport,
        outbox=providers.Singleton(
            OutboxMailTransport,
            providers.Callable(lambda s: s.data_dir / "outbox", settings),
            settings.provided.email_from,
        ),
        ses=providers.Singleton(SesMailTransport, aws.sesv2, settings.provided.email_from),
    )
    delivery = providers.Singleton(
        MailDelivery, suppressions, deliveries, transport, infrastructure.clock
    )
    bounces = providers.Singleton(BounceHandling, subscriptions, suppressions, infrastructure.clock)
    queue = providers.Selector(
        providers.Callable(lambda s: "sns" if s.email_topic_arn else "direct", settings),
        sns=providers.Singleton(SnsMailQueue, aws.sns, settings.provided.email_topic_arn),
        direct=providers.Singleton(DirectMailQueue, delivery),
    )
    service = providers.Singleton(
        EmailService,
        subscriptions=subscriptions,
        suppressions=suppressions,
        queue=queue,
        links=providers.Singleton(LinkSigner, link_key),
        limiter=infrastructure.limiter,
        clock=infrastructure.clock,
        limits=providers.Singleton(
            EmailLimits,
            per_address_per_day=settings.provided.email_actions_per_address_per_day,
            per_ip_per_day=settings.provided.email_actions_per_ip_per_day,
        ),
    )
    user_data = providers.Singleton(
        EmailUserData,
        service,
        providers.Singleton(
            _built_lazily("adapters.sql.email.SqlAlchemyUserEmails"), infrastructure.engine
        ),
        providers.Selector(
            settings.provided.email_transport, outbox=transport, ses=providers.Object(None)
        ),
    )


class Feedback(Domain):
    edge = {"feedback": "service"}

    settings: providers.Dependency[Settings] = providers.Dependency()
    infrastructure = providers.DependenciesContainer()
    aws = providers.DependenciesContainer()

    store = providers.Selector(
        providers.Callable(_store("feedback_table"), settings),
        dynamodb=providers.Singleton(
            DynamoDbFeedbackStore,
            providers.Singleton(DynamoTable, aws.dynamodb, settings.provided.feedback_table),
        ),
        sql=providers.Singleton(
            _built_lazily("adapters.sql.feedback.SqlAlchemyFeedbackStore"), infrastructure.engine
        ),
    )
    service = providers.Singleton(
        FeedbackService,
        store=store,
        limiter=infrastructure.limiter,
        clock=infrastructure.clock,
        limits=providers.Singleton(
            FeedbackLimits, feedback_per_ip_per_hour=settings.provided.feedback_per_ip_per_hour
        ),
    )
    user_data = providers.Singleton(FeedbackUserData, service)


class Assistant(Domain):
    edge = {"assistant": "service"}

    settings: providers.Dependency[Settings] = providers.Dependency()
    infrastructure = providers.DependenciesContainer()
    aws = providers.DependenciesContainer()

    _backend = providers.Callable(_store("assistant_table"), settings)
    table = providers.Singleton(DynamoTable, aws.dynamodb, settings.provided.assistant_table)
    store = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbConversationStore, table),
        sql=providers.Singleton(
            _built_lazily("adapters.sql.assistant.SqlAlchemyConversationStore"),
            infrastructure.engine,
        ),
    )
    # Reply jobs live where the model run can write them: the assistant's table (shared with
    # the ai-handler), or this process's memory when the model runs in it.
    replies = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbReplyStore, table),
        sql=providers.Singleton(InMemoryReplyStore),
    )
    # The daily quota is counted where the replies are charged: the ai-handler spends it in
    # the assistant table when a reply is done, so the API checks it there too.
    quota = providers.Selector(
        _backend,
        dynamodb=providers.Singleton(DynamoDbRateLimiter, table),
        sql=infrastructure.limiter,
    )
    runner = providers.Selector(
        settings.provided.assistant_backend,
        none=providers.Singleton(TaskReplyRunner),
        in_process=providers.Singleton(TaskReplyRunner),
        **{
            "lambda": providers.Singleton(
                LambdaReplyRunner, aws.lambda_events, settings.provided.assistant_function
            )
        },
    )
    model = providers.Selector(
        settings.provided.assistant_backend,
        none=providers.Singleton(NoModelClient),
        in_process=providers.Singleton(
            _built_lazily("adapters.model_client.in_process.InProcessModelClient"),
            settings.provided.assistant_checkpoint,
            max_new_tokens=settings.provided.assistant_max_new_tokens,
        ),
        **{
            "lambda": providers.Singleton(
                LambdaModelClient,
                aws.lambda_,
                settings.provided.assistant_function,
                max_new_tokens=settings.provided.assistant_max_new_tokens,
            )
        },
    )
    service = providers.Singleton(
        AssistantService,
        store=store,
        model=model,
        limiter=quota,
        clock=infrastructure.clock,
        daily_messages=settings.provided.assistant_daily_messages,
        replies=replies,
        runner=runner,
    )
    user_data = providers.Singleton(AssistantUserData, service)
