"""A user's public-facing profile and the rules of who may see it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from domain.errors import AuthenticationFailed, NotFound


class Gender(enum.StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    OTHER = "OTHER"
    PREFER_NOT_TO_SAY = "PREFER_NOT_TO_SAY"


@dataclass(frozen=True)
class ProfileDetails:
    """Everything a user edits with ``PUT /profile`` (limits are enforced at the HTTP edge)."""

    first_name: str
    last_name: str | None = None
    bio: str = ""
    gender: Gender | None = None
    date_of_birth: date | None = None
    location: str | None = None
    job_title: str | None = None
    company: str | None = None
    years_of_experience: int | None = None
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    experiences: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    awards: tuple[str, ...] = ()
    github_username: str | None = None
    twitter_handle: str | None = None
    linkedin_profile: str | None = None
    portfolio_url: str | None = None
    resume_url: str | None = None


#: The fields of ``ProfileDetails`` that hold a list (a tuple of strings).
LIST_FIELDS = (
    "skills",
    "interests",
    "languages",
    "experiences",
    "education",
    "certifications",
    "awards",
)


@dataclass(frozen=True)
class PrivacySettings:
    is_public: bool = True
    require_auth: bool = False
    track_views: bool = False

    def normalised(self) -> PrivacySettings:
        # Views are only recorded with the viewer's consent, which needs a signed-in viewer.
        if not self.require_auth and self.track_views:
            return replace(self, track_views=False)
        return self


@dataclass(frozen=True)
class Profile:
    user_id: str
    details: ProfileDetails
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def new(
        cls, user_id: str, first_name: str | None, last_name: str | None, now: datetime
    ) -> Profile:
        details = ProfileDetails(first_name=first_name or "", last_name=last_name)
        return cls(
            user_id=user_id,
            details=details,
            privacy=PrivacySettings(),
            created_at=now,
            updated_at=now,
        )

    def update(self, details: ProfileDetails, privacy: PrivacySettings, now: datetime) -> Profile:
        return replace(self, details=details, privacy=privacy.normalised(), updated_at=now)

    def check_visible_to(self, viewer_id: str | None) -> None:
        """Raise unless ``viewer_id`` (None = anonymous) may see this profile."""
        if viewer_id == self.user_id:
            return
        if not self.privacy.is_public:
            raise NotFound("Profile not found")
        if self.privacy.require_auth and viewer_id is None:
            raise AuthenticationFailed("Sign in to view this profile")

    def accepts_view_from(self, viewer_id: str) -> bool:
        return viewer_id != self.user_id and self.privacy.track_views


@dataclass(frozen=True)
class ProfileView:
    viewer_id: str
    viewer_name: str | None
    viewer_image_url: str | None
    viewed_at: datetime
