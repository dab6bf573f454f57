"""Invitation codes: unguessable, shown once, stored only as a digest.

The plaintext code exists only in the invitee's link (and, until the e-mail is delivered, in the
outbox). The database keeps SHA-256(code): a leaked table does not yield usable codes, and because
the code carries 256 random bits a plain (unsalted) digest is enough: nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

CODE_BYTES = 32  # 256 bits of entropy -> 43 URL-safe characters
_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class IssuedCode:
    """A freshly generated code and the digest to store. ``repr`` never shows the plaintext."""

    plaintext: str
    digest: str

    def __repr__(self) -> str:
        return f"IssuedCode(digest={self.digest[:12]}…)"


def digest_code(code: str) -> str:
    """Hex SHA-256 of a code: the only form ever persisted or compared."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def issue_code() -> IssuedCode:
    """A new random code with its digest."""
    plaintext = secrets.token_urlsafe(CODE_BYTES)
    return IssuedCode(plaintext=plaintext, digest=digest_code(plaintext))


def looks_like_code(candidate: str) -> bool:
    """Cheap shape check, so junk from a URL is answered 404 without touching the database."""
    return bool(_CODE_SHAPE.fullmatch(candidate))
