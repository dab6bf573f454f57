"""Profile routes (API.md "Profile, settings, users")."""

from __future__ import annotations

from application.pagination import Page
from application.profiles.own_profile import GetOwnProfile, UpdateProfile
from application.profiles.public_profile import (
    ListProfileViews,
    RecordProfileView,
    ViewPublicProfile,
)
from domain.profiles.profile import Gender, PrivacySettings, Profile, ProfileDetails, ProfileView
from entrypoints.http.routing import ApiRoutes, Auth, Call, NoBody, NoQuery
from entrypoints.http.schemas.base import PageQuery, shown
from entrypoints.http.schemas.profiles import (
    ProfileIn,
    ProfileOut,
    ProfileViewOut,
    PublicProfileOut,
    ViewRecordedOut,
)

routes = ApiRoutes(tag="profile")


def profile_out(profile: Profile) -> dict[str, object]:
    d, p = profile.details, profile.privacy
    return {
        "user_id": profile.user_id,
        "first_name": d.first_name,
        "last_name": d.last_name,
        "bio": d.bio,
        "gender": d.gender.value if d.gender else None,
        "date_of_birth": d.date_of_birth,
        "location": d.location,
        "job_title": d.job_title,
        "company": d.company,
        "years_of_experience": d.years_of_experience,
        "skills": list(d.skills),
        "interests": list(d.interests),
        "languages": list(d.languages),
        "experiences": list(d.experiences),
        "education": list(d.education),
        "certifications": list(d.certifications),
        "awards": list(d.awards),
        "github_username": d.github_username,
        "twitter_handle": d.twitter_handle,
        "linked_in_profile": d.linkedin_profile,
        "portfolio_url": d.portfolio_url,
        "resume_url": d.resume_url,
        "is_public": p.is_public,
        "require_auth": p.require_auth,
        "track_views": p.track_views,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def profile_change(b: ProfileIn, current: Profile) -> tuple[ProfileDetails, PrivacySettings]:
    """What a validated ``PUT /profile`` body changes (the assistant's profile tool too)."""
    details = ProfileDetails(
        first_name=b.first_name,
        last_name=b.last_name,
        bio=b.bio or "",
        gender=Gender(b.gender) if b.gender else None,
        date_of_birth=b.date_of_birth,
        location=b.location,
        job_title=b.job_title,
        company=b.company,
        years_of_experience=b.years_of_experience,
        skills=tuple(b.skills or ()),
        interests=tuple(b.interests or ()),
        languages=tuple(b.languages or ()),
        experiences=tuple(b.experiences or ()),
        education=tuple(b.education or ()),
        certifications=tuple(b.certifications or ()),
        awards=tuple(b.awards or ()),
        github_username=b.github_username,
        twitter_handle=b.twitter_handle,
        linkedin_profile=b.linked_in_profile or None,
        portfolio_url=b.portfolio_url or None,
        resume_url=b.resume_url or None,
    )
    privacy = PrivacySettings(
        is_public=current.privacy.is_public if b.is_public is None else b.is_public,
        require_auth=current.privacy.require_auth if b.require_auth is None else b.require_auth,
        track_views=current.privacy.track_views if b.track_views is None else b.track_views,
    )
    return details, privacy


@routes.get("/api/v1/profile", summary="My profile (created on first call)")
async def get_profile(call: Call[NoBody, NoQuery], get_own_profile: GetOwnProfile) -> ProfileOut:
    profile = await get_own_profile(call.user)
    return ProfileOut.model_validate(profile_out(profile))


@routes.put("/api/v1/profile", summary="Update my profile")
async def update_profile(
    call: Call[ProfileIn, NoQuery], get_own_profile: GetOwnProfile, update_profile: UpdateProfile
) -> ProfileOut:
    current = await get_own_profile(call.user)
    details, privacy = profile_change(call.body, current)
    saved = await update_profile(call.user, details, privacy, call.context)
    return ProfileOut.model_validate(profile_out(saved))


@routes.get(
    "/api/v1/profile/view/{userId}",
    auth=Auth.OPTIONAL,
    summary="A user's public profile (never includes the e-mail)",
)
async def view_profile(
    call: Call[NoBody, NoQuery], view_public_profile: ViewPublicProfile
) -> PublicProfileOut:
    result = await view_public_profile(call.path["userId"], call.principal)
    return PublicProfileOut.model_validate(
        {
            **profile_out(result.profile),
            "star_count": result.star_count,
            "has_starred": result.has_starred,
            "requires_consent": result.requires_consent,
            "is_owner": result.is_owner,
        }
    )


@routes.post(
    "/api/v1/profile/views/{userId}",
    summary="Record my consented view of a profile (only if it tracks views)",
)
async def record_view(
    call: Call[NoBody, NoQuery], record_profile_view: RecordProfileView
) -> ViewRecordedOut:
    recorded = await record_profile_view(call.user, call.path["userId"])
    return ViewRecordedOut(recorded=recorded)


def profile_view_out(v: ProfileView) -> ProfileViewOut:
    return shown(ProfileViewOut, v)


@routes.page(
    "/api/v1/profile/views",
    ProfileViewOut,
    show=profile_view_out,
    summary="Who viewed my profile, newest first",
)
async def list_views(
    call: Call[NoBody, PageQuery], list_profile_views: ListProfileViews
) -> Page[ProfileView]:
    return await list_profile_views(call.user, call.query.paging)
