"""HTTP models of profiles, settings and users (limits from API.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints, TypeAdapter, field_validator

from entrypoints.http.schemas.base import ApiInput, ApiOutput, UtcTime

Short = Annotated[str, StringConstraints(max_length=100)]
Medium = Annotated[str, StringConstraints(max_length=200)]
_url = TypeAdapter(AnyHttpUrl)


def _url_or_empty(value: str | None) -> str | None:
    if value:
        if len(value) > 500:
            raise ValueError("at most 500 characters")
        _url.validate_python(value)
    return value


class ProfileIn(ApiInput):
    first_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    last_name: Short | None = None
    bio: Annotated[str, StringConstraints(max_length=500)] | None = None
    gender: Literal["MALE", "FEMALE", "OTHER", "PREFER_NOT_TO_SAY"] | None = None
    date_of_birth: date | None = None
    location: Medium | None = None
    job_title: Medium | None = None
    company: Medium | None = None
    years_of_experience: int | None = Field(default=None, ge=0, le=100)
    skills: list[Short] | None = Field(default=None, max_length=100)
    interests: list[Short] | None = Field(default=None, max_length=50)
    languages: list[Annotated[str, StringConstraints(max_length=50)]] | None = Field(
        default=None, max_length=50
    )
    experiences: list[Annotated[str, StringConstraints(max_length=500)]] | None = Field(
        default=None, max_length=20
    )
    education: list[Annotated[str, StringConstraints(max_length=500)]] | None = Field(
        default=None, max_length=20
    )
    certifications: list[Medium] | None = Field(default=None, max_length=20)
    awards: list[Medium] | None = Field(default=None, max_length=20)
    github_username: Short | None = None
    twitter_handle: Short | None = None
    linked_in_profile: str | None = None
    portfolio_url: str | None = None
    resume_url: str | None = None
    is_public: bool | None = None
    require_auth: bool | None = None
    track_views: bool | None = None

    _urls = field_validator("linked_in_profile", "portfolio_url", "resume_url")(_url_or_empty)

    @field_validator("date_of_birth")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and (value > date.today() or value.year < 1900):
            raise ValueError("must be a real birth date")
        return value


class ProfileOut(ApiOutput):
    user_id: str
    first_name: str
    last_name: str | None
    bio: str
    gender: str | None
    date_of_birth: date | None
    location: str | None
    job_title: str | None
    company: str | None
    years_of_experience: int | None
    skills: list[str]
    interests: list[str]
    languages: list[str]
    experiences: list[str]
    education: list[str]
    certifications: list[str]
    awards: list[str]
    github_username: str | None
    twitter_handle: str | None
    linked_in_profile: str | None
    portfolio_url: str | None
    resume_url: str | None
    is_public: bool
    require_auth: bool
    track_views: bool
    created_at: UtcTime | None
    updated_at: UtcTime | None


class PublicProfileOut(ProfileOut):
    star_count: int
    has_starred: bool | None = None
    requires_consent: bool | None = None
    is_owner: bool


class ProfileViewOut(ApiOutput):
    viewer_id: str
    viewer_name: str | None
    viewer_image_url: str | None
    viewed_at: UtcTime


class ViewRecordedOut(ApiOutput):
    recorded: bool


class SettingsOut(ApiOutput):
    # Settings keys are already camelCase in storage; no alias generation needed.
    wantToGetFeedbackMail: bool
    wantFeedbackNotifications: bool


class SettingsIn(ApiInput):
    wantToGetFeedbackMail: bool | None = None
    wantFeedbackNotifications: bool | None = None
