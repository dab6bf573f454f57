"""Svix signatures on Clerk webhooks: the raw body, the secret, the timestamp window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.clerk.webhook_signature import ClerkWebhookVerifier, InvalidClerkSignature
from tests.fixtures.fake_clerk_api import clerk_user
from tests.fixtures.svix_signing import clerk_event, new_webhook_secret, svix_headers

SECRET = new_webhook_secret()
BODY = clerk_event("user.created", clerk_user())


@pytest.fixture
def verifier() -> ClerkWebhookVerifier:
    return ClerkWebhookVerifier(SECRET)


def test_a_signed_delivery_is_verified_and_parsed(verifier: ClerkWebhookVerifier) -> None:
    headers = svix_headers(SECRET, BODY, message_id="msg_1")

    verified = verifier.verify(BODY, headers)

    assert verified.message_id == "msg_1"
    assert verified.event_type == "user.created"
    assert verified.payload["data"]["id"] == "user_2abcDEF"


def test_secret_rotation_any_matching_signature_passes(verifier: ClerkWebhookVerifier) -> None:
    headers = svix_headers(SECRET, BODY)
    other = svix_headers(new_webhook_secret(), BODY, message_id=headers["svix-id"])
    headers["svix-signature"] = f"{other['svix-signature']} {headers['svix-signature']}"

    assert verifier.verify(BODY, headers).event_type == "user.created"


def tamper_body(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return BODY.replace(b"alice@example.com", b"mallory@example.com"), headers


def other_secret(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return BODY, svix_headers(new_webhook_secret(), BODY)


def drop(name: str):  # type: ignore[no-untyped-def]
    def change(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        return BODY, {k: v for k, v in headers.items() if k != name}

    return change


def set_header(name: str, value: str):  # type: ignore[no-untyped-def]
    def change(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        return BODY, {**headers, name: value}

    return change


def shifted(delta: timedelta):  # type: ignore[no-untyped-def]
    def change(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        return BODY, svix_headers(SECRET, BODY, timestamp=datetime.now(tz=UTC) + delta)

    return change


def other_id(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    # The id is signed too: reusing a signature under a fresh svix-id must not pass.
    return BODY, {**headers, "svix-id": "msg_forged"}


def non_utf8(headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return b"\xff\xfe" + BODY, headers


@pytest.mark.parametrize(
    "attack",
    [
        tamper_body,
        other_secret,
        drop("svix-signature"),
        drop("svix-id"),
        drop("svix-timestamp"),
        set_header("svix-signature", "v1,not base64!"),
        set_header("svix-signature", "garbage-without-version"),
        set_header("svix-signature", "v2,AAAA"),
        set_header("svix-timestamp", "yesterday"),
        shifted(timedelta(minutes=-10)),
        shifted(timedelta(minutes=10)),
        other_id,
        non_utf8,
    ],
    ids=lambda attack: getattr(attack, "__qualname__", str(attack)),
)
def test_unsigned_forged_or_stale_deliveries_are_refused(
    verifier: ClerkWebhookVerifier, attack
) -> None:  # type: ignore[no-untyped-def]
    body, headers = attack(svix_headers(SECRET, BODY))
    with pytest.raises(InvalidClerkSignature) as caught:
        verifier.verify(body, headers)
    assert caught.value.code == "INVALID_SIGNATURE"


def test_a_signed_body_that_is_not_an_object_is_refused(verifier: ClerkWebhookVerifier) -> None:
    body = b"[1, 2, 3]"
    with pytest.raises(InvalidClerkSignature, match="not a JSON object"):
        verifier.verify(body, svix_headers(SECRET, body))


@pytest.mark.parametrize("secret", ["", "whsec_%%%notbase64"])
def test_a_missing_or_malformed_secret_is_a_configuration_error(secret: str) -> None:
    with pytest.raises(ValueError, match="CLERK_WEBHOOK_SECRET"):
        ClerkWebhookVerifier(secret)
