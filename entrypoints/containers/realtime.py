"""The realtime context: tickets, streams, the per-instance connection cap, the outbox handler.

The bus and the ticket store are infrastructure (in process, or Redis Streams + one pub/sub
connection per process when ``REDIS_URL`` is set).
"""

from __future__ import annotations

from dependency_injector import containers, providers

from application.identity.unit_of_work import IdentityUnitOfWork
from application.realtime.connections import (
    ConnectionSlots,
    RecheckUsers,
    SignedInUser,
    UserStillActive,
)
from application.realtime.publish import PublishRealtimeHandler
from application.realtime.stream import OpenStream
from application.realtime.tickets import IssueTicket, RedeemTicket
from entrypoints.config import Settings
from entrypoints.containers.wiring import route_use_cases
from entrypoints.http.routes.realtime import RealtimeUseCases


def _outside_production(settings: Settings) -> bool:
    return not settings.is_production


class Realtime(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    identity = providers.DependenciesContainer()

    issue_ticket = providers.Factory(IssueTicket, infrastructure.realtime_tickets)
    redeem_ticket = providers.Factory(RedeemTicket, infrastructure.realtime_tickets)
    open_stream = providers.Factory(OpenStream, infrastructure.realtime_bus)
    connection_slots = providers.Singleton(
        ConnectionSlots, core.config.provided.realtime_max_connections_per_user
    )
    user_still_active = providers.Factory(
        UserStillActive, infrastructure.uow.provided.of.call(IdentityUnitOfWork)
    )
    recheck_users = providers.Singleton(RecheckUsers, connection_slots, user_still_active)
    signed_in_user = providers.Factory(
        SignedInUser, infrastructure.token_verifier, identity.resolve_principal
    )
    publish_realtime = providers.Factory(PublishRealtimeHandler, infrastructure.realtime_bus)

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = route_use_cases(
        RealtimeUseCases,
        vars(),
        slots=connection_slots,
        recheck=recheck_users,
        heartbeat_seconds=core.config.provided.realtime_heartbeat_seconds,
        ws_ping_seconds=core.config.provided.realtime_ws_ping_seconds,
        dev_pages=providers.Callable(_outside_production, core.config),
    )
