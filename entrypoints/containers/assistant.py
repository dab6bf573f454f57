"""The assistant context: the model, the tools (built once), the turn and conversation use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers
from redis.asyncio import Redis

from adapters.offline_model.model import OfflineLanguageModel
from adapters.redis.stop_signal import RedisStopSignal
from application.assistant.conversations import (
    DeleteConversation,
    GetConversation,
    GetQuota,
    ListConversations,
    RenameConversation,
    StopGeneration,
)
from application.assistant.generations import Generations
from application.assistant.policy import AssistantPolicy
from application.assistant.ports import LanguageModel, StopSignal
from application.assistant.stop_signal import LocalStopSignal
from application.assistant.tool_handlers import PlatformTools
from application.assistant.toolbox import Toolbox
from application.assistant.turn import StartTurn
from application.assistant.unit_of_work import AssistantUnitOfWork
from entrypoints.assistant_profile_tool import ProfileFieldThroughPut
from entrypoints.config import Settings
from entrypoints.containers.infrastructure import closing
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import assistant


def _model(settings: Settings) -> LanguageModel:
    if settings.gemini_api_key:
        from adapters.gemini.language_model import GeminiLanguageModel

        return GeminiLanguageModel(
            api_key=settings.gemini_api_key,
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            timeout_seconds=settings.gemini_timeout_seconds,
            typed_events=settings.gemini_typed_events,
        )
    return OfflineLanguageModel()


def _policy(settings: Settings) -> AssistantPolicy:
    return AssistantPolicy(
        daily_free_messages=settings.ai_daily_free_messages,
        max_credits_per_message=settings.ai_max_credits_per_message,
        credits_per_1k_tokens=settings.ai_credits_per_1k_tokens,
        enabled=bool(settings.gemini_api_key) or not settings.is_production,
    )


def _stop_signal(redis: Redis | None) -> StopSignal:
    return RedisStopSignal(redis) if redis is not None else LocalStopSignal()


async def _listening(signal: StopSignal, generations: Generations) -> AsyncIterator[StopSignal]:
    """Stops sent to other instances reach this one's generations (Redis pub/sub)."""
    signal.on_stop(generations.cancel)
    if isinstance(signal, RedisStopSignal):
        await signal.start()
    try:
        yield signal
    finally:
        if isinstance(signal, RedisStopSignal):
            await signal.close()


def _toolbox(tools: PlatformTools) -> Toolbox:
    return Toolbox(tools.handlers())


class Assistant(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    profiles = providers.DependenciesContainer()
    credits = providers.DependenciesContainer()
    notifications = providers.DependenciesContainer()
    access = providers.DependenciesContainer()
    payments = providers.DependenciesContainer()

    policy = providers.Singleton(_policy, core.config)
    model = providers.Singleton(_model, core.config)
    model_session = providers.Resource(closing, model)  # the SDK's HTTP session
    generations = providers.Singleton(Generations)
    stop_signal = providers.Singleton(_stop_signal, infrastructure.redis)
    stop_listener = providers.Resource(_listening, stop_signal, generations)
    uow = infrastructure.uow.provided.of.call(AssistantUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(AssistantUnitOfWork)  # ADR 0096

    # The allow-listed tools, built once: each runs through its context's use case.
    platform_tools = providers.Singleton(
        PlatformTools,
        get_own_profile=profiles.get_own_profile.provider,
        edit_profile_field=providers.Singleton(
            ProfileFieldThroughPut,
            profiles.get_own_profile.provider,
            profiles.update_profile.provider,
        ),
        list_notifications=notifications.list_notifications.provider,
        list_my_organizations=access.list_my_organizations.provider,
        list_teams=access.list_teams.provider,
        list_projects=access.list_projects.provider,
        list_plans=payments.list_plans.provider,
        get_balance=credits.get_balance.provider,
    )
    toolbox = providers.Singleton(_toolbox, platform_tools)

    start_turn = providers.Factory(
        StartTurn,
        uow,
        credits.credits_ledger,
        model,
        toolbox,
        generations,
        core.clock,
        policy,
    )
    list_conversations = providers.Factory(ListConversations, read_uow)
    get_conversation = providers.Factory(GetConversation, read_uow)
    rename_conversation = providers.Factory(RenameConversation, uow, core.clock)
    delete_conversation = providers.Factory(DeleteConversation, uow, generations, stop_signal)
    stop_generation = providers.Factory(StopGeneration, uow, generations, stop_signal)
    get_quota = providers.Factory(GetQuota, read_uow, core.clock, policy)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(assistant.routes)
