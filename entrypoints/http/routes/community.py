"""Community routes (API.md "Community"): stars, reports and moderation, feedback, the
newsletter and platform invites."""

from __future__ import annotations

import functools
from typing import Annotated, TypeVar

from pydantic import Field, ValidationError

from application.community.feedback import GiveFeedback, ShowCodedFeedback, SubmitCodedFeedback
from application.community.newsletter import (
    ConfirmNewsletter,
    SubscribeNewsletter,
    UnsubscribeNewsletter,
)
from application.community.platform_invites import InviteToPlatform
from application.community.reports import (
    FileReport,
    ListMyReports,
    ListReportQueue,
    ModerateReport,
)
from application.community.stars import GetStarStatus, ListStargazers, StarProfile, UnstarProfile
from application.community.weekly_feedback import UnsubscribeFeedbackMail
from application.pagination import Page
from domain.community.reports import EntityType, Report, ReportReason, ReportStatus
from domain.community.stars import Stargazer, StarState
from entrypoints.http.routing import (
    ApiRoutes,
    Auth,
    Call,
    NoBody,
    NoQuery,
    refuse_non_json,
    validation_error,
)
from entrypoints.http.schemas.base import ApiQuery, PageQuery, shown
from entrypoints.http.schemas.community import (
    AdminReportOut,
    CodedFeedbackIn,
    CodedFeedbackOut,
    EmailIn,
    FeedbackCreatedOut,
    FeedbackIn,
    ModerateIn,
    NewsletterStatusOut,
    ReceivedOut,
    ReportCreatedOut,
    ReportIn,
    ReportOut,
    ReportQueueQuery,
    StargazerOut,
    StarOut,
    StarStatusOut,
    SubmittedOut,
    TokenQuery,
    UnsubscribedOut,
)

routes = ApiRoutes(tag="community")
STARS = "/api/v1/stars/{userId}"
#: The one answer to a subscribe request, whatever the address's state (no enumeration).
SUBSCRIBE_ANSWER = (
    "If this address can receive our newsletter, a confirmation e-mail is on its way."
)


def _star_out(state: StarState) -> StarOut:
    return shown(StarOut, state)


@routes.post(STARS, rate_limit="10/minute", summary="Star a public profile")
async def star(call: Call[NoBody, NoQuery], star_profile: StarProfile) -> StarOut:
    return _star_out(await star_profile(call.user, call.path["userId"]))


@routes.delete(STARS, rate_limit="10/minute", summary="Take my star back")
async def unstar(call: Call[NoBody, NoQuery], unstar_profile: UnstarProfile) -> StarOut:
    return _star_out(await unstar_profile(call.user, call.path["userId"]))


@routes.get(f"{STARS}/status", summary="My star on a profile")
async def star_status(call: Call[NoBody, NoQuery], get_star_status: GetStarStatus) -> StarStatusOut:
    state = await get_star_status(call.user, call.path["userId"])
    return shown(StarStatusOut, state)


def _stargazer_out(g: Stargazer) -> StargazerOut:
    return shown(StargazerOut, g, name=g.name or "Anonymous")


@routes.page(
    STARS,
    StargazerOut,
    show=_stargazer_out,
    auth=Auth.OPTIONAL,
    summary="Who starred a profile, newest first (public)",
)
async def stargazers(
    call: Call[NoBody, PageQuery], list_stargazers: ListStargazers
) -> Page[Stargazer]:
    return await list_stargazers(call.path["userId"], call.principal, call.query.paging)


R = TypeVar("R", ReportOut, AdminReportOut)


def _report_out(model: type[R], r: Report) -> R:
    """A report as its reporter (``ReportOut``) or a moderator (``AdminReportOut``) sees it."""
    return shown(
        model, r, entity_type=r.entity_type.value, reason=r.reason.value, status=r.status.value
    )


@routes.post(
    "/api/v1/reports",
    status=201,
    rate_limit="20/hour",
    summary="Report a profile, organization, team or project I can see",
)
async def file_report(call: Call[ReportIn, NoQuery], file_report: FileReport) -> ReportCreatedOut:
    b = call.body
    report = await file_report(
        call.user,
        EntityType(b.entity_type),
        b.entity_id,
        ReportReason(b.reason),
        b.details,
        call.context,
    )
    return ReportCreatedOut(id=report.id, status=report.status.value)


@routes.page(
    "/api/v1/reports",
    ReportOut,
    show=functools.partial(_report_out, ReportOut),
    summary="My reports, newest first",
)
async def my_reports(call: Call[NoBody, PageQuery], list_my_reports: ListMyReports) -> Page[Report]:
    return await list_my_reports(call.user, call.query.paging)


@routes.page(
    "/api/v1/admin/reports",
    AdminReportOut,
    show=functools.partial(_report_out, AdminReportOut),
    auth=Auth.ADMIN,
    summary="The moderation queue, oldest first (platform admins)",
)
async def report_queue(
    call: Call[NoBody, ReportQueueQuery], list_report_queue: ListReportQueue
) -> Page[Report]:
    q = call.query
    return await list_report_queue(ReportStatus(q.status) if q.status else None, q.paging)


@routes.patch(
    "/api/v1/admin/reports/{id}",
    auth=Auth.ADMIN,
    summary="Moderate a report (illegal transitions: 409)",
)
async def moderate(
    call: Call[ModerateIn, NoQuery], moderate_report: ModerateReport
) -> AdminReportOut:
    report = await moderate_report(
        call.user,
        call.path["id"],
        ReportStatus(call.body.status),
        call.body.resolution,
        call.context,
    )
    return _report_out(AdminReportOut, report)


@routes.post("/api/v1/feedback", status=201, rate_limit="10/hour", summary="Send general feedback")
async def give_feedback(
    call: Call[FeedbackIn, NoQuery], give_feedback: GiveFeedback
) -> FeedbackCreatedOut:
    b = call.body
    feedback = await give_feedback(call.user, b.rating, b.message, b.page)
    return shown(FeedbackCreatedOut, feedback)


FEEDBACK_CODE = "/api/v1/feedback/{code}"


@routes.get(
    FEEDBACK_CODE, auth=Auth.NONE, summary="A feedback link from the weekly e-mail (public)"
)
async def show_coded_feedback(
    call: Call[NoBody, NoQuery], show_coded_feedback: ShowCodedFeedback
) -> CodedFeedbackOut:
    code = call.path["code"]
    feedback = await show_coded_feedback(code)
    return shown(CodedFeedbackOut, feedback, feedback_code=code)


@routes.post(
    FEEDBACK_CODE,
    auth=Auth.NONE,
    summary="Answer a feedback link (once; one attempt per link per minute)",
)
async def submit_coded_feedback(
    call: Call[CodedFeedbackIn, NoQuery], submit_coded_feedback: SubmitCodedFeedback
) -> SubmittedOut:
    await submit_coded_feedback(call.path["code"], call.body.rating, call.body.message)
    return SubmittedOut(submitted=True)


FEEDBACK_MAIL_UNSUBSCRIBE = "/api/v1/feedback-mail/unsubscribe"


@routes.get(
    FEEDBACK_MAIL_UNSUBSCRIBE,
    auth=Auth.NONE,
    summary="The weekly feedback e-mail's unsubscribe link (signed)",
    name="community_unsubscribe_feedback_mail_link",
)
@routes.post(
    FEEDBACK_MAIL_UNSUBSCRIBE,
    auth=Auth.NONE,
    raw=True,  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" form-encoded
    summary="One-click unsubscribe from the weekly feedback e-mail (RFC 8058)",
)
async def unsubscribe_feedback_mail(
    call: Call[NoBody, TokenQuery], unsubscribe_feedback_mail: UnsubscribeFeedbackMail
) -> UnsubscribedOut:
    await unsubscribe_feedback_mail(call.query.token)
    return UnsubscribedOut(unsubscribed=True)


@routes.post(
    "/api/v1/newsletter/subscribe",
    auth=Auth.NONE,
    status=202,
    rate_limit="5/hour",
    summary="Ask for the newsletter (double opt-in; the same answer for every address)",
)
async def subscribe(
    call: Call[EmailIn, NoQuery], subscribe_newsletter: SubscribeNewsletter
) -> ReceivedOut:
    await subscribe_newsletter(call.body.email)
    return ReceivedOut(message=SUBSCRIBE_ANSWER)


@routes.get(
    "/api/v1/newsletter/confirm",
    auth=Auth.NONE,
    summary="Confirm a newsletter subscription (the signed link of the confirmation e-mail)",
)
async def confirm(
    call: Call[NoBody, TokenQuery], confirm_newsletter: ConfirmNewsletter
) -> NewsletterStatusOut:
    status = await confirm_newsletter(call.query.token)
    return NewsletterStatusOut(status=status.value)


NEWSLETTER_UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe"
UNSUBSCRIBE_ANSWER = "If this address was subscribed, it will not receive the newsletter again."


class OptionalTokenQuery(ApiQuery):
    token: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


# Registered bottom-up: the GET (the signed link, its token required) first, then the POST.
@routes.post(
    NEWSLETTER_UNSUBSCRIBE,
    auth=Auth.NONE,
    query=OptionalTokenQuery,
    raw=True,  # the one-click POST (RFC 8058) is form-encoded; the address form is JSON
    summary="Unsubscribe: ?token= (one click) or {email} (mails the owner an unsubscribe link)",
)
@routes.get(
    NEWSLETTER_UNSUBSCRIBE,
    auth=Auth.NONE,
    query=TokenQuery,
    summary="Unsubscribe from the newsletter by its signed link",
    name="community_unsubscribe_link",
)
async def unsubscribe(
    call: Call[NoBody, TokenQuery | OptionalTokenQuery],
    unsubscribe_newsletter: UnsubscribeNewsletter,
) -> ReceivedOut:
    if call.query.token is not None:
        await unsubscribe_newsletter.by_token(call.query.token)
    else:
        await unsubscribe_newsletter.by_address(_email_in(call).email)
    return ReceivedOut(message=UNSUBSCRIBE_ANSWER)


def _email_in(call: Call[NoBody, TokenQuery | OptionalTokenQuery]) -> EmailIn:
    """The JSON ``{email}`` body of the raw unsubscribe route, refused as a declared body is."""
    refuse_non_json(call.request)
    try:
        return EmailIn.model_validate_json(call.raw_body or b"", strict=True)
    except ValidationError as exc:
        raise validation_error(exc, "request body") from exc


@routes.post(
    "/api/v1/platform/invite",
    status=202,
    summary="Invite someone to the platform (3 per hour, then a 30-minute lockout)",
)
async def invite(call: Call[EmailIn, NoQuery], invite_to_platform: InviteToPlatform) -> ReceivedOut:
    await invite_to_platform(call.user, call.body.email)
    return ReceivedOut(message="Platform invite request received!")
