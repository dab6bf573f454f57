"""The support context: intake, the requester's and the agents' use cases, triage and the SLA."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.assistant.ports import LanguageModel
from application.support.agents import SupportAgents
from application.support.desk import GetDeskTicket, ListQueue, ReplyAsAgent, UpdateTicket
from application.support.intake import OpenTicket
from application.support.requester import GetMyTicket, ListMyTickets, ReplyToMyTicket
from application.support.sla import MarkBreachedTickets
from application.support.triage import TicketTriage, TriageTicket
from application.support.unit_of_work import SupportUnitOfWork
from entrypoints.config import Settings
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import support


def _agents(settings: Settings) -> SupportAgents:
    return SupportAgents.of(settings.support_agent_ids, settings.admin_user_ids)


def _triage_model(settings: Settings, model: LanguageModel) -> LanguageModel | None:
    """Gemini when a key is configured; otherwise the keyword rules alone (ADR 0121)."""
    return model if settings.gemini_api_key else None


class Support(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    assistant = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(SupportUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(SupportUnitOfWork)  # ADR 0096

    agents = providers.Singleton(_agents, core.config)
    triage = providers.Singleton(
        TicketTriage, providers.Callable(_triage_model, core.config, assistant.model)
    )

    open_ticket = providers.Factory(OpenTicket, uow, core.clock, infrastructure.disposable_domains)
    list_my_tickets = providers.Factory(ListMyTickets, read_uow)
    get_my_ticket = providers.Factory(GetMyTicket, read_uow)
    reply_to_my_ticket = providers.Factory(ReplyToMyTicket, uow, core.clock)
    list_queue = providers.Factory(ListQueue, read_uow, core.clock, agents)
    get_desk_ticket = providers.Factory(GetDeskTicket, read_uow, core.clock, agents)
    update_ticket = providers.Factory(UpdateTicket, uow, core.clock, agents)
    reply_as_agent = providers.Factory(ReplyAsAgent, uow, core.clock, agents)
    triage_ticket = providers.Factory(TriageTicket, uow, core.clock, triage)
    mark_breached_tickets = providers.Factory(MarkBreachedTickets, uow, core.clock, agents)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(support.routes)
