"""Signed links (newsletter confirm/unsubscribe, the feedback mail's one-click unsubscribe).

A token is ``base64url(JSON [purpose, subject, issued, expires])`` + ``.`` + ``base64url(HMAC-
SHA256)`` under a server key. The purpose is signed, so a token made for one link opens no other;
times are Unix seconds (``expires`` 0: never — an unsubscribe link must keep working).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.community.errors import ExpiredLink, InvalidLink

MAX_TOKEN_LENGTH = 1000


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


@dataclass(frozen=True)
class LinkClaims:
    subject: str
    issued_at: datetime


class LinkSigner:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("a link signing key has at least 32 bytes")
        self._key = key

    def sign(self, purpose: str, subject: str, now: datetime, ttl: timedelta | None = None) -> str:
        expires = int((now + ttl).timestamp()) if ttl is not None else 0
        body = _b64(json.dumps([purpose, subject, int(now.timestamp()), expires]).encode())
        return f"{body}.{self._mac(body)}"

    def verify(self, purpose: str, token: str, now: datetime) -> LinkClaims:
        """The claims of a valid token for ``purpose``; ``InvalidLink`` / ``ExpiredLink``."""
        body, _, mac = token.partition(".")
        if len(token) > MAX_TOKEN_LENGTH or not mac:
            raise InvalidLink()
        try:
            if not hmac.compare_digest(self._mac(body), mac):
                raise InvalidLink()
            value = json.loads(_unb64(body))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            raise InvalidLink() from None
        match value:
            case [str(signed_purpose), str(subject), int(issued), int(expires)]:
                pass
            case _:
                raise InvalidLink()
        if signed_purpose != purpose:
            raise InvalidLink()
        if expires and now.timestamp() > expires:
            raise ExpiredLink()
        return LinkClaims(subject, datetime.fromtimestamp(issued, UTC))

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
