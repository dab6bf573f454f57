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
from entrypoints.containers.wiring import route_use_cases
from entrypoints.http.routes.credits import CreditsUseCases


class Credits(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(CreditsUnitOfWork)
    read_uow = infrastructure.read_uow.provided.of.call(CreditsUnitOfWork)  # replicas (ADR 0094)

    credits_ledger = providers.Singleton(CreditsLedger, core.clock)
    get_balance = providers.Factory(GetBalance, read_uow)
    get_history = providers.Factory(GetHistory, read_uow)
    spend = providers.Factory(Spend, infrastructure.atomic_ledger, core.clock)
    admin_grant = providers.Factory(AdminGrant, uow, credits_ledger, core.clock)
    verify_ledger = providers.Factory(VerifyLedger, uow)
    user_balance = providers.Factory(UserBalance, uow)
    expire_holds = providers.Factory(ExpireHolds, uow, core.clock)

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = route_use_cases(
        CreditsUseCases, vars(), idempotency=idempotency.idempotent_requests.provider
    )
