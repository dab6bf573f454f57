"""The realtime context: tickets, streams, the per-instance connection cap, the outbox handler.

The bus and the ticket store are infrastructure (in process, or Redis Streams + one pub/sub
connection per process when ``REDIS_URL`` is set).
"""

from __future__ import annotations

from dependency_injector import containers, providers

from application.identity.unit_of_work import IdentityUnitOfWork
from application.realtime.connections import (
    ConnectionGate,
    ConnectionSlots,
    RecheckUsers,
    SignedInUser,
    UserStillActive,
)
from application.realtime.publish import PublishRealtimeHandler
from application.realtime.stream import OpenStream
from application.realtime.tickets import IssueTicket, RedeemTicket
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import realtime


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
    gate = providers.Factory(
        ConnectionGate,
        signed_in_user,
        redeem_ticket,
        user_still_active,
        connection_slots,
        recheck_users,
    )
    publish_realtime = providers.Factory(PublishRealtimeHandler, infrastructure.realtime_bus)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(realtime.routes, realtime.dev)
