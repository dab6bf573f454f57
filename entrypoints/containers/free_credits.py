"""The free_credits context: its use cases, wired on core and infrastructure."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.cleanup import PurgeStalePhoneVerification
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.free_credits.verify_code import VerifyPhoneCode
from entrypoints.http.routes.free_credits import FreeCreditsUseCases


class FreeCredits(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    idempotency = providers.DependenciesContainer()
    credits = providers.DependenciesContainer()

    send_verification_code = providers.Factory(
        SendVerificationCode,
        infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork),
        infrastructure.sms_sender,
        core.otp_hasher,
        core.clock,
    )
    verify_phone_code = providers.Factory(
        VerifyPhoneCode,
        infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork),
        core.otp_hasher,
        core.clock,
    )
    free_credits_eligibility = providers.Factory(
        GetFreeCreditsEligibility,
        infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork),
        core.clock,
    )
    claim_free_credits = providers.Factory(
        ClaimFreeCredits,
        infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork),
        credits.credits_ledger,
        core.clock,
        amount=core.config.provided.free_credits_amount,
    )
    purge_stale_phone_verification = providers.Factory(
        PurgeStalePhoneVerification,
        infrastructure.uow.provided.of.call(FreeCreditsUnitOfWork),
        core.clock,
    )

    # What the HTTP routes of this context run (entrypoints/http/routes).
    http = providers.List(
        providers.Singleton(
            FreeCreditsUseCases,
            claim_free_credits=claim_free_credits.provider,
            free_credits_eligibility=free_credits_eligibility.provider,
            send_verification_code=send_verification_code.provider,
            verify_phone_code=verify_phone_code.provider,
            idempotency=idempotency.idempotent_requests.provider,
        ),
    )
