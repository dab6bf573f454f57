"""The composition root: one container per layer, composed (dependency-injector).

The aiohttp app, the Dramatiq worker, the scheduler and the CLI are all built from
``Container``. Tests swap in the memory adapters with
``container.adapters.override(MemoryAdapters(core=container.core))``.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.clerk.directory import build_clerk_directory
from adapters.clerk.webhook_events import parse_clerk_webhook
from adapters.clerk.webhook_signature import ClerkWebhookVerifier
from adapters.crypto.aes_gcm_sealer import AesGcmCodeSealer
from adapters.dev_identity.dev_tokens import DevTokenVerifier
from adapters.email.dev_sender import DevEmailSender
from adapters.email.jinja_templates import JinjaEmailTemplates
from adapters.email.resend_sender import ResendEmailSender
from adapters.memory.access import MemoryScopeReads
from adapters.memory.cache import InMemoryCache
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.redis.cache import RedisCache, redis_client
from adapters.sms.dev_outbox import DevOutboxSmsSender
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.repositories.access.chain_reader import SqlScopeReads
from adapters.sqlalchemy.repositories.credits.fast_path import PostgresAtomicLedger
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWorkFactory
from application.access.authorizer import Authorizer
from application.access.members import ChangeMemberRole, ListMembers, RemoveMember
from application.access.organizations import (
    CreateOrganization,
    DeleteOrganization,
    GetOrganization,
    JoinOrganization,
    ListMyOrganizations,
    UpdateOrganization,
)
from application.access.projects import (
    CreateProject,
    DeleteProject,
    GetProject,
    ListProjects,
    UpdateProject,
)
from application.access.roles import CreateRole, DeleteRole, ListRoles, UpdateRole
from application.access.teams import (
    CreateTeam,
    DeleteTeam,
    GetTeam,
    JoinTeam,
    ListTeams,
    UpdateTeam,
)
from application.access.unit_of_work import AccessUnitOfWork
from application.audit.organization_audit import ReadOrganizationAudit
from application.audit.unit_of_work import AuditUnitOfWork
from application.credits.admin_grant import AdminGrant, UserBalance
from application.credits.atomic_posting import UnitOfWorkAtomicLedger
from application.credits.expire_holds import ExpireHolds
from application.credits.ledger_service import CreditsLedger
from application.credits.queries import GetBalance, GetHistory
from application.credits.spend import Spend
from application.credits.unit_of_work import CreditsUnitOfWork, LedgerUnitOfWork
from application.credits.verify_ledger import VerifyLedger
from application.free_credits.claim_free_credits import ClaimFreeCredits
from application.free_credits.cleanup import PurgeStalePhoneVerification
from application.free_credits.eligibility import GetFreeCreditsEligibility
from application.free_credits.send_code import SendVerificationCode
from application.free_credits.unit_of_work import FreeCreditsUnitOfWork
from application.free_credits.verify_code import VerifyPhoneCode
from application.idempotency import IdempotentRequests, PurgeIdempotencyKeys
from application.identity.provider_sync import ApplyProviderWebhook, ReceiveProviderWebhook
from application.identity.resolve_principal import ResolvePrincipal
from application.identity.unit_of_work import IdentityUnitOfWork
from application.invitations.answer import AcceptInvitation, DeclineInvitation, PreviewInvitation
from application.invitations.invitation_email import SendInvitationEmailHandler
from application.invitations.invite import InviteMembers
from application.invitations.manage import ListInvitations, RevokeInvitation
from application.invitations.unit_of_work import InvitationsUnitOfWork
from application.jobs.send_email import SendEmailHandler
from application.notifications.delivery import CreateNotificationHandler, PurgeOldNotifications
from application.notifications.inbox import (
    CountUnread,
    DeleteNotification,
    DeleteReadNotifications,
    ListNotifications,
    MarkNotifications,
)
from application.notifications.unit_of_work import NotificationsUnitOfWork
from application.payments.create_order import CreateOrder
from application.payments.plans import CreatePlan, DeactivatePlan, GetPlan, ListPlans
from application.payments.queries import GetOwnPaymentByOrder, GetPayment, PaymentHistory
from application.payments.reconciliation import ReconcilePayments
from application.payments.refunds import RefundPayment
from application.payments.settlement import PaymentSettlement
from application.payments.unit_of_work import PaymentsUnitOfWork
from application.payments.verify import VerifyPayment
from application.payments.webhooks import ProcessRazorpayWebhook, ReceiveRazorpayWebhook
from application.ports.clock import SystemClock
from application.ports.idempotency import IdempotencyUnitOfWork
from application.profiles.own_profile import GetOwnProfile, UpdateProfile
from application.profiles.public_profile import (
    ListProfileViews,
    RecordProfileView,
    ViewPublicProfile,
)
from application.profiles.unit_of_work import ProfilesUnitOfWork
from application.settings.unit_of_work import SettingsUnitOfWork
from application.settings.user_settings import GetSettings, ResetSettings, UpdateSettings
from domain.free_credits.otp import OtpHasher
from entrypoints.config import ConfigurationError, Settings
from entrypoints.payments_wiring import checkout_key_secret, payment_gateway, sandbox_gateway


def _engine(settings: Settings) -> Any:
    return build_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def _redis(settings: Settings) -> Any:
    return redis_client(settings.redis_url) if settings.redis_url else None


def _cache(redis: Any) -> Any:
    return RedisCache(redis) if redis is not None else InMemoryCache()


def _email_sender(settings: Settings) -> Any:
    if settings.email_provider == "resend":
        return ResendEmailSender(
            api_key=settings.resend_api_key or "",
            sender=settings.email_from,
            base_url=settings.resend_api_url,
        )
    path = settings.dev_email_path or settings.var_dir / "outbox" / "emails.jsonl"
    return DevEmailSender(path, sender=settings.email_from)


def _sms_sender(settings: Settings) -> Any:
    if settings.sms_provider == "dev":
        return DevOutboxSmsSender(settings.var_dir / "outbox")
    if problems := settings.sms_problems():
        raise ConfigurationError("; ".join(problems))
    from adapters.sms.twilio import TwilioConfig, TwilioSmsSender

    return TwilioSmsSender(
        TwilioConfig(
            account_sid=settings.twilio_account_sid or "",
            auth_token=settings.twilio_auth_token or "",
            from_number=settings.twilio_from or "",
            base_url=settings.twilio_base_url,
        )
    )


def _otp_hasher(settings: Settings) -> OtpHasher:
    return OtpHasher(settings.resolved_otp_pepper())


def _token_verifier(settings: Settings) -> Any:
    if settings.auth_mode == "dev":
        return DevTokenVerifier(settings.resolved_dev_auth_secret())
    from adapters.clerk.token_verifier import build_clerk_verifier

    return build_clerk_verifier(settings)


def _atomic_ledger(engine: Any, uow: Any, settings: Settings) -> Any:
    portable = UnitOfWorkAtomicLedger(uow.of(LedgerUnitOfWork))
    if engine.dialect.name == "postgresql":
        return PostgresAtomicLedger(engine, portable, pool_size=min(settings.db_pool_size, 16))
    return portable


def _code_sealer(settings: Settings) -> Any:
    return AesGcmCodeSealer.from_text(settings.resolved_invite_seal_key())


def _identity_directory(settings: Settings) -> Any:
    return build_clerk_directory(settings) if settings.auth_mode == "clerk" else None


def _clerk_webhook_verifier(settings: Settings) -> Any:
    secret = settings.clerk_webhook_secret
    return ClerkWebhookVerifier(secret) if secret else None


class Core(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    otp_hasher = providers.Singleton(_otp_hasher, config)
    code_sealer = providers.Singleton(_code_sealer, config)


class Adapters(containers.DeclarativeContainer):
    """Production adapters: SQLAlchemy, Redis when configured, the configured identity."""

    core = providers.DependenciesContainer()
    engine = providers.Singleton(_engine, core.config)
    redis = providers.Singleton(_redis, core.config)
    uow = providers.Singleton(SqlAlchemyUnitOfWorkFactory, engine, core.clock)
    atomic_ledger = providers.Singleton(_atomic_ledger, engine, uow, core.config)
    scope_reads = providers.Singleton(SqlScopeReads, engine)
    cache = providers.Singleton(_cache, redis)
    token_verifier = providers.Singleton(_token_verifier, core.config)
    identity_directory = providers.Singleton(_identity_directory, core.config)
    clerk_webhook_verifier = providers.Singleton(_clerk_webhook_verifier, core.config)
    provider_event_parser = providers.Object(parse_clerk_webhook)
    email_sender = providers.Singleton(_email_sender, core.config)
    email_templates = providers.Singleton(
        JinjaEmailTemplates, frontend_url=core.config.provided.frontend_url
    )
    payment_gateway = providers.Singleton(payment_gateway, core.config)
    sms_sender = providers.Singleton(_sms_sender, core.config)


class MemoryAdapters(containers.DeclarativeContainer):
    """Everything in memory: unit tests and use-case tests."""

    core = providers.DependenciesContainer()
    engine = providers.Object(None)
    redis = providers.Object(None)
    # The store lives inside the factory: an overriding container may only name providers
    # that the production container also has.
    uow = providers.Singleton(
        InMemoryUnitOfWorkFactory, providers.Singleton(MemoryStore), core.clock
    )
    atomic_ledger = providers.Singleton(
        UnitOfWorkAtomicLedger, uow.provided.of.call(LedgerUnitOfWork)
    )
    scope_reads = providers.Singleton(MemoryScopeReads, uow.provided.store)
    cache = providers.Singleton(InMemoryCache)
    token_verifier = providers.Singleton(_token_verifier, core.config)
    identity_directory = providers.Object(None)
    clerk_webhook_verifier = providers.Singleton(_clerk_webhook_verifier, core.config)
    provider_event_parser = providers.Object(parse_clerk_webhook)
    email_sender = providers.Singleton(MemoryEmailSender)
    email_templates = providers.Singleton(
        JinjaEmailTemplates, frontend_url=core.config.provided.frontend_url
    )
    payment_gateway = providers.Singleton(sandbox_gateway)
    sms_sender = providers.Singleton(_sms_sender, core.config)


class UseCases(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    adapters = providers.DependenciesContainer()

    resolve_principal = providers.Singleton(
        ResolvePrincipal,
        adapters.uow.provided.of.call(IdentityUnitOfWork),
        adapters.cache,
        core.clock,
        admin_subjects=core.config.provided.admin_user_ids,
        directory=adapters.identity_directory,
    )
    receive_provider_webhook = providers.Factory(
        ReceiveProviderWebhook, adapters.uow.provided.of.call(IdentityUnitOfWork), core.clock
    )
    apply_provider_webhook = providers.Factory(
        ApplyProviderWebhook,
        adapters.uow.provided.of.call(IdentityUnitOfWork),
        adapters.cache,
        core.clock,
        adapters.provider_event_parser,
    )

    get_own_profile = providers.Factory(
        GetOwnProfile, adapters.uow.provided.of.call(ProfilesUnitOfWork), adapters.cache, core.clock
    )
    update_profile = providers.Factory(
        UpdateProfile, adapters.uow.provided.of.call(ProfilesUnitOfWork), adapters.cache, core.clock
    )
    view_public_profile = providers.Factory(
        ViewPublicProfile, adapters.uow.provided.of.call(ProfilesUnitOfWork), adapters.cache
    )
    record_profile_view = providers.Factory(
        RecordProfileView, adapters.uow.provided.of.call(ProfilesUnitOfWork), core.clock
    )
    list_profile_views = providers.Factory(
        ListProfileViews, adapters.uow.provided.of.call(ProfilesUnitOfWork)
    )

    get_settings = providers.Factory(GetSettings, adapters.uow.provided.of.call(SettingsUnitOfWork))
    update_settings = providers.Factory(
        UpdateSettings, adapters.uow.provided.of.call(SettingsUnitOfWork), core.clock
    )
    reset_settings = providers.Factory(
        ResetSettings, adapters.uow.provided.of.call(SettingsUnitOfWork), core.clock
    )

    list_notifications = providers.Factory(
        ListNotifications, adapters.uow.provided.of.call(NotificationsUnitOfWork)
    )
    count_unread = providers.Factory(
        CountUnread, adapters.uow.provided.of.call(NotificationsUnitOfWork), adapters.cache
    )
    mark_notifications = providers.Factory(
        MarkNotifications,
        adapters.uow.provided.of.call(NotificationsUnitOfWork),
        adapters.cache,
        core.clock,
    )
    delete_notification = providers.Factory(
        DeleteNotification, adapters.uow.provided.of.call(NotificationsUnitOfWork), adapters.cache
    )
    delete_read_notifications = providers.Factory(
        DeleteReadNotifications, adapters.uow.provided.of.call(NotificationsUnitOfWork)
    )
    create_notification = providers.Factory(
        CreateNotificationHandler,
        adapters.uow.provided.of.call(NotificationsUnitOfWork),
        adapters.cache,
        core.clock,
    )
    purge_old_notifications = providers.Factory(
        PurgeOldNotifications, adapters.uow.provided.of.call(NotificationsUnitOfWork), core.clock
    )

    send_email = providers.Factory(
        SendEmailHandler, adapters.email_templates, adapters.email_sender
    )
    credits_ledger = providers.Singleton(CreditsLedger, core.clock)
    get_balance = providers.Factory(GetBalance, adapters.uow.provided.of.call(CreditsUnitOfWork))
    get_history = providers.Factory(GetHistory, adapters.uow.provided.of.call(CreditsUnitOfWork))
    spend = providers.Factory(Spend, adapters.atomic_ledger, core.clock)
    admin_grant = providers.Factory(
        AdminGrant, adapters.uow.provided.of.call(CreditsUnitOfWork), credits_ledger, core.clock
    )
    verify_ledger = providers.Factory(
        VerifyLedger, adapters.uow.provided.of.call(CreditsUnitOfWork)
    )
    user_balance = providers.Factory(UserBalance, adapters.uow.provided.of.call(CreditsUnitOfWork))
    expire_holds = providers.Factory(
        ExpireHolds, adapters.uow.provided.of.call(CreditsUnitOfWork), core.clock
    )
    idempotent_requests = providers.Factory(
        IdempotentRequests, adapters.uow.provided.of.call(IdempotencyUnitOfWork), core.clock
    )
    purge_idempotency_keys = providers.Factory(
        PurgeIdempotencyKeys, adapters.uow.provided.of.call(IdempotencyUnitOfWork), core.clock
    )

    # -- plans and payments --
    list_plans = providers.Factory(ListPlans, adapters.uow.provided.of.call(PaymentsUnitOfWork))
    get_plan = providers.Factory(GetPlan, adapters.uow.provided.of.call(PaymentsUnitOfWork))
    create_plan = providers.Factory(
        CreatePlan, adapters.uow.provided.of.call(PaymentsUnitOfWork), core.clock
    )
    deactivate_plan = providers.Factory(
        DeactivatePlan, adapters.uow.provided.of.call(PaymentsUnitOfWork), core.clock
    )
    payment_settlement = providers.Factory(
        PaymentSettlement,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        adapters.payment_gateway,
        credits_ledger,
    )
    create_order = providers.Factory(
        CreateOrder,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        adapters.payment_gateway,
        core.clock,
        payments_enabled=core.config.provided.payments_are_enabled,
    )
    verify_payment = providers.Factory(
        VerifyPayment,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        payment_settlement,
        credits_ledger,
        core.clock,
        key_secret=providers.Callable(checkout_key_secret, core.config, adapters.payment_gateway),
        payments_enabled=core.config.provided.payments_are_enabled,
    )
    payment_history = providers.Factory(
        PaymentHistory, adapters.uow.provided.of.call(PaymentsUnitOfWork)
    )
    get_payment = providers.Factory(
        GetPayment,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        payment_settlement,
        core.clock,
    )
    get_own_payment_by_order = providers.Factory(
        GetOwnPaymentByOrder, adapters.uow.provided.of.call(PaymentsUnitOfWork)
    )
    refund_payment = providers.Factory(
        RefundPayment,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        adapters.payment_gateway,
        payment_settlement,
        core.clock,
    )
    receive_razorpay_webhook = providers.Factory(
        ReceiveRazorpayWebhook,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        core.clock,
        secret=core.config.provided.razorpay_webhook_secret,
    )
    process_razorpay_webhook = providers.Factory(
        ProcessRazorpayWebhook,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        adapters.payment_gateway,
        payment_settlement,
        core.clock,
    )
    reconcile_payments = providers.Factory(
        ReconcilePayments,
        adapters.uow.provided.of.call(PaymentsUnitOfWork),
        payment_settlement,
        refund_payment,
        core.clock,
    )
    send_verification_code = providers.Factory(
        SendVerificationCode,
        adapters.uow.provided.of.call(FreeCreditsUnitOfWork),
        adapters.sms_sender,
        core.otp_hasher,
        core.clock,
    )
    verify_phone_code = providers.Factory(
        VerifyPhoneCode,
        adapters.uow.provided.of.call(FreeCreditsUnitOfWork),
        core.otp_hasher,
        core.clock,
    )
    free_credits_eligibility = providers.Factory(
        GetFreeCreditsEligibility, adapters.uow.provided.of.call(FreeCreditsUnitOfWork), core.clock
    )
    claim_free_credits = providers.Factory(
        ClaimFreeCredits,
        adapters.uow.provided.of.call(FreeCreditsUnitOfWork),
        credits_ledger,
        core.clock,
        amount=core.config.provided.free_credits_amount,
    )
    purge_stale_phone_verification = providers.Factory(
        PurgeStalePhoneVerification,
        adapters.uow.provided.of.call(FreeCreditsUnitOfWork),
        core.clock,
    )

    # Organizations, teams, projects: every decision comes from the one Authorizer.
    authorizer = providers.Singleton(Authorizer)
    create_organization = providers.Factory(
        CreateOrganization, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock
    )
    get_organization = providers.Factory(GetOrganization, adapters.scope_reads, authorizer)
    list_my_organizations = providers.Factory(
        ListMyOrganizations, adapters.uow.provided.of.call(AccessUnitOfWork)
    )
    update_organization = providers.Factory(
        UpdateOrganization, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_organization = providers.Factory(
        DeleteOrganization, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    join_organization = providers.Factory(
        JoinOrganization, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_members = providers.Factory(
        ListMembers, adapters.uow.provided.of.call(AccessUnitOfWork), authorizer
    )
    change_member_role = providers.Factory(
        ChangeMemberRole, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    remove_member = providers.Factory(
        RemoveMember, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_roles = providers.Factory(
        ListRoles, adapters.uow.provided.of.call(AccessUnitOfWork), authorizer
    )
    create_role = providers.Factory(
        CreateRole, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    update_role = providers.Factory(
        UpdateRole, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_role = providers.Factory(
        DeleteRole, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    create_team = providers.Factory(
        CreateTeam, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    get_team = providers.Factory(GetTeam, adapters.scope_reads, authorizer)
    update_team = providers.Factory(
        UpdateTeam, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_team = providers.Factory(
        DeleteTeam, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_teams = providers.Factory(
        ListTeams, adapters.scope_reads, adapters.scope_reads, authorizer
    )
    join_team = providers.Factory(
        JoinTeam, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    create_project = providers.Factory(
        CreateProject, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    get_project = providers.Factory(GetProject, adapters.scope_reads, authorizer)
    update_project = providers.Factory(
        UpdateProject, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    delete_project = providers.Factory(
        DeleteProject, adapters.uow.provided.of.call(AccessUnitOfWork), core.clock, authorizer
    )
    list_projects = providers.Factory(
        ListProjects, adapters.scope_reads, adapters.scope_reads, authorizer
    )

    # Invitations (all three scopes) and the organization audit trail.
    invite_members = providers.Factory(
        InviteMembers,
        adapters.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        authorizer,
        core.code_sealer,
    )
    list_invitations = providers.Factory(
        ListInvitations,
        adapters.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        authorizer,
    )
    revoke_invitation = providers.Factory(
        RevokeInvitation,
        adapters.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        authorizer,
    )
    preview_invitation = providers.Factory(
        PreviewInvitation, adapters.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    accept_invitation = providers.Factory(
        AcceptInvitation, adapters.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    decline_invitation = providers.Factory(
        DeclineInvitation, adapters.uow.provided.of.call(InvitationsUnitOfWork), core.clock
    )
    read_organization_audit = providers.Factory(
        ReadOrganizationAudit, adapters.uow.provided.of.call(AuditUnitOfWork), authorizer
    )
    send_invitation_email = providers.Factory(
        SendInvitationEmailHandler,
        adapters.uow.provided.of.call(InvitationsUnitOfWork),
        core.clock,
        core.code_sealer,
        adapters.email_templates,
        adapters.email_sender,
        core.config.provided.frontend_url,
    )


class Container(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=Settings)
    core = providers.Container(Core, config=config)
    adapters = providers.Container(Adapters, core=core)
    use_cases = providers.Container(UseCases, core=core, adapters=adapters)
