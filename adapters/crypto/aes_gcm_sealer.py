"""``CodeSealer`` with AES-256-GCM (``cryptography``), the invitation id as associated data."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.invitations.code_sealer import SealBroken

_PREFIX = "v1."
_NONCE_BYTES = 12


class AesGcmCodeSealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the sealing key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_text(cls, key: str) -> AesGcmCodeSealer:
        """From the URL-safe base64 of 32 bytes (``INVITE_SEAL_KEY``)."""
        return cls(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))

    def seal(self, code: str, *, bound_to: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, code.encode(), bound_to.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def unseal(self, sealed: str, *, bound_to: str) -> str:
        if not sealed.startswith(_PREFIX):
            raise SealBroken("unknown seal format")
        body = sealed[len(_PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode())
        except (InvalidTag, ValueError):
            raise SealBroken("sealed code does not open with this key and invitation") from None
        return plain.decode()
