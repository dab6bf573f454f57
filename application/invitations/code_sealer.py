"""Port: keeping an invitation code secret on its way through the outbox (docs/decisions ADR)."""

from __future__ import annotations

from typing import Protocol

from domain.invitations.errors import InvitationError


class SealBroken(InvitationError):
    """A sealed code did not open: wrong key, tampered text, or bound to another invitation."""

    code = "INTERNAL_ERROR"
    status = 500


class CodeSealer(Protocol):
    """Authenticated encryption of a code, bound to the id of the invitation it belongs to.

    The database stores only the code's digest; the e-mail job needs the plaintext, so the outbox
    message carries it sealed. A dump of the outbox table (or of the job queue, or a logged payload)
    then yields nothing usable.
    """

    def seal(self, code: str, *, bound_to: str) -> str: ...

    def unseal(self, sealed: str, *, bound_to: str) -> str:
        """The code; raises ``SealBroken`` if ``sealed`` was not made by ``seal(…, bound_to)``."""
        ...
