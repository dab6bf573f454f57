"""GitHub webhook signatures: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(raw body, secret)>``,
compared in constant time (GitHub's documented scheme)."""

from __future__ import annotations

import hashlib
import hmac

from domain.project_activity.errors import InvalidGithubSignature

SIGNATURE_HEADER = "X-Hub-Signature-256"
DELIVERY_HEADER = "X-GitHub-Delivery"
EVENT_HEADER = "X-GitHub-Event"


def github_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class GithubWebhookVerifier:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    def verify(self, body: bytes, signature: str | None) -> None:
        """Raises ``InvalidGithubSignature`` unless ``signature`` signs ``body``."""
        expected = github_signature(self._secret, body)
        if not signature or not hmac.compare_digest(expected.encode(), signature.encode()):
            raise InvalidGithubSignature("Invalid or missing X-Hub-Signature-256")
