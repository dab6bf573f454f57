"""Reads Clerk's User object (Backend API and webhook ``data``) into a ``DirectoryUser``.

The e-mail is the address whose id is ``primary_email_address_id`` (not simply the first one), and
the avatar is ``image_url`` (the original used ``external_accounts[0].picture``, which leaves
password users without an avatar: bug #14).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from application.ports.identity import DirectoryUser

# The users table's column sizes: longer values are cut rather than failing the job forever.
MAX_NAME_LENGTH = 100
MAX_URL_LENGTH = 1000
MAX_SUBJECT_LENGTH = 255
MAX_EMAIL_LENGTH = 320


class MalformedClerkUser(ValueError):
    """The object is not a Clerk user (no ``id``)."""


def directory_user(data: Mapping[str, Any]) -> DirectoryUser:
    subject = data.get("id")
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT_LENGTH:
        raise MalformedClerkUser("Clerk user object has no usable id")
    return DirectoryUser(
        subject=subject,
        email=primary_email(data),
        first_name=_text(data.get("first_name"), MAX_NAME_LENGTH),
        last_name=_text(data.get("last_name"), MAX_NAME_LENGTH),
        image_url=_whole(data.get("image_url"), MAX_URL_LENGTH),
        username=_text(data.get("username"), MAX_NAME_LENGTH),
    )


def primary_email(data: Mapping[str, Any]) -> str | None:
    primary_id = data.get("primary_email_address_id")
    addresses = data.get("email_addresses")
    if not primary_id or not isinstance(addresses, list):
        return None
    for address in addresses:
        if isinstance(address, Mapping) and address.get("id") == primary_id:
            # A truncated address would be somebody else's; an implausible one is no address.
            return _whole(address.get("email_address"), MAX_EMAIL_LENGTH)
    return None


def updated_at(data: Mapping[str, Any]) -> datetime | None:
    """Clerk's ``updated_at`` (Unix milliseconds) as an aware UTC datetime."""
    return from_unix_millis(data.get("updated_at"))


def from_unix_millis(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: object, max_length: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text[:max_length] if text else None


def _whole(value: object, max_length: int) -> str | None:
    """Text that is useless when cut (addresses, URLs): kept whole or dropped."""
    text = _text(value, max_length + 1)
    return text if text is not None and len(text) <= max_length else None
