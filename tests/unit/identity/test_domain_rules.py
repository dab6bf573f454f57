"""Pure rules of users, profiles, settings and ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import AuthenticationFailed, NotFound, ValidationFailed
from domain.identity.user import AccountDeleted, User, split_name
from domain.ids import new_id
from domain.profiles.profile import PrivacySettings, Profile
from domain.settings.user_settings import DEFAULTS, apply_patch, merged

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _user(**kw):
    base = {
        "id": "u1",
        "subject": "s1",
        "email": None,
        "first_name": "A",
        "last_name": None,
        "image_url": None,
        "username": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    base.update(kw)
    return User(**base)


def test_ids_are_time_sortable_uuid7():
    ids = [new_id() for _ in range(50)]
    assert all(i[14] == "7" for i in ids)
    assert len(set(ids)) == 50


def test_soft_deleted_user_is_refused_and_recoverable_for_90_days():
    user = _user().soft_delete(NOW)
    with pytest.raises(AccountDeleted):
        user.ensure_active()
    assert user.can_be_recovered(NOW + timedelta(days=89))
    assert not user.can_be_recovered(NOW + timedelta(days=91))
    assert user.restore(NOW).is_deleted is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("Ada", ("Ada", None)),
        ("  ", (None, None)),
        (None, (None, None)),
        ("Jean Luc Picard", ("Jean", "Luc Picard")),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


@given(st.booleans(), st.booleans(), st.booleans())
def test_track_views_needs_require_auth(is_public, require_auth, track_views):
    profile = Profile.new("u1", "A", None, NOW).update(
        Profile.new("u1", "A", None, NOW).details,
        PrivacySettings(is_public, require_auth, track_views),
        NOW,
    )
    assert profile.privacy.track_views == (require_auth and track_views)


def test_visibility_rules():
    profile = Profile.new("owner", "A", None, NOW)
    profile.check_visible_to(None)
    private = profile.update(profile.details, PrivacySettings(is_public=False), NOW)
    private.check_visible_to("owner")
    with pytest.raises(NotFound):
        private.check_visible_to("someone")
    gated = profile.update(profile.details, PrivacySettings(require_auth=True), NOW)
    with pytest.raises(AuthenticationFailed):
        gated.check_visible_to(None)
    gated.check_visible_to("someone")


@given(st.dictionaries(st.sampled_from(list(DEFAULTS)), st.booleans()))
def test_settings_patch_only_changes_given_keys(patch):
    result = apply_patch(dict(DEFAULTS), patch)
    assert set(result) == set(DEFAULTS)
    for key, value in result.items():
        assert value == patch.get(key, DEFAULTS[key])


def test_settings_reject_unknown_keys_and_non_booleans():
    with pytest.raises(ValidationFailed):
        apply_patch(dict(DEFAULTS), {"theme": True})
    with pytest.raises(ValidationFailed):
        apply_patch(dict(DEFAULTS), {"wantToGetFeedbackMail": "yes"})
    assert merged({"wantToGetFeedbackMail": False, "legacy": 1}) == {
        "wantToGetFeedbackMail": False,
        "wantFeedbackNotifications": True,
    }
