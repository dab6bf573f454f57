"""Clerk webhook events become user-sync commands; unknown types are ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.clerk.user_record import directory_user
from adapters.clerk.webhook_events import MalformedClerkEvent, user_sync_command
from application.identity.provider_events import SoftDeleteProviderUser, UpsertProviderUser
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event


def event(event_type: str, data: Any, **envelope: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(clerk_event(event_type, {}))
    parsed["data"] = data
    parsed.update(envelope)
    return parsed


@pytest.mark.parametrize("event_type", ["user.created", "user.updated"])
def test_user_created_and_updated_upsert_the_primary_email_and_image_url(event_type: str) -> None:
    data = clerk_user("user_1", email="primary@example.com", updated_at_ms=1_700_000_000_000)

    command = user_sync_command(event(event_type, data))

    assert isinstance(command, UpsertProviderUser)
    assert command.user.subject == "user_1"
    assert command.user.email == "primary@example.com"  # not the first listed address
    assert command.user.image_url == "https://img.clerk.com/alice.png"  # not the OAuth picture
    assert (command.user.first_name, command.user.last_name) == ("Alice", "Liddell")
    assert command.user.username == "alice"
    assert command.occurred_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_user_without_a_primary_email_is_upserted_without_one() -> None:
    command = user_sync_command(event("user.updated", clerk_user(email=None)))
    assert isinstance(command, UpsertProviderUser)
    assert command.user.email is None


def test_blank_names_become_none() -> None:
    user = directory_user(clerk_user(first_name="  ", last_name=None, username=""))
    assert (user.first_name, user.last_name, user.username) == (None, None, None)


def test_user_deleted_soft_deletes_with_the_event_time() -> None:
    data = {"deleted": True, "id": "user_gone", "object": "user"}

    command = user_sync_command(event("user.deleted", data, timestamp=1_700_000_000_000))

    assert command == SoftDeleteProviderUser(
        subject="user_gone", occurred_at=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    "event_type", ["session.created", "organization.created", "email.created", None, 3]
)
def test_other_events_are_ignored(event_type: Any) -> None:
    assert user_sync_command(event("x", {"id": "user_1"}, type=event_type)) is None


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("user.created", None),
        ("user.created", []),
        ("user.updated", {"first_name": "no id"}),
        ("user.deleted", {"deleted": True}),
        ("user.deleted", {"id": 5}),
    ],
)
def test_known_events_without_a_usable_user_are_malformed(event_type: str, data: Any) -> None:
    with pytest.raises(MalformedClerkEvent):
        user_sync_command(event(event_type, data))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    event_type=st.sampled_from(["user.created", "user.updated", "user.deleted", "other"]),
    data=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "email_addresses",
                "primary_email_address_id",
                "first_name",
                "image_url",
                "updated_at",
                "username",
            ]
        ),
        json_values,
    ),
    timestamp=json_values,
)
def test_any_json_gives_a_command_none_or_malformed_never_a_crash(
    event_type: str, data: dict[str, Any], timestamp: Any
) -> None:
    try:
        command = user_sync_command(event(event_type, data, timestamp=timestamp))
    except MalformedClerkEvent:
        return
    if command is None:
        assert event_type == "other"
    elif isinstance(command, UpsertProviderUser):
        assert command.user.subject == data["id"]
        assert command.user.email is None or isinstance(command.user.email, str)
    else:
        assert command.subject == data["id"]


def test_values_are_fitted_to_the_users_columns() -> None:
    data = clerk_user(first_name="F" * 300, username="u" * 150)
    data["image_url"] = "https://img.clerk.com/" + "x" * 2000

    user = directory_user(data)

    assert user.first_name == "F" * 100 and user.username == "u" * 100
    assert user.image_url is None  # a cut URL would point nowhere


def test_an_overlong_subject_is_malformed() -> None:
    with pytest.raises(MalformedClerkEvent):
        user_sync_command(event("user.updated", clerk_user("user_" + "x" * 300)))
