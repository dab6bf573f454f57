"""The credits context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.credits.admin_grant import AdminGrant, UserBalance
from application.credits.expire_holds import ExpireHolds
from application.credits.ledger_service import CreditsLedger
from application.credits.queries import GetBalance, GetHistory
from application.credits.spend import Spend
from application.credits.unit_of_work import CreditsUnitOfWork
from application.credits.verify_ledger import VerifyLedger
from entrypoints.http.routes.credits import CreditsUseCases


class Credits(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()

    credits_ledger = providers.Singleton(CreditsLedger, core.clock)
    get_balance = providers.Factory(
        GetBalance, infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    )
    get_history = providers.Factory(
        GetHistory, infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    )
    spend = providers.Factory(Spend, infrastructure.atomic_ledger, core.clock)
    admin_grant = providers.Factory(
        AdminGrant,
        infrastructure.uow.provided.of.call(CreditsUnitOfWork),
        credits_ledger,
        core.clock,
    )
    verify_ledger = providers.Factory(
        VerifyLedger, infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    )
    user_balance = providers.Factory(
        UserBalance, infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    )
    expire_holds = providers.Factory(
        ExpireHolds, infrastructure.uow.provided.of.call(CreditsUnitOfWork), core.clock
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            CreditsUseCases,
            admin_grant=admin_grant.provider,
            get_balance=get_balance.provider,
            get_history=get_history.provider,
            spend=spend.provider,
            idempotency=idempotency.idempotent_requests.provider,
        ),
    )
