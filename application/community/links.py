"""The links the community's e-mails carry: signed tokens on the API, pages on the frontend."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from application.ports.outbox_commands import SendEmail
from domain.community.signed_links import LinkClaims, LinkSigner

NEWSLETTER_CONFIRM = "newsletter.confirm"
NEWSLETTER_UNSUBSCRIBE = "newsletter.unsubscribe"
FEEDBACK_MAIL_UNSUBSCRIBE = "feedback-mail.unsubscribe"
#: A confirmation link works this long; unsubscribe links never expire.
CONFIRM_LINK_TTL = timedelta(days=7)


class CommunityLinks:
    def __init__(self, signer: LinkSigner, api_url: str, frontend_url: str) -> None:
        self._signer = signer
        self._api = api_url.rstrip("/")
        self._frontend = frontend_url.rstrip("/")

    def _api_link(
        self, path: str, purpose: str, subject: str, now: datetime, ttl: timedelta | None = None
    ) -> str:
        token = self._signer.sign(purpose, subject, now, ttl)
        return f"{self._api}/api/v1/{path}?token={quote(token)}"

    def newsletter_confirm(self, email: str, now: datetime) -> str:
        return self._api_link(
            "newsletter/confirm", NEWSLETTER_CONFIRM, email, now, CONFIRM_LINK_TTL
        )

    def newsletter_unsubscribe(self, email: str, now: datetime) -> str:
        return self._api_link("newsletter/unsubscribe", NEWSLETTER_UNSUBSCRIBE, email, now)

    def feedback_mail_unsubscribe(self, user_id: str, now: datetime) -> str:
        return self._api_link("feedback-mail/unsubscribe", FEEDBACK_MAIL_UNSUBSCRIBE, user_id, now)

    def feedback_page(self, code: str) -> str:
        return f"{self._frontend}/feedback/{quote(code)}"

    def signup_page(self) -> str:
        return f"{self._frontend}/sign-up"

    def newsletter_page(self) -> str:
        return f"{self._frontend}/newsletter"

    def verify(self, purpose: str, token: str, now: datetime) -> LinkClaims:
        return self._signer.verify(purpose, token, now)


def one_click_headers(url: str) -> dict[str, str]:
    """RFC 8058: the link a mail client may POST ``List-Unsubscribe=One-Click`` to."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribable_email(
    to: str,
    template: str,
    unsubscribe_url: str,
    context: Mapping[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
) -> SendEmail:
    """A community e-mail carrying its unsubscribe link twice: in the body (``unsubscribe_url``)
    and as the one-click ``List-Unsubscribe`` header."""
    return SendEmail(
        to=to,
        template=template,
        context={**(context or {}), "unsubscribe_url": unsubscribe_url},
        headers=one_click_headers(unsubscribe_url),
        dedupe_key=dedupe_key,
    )
