"""The community context: stars, reports, feedback (+ the weekly job), newsletter, invites."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.access.authorizer import Authorizer
from application.community import feedback, newsletter, platform_invites, reports, stars
from application.community.links import CommunityLinks
from application.community.unit_of_work import (
    FeedbackUnitOfWork,
    NewsletterUnitOfWork,
    PlatformInviteUnitOfWork,
    ReportsUnitOfWork,
    StarsUnitOfWork,
)
from application.community.weekly_feedback import SendWeeklyFeedback, UnsubscribeFeedbackMail
from application.ports.attempts import Throttle
from domain.attempts import AttemptRule
from domain.community.signed_links import LinkSigner
from entrypoints.containers.wiring import serves
from entrypoints.http.routes import community

#: Platform invites per inviter (API.md): 3 an hour, then locked out for 30 minutes.
INVITES_PER_HOUR = AttemptRule("community.platform-invite", 3, timedelta(hours=1))
INVITE_LOCKOUT = AttemptRule("community.platform-invite.lockout", 1, timedelta(minutes=30))
#: Answers per feedback link (the original's throttle).
FEEDBACK_CODE_ATTEMPTS = AttemptRule("community.feedback-code", 1, timedelta(minutes=1))


class Community(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    infrastructure = providers.DependenciesContainer()
    uow = infrastructure.uow.provided.of
    read_uow = infrastructure.read_uow.provided.of  # ADR 0096

    links = providers.Singleton(
        CommunityLinks,
        providers.Singleton(LinkSigner, core.config.provided.resolved_link_signing_key.call()),
        core.config.provided.public_api_url,
        core.config.provided.frontend_url,
    )
    invite_limiter = providers.Singleton(
        Throttle, infrastructure.attempt_limiter, INVITES_PER_HOUR, INVITE_LOCKOUT
    )
    feedback_code_limiter = providers.Singleton(
        Throttle, infrastructure.attempt_limiter, FEEDBACK_CODE_ATTEMPTS
    )

    _stars = uow.call(StarsUnitOfWork)
    star_profile = providers.Factory(stars.StarProfile, _stars, core.clock)
    unstar_profile = providers.Factory(stars.UnstarProfile, _stars)
    get_star_status = providers.Factory(stars.GetStarStatus, read_uow.call(StarsUnitOfWork))
    list_stargazers = providers.Factory(stars.ListStargazers, read_uow.call(StarsUnitOfWork))

    _reports = uow.call(ReportsUnitOfWork)
    file_report = providers.Factory(
        reports.FileReport, _reports, core.clock, providers.Singleton(Authorizer)
    )
    list_my_reports = providers.Factory(reports.ListMyReports, read_uow.call(ReportsUnitOfWork))
    list_report_queue = providers.Factory(reports.ListReportQueue, read_uow.call(ReportsUnitOfWork))
    moderate_report = providers.Factory(reports.ModerateReport, _reports, core.clock)

    _feedback = uow.call(FeedbackUnitOfWork)
    give_feedback = providers.Factory(feedback.GiveFeedback, _feedback, core.clock)
    show_coded_feedback = providers.Factory(feedback.ShowCodedFeedback, _feedback)
    submit_coded_feedback = providers.Factory(
        feedback.SubmitCodedFeedback, _feedback, core.clock, feedback_code_limiter
    )
    # The weekly job (entrypoints/jobs/schedule.py; `fairarena jobs run` runs it on demand).
    send_weekly_feedback = providers.Factory(SendWeeklyFeedback, _feedback, core.clock, links)
    unsubscribe_feedback_mail = providers.Factory(
        UnsubscribeFeedbackMail, _feedback, core.clock, links
    )

    _newsletter = uow.call(NewsletterUnitOfWork)
    subscribe_newsletter = providers.Factory(
        newsletter.SubscribeNewsletter,
        _newsletter,
        core.clock,
        links,
        infrastructure.disposable_domains,
    )
    confirm_newsletter = providers.Factory(
        newsletter.ConfirmNewsletter, _newsletter, core.clock, links
    )
    unsubscribe_newsletter = providers.Factory(
        newsletter.UnsubscribeNewsletter, _newsletter, core.clock, links
    )

    invite_to_platform = providers.Factory(
        platform_invites.InviteToPlatform,
        uow.call(PlatformInviteUnitOfWork),
        invite_limiter,
        links,
        infrastructure.disposable_domains,
    )

    # The route modules this context serves (their handlers' parameters resolve by type).
    http = serves(community.routes)
