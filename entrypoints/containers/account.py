"""The account context: step-up verification, activity log, export, deletion and recovery."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.account.activity import ListActivity
from application.account.cleanup import DailyCleanup
from application.account.export import BuildExport, DownloadExport, RequestExport
from application.account.guard import StepUpGuard
from application.account.lifecycle import DeleteAccount, RecoverAccount
from application.account.step_up import SendStepUpCode, StepUpStatus, VerifyStepUpCode
from application.account.unit_of_work import AccountUnitOfWork
from domain.account.exports import ExportLinks
from domain.account.step_up import CodeDigests, VerificationTokens
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import account


class Account(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    notifications = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of.call(AccountUnitOfWork)

    # One server-side key (OTP_PEPPER) for codes, tokens and links, derived per purpose.
    _key = core.otp_hasher.provided.pepper
    digests = providers.Singleton(CodeDigests, _key)
    tokens = providers.Singleton(VerificationTokens, _key)
    links = providers.Singleton(ExportLinks, _key)
    guard = providers.Factory(StepUpGuard, tokens, core.clock)
    limiter = infrastructure.attempt_limiter

    send_step_up_code = providers.Factory(
        SendStepUpCode, uow, limiter, digests, core.code_sealer, core.clock
    )
    verify_step_up_code = providers.Factory(
        VerifyStepUpCode, uow, limiter, digests, tokens, core.clock
    )
    step_up_status = providers.Factory(StepUpStatus, guard)
    list_activity = providers.Factory(ListActivity, uow, guard)
    request_export = providers.Factory(RequestExport, uow, guard, core.clock)
    build_export = providers.Factory(
        BuildExport,
        uow,
        infrastructure.user_data_source,
        infrastructure.export_files,
        links,
        core.clock,
        core.config.provided.public_api_url,
    )
    download_export = providers.Factory(
        DownloadExport, uow, infrastructure.export_files, links, core.clock
    )
    delete_account = providers.Factory(DeleteAccount, uow, guard, infrastructure.cache, core.clock)
    recover_account = providers.Factory(
        RecoverAccount, uow, infrastructure.token_verifier, infrastructure.cache, core.clock
    )
    daily_cleanup = providers.Factory(
        DailyCleanup,
        uow,
        infrastructure.export_files,
        notifications.purge_old_notifications,
        core.clock,
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(account.routes)
