"""The free_credits context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.cleanup import PurgeStalePhoneVerification
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.free_credits.verify_code import VerifyPhoneCode
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import free_credits


class FreeCredits(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()
    credits = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork)

    send_verification_code = providers.Factory(
        SendVerificationCode, uow, infrastructure.sms_sender, core.otp_hasher, core.clock
    )
    verify_phone_code = providers.Factory(VerifyPhoneCode, uow, core.otp_hasher, core.clock)
    free_credits_eligibility = providers.Factory(GetFreeCreditsEligibility, uow, core.clock)
    claim_free_credits = providers.Factory(
        ClaimFreeCredits,
        uow,
        credits.credits_ledger,
        core.clock,
        amount=core.config.provided.free_credits_amount,
    )
    purge_stale_phone_verification = providers.Factory(PurgeStalePhoneVerification, uow, core.clock)

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(free_credits.routes)
