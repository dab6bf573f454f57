"""HTTP models of the community routes (API.md "Community")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, Field, StrictInt

from entrypoints.http.schemas.base import ApiInput, ApiOutput, ApiQuery, PageQuery, UtcTime

Email = Annotated[EmailStr, Field(max_length=320)]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]
FeedbackMessage = Annotated[str, Field(max_length=1000)]


class StarOut(ApiOutput):
    has_starred: bool
    star_count: int


class StarStatusOut(StarOut):
    starred_at: UtcTime | None


class StargazerOut(ApiOutput):
    user_id: str
    name: str | None
    avatar_url: str | None
    starred_at: UtcTime


class ReportIn(ApiInput):
    entity_type: Literal["profile", "organization", "team", "project"]
    entity_id: Annotated[str, Field(min_length=1, max_length=100)]
    reason: Literal["spam", "harassment", "inappropriate", "fake", "privacy", "other"]
    details: Annotated[str, Field(max_length=500)] | None = None


class ReportCreatedOut(ApiOutput):
    id: str
    status: str


class ReportOut(ApiOutput):
    id: str
    entity_type: str
    entity_id: str
    reason: str
    details: str | None
    status: str
    resolution: str | None
    created_at: UtcTime
    updated_at: UtcTime


class AdminReportOut(ReportOut):
    reporter_id: str
    moderator_id: str | None


class ReportQueueQuery(PageQuery):
    status: Literal["QUEUED", "IN_REVIEW", "ESCALATED", "RESOLVED", "DISMISSED"] | None = None


class ModerateIn(ApiInput):
    status: Literal["IN_REVIEW", "RESOLVED", "DISMISSED", "ESCALATED"]
    resolution: Annotated[str, Field(max_length=1000)] | None = None


class FeedbackIn(ApiInput):
    rating: Rating
    message: FeedbackMessage | None = None
    page: Annotated[str, Field(max_length=500)] | None = None


class FeedbackCreatedOut(ApiOutput):
    id: str
    created_at: UtcTime


class CodedFeedbackIn(ApiInput):
    rating: Rating
    message: FeedbackMessage | None = None


class CodedFeedbackOut(ApiOutput):
    feedback_code: str
    rating: int | None
    message: str | None
    is_used: bool
    created_at: UtcTime


class SubmittedOut(ApiOutput):
    submitted: bool


class EmailIn(ApiInput):
    email: Email


class TokenQuery(ApiQuery):
    token: Annotated[str, Field(min_length=1, max_length=1000)]


class ReceivedOut(ApiOutput):
    message: str


class NewsletterStatusOut(ApiOutput):
    status: str


class UnsubscribedOut(ApiOutput):
    unsubscribed: bool
