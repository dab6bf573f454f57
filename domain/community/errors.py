"""Errors of the community context, one class per cause (status and code from the kind)."""

from __future__ import annotations

from domain.errors import Conflict, DomainError, Gone, NotFound, TooManyRequests, ValidationFailed


class CommunityError(DomainError):
    """Root of the community context (stars, reports, feedback, newsletter, platform invites)."""


class ProfileNotFound(CommunityError, NotFound, message="Profile not found"):
    """Absent, deleted or private (to this caller): the same answer, no existence leak."""


class OwnProfile(CommunityError, ValidationFailed, field="userId"):
    pass


class ReportTargetNotFound(CommunityError, NotFound):
    """The reported entity does not exist or the reporter cannot see it."""

    def __init__(self, entity_type: str) -> None:
        super().__init__(f"{entity_type.capitalize()} not found")


class DuplicateOpenReport(
    CommunityError, Conflict, message="You have already reported this and it is under review"
):
    pass


class ReportNotFound(CommunityError, NotFound, message="Report not found"):
    pass


class IllegalReportTransition(CommunityError, Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"A {current} report cannot become {target}",
            details={"status": current, "requested": target},
        )


class FeedbackNotFound(CommunityError, NotFound, message="Feedback not found"):
    pass


class FeedbackAlreadySubmitted(CommunityError, Conflict, message="Feedback already submitted"):
    pass


class TooManyAttempts(CommunityError, TooManyRequests):
    """A per-key limit (a feedback code, an inviter) is used up; retry after ``retry_after`` s."""


class DisposableEmail(
    CommunityError,
    ValidationFailed,
    message="Disposable e-mail addresses are not accepted",
    field="email",
):
    pass


class InvalidLink(CommunityError, ValidationFailed):
    """A signed link that was altered, forged or made for another purpose."""

    def __init__(self) -> None:
        super().__init__("Invalid link", details=[{"field": "token", "message": "invalid"}])


class ExpiredLink(CommunityError, Gone, message="This link has expired; ask for a new one"):
    pass
